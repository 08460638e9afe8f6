"""Which form a search space is in, and the error that says where a space belongs.

Rules (docs/spaces.md):
- the core knows one form of its own: neutral, a non-empty dict of hpcore params;
- every other form is a backend's (`Backend.native_forms`): a space is in form F when an
  installed backend that declares F recognises it, so the core names no engine; a callable no
  backend claims is still a "function";
- a space the chosen backend cannot read is refused with InvalidSpace saying what it is, which
  installed backend reads it, and which forms the chosen backend reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hpcore.backend import Backend, NativeForm
from hpcore.errors import InvalidSpace
from hpcore.plugins import get_registry
from hpcore.space import NeutralSpace, Param, is_neutral

NEUTRAL = "a neutral space (hpcore.Float, Int, Categorical)"


def space_form(space: Any) -> str:
    """The name of the form `space` is in: neutral, empty, a backend's native form, function or unknown."""
    if is_neutral(space):
        return "neutral"
    if isinstance(space, Mapping) and not space:
        return "empty"
    for _, form in _recognisers(space):
        return form.name
    return "function" if callable(space) else "unknown"


def validate_space(space: Any, backend: str | Backend) -> NeutralSpace:
    """`space` as a checked neutral space, or InvalidSpace saying what it is and what `backend` reads."""
    if is_neutral(space):
        return NeutralSpace(space)
    name = backend if isinstance(backend, str) else backend.name
    if isinstance(space, Mapping) and not space:
        raise InvalidSpace("space is empty: give at least one parameter, or space=None to suggest in the objective.")
    found = [f"{form.description}: use a neutral space, or backend={other.name!r}" for other, form in _recognisers(space)]
    if found:
        raise InvalidSpace(f"backend {name!r} cannot read this space; it is {'; or '.join(found)}. {_reads(backend)}")
    if isinstance(space, Mapping):
        bad = next(key for key, p in space.items() if not isinstance(p, Param))
        raise InvalidSpace(
            f"space parameter {bad!r} is {space[bad]!r}: use hpcore.Float, hpcore.Int or hpcore.Categorical."
        )
    raise InvalidSpace(f"space must be a dict of hpcore params or None, got {type(space).__name__}. {_reads(backend)}")


def _recognisers(space: Any) -> Iterator[tuple[Backend, NativeForm]]:
    """Each installed backend that recognises `space`, with the form it sees, by backend name."""
    for _, backend in sorted(get_registry().backends.items()):
        form = backend.native_form(space)
        if form is not None:
            yield backend, form


def _reads(backend: str | Backend) -> str:
    chosen = get_registry().backends.get(backend) if isinstance(backend, str) else backend
    name = backend if isinstance(backend, str) else backend.name
    forms = [] if chosen is None else [f.description for f in _declared(chosen)]
    return f"{name!r} reads: {'; '.join([NEUTRAL, *forms])}."


def _declared(backend: Backend) -> list[NativeForm]:
    declared = {form.name: form for form in backend.native_forms}
    return [declared[n] for n in backend.capabilities.native_spaces if n in declared]
