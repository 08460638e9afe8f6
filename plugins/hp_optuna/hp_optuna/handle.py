"""The trial handle around an ``optuna.Trial``, and the neutral-to-Optuna parameter translation.

Rules:
- a neutral parameter is asked of Optuna with the same ``suggest_*`` call and bounds a
  user would write, so hpcore proposes exactly what raw Optuna proposes;
- a native space ``hp_space(trial)`` receives the ``optuna.Trial`` itself and must
  return the sampled values as a dict;
- user attributes go to the Optuna trial too, so the storage (and optuna-dashboard) keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from hpcore.errors import InvalidSpace
from hpcore.space import Categorical, Int, Param
from hpcore.trial import TrialHandle

if TYPE_CHECKING:
    import optuna


def suggest(optuna_trial: optuna.Trial, name: str, param: Param) -> Any:
    """Ask Optuna for `name` with the `suggest_*` call that matches `param`."""
    if isinstance(param, Categorical):
        return optuna_trial.suggest_categorical(name, param.choices)
    if isinstance(param, Int):
        return optuna_trial.suggest_int(name, param.low, param.high, step=param.step, log=param.log)
    return optuna_trial.suggest_float(name, param.low, param.high, step=param.step, log=param.log)


class OptunaHandle(TrialHandle):
    """What the objective receives; ``optuna_trial`` is the running ``optuna.Trial``."""

    def __init__(self, optuna_trial: optuna.Trial) -> None:
        super().__init__(optuna_trial.number)
        self.optuna_trial = optuna_trial

    def _sample(self, name: str, param: Param) -> Any:
        return suggest(self.optuna_trial, name, param)

    def _sample_native(self, space: Callable[[optuna.Trial], Any]) -> Mapping[str, Any]:
        params = space(self.optuna_trial)
        if not isinstance(params, Mapping):
            raise InvalidSpace(
                f"hp_space(trial) returned {type(params).__name__}, not a dict: "
                "return {name: trial.suggest_...(name, ...)} for each hyperparameter."
            )
        return params

    def set_user_attr(self, key: str, value: Any) -> None:
        super().set_user_attr(key, value)
        self.optuna_trial.set_user_attr(key, value)
