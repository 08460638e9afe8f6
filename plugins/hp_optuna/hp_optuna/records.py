"""Optuna's finished trials as hpcore ``FrozenTrial`` records.

Rules (docs/laws.md §3, §5):
- COMPLETE, PRUNED and FAIL are finished; RUNNING and WAITING are not;
- a COMPLETE trial with a NaN or infinite value is FAILED, as the core rules a live one;
- a PRUNED trial has no values (Optuna keeps its last intermediate value as its value;
  hpcore keeps it among the intermediate values only);
- a trial's hpcore number is its Optuna number, except in a study an hpcore journal with gaps
  in its numbers was replayed into (``hp_optuna.replay``): a replayed trial keeps its journal
  number (system attribute ``hpcore:number``), and every other trial is numbered by its
  Optuna number plus `number_offset`, so the numbers go on after the journal's last, the same
  in every worker and every later search of the study.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import TYPE_CHECKING

from hpcore import all_finite, FrozenTrial, TrialState

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial as OptunaFrozenTrial


NUMBER = "hpcore:number"  # the system attribute that holds a replayed trial's hpcore number
WARM = "hpcore:warm"  # the system attribute that marks a warm-start trial


def number_offset(frozen_trials: Sequence[OptunaFrozenTrial]) -> int:
    """What to add to the Optuna number of a trial the study runs after `frozen_trials` to get its hpcore number.

    The replayed trials are the study's first ones: 0 when it has none, or when the journal
    they came from had no gap in its numbers; each warm trial among them takes one off.
    """
    replayed = [frozen.system_attrs[NUMBER] for frozen in frozen_trials if NUMBER in frozen.system_attrs]
    warm = sum(1 for frozen in frozen_trials if WARM in frozen.system_attrs)
    return (max(replayed) + 1 - len(replayed) if replayed else 0) - warm


def hpcore_number(frozen: OptunaFrozenTrial, offset: int) -> int:
    """The hpcore number of a trial of a study whose `number_offset` is `offset`."""
    return frozen.system_attrs.get(NUMBER, frozen.number + offset)


def finished_states() -> tuple[optuna.trial.TrialState, ...]:
    from optuna.trial import TrialState as OptunaState

    return (OptunaState.COMPLETE, OptunaState.PRUNED, OptunaState.FAIL)


def to_trial(frozen: OptunaFrozenTrial, number: int) -> FrozenTrial:
    """One finished Optuna trial as the hpcore ledger holds it, as trial `number`."""
    from optuna.trial import TrialState as OptunaState

    values: list[float] = []
    error = None
    if frozen.state == OptunaState.COMPLETE:
        values = [float(v) for v in frozen.values]
        state = TrialState.COMPLETE
        if not all_finite(values):
            state, error, values = TrialState.FAILED, f"the objective returned {values}", []
    elif frozen.state == OptunaState.PRUNED:
        state = TrialState.PRUNED
    else:
        state, error = TrialState.FAILED, "FAIL in the Optuna storage (the reason is in the log of the process that ran it)"
    duration = frozen.duration.total_seconds() if frozen.duration is not None else 0.0
    return FrozenTrial(
        number=number,
        params=dict(frozen.params),
        state=state,
        values=values,
        intermediate={int(k): float(v) for k, v in frozen.intermediate_values.items()},
        error=error,
        duration=duration,
        user_attrs=dict(frozen.user_attrs),
    )


def finished_trials(optuna_study: optuna.Study, skip: Container[int] = frozenset()) -> list[FrozenTrial]:
    """The study's finished trials, except the warm ones and the hpcore numbers in `skip`."""
    finished, states = [], finished_states()
    top, replayed, warm = -1, 0, 0  # of the trials before the one at hand, in Optuna's number order
    for frozen in optuna_study.get_trials(deepcopy=False):
        if WARM in frozen.system_attrs:
            warm += 1
            continue
        number = hpcore_number(frozen, (top + 1 - replayed if replayed else 0) - warm)
        if NUMBER in frozen.system_attrs:
            top, replayed = max(top, number), replayed + 1
        if frozen.state in states and number not in skip:
            finished.append(to_trial(frozen, number))
    return finished
