"""hpcore: one hyperparameter search API over pluggable backends.

Public names are re-exported lazily, so ``import hpcore`` stays light.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing would double the cost of `import hpcore`

__version__ = "0.2.0"  # hpcore's distribution and every plugin's (tests/test_release.py)

_EXPORTS = {  # every public name, from the one module that defines it
    "search": "hpcore.driver",
    "Float": "hpcore.space",
    "Int": "hpcore.space",
    "Categorical": "hpcore.space",
    "Param": "hpcore.space",
    "Trial": "hpcore.trial",
    "EXHAUSTED": "hpcore.trial",
    "Exhausted": "hpcore.trial",
    "execute_trial": "hpcore.execute",
    "run_loop": "hpcore.loop",
    "INTERRUPTED": "hpcore.execute",
    "FrozenTrial": "hpcore.records",
    "TrialState": "hpcore.records",
    "BestRun": "hpcore.records",
    "Study": "hpcore.study",
    "Settings": "hpcore.settings",
    "Ledger": "hpcore.ledger",
    "Budget": "hpcore.budget",
    "TrialRunner": "hpcore.runner",
    "SearchResult": "hpcore.result",
    "Journal": "hpcore.journal",
    "Direction": "hpcore.objective",
    "default_compute_objective": "hpcore.objective",
    "Backend": "hpcore.backend",
    "Capabilities": "hpcore.backend",
    "AskTellBackend": "hpcore.asktell",
    "Portfolio": "hpcore.portfolio",
    "Problem": "hpcore.asktell",
    "NativeForm": "hpcore.backend",
    "is_neutral": "hpcore.space",
    "space_form": "hpcore.forms",
    "same_choice": "hpcore.space",
    "values_of": "hpcore.space",
    "losses": "hpcore.objective",
    "check_count": "hpcore.checks",
    "check_seconds": "hpcore.checks",
    "check_seed": "hpcore.checks",
    "check_exception_classes": "hpcore.checks",
    "is_count": "hpcore.checks",
    "is_number": "hpcore.checks",
    "called_with_none": "hpcore.space",
    "all_finite": "hpcore.objective",
    "ComputeObjective": "hpcore.objective",
    "read_journal": "hpcore.journal",
    "hookimpl": "hpcore.hookspecs",
    "list_backends": "hpcore.plugins",
    "register_backend": "hpcore.plugins",
    "plugin_errors": "hpcore.plugins",
    "HpcoreError": "hpcore.errors",
    "InvalidDirection": "hpcore.errors",
    "InvalidSpace": "hpcore.errors",
    "DefineByRunUnsupported": "hpcore.errors",
    "UnknownParameter": "hpcore.errors",
    "InvalidArgument": "hpcore.errors",
    "ObjectiveValueError": "hpcore.errors",
    "ValueCountMismatch": "hpcore.errors",
    "BackendNotFound": "hpcore.errors",
    "BackendNotInstalled": "hpcore.errors",
    "DuplicateBackend": "hpcore.errors",
    "PluginRefused": "hpcore.errors",
    "NoCompletedTrials": "hpcore.errors",
    "MultipleObjectives": "hpcore.errors",
    "JournalMismatch": "hpcore.errors",
    "TrialPruned": "hpcore.errors",
    "JournalCannotKeep": "hpcore.errors",
    "JournalLocked": "hpcore.errors",
    "JournalCorrupt": "hpcore.errors",
    "NotAJournal": "hpcore.errors",
    "ResultCorrupt": "hpcore.errors",
    "NotWritten": "hpcore.errors",
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
    from hpcore.asktell import AskTellBackend, Problem
    from hpcore.backend import Backend, Capabilities, NativeForm
    from hpcore.budget import Budget
    from hpcore.checks import check_count, check_exception_classes, check_seconds, check_seed, is_count, is_number
    from hpcore.driver import search
    from hpcore.errors import (
        BackendNotFound,
        BackendNotInstalled,
        DefineByRunUnsupported,
        DuplicateBackend,
        HpcoreError,
        InvalidArgument,
        InvalidDirection,
        InvalidSpace,
        JournalCannotKeep,
        JournalCorrupt,
        JournalLocked,
        JournalMismatch,
        MultipleObjectives,
        NoCompletedTrials,
        NotAJournal,
        NotWritten,
        ObjectiveValueError,
        PluginRefused,
        ResultCorrupt,
        TrialPruned,
        UnknownParameter,
        ValueCountMismatch,
    )
    from hpcore.execute import INTERRUPTED, execute_trial
    from hpcore.forms import space_form
    from hpcore.hookspecs import hookimpl
    from hpcore.journal import Journal, read_journal
    from hpcore.ledger import Ledger
    from hpcore.loop import run_loop
    from hpcore.objective import ComputeObjective, Direction, all_finite, default_compute_objective, losses
    from hpcore.plugins import list_backends, plugin_errors, register_backend
    from hpcore.portfolio import Portfolio
    from hpcore.records import BestRun, FrozenTrial, TrialState
    from hpcore.result import SearchResult
    from hpcore.runner import TrialRunner
    from hpcore.settings import Settings
    from hpcore.space import Categorical, Float, Int, Param, called_with_none, is_neutral, same_choice, values_of
    from hpcore.study import Study
    from hpcore.trial import EXHAUSTED, Exhausted, Trial
