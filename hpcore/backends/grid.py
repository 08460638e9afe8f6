"""The `grid` backend: every point of a finite neutral space once, in a seeded shuffled order.

The order is a seeded affine permutation of the point indices (k -> a*k + b mod N, a
coprime with N), so a grid of any size costs no memory to shuffle.

Rules: a Float needs `step`; a search runs min(n_trials, points left); points a
resumed study already holds, or a warm start gave, are not visited again; names outside the space are refused.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Sequence
from typing import Any

from hpcore.backend import Backend, Capabilities
from hpcore.errors import InvalidSpace
from hpcore.hookspecs import hookimpl
from hpcore.records import FrozenTrial
from hpcore.space import Float, Param, values_of
from hpcore.study import Study
from hpcore.trial import EXHAUSTED, Exhausted, PointTrial


def axis(name: str, param: Param) -> list[Any]:
    """Every value one parameter takes on the grid: `values_of`, for any finite kind."""
    if isinstance(param, Float) and param.step is None:
        raise InvalidSpace(
            f"parameter {name!r} is a Float without step, which a grid cannot enumerate: "
            "give it step=, or make it a Categorical."
        )
    try:
        return values_of(param)
    except (InvalidSpace, NotImplementedError):
        raise InvalidSpace(
            f"parameter {name!r} is a {type(param).__name__}, which the grid backend cannot enumerate: "
            "use Float, Int or Categorical, or give the kind n_points and value_at."
        ) from None


class GridState:
    """The shuffled order of grid points and how far a study has gone through it."""

    def __init__(self, space: dict[str, Param], seed: int | None) -> None:
        self.names = list(space)
        self.params = list(space.values())
        self.axes = [axis(name, p) for name, p in space.items()]
        self.total = math.prod(len(a) for a in self.axes)
        rng = random.Random(seed)
        self.stride = rng.randrange(1, self.total) if self.total > 1 else 1
        while math.gcd(self.stride, self.total) != 1:
            self.stride = rng.randrange(1, self.total)
        self.offset = rng.randrange(self.total)
        self.position = 0
        self.visited: set[int] = set()
        self.lock = threading.Lock()

    def point(self, index: int) -> dict[str, Any]:
        values = {}
        for name, values_on_axis in zip(reversed(self.names), reversed(self.axes)):
            index, i = divmod(index, len(values_on_axis))
            values[name] = values_on_axis[i]
        return {name: values[name] for name in self.names}

    def index_of(self, params: dict[str, Any]) -> int | None:
        index = 0
        for name, param, values_on_axis in zip(self.names, self.params, self.axes):
            if name not in params or not param.contains(params[name]):
                return None
            index = index * len(values_on_axis) + param.index_of(params[name])
        return index

    def visit(self, trials: Sequence[FrozenTrial]) -> None:
        """Mark the points of `trials` visited, so the grid does not run them again."""
        with self.lock:
            for trial in trials:
                index = self.index_of(trial.params)
                if index is not None:
                    self.visited.add(index)

    def next_point(self) -> dict[str, Any] | None:
        """The next point not visited."""
        with self.lock:
            while self.position < self.total:
                index = (self.stride * self.position + self.offset) % self.total
                self.position += 1
                if index not in self.visited:
                    self.visited.add(index)
                    return self.point(index)
            return None


class GridBackend(Backend):
    name = "grid"
    capabilities = Capabilities(multi_objective=True, finite=True, seedable=True, parallel=True, resumable=True)

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        study.backend_state = GridState(study.settings.space, study.settings.seed)
        return True

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: Sequence[FrozenTrial]) -> None:
        study.backend_state.visit(trials)

    @hookimpl
    def hpcore_ask(self, study: Study) -> PointTrial | Exhausted:
        point = study.backend_state.next_point()
        if point is None:
            return EXHAUSTED
        return PointTrial(study.ledger.next_number(), point, "the grid's space")
