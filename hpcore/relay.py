"""The relay of one search: a plugin manager holding exactly the chosen backend,
the core's defaults (``trylast``) and the observers.

So a ``firstresult`` hook is answered by the chosen backend (or the core), never by
whichever plugin loaded last; broadcasts reach every observer, and an observer that
raises is logged and dropped, never ending the search.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pluggy

from hpcore import hookspecs
from hpcore.backend import Backend

log = logging.getLogger("hpcore")

BROADCASTS = ("hpcore_trial_started", "hpcore_trial_reported", "hpcore_trial_finished", "hpcore_search_finished")


class Relay:
    def __init__(self, backend: Backend, observers: Iterable[object] = ()) -> None:
        from hpcore import defaults

        self.backend = backend
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.manager.register(defaults, name="hpcore.defaults")
        for observer in observers:
            label = getattr(observer, "__name__", type(observer).__name__)
            self.manager.register(observer, name=f"observer:{label}:{id(observer)}")
        self.manager.register(backend, name=f"backend:{backend.name}")
        self.manager.check_pending()
        self._impls = {name: self._observer_impls(name) for name in BROADCASTS}

    def _observer_impls(self, name: str) -> list[pluggy.HookImpl]:
        return list(reversed(getattr(self.manager.hook, name).get_hookimpls()))

    def call(self, name: str, **kwargs: Any) -> Any:
        """Call a firstresult hook: the backend answers, else the core's default."""
        return getattr(self.manager.hook, name)(**kwargs)

    def broadcast(self, name: str, **kwargs: Any) -> None:
        """Tell every observer; one that raises is logged and dropped from this search."""
        impls = self._impls[name]
        if not impls:
            return
        for impl in list(impls):
            try:
                impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception:
                log.exception("observer %s raised in %s; it is dropped from this search", impl.plugin_name, name)
                self.manager.unregister(name=impl.plugin_name)
                self._impls = {n: self._observer_impls(n) for n in BROADCASTS}
