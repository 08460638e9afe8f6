"""`OptunaTrial`, the running trial around an ``optuna.Trial``.

Rules:
- a neutral parameter is sampled from the distribution the matching ``suggest_*`` call
  would build (``hp_optuna.distributions``), so hpcore proposes exactly what raw Optuna proposes;
- a distribution is built once per search and parameter (``Distributions``): for a neutral
  space before the first trial, for a define-by-run parameter when first asked (the core hands
  back the same parameter object for the same ``suggest_*`` arguments); it is sampled through
  ``optuna_internals.sampler``, the step every public ``suggest_*`` ends in;
- a native space ``hp_space(trial)`` receives the ``optuna.Trial`` itself and must
  return the sampled values as a dict; the distributions Optuna sampled are recorded as the
  trial's parameters (`Trial.space`), so reports know a log scale or a categorical;
- user attributes go to the Optuna trial too, so the storage (and optuna-dashboard) keeps them;
- an ``optuna.TrialPruned`` raised by the objective prunes, as ``hpcore.TrialPruned`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from hpcore import Int, InvalidSpace, Param, Trial, TrialPruned

from hp_optuna import optuna_internals
from hp_optuna.distributions import Distributions, distribution, param_of, suggest

if TYPE_CHECKING:
    import optuna


class OptunaTrial(Trial):
    """What the objective receives; ``optuna_trial`` (also ``native``) is the running ``optuna.Trial``."""

    def __init__(self, optuna_trial: optuna.Trial, distributions: Distributions, offset: int = 0) -> None:
        # offset: the study's ``ledger.number_offset``; Trial.__init__ named, as super() builds a
        # proxy object for every trial (Python 3.11), and one is made for every trial
        Trial.__init__(self, optuna_trial.number + offset)
        self.optuna_trial = optuna_trial
        self.distributions = distributions
        self.prune_signals = _prune_signals()
        self._suggest = optuna_internals.sampler(optuna_trial)

    @property
    def native(self) -> optuna.Trial:
        return self.optuna_trial

    def suggest(self, name: str, param: Param) -> Any:
        """`Trial.suggest`, with a fast path for the per-trial hot case: a parameter whose distribution
        is built (the space's, or a define-by-run one asked before) asked for the first time in this
        trial. It skips the core's value check: Optuna samples inside the distribution it is given,
        which has the parameter's own bounds.
        """
        known = self.distributions.get(name)
        if known is None or known[0] is not param or name in self.params:
            return Trial.suggest(self, name, param)  # first use, or asked again: the core's rules
        value = self._suggest(name, known[1])
        if isinstance(param, Int):
            value = int(value)
        self.params[name] = value
        self._asked[name] = param
        return value

    def _sample(self, name: str, param: Param) -> Any:
        """A parameter without a built distribution (`suggest` samples the others): build it, keep it, sample it."""
        built = distribution(param)
        self.distributions[name] = (param, built)
        return suggest(self.optuna_trial, name, param, built)

    def _sample_native(self, space: Callable[[optuna.Trial], Any]) -> Mapping[str, Any]:
        """The values `hp_space(trial)` returned; the parameters Optuna sampled them from are recorded (`Trial.space`)."""
        params = space(self.optuna_trial)
        for name, built in self.optuna_trial.distributions.items():
            param = param_of(built)
            if param is not None:
                self._asked.setdefault(name, param)
        if not isinstance(params, Mapping):
            raise InvalidSpace(
                f"hp_space(trial) returned {type(params).__name__}, not a dict: "
                "return {name: trial.suggest_...(name, ...)} for each hyperparameter."
            )
        for name, value in params.items():
            if isinstance(value, Param) or type(value).__module__.startswith("ray.tune"):
                raise InvalidSpace(
                    f"hp_space(trial) returned {name!r}: {value!r}, a range, not a value: the optuna backend needs "
                    f"values, so return {{{name!r}: trial.suggest_...({name!r}, ...)}}; a Ray Tune space needs backend='ray'."
                )
        return params

    def set_user_attr(self, key: str, value: Any) -> None:
        super().set_user_attr(key, value)
        self.optuna_trial.set_user_attr(key, value)


@functools.cache
def _prune_signals() -> tuple[type[BaseException], ...]:
    """hpcore's and Optuna's ``TrialPruned``: an objective written for Optuna prunes as it does there."""
    import optuna

    return (TrialPruned, optuna.TrialPruned)
