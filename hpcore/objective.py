"""Directions, the default `compute_objective`, and turning what an objective returns into values.

Rules (docs/laws.md §1, §2):
- a direction is "minimize" or "maximize" (aliases "min", "max"), or a list of them;
- a mapping of metrics goes through `compute_objective`; the default is transformers' rule;
- a value is a number: a bool is refused, Python's or an array library's (numpy's `bool_`);
- the number of values must equal the number of directions: a mismatch is a
  programming error, raised whatever `catch` says;
- values are compared as losses, `Direction.sign * value` (`losses`), and never stored so (§5).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hpcore.errors import InvalidDirection, ObjectiveValueError, ValueCountMismatch


class Direction(str, enum.Enum):
    """Which way an objective is optimized: `MINIMIZE` ("minimize") or `MAXIMIZE` ("maximize")."""

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"

    @property
    def sign(self) -> float:
        """1.0 to minimize, -1.0 to maximize: `sign * value` is a loss, lower is better."""
        return 1.0 if self is Direction.MINIMIZE else -1.0


_ALIASES = {
    "minimize": Direction.MINIMIZE,
    "min": Direction.MINIMIZE,
    "maximize": Direction.MAXIMIZE,
    "max": Direction.MAXIMIZE,
}

ComputeObjective = Callable[[dict[str, float]], Any]


def _parse_one(direction: Any) -> Direction:
    key = direction.lower() if isinstance(direction, str) else direction
    if isinstance(key, str) and key in _ALIASES:
        return _ALIASES[key]
    raise InvalidDirection(
        f"direction must be 'minimize' or 'maximize' (or a list of them), got {direction!r}."
    )


def parse_directions(direction: Any) -> list[Direction]:
    """`direction` as a non-empty list of Direction; raises InvalidDirection otherwise."""
    if isinstance(direction, (str, Direction)):
        return [_parse_one(direction)]
    if isinstance(direction, Sequence) and len(direction) > 0:
        return [_parse_one(d) for d in direction]
    raise InvalidDirection(
        f"direction must be 'minimize' or 'maximize' (or a list of them), got {direction!r}."
    )


def default_compute_objective(metrics: dict[str, float]) -> float:
    """transformers' rule: drop `epoch` and `*_runtime`/`*_per_second`; the loss alone, else the sum of the rest."""
    metrics = dict(metrics)
    loss = metrics.pop("eval_loss", None)
    metrics.pop("epoch", None)
    rest = [v for k, v in metrics.items() if not (k.endswith("_runtime") or k.endswith("_per_second"))]
    if not rest:
        if loss is None:
            raise ObjectiveValueError(
                "the metrics hold neither eval_loss nor any other metric to sum: "
                "return a number, or pass compute_objective= to reduce them."
            )
        return loss
    return sum(rest)


def _as_float(value: Any, what: str) -> float:
    if value is None or isinstance(value, (str, bytes)) or _is_bool(value) or not hasattr(value, "__float__"):
        raise ObjectiveValueError(
            f"{what} is {value!r} ({type(value).__name__}): the objective must return a float, "
            "a sequence of floats, or a dict of metrics."
        )
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ObjectiveValueError(f"{what} {value!r} cannot be read as a float: {exc}.") from exc


def _is_bool(value: Any) -> bool:
    """A bool, or a boolean of an array library (numpy's `bool_`, whose dtype kind is "b")."""
    return isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", None) == "b"


def to_values(raw: Any, n_directions: int, compute_objective: ComputeObjective | None = None) -> list[float]:
    """The objective's return as exactly `n_directions` floats (NaN and inf are kept for the caller)."""
    if type(raw) is float or type(raw) is int:  # the common case, checked first
        values = [float(raw)]
    elif isinstance(raw, Mapping):
        reduce = compute_objective or default_compute_objective
        try:
            raw = reduce(dict(raw))
        except ObjectiveValueError:
            raise
        except Exception as exc:
            raise ObjectiveValueError(
                f"compute_objective could not reduce the metrics {dict(raw)!r}: {exc!r}. "
                "Pass a compute_objective that returns a float or a sequence of floats."
            ) from exc
        values = _value_list(raw)
    else:
        values = _value_list(raw)
    if len(values) != n_directions:
        raise ValueCountMismatch(
            f"the objective returned {len(values)} value(s) but {n_directions} direction(s) were given: "
            "return one value per direction, or change direction=."
        )
    return values


def _value_list(raw: Any) -> list[float]:
    if isinstance(raw, Sequence) and not isinstance(raw, (str, bytes)) or getattr(raw, "ndim", 0) >= 1:
        return [_as_float(v, "an objective value") for v in raw]
    return [_as_float(raw, "the objective's value")]


def losses(values: Sequence[float], directions: Sequence[Direction]) -> list[float]:
    """`values` as losses to minimize, one per direction (`Direction.sign * value`): never stored, only compared."""
    return [d.sign * v for d, v in zip(directions, values, strict=True)]


def all_finite(values: Sequence[float]) -> bool:
    """Whether every value is finite (neither NaN nor infinite)."""
    return all(map(math.isfinite, values))
