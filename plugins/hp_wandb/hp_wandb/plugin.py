"""The hpcore plugin module of hp-wandb: registers the ``wandb`` backend. Imports no wandb."""

from __future__ import annotations

from collections.abc import Callable

from hpcore import Backend, hookimpl

from hp_wandb.backend import WandbBackend


@hookimpl
def hpcore_register_backends(register: Callable[[Backend], None]) -> None:
    register(WandbBackend())
