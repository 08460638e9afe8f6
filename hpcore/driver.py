"""`hpcore.search()`: the phases of one search, in order.

The module is not named `search`, so that `hpcore.search` is always the function.

Phases (docs/architecture.md): check every argument → choose the backend and check it can run
them (`hpcore.choose`) → build the relay and the study → `hpcore_prepare` → open the journal →
`hpcore_load_trials`, merged with the journal → `hpcore_tell_unproposed` (the journal's trials the
engine lacks and the warm start) → `hpcore_optimize` → `hpcore_close` → `hpcore_select_best`,
once → the result. Nothing is written to a journal before every check has passed.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from hpcore.admission import refusal
from hpcore.backend import Backend
from hpcore.checks import check_count, check_exception_classes, check_seconds, check_seed, is_count
from hpcore.choose import choose_backend, fit
from hpcore.errors import InvalidArgument, NoCompletedTrials, PluginRefused
from hpcore.forms import space_form
from hpcore.history import tell_unproposed
from hpcore.journal import Journal
from hpcore.objective import ComputeObjective, parse_directions
from hpcore.observers import Observers
from hpcore.plugins import Registry, get_registry
from hpcore.relay import build_relay
from hpcore.result import SearchResult
from hpcore.runner import TrialRunner
from hpcore.settings import Settings
from hpcore.study import Study
from hpcore.warm import warm_trials

log = logging.getLogger("hpcore")


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
    warm_start: Any = None,
    **backend_options: Any,
) -> SearchResult:
    """Run `n_trials` trials of `objective` over `space` with `backend`; return every trial and the best.

    `objective(trial)` returns a float, one float per direction, or a dict of metrics
    that `compute_objective` reduces. `space` is a dict of hpcore params, a backend's
    native form, or None when the objective calls `trial.suggest_*` itself.
    `journal` appends each finished trial to a JSON-lines file and resumes from it.
    `observers` are plugin objects implementing the observer hooks for this search.
    `warm_start` (a SearchResult, a saved result or journal path, or FrozenTrial records, from
    any backend) tells the engine another search's trials first; they are never run again.
    On Ctrl-C the finished trials are kept: the KeyboardInterrupt raised carries them
    as `hpcore_result`, a SearchResult.
    """
    asked = _checked(
        objective, space, direction, n_trials, seed, timeout, n_jobs, catch, compute_objective, max_trials,
        backend_options,
    )
    observers = _admitted(observers)
    registry = get_registry()
    chosen = choose_backend(backend, registry)
    settings = fit(chosen, asked, registry, inspect.signature(search).parameters)
    warm = warm_trials(warm_start, settings.n_objectives, settings.space)
    study, events = _open(settings, chosen, registry, observers)
    study.warm_trials = warm
    _drive(study, events, journal)
    return _select(study, events)


def _checked(
    objective: Any, space: Any, direction: Any, n_trials: Any, seed: Any, timeout: Any, n_jobs: Any, catch: Any,
    compute_objective: Any, max_trials: Any, options: dict[str, Any],
) -> Settings:
    """The search's arguments checked, as settings for a backend not chosen yet."""
    _check_objective(objective)
    directions = parse_directions(direction)
    check_count("n_trials", n_trials)
    check_count("max_trials", max_trials, optional=True)
    check_seconds("timeout", timeout)
    check_seed(seed)
    if compute_objective is not None and not callable(compute_objective):
        raise InvalidArgument(f"compute_objective must be a function of the metrics dict, got {compute_objective!r}.")
    return Settings(
        objective=objective, space=space, directions=tuple(directions), backend="", n_trials=n_trials,
        max_trials=max_trials, timeout=timeout, n_jobs=_check_n_jobs(n_jobs), seed=seed,
        catch=check_exception_classes("catch", catch), compute_objective=compute_objective, options=options,
    )


def _admitted(observers: Iterable[object]) -> list[object]:
    """The search's observers, each refused with PluginRefused if it implements a hook an observer may not."""
    observers = list(observers)
    for observer in observers:
        why = refusal(observer, "observer", repr(type(observer).__name__))
        if why is not None:
            raise PluginRefused(why)
    return observers


def _open(settings: Settings, chosen: Backend, registry: Registry, observers: list[object]) -> tuple[Study, Observers]:
    """The search's study, its relay holding the chosen backend, and the broadcasts to its observers."""
    manager = build_relay(chosen, observers=[*registry.plugin_modules(), *observers])
    return Study(settings, manager.hook), Observers(manager, chosen)


def _drive(study: Study, events: Observers, journal: str | os.PathLike[str] | None) -> None:
    """Prepare the engine, load what the journal and the engine hold, run the trials; on Ctrl-C keep what finished."""
    hook = study.hook
    try:
        hook.hpcore_prepare(study=study)
        if journal is not None:
            settings = study.settings
            study.ledger.use_journal(Journal(journal, settings.directions, settings.space, space_form(settings.space)))
        engine_trials = hook.hpcore_load_trials(study=study) or ()
        study.ledger.load(engine_trials)
        tell_unproposed(study, engine_trials)
        hook.hpcore_optimize(study=study, runner=TrialRunner(study, events))
    except KeyboardInterrupt as interrupt:
        interrupt.hpcore_result = _result(study, best=None)  # type: ignore[attr-defined]
        raise
    finally:
        _close(study)


def _close(study: Study) -> None:
    """The backend's teardown, whose error is logged, never raised over the search's; then the journal."""
    try:
        study.hook.hpcore_close(study=study)
    except Exception:
        log.exception("backend %r raised in hpcore_close; the search's trials are kept", study.settings.backend)
    finally:
        study.ledger.close()


def _select(study: Study, events: Observers) -> SearchResult:
    """The best trial(s), chosen once, in the result the observers hear."""
    trials = study.ledger.trials
    try:
        best = study.hook.hpcore_select_best(study=study, trials=trials)
    except NoCompletedTrials:
        best = []
    result = _result(study, best)
    events.search_finished(study, result)
    return result


def _result(study: Study, best: list[Any] | None) -> SearchResult:
    settings = study.settings
    return SearchResult(
        study.ledger.trials, list(settings.directions), settings.backend, best=best, native=study.native,
        warm_trials=study.warm_trials,
    )


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


def _check_n_jobs(n_jobs: Any) -> int:
    if n_jobs == -1:
        return os.cpu_count() or 1
    if not is_count(n_jobs, 1):
        raise InvalidArgument(f"n_jobs must be -1 (one trial per CPU) or an int of at least 1, got {n_jobs!r}.")
    return int(n_jobs)
