"""`hpcore.search()`: check the arguments, build the search's study and relay, and drive its hooks.

The module is not named `search`, so that `hpcore.search` is always the function.

Order (docs/architecture.md): check every argument and the backend's capabilities and
options → `hpcore_prepare` → open the journal → `hpcore_load_trials`, merged with the
journal → `hpcore_optimize` → `hpcore_select_best`, once → the result. Nothing is written
to a journal before every check has passed.
"""

from __future__ import annotations

import difflib
import inspect
import os
from collections.abc import Callable, Iterable
from typing import Any

from hpcore.backend import Backend
from hpcore.checks import check_count, check_exception_classes, check_seconds, check_seed
from hpcore.errors import DefineByRunUnsupported, InvalidArgument, NoCompletedTrials
from hpcore.journal import Journal
from hpcore.objective import ComputeObjective, parse_directions
from hpcore.observers import Observers
from hpcore.plugins import Registry, get_registry
from hpcore.relay import build_relay
from hpcore.result import SearchResult
from hpcore.runner import TrialRunner
from hpcore.settings import Settings
from hpcore.space import space_form, validate_space
from hpcore.study import Study

PRUNING_OPTIONS = frozenset({"pruner", "scheduler", "early_terminate"})


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
    On Ctrl-C the finished trials are kept: the KeyboardInterrupt raised carries them
    as `hpcore_result`, a SearchResult.
    """
    _check_objective(objective)
    directions = parse_directions(direction)
    check_count("n_trials", n_trials)
    check_count("max_trials", max_trials, optional=True)
    n_jobs = _check_n_jobs(n_jobs)
    check_seconds("timeout", timeout)
    check_seed(seed)
    catch = check_exception_classes("catch", catch)
    if compute_objective is not None and not callable(compute_objective):
        raise InvalidArgument(f"compute_objective must be a function of the metrics dict, got {compute_objective!r}.")

    registry = get_registry()
    chosen = _choose_backend(backend, registry)
    _check_options(chosen, backend_options, registry)
    caps = chosen.capabilities
    if len(directions) > 1 and not caps.multi_objective:
        raise InvalidArgument(
            f"backend {chosen.name!r} cannot search {len(directions)} objectives: use one direction, "
            f"or a backend with multi-objective support ({_able(registry, 'multi_objective')})."
        )
    if n_jobs > 1 and not caps.parallel:
        raise InvalidArgument(f"backend {chosen.name!r} runs one trial at a time: use n_jobs=1.")
    if space is None:
        if not caps.define_by_run:
            raise DefineByRunUnsupported(
                f"backend {chosen.name!r} must know the whole space up front: pass space=, "
                f"or use a backend that samples define-by-run ({_able(registry, 'define_by_run')})."
            )
    elif space_form(space) not in caps.native_spaces:
        space = validate_space(space, chosen.name, caps.native_spaces)

    settings = Settings(
        objective=objective,
        space=space,
        directions=tuple(directions),
        backend=chosen.name,
        n_trials=n_trials,
        max_trials=max_trials,
        timeout=timeout,
        n_jobs=n_jobs,
        seed=seed,
        catch=catch,
        compute_objective=compute_objective,
        options=backend_options,
    )
    manager = build_relay(chosen, observers=[*registry.plugin_modules(), *observers])
    hook = manager.hook
    study = Study(settings, hook)
    events = Observers(manager, chosen)
    try:
        hook.hpcore_prepare(study=study)
        if journal is not None:
            study.ledger.use_journal(Journal(journal, directions, space))
        study.ledger.load(hook.hpcore_load_trials(study=study) or ())
        hook.hpcore_optimize(study=study, runner=TrialRunner(study, events))
    except KeyboardInterrupt as interrupt:
        interrupt.hpcore_result = SearchResult(study.ledger.trials, directions, chosen.name, native=study.native)  # type: ignore[attr-defined]
        raise
    finally:
        study.ledger.close()
    trials = study.ledger.trials
    try:
        best = hook.hpcore_select_best(study=study, trials=trials)
    except NoCompletedTrials:
        best = []
    result = SearchResult(trials, directions, chosen.name, best=best, native=study.native)
    events.search_finished(study, result)
    return result


def _check_objective(objective: Any) -> None:
    if not callable(objective):
        raise InvalidArgument(f"objective must be a function of the trial, got {objective!r}.")
    try:
        signature = inspect.signature(objective)
    except (TypeError, ValueError):  # a callable Python cannot describe: let the first trial tell
        return
    try:
        signature.bind(None)
    except TypeError:
        raise InvalidArgument(
            f"objective {getattr(objective, '__name__', objective)!r} must take the trial as its one "
            f"argument, as in `def objective(trial): ...`; its signature is {signature}."
        ) from None


def _check_options(backend: Backend, options: dict[str, Any], registry: Registry) -> None:
    """Refuse an option the backend does not declare, naming what it takes."""
    unknown = sorted(set(options) - backend.options)
    if not unknown:
        return
    name = unknown[0]
    if name in PRUNING_OPTIONS and not backend.capabilities.pruning:
        raise InvalidArgument(
            f"backend {backend.name!r} cannot prune trials, so it takes no {name}=: drop it, "
            f"or use a backend that prunes ({_able(registry, 'pruning')})."
        )
    close = difflib.get_close_matches(name, [*backend.options, *inspect.signature(search).parameters], n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    takes = ", ".join(sorted(backend.options)) or "none"
    raise InvalidArgument(f"backend {backend.name!r} has no option {name!r}; the options it takes: {takes}.{hint}")


def _able(registry: Registry, capability: str) -> str:
    return ", ".join(name for name, b in sorted(registry.backends.items()) if getattr(b.capabilities, capability))


def _choose_backend(backend: str | Backend | None, registry: Registry) -> Backend:
    if backend is None:
        return registry.default()
    if isinstance(backend, Backend):
        return backend
    if isinstance(backend, str):
        return registry.get(backend)
    raise InvalidArgument(f"backend must be a backend name or None, got {backend!r}.")


def _check_n_jobs(n_jobs: Any) -> int:
    if n_jobs == -1:
        return os.cpu_count() or 1
    check_count("n_jobs", n_jobs)
    return int(n_jobs)
