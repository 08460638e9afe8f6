"""The `random` backend: independent uniform sampling, seedable, define-by-run, the embedded default."""

from __future__ import annotations

import math
import random
from typing import Any

from hpcore.backend import Backend, Capabilities
from hpcore.hookspecs import hookimpl
from hpcore.space import Categorical, Float, Int, Param
from hpcore.study import Study
from hpcore.trial import TrialHandle


def sample(rng: random.Random, param: Param) -> Any:
    """One value of `param`: log scales in log space, steps respected, bounds inclusive."""
    if isinstance(param, Categorical):
        return param.choices[rng.randrange(len(param.choices))]
    if isinstance(param, Int):
        if param.log:
            value = round(math.exp(rng.uniform(math.log(param.low - 0.5), math.log(param.high + 0.5))))
            return min(max(value, param.low), param.high)
        return param.low + param.step * rng.randrange(param.n_points)
    if param.step is not None:
        return min(param.low + param.step * rng.randrange(param.n_points), param.high)
    if param.log:
        value = math.exp(rng.uniform(math.log(param.low), math.log(param.high)))
    else:
        value = rng.uniform(param.low, param.high)
    return min(max(value, param.low), param.high)


class RandomHandle(TrialHandle):
    def __init__(self, number: int, rng: random.Random) -> None:
        super().__init__(number)
        self._rng = rng

    def _sample(self, name: str, param: Param) -> Any:
        return sample(self._rng, param)


class RandomBackend(Backend):
    name = "random"
    capabilities = Capabilities(
        multi_objective=True, define_by_run=True, seedable=True, parallel=True, resumable=True
    )

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        study.engine = random.Random(study.seed)
        return True

    @hookimpl
    def hpcore_ask(self, study: Study) -> RandomHandle:
        return RandomHandle(study.next_number(), study.engine)
