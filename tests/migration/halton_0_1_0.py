"""hp-halton as it was written for hpcore 0.1.0 (this project's examples/hp_halton at commit ad7cb81),
renamed `halton010` so it can sit beside today's: the input of tests/test_migration.py, never imported
as it stands."""

from __future__ import annotations

import random
import threading
from typing import Any

import hpcore
from hpcore.space import Param

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


def radical_inverse(index: int, base: int) -> float:
    """The index-th point of the van der Corput sequence in `base`, in [0, 1)."""
    result, fraction = 0.0, 1.0 / base
    while index:
        index, digit = divmod(index, base)
        result += digit * fraction
        fraction /= base
    return result


class HaltonState:
    """Per search: the sequence offset (from the seed) and the dimension of each parameter name."""

    def __init__(self, seed: int | None) -> None:
        self.offset = random.Random(seed).randrange(1, 10_000)
        self.dimensions: dict[str, int] = {}
        self.lock = threading.Lock()

    def dimension(self, name: str) -> int:
        with self.lock:
            return self.dimensions.setdefault(name, len(self.dimensions) % len(PRIMES))


class HaltonTrial(hpcore.TrialHandle):
    def __init__(self, number: int, state: HaltonState) -> None:
        super().__init__(number)
        self._state = state

    def _sample(self, name: str, param: Param) -> Any:
        base = PRIMES[self._state.dimension(name)]
        return param.from_unit(radical_inverse(self._state.offset + self.number, base))


class HaltonBackend(hpcore.Backend):
    name = "halton010"
    capabilities = hpcore.Capabilities(
        multi_objective=True, define_by_run=True, seedable=True, parallel=True, resumable=True
    )

    @hpcore.hookimpl
    def hpcore_prepare(self, study: hpcore.Study) -> bool:
        study.engine = HaltonState(study.seed)
        return True

    @hpcore.hookimpl
    def hpcore_ask(self, study: hpcore.Study) -> HaltonTrial:
        return HaltonTrial(study.next_number(), study.engine)


@hpcore.hookimpl
def hpcore_register_backends(register):
    register(HaltonBackend())
