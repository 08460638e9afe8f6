"""`execute_trial`: run one trial of an objective by the core's rules and return its record.

It needs no relay and no study, so an engine can run it anywhere, a Ray worker included,
and record what it returns where the search lives (`TrialRunner.record`).

Rules (docs/laws.md §2, §3):
- an exception `catch` covers, a NaN or an infinite value: FAILED with the reason kept;
- one of the trial's `prune_signals`: PRUNED, with the reports it made;
- a wrong number of values, a value that is not a number, an hpcore error (a programming
  error), an interrupt, or an exception `catch` does not cover: FAILED, and handed back
  for the caller to re-raise once the trial is recorded.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from hpcore.errors import HpcoreError
from hpcore.objective import ComputeObjective, all_finite, to_values
from hpcore.records import FrozenTrial, TrialState
from hpcore.trial import Trial

log = logging.getLogger("hpcore")

INTERRUPTED = "interrupted (KeyboardInterrupt)"  # the error of a trial an interrupt ended


def execute_trial(
    objective: Callable[[Trial], Any],
    trial: Trial,
    *,
    space: Any,
    n_objectives: int,
    compute_objective: ComputeObjective | None,
    catch: tuple[type[BaseException], ...],
) -> tuple[FrozenTrial, BaseException | None]:
    """Run one trial; return its record and the exception the caller must re-raise, if any."""
    trial.n_objectives = n_objectives
    started = time.perf_counter()
    values: list[float] = []
    error: str | None = None
    reraise: BaseException | None = None
    try:
        if space is not None:
            trial.sample_space(space)
        values = to_values(objective(trial), n_objectives, compute_objective)
        if all_finite(values):
            state = TrialState.COMPLETE
        else:
            state, error, values = TrialState.FAILED, f"the objective returned {values}", []
            log.warning("trial %d failed: %s", trial.number, error)
    except trial.prune_signals:
        state = TrialState.PRUNED
    except HpcoreError as exc:
        state, error, reraise = TrialState.FAILED, _describe(exc), exc
    except catch as exc:
        state, error = TrialState.FAILED, _describe(exc)
        log.warning("trial %d failed: %s\n%s", trial.number, error, traceback.format_exc())
    except KeyboardInterrupt as exc:
        state, error, reraise = TrialState.FAILED, INTERRUPTED, exc
    except BaseException as exc:
        state, error, reraise = TrialState.FAILED, _describe(exc), exc
    duration = time.perf_counter() - started
    # the record takes the trial's dicts (the trial is spent); fields in order, the fastest call
    record = FrozenTrial(
        trial.number, trial.params, state, values, trial.intermediate, error, duration, trial.user_attrs, trial.proposer,
        trial.space,
    )
    return record, reraise


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
