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
        self._callers = (
            manager.hook.hpcore_trial_started,
            manager.hook.hpcore_trial_reported,
            manager.hook.hpcore_trial_finished,
            manager.hook.hpcore_search_finished,
        )
        self._impls: dict[str, list[pluggy.HookImpl]] = {}
        self._refresh()

    def trial_started(self, study: Study, trial: Trial) -> None:
        self._send(self._manager.hook.hpcore_trial_started, study=study, trial=trial)

    def trial_reported(self, study: Study, trial: Trial, value: float, step: int) -> None:
        self._send(self._manager.hook.hpcore_trial_reported, study=study, trial=trial, value=value, step=step)

    def trial_finished(self, study: Study, trial: FrozenTrial) -> None:
        self._send(self._manager.hook.hpcore_trial_finished, study=study, trial=trial)

    def search_finished(self, study: Study, result: SearchResult) -> None:
        self._send(self._manager.hook.hpcore_search_finished, study=study, result=result)

    def _send(self, caller: pluggy.HookCaller, **kwargs: Any) -> None:
        for impl in self._impls[caller.name]:
            try:
                impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception:
                if impl.plugin is self._backend:
                    log.exception("backend %s raised in %s; it goes on driving the search", impl.plugin_name, caller.name)
                    continue
                log.exception("observer %s raised in %s; it is dropped from this search", impl.plugin_name, caller.name)
                self._drop(impl.plugin_name)

    def _drop(self, plugin_name: str) -> None:
        with self._lock:
            if self._manager.has_plugin(plugin_name):
                self._manager.unregister(name=plugin_name)
                self._refresh()

    def _refresh(self) -> None:
        self._impls = {caller.name: list(reversed(caller.get_hookimpls())) for caller in self._callers}
