"""hpcore: one hyperparameter search API over pluggable backends.

Public names are re-exported lazily, so ``import hpcore`` stays light.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing would double the cost of `import hpcore`

__version__ = "0.1.0"

_EXPORTS = {
    "search": "hpcore.driver",
    "Float": "hpcore.space",
    "Int": "hpcore.space",
    "Categorical": "hpcore.space",
    "FrozenTrial": "hpcore.records",
    "TrialState": "hpcore.records",
    "Study": "hpcore.study",
    "SearchResult": "hpcore.study",
    "BestRun": "hpcore.records",
    "Trial": "hpcore.trial",
    "Backend": "hpcore.backend",
    "Capabilities": "hpcore.backend",
    "hookimpl": "hpcore.hookspecs",
    "list_backends": "hpcore.plugins",
    "register_backend": "hpcore.plugins",
    "plugin_errors": "hpcore.plugins",
    "default_compute_objective": "hpcore.objective",
    "HpcoreError": "hpcore.errors",
    "InvalidDirection": "hpcore.errors",
    "InvalidSpace": "hpcore.errors",
    "InvalidArgument": "hpcore.errors",
    "ObjectiveValueError": "hpcore.errors",
    "ValueCountMismatch": "hpcore.errors",
    "BackendNotFound": "hpcore.errors",
    "BackendNotInstalled": "hpcore.errors",
    "DuplicateBackend": "hpcore.errors",
    "NoCompletedTrials": "hpcore.errors",
    "MultipleObjectives": "hpcore.errors",
    "JournalMismatch": "hpcore.errors",
    "TrialPruned": "hpcore.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hpcore' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from hpcore.backend import Backend, Capabilities
    from hpcore.errors import (
        BackendNotFound,
        BackendNotInstalled,
        DuplicateBackend,
        HpcoreError,
        InvalidArgument,
        InvalidDirection,
        InvalidSpace,
        JournalMismatch,
        MultipleObjectives,
        NoCompletedTrials,
        ObjectiveValueError,
        TrialPruned,
        ValueCountMismatch,
    )
    from hpcore.hookspecs import hookimpl
    from hpcore.objective import default_compute_objective
    from hpcore.plugins import list_backends, plugin_errors, register_backend
    from hpcore.driver import search
    from hpcore.space import Categorical, Float, Int
    from hpcore.records import BestRun, FrozenTrial, TrialState
    from hpcore.study import SearchResult, Study
    from hpcore.trial import Trial
