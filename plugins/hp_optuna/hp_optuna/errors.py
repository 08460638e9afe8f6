"""The errors the Optuna backend adds; each refines an hpcore error and says what to do next."""

from __future__ import annotations

from hpcore import InvalidArgument


class StorageUnavailable(InvalidArgument):
    """A ``storage=`` URL that Optuna cannot open."""


class StudyMismatch(InvalidArgument):
    """A stored or given study whose directions, or a parameter's distribution, differ from the search's."""


class StudyExists(InvalidArgument):
    """``load_if_exists=False`` and the storage already holds a study of that name."""


class StudyNotFound(InvalidArgument):
    """A study name that the storage read by ``hpcore show --study`` does not hold."""
