"""Shared set-up for the hp-optuna tests: Optuna's per-trial INFO lines are silenced."""

from __future__ import annotations

from collections.abc import Iterator

import optuna
import pytest

import hpcore

SPACE = {
    "x": hpcore.Float(-5, 5),
    "lr": hpcore.Float(1e-5, 1e-1, log=True),
    "n": hpcore.Int(1, 8),
    "act": hpcore.Categorical(["relu", "tanh", "gelu"]),
}


def raw_objective(trial: optuna.Trial) -> float:
    """The SPACE above, written as a raw Optuna user writes it."""
    x = trial.suggest_float("x", -5, 5)
    trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_int("n", 1, 8)
    trial.suggest_categorical("act", ("relu", "tanh", "gelu"))
    return (x - 1) ** 2


def square(trial: hpcore.TrialHandle) -> float:
    return (trial.params["x"] - 1) ** 2


@pytest.fixture(autouse=True)
def quiet_optuna() -> Iterator[None]:
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(verbosity)
