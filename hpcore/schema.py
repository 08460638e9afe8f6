"""The one schema of hpcore's records of a search: a saved result, a journal's header and its trial lines.

Rules: a reader checks the whole document before it builds anything from it; what breaks a
rule raises `Breach`, naming the trial and the field, which the reader turns into
ResultCorrupt or JournalCorrupt naming the file.
- A trial is a JSON object with `number` (an int from 0 to 2**63 - 1), `params` (an object),
  `state` (COMPLETE, PRUNED or FAILED: a finished trial), `values` (a list of numbers, never
  bools or strings: one finite number per direction when COMPLETE, none otherwise,
  docs/laws.md §3, §5), and optionally `intermediate` (an object of int steps to numbers),
  `error` (a string or null), `proposer` (a string or null), `duration` (a finite number, 0 or more), `user_attrs` (an
  object) and `space` (an object describing the parameter each value was sampled from,
  `hpcore.descriptions`); no other field. Parameters and user attributes hold JSON whose integers fit in 64
  bits, nested at most `MAX_DEPTH` deep.
- A result is an object with `hpcore_result` (its format, `RESULT_FORMAT`), `backend` (a
  string), `directions` (one or more of "minimize", "maximize"), `trials` (a list of trials
  with unique numbers) and optionally `best` (unique numbers of COMPLETE trials, one for one
  direction, and none only when no trial completed, docs/laws.md §4); no other field.
- A journal's header names its directions the same way.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from hpcore.objective import Direction
from hpcore.records import FrozenTrial, TrialState, read_space

RESULT_FORMAT = 1
MAX_NUMBER = 2**63 - 1
MAX_DEPTH = 32
FINISHED = ("COMPLETE", "PRUNED", "FAILED")
REQUIRED = ("number", "params", "state", "values")
OPTIONAL = ("intermediate", "error", "duration", "user_attrs", "proposer", "space")
RESULT_REQUIRED = ("hpcore_result", "backend", "directions", "trials")


class Breach(ValueError):
    """One rule of the schema broken: `problem`, at `field` of `trial` (None: of the document)."""

    def __init__(self, field: str, problem: str, trial: str | None = None) -> None:
        super().__init__(field, problem, trial)
        self.field, self.problem, self.trial = field, problem, trial

    def __str__(self) -> str:
        where = f"field {self.field!r}" if self.field else "the document"
        return f"{self.trial}, {where}: {self.problem}" if self.trial else f"{where}: {self.problem}"


class ResultParts(NamedTuple):
    backend: str
    directions: list[Direction]
    trials: list[FrozenTrial]
    best: list[FrozenTrial] | None  # None: the file names no best trials


def shown(value: Any, limit: int = 40) -> str:
    """`repr(value)`, cut to `limit` characters: a message never holds a whole hostile value."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**limit else f"an integer of {len(str(abs(value)))} digits"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def directions(value: Any, field: str = "directions") -> list[Direction]:
    """A document's directions: a non-empty list of "minimize" and "maximize" (docs/laws.md §1)."""
    allowed = [d.value for d in Direction]
    if not isinstance(value, list) or not value:
        raise Breach(field, f"must be a non-empty list of {allowed}, not {shown(value)}")
    for item in value:
        if item not in allowed:
            raise Breach(field, f"holds {shown(item)}; each direction is one of {allowed}")
    return [Direction(d) for d in value]


def trial(data: Any, n_directions: int, label: str | None = None) -> FrozenTrial:
    """The trial a record holds, once every field of it keeps the schema."""
    if not isinstance(data, dict):
        raise Breach("", f"a trial is a JSON object, not {type(data).__name__}", label)
    number = data.get("number")
    if type(number) is int and 0 <= number <= MAX_NUMBER:
        label = f"trial {number}"
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise Breach(missing[0], f"no {missing[0]!r} field", label)
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise Breach(unknown[0], f"unknown field {shown(unknown[0])}; a trial has {', '.join(REQUIRED + OPTIONAL)}", label)
    if type(number) is not int or not 0 <= number <= MAX_NUMBER:
        raise Breach("number", f"a trial number is an int from 0 to 2**63 - 1, not {shown(number)}", label)
    state = data["state"]
    if state not in FINISHED:
        raise Breach("state", f"{shown(state)} is not a valid TrialState of a finished trial (one of {', '.join(FINISHED)})", label)
    values = _values(data["values"], state, n_directions, label)
    params = _object(data["params"], "params", label)
    user_attrs = _object(data.get("user_attrs", {}), "user_attrs", label)
    error = data.get("error")
    if error is not None and not isinstance(error, str):
        raise Breach("error", f"an error is a string or null, not {shown(error)}", label)
    proposer = data.get("proposer")
    if proposer is not None and not isinstance(proposer, str):
        raise Breach("proposer", f"a proposer is a backend's name or null, not {shown(proposer)}", label)
    duration = data.get("duration", 0.0)
    if not _is_number(duration) or not _finite(duration) or duration < 0:
        raise Breach("duration", f"a duration is a finite number of seconds, 0 or more, not {shown(duration)}", label)
    try:
        space = read_space(data.get("space", {}))
    except ValueError as exc:
        raise Breach("space", str(exc), label) from None
    return FrozenTrial(
        number=number, params=params, state=TrialState(state), values=values,
        intermediate=_intermediate(data.get("intermediate", {}), label), error=error,
        duration=float(duration), user_attrs=user_attrs, proposer=proposer, space=space,
    )


def result(data: Any) -> ResultParts:
    """The parts of a saved result, once the whole document keeps the schema."""
    if not isinstance(data, dict):
        raise Breach("", f"a result is a JSON object, not {type(data).__name__}")
    _format(data.get("hpcore_result"))
    missing = [key for key in RESULT_REQUIRED if key not in data]
    if missing:
        raise Breach(missing[0], f"no {missing[0]!r} field")
    unknown = sorted(set(data) - set(RESULT_REQUIRED) - {"best"})
    if unknown:
        raise Breach(unknown[0], f"unknown field {shown(unknown[0])}; a result has {', '.join(RESULT_REQUIRED)}, best")
    if not isinstance(data["backend"], str):
        raise Breach("backend", f"a backend is named by a string, not {shown(data['backend'])}")
    wanted = directions(data["directions"])
    if not isinstance(data["trials"], list):
        raise Breach("trials", f"must be a list of trials, not {type(data['trials']).__name__}")
    trials: dict[int, FrozenTrial] = {}
    for index, record in enumerate(data["trials"]):
        one = trial(record, len(wanted), f"trials[{index}]")
        if one.number in trials:
            raise Breach("number", "this number is taken by an earlier trial: numbers are unique in a search", f"trial {one.number}")
        trials[one.number] = one
    best = _best(data["best"], trials, len(wanted)) if "best" in data else None
    return ResultParts(data["backend"], wanted, list(trials.values()), best)


def _format(value: Any) -> None:
    if type(value) is int and value > RESULT_FORMAT:
        raise Breach("hpcore_result", f"the file is of format {shown(value)}; this hpcore reads format {RESULT_FORMAT}: use the newer hpcore that wrote it")
    if type(value) is not int or value != RESULT_FORMAT:
        raise Breach("hpcore_result", f"the format is {RESULT_FORMAT}, not {shown(value)}")


def _values(values: Any, state: str, n_directions: int, label: str | None) -> list[float]:
    if not isinstance(values, list):
        raise Breach("values", f"must be a list of numbers, not {shown(values)}", label)
    for value in values:
        if not _is_number(value) or not _finite(value):
            raise Breach("values", f"holds {shown(value)}; each value is a finite number (not a bool or a string)", label)
    if state == "COMPLETE" and len(values) != n_directions:
        raise Breach("values", f"it is COMPLETE with {len(values)} value(s) for {n_directions} direction(s)", label)
    if state != "COMPLETE" and values:
        raise Breach("values", f"a {state} trial has no values, this one has {len(values)}", label)
    return [float(v) for v in values]


def _intermediate(data: Any, label: str | None) -> dict[int, float]:
    if not isinstance(data, dict):
        raise Breach("intermediate", f"must be an object of steps to numbers, not {shown(data)}", label)
    steps: dict[int, float] = {}
    for key, value in data.items():
        step = _step(key)
        if step is None or not _is_number(value) or not _fits_float(value):
            raise Breach("intermediate", f"step {shown(key)} = {shown(value)}; each step is an int and its value a number", label)
        steps[step] = float(value)
    return steps


def _step(key: str) -> int | None:
    digits = key[1:] if key[:1] == "-" else key
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 19):
        return None
    step = int(key)
    return step if -MAX_NUMBER - 1 <= step <= MAX_NUMBER else None


def _object(data: Any, field: str, label: str | None) -> dict[str, Any]:
    """A JSON object whose integers fit in 64 bits, nested at most MAX_DEPTH deep."""
    if not isinstance(data, dict):
        raise Breach(field, f"must be a JSON object, not {shown(data)}", label)
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Breach(field, f"nested deeper than {MAX_DEPTH} levels", label)
        if type(item) is int and not -MAX_NUMBER - 1 <= item <= MAX_NUMBER:
            raise Breach(field, f"holds {shown(item)}, an integer outside 64 bits", label)
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in item)
        elif isinstance(item, dict):
            stack.extend((x, depth + 1) for x in item.values())
    return dict(data)


def _best(best: Any, trials: dict[int, FrozenTrial], n_directions: int) -> list[FrozenTrial]:
    if not isinstance(best, list) or any(type(n) is not int for n in best) or len(set(best)) != len(best):
        raise Breach("best", f"must be a list of distinct trial numbers, not {shown(best)}")
    complete = [t.number for t in trials.values() if t.state is TrialState.COMPLETE]
    for number in best:
        if number not in complete:
            raise Breach("best", f"names trial {shown(number)}, which is not a COMPLETE trial of this result (docs/laws.md §4)")
    if n_directions == 1 and len(best) > 1:
        raise Breach("best", f"names {len(best)} trials; a search of one objective has one best trial")
    if complete and not best:
        raise Breach("best", f"is empty, yet {len(complete)} trial(s) completed: one of them is best (docs/laws.md §4)")
    return [trials[n] for n in best]


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _fits_float(value: int | float) -> bool:
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _finite(value: int | float) -> bool:
    return _fits_float(value) and math.isfinite(value)
