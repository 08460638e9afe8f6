"""Registers the `cma` backend: CMA-ES over the unit cube of the free parameters, on hpcore's ask/tell kit."""

from __future__ import annotations

from typing import Any

import hpcore


class Generations:
    """One CMA-ES run: each generation's points are handed out one at a time and told back all at once."""

    def __init__(self, problem: hpcore.Problem) -> None:
        import cma  # the engine is imported when a search starts, never when the plugin loads

        seed = 0 if problem.seed is None else problem.seed % (2**32 - 1) + 1  # cma draws a seed of its own for 0
        bounds = {"bounds": [0, 1]} if problem.dimension > 1 else {}  # cma bounds no 1-D run; the kit clips it
        self.es = cma.CMAEvolutionStrategy([0.5] * problem.dimension, 0.3, {"seed": seed, "verbose": -9, **bounds})
        self.points: list[Any] = []
        self.losses: list[float] = []
        self.handed = 0

    def next_point(self) -> Any:
        if self.handed == len(self.points):  # every point handed out and told: learn, then a new generation
            if self.points:
                self.es.tell(self.points, self.losses)
            self.points, self.handed = self.es.ask(), 0
            self.losses = [0.0] * len(self.points)
        self.handed += 1
        return self.points[self.handed - 1]

    def told(self, point: Any, loss: float) -> None:
        self.losses[next(i for i, p in enumerate(self.points) if p is point)] = loss


class CmaBackend(hpcore.AskTellBackend):
    name = "cma"
    engine = "cma"
    capabilities = hpcore.Capabilities(seedable=True, resumable=True)

    def create(self, problem: hpcore.Problem) -> Generations:
        return Generations(problem)

    def ask(self, engine: Generations) -> Any:
        return engine.next_point()

    def tell(self, engine: Generations, candidate: Any, losses: list[float]) -> None:
        engine.told(candidate, losses[0])


@hpcore.hookimpl
def hpcore_register_backends(register):
    register(CmaBackend())
