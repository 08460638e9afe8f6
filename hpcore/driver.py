"""`hpcore.search()`: check the arguments, build a Study and its relay, drive it through the backend's hooks.

The module is not named `search`, so that `hpcore.search` is always the function."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from typing import Any

from hpcore.backend import Backend
from hpcore.errors import DefineByRunUnsupported, InvalidArgument
from hpcore.journal import Journal
from hpcore.objective import ComputeObjective, parse_directions
from hpcore.plugins import get_registry
from hpcore.relay import Relay
from hpcore.space import space_form, validate_space
from hpcore.study import SearchResult, Study


def search(
    objective: Callable[..., Any],
    space: Any = None,
    *,
    direction: str | list[str] = "minimize",
    n_trials: int = 20,
    backend: str | Backend | None = None,
    seed: int | None = None,
    timeout: float | None = None,
    n_jobs: int = 1,
    catch: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
    compute_objective: ComputeObjective | None = None,
    max_trials: int | None = None,
    journal: str | os.PathLike[str] | None = None,
    observers: Iterable[object] = (),
    **backend_options: Any,
) -> SearchResult:
    """Run `n_trials` trials of `objective` over `space` with `backend`; return every trial and the best.

    `objective(trial)` returns a float, one float per direction, or a dict of metrics
    that `compute_objective` reduces. `space` is a dict of hpcore params, a backend's
    native form, or None when the objective calls `trial.suggest_*` itself.
    `journal` appends each finished trial to a JSON-lines file and resumes from it.
    `observers` are plugin objects implementing the observer hooks for this search.
    """
    if not callable(objective):
        raise InvalidArgument(f"objective must be a function of the trial, got {objective!r}.")
    directions = parse_directions(direction)
    _check_count("n_trials", n_trials)
    if max_trials is not None:
        _check_count("max_trials", max_trials)
    n_jobs = _check_n_jobs(n_jobs)
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0 and not math.isnan(timeout)):
        raise InvalidArgument(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise InvalidArgument(f"seed must be an int or None, got {seed!r}.")
    catch = _check_catch(catch)
    if compute_objective is not None and not callable(compute_objective):
        raise InvalidArgument(f"compute_objective must be a function of the metrics dict, got {compute_objective!r}.")

    registry = get_registry()
    chosen = _choose_backend(backend, registry)
    caps = chosen.capabilities
    if len(directions) > 1 and not caps.multi_objective:
        raise InvalidArgument(
            f"backend {chosen.name!r} cannot search {len(directions)} objectives: "
            "use one direction, or a backend with multi-objective support (optuna, random)."
        )
    if n_jobs > 1 and not caps.parallel:
        raise InvalidArgument(f"backend {chosen.name!r} runs one trial at a time: use n_jobs=1.")
    if space is None:
        if not caps.define_by_run:
            raise DefineByRunUnsupported(
                f"backend {chosen.name!r} must know the whole space up front: pass space=, "
                "or use a backend that samples define-by-run (optuna, random)."
            )
    elif space_form(space) not in caps.native_spaces:
        space = validate_space(space, chosen.name)

    relay = Relay(chosen, observers=[*registry.plugin_modules(), *observers])
    study = Study(
        objective=objective,
        space=space,
        directions=directions,
        backend=chosen.name,
        n_trials=n_trials,
        max_trials=max_trials,
        timeout=timeout,
        n_jobs=n_jobs,
        seed=seed,
        catch=catch,
        compute_objective=compute_objective,
        options=backend_options,
        journal=Journal(journal, directions) if journal is not None else None,
        hooks=relay,
    )
    try:
        relay.call("hpcore_prepare", study=study)
        study.load(relay.call("hpcore_load_trials", study=study) or [])
        relay.call("hpcore_optimize", study=study, run_trial=study.run_trial)
    finally:
        if study.journal is not None:
            study.journal.close()
    result = SearchResult(
        study.trials,
        directions,
        chosen.name,
        engine=study.engine,
        selector=lambda trials: relay.call("hpcore_select_best", study=study, trials=trials),
    )
    relay.broadcast("hpcore_search_finished", study=study, result=result)
    return result


def _choose_backend(backend: str | Backend | None, registry: Any) -> Backend:
    if backend is None:
        return registry.default()
    if isinstance(backend, Backend):
        return backend
    if isinstance(backend, str):
        return registry.get(backend)
    raise InvalidArgument(f"backend must be a backend name or None, got {backend!r}.")


def _check_count(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgument(f"{name} must be an int of at least 1, got {value!r}.")


def _check_n_jobs(n_jobs: Any) -> int:
    if n_jobs == -1:
        return os.cpu_count() or 1
    _check_count("n_jobs", n_jobs)
    return int(n_jobs)


def _check_catch(catch: Any) -> tuple[type[BaseException], ...]:
    items = catch if isinstance(catch, tuple) else (catch,)
    for item in items:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise InvalidArgument(f"catch must be an exception class or a tuple of them, got {catch!r}.")
    return items
