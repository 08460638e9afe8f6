"""Sending a search's objective and data to Ray workers, once, through the object store.

Rules:
- modules that no installed distribution provides (the user's script, a test module, the
  helper modules next to them) are pickled by value, so workers on other nodes need no copy;
- the classes those modules define travel with them (`Payload.classes`) and are put under
  their module's name in the worker (`worker.install_classes`), so what pickles by reference
  there (transformers saving a `TrainingArguments` subclass in a checkpoint) finds the very
  class the trial runs with;
- the payload is put in Ray's object store once (`tune.with_parameters`), never once per trial;
- what cannot be serialised is named in a `NotShippable` error, not a Ray stack trace.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import itertools
import logging
import os
import sys
import sysconfig
from collections.abc import Callable, Iterator
from typing import Any

from hp_ray.errors import NotShippable
from hp_ray.worker import Payload

log = logging.getLogger("hp_ray")


def trainable(payload: Payload) -> Callable[..., Any]:
    """The Tune trainable for `payload`, its payload already in the object store."""
    from ray import cloudpickle
    from ray import tune

    from hp_ray import worker

    modules = user_modules(payload.objective, payload.compute_objective)
    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    log.debug("sent to Ray workers by value: %s", [m.__name__ for m in modules])
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    script = [main] if main is not None and main_file and not _installed("__main__", main_file) else []
    payload.classes = {m.__name__: _classes(m) for m in [*modules, *script]}
    try:
        return tune.with_parameters(worker.run, payload=payload)
    except Exception as exc:
        raise NotShippable(describe(payload, exc)) from None


def _classes(module: Any) -> dict[str, type]:
    """The classes `module` defines at its top level that pickle (by value, as they travel)."""
    from ray import cloudpickle

    found = {}
    for name, obj in list(vars(module).items()):
        if isinstance(obj, type) and obj.__module__ == module.__name__ and obj.__qualname__ == name:
            try:
                cloudpickle.dumps(obj)
            except Exception:  # a class that cannot travel; what uses it is named by `describe`
                continue
            found[name] = obj
    return found


def user_modules(*functions: Any) -> list[Any]:
    """The loaded modules of the user's code: where `functions` and what they hold live, and their siblings; none installed.

    What a function holds is looked into a few levels deep: its closure, defaults and the
    globals it names, an object's attributes, the items of lists, tuples and dicts, so the
    user's code an integration wraps (transformers' `model_init` inside a trainer's parts), and
    the modules that code imports from beside it, are found too.
    """
    roots = set()
    for name in _modules_held(functions):
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if module is not None and name != "__main__" and path and not _installed(name, path):
            roots.add(os.path.dirname(os.path.abspath(path)))
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main:
        roots.add(os.path.dirname(os.path.abspath(main)))
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name == "__main__" or not path or _installed(name, path):
            continue
        if any(os.path.abspath(path).startswith(root + os.sep) for root in roots):
            found.append(module)
    return found


def _modules_held(objects: tuple[Any, ...], depth: int = 6) -> set[str]:
    """The modules defining `objects`, and what they hold down to `depth` levels."""
    names: set[str] = set()
    seen: set[int] = set()
    level = list(objects)
    for _ in range(depth):
        following: list[Any] = []
        for obj in level:
            if obj is None or id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.ismodule(obj):
                names.add(obj.__name__)
                continue
            kind = obj if isinstance(obj, type) else type(obj)
            module = getattr(obj, "__module__", None) if inspect.isfunction(obj) else kind.__module__
            if module is not None:
                names.add(module)
            following.extend(_held(obj))
        level = following
    return names


_SAMPLE = 16  # items of a container looked into: its kinds of items show in the first few


def _held(obj: Any) -> list[Any]:
    if inspect.ismethod(obj):
        return [obj.__func__, obj.__self__]
    if inspect.isfunction(obj):
        cells = []
        for cell in obj.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # a cell not yet assigned
                pass
        named = [obj.__globals__[n] for n in _names(obj.__code__) if n in obj.__globals__]
        return [*cells, *(obj.__defaults__ or ()), *named]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(itertools.islice(obj, _SAMPLE))
    if isinstance(obj, dict):
        return list(itertools.islice(obj.values(), _SAMPLE))
    if isinstance(obj, type) or type(obj).__module__ == "builtins":
        return []
    return list(getattr(obj, "__dict__", {}).values())


def _names(code: Any) -> set[str]:
    """The global names `code` and the functions defined in it use."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _names(const)
    return names


def _installed(name: str, path: str) -> bool:
    top = name.partition(".")[0]
    if top in ("hpcore", "hp_ray") or top in sys.stdlib_module_names or top in _distribution_packages():
        return True
    return os.path.abspath(path).startswith(_library_dirs())


@functools.cache
def _distribution_packages() -> frozenset[str]:
    return frozenset(importlib.metadata.packages_distributions())


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    """Where installed code lives, each with a trailing separator (for `str.startswith`)."""
    paths = sysconfig.get_paths()
    return tuple({paths[k] + os.sep for k in ("purelib", "platlib", "stdlib")})


def describe(payload: Payload, exc: BaseException) -> str:
    """Name the first part of `payload` that cannot be serialised, and say what to do."""
    for what, obj in _parts(payload):
        error = _pickle_error(obj)
        if error is not None:
            return (
                f"hp-ray cannot send the search to Ray workers: {what} ({type(obj).__name__}) cannot be "
                f"serialised: {error}. Create it inside the objective, or replace it with something that pickles."
            )
    return f"hp-ray cannot send the search to Ray workers: {type(exc).__name__}: {exc}"


def _parts(payload: Payload) -> Iterator[tuple[str, Any]]:
    for label, fn in (("the objective", payload.objective), ("compute_objective", payload.compute_objective)):
        if fn is None:
            continue
        if inspect.isfunction(fn) or inspect.ismethod(fn):
            target = fn.__func__ if inspect.ismethod(fn) else fn
            if inspect.ismethod(fn):
                yield f"{label}'s object {fn.__self__!r}", fn.__self__
            try:
                refs = inspect.getclosurevars(target)
            except (TypeError, ValueError):
                refs = None
            if refs is not None:
                for name, value in {**refs.nonlocals, **refs.globals}.items():
                    if not inspect.ismodule(value):
                        yield f"{label}'s variable {name!r}", value
            for i, value in enumerate(target.__defaults__ or ()):
                yield f"{label}'s default argument {i}", value
        yield label, fn
    yield "the search space", payload.space
    yield "catch=", payload.catch


def _pickle_error(obj: Any) -> str | None:
    from ray import cloudpickle

    try:
        cloudpickle.dumps(obj)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
