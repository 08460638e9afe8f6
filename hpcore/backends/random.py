"""The `random` backend: independent uniform sampling, seedable, define-by-run, the embedded default.

It samples any parameter kind through `Param.from_unit`, so a kind the core does not know is sampled too.
"""

from __future__ import annotations

import random
from typing import Any

from hpcore.backend import Backend, Capabilities
from hpcore.hookspecs import hookimpl
from hpcore.space import Param
from hpcore.study import Study
from hpcore.trial import Trial


class _Stream(random.Random):
    """A search's random stream and the seed it was last started from."""

    seeded: int | None = None


class RandomTrial(Trial):
    def __init__(self, number: int, rng: random.Random) -> None:
        super().__init__(number)
        self._rng = rng

    def _sample(self, name: str, param: Param) -> Any:
        return param.from_unit(self._rng.random())


class RandomBackend(Backend):
    name = "random"
    capabilities = Capabilities(
        multi_objective=True, define_by_run=True, seedable=True, parallel=True, resumable=True
    )
    default_priority = 0  # the default when no engine's backend is installed

    @hookimpl
    def hpcore_prepare(self, study: Study) -> None:
        state = _Stream(study.settings.seed)
        state.seeded = study.settings.seed  # the seed its stream was last started from
        study.backend_state = state

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, seed: int | None) -> None:
        """Nothing to learn; a resumed or warmed seeded search draws the stream of its resumed seed, once."""
        state = study.backend_state
        if seed is not None and seed != state.seeded:
            state.seeded = seed
            state.seed(seed)

    @hookimpl
    def hpcore_ask(self, study: Study) -> RandomTrial:
        return RandomTrial(study.ledger.next_number(), study.backend_state)
