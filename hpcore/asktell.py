"""`AskTellBackend`: the kit for an engine that proposes whole configurations and learns from their losses.

An author writes `create` (the engine for one search), `ask` (a candidate) and `tell` (its
losses), and, if the engine has them, `tell_failed`, `tell_unproposed` and `close`. The kit
answers every hook, so the rules hold by construction (docs/laws.md §12):

- the engine sees the free parameters only: one that takes a single value (`Float(0, 0)`,
  `Int(3, 3)`, a one-choice `Categorical`) is fixed by the kit and never shown to it;
- a candidate is values by name (every free parameter) or a point of the unit cube, one
  coordinate in [0, 1) per free parameter in space order, mapped by `Param.from_unit`;
- the kit keeps each trial's candidate under one lock and tells the engine through it, once
  per trial; a name outside the space raises `UnknownParameter`;
- losses are signed so that lower is better, one per objective (maximized values negated);
- a FAILED or PRUNED trial goes to `tell_failed`, whose default tells `penalty` for each
  objective: the worst loss told so far plus the spread of the losses told (at least 1.0),
  or 1.0 before any loss, so an engine that waits for every candidate never waits for ever;
- trials the engine did not propose (a resumed search, a warm start) go to `tell_unproposed`
  with their values and unit-cube point, when they completed inside the space;
- `close` runs on every way the search ends (`hpcore_close`).
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hpcore.backend import Backend, Capabilities
from hpcore.errors import InvalidArgument, InvalidSpace
from hpcore.hookspecs import hookimpl
from hpcore.objective import Direction, losses
from hpcore.records import FrozenTrial, TrialState
from hpcore.space import Float, Param, is_neutral
from hpcore.study import Study
from hpcore.trial import PointTrial


@dataclass(frozen=True)
class Problem:
    """What an ask/tell engine is built for: its free parameters in order, the seed, the objectives, the options."""

    params: Mapping[str, Param]
    seed: int | None
    n_objectives: int
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dimension(self) -> int:
        """How many coordinates a point of the unit cube has: one per free parameter."""
        return len(self.params)


class AskTellState:
    """One search of an ask/tell engine: the engine, each running trial's candidate, the losses told."""

    def __init__(self, engine: Any, problem: Problem, fixed: dict[str, Any], directions: Sequence[Direction]) -> None:
        self.engine = engine
        self.problem = problem
        self.fixed = fixed
        self.directions = list(directions)
        self.candidates: dict[int, Any] = {}
        self.worst = [-math.inf] * len(self.directions)
        self.best = [math.inf] * len(self.directions)
        self.lock = threading.RLock()

    def losses(self, values: Sequence[float]) -> list[float]:
        """`values` signed so that lower is better; the worst and best losses so far kept."""
        signed = losses(values, self.directions)
        self.worst = [max(w, loss) for w, loss in zip(self.worst, signed)]
        self.best = [min(b, loss) for b, loss in zip(self.best, signed)]
        return signed

    def penalty(self) -> list[float]:
        """The loss a FAILED or PRUNED trial is told by default, per objective."""
        return [
            1.0 if math.isinf(worst) else worst + max(1.0, worst - best) for worst, best in zip(self.worst, self.best)
        ]

    def values_of(self, candidate: Any) -> dict[str, Any]:
        """A candidate's values by name, the fixed parameters included, checked against the space."""
        params = self.problem.params
        if isinstance(candidate, Mapping):
            values = {name: candidate[name] for name in params if name in candidate}
            missing = [name for name in params if name not in values]
            if missing:
                raise InvalidArgument(f"the engine's candidate {candidate!r} has no value for {missing}: ask must give every free parameter.")
        else:
            point = list(candidate)
            if len(point) != len(params):
                raise InvalidArgument(
                    f"the engine's point {point!r} has {len(point)} coordinates for {len(params)} free parameters."
                )
            values = {name: param.from_unit(min(max(float(u), 0.0), _BELOW_ONE)) for (name, param), u in zip(params.items(), point)}
        return {**self.fixed, **values}


_BELOW_ONE = math.nextafter(1.0, 0.0)


def takes_one_value(param: Param) -> bool:
    """A parameter with a single value (`Float(0, 0)`, `Int(3, 3)`, one choice): the kit fixes it."""
    return param.n_points == 1 or (isinstance(param, Float) and param.low == param.high)


class AskTellBackend(Backend):
    """Base class of backends on an ask/tell engine. Override `create`, `ask` and `tell` (module docstring)."""

    capabilities = Capabilities(seedable=True, resumable=True)  # `parallel`: ask and tell then take turns under one lock

    # -- what the author writes -------------------------------------------------------
    def create(self, problem: Problem) -> Any:
        """The engine for one search of `problem` (raise InvalidArgument for an option it cannot use)."""
        raise NotImplementedError(f"{type(self).__name__} must implement create(problem)")

    def ask(self, engine: Any) -> Mapping[str, Any] | Sequence[float]:
        """The engine's next candidate: values by name, or a point of the unit cube."""
        raise NotImplementedError(f"{type(self).__name__} must implement ask(engine)")

    def tell(self, engine: Any, candidate: Any, losses: list[float]) -> None:
        """Tell the engine the losses of a candidate it proposed (lower is better, one per objective)."""
        raise NotImplementedError(f"{type(self).__name__} must implement tell(engine, candidate, losses)")

    def tell_failed(self, engine: Any, candidate: Any, penalty: list[float]) -> None:
        """A candidate whose trial FAILED or was PRUNED; by default told `penalty` as its losses."""
        self.tell(engine, candidate, penalty)

    def tell_unproposed(self, engine: Any, values: Mapping[str, Any], point: list[float], losses: list[float]) -> None:
        """A completed trial the engine did not propose (resume, warm start); by default the engine is not told."""

    def close(self, engine: Any) -> None:
        """Release the engine's threads, processes or files; called on every way a search ends."""

    # -- the hooks, answered by the kit ---------------------------------------------
    @hookimpl
    def hpcore_prepare(self, study: Study) -> None:
        settings = study.settings
        if not is_neutral(settings.space):
            raise InvalidSpace(f"backend {self.name!r} needs a neutral space (hpcore.Float, Int, Categorical).")
        free = {name: p for name, p in settings.space.items() if not takes_one_value(p)}
        fixed = {name: p.from_unit(0.0) for name, p in settings.space.items() if takes_one_value(p)}
        problem = Problem(free, settings.seed, settings.n_objectives, dict(settings.options))
        engine = self.create(problem) if free else None  # every parameter fixed: nothing to search
        study.backend_state = AskTellState(engine, problem, fixed, settings.directions)

    @hookimpl
    def hpcore_ask(self, study: Study) -> PointTrial:
        state: AskTellState = study.backend_state
        with state.lock:
            candidate = self.ask(state.engine) if state.problem.params else ()
            number = study.ledger.next_number()
            state.candidates[number] = candidate
        return PointTrial(number, state.values_of(candidate))

    @hookimpl
    def hpcore_tell(self, study: Study, trial: FrozenTrial) -> None:
        state: AskTellState = study.backend_state
        with state.lock:
            if trial.number not in state.candidates:
                return
            candidate = state.candidates.pop(trial.number)
            if not state.problem.params:
                return
            if trial.state is TrialState.COMPLETE:
                self.tell(state.engine, candidate, state.losses(trial.values))
            else:
                self.tell_failed(state.engine, candidate, state.penalty())

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
        state: AskTellState = study.backend_state
        if state.engine is None:
            return
        with state.lock:
            if seed != state.problem.seed:  # laws §9: the engine goes on with the resumed seed
                self.close(state.engine)
                state.problem = dataclasses.replace(state.problem, seed=seed)
                state.engine = self.create(state.problem)
            params = state.problem.params
            for trial in trials:
                if trial.state is TrialState.COMPLETE and all(
                    name in trial.params and p.contains(trial.params[name]) for name, p in params.items()
                ):
                    values = {name: trial.params[name] for name in params}
                    point = [p.to_unit(values[name]) for name, p in params.items()]
                    self.tell_unproposed(state.engine, values, point, state.losses(trial.values))

    @hookimpl
    def hpcore_close(self, study: Study) -> None:
        state: AskTellState | None = study.backend_state
        if state is not None and state.engine is not None:
            self.close(state.engine)
