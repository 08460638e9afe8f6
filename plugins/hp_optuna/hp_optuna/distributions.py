"""Neutral parameters as Optuna distributions: the one translation, public for every backend that drives Optuna.

Rules:
- a neutral parameter becomes the distribution its ``suggest_*`` call would build, with the
  same bounds, log scale and step; a categorical keeps its choices as given;
- a kind Optuna cannot sample (not Float, Int or Categorical) is refused with InvalidSpace;
- `param_of` translates back: an Optuna distribution as the neutral parameter it is (a native
  space's, recorded in the trial);
- `suggest` samples through ``optuna_internals.sampler``, the step every public ``suggest_*``
  ends in, and gives a value of the parameter's own type: an int for an `Int`, the very
  choice object for a `Categorical`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpcore import Categorical, Float, Int, InvalidSpace, Param, is_neutral

from hp_optuna import optuna_internals

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

Distributions = dict[str, tuple[Param, "BaseDistribution"]]  # one search's: name -> (parameter, its distribution)


def distribution(param: Param) -> BaseDistribution:
    """The Optuna distribution of `param`: the one its ``suggest_*`` call builds."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if isinstance(param, Categorical):
        return CategoricalDistribution(param.choices)
    if isinstance(param, Int):
        return IntDistribution(param.low, param.high, log=param.log, step=param.step)
    if isinstance(param, Float):
        return FloatDistribution(param.low, param.high, log=param.log, step=param.step)
    raise InvalidSpace(
        f"Optuna cannot sample the parameter kind {type(param).__name__}: use Float, Int or Categorical."
    )


def param_of(built: BaseDistribution) -> Param | None:
    """`distribution`'s inverse: the neutral parameter of an Optuna distribution; None for one it cannot be."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    try:
        if isinstance(built, CategoricalDistribution):
            return Categorical(built.choices)
        if isinstance(built, IntDistribution):
            return Int(built.low, built.high, log=built.log, step=built.step)
        if isinstance(built, FloatDistribution):
            return Float(built.low, built.high, log=built.log, step=built.step)
    except InvalidSpace:  # a range the core refuses (a step that does not divide it)
        return None
    return None


def space_distributions(space: Any) -> Distributions:
    """Each parameter of a neutral space with its Optuna distribution; empty for any other space.

    A space Optuna cannot sample is refused here, before any trial runs.
    """
    if not is_neutral(space):
        return {}
    built: Distributions = {}
    for name, param in space.items():
        try:
            built[name] = (param, distribution(param))
        except InvalidSpace as exc:
            raise InvalidSpace(f"parameter {name!r}: {exc}") from None
        except ValueError as exc:
            raise InvalidSpace(f"parameter {name!r}: Optuna cannot sample {param}: {exc}") from None
    return built


def suggest(optuna_trial: optuna.Trial, name: str, param: Param, built: BaseDistribution | None = None) -> Any:
    """`param` sampled by `optuna_trial` as its ``suggest_*`` call would, from `built` (its distribution) when given."""
    optuna_internals.check()
    value = optuna_internals.sampler(optuna_trial)(name, distribution(param) if built is None else built)
    return int(value) if isinstance(param, Int) else value
