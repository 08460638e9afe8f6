"""hp-optuna: the Optuna backend for hpcore (``hpcore.search(..., backend="optuna")``).

Importing this package does not import Optuna; the backend imports it when a search starts.
"""

from __future__ import annotations

from hp_optuna.backend import OptunaBackend
from hp_optuna.errors import StorageUnavailable, StudyExists, StudyMismatch, StudyNotFound
from hp_optuna.handle import OptunaHandle

__all__ = ["OptunaBackend", "OptunaHandle", "StorageUnavailable", "StudyExists", "StudyMismatch", "StudyNotFound"]
