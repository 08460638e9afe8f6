"""The hp-ray plugin module: registers the `ray` backend. Ray itself is imported only when a search runs."""

from __future__ import annotations

from collections.abc import Callable

from hpcore import Backend, hookimpl

from hp_ray.backend import RayBackend


@hookimpl
def hpcore_register_backends(register: Callable[[Backend], None]) -> None:
    register(RayBackend())
