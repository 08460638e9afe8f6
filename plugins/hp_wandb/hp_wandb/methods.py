"""The local sweep's methods (``random``, ``grid``, ``bayes``) and W&B's hyperband early termination.

Rules:
- ``random`` draws every parameter from its declared distribution with a ``random.Random(seed)``;
  define-by-run parameters from the same generator (``Param.from_unit``);
- ``grid`` visits each point of the product of the parameters' values once, in the order W&B's
  own grid uses (the first parameter varies slowest), skipping points it was told of (a resumed
  search's, a warm start's), and is exhausted when every point was visited; it samples nothing define-by-run;
- ``bayes`` asks Optuna's TPE sampler (seeded) through an in-memory ``optuna.Study`` with the
  search's directions, and tells it each trial's end, so the model learns from every trial; the
  trials it was told of (a resumed search's journal, a warm start) are added to that study
  before the first proposal (``told``, from ``hpcore_tell_unproposed``);
- hyperband (``early_terminate``) is W&B's rule: at each band (a number of intermediate values),
  a trial whose value there is worse than the top ``1/eta`` of every trial's value there stops.
"""

from __future__ import annotations

import contextlib
import math
import random
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hp_optuna.distributions import suggest
from hp_optuna.replay import replay
from hpcore import Categorical, Direction, Float, FrozenTrial, Int, InvalidSpace, Param, Trial, TrialState, UnknownParameter, same_choice

from hp_wandb.config import Hyperband, Plan
from hp_wandb.params import Neutral, Spec

if TYPE_CHECKING:
    import optuna


class Method:
    """Proposes each trial's parameters (by spec key) and learns from trials' ends."""

    optuna_study: Any = None

    def propose(self) -> tuple[dict[str, Any], Any] | None:
        """The next trial's values by key and an engine handle; None when the sweep is spent."""
        raise NotImplementedError

    def told(self, trials: Sequence[FrozenTrial]) -> None:
        """Learn of finished trials it did not propose, before its first proposal; a method that learns nothing ignores them."""

    def define_by_run(self, trial: Trial, name: str, param: Param) -> Any:
        raise NotImplementedError

    def reseed(self, seed: int | None) -> None:
        """Go on drawing from `seed` (a resumed search's, docs/laws.md §9); a method that draws nothing ignores it."""

    def tell(self, record: FrozenTrial, handle: Any) -> None:
        """A trial ended."""


class RandomMethod(Method):
    def __init__(self, specs: Sequence[Spec], seed: int | None) -> None:
        self.specs = list(specs)
        self.rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        self.rng.seed(seed)

    def propose(self) -> tuple[dict[str, Any], Any]:
        return {spec.key: spec.draw(self.rng) for spec in self.specs}, None

    def define_by_run(self, trial: Trial, name: str, param: Param) -> Any:
        return param.from_unit(self.rng.random())


class GridMethod(Method):
    def __init__(self, plan: Plan) -> None:
        if not plan.specs:
            from hpcore import DefineByRunUnsupported

            raise DefineByRunUnsupported(
                "method 'grid' must know the whole space up front: pass space= (a sweep config or a neutral space), "
                "or use method random or bayes."
            )
        self.plan = plan
        self.keys = [spec.key for spec in plan.specs]
        self.axes = [spec.grid() for spec in plan.specs]
        self.total = math.prod(len(axis) for axis in self.axes)
        self.position = 0
        self.visited: set[int] = set()
        self.lock = threading.Lock()

    def told(self, trials: Sequence[FrozenTrial]) -> None:
        with self.lock:
            self.visited.update(i for i in map(self._index_of, trials) if i is not None)

    def propose(self) -> tuple[dict[str, Any], Any] | None:
        with self.lock:
            while self.position < self.total:
                index, self.position = self.position, self.position + 1
                if index not in self.visited:
                    self.visited.add(index)
                    return self._point(index), None
            return None

    def define_by_run(self, trial: Trial, name: str, param: Param) -> Any:
        raise UnknownParameter(f"{name!r} is not in the grid's parameters {self.keys}: add it to the space.")

    def _point(self, index: int) -> dict[str, Any]:
        point: dict[str, Any] = {}
        for key, axis in zip(reversed(self.keys), reversed(self.axes)):
            index, i = divmod(index, len(axis))
            point[key] = axis[i]
        return {key: point[key] for key in self.keys}

    def _index_of(self, trial: FrozenTrial) -> int | None:
        index = 0
        for key, axis in zip(self.keys, self.axes):
            found, value = _lookup(trial.params, self.plan.paths.get(key, (key,)))
            matches = [i for i, v in enumerate(axis) if found and same_choice(v, value)]
            if not matches:
                return None
            index = index * len(axis) + matches[0]
        return index


class BayesMethod(Method):
    def __init__(self, plan: Plan, seed: int | None, directions: Sequence[Direction]) -> None:
        import optuna

        for spec in plan.specs:  # a neutral kind Optuna cannot model is refused before any trial
            if isinstance(spec, Neutral):
                _check_bayes(spec.key, spec.param)
        self.specs = list(plan.specs)
        self.paths = plan.paths
        with _quiet_optuna():
            self.optuna_study = optuna.create_study(
                directions=[d.value for d in directions], sampler=optuna.samplers.TPESampler(seed=seed)
            )

    def reseed(self, seed: int | None) -> None:
        import optuna

        self.optuna_study.sampler = optuna.samplers.TPESampler(seed=seed)

    def propose(self) -> tuple[dict[str, Any], optuna.Trial]:
        optuna_trial = self.optuna_study.ask()
        with _in_memory_choices():
            return {spec.key: spec.suggest(optuna_trial, spec.key) for spec in self.specs}, optuna_trial

    def define_by_run(self, trial: Trial, name: str, param: Param) -> Any:
        _check_bayes(name, param)
        with _in_memory_choices():
            return suggest(trial.optuna_trial, name, param)  # type: ignore[attr-defined]  # the bayes method's trial

    def told(self, trials: Sequence[FrozenTrial]) -> None:
        """Trials it did not propose, added to the model's study (hp-optuna's replay)."""
        with _quiet_optuna(), _in_memory_choices():
            replay(self.optuna_study, trials, self._placed)

    def _placed(self, trial: FrozenTrial) -> dict[str, tuple[Any, Any]]:
        """Each spec's Optuna distribution and the value in it that gave the trial's value, where there is one."""
        placed = {}
        for spec in self.specs:
            found, value = _lookup(trial.params, self.paths.get(spec.key, (spec.key,)))
            where = spec.replay(value) if found else None
            if where is not None:
                placed[spec.key] = where
        return placed

    def tell(self, record: FrozenTrial, handle: Any) -> None:
        from optuna.trial import TrialState as OptunaState

        if handle is None:
            return
        with _quiet_optuna():
            if record.state is TrialState.COMPLETE:
                values = record.values
                self.optuna_study.tell(handle, values[0] if len(values) == 1 else values)
            elif record.state is TrialState.PRUNED:
                self.optuna_study.tell(handle, state=OptunaState.PRUNED)
            else:
                self.optuna_study.tell(handle, state=OptunaState.FAIL)


def make_method(plan: Plan, seed: int | None, directions: Sequence[Direction]) -> Method:
    if plan.method == "grid":
        return GridMethod(plan)
    if plan.method == "bayes":
        return BayesMethod(plan, seed, directions)
    return RandomMethod(plan.specs, seed)


def _check_bayes(name: str, param: Param) -> None:
    if not isinstance(param, (Float, Int, Categorical)):
        raise InvalidSpace(
            f"parameter {name!r} is a {type(param).__name__}, which method bayes cannot model: "
            "use Float, Int or Categorical, or method random."
        )


def _lookup(params: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = params
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


@contextlib.contextmanager
def _in_memory_choices() -> Iterator[None]:
    """The model's study is in memory: Optuna's warning that a choice is not fit for a storage does not apply."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Choices for a categorical distribution", UserWarning)
        yield


@contextlib.contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Optuna's per-trial INFO lines would show the model's internal values (quantiles), not the run's."""
    import optuna

    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(verbosity, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(verbosity)


class HyperbandStopper:
    """W&B's hyperband early termination over the intermediate values of a search's trials."""

    def __init__(self, hyperband: Hyperband, direction: Direction) -> None:
        self.bands = hyperband.bands
        self.fraction = 1.0 / hyperband.eta
        self.sign = direction.sign
        self.histories: dict[int, list[float]] = {}  # finished trials' intermediate values, in step order

    def add(self, record: FrozenTrial) -> None:
        self.histories[record.number] = history(record.intermediate)

    def should_stop(self, number: int, intermediate: Mapping[int, float]) -> bool:
        """Whether the running trial `number`, with these intermediate values, stops now."""
        mine = history(intermediate)
        reached = [band for band in self.bands if band < len(mine)]
        if not reached:
            return False
        band = reached[-1]
        others = [h for n, h in self.histories.items() if n != number]
        at_band = sorted(self.sign * h[band] for h in [*others, mine] if len(h) > band)
        threshold = at_band[int(self.fraction * len(at_band))]
        return self.sign * mine[band] > threshold


def history(intermediate: Mapping[int, float]) -> list[float]:
    """Intermediate values in step order, the non-finite ones left out (W&B's metric history)."""
    return [v for _, v in sorted(intermediate.items()) if math.isfinite(v)]
