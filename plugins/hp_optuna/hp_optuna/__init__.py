"""hp-optuna: the Optuna backend for hpcore (``hpcore.search(..., backend="optuna")``).

Importing this package does not import Optuna; the backend imports it when a search starts.
`distribution`, `space_distributions`, `suggest`, `replay` and `in_space` are the one copy of
the neutral-to-Optuna translation and of replaying trials into a study, for any backend that
drives Optuna.
"""

from __future__ import annotations

from hp_optuna.backend import OptunaBackend
from hp_optuna.distributions import distribution, space_distributions, suggest
from hp_optuna.errors import StorageUnavailable, StudyExists, StudyMismatch, StudyNotFound
from hp_optuna.trial import OptunaTrial
from hp_optuna.replay import in_space, replay

__all__ = [
    "OptunaBackend",
    "OptunaTrial",
    "StorageUnavailable",
    "StudyExists",
    "StudyMismatch",
    "StudyNotFound",
    "distribution",
    "in_space",
    "replay",
    "space_distributions",
    "suggest",
]
