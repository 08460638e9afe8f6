"""Optuna's finished trials as hpcore ``FrozenTrial`` records.

Rules (docs/laws.md §3, §5):
- COMPLETE, PRUNED and FAIL are finished; RUNNING and WAITING are not;
- a COMPLETE trial with a NaN or infinite value is FAILED, as the core rules a live one;
- a PRUNED trial has no values (Optuna keeps its last intermediate value as its value;
  hpcore keeps it among the intermediate values only).
"""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from hpcore import all_finite, FrozenTrial, TrialState

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial as OptunaFrozenTrial


def finished_states() -> tuple[optuna.trial.TrialState, ...]:
    from optuna.trial import TrialState as OptunaState

    return (OptunaState.COMPLETE, OptunaState.PRUNED, OptunaState.FAIL)


def to_trial(frozen: OptunaFrozenTrial) -> FrozenTrial:
    """One finished Optuna trial as the hpcore ledger holds it."""
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
        number=frozen.number,
        params=dict(frozen.params),
        state=state,
        values=values,
        intermediate={int(k): float(v) for k, v in frozen.intermediate_values.items()},
        error=error,
        duration=duration,
        user_attrs=dict(frozen.user_attrs),
    )


def finished_trials(optuna_study: optuna.Study, skip: Container[int] = frozenset()) -> list[FrozenTrial]:
    """The study's finished trials, except the numbers in `skip`."""
    return [
        to_trial(frozen)
        for frozen in optuna_study.get_trials(deepcopy=False, states=finished_states())
        if frozen.number not in skip
    ]
