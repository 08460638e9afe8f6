"""Shared set-up for the hp-optuna tests: the benchmark space and its objectives as fixtures; Optuna's INFO lines silenced;
a throwaway PostgreSQL server for the session (`postgres_url`).

Tests use fixtures, not imports: pytest runs with --import-mode=importlib.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


def square(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1) ** 2


@pytest.fixture(name="space")
def space_fixture() -> dict:
    """The four-parameter neutral space of the benchmarks."""
    return dict(SPACE)


@pytest.fixture(name="square")
def square_fixture():
    """An objective over `space`: (x - 1) ** 2."""
    return square


@pytest.fixture(name="raw_objective")
def raw_objective_fixture():
    """`space` written as a raw Optuna objective, with the same value as `square`."""
    return raw_objective


@pytest.fixture(autouse=True)
def quiet_optuna() -> Iterator[None]:
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(verbosity)


class Workers:
    """worker.py processes: `start(*argv)` one, `finish(process)` waits for it and returns its JSON report."""

    script = str(Path(__file__).with_name("worker.py"))

    def start(self, *args: object) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, self.script, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def finish(self, process: subprocess.Popen) -> dict:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(name="worker")
def worker_fixture() -> Workers:
    return Workers()


@pytest.fixture(scope="session", name="postgres_url")
def postgres_url_fixture() -> Iterator[str]:
    """The URL of a database on a PostgreSQL server started for this session (postgres.py); skips where none is installed."""
    spec = importlib.util.spec_from_file_location("hp_optuna_tests_postgres", Path(__file__).with_name("postgres.py"))
    postgres = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(postgres)
    if postgres.bin_dir() is None:
        pytest.skip(postgres.INSTALL_HINT)
    with postgres.server() as url:
        yield url
