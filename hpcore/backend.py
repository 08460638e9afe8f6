"""What a backend is: a name, its capabilities, the engine it drives, and hook methods.

Subclass `Backend`, decorate its hook methods with `hpcore.hookimpl`, and register an
instance from your plugin's `hpcore_register_backends`. Per-search state belongs in
`study.backend_state`, never on the backend object, which every search shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpcore.result import SearchResult

_FOUND_VERSIONS: dict[str, str] = {}  # engine distribution -> installed version


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do; the core refuses a search that asks for more."""

    multi_objective: bool = False
    pruning: bool = False
    define_by_run: bool = False
    finite: bool = False
    seedable: bool = False
    parallel: bool = False
    distributed: bool = False
    resumable: bool = False
    out_of_process: bool = False  # trials run in other processes (workers): the objective travels there
    learns: bool = False  # it proposes from the trials it is told (its own, a resumed search's, a warm start's)
    native_spaces: tuple[str, ...] = ()

    def flags(self) -> list[str]:
        """The names of the capabilities that are on, native space forms as `native:<form>`."""
        on = [f.name for f in fields(self) if f.name != "native_spaces" and getattr(self, f.name)]
        return on + [f"native:{form}" for form in self.native_spaces]


@dataclass(frozen=True)
class NativeForm:
    """A space form a backend reads besides neutral spaces, named in its `capabilities.native_spaces`.

    `recognise(space)` says whether a space is in this form without importing the engine (it
    is asked of every installed backend to tell a user where a space belongs); `description`
    is what users call the form, as error messages name it.
    """

    name: str
    description: str
    recognise: Callable[[Any], bool]


FUNCTION_FORM = NativeForm("function", "a function of the trial", callable)
"""The "function" form of a backend that declares no description of its own."""


class Backend:
    """Base class of backends. `engine` names the distribution of the engine it drives, if any.

    - `native_forms` recognise and describe the forms named in `capabilities.native_spaces`;
    - `pruning_options` are the options that set its pruner or scheduler, so a search asking
      another backend for one is told which backends prune;
    - `default_priority` ranks it for `backend=None` (the highest installed wins; None: never
      the default);
    - `fixed_native_trial` is the engine's own trial answering given values again, for code
      that received the engine's trial in the search (None: such code gets the values).
    """

    name: str = ""
    capabilities: Capabilities = Capabilities()
    options: frozenset[str] = frozenset()  # the keyword options it takes; the core refuses others
    pruning_options: frozenset[str] = frozenset()
    native_forms: tuple[NativeForm, ...] = ()
    default_priority: int | None = None
    engine: str | None = None
    extra: str | None = None  # the hpcore extra that installs this backend, e.g. "optuna"

    def native_form(self, space: Any) -> NativeForm | None:
        """The form of `capabilities.native_spaces` that `space` is in, or None."""
        declared = {form.name: form for form in self.native_forms}
        for name in self.capabilities.native_spaces:
            form = declared.get(name, FUNCTION_FORM if name == "function" else None)
            if form is not None and form.recognise(space):
                return form
        return None

    def fixed_native_trial(self, values: Mapping[str, Any], number: int) -> Any:
        """The engine's trial that answers `values` again (trial number `number`); None by default."""
        return None

    def engine_version(self) -> str | None:
        """The engine's installed version from package metadata (no import); None when absent.

        A version once found is kept for the process: every search asks, and reading metadata costs.
        """
        if self.engine is None:
            return None
        if self.engine not in _FOUND_VERSIONS:
            try:
                _FOUND_VERSIONS[self.engine] = metadata.version(self.engine)
            except metadata.PackageNotFoundError:
                return None
        return _FOUND_VERSIONS[self.engine]

    def engine_installed(self) -> bool:
        return self.engine is None or self.engine_version() is not None

    def install_hint(self) -> str:
        if self.extra:
            return f'pip install "hpcore[{self.extra}]"'
        return f"pip install {self.engine}" if self.engine else ""

    def load_stored(self, storage: str, study_name: str) -> SearchResult | None:
        """The finished trials of study `study_name` in the engine's `storage`, for `hpcore show --study`.

        None when this backend keeps no studies in such a storage (the default); an error saying
        what to give when it does but cannot read that study. It reads only: it changes nothing.
        """
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
