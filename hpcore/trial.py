"""`Trial`: the running trial an objective receives, and `EXHAUSTED`, a finite backend's "nothing left".

Rules (docs/laws.md §6, §10):
- `suggest_*` follow Optuna's signatures; every sampled value must lie in its parameter's space;
- within a trial a name has one parameter: asked again with the same one it returns the same
  value, with another one it raises InvalidSpace naming both;
- a name outside the search's space is sampled by a define-by-run backend and refused with
  UnknownParameter by one that samples the whole space up front;
- `report(value, step)` records an intermediate value; with several objectives it never prunes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hpcore.errors import InvalidSpace, TrialPruned, UnknownParameter
from hpcore.space import Categorical, Float, Int, Param, is_neutral


class Exhausted:
    """What `hpcore_ask` answers when a finite backend has no trial left."""

    def __repr__(self) -> str:
        return "EXHAUSTED"


EXHAUSTED = Exhausted()


class Trial:
    """What the objective receives. Backends subclass it and implement `_sample` (and `_sample_native`).

    `prune_signals` are the exceptions that prune the trial when the objective raises them;
    a backend adds its engine's own (Optuna's `TrialPruned`). `pruner` is set by whoever
    runs the trial: it hears each report and answers whether to prune. `native` is the
    engine's own trial object, for code written against the engine (None where there is none).
    """

    n_objectives = 1
    native: Any = None
    proposer: str | None = None  # a portfolio's member that proposed it; the runner records the backend otherwise
    prune_signals: tuple[type[BaseException], ...] = (TrialPruned,)
    pruner: Callable[[Trial, float, int], bool] | None = None
    _prune = False

    def __init__(self, number: int) -> None:
        self.number = number
        self.params: dict[str, Any] = {}
        self.intermediate: dict[int, float] = {}
        self.user_attrs: dict[str, Any] = {}
        self._asked: dict[str, Param] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(number={self.number}, params={self.params})"

    @property
    def space(self) -> dict[str, Param]:
        """The parameter each sampled value came from, by name; a native space's where the backend records them."""
        return self._asked

    # -- what a backend implements -------------------------------------------------
    def _sample(self, name: str, param: Param) -> Any:
        """Return a value for `name` from `param`'s space."""
        raise NotImplementedError(f"{type(self).__name__} does not sample parameters")

    def _sample_native(self, space: Any) -> Mapping[str, Any]:
        """Sample a backend-native space; return the sampled params by name."""
        raise InvalidSpace(f"{type(self).__name__} reads neutral spaces only, got {space!r}.")

    # -- sampling ------------------------------------------------------------------
    def suggest(self, name: str, param: Param) -> Any:
        """The value of `name` in this trial, sampled from `param` the first time it is asked."""
        if name in self.params:
            asked = self._asked.get(name)
            if asked is not None and asked is not param and asked != param:
                raise InvalidSpace(
                    f"parameter {name!r} was already sampled from {asked} in this trial, and is now asked "
                    f"from {param}: give each parameter one range, or use another name."
                )
            return self.params[name]
        value = self._sample(name, param)
        if not param.contains(value):
            raise InvalidSpace(f"the backend sampled {name}={value!r}, outside {param}: report this to its authors.")
        self.params[name] = value
        self._asked[name] = param
        return value

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False) -> float:
        return self.suggest(name, _numeric(Float, name, low, high, log, step))

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        return self.suggest(name, _numeric(Int, name, low, high, log, step))

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        return self.suggest(name, _categorical(name, choices))

    def sample_space(self, space: Any) -> None:
        """Sample a whole space before the objective runs: neutral by name, native by the backend."""
        if is_neutral(space):
            for name, param in space.items():
                self.suggest(name, param)
        else:
            for name, value in self._sample_native(space).items():
                self.params.setdefault(name, value)

    # -- reporting -----------------------------------------------------------------
    def report(self, value: float, step: int | None = None) -> bool:
        """Record an intermediate value; return whether the trial should be pruned."""
        value = float(value)
        step = len(self.intermediate) if step is None else int(step)
        self.intermediate[step] = value
        decided = self.pruner(self, value, step) if self.pruner is not None else False
        self._prune = bool(decided) and self.n_objectives == 1
        return self._prune

    def should_prune(self) -> bool:
        return self._prune

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = value


class PointTrial(Trial):
    """A trial whose values were chosen up front (a grid's point, an engine's candidate); any other
    name raises UnknownParameter, naming `where` the values come from."""

    def __init__(self, number: int, point: Mapping[str, Any], where: str = "the search's space") -> None:
        super().__init__(number)
        self._point = point
        self._where = where

    def _sample(self, name: str, param: Param) -> Any:
        if name not in self._point:
            raise UnknownParameter(f"{name!r} is not in {self._where} {sorted(self._point)}: add it to space=.")
        return self._point[name]


def _numeric(kind: type[Float] | type[Int], name: str, low: Any, high: Any, log: Any, step: Any) -> Param:
    """`_named` for Float and Int, the same object for the same arguments of the same types.

    Define-by-run objectives ask for the same parameters every trial: building and checking
    each once lets a backend keep what it derives from a parameter (an engine distribution).
    """
    try:
        return _kept_numeric(kind, name, low, high, log, step)  # type: ignore[arg-type]  # a class hashes; mypy reads its instances' __hash__ = None
    except TypeError:  # an unhashable argument: let the parameter say what is wrong with it
        return _named(name, kind, low, high, log=log, step=step)


@functools.lru_cache(maxsize=1024, typed=True)
def _kept_numeric(kind: type[Float] | type[Int], name: str, low: Any, high: Any, log: Any, step: Any) -> Param:
    return _named(name, kind, low, high, log=log, step=step)


_PLAIN = frozenset({str, int, float, bool, type(None), bytes})  # choices equal by value and type alone


def _categorical(name: str, choices: Any) -> Param:
    """`_named` for Categorical; choices all of plain types give the same object for the same choices.

    Other choices (tuples, objects) are built every time: equal ones are not always
    the same (`(1, 2.0) == (1, 2)`), and the value must be one of the objects given.
    """
    if type(choices) in (list, tuple):
        types = tuple(map(type, choices))
        if _PLAIN.issuperset(types):
            return _kept_categorical(name, tuple(choices), types)
    return _named(name, Categorical, choices)


@functools.lru_cache(maxsize=1024)
def _kept_categorical(name: str, choices: tuple[Any, ...], types: tuple[type, ...]) -> Param:
    return _named(name, Categorical, choices)


def _named(name: str, kind: Callable[..., Param], *args: Any, **kwargs: Any) -> Param:
    try:
        return kind(*args, **kwargs)
    except InvalidSpace as exc:
        raise InvalidSpace(f"parameter {name!r}: {exc}") from None
