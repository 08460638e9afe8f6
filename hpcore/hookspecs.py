"""The contract between hpcore and its plugins: every hook, typed, with its rules.

Plugin modules (found through the ``hpcore`` entry-point group) implement
``hpcore_register_backends`` and, if they like, the observer and selection hooks.
Backend hooks (``hpcore_prepare`` … ``hpcore_load_trials``) are methods of the backend
objects a plugin registers: for each search the core builds a relay holding exactly the
chosen backend, the core's defaults and loop (``trylast``) and the observers, so a
``firstresult`` hook is answered by the chosen backend.

Implementations may accept a subset of a hook's arguments. Arguments are added, never
reordered. With ``n_jobs > 1`` the core's loop (and Optuna's) runs trials in threads:
``hpcore_ask``, ``hpcore_should_prune``, ``hpcore_tell``, the observer hooks
``hpcore_trial_started``, ``hpcore_trial_reported`` and ``hpcore_trial_finished``, and a
backend's ``Trial._sample`` are then called concurrently and must be thread-safe. The
others are called from one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hpcore.backend import Backend
    from hpcore.records import FrozenTrial
    from hpcore.result import SearchResult
    from hpcore.runner import TrialRunner
    from hpcore.study import Study
    from hpcore.trial import Exhausted, Trial

PROJECT = "hpcore"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- registration ---------------------------------------------------------------------
@hookspec
def hpcore_register_backends(register: Callable[[Backend], None]) -> None:
    """Called once, when a backend is first needed. Call ``register(backend)`` for each backend the plugin provides.

    :param register: raises DuplicateBackend when the name is taken; the error is kept
        against this plugin and every other plugin keeps working.
    """


# -- sampling ---------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_prepare(study: Study) -> bool | None:
    """Called once per search before any trial. Check ``study.settings.space`` and
    ``study.settings.options``, then build the engine's state in ``study.backend_state``.

    The core has already refused options the backend does not declare. Raise InvalidSpace
    for a space it cannot read (a parameter kind it does not know included) and
    InvalidArgument for an option value it cannot use. Return True.
    """


@hookspec(firstresult=True)
def hpcore_ask(study: Study) -> Trial | Exhausted | None:
    """Called by the core's loop for each trial it starts (concurrently under ``n_jobs > 1``).

    Must return a Trial numbered by the engine (``study.ledger.next_number()`` where the
    engine has no numbers) whose ``_sample`` answers ``suggest_*`` lazily, or
    ``hpcore.EXHAUSTED`` when a finite backend has nothing left. A backend that samples up
    front answers from what it sampled and raises UnknownParameter for other names.
    """


# -- reporting --------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_should_prune(study: Study, trial: Trial, value: float, step: int) -> bool | None:
    """Called for each ``trial.report(value, step)`` of a single-objective search run in this process.

    Must return whether the backend's pruner or scheduler stops the trial. The core answers False.
    """


@hookspec(firstresult=True)
def hpcore_tell(study: Study, trial: FrozenTrial) -> bool | None:
    """Called after each trial ends (COMPLETE, PRUNED or FAILED) and is in the ledger.

    Record the trial in the engine; return True. Values are never negated here: a backend
    whose engine only minimizes negates its own copy (see ``study.settings.directions``).
    """


@hookspec
def hpcore_trial_started(study: Study, trial: Trial) -> None:
    """Observers: a trial is about to run. An observer that raises is logged and dropped."""


@hookspec
def hpcore_trial_reported(study: Study, trial: Trial, value: float, step: int) -> None:
    """Observers: the running trial reported an intermediate value."""


@hookspec
def hpcore_trial_finished(study: Study, trial: FrozenTrial) -> None:
    """Observers: a trial ended and is in the ledger (and the journal, when there is one)."""


@hookspec
def hpcore_search_finished(study: Study, result: SearchResult) -> None:
    """Observers: the search ended normally; ``result`` holds every trial and the best."""


# -- selection --------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_select_best(study: Study, trials: Sequence[FrozenTrial]) -> list[FrozenTrial] | None:
    """Called once, when the search ends: the best trial(s) of ``trials``, kept in the result.

    The core's reference rules (docs/laws.md §4) answer last. Backends must not implement
    it; a selection plugin may (one run picked from a Pareto front by a policy). Raise
    NoCompletedTrials when no trial completed.
    """


# -- driving ----------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_optimize(study: Study, runner: TrialRunner) -> bool | None:
    """Run the trials of this call. The core's loop (ask → run → tell) answers last.

    An engine that must own execution answers first, within ``study.budget``
    (``trials_left()``, ``time_left()``) and ``study.settings.n_jobs``: it calls
    ``runner.run(trial)`` for every trial it runs in this process, or, for trials run
    elsewhere by ``hpcore.execute_trial``, ``runner.started``, ``runner.reported`` and
    ``runner.record`` as they go. Return True.
    """


# -- ledger -----------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_load_trials(study: Study) -> Sequence[FrozenTrial] | None:
    """Called once per search after ``hpcore_prepare``: the finished trials the engine already
    holds (a resumed study, a shared storage, a restored run). Only return them: no side effects.

    The core merges them with the journal's (docs/laws.md §8). The core answers no trials.
    """


# -- roles ------------------------------------------------------------------------------
BACKEND_HOOKS = (
    "hpcore_prepare", "hpcore_ask", "hpcore_should_prune", "hpcore_tell", "hpcore_optimize", "hpcore_load_trials",
)
"""Answered by the chosen backend only (or the core): a plugin module or observer implementing one is refused."""

OBSERVER_HOOKS = ("hpcore_trial_started", "hpcore_trial_reported", "hpcore_trial_finished", "hpcore_search_finished")
"""Broadcast to every implementation, one call each: a wrapper around them is refused."""

__all__ = [name for name in dir() if name.startswith("hpcore_")] + [
    "hookimpl", "hookspec", "PROJECT", "BACKEND_HOOKS", "OBSERVER_HOOKS",
]
