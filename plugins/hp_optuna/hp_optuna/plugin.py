"""The hpcore plugin module of hp-optuna: registers the ``optuna`` backend. Imports no Optuna."""

from __future__ import annotations

from collections.abc import Callable

from hpcore import Backend, hookimpl

from hp_optuna.backend import OptunaBackend


@hookimpl
def hpcore_register_backends(register: Callable[[Backend], None]) -> None:
    register(OptunaBackend())
