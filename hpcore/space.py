"""Backend-neutral search space: `Float`, `Int`, `Categorical`, validated at construction.

Bounds and steps are Python numbers: a numpy scalar of the right kind (a real for `Float`, an
integer for `Int`) is taken as the Python float or int it holds; a bool is no number.

A neutral space is a non-empty `dict[str, Param]`. Anything else handed to
`search(space=...)` is a backend's native form (`hpcore.forms`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hpcore.errors import InvalidSpace

_STEP_TOLERANCE = 1e-9


def _finite(name: str, value: Any) -> float:
    """`value` when it is a finite real number; another real (a numpy float) as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise InvalidSpace(f"{name} must be a finite number, got {value!r}.")
    return value if type(value) in (int, float) else float(value)  # type: ignore[return-value]  # an int or float as given


def _integer(name: str, value: Any) -> int:
    """`value` as a Python int when it is an integer (a numpy integer included)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidSpace(f"{name} must be an int, got {value!r}: use Float for real values.")
    return int(value)


class Param:
    """A kind of parameter: its values (`contains`), its quantiles (`from_unit`, `to_unit`) and,
    when finite, its size and its values in order (`n_points`, `value_at`, `index_of`).

    The core knows `Float`, `Int` and `Categorical`. Another kind subclasses `Param`: a backend
    that samples through `from_unit` takes it; one that enumerates takes it when it is finite
    (`n_points`, `value_at`); one that translates parameters into an engine's own refuses a
    kind it does not know with InvalidSpace, before any trial.
    """

    @property
    def n_points(self) -> int | None:
        """How many values the parameter takes; None when they are not countable."""
        return None

    def from_unit(self, u: float) -> Any:
        """The value at quantile `u` in [0, 1)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement from_unit")

    def to_unit(self, value: Any) -> float:
        """A quantile `u` in [0, 1] that `from_unit` maps back to `value`; InvalidSpace for a value outside."""
        raise NotImplementedError(f"{type(self).__name__} does not implement to_unit")

    def value_at(self, i: int) -> Any:
        """The `i`-th of a finite parameter's values, 0 <= i < n_points, in increasing order (choices as given)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement value_at")

    def index_of(self, value: Any) -> int:
        """Where `value` lies among the values (`value_at`'s inverse); InvalidSpace for a value it does not take."""
        raise NotImplementedError(f"{type(self).__name__} does not implement index_of")

    def contains(self, value: Any) -> bool:
        raise NotImplementedError(f"{type(self).__name__} does not implement contains")

    def _index(self, i: int) -> int:
        """`i` when it is a position among the values; IndexError otherwise."""
        n = self.n_points
        if n is None:
            raise InvalidSpace(f"{self!r} takes uncountably many values: it has no value_at.")
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
            raise IndexError(f"{self!r} has {n} values: i must be an int from 0 to {n - 1}, got {i!r}.")
        return i

    def _outside(self, value: Any) -> InvalidSpace:
        return InvalidSpace(f"{value!r} is not a value of {self!r}.")

    def _unit_of_index(self, value: Any) -> float:
        """The middle of the quantiles `from_unit` maps to `value`, for a kind that buckets [0, 1) evenly."""
        return (self.index_of(value) + 0.5) / (self.n_points or 1)


def values_of(param: Param) -> list[Any]:
    """Every value of a finite parameter, in order; InvalidSpace for one whose values are not countable."""
    n = param.n_points
    if n is None:
        raise InvalidSpace(f"{param!r} takes uncountably many values: they cannot be listed.")
    return [param.value_at(i) for i in range(n)]


@dataclass(frozen=True)
class Float(Param):
    """A float in [low, high]; `log=True` samples in log space; `step` makes it discrete."""

    low: float
    high: float
    log: bool = False
    step: float | None = None

    def __post_init__(self) -> None:
        for name in ("low", "high") if self.step is None else ("low", "high", "step"):
            object.__setattr__(self, name, _finite(name, getattr(self, name)))
        if self.low > self.high:
            raise InvalidSpace(f"low={self.low} is greater than high={self.high}: swap them.")
        if self.log and self.low <= 0:
            raise InvalidSpace(f"log=True needs low > 0, got low={self.low}: raise low or drop log.")
        if self.step is not None:
            if self.log:
                raise InvalidSpace("step and log=True cannot be combined: drop one of them.")
            if self.step <= 0:
                raise InvalidSpace(f"step must be positive, got {self.step}.")
            if not _divides(self.step, self.high - self.low):
                raise InvalidSpace(
                    f"step={self.step} does not divide high - low = {self.high - self.low}: "
                    "choose a step that does, or move high."
                )

    @property
    def n_points(self) -> int | None:
        """How many values a stepped float takes; None when continuous."""
        if self.step is None:
            return None
        return round((self.high - self.low) / self.step) + 1

    def from_unit(self, u: float) -> float:
        """The value at quantile `u` in [0, 1): log scales in log space, steps respected, bounds inclusive."""
        if self.step is not None:
            return min(self.low + self.step * _bucket(u, self.n_points or 1), self.high)
        if self.log:
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + u * (self.high - self.low)
        return min(max(value, self.low), self.high)

    def to_unit(self, value: Any) -> float:
        """`from_unit`'s inverse: exact for a stepped float's values; continuous, within 1e-12 (of the span,
        or relative on a log scale)."""
        if not self.contains(value):
            raise self._outside(value)
        if self.step is not None:
            return self._unit_of_index(value)
        if self.low == self.high:
            return 0.0
        if self.log:
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def value_at(self, i: int) -> float:
        """The `i`-th point of a stepped float, `low + i * step` (the last is `high`)."""
        index = self._index(i)  # refuses a continuous float
        return min(self.low + index * (self.step or 0.0), self.high)

    def index_of(self, value: Any) -> int:
        if self.step is None or not self.contains(value):
            raise self._outside(value)
        return min(round((value - self.low) / self.step), (self.n_points or 1) - 1)

    def contains(self, value: Any) -> bool:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        if not self.low <= value <= self.high:
            return False
        return self.step is None or _divides(self.step, value - self.low)


@dataclass(frozen=True)
class Int(Param):
    """An integer in [low, high] on a grid of `step`; `log=True` samples in log space (step 1 only)."""

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        for name in ("low", "high", "step"):
            object.__setattr__(self, name, _integer(name, getattr(self, name)))
        if self.low > self.high:
            raise InvalidSpace(f"low={self.low} is greater than high={self.high}: swap them.")
        if self.step < 1:
            raise InvalidSpace(f"step must be at least 1, got {self.step}.")
        if self.log and self.low < 1:
            raise InvalidSpace(f"log=True needs low >= 1, got low={self.low}: raise low or drop log.")
        if self.log and self.step != 1:
            raise InvalidSpace("step and log=True cannot be combined: use step=1 or drop log.")
        if (self.high - self.low) % self.step:
            raise InvalidSpace(
                f"step={self.step} does not divide high - low = {self.high - self.low}: "
                "choose a step that does, or move high."
            )

    @property
    def n_points(self) -> int:
        return (self.high - self.low) // self.step + 1

    def from_unit(self, u: float) -> int:
        """The value at quantile `u` in [0, 1); log scales round a log-uniform draw over [low-0.5, high+0.5]."""
        if self.log:
            lo, hi = math.log(self.low - 0.5), math.log(self.high + 0.5)
            return min(max(round(math.exp(lo + u * (hi - lo))), self.low), self.high)
        return self.low + self.step * _bucket(u, self.n_points)

    def to_unit(self, value: Any) -> float:
        """`from_unit`'s inverse, exact: the middle of the value's bucket, or of its log-scale interval."""
        if not self.log:
            return self._unit_of_index(value)
        if not self.contains(value):
            raise self._outside(value)
        lo, hi = math.log(self.low - 0.5), math.log(self.high + 0.5)
        return (math.log(value) - lo) / (hi - lo)

    def value_at(self, i: int) -> int:
        return self.low + self.step * self._index(i)

    def index_of(self, value: Any) -> int:
        if not self.contains(value):
            raise self._outside(value)
        return (value - self.low) // self.step

    def contains(self, value: Any) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
            and (value - self.low) % self.step == 0
        )


@dataclass(frozen=True)
class Categorical(Param):
    """One of `choices`, returned as the very object given."""

    choices: tuple[Any, ...]

    def __init__(self, choices: Sequence[Any]) -> None:
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise InvalidSpace(f"choices must be a list or tuple, got {choices!r}.")
        if len(choices) == 0:
            raise InvalidSpace("choices is empty: give at least one choice.")
        for i, choice in enumerate(choices):
            for earlier in choices[:i]:
                if same_choice(earlier, choice):
                    raise InvalidSpace(f"choice {choice!r} is given twice: list each choice once.")
        object.__setattr__(self, "choices", tuple(choices))

    @property
    def n_points(self) -> int:
        return len(self.choices)

    def from_unit(self, u: float) -> Any:
        """The choice at quantile `u` in [0, 1), the very object given."""
        return self.choices[_bucket(u, len(self.choices))]

    def to_unit(self, value: Any) -> float:
        return self._unit_of_index(value)

    def value_at(self, i: int) -> Any:
        return self.choices[self._index(i)]

    def index_of(self, value: Any) -> int:
        """The position of the choice `value` is (the very object, or `same_choice`)."""
        for i, choice in enumerate(self.choices):
            if value is choice or same_choice(value, choice):
                return i
        raise self._outside(value)

    def contains(self, value: Any) -> bool:
        for choice in self.choices:
            if value is choice or same_choice(value, choice):
                return True
        return False


def same_choice(a: Any, b: Any) -> bool:
    """Whether `a` and `b` are one categorical choice: equal and of the same type, so 1, 1.0 and True are three."""
    return type(a) is type(b) and a == b


def _bucket(u: float, n: int) -> int:
    return min(int(u * n), n - 1)


def _divides(step: float, span: float) -> bool:
    ratio = span / step
    return abs(ratio - round(ratio)) <= _STEP_TOLERANCE * max(1.0, abs(ratio))


class NeutralSpace(dict):
    """A neutral space `validate_space` has checked, so the per-trial path need not check it again."""


def is_neutral(space: Any) -> bool:
    """True for a dict whose values are all hpcore params (the neutral form)."""
    if type(space) is NeutralSpace:
        return True
    return isinstance(space, Mapping) and len(space) > 0 and all(
        isinstance(p, Param) for p in space.values()
    )


def called_with_none(space: Callable[[Any], Any], backend: str, expects: str) -> Any:
    """What a function space returns when called with None, as transformers passes `hp_space` to Ray
    and W&B; an error it raises is an InvalidSpace saying what `backend` expects."""
    try:
        return space(None)
    except Exception as exc:
        raise InvalidSpace(
            f"the space function {getattr(space, '__name__', space)!r} raised {type(exc).__name__}: {exc} when "
            f"called with None. The {backend} backend calls it once with None (as transformers does) and expects "
            f"{expects}; an Optuna hp_space(trial) needs backend='optuna'."
        ) from exc
