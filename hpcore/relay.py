"""The relay of one search: a plugin manager holding exactly the chosen backend, the core's
defaults (``trylast``), the core's loop unless the backend drives, the plugin modules that
observe, and the search's observers.

So a ``firstresult`` hook is answered by the chosen backend (or the core), never by
whichever plugin loaded last.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from hpcore import defaults, hookspecs, loop
from hpcore.admission import implemented_hooks
from hpcore.backend import Backend


class RelayManager(pluggy.PluginManager):
    """A plugin manager that looks only at names of hpcore's hooks, so building one per search is cheap."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if not name.startswith("hpcore_"):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def build_relay(backend: Backend, observers: Iterable[object] = ()) -> pluggy.PluginManager:
    """The plugin manager of one search; call its hooks as `manager.hook.hpcore_ask(study=...)`."""
    manager = RelayManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(defaults, name="hpcore.defaults")
    if "hpcore_optimize" not in implemented_hooks(backend):  # a backend that drives runs its own loop, whatever it returns
        manager.register(loop, name="hpcore.loop")
    for observer in observers:
        label = getattr(observer, "__name__", type(observer).__name__)
        manager.register(observer, name=f"observer:{label}:{id(observer)}")
    manager.register(backend, name=f"backend:{backend.name}")
    manager.check_pending()
    return manager
