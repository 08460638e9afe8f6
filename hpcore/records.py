"""Trial records: `TrialState`, `FrozenTrial` (one finished trial as the ledger holds it) and `BestRun`.

Rules (docs/laws.md §3, §5): a trial goes RUNNING → COMPLETE | PRUNED | FAILED; `FrozenTrial.values`
is always a list of floats, exactly what the objective produced; `BestRun.objective` is a float
for one direction and a list for several.
"""

from __future__ import annotations

import enum
import json
import operator
import warnings
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hpcore.descriptions import describe, param_of
from hpcore.errors import MultipleObjectives
from hpcore.space import Param


class TrialState(str, enum.Enum):
    """Where a trial stands: RUNNING, then COMPLETE, PRUNED or FAILED (docs/laws.md §3)."""

    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class FrozenTrial:
    """One trial as the ledger holds it."""

    number: int
    params: dict[str, Any]
    state: TrialState
    values: list[float] = field(default_factory=list)
    intermediate: dict[int, float] = field(default_factory=dict)
    error: str | None = None
    duration: float = 0.0
    user_attrs: dict[str, Any] = field(default_factory=dict)
    proposer: str | None = None  # the backend (or portfolio member) that proposed it; None when not known
    space: dict[str, Param] = field(default_factory=dict, compare=False)  # the parameter each value was sampled from, where known

    @property
    def value(self) -> float | None:
        """The value of a single-objective trial; None when it produced none."""
        if len(self.values) > 1:
            raise MultipleObjectives(
                f"trial {self.number} has {len(self.values)} values: read trial.values instead."
            )
        return self.values[0] if self.values else None

    def to_json(self) -> dict[str, Any]:
        """A dict that `json` can write; values it cannot hold are written by repr, with a warning."""
        return {
            "number": self.number,
            "params": {k: _jsonable(v, f"parameter {k!r}") for k, v in self.params.items()},
            "state": self.state.value,
            "values": self.values,
            "intermediate": {str(k): v for k, v in self.intermediate.items()},
            "error": self.error,
            "duration": self.duration,
            "user_attrs": {k: _jsonable(v, f"user attribute {k!r}") for k, v in self.user_attrs.items()},
            "proposer": self.proposer,
            **({"space": described} if (described := _described(self.space)) else {}),
        }

    @classmethod
    def from_json(cls, data: Any) -> FrozenTrial:
        """The trial `to_json` wrote; ValueError saying what is missing or malformed."""
        if not isinstance(data, dict):
            raise ValueError(f"a trial is a JSON object, not {type(data).__name__}")
        missing = [key for key in ("number", "params", "state", "values") if key not in data]
        if missing:
            raise ValueError(f"it has no {missing[0]!r}")
        if type(data["number"]) is not int or not isinstance(data["params"], dict) or not isinstance(data["values"], list):
            raise ValueError("its number must be an int, its params an object and its values a list")
        try:
            return cls(
                number=data["number"],
                params=dict(data["params"]),
                state=TrialState(data["state"]),
                values=[float(v) for v in data["values"]],
                intermediate={int(k): float(v) for k, v in data.get("intermediate", {}).items()},
                error=data.get("error"),
                duration=float(data.get("duration", 0.0)),
                user_attrs=dict(data.get("user_attrs", {})),
                proposer=_proposer(data.get("proposer")),
                space=read_space(data.get("space", {})),
            )
        except (TypeError, AttributeError) as exc:  # a value of the wrong kind
            raise ValueError(f"it holds a value of the wrong kind ({exc})") from None


def _described(space: dict[str, Param]) -> dict[str, Any]:
    described = {name: describe(param) for name, param in space.items()}
    return {name: d for name, d in described.items() if d is not None}


def read_space(described: Any) -> dict[str, Param]:
    """A record's `space`: each described parameter rebuilt (a kind the core does not know is left out); ValueError for a damaged one."""
    if not isinstance(described, dict):
        raise ValueError(f"a trial's space is a JSON object, not {type(described).__name__}")
    space = {}
    for name, description in described.items():
        try:
            param = param_of(description)
        except ValueError as exc:
            raise ValueError(f"parameter {name[:40]!r}: {exc}") from None
        if param is not None:
            space[name] = param
    return space


def _proposer(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"proposer must be a string, got {type(value).__name__}")
    return value


def _jsonable(value: Any, what: str) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        warnings.warn(f"{what} = {value!r} cannot be written as JSON; saved as its repr.", stacklevel=3)
        return repr(value)


by_number = operator.attrgetter("number")  # the sort key of trials: `sorted(trials, key=by_number)`


class BestRun(NamedTuple):
    """One best run as transformers' BestRun: `objective` is a float for one direction, a list for several."""

    run_id: str
    objective: float | list[float]
    hyperparameters: dict[str, Any]
    run_summary: Any = None
