"""Search spaces for Ray Tune: neutral hpcore params translated to Tune domains, native forms resolved.

Rules:
- a native space is a dict of Tune domains, `grid_search` markers and constants, or a
  function returning one when called with None (as transformers passes `hp_space`);
- neutral params map to domains whose samples lie in the param's space: bounds
  inclusive, log scales sampled in log space, stepped params on the grid from `low`;
- a trial's params are its config: for a neutral space, the neutral names only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hpcore import Categorical, Float, Int, InvalidSpace, Param, called_with_none, is_neutral, values_of

MAX_CHOICES = 100_000


def resolve(space: Any) -> tuple[dict[str, Any], dict[str, Param] | None]:
    """The Tune param space for `space`, and the neutral space it came from (None for a native one)."""
    from hpcore import space_form  # here, not above: it loads the plugin registry, which a trial worker never needs

    if is_neutral(space):
        return {name: to_domain(name, param) for name, param in space.items()}, dict(space)
    if callable(space) and not isinstance(space, Mapping):
        space = called_with_none(space, "ray", "a dict of Tune domains")
        if is_neutral(space):
            return resolve(space)
    if not isinstance(space, Mapping) or space_form(space) not in ("ray", "unknown") or not space:
        raise InvalidSpace(
            f"the ray backend reads a dict of hpcore params or of Ray Tune domains "
            f"(tune.uniform, tune.choice, tune.grid_search, ...), got {space!r}."
        )
    return dict(space), None


def is_tune_space(space: Any) -> bool:
    """A dict holding a Ray Tune domain or `grid_search` marker anywhere (nested, as Tune allows); imports no Ray."""
    if not isinstance(space, Mapping):
        return False
    for value in space.values():
        if type(value).__module__.startswith("ray.tune"):
            return True
        if isinstance(value, Mapping) and (set(value) == {"grid_search"} or is_tune_space(value)):
            return True
    return False


def to_domain(name: str, param: Param) -> Any:
    """The Tune domain that samples `param`."""
    from ray import tune

    if isinstance(param, Categorical):
        return tune.choice(list(param.choices))
    if isinstance(param, Int):
        if param.step != 1:
            return tune.choice(_grid(name, param))
        if param.log:
            return tune.lograndint(param.low, param.high + 1)
        return tune.randint(param.low, param.high + 1)
    if not isinstance(param, Float):
        raise InvalidSpace(
            f"parameter {name!r} is a {type(param).__name__}, which the ray backend does not know: "
            "use Float, Int or Categorical."
        )
    if param.step is not None:
        return tune.choice(_grid(name, param))
    if param.low == param.high:
        return param.low
    if param.log:
        return tune.loguniform(param.low, param.high)
    return tune.uniform(param.low, param.high)


def _grid(name: str, param: Int | Float) -> list[Any]:
    if (param.n_points or 0) > MAX_CHOICES:
        raise InvalidSpace(
            f"parameter {name!r} has {param.n_points} steps, more than the {MAX_CHOICES} the ray "
            "backend lists as choices: use a larger step, or drop step."
        )
    return values_of(param)


def from_config(name: str, param: Param, value: Any) -> Any:
    """A sampled config value as the param's own type: Python numbers, the very choice object."""
    if isinstance(param, Categorical):
        return param.value_at(param.index_of(value)) if param.contains(value) else value
    if isinstance(param, Int):
        return min(max(int(value), param.low), param.high)
    assert isinstance(param, Float)  # hp-ray refused every other kind before the first trial (laws §6)
    return min(max(float(value), param.low), param.high)


def params_of(config: Mapping[str, Any], space: Any) -> dict[str, Any]:
    """A trial's params from its Tune config: the neutral names, or the whole native config."""
    if is_neutral(space):
        return {name: from_config(name, p, config[name]) for name, p in space.items() if name in config}
    return dict(config)


def grid_size(space: Mapping[str, Any]) -> int:
    """How many configs one sample of `space` expands to (the product of its grid_search lists)."""
    size = 1
    for value in space.values():
        if isinstance(value, Mapping):
            if set(value) == {"grid_search"}:
                size *= max(1, len(value["grid_search"]))
            else:
                size *= grid_size(value)
    return size


def samples_for(n_trials: int, space: Mapping[str, Any]) -> int:
    """Tune's num_samples so that at least `n_trials` trials are generated."""
    return max(1, math.ceil(n_trials / grid_size(space)))
