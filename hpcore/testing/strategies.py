"""Hypothesis strategies for the conformance suite: neutral spaces, directions, value tables."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from hpcore.space import Categorical, Float, Int, Param

_CHOICES = st.one_of(
    st.integers(-5, 5), st.sampled_from(["a", "b", "relu", "gelu", ""]), st.none(), st.booleans(), st.sampled_from([0.5, 2.5])
)


@st.composite
def floats(draw: st.DrawFn, stepped: bool = False) -> Float:
    """A Float: plain, log-scaled, or stepped (always stepped when a backend must enumerate)."""
    kind = "step" if stepped else draw(st.sampled_from(["plain", "log", "step"]))
    if kind == "log":
        low = 10.0 ** draw(st.integers(-6, 1))
        return Float(low, low * draw(st.sampled_from([1.0, 2.0, 10.0, 1000.0])), log=True)
    low = draw(st.integers(-40, 40)) / 4
    if kind == "step":
        step = draw(st.sampled_from([0.25, 0.5, 1.0, 2.0]))
        return Float(low, low + step * draw(st.integers(0, 6)), step=step)
    return Float(low, low + draw(st.integers(0, 40)) / 4)


@st.composite
def ints(draw: st.DrawFn) -> Int:
    if draw(st.booleans()):
        low = draw(st.integers(1, 50))
        return Int(low, low * draw(st.integers(1, 100)), log=True)
    low = draw(st.integers(-20, 20))
    step = draw(st.integers(1, 3))
    return Int(low, low + step * draw(st.integers(0, 8)), step=step)


def categoricals() -> st.SearchStrategy[Categorical]:
    return st.lists(_CHOICES, min_size=1, max_size=5, unique_by=lambda c: (type(c), c)).map(Categorical)


def params(stepped_floats: bool = False) -> st.SearchStrategy[Param]:
    return st.one_of(floats(stepped_floats), ints(), categoricals())


def spaces(stepped_floats: bool = False, max_params: int = 4) -> st.SearchStrategy[dict[str, Param]]:
    """A neutral space of 1 to `max_params` parameters named p0, p1, ..."""
    return st.lists(params(stepped_floats), min_size=1, max_size=max_params).map(
        lambda ps: {f"p{i}": p for i, p in enumerate(ps)}
    )


def directions(max_objectives: int = 1) -> st.SearchStrategy[list[str]]:
    one = st.sampled_from(["minimize", "maximize", "min", "max"])
    return st.lists(one, min_size=1, max_size=max_objectives)


def tied_values() -> st.SearchStrategy[float]:
    """Few distinct values, so ties and dominance are common."""
    return st.integers(-3, 3).map(float)


OUTCOMES = st.one_of(
    tied_values(), st.sampled_from(["raise", math.nan, math.inf, -math.inf])
)
