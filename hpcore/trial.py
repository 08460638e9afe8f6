"""The running trial: the handle an objective receives, and `execute_trial`, which runs it by the core's rules.

`execute_trial` needs no relay and no study, so an engine can run it anywhere,
a Ray worker included, and tell its engine the trial it returns.

Rules (DESIGN §4.3, §4.6, §4.9):
- an exception `catch` covers, a NaN or an infinite value: FAILED with the reason kept;
- a wrong number of values, a value that is not a number, an interrupt, or an
  exception `catch` does not cover: FAILED, then re-raised by the caller;
- `report(value, step)` records an intermediate value; with several objectives it never prunes;
- a backend's sampled value must lie in the parameter's space.
"""

from __future__ import annotations

import functools
import logging
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hpcore.errors import HpcoreError, InvalidSpace, TrialPruned
from hpcore.objective import ComputeObjective, all_finite, to_values
from hpcore.records import FrozenTrial, TrialState
from hpcore.space import Categorical, Float, Int, Param, is_neutral

log = logging.getLogger("hpcore")

INTERRUPTED = "interrupted (KeyboardInterrupt)"  # the error of a trial an interrupt ended


class Exhausted:
    """What `hpcore_ask` answers when a finite backend has no trial left."""

    def __repr__(self) -> str:
        return "EXHAUSTED"


EXHAUSTED = Exhausted()


class Trial:
    """What the objective receives. Backends subclass it and implement `_sample`.

    `suggest_*` follow Optuna's signatures; a name already sampled returns the same value.
    """

    n_objectives = 1
    pruner: Callable[[Trial, float, int], bool] | None = None  # set by whoever runs the trial
    _prune = False

    def __init__(self, number: int) -> None:
        self.number = number
        self.params: dict[str, Any] = {}
        self.intermediate: dict[int, float] = {}
        self.user_attrs: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(number={self.number}, params={self.params})"

    # -- what a backend implements -------------------------------------------------
    def _sample(self, name: str, param: Param) -> Any:
        """Return a value for `name` from `param`'s space."""
        raise NotImplementedError(f"{type(self).__name__} does not sample parameters")

    def _sample_native(self, space: Any) -> Mapping[str, Any]:
        """Sample a backend-native space; return the sampled params by name."""
        raise InvalidSpace(f"{type(self).__name__} reads neutral spaces only, got {space!r}.")

    # -- sampling ------------------------------------------------------------------
    def suggest(self, name: str, param: Param) -> Any:
        if name in self.params:
            return self.params[name]
        value = self._sample(name, param)
        if not param.contains(value):
            raise InvalidSpace(f"the backend sampled {name}={value!r}, outside {param}: report this to its authors.")
        self.params[name] = value
        return value

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False) -> float:
        return self.suggest(name, _numeric(Float, name, low, high, log, step))

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        return self.suggest(name, _numeric(Int, name, low, high, log, step))

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        return self.suggest(name, _named(name, Categorical, choices))

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


def _numeric(kind: type[Float] | type[Int], name: str, low: Any, high: Any, log: Any, step: Any) -> Param:
    """`_named` for Float and Int, the same object for the same arguments of the same types.

    Define-by-run objectives ask for the same parameters every trial: building and checking
    each once lets a backend keep what it derives from a parameter (an engine distribution).
    """
    try:
        return _kept_numeric(kind, name, low, high, log, step)
    except TypeError:  # an unhashable argument: let the parameter say what is wrong with it
        return _named(name, kind, low, high, log=log, step=step)


@functools.lru_cache(maxsize=1024, typed=True)
def _kept_numeric(kind: type[Float] | type[Int], name: str, low: Any, high: Any, log: Any, step: Any) -> Param:
    return _named(name, kind, low, high, log=log, step=step)


def _named(name: str, kind: Callable[..., Param], *args: Any, **kwargs: Any) -> Param:
    try:
        return kind(*args, **kwargs)
    except InvalidSpace as exc:
        raise InvalidSpace(f"parameter {name!r}: {exc}") from None


def execute_trial(
    objective: Callable[[Trial], Any],
    handle: Trial,
    *,
    space: Any,
    n_objectives: int,
    compute_objective: ComputeObjective | None,
    catch: tuple[type[BaseException], ...],
) -> tuple[FrozenTrial, BaseException | None]:
    """Run one trial; return its record and the exception the caller must re-raise, if any."""
    handle.n_objectives = n_objectives
    started = time.perf_counter()
    values: list[float] = []
    error: str | None = None
    reraise: BaseException | None = None
    try:
        if space is not None:
            handle.sample_space(space)
        values = to_values(objective(handle), n_objectives, compute_objective)
        if all_finite(values):
            state = TrialState.COMPLETE
        else:
            state, error, values = TrialState.FAILED, f"the objective returned {values}", []
            log.warning("trial %d failed: %s", handle.number, error)
    except TrialPruned:
        state = TrialState.PRUNED
    except HpcoreError as exc:
        state, error, reraise = TrialState.FAILED, _describe(exc), exc
    except catch as exc:
        state, error = TrialState.FAILED, _describe(exc)
        log.warning("trial %d failed: %s\n%s", handle.number, error, traceback.format_exc())
    except KeyboardInterrupt as exc:
        state, error, reraise = TrialState.FAILED, INTERRUPTED, exc
    except BaseException as exc:
        state, error, reraise = TrialState.FAILED, _describe(exc), exc
    trial = FrozenTrial(  # the record takes the handle's dicts: the handle is spent
        number=handle.number,
        params=handle.params,
        state=state,
        values=values,
        intermediate=handle.intermediate,
        error=error,
        duration=time.perf_counter() - started,
        user_attrs=handle.user_attrs,
    )
    return trial, reraise


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
