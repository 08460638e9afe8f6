"""The private Tune files hp-ray reads are still where it reads them, in the tested range."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import ray
from packaging.specifiers import SpecifierSet

import hpcore
from hp_ray import tune_internals

ENGINE = f"Ray {ray.__version__}"


def test_the_requirement_is_the_tested_range_and_holds_the_installed_ray():
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert f"ray[tune,client]{tune_internals.TESTED}" in project["project"]["dependencies"]
    assert ray.__version__ in SpecifierSet(tune_internals.TESTED), f"{ENGINE} is outside the tested range"


def test_the_error_of_a_trial_ray_gives_up_on_is_read_from_tunes_files(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 0:
            os._exit(1)  # the worker dies: Tune gives up on the trial and writes its error files
        return 0.0

    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage)
    error = result.trials[0].error or ""
    assert not error.startswith("the trial failed in Ray"), f"{ENGINE}: Tune's error files were not found ({error})"
    assert "Error" in error, error
