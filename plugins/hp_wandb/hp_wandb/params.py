"""The parameters of a sweep: every distribution W&B documents, and hpcore's neutral parameters.

Each parameter knows how each local method samples it:
- `draw(rng)`: method ``random`` draws from the declared distribution (W&B's own rule for
  each: ``q_*`` rounds to a multiple of ``q``, an int when ``q`` is an int; ``inv_log_uniform_values``
  lies in ``[min, max]`` with ``log(1/x)`` uniform; ``probabilities`` weigh the choices);
- `grid()`: method ``grid`` visits these values (categorical, constants, ``int_uniform``,
  ``q_uniform``, and neutral parameters with finitely many values); others raise InvalidSpace;
- `suggest(optuna_trial, key)`: method ``bayes`` asks Optuna's sampler, through hp-optuna's
  translation (``hp_optuna.distributions``): a neutral parameter as the optuna backend samples
  it; uniform, log-uniform and integer parameters as the neutral parameter of the same range;
  categorical parameters as Optuna's categorical distribution (plain values as they are, others by index); ``normal``, ``log_normal``
  and ``beta`` are sampled as a quantile in (0, 1) mapped through the distribution's inverse CDF,
  so the model sees a bounded space and the first random trials follow the declared prior;
  ``q_*`` quantize what the underlying distribution gave.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from hp_optuna.distributions import distribution, suggest
from hpcore import Categorical, Float, Int, InvalidSpace, Param, same_choice, values_of

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

_PLAIN = (type(None), bool, int, float, str)  # what Optuna's CategoricalDistribution holds as is
_EDGE = 1e-12  # quantiles are kept inside (0, 1), where every inverse CDF is finite
QUANTILE = Float(_EDGE, 1 - _EDGE)  # what Optuna samples for normal, log_normal and beta


@dataclass(frozen=True)
class Spec:
    """One parameter of a sweep; `key` is its path joined by dots (nested parameters)."""

    key: str

    def draw(self, rng: random.Random) -> Any:
        raise NotImplementedError

    def grid(self) -> list[Any]:
        raise InvalidSpace(
            f"parameter {self.key!r} is {self.describe()}, which a grid cannot enumerate: use values, value, "
            "int_uniform or q_uniform, or method random or bayes."
        )

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> Any:
        raise NotImplementedError

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        """The Optuna distribution `suggest` samples and the value in it that gave `value`; None if none."""
        return None

    def describe(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class Constant(Spec):
    value: Any

    def draw(self, rng: random.Random) -> Any:
        return self.value

    def grid(self) -> list[Any]:
        return [self.value]

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> Any:
        return self.value

    def describe(self) -> str:
        return "a constant"


@dataclass(frozen=True)
class Choice(Spec):
    values: tuple[Any, ...]
    probabilities: tuple[float, ...] | None = None

    def draw(self, rng: random.Random) -> Any:
        if self.probabilities is None:
            return self.values[rng.randrange(len(self.values))]
        return rng.choices(self.values, weights=self.probabilities)[0]

    def grid(self) -> list[Any]:
        if self.probabilities is not None:
            raise InvalidSpace(
                f"parameter {self.key!r} has probabilities, which a grid does not use (W&B refuses them too): "
                "drop probabilities, or use method random."
            )
        return list(self.values)

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> Any:
        return choose(optuna_trial, key, self.values)

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        return replay_choice(self.values, value)

    def describe(self) -> str:
        return "categorical"


@dataclass(frozen=True)
class IntUniform(Spec):
    low: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)

    def grid(self) -> list[int]:
        return list(range(self.low, self.high + 1))

    @functools.cached_property
    def neutral(self) -> Int:
        """The neutral parameter Optuna samples it as."""
        return Int(self.low, self.high)

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> int:
        return suggest(optuna_trial, key, self.neutral)

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        number = _as_int(value)
        return None if number is None else (distribution(self.neutral), min(max(number, self.low), self.high))

    def describe(self) -> str:
        return "int_uniform"


@dataclass(frozen=True)
class Uniform(Spec):
    """A float in [low, high], uniform or (log=True) log-uniform."""

    low: float
    high: float
    log: bool = False
    name: str = "uniform"

    def draw(self, rng: random.Random) -> float:
        if self.log:
            return _clip(math.exp(rng.uniform(math.log(self.low), math.log(self.high))), self.low, self.high)
        return rng.uniform(self.low, self.high)

    @functools.cached_property
    def neutral(self) -> Float:
        """The neutral parameter Optuna samples it as."""
        return Float(self.low, self.high, log=self.log)

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> float:
        return float(suggest(optuna_trial, key, self.neutral))

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        if not _is_real(value):
            return None
        return distribution(self.neutral), _clip(float(value), self.low, self.high)

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Normal(Spec):
    """N(mu, sigma), or (log=True) exp of it: W&B's normal and log_normal."""

    mu: float
    sigma: float
    log: bool = False

    def draw(self, rng: random.Random) -> float:
        value = rng.gauss(self.mu, self.sigma)
        return math.exp(value) if self.log else value

    def ppf(self, u: float) -> float:
        value = self.mu if self.sigma == 0 else NormalDist(self.mu, self.sigma).inv_cdf(u)
        return math.exp(value) if self.log else value

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> float:
        return self.ppf(suggest(optuna_trial, key, QUANTILE))

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        if not _is_real(value) or (self.log and value <= 0):
            return None
        x = math.log(value) if self.log else float(value)
        return _quantile(0.5 if self.sigma == 0 else NormalDist(self.mu, self.sigma).cdf(x))

    def describe(self) -> str:
        return "log_normal" if self.log else "normal"


@dataclass(frozen=True)
class Beta(Spec):
    a: float
    b: float

    def draw(self, rng: random.Random) -> float:
        return rng.betavariate(self.a, self.b)

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> float:
        return beta_ppf(suggest(optuna_trial, key, QUANTILE), self.a, self.b)

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        return _quantile(beta_cdf(float(value), self.a, self.b)) if _is_real(value) else None

    def describe(self) -> str:
        return "beta"


@dataclass(frozen=True)
class Quantized(Spec):
    """W&B's q_* distributions: `base`'s value rounded to a multiple of q (an int when q is an int)."""

    base: Spec
    q: float
    name: str = "q_uniform"

    def quantize(self, value: float) -> float | int:
        steps = round(value / self.q)
        if isinstance(self.q, int):
            return int(steps) * self.q
        return steps * self.q

    def draw(self, rng: random.Random) -> float | int:
        return self.quantize(self.base.draw(rng))

    def grid(self) -> list[Any]:
        base = self.base
        if not isinstance(base, Uniform) or base.log:
            return super().grid()
        return [self.quantize(k * self.q) for k in range(round(base.low / self.q), round(base.high / self.q) + 1)]

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> float | int:
        return self.quantize(self.base.suggest(optuna_trial, key))

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        return self.base.replay(value)  # the quantized value stands for the draw it came from

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Neutral(Spec):
    """An hpcore parameter (`Float`, `Int`, `Categorical`, or another kind through `from_unit`)."""

    param: Param

    def draw(self, rng: random.Random) -> Any:
        return self.param.from_unit(rng.random())

    def grid(self) -> list[Any]:
        return neutral_axis(self.key, self.param)

    def suggest(self, optuna_trial: optuna.Trial, key: str) -> Any:
        return suggest(optuna_trial, key, self.param)

    def replay(self, value: Any) -> tuple[BaseDistribution, Any] | None:
        value = from_json(self.param, value)
        return (distribution(self.param), value) if self.param.contains(value) else None

    def describe(self) -> str:
        return repr(self.param)


def neutral_axis(name: str, param: Param) -> list[Any]:
    """Every value of a neutral parameter on a grid: `values_of`, for any finite kind."""
    if isinstance(param, Float) and param.step is None:
        raise InvalidSpace(
            f"parameter {name!r} is a Float without step, which a grid cannot enumerate: give it step=, "
            "or use method random or bayes."
        )
    try:
        return values_of(param)
    except (InvalidSpace, NotImplementedError):
        raise InvalidSpace(
            f"parameter {name!r} is a {type(param).__name__}, which method grid cannot enumerate: "
            "use Float, Int or Categorical, or method random."
        ) from None


def from_json(param: Param, value: Any) -> Any:
    """A value as JSON gives it back (a journal, the W&B server), as the neutral parameter holds it:
    a list is the tuple choice it stands for, the choice the very object; 2.0 an Int's 2; 2 a Float's 2.0."""
    if isinstance(param, Categorical):
        return next((choice for choice in param.choices if choice is value or _from_json_is(choice, value)), value)
    if isinstance(param, Int) and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(param, Float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _from_json_is(choice: Any, value: Any) -> bool:
    """Whether `value` is `choice` as JSON gives it back: the same choice, or a list standing for a tuple."""
    return same_choice(choice, value) or (isinstance(choice, tuple) and isinstance(value, list) and list(choice) == value)


def choose(optuna_trial: optuna.Trial, key: str, values: Sequence[Any]) -> Any:
    """One of a sweep config's `values`, the very object given; Optuna holds plain values as they are, others by index."""
    if all(type(v) in _PLAIN for v in values):
        picked = optuna_trial.suggest_categorical(key, list(values))
        return next((value for value in values if same_choice(value, picked)), picked)  # the object given: 1 and True apart
    return values[optuna_trial.suggest_categorical(key, list(range(len(values))))]


def replay_choice(values: Sequence[Any], value: Any) -> tuple[BaseDistribution, Any] | None:
    """`choose`'s distribution and the value (or its index) that gave `value` (a list stands for a tuple: JSON)."""
    from optuna.distributions import CategoricalDistribution

    for i, choice in enumerate(values):
        if _from_json_is(choice, value):
            if all(type(v) in _PLAIN for v in values):
                return CategoricalDistribution(list(values)), choice
            return CategoricalDistribution(list(range(len(values)))), i
    return None


def _quantile(u: float) -> tuple[BaseDistribution, float]:
    return distribution(QUANTILE), _clip(u, _EDGE, 1 - _EDGE)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def beta_ppf(u: float, a: float, b: float) -> float:
    """The inverse CDF of Beta(a, b) at u, by bisection on the regularized incomplete beta function."""
    low, high = 0.0, 1.0
    for _ in range(100):
        middle = (low + high) / 2
        if beta_cdf(middle, a, b) < u:
            low = middle
        else:
            high = middle
        if high - low < 1e-15:
            break
    return (low + high) / 2


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz's method)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
