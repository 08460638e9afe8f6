"""`Observers`: the broadcasts of one search — trial started, reported, finished; search finished.

Rules (docs/laws.md §3):
- every implementation of an observer hook in the search's relay hears each event, in
  pluggy's order (observers, then the backend's own observer hooks, if it has any);
- an observer that raises is logged and dropped from this search: it never ends the search;
- the backend is never dropped: an observer hook of the backend that raises is logged, and
  the backend goes on driving its search.

Broadcasts bypass pluggy's hook caller on purpose: the caller stops at the first
implementation that raises and propagates the error, and no hook wrapper can catch one
implementation's error and still call the rest.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from hpcore.records import FrozenTrial
    from hpcore.result import SearchResult
    from hpcore.study import Study
    from hpcore.trial import Trial

log = logging.getLogger("hpcore")


class Observers:
    """Sends a search's events to the observer hooks its relay holds. Thread-safe."""

    def __init__(self, manager: pluggy.PluginManager, backend: object) -> None:
        self._manager = manager
        self._backend = backend
        self._lock = threading.Lock()
        self._refresh()

    def trial_started(self, study: Study, trial: Trial) -> None:
        if self._started:
            self._send(self._started, "hpcore_trial_started", study=study, trial=trial)

    def trial_reported(self, study: Study, trial: Trial, value: float, step: int) -> None:
        if self._reported:
            self._send(self._reported, "hpcore_trial_reported", study=study, trial=trial, value=value, step=step)

    def trial_finished(self, study: Study, trial: FrozenTrial) -> None:
        if self._finished:
            self._send(self._finished, "hpcore_trial_finished", study=study, trial=trial)

    def search_finished(self, study: Study, result: SearchResult) -> None:
        if self._search_finished:
            self._send(self._search_finished, "hpcore_search_finished", study=study, result=result)

    def _send(self, impls: list[pluggy.HookImpl], hook_name: str, **kwargs: Any) -> None:
        for impl in impls:
            try:
                impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception:
                if impl.plugin is self._backend:
                    log.exception("backend %s raised in %s; it goes on driving the search", impl.plugin_name, hook_name)
                    continue
                log.exception("observer %s raised in %s; it is dropped from this search", impl.plugin_name, hook_name)
                self._drop(impl.plugin_name)

    def _drop(self, plugin_name: str) -> None:
        with self._lock:
            if self._manager.has_plugin(plugin_name):
                self._manager.unregister(name=plugin_name)
                self._refresh()

    def _refresh(self) -> None:
        """The implementations of each observer hook, in the order pluggy would call them."""
        hook = self._manager.hook
        self._started = list(reversed(hook.hpcore_trial_started.get_hookimpls()))
        self._reported = list(reversed(hook.hpcore_trial_reported.get_hookimpls()))
        self._finished = list(reversed(hook.hpcore_trial_finished.get_hookimpls()))
        self._search_finished = list(reversed(hook.hpcore_search_finished.get_hookimpls()))
