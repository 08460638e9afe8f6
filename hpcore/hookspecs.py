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
    """Called once, the first time a backend is needed (never at ``import hpcore``). Call
    ``register(backend)`` for each backend the plugin provides.

    ``register`` raises ``DuplicateBackend`` when the name is taken, and ``PluginRefused`` for a
    backend implementing a hook a backend may not; the error is kept against the plugin
    (``hpcore backends`` shows it) and every other plugin keeps working. A plugin module must not
    import its engine at import time: ``hpcore backends`` reads engine versions from package
    metadata.
    """


# -- sampling ---------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_prepare(study: Study) -> bool | None:
    """Called once per search before any trial. Check ``study.settings.space`` (a neutral dict, a
    native form the backend declared, or ``None``) and ``study.settings.options``, then build the
    engine's state in ``study.backend_state``.

    The core has already refused option names the backend does not declare (laws §11). Raise
    ``InvalidSpace`` for a space it cannot read (a parameter kind it does not know included) and
    ``InvalidArgument`` for an option value it cannot use. State lives in ``study.backend_state``,
    never on the backend object, which every search shares. The return value is not read.
    """


@hookspec(firstresult=True)
def hpcore_ask(study: Study) -> Trial | Exhausted | None:
    """Called by the core's loop for each trial it starts (concurrently under ``n_jobs > 1``).

    Return a ``Trial`` subclass numbered by the engine (``study.ledger.next_number()`` where the
    engine has no numbers) whose ``_sample(name, param)`` answers ``suggest_*`` lazily, so
    define-by-run works; or ``hpcore.EXHAUSTED`` when a finite backend has nothing left. A backend
    that samples the whole space up front answers from what it sampled and raises
    ``UnknownParameter`` for other names. The core checks that every sampled value lies in its
    parameter's space (laws §6).
    """


# -- reporting --------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_should_prune(study: Study, trial: Trial, value: float, step: int) -> bool | None:
    """Called for each ``trial.report(value, step)`` of a single-objective search whose trial runs in
    this process: return whether the backend's pruner stops the trial.

    With several objectives the core records reports and never asks (laws §10). Trials that run
    elsewhere (Ray workers) are pruned by their engine there. The core's default never prunes.
    """


@hookspec(firstresult=True)
def hpcore_tell(study: Study, trial: FrozenTrial) -> bool | None:
    """Called once for each trial of this search the core's loop asked for (``hpcore_ask``) or a
    backend recorded from elsewhere (``runner.record``), after it ends (COMPLETE, PRUNED or FAILED)
    and is in the ledger and the journal; ``trial`` is the ``FrozenTrial``. A trial a backend's own
    loop runs through ``runner.run`` is not told here: its engine learns the end from that loop.

    Record it in the engine. Values are exactly what the objective produced: a backend whose
    engine only minimizes negates its own copy, never the ledger's (see
    ``study.settings.directions``). Trials loaded when the search starts, and a warm start's, are
    told once through ``hpcore_tell_unproposed`` instead. The return value is not read.
    """


@hookspec
def hpcore_trial_started(study: Study, trial: Trial) -> None:
    """Observers: a trial (a ``Trial``) is about to run. An observer that raises is logged and dropped
    from the search; it never ends the search."""


@hookspec
def hpcore_trial_reported(study: Study, trial: Trial, value: float, step: int) -> None:
    """Observers: the running trial reported an intermediate value."""


@hookspec
def hpcore_trial_finished(study: Study, trial: FrozenTrial) -> None:
    """Observers: a trial (a ``FrozenTrial``) ended, is in the ledger (and the journal, when there is
    one), and the backend has been told."""


@hookspec
def hpcore_search_finished(study: Study, result: SearchResult) -> None:
    """Observers: the search ended normally; ``result`` is the ``SearchResult``, every trial and the
    best chosen. It is not called when the search raises.

    A backend's own observer hook that raises is logged, and the backend goes on driving the search.
    """


# -- selection --------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_select_best(study: Study, trials: Sequence[FrozenTrial]) -> list[FrozenTrial] | None:
    """Called once, when the search ends: the best trial(s) of ``trials``, kept in the result and its
    saved JSON.

    The core's reference answers last: one objective, the COMPLETE trial with the best value, ties
    to the lowest number; several objectives, the Pareto front in trial order;
    ``NoCompletedTrials`` when nothing completed (laws §4). Backends must not implement it (one that
    does is refused when registered); a selection plugin may, to pick one run from a front by a
    policy, and a wrapper around it runs as pluggy runs wrappers.
    """


# -- driving ----------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_optimize(study: Study, runner: TrialRunner) -> bool | None:
    """Run the trials of this call. The core's loop (``hpcore.loop``) claims a slot of ``study.budget``,
    asks, runs and tells until the budget refuses (``n_trials``, ``max_trials``, ``timeout``) or the
    backend is exhausted, in ``study.settings.n_jobs`` threads; it is not in the relay of a backend
    that implements this hook, which calls ``hpcore.run_loop(study, runner)`` for the searches it
    leaves to the core's loop.

    An engine that must own execution (Optuna's ``study.optimize``, Ray's ``Tuner``) implements it and
    stays within ``study.budget.trials_left()``, ``study.budget.time_left()`` and
    ``study.settings.n_jobs``: for each trial it runs in this process it calls ``runner.run(trial)``,
    which runs the objective by the core's rules, records the trial (ledger, journal, observers;
    not ``hpcore_tell``: the engine learns the end from its own loop), returns the ``FrozenTrial``, and re-raises interrupts and programming errors after
    recording; for trials run in other processes it calls ``hpcore.execute_trial`` there (it needs
    no relay), and ``runner.started(trial)``, ``runner.reported(trial, value, step)`` and
    ``runner.record(frozen_trial)`` where the search lives, as each trial goes. It may set
    ``study.native`` to the engine's own object, which the result hands to the user. The return
    value is not read.
    """


# -- ledger -----------------------------------------------------------------------------
@hookspec(firstresult=True)
def hpcore_load_trials(study: Study) -> Sequence[FrozenTrial] | None:
    """Called once per search after ``hpcore_prepare``: the finished trials the engine already holds (a
    resumed study, a storage shared with other workers, a restored run), so the result covers the
    whole study and trial numbers continue from the engine's.

    Only return them: no file written, no state changed. The core merges them with the journal's
    trials, the journal's record first for each number (laws §8). The core's default answers no
    trials.
    """


@hookspec
def hpcore_tell_unproposed(study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
    """Called once per search, after ``hpcore_load_trials`` and before the first trial, when the search
    holds trials or is given a warm start: tell the engine of the finished trials it did not propose.

    ``trials`` are those the engine does not hold: the journal's trials that ``hpcore_load_trials``
    did not return, in number order, then the warm-start trials (``study.warm_trials``, not in the
    ledger, never run). Tell them with the engine's own mechanism (Optuna's ``add_trial``, a Tune
    searcher's ``add_evaluated_point``, a visited set); their values are never negated. ``seed`` is
    the seed to propose with from now on (laws §9): re-seed with it what ``hpcore_prepare`` seeded,
    so a resumed seeded search is reproducible and proposes no configuration the ledger holds.
    """


# -- ending ---------------------------------------------------------------------------
@hookspec
def hpcore_close(study: Study) -> None:
    """Called once when the search ends, however it ends: normally, by an error (one raised in
    ``hpcore_prepare`` included) or by Ctrl-C, after the last trial is recorded and before the
    journal is closed.

    Release what the engine holds for this search (threads, processes, files), which
    ``hpcore_prepare`` may have built only in part: ``study.backend_state`` is whatever it set,
    ``None`` when it set nothing. An error raised here is logged and never replaces the search's
    own.
    """


# -- roles ------------------------------------------------------------------------------
BACKEND_HOOKS = (
    "hpcore_prepare", "hpcore_ask", "hpcore_should_prune", "hpcore_tell", "hpcore_optimize", "hpcore_load_trials",
    "hpcore_tell_unproposed", "hpcore_close",
)
"""Answered by the chosen backend only (or the core): a plugin module or observer implementing one is refused."""

OBSERVER_HOOKS = ("hpcore_trial_started", "hpcore_trial_reported", "hpcore_trial_finished", "hpcore_search_finished")
"""Broadcast to every implementation, one call each: a wrapper around them is refused."""

__all__ = [name for name in dir() if name.startswith("hpcore_")] + [
    "hookimpl", "hookspec", "PROJECT", "BACKEND_HOOKS", "OBSERVER_HOOKS",
]
