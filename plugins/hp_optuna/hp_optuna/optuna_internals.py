"""The one private Optuna API hp-optuna uses, behind one function, checked against the tested versions.

Rule: ``sampler(trial)`` is the trial's ``optuna.Trial._suggest``, the step every public
``suggest_*`` ends in (present in the tested range, `TESTED`): called with a name and a
distribution built once per search, it gives what that ``suggest_*`` would give. Where that step is missing, a search fails at once naming the installed
Optuna and the tested range, instead of sampling wrongly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hpcore import HpcoreError

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

TESTED = ">=5.0,<5.1"  # keep equal to the optuna requirement in pyproject.toml


class UnsupportedOptuna(HpcoreError, RuntimeError):
    """The installed Optuna lacks the private step hp-optuna samples through."""


def sampler(optuna_trial: optuna.Trial) -> Callable[[str, BaseDistribution], Any]:
    """`optuna_trial`'s sampling step: `(name, distribution)` → the value its ``suggest_*`` would give."""
    return optuna_trial._suggest


@functools.cache
def check() -> None:
    """Raise UnsupportedOptuna when the installed Optuna has no ``Trial._suggest``."""
    import optuna

    if not callable(getattr(optuna.Trial, "_suggest", None)):
        raise UnsupportedOptuna(
            f"hp-optuna samples through optuna.Trial._suggest, which Optuna {optuna.__version__} does not have: "
            f'install a tested Optuna (pip install "optuna{TESTED}").'
        )
