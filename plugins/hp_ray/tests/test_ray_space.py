"""Neutral params translated to Tune domains sample inside the param; native forms are read as written."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from ray import tune

import hpcore
from hp_ray.space import from_config, grid_size, resolve, samples_for, to_domain
from hpcore.errors import InvalidSpace

PARAMS = [
    hpcore.Float(-2.0, 3.0),
    hpcore.Float(1e-6, 1e-4, log=True),
    hpcore.Float(0.05, 1.05, step=0.5),
    hpcore.Int(1, 8),
    hpcore.Int(1, 1000, log=True),
    hpcore.Int(3, 13, step=5),
    hpcore.Categorical([1, 1.0, True, "a", None]),
]


@pytest.mark.parametrize("param", PARAMS, ids=repr)
def test_translated_domains_sample_inside_the_param(param: hpcore.Float | hpcore.Int | hpcore.Categorical) -> None:
    domain = to_domain("p", param)
    rng = np.random.default_rng(0)
    values = [from_config("p", param, v) for v in domain.sample(size=300, random_state=rng)]
    assert all(param.contains(v) for v in values), [v for v in values if not param.contains(v)][:3]
    if param.n_points is not None and param.n_points <= 10:  # small finite params: every point is reached
        assert len({(type(v), v) for v in values}) == param.n_points


def test_log_floats_are_sampled_in_log_space() -> None:
    values = to_domain("lr", hpcore.Float(1e-6, 1e-2, log=True)).sample(size=2000, random_state=np.random.default_rng(1))
    below = sum(v < 1e-4 for v in values) / len(values)
    assert 0.4 < below < 0.6  # half the decades lie below 1e-4


def test_categorical_returns_the_very_choice_object() -> None:
    marker = object()
    param = hpcore.Categorical(["x", marker])
    assert from_config("c", param, marker) is marker


def test_transformers_style_native_space_is_read_as_written() -> None:
    space = {
        "learning_rate": tune.loguniform(1e-6, 1e-4),
        "per_device_train_batch_size": tune.choice([16, 32, 64, 128]),
        "seed": tune.grid_search([1, 2, 3]),
    }
    resolved, neutral = resolve(space)
    assert resolved == space and neutral is None
    assert resolve(lambda trial: space) == (space, None)
    assert grid_size(space) == 3 and samples_for(7, space) == 3


def test_function_returning_neutral_space_is_translated() -> None:
    resolved, neutral = resolve(lambda trial: {"x": hpcore.Float(0, 1)})
    assert neutral == {"x": hpcore.Float(0, 1)} and set(resolved) == {"x"}


def test_unreadable_spaces_say_what_the_backend_reads() -> None:
    with pytest.raises(InvalidSpace, match="Ray Tune domains"):
        resolve({"parameters": {"x": {"min": 0, "max": 1}}, "method": "random"})
    with pytest.raises(InvalidSpace, match="called with None"):
        resolve(lambda trial: trial.suggest_float("x", 0, 1))


def test_a_trial_worker_imports_no_plugin_registry() -> None:
    """What a trial actor imports (the worker module, with this one) leaves pluggy and the registry unloaded."""
    code = "import sys, hp_ray.worker\nprint(sorted(m for m in ('pluggy', 'hpcore.plugins', 'hpcore.forms') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
