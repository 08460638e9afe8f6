"""An hpcore journal's trials, written into an empty Optuna study, so a search resumed from
``journal=`` goes on after the journal's last trial and its sampler learns from what ran.

Rules:
- only an empty study is replayed into (a study that holds trials is the record itself);
- only the journal's trials are replayed, in number order, each with its hpcore number as the
  system attribute ``hpcore:number``: a number the journal lacks (a trial killed while it
  ran) adds nothing, so Optuna's numbers stay dense and may fall behind hpcore's; the trials
  the study runs afterwards are numbered after the journal's last (``hp_optuna.ledger``);
- a parameter is copied when the neutral space names it and holds its value; others
  (define-by-run, a native space) stay in the hpcore ledger only, as Optuna needs a
  distribution for each parameter it stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpcore import FrozenTrial, TrialState

from hp_optuna.handle import space_distributions
from hp_optuna.ledger import NUMBER

if TYPE_CHECKING:
    import optuna


def replay(optuna_study: optuna.Study, trials: Sequence[FrozenTrial], space: Any) -> None:
    """Add `trials` (in number order) to the empty `optuna_study`, each keeping its hpcore number."""
    from optuna.trial import TrialState as OptunaState
    from optuna.trial import create_trial

    neutral = space_distributions(space)
    states = {TrialState.COMPLETE: OptunaState.COMPLETE, TrialState.PRUNED: OptunaState.PRUNED}
    frozen = []
    for trial in trials:
        kept = {name: v for name, v in trial.params.items() if name in neutral and neutral[name][0].contains(v)}
        frozen.append(
            create_trial(
                state=states.get(trial.state, OptunaState.FAIL),
                params=kept,
                distributions={name: neutral[name][1] for name in kept},
                values=list(trial.values) if trial.state is TrialState.COMPLETE else None,
                intermediate_values=dict(trial.intermediate),
                user_attrs=dict(trial.user_attrs),
                system_attrs={NUMBER: trial.number},
            )
        )
    optuna_study.add_trials(frozen)
