"""The plugin module that registers the built-in backends, as any third-party plugin would."""

from __future__ import annotations

from collections.abc import Callable

from hpcore.backend import Backend
from hpcore.backends.grid import GridBackend
from hpcore.backends.random import RandomBackend
from hpcore.hookspecs import hookimpl


@hookimpl
def hpcore_register_backends(register: Callable[[Backend], None]) -> None:
    register(RandomBackend())
    register(GridBackend())
