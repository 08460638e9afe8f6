"""hpcore trials written into an empty Optuna study, so its sampler learns from what ran: the one
replay, public for every backend that drives Optuna (hp-optuna's resumed ``journal=``, hp-wandb's bayes).

Rules:
- only an empty study is replayed into (a study that holds trials is the record itself);
- the trials are replayed in number order, each with its hpcore number as the system attribute
  ``hpcore:number`` (a warm-start trial, ``warm=True``, with ``hpcore:warm`` instead: it is not
  the study's own), its state (COMPLETE, PRUNED, else FAIL), its values when COMPLETE, its
  intermediate values and its user attributes: a number the trials lack (a trial killed while
  it ran) adds nothing, so Optuna's numbers stay dense and may fall behind hpcore's; the
  trials the study runs afterwards are numbered after the last (``hp_optuna.records``);
- a parameter is copied when `place` gives its distribution and the value in it (`in_space`:
  the neutral space names it and holds its value); others stay in the hpcore ledger only,
  as Optuna needs a distribution for each parameter it stores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hpcore import FrozenTrial, TrialState

from hp_optuna.distributions import space_distributions
from hp_optuna.records import NUMBER, WARM

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

Placed = Mapping[str, tuple["BaseDistribution", Any]]  # name -> (its distribution, the value in it)


def replay(optuna_study: optuna.Study, trials: Sequence[FrozenTrial], place: Callable[[FrozenTrial], Placed], warm: bool = False) -> None:
    """Add `trials` (in number order) to `optuna_study`, each keeping its hpcore number, or marked warm."""
    from optuna.trial import TrialState as OptunaState
    from optuna.trial import create_trial

    states = {TrialState.COMPLETE: OptunaState.COMPLETE, TrialState.PRUNED: OptunaState.PRUNED}
    frozen = []
    for trial in trials:
        placed = place(trial)
        frozen.append(
            create_trial(
                state=states.get(trial.state, OptunaState.FAIL),
                params={name: value for name, (_, value) in placed.items()},
                distributions={name: built for name, (built, _) in placed.items()},
                values=list(trial.values) if trial.state is TrialState.COMPLETE else None,
                intermediate_values=dict(trial.intermediate),
                user_attrs=dict(trial.user_attrs),
                system_attrs={WARM: True} if warm else {NUMBER: trial.number},
            )
        )
    if frozen:
        optuna_study.add_trials(frozen)


def in_space(space: Any) -> Callable[[FrozenTrial], Placed]:
    """`replay`'s `place` for a neutral space: each parameter it names whose value it holds."""
    neutral = space_distributions(space)

    def place(trial: FrozenTrial) -> Placed:
        return {
            name: (neutral[name][1], value)
            for name, value in trial.params.items()
            if name in neutral and neutral[name][0].contains(value)
        }

    return place
