"""Every error hpcore raises. Each refines a built-in and says what to do next."""

from __future__ import annotations


class HpcoreError(Exception):
    """Base class of hpcore's own errors."""


class InvalidDirection(HpcoreError, ValueError):
    """A direction that is neither "minimize" nor "maximize"."""


class InvalidSpace(HpcoreError, ValueError):
    """A search space, or one of its parameters, that cannot be searched."""


class DefineByRunUnsupported(InvalidSpace):
    """`space=None` with a backend that must know the whole space up front."""


class UnknownParameter(InvalidSpace, KeyError):
    """The objective suggested a name the backend did not sample."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class InvalidArgument(HpcoreError, ValueError):
    """An argument of a public entry point that is out of range or of the wrong kind."""


class ObjectiveValueError(HpcoreError, TypeError):
    """The objective returned something that is not a number, numbers, or reducible metrics."""


class ValueCountMismatch(HpcoreError, ValueError):
    """The objective returned a different number of values than there are directions."""


class BackendNotFound(HpcoreError, LookupError):
    """No backend is registered under that name."""


class BackendNotInstalled(BackendNotFound):
    """The backend is registered but the engine it drives is not installed."""


class DuplicateBackend(HpcoreError, ValueError):
    """A plugin registered a backend name that another backend already holds."""


class PluginRefused(HpcoreError, TypeError):
    """A plugin, observer or backend implementing a hook its kind may not implement (docs/hooks.md)."""


class NoCompletedTrials(HpcoreError, ValueError):
    """A best run was asked for, but no trial completed."""


class MultipleObjectives(HpcoreError, RuntimeError):
    """A single best trial was asked of a search with several objectives."""


class JournalMismatch(HpcoreError, ValueError):
    """A journal written by a search with other directions or another space."""


class NotAJournal(JournalMismatch):
    """A file given as a journal that is not an hpcore journal; it is left untouched."""


class JournalLocked(HpcoreError, RuntimeError):
    """A journal another search (in this process or another) has open."""


class JournalCannotKeep(InvalidSpace):
    """A categorical choice a journal cannot write and read back as the same choice."""


class TargetNotFound(HpcoreError, LookupError):
    """A file, module or name given to the `hpcore` command that does not exist."""


class NotAResult(HpcoreError, ValueError):
    """A file given to `hpcore show` that is neither a saved result nor an hpcore journal."""


class ResultCorrupt(NotAResult):
    """A saved result or a journal that breaks hpcore's schema; the message names the file, the trial and the field."""


class JournalCorrupt(ResultCorrupt):
    """A journal line that cannot be read, other than the torn last line a killed writer leaves."""


class PlotUnavailable(HpcoreError, ImportError):
    """A plot or HTML report asked for without the `hpcore[plot]` extra installed."""


class NotOurs(HpcoreError, FileExistsError):
    """A file in the way that hpcore did not write; it is left as it is."""


class NotWritten(HpcoreError, OSError):
    """An output that could not be written (a full disk, a folder gone); the file that was there is left whole."""


class TrialPruned(Exception):
    """Raise inside the objective to prune the running trial (Optuna's convention)."""
