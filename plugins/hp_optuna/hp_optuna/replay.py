"""An hpcore journal's trials, written into an empty Optuna study, so a search resumed from
``journal=`` goes on with the next trial number and its sampler learns from what ran.

Rules:
- only an empty study is replayed into (a study that holds trials is the record itself);
- numbers the journal lacks (a trial killed while running) become FAIL trials, so the
  study's numbers stay those of the journal;
- a parameter is copied when the neutral space names it and holds its value; others
  (define-by-run, a native space) stay in the hpcore ledger only, as Optuna needs a
  distribution for each parameter it stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpcore import FrozenTrial, TrialState

from hp_optuna.handle import space_distributions

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial as OptunaFrozenTrial


def replay(optuna_study: optuna.Study, trials: Sequence[FrozenTrial], space: Any) -> None:
    """Add `trials` to the empty `optuna_study`, numbered as they are numbered in hpcore."""
    from optuna.trial import TrialState as OptunaState
    from optuna.trial import create_trial

    neutral = space_distributions(space)
    by_number = {t.number: t for t in trials}
    frozen: list[OptunaFrozenTrial] = []
    for number in range(max(by_number) + 1):
        trial = by_number.get(number)
        if trial is None:
            frozen.append(create_trial(state=OptunaState.FAIL))
            continue
        kept = {name: v for name, v in trial.params.items() if name in neutral and neutral[name][0].contains(v)}
        complete = trial.state is TrialState.COMPLETE
        frozen.append(
            create_trial(
                state={
                    TrialState.COMPLETE: OptunaState.COMPLETE,
                    TrialState.PRUNED: OptunaState.PRUNED,
                }.get(trial.state, OptunaState.FAIL),
                params=kept,
                distributions={name: neutral[name][1] for name in kept},
                values=list(trial.values) if complete else None,
                intermediate_values=dict(trial.intermediate),
                user_attrs=dict(trial.user_attrs),
            )
        )
    optuna_study.add_trials(frozen)
