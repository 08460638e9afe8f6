"""Parameters as JSON, as journals and trial records keep them: `describe` and its inverse `param_of`.

Rules: a `Float` or `Int` is described by its kind, bounds, log scale and step; a `Categorical`
by its choices, when JSON writes each and reads it back the same (else it is not described);
a kind the core does not know is not described. `param_of` rebuilds the parameter, raising
ValueError (InvalidSpace is one) for a description that breaks the parameter's own rules, and
answering None for a kind it does not know.
"""

from __future__ import annotations

import json
from typing import Any

from hpcore.space import Categorical, Float, Int, Param


def describe(param: Param) -> dict[str, Any] | None:
    """`param` as JSON; None when it cannot be written so that it reads back the same."""
    if isinstance(param, Float):
        step = None if param.step is None else float(param.step)
        return {"kind": "float", "low": float(param.low), "high": float(param.high), "log": param.log, "step": step}
    if isinstance(param, Int):
        return {"kind": "int", "low": param.low, "high": param.high, "log": param.log, "step": param.step}
    if isinstance(param, Categorical):
        try:
            if json.loads(json.dumps(list(param.choices))) == list(param.choices):
                return {"kind": "categorical", "choices": list(param.choices)}
        except (TypeError, ValueError):
            pass
    return None


def param_of(description: Any) -> Param | None:
    """The parameter `description` describes; None for a kind the core does not know."""
    if not isinstance(description, dict):
        raise ValueError(f"a parameter is described by a JSON object, not {type(description).__name__}")
    kind = description.get("kind")
    try:
        if kind == "float":
            return Float(description["low"], description["high"], log=description["log"], step=description["step"])
        if kind == "int":
            return Int(description["low"], description["high"], log=description["log"], step=description["step"])
        if kind == "categorical":
            return Categorical(description["choices"])
    except KeyError as exc:
        raise ValueError(f"a {kind} parameter's description has no {exc.args[0]!r}") from None
    except TypeError as exc:
        raise ValueError(f"a {kind} parameter's description holds a value of the wrong kind ({exc})") from None
    return None
