"""Plugin discovery and the backend registry.

- Plugins are modules named by entry points in the ``hpcore`` group, scanned when a
  backend is first needed, never at ``import hpcore``.
- ``HPCORE_LOAD_PLUGINS`` (comma list of entry-point or distribution names; empty for
  none) limits autoloading; the built-in backends are always there.
- A plugin that fails to load, registers a name already taken, or implements a hook its
  kind may not (`hpcore.admission`), is kept in ``load_errors`` with its error; every other
  backend keeps working.
- Loading a plugin must not import its engine: versions come from package metadata.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from hpcore import hookspecs
from hpcore.admission import refusal
from hpcore.backend import Backend
from hpcore.errors import BackendNotFound, BackendNotInstalled, DuplicateBackend, PluginRefused

log = logging.getLogger("hpcore")

ENTRY_POINT_GROUP = "hpcore"
LOAD_PLUGINS_ENV = "HPCORE_LOAD_PLUGINS"


@dataclass(frozen=True)
class PluginError:
    """A plugin that failed to load or register."""

    plugin: str
    distribution: str | None
    error: str


@dataclass(frozen=True)
class BackendInfo:
    """What `hpcore backends` shows of one backend."""

    name: str
    distribution: str
    version: str | None
    engine: str | None
    engine_version: str | None
    engine_installed: bool
    capabilities: list[str]


class Registry:
    """Every registered backend by name, the plugin manager that found them, and load errors."""

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.backends: dict[str, Backend] = {}
        self.distributions: dict[str, str] = {}
        self.load_errors: list[PluginError] = []

    def register(self, backend: Backend, distribution: str = "hpcore") -> None:
        """Add a backend; raise DuplicateBackend when its name is taken, PluginRefused for a hook it may not implement."""
        if not isinstance(getattr(backend, "name", None), str) or not backend.name:
            raise ValueError(f"{backend!r} has no name: set a non-empty `name` on the backend.")
        check_backend(backend)
        if backend.name in self.backends:
            held_by = self.distributions[backend.name]
            raise DuplicateBackend(
                f"backend name {backend.name!r} is already held by {held_by}: "
                "rename the new backend, or uninstall one of the two plugins."
            )
        self.backends[backend.name] = backend
        self.distributions[backend.name] = distribution

    def load(self) -> None:
        """Load the built-ins and the allowed entry-point plugins, then collect their backends."""
        from hpcore.backends import builtin

        self.manager.register(builtin, name="hpcore.backends.builtin")
        distributions = {"hpcore.backends.builtin": "hpcore"}
        for entry_point in _allowed_entry_points():
            dist = entry_point.dist.name if entry_point.dist else None
            try:
                module = entry_point.load()
                why = refusal(module, "plugin module", repr(entry_point.name))
                if why is not None:
                    raise PluginRefused(why)
                self.manager.register(module, name=entry_point.name)
                self._check_pending(entry_point.name)
            except Exception as exc:  # a broken plugin must not break the others
                log.warning("hpcore plugin %r failed to load: %r", entry_point.name, exc)
                self.load_errors.append(PluginError(entry_point.name, dist, repr(exc)))
                continue
            distributions[entry_point.name] = dist or entry_point.name
        for impl in self.manager.hook.hpcore_register_backends.get_hookimpls():
            self._register_from(impl.plugin_name, impl.function, distributions.get(impl.plugin_name, "?"))

    def _check_pending(self, name: str) -> None:
        """Refuse a plugin that implements a hook no spec declares (a misspelt name)."""
        try:
            self.manager.check_pending()
        except pluggy.PluginValidationError:
            self.manager.unregister(name=name)
            raise

    def _register_from(self, plugin: str, function: Any, distribution: str) -> None:
        try:
            function(register=lambda backend: self.register(backend, distribution))
        except Exception as exc:
            log.warning("hpcore plugin %r failed to register its backends: %r", plugin, exc)
            self.load_errors.append(PluginError(plugin, distribution, repr(exc)))

    def plugin_modules(self) -> list[ModuleType]:
        """The loaded plugin modules that implement a hook besides registration (observers, selection plugins)."""
        return [
            plugin
            for plugin in self.manager.get_plugins()
            if isinstance(plugin, ModuleType)
            and any(caller.name != "hpcore_register_backends" for caller in self.manager.get_hookcallers(plugin) or ())
        ]

    def get(self, name: str) -> Backend:
        """The backend registered as `name`, with its engine installed."""
        backend = self.backends.get(name)
        if backend is None:
            hint = f' Install it with: pip install "hpcore[{name}]".' if name in _hpcore_extras() else ""
            raise BackendNotFound(
                f"no backend named {name!r}; installed backends: {', '.join(sorted(self.backends))}.{hint}"
            )
        if not backend.engine_installed():
            raise BackendNotInstalled(
                f"backend {name!r} needs {backend.engine}, which is not installed: {backend.install_hint()}"
            )
        return backend

    def default(self) -> Backend:
        """The installed backend of the highest `default_priority` (ties by name); the built-in random has 0."""
        ranked = [
            (-backend.default_priority, name)
            for name, backend in self.backends.items()
            if backend.default_priority is not None and backend.engine_installed()
        ]
        return self.backends[min(ranked)[1]]

    def info(self) -> list[BackendInfo]:
        rows = []
        for name, backend in sorted(self.backends.items()):
            dist = self.distributions[name]
            rows.append(
                BackendInfo(
                    name=name,
                    distribution=dist,
                    version=_dist_version(dist),
                    engine=backend.engine,
                    engine_version=backend.engine_version(),
                    engine_installed=backend.engine_installed(),
                    capabilities=backend.capabilities.flags(),
                )
            )
        return rows


def check_backend(backend: Backend) -> None:
    """Raise PluginRefused when `backend` implements a hook a backend may not (`hpcore.admission`)."""
    why = refusal(backend, "backend", repr(backend.name))
    if why is not None:
        raise PluginRefused(why)


def _hpcore_extras() -> list[str]:
    """The extras of the installed hpcore distribution that bring a backend: `hpcore[ray]` brings hp-ray."""
    try:
        requirements = metadata.requires("hpcore") or []
    except metadata.PackageNotFoundError:
        return []
    return [
        extra
        for extra in metadata.metadata("hpcore").get_all("Provides-Extra") or []
        if any(r.startswith(f"hp-{extra}") and f'extra == "{extra}"' in r.replace("'", '"') for r in requirements)
    ]


def _dist_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _allowed_entry_points() -> list[metadata.EntryPoint]:
    entry_points = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    allowed = os.environ.get(LOAD_PLUGINS_ENV)
    if allowed is None:
        return entry_points
    names = {n.strip() for n in allowed.split(",") if n.strip()}
    return [ep for ep in entry_points if ep.name in names or (ep.dist is not None and ep.dist.name in names)]


_registry: Registry | None = None
_registry_lock = threading.Lock()


def get_registry() -> Registry:
    """The process-wide registry, loaded on first use."""
    global _registry
    with _registry_lock:
        if _registry is None:
            registry = Registry()
            registry.load()
            _registry = registry
        return _registry


def reset_registry() -> None:
    """Forget the registry, so the next use scans the entry points again (tests, new installs)."""
    global _registry
    with _registry_lock:
        _registry = None


def register_backend(backend: Backend) -> None:
    """Register a backend in this process, as a plugin's `register` would."""
    get_registry().register(backend, distribution="(registered in process)")


def list_backends() -> list[BackendInfo]:
    """Every registered backend: distribution, version, engine, whether it is installed, capabilities."""
    return get_registry().info()


def plugin_errors() -> list[PluginError]:
    """Every plugin that failed to load or register, with its error."""
    return list(get_registry().load_errors)
