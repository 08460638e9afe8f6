"""What cannot run is refused at once, tried as a new user would (issue #21, item 4): one error
naming the fix before any trial trains, or one warning for a sampled name nothing uses."""

import logging
import os
import subprocess
import sys

import pytest
from regression import make_trainer, model_init

import hpcore
from hpcore.integrations.transformers import hyperparameter_search


def wandb_hp_space(trial):  # the transformers guide's W&B space: a function called with None
    return {
        "method": "random",
        "metric": {"name": "objective", "goal": "minimize"},
        "parameters": {"learning_rate": {"distribution": "uniform", "min": 1e-6, "max": 1e-4}},
    }


def counting_init(calls):
    def init(trial):
        calls.append(trial)
        return model_init(None)

    return init


def test_several_directions_without_compute_objective_are_refused_before_any_trial(tmp_path):
    calls = []
    trainer = make_trainer(tmp_path / "out", init=counting_init(calls))
    built = len(calls)  # the Trainer's own construction calls model_init once
    with pytest.raises(hpcore.InvalidArgument, match=r"direction has 2 entries.*pass compute_objective="):
        hyperparameter_search(trainer, n_trials=3, backend="optuna", direction=["minimize", "maximize"])
    assert len(calls) == built and not list((tmp_path / "out").glob("run-*"))


def test_a_wandb_sweep_config_function_on_optuna_is_refused_naming_the_wandb_backend(tmp_path):
    calls = []
    trainer = make_trainer(tmp_path / "out", init=counting_init(calls))
    built = len(calls)
    with pytest.raises(hpcore.InvalidSpace, match=r"W&B sweep config, a space for backend='wandb'.*trial.suggest_"):
        hyperparameter_search(trainer, hp_space=wandb_hp_space, n_trials=2, backend="optuna")
    assert len(calls) == built and not list((tmp_path / "out").glob("run-*"))


def test_a_ray_space_function_on_optuna_is_refused_naming_the_ray_backend(tmp_path):
    from ray import tune

    trainer = make_trainer(tmp_path / "out")
    with pytest.raises(hpcore.InvalidSpace, match=r"Ray Tune dict, a space for backend='ray'"):
        hyperparameter_search(trainer, hp_space=lambda trial: {"learning_rate": tune.loguniform(1e-6, 1e-4)},
                              n_trials=2, backend="optuna")
    assert not list((tmp_path / "out").glob("run-*"))


def test_a_key_nothing_uses_is_warned_of_once_on_optuna_as_transformers_warns(tmp_path, caplog):
    def hp_space(trial):
        return {"learning_rate": trial.suggest_float("learning_rate", 1e-3, 1e-1), "bogus": trial.suggest_int("bogus", 1, 3)}

    trainer = make_trainer(tmp_path / "out")
    with caplog.at_level(logging.WARNING, logger="hpcore.transformers"):
        best = hyperparameter_search(trainer, hp_space=hp_space, n_trials=2, backend="optuna", seed=0)
    warned = [r.getMessage() for r in caplog.records if "was sampled but" in r.getMessage()]
    assert len(warned) == 1 and "'bogus'" in warned[0] and "learning_rate" not in warned[0], warned
    assert len(best.run_summary.result.trials) == 2


def test_importing_the_drop_in_without_transformers_names_the_extra():
    script = "import sys; sys.modules['transformers'] = None\nimport hpcore.integrations.transformers\n"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError") and 'pip install "hpcore[transformers]"' in last, run.stderr[-1500:]


def test_the_transformers_extra_states_the_tested_range():
    import tomllib

    import transformers

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "pyproject.toml"), "rb") as f:
        extra = tomllib.load(f)["project"]["optional-dependencies"]["transformers"]
    assert "transformers>=4.57,<5.25" in extra, extra
    from packaging.specifiers import SpecifierSet

    assert transformers.__version__ in SpecifierSet(">=4.57,<5.25")
