"""Registers the `evolve` backend with hpcore (the module the entry point names).

A (1+1)-evolution strategy over quantiles: each trial samples every parameter near the best
trial so far (a Gaussian step in [0, 1), mapped into the parameter by `Param.from_unit`), and
`hpcore_tell` keeps the better of the two, widening the step after a success and narrowing it
after a miss. Each trial keeps its quantiles in `user_attrs["evolve_units"]`; a trial it did
not propose (a resumed search's, a warm start's, another backend's) is told through
`hpcore_tell_unproposed`, its quantiles those it kept or, in a neutral space, `Param.to_unit`
of its values, and the random stream goes on with the seed the core gives.
"""

from __future__ import annotations

import math
import random
import threading
from typing import Any

import hpcore
from hpcore import Direction, FrozenTrial, InvalidArgument, Param, TrialState

UNITS = "evolve_units"
GROW, SHRINK, MIN_STEP, MAX_STEP = 1.5, 0.7, 1e-4, 0.5
BELOW_ONE = math.nextafter(1.0, 0.0)


def reflect(u: float) -> float:
    """`u` folded back into [0, 1) at both edges."""
    u = abs(u) % 2.0
    return min(2.0 - u if u > 1.0 else u, BELOW_ONE)


class EvolveState:
    """Per search: the random stream, the best trial's quantiles and score, and the step size."""

    def __init__(self, seed: int | None, direction: Direction, step: float) -> None:
        self.rng = random.Random(seed)
        self.sign = direction.sign  # scores are minimized: maximizing negates them
        self.best: dict[str, float] = {}
        self.best_score = math.inf
        self.step = step
        self.lock = threading.RLock()  # hpcore_ask, sampling and hpcore_tell run in threads under n_jobs > 1

    def unit(self, name: str) -> float:
        """A quantile for `name`: a step away from the best trial's, or uniform for a name it lacks."""
        with self.lock:
            if name not in self.best:
                return self.rng.random()
            return reflect(self.best[name] + self.rng.gauss(0.0, self.step))

    def learn(self, trial: FrozenTrial, units: dict[str, float] | None = None) -> None:
        """Keep `trial` if it beats the best; widen the step after a success, narrow it after a miss."""
        units = units or trial.user_attrs.get(UNITS)
        if trial.state is not TrialState.COMPLETE or not units:
            return  # PRUNED and FAILED trials have no values
        score = self.sign * trial.values[0]
        with self.lock:
            if score < self.best_score:
                self.best, self.best_score = dict(units), score
                self.step = min(self.step * GROW, MAX_STEP)
            else:
                self.step = max(self.step * SHRINK, MIN_STEP)


def units_of(trial: FrozenTrial, space: Any) -> dict[str, float] | None:
    """The quantiles of a trial of a neutral `space` that holds each of its values; None otherwise."""
    if not isinstance(space, dict) or not trial.params:
        return None
    try:
        return {name: space[name].to_unit(value) for name, value in trial.params.items()}
    except (KeyError, AttributeError, hpcore.InvalidSpace):
        return None


class EvolveTrial(hpcore.Trial):
    def __init__(self, number: int, state: EvolveState) -> None:
        super().__init__(number)
        self._state = state

    def _sample(self, name: str, param: Param) -> Any:
        u = self._state.unit(name)
        self.user_attrs.setdefault(UNITS, {})[name] = u
        return param.from_unit(u)


class EvolveBackend(hpcore.Backend):
    name = "evolve"
    options = frozenset({"initial_step"})
    capabilities = hpcore.Capabilities(define_by_run=True, seedable=True, parallel=True, resumable=True, learns=True)

    @hpcore.hookimpl
    def hpcore_prepare(self, study: hpcore.Study) -> bool:
        step = study.settings.options.get("initial_step", 0.2)
        if not (hpcore.is_number(step) and 0 < step <= MAX_STEP):
            raise InvalidArgument(f"initial_step must be a number in (0, {MAX_STEP}], got {step!r}.")
        study.backend_state = EvolveState(study.settings.seed, study.settings.directions[0], float(step))
        return True

    @hpcore.hookimpl
    def hpcore_tell_unproposed(self, study: hpcore.Study, trials: list[FrozenTrial], seed: int | None) -> None:
        state: EvolveState = study.backend_state
        state.rng.seed(seed)
        for trial in trials:
            state.learn(trial, units_of(trial, study.settings.space))

    @hpcore.hookimpl
    def hpcore_ask(self, study: hpcore.Study) -> EvolveTrial:
        return EvolveTrial(study.ledger.next_number(), study.backend_state)

    @hpcore.hookimpl
    def hpcore_tell(self, study: hpcore.Study, trial: FrozenTrial) -> bool:
        study.backend_state.learn(trial)
        return True


@hpcore.hookimpl
def hpcore_register_backends(register):
    register(EvolveBackend())
