"""Choosing a search's backend and checking that it can run what was asked, before anything runs.

Rules:
- `backend=None` takes the installed backend of the highest `default_priority`; a name takes
  that backend; a `Backend` object is used as it is, once it passes `hpcore.admission`;
- a search asking for more than the backend's capabilities (several objectives, `n_jobs`,
  define-by-run, a native space form) is refused, naming the backends that can;
- an option the backend does not declare is refused, naming the options it takes; one that
  sets another backend's pruner (`Backend.pruning_options`) says which backends prune.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from typing import Any

from hpcore.backend import Backend
from hpcore.errors import DefineByRunUnsupported, InvalidArgument
from hpcore.forms import validate_space
from hpcore.plugins import Registry, check_backend
from hpcore.settings import Settings
from hpcore.space import is_neutral


def choose_backend(backend: str | Backend | None, registry: Registry) -> Backend:
    """The backend a search runs on."""
    if backend is None:
        return registry.default()
    if isinstance(backend, Backend):
        check_backend(backend)
        return backend
    if isinstance(backend, str):
        return registry.get(backend)
    raise InvalidArgument(f"backend must be a backend name or None, got {backend!r}.")


def fit(backend: Backend, settings: Settings, registry: Registry, search_arguments: Iterable[str]) -> Settings:
    """`settings` for `backend`: its name set and its space checked; InvalidArgument for what it cannot do."""
    _check_options(backend, settings.options, registry, search_arguments)
    caps = backend.capabilities
    if settings.is_multi_objective and not caps.multi_objective:
        raise InvalidArgument(
            f"backend {backend.name!r} cannot search {settings.n_objectives} objectives: use one direction, "
            f"or a backend with multi-objective support ({_able(registry, 'multi_objective')})."
        )
    if settings.n_jobs > 1 and not caps.parallel:
        raise InvalidArgument(f"backend {backend.name!r} runs one trial at a time: use n_jobs=1.")
    space = settings.space
    if space is None:
        if not caps.define_by_run:
            raise DefineByRunUnsupported(
                f"backend {backend.name!r} must know the whole space up front: pass space=, "
                f"or use a backend that samples define-by-run ({_able(registry, 'define_by_run')})."
            )
    elif is_neutral(space) or backend.native_form(space) is None:
        space = validate_space(space, backend)
    return dataclasses.replace(settings, backend=backend.name, space=space)


def _check_options(backend: Backend, options: Any, registry: Registry, search_arguments: Iterable[str]) -> None:
    """Refuse an option the backend does not declare, naming what it takes."""
    unknown = sorted(set(options) - backend.options)
    if not unknown:
        return
    name = unknown[0]
    if not backend.capabilities.pruning and any(name in b.pruning_options for b in registry.backends.values()):
        raise InvalidArgument(
            f"backend {backend.name!r} cannot prune trials, so it takes no {name}=: drop it, "
            f"or use a backend that prunes ({_able(registry, 'pruning')})."
        )
    close = difflib.get_close_matches(name, [*backend.options, *search_arguments], n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    takes = ", ".join(sorted(backend.options)) or "none"
    raise InvalidArgument(f"backend {backend.name!r} has no option {name!r}; the options it takes: {takes}.{hint}")


def _able(registry: Registry, capability: str) -> str:
    return ", ".join(name for name, b in sorted(registry.backends.items()) if getattr(b.capabilities, capability))
