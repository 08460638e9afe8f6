"""Sweep configs as W&B users write them: every documented distribution, nested parameters, the
function form, neutral spaces; every invalid config refused before any trial, naming the bad key."""

from __future__ import annotations

import math
import statistics
import warnings
from collections import Counter
from pathlib import Path

import pytest

import hpcore
from hpcore import InvalidArgument, InvalidSpace, TrialState

EVERY_DISTRIBUTION = {
    "uniform": {"distribution": "uniform", "min": -2.0, "max": 3.0},
    "inferred_uniform": {"min": 0.5, "max": 1},
    "log_uniform_values": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
    "inv_log_uniform_values": {"distribution": "inv_log_uniform_values", "min": 0.01, "max": 100.0},
    "int_uniform": {"distribution": "int_uniform", "min": 2, "max": 7},
    "inferred_int": {"min": -3, "max": 3},
    "q_uniform": {"distribution": "q_uniform", "min": 0.0, "max": 10.0, "q": 2.5},
    "q_uniform_int": {"distribution": "q_uniform", "min": 0, "max": 100, "q": 10},
    "q_log_uniform_values": {"distribution": "q_log_uniform_values", "min": 1, "max": 1024, "q": 1},
    "normal": {"distribution": "normal", "mu": 5.0, "sigma": 2.0},
    "q_normal": {"distribution": "q_normal", "mu": 0.0, "sigma": 3.0, "q": 1},
    "log_normal": {"distribution": "log_normal", "mu": 0.0, "sigma": 0.5},
    "q_log_normal": {"distribution": "q_log_normal", "mu": 2.0, "sigma": 0.5, "q": 1},
    "beta": {"distribution": "beta", "a": 2.0, "b": 5.0},
    "q_beta": {"distribution": "q_beta", "a": 2.0, "b": 2.0, "q": 0.25},
    "categorical": {"values": ["relu", "gelu", [1, 2], {"k": 1}]},
    "categorical_explicit": {"distribution": "categorical", "values": [16, 32, 64]},
    "weighted": {"values": ["a", "b", "c"], "probabilities": [0.7, 0.2, 0.1]},
    "constant": {"value": "adam"},
    "optimizer": {"parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1.0},
                                 "betas": {"parameters": {"b1": {"value": 0.9}, "b2": {"values": [0.99, 0.999]}}}}},
}


def in_support(params: dict) -> None:
    """Each value lies where its W&B distribution puts it."""
    assert -2.0 <= params["uniform"] <= 3.0 and 0.5 <= params["inferred_uniform"] <= 1
    assert 1e-5 <= params["log_uniform_values"] <= 1e-1
    assert 0.01 <= params["inv_log_uniform_values"] <= 100.0
    assert type(params["int_uniform"]) is int and 2 <= params["int_uniform"] <= 7
    assert type(params["inferred_int"]) is int and -3 <= params["inferred_int"] <= 3
    assert params["q_uniform"] in (0.0, 2.5, 5.0, 7.5, 10.0)
    assert type(params["q_uniform_int"]) is int and params["q_uniform_int"] % 10 == 0
    assert type(params["q_log_uniform_values"]) is int and 1 <= params["q_log_uniform_values"] <= 1024
    assert isinstance(params["normal"], float)
    assert type(params["q_normal"]) is int and type(params["q_log_normal"]) is int and params["q_log_normal"] >= 0
    assert params["log_normal"] > 0 and 0 <= params["beta"] <= 1
    assert params["q_beta"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert params["categorical"] in ("relu", "gelu", [1, 2], {"k": 1})
    assert params["categorical_explicit"] in (16, 32, 64) and params["weighted"] in ("a", "b", "c")
    assert params["constant"] == "adam"
    optimizer = params["optimizer"]
    assert set(optimizer) == {"lr", "betas"} and 1e-4 <= optimizer["lr"] <= 1.0
    assert optimizer["betas"]["b1"] == 0.9 and optimizer["betas"]["b2"] in (0.99, 0.999)


def sweep(method: str, **extra) -> dict:
    return {"method": method, "metric": {"name": "loss", "goal": "minimize"}, "parameters": EVERY_DISTRIBUTION, **extra}


@pytest.mark.parametrize("method", ["random", "bayes"])
def test_every_distribution_samples_inside_its_support(method: str) -> None:
    seen = []

    def objective(trial: hpcore.Trial) -> float:
        in_support(trial.params)
        seen.append(trial.params)
        return trial.params["uniform"] ** 2

    result = hpcore.search(objective, sweep(method), backend="wandb", n_trials=40, seed=3, mode="disabled")
    assert all(t.state is TrialState.COMPLETE for t in result.trials), [t.error for t in result.trials]
    assert len(seen) == 40
    assert len({p["uniform"] for p in seen}) == 40 and len({p["categorical_explicit"] for p in seen}) == 3


def test_random_draws_follow_the_declared_distributions() -> None:
    result = hpcore.search(lambda t: 0.0, sweep("random"), backend="wandb", n_trials=1500, seed=7, mode="disabled")
    column = {name: [t.params[name] for t in result.trials] for name in EVERY_DISTRIBUTION}
    assert abs(statistics.mean(column["normal"]) - 5.0) < 0.25 and abs(statistics.stdev(column["normal"]) - 2.0) < 0.2
    assert abs(statistics.mean(column["beta"]) - 2 / 7) < 0.02
    assert abs(statistics.median(math.log(v) for v in column["log_normal"])) < 0.06
    logs = [math.log10(v) for v in column["log_uniform_values"]]
    assert abs(statistics.mean(logs) + 3.0) < 0.1  # uniform in log10 between -5 and -1
    inverse = [math.log10(v) for v in column["inv_log_uniform_values"]]
    assert abs(statistics.mean(inverse)) < 0.15  # log(1/x) uniform: symmetric about 1 on a log scale
    counts = Counter(column["weighted"])
    assert abs(counts["a"] / 1500 - 0.7) < 0.04 and abs(counts["c"] / 1500 - 0.1) < 0.03
    assert set(column["q_uniform"]) == {0.0, 2.5, 5.0, 7.5, 10.0}
    assert set(column["int_uniform"]) == set(range(2, 8))


def test_nested_parameters_reach_the_objective_and_the_run_config_nested(runs_dir: Path, read_runs) -> None:
    config = {"method": "random", "parameters": {
        "optimizer": {"parameters": {"lr": {"min": 0.1, "max": 0.2}, "name": {"value": "sgd"}}},
        "layers": {"values": [1, 2]},
    }}
    got = []
    result = hpcore.search(lambda t: got.append(t.params) or t.params["optimizer"]["lr"], config, backend="wandb",
                           n_trials=2, mode="offline", dir=runs_dir)
    assert all(set(p) == {"optimizer", "layers"} and p["optimizer"]["name"] == "sgd" for p in got)
    runs = read_runs(runs_dir)
    assert [r["config"] for r in runs] == [t.params for t in result.trials]
    assert runs[0]["summary"]["objective"] == result.trials[0].values[0]


def test_a_function_returning_the_config_when_called_with_none() -> None:
    calls = []

    def hp_space(trial):  # as transformers passes hp_space to the W&B integration
        calls.append(trial)
        return {"method": "grid", "metric": {"name": "objective", "goal": "minimize"},
                "parameters": {"learning_rate": {"values": [1e-5, 1e-4]}, "epochs": {"min": 1, "max": 2}}}

    result = hpcore.search(lambda t: t.params["learning_rate"] * t.params["epochs"], hp_space, backend="wandb",
                           n_trials=10, mode="disabled")
    assert calls and set(calls) == {None}
    assert sorted((t.params["learning_rate"], t.params["epochs"]) for t in result.trials) == [
        (1e-5, 1), (1e-5, 2), (1e-4, 1), (1e-4, 2)]


def test_an_optuna_style_function_is_refused_saying_what_the_wandb_backend_expects() -> None:
    def hp_space(trial):
        return {"lr": trial.suggest_float("lr", 1e-5, 1e-1)}

    with pytest.raises(InvalidSpace, match="called with None.*backend='optuna'"):
        hpcore.search(lambda t: 0.0, hp_space, backend="wandb", mode="disabled")
    with pytest.raises(InvalidSpace, match="must return a W&B sweep config"):
        hpcore.search(lambda t: 0.0, lambda trial: {"lr": 0.1}, backend="wandb", mode="disabled")


def test_a_neutral_space_is_sampled_by_each_method() -> None:
    space = {"x": hpcore.Float(0.0, 1.0, step=0.5), "n": hpcore.Int(1, 3), "act": hpcore.Categorical(["a", (1, 2)])}
    for method in ("random", "bayes", "grid"):
        result = hpcore.search(lambda t: t.params["x"], space, backend="wandb", n_trials=30, seed=0, method=method,
                               mode="disabled")
        assert all(space[k].contains(v) for t in result.trials for k, v in t.params.items())
        assert len(result.trials) == (18 if method == "grid" else 30)


INVALID = [
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}, "metrc": {"name": "loss"}}, InvalidSpace,
     r"unknown key 'metrc'.*Did you mean 'metric'"),
    ({"method": "random", "parameters": {"x": {"distribution": "uniform", "min": 0.0}}}, InvalidSpace,
     r"parameter 'x': distribution 'uniform' needs 'max'"),
    ({"method": "random", "parameters": {"x": {"distribution": "log_uniform_values", "max": 1.0}}}, InvalidSpace,
     r"parameter 'x'.*needs 'min'"),
    ({"method": "random", "parameters": {"x": {"min": 0.0}}}, InvalidSpace, r"parameter 'x' needs both 'min' and 'max'"),
    ({"method": "bayes", "parameters": {"x": {"min": 0.0, "max": 1.0}}}, InvalidSpace, r"'bayes' needs a metric"),
    ({"method": "random", "parameters": {"x": {"values": "abc"}}}, InvalidSpace, r"parameter 'x': 'values' must be a list"),
    ({"method": "random", "parameters": {"x": {"values": 3}}}, InvalidSpace, r"parameter 'x': 'values' must be a list"),
    ({"method": "random", "parameters": {"x": {"values": []}}}, InvalidSpace, r"parameter 'x': 'values' is empty"),
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1, "mean": 3}}}, InvalidSpace,
     r"parameter 'x' \(int_uniform\) has an unknown key 'mean'"),
    ({"method": "random", "parameters": {"x": {"distribution": "gaussian"}}}, InvalidSpace, r"unknown distribution 'gaussian'"),
    ({"method": "random", "parameters": {"x": {"distribution": "normal", "mean": 0}}}, InvalidSpace,
     r"parameter 'x' \(normal\) has an unknown key 'mean'"),
    ({"method": "random", "parameters": {"x": {"min": 2.0, "max": 1.0}}}, InvalidSpace, r"'min' \(2.0\) is greater than 'max'"),
    ({"method": "random", "parameters": {"x": {"distribution": "log_uniform_values", "min": 0.0, "max": 1.0}}},
     InvalidSpace, r"parameter 'x': log_uniform_values needs 'min' > 0"),
    ({"method": "random", "parameters": {"x": {"distribution": "int_uniform", "min": 0.5, "max": 3}}}, InvalidSpace,
     r"int_uniform needs int 'min' and 'max'"),
    ({"method": "random", "parameters": {"x": {"values": [1, 2], "probabilities": [0.5, 0.6]}}}, InvalidSpace,
     r"parameter 'x': 'probabilities' must be numbers .* sum to 1"),
    ({"method": "random", "parameters": {"x": {"distribution": "q_uniform", "min": 0, "max": 1, "q": 0}}}, InvalidSpace,
     r"parameter 'x': 'q' must be positive"),
    ({"method": "random", "parameters": {"x": {"distribution": "beta", "a": 0}}}, InvalidSpace, r"beta needs 'a' > 0"),
    ({"method": "random", "parameters": {"x": 0.1}}, InvalidSpace, r"parameter 'x' must be a dict"),
    ({"method": "random", "parameters": {"bad name": {"value": 1}}}, InvalidSpace, r"parameter name 'bad name'"),
    ({"method": "random", "parameters": {"o": {"parameters": {"lr": {"values": 0.1}}}}}, InvalidSpace,
     r"parameter 'o.lr': 'values' must be a list"),
    ({"parameters": {"x": {"min": 0, "max": 1}}}, InvalidSpace, r"no 'method'"),
    ({"method": "custom", "parameters": {"x": {"min": 0, "max": 1}}}, InvalidSpace, r"'method' is 'custom'"),
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}, "metric": {"name": "", "goal": "minimize"}}, InvalidSpace,
     r"'metric' needs a 'name'"),
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}, "metric": {"name": "l", "goal": "down"}},
     InvalidSpace, r"'goal' must be 'minimize' or 'maximize'"),
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}, "early_terminate": {"type": "hyperband", "min_iter": 3}},
     InvalidSpace, r"early_terminate needs a metric"),
    ({"method": "random", "metric": {"name": "l"}, "parameters": {"x": {"min": 0, "max": 1}},
      "early_terminate": {"type": "median"}}, InvalidSpace, r"'early_terminate' needs 'type': 'hyperband'"),
    ({"method": "random", "metric": {"name": "l"}, "parameters": {"x": {"min": 0, "max": 1}},
      "early_terminate": {"type": "hyperband", "max_iter": 27}}, InvalidSpace, r"needs 'min_iter', or 'max_iter' and 's'"),
    ({"method": "random", "metric": {"name": "l"}, "parameters": {"x": {"min": 0, "max": 1}},
      "early_terminate": {"type": "hyperband", "min_iter": 3, "eta": 1}}, InvalidSpace, r"'eta' must be a number greater than 1"),
    ({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}, "run_cap": 0}, InvalidSpace, r"'run_cap' must be an int"),
    ({"method": "grid", "parameters": {"x": {"min": 0.0, "max": 1.0}}}, InvalidSpace,
     r"parameter 'x' is uniform, which a grid cannot enumerate"),
    ({"method": "grid", "parameters": {"x": {"values": [1, 2], "probabilities": [0.5, 0.5]}}}, InvalidSpace,
     r"parameter 'x' has probabilities, which a grid does not use"),
]


@pytest.mark.parametrize(("config", "error", "match"), INVALID)
def test_an_invalid_config_is_refused_before_any_run_naming_the_key(config, error, match, runs_dir: Path) -> None:
    ran = []
    with pytest.raises(error, match=match):
        hpcore.search(lambda t: ran.append(t) or 0.0, config, backend="wandb", mode="offline", dir=runs_dir)
    assert ran == []
    assert not runs_dir.exists() or not list(runs_dir.rglob("*.wandb")), "a run was logged before the config was checked"


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"method": "anneal"}, r"method must be one of random, grid, bayes"),
        ({"method": "grid"}, r"says method 'random' and method='grid' was passed"),
        ({"run_cap": 2}, r"says run_cap 5 and run_cap=2"),
        ({"metric": 3}, r"metric must be a metric name"),
        ({"metric": ["a", "b"]}, r"2 metrics are named but direction has 1"),
        ({"mode": "cloud"}, r"mode must be 'online', 'offline' or 'disabled'"),
        ({"project": ""}, r"project must be a non-empty string"),
        ({"tags": "t"}, r"tags must be a list of non-empty strings"),
        ({"settings": 3}, r"settings must be a dict of wandb.Settings fields"),
        ({"settings": {"no_such_setting": 1}}, r"settings: W&B refuses \{'no_such_setting': 1\}"),
        ({"dir": 3}, r"dir must be a directory path"),
        ({"sweep_id": 3}, r"sweep_id must be the id of a W&B sweep"),
        ({"early_terminate": {"type": "hyperband", "min_iter": 1}}, r"has early_terminate and early_terminate= was passed"),
    ],
)
def test_bad_options_get_specific_errors(options: dict, match: str) -> None:
    config = {"method": "random", "metric": {"name": "loss"}, "run_cap": 5, "parameters": {"x": {"min": 0, "max": 1}},
              "early_terminate": {"type": "hyperband", "min_iter": 3}}
    with pytest.raises(InvalidArgument, match=match):
        hpcore.search(lambda t: 0.0, config, backend="wandb", **options)


def test_direction_wins_over_a_contradicting_goal_with_a_warning() -> None:
    config = {"method": "grid", "metric": {"name": "acc", "goal": "maximize"}, "parameters": {"x": {"values": [1, 2, 3]}}}
    with pytest.warns(UserWarning, match=r"metric 'acc' has goal 'maximize' but the search's direction is 'minimize'"):
        result = hpcore.search(lambda t: float(t.params["x"]), config, backend="wandb", mode="disabled")
    assert result.best_trial.params["x"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = hpcore.search(lambda t: float(t.params["x"]), config, backend="wandb", direction="maximize", mode="disabled")
    assert result.best_trial.params["x"] == 3


def test_the_metric_option_names_the_logged_metric_as_transformers_passes_it(runs_dir: Path, read_runs) -> None:
    config = {"method": "random", "metric": {"name": "objective", "goal": "minimize"}, "parameters": {"x": {"value": 1}}}
    hpcore.search(lambda t: 0.25, config, backend="wandb", n_trials=1, metric="eval/loss", mode="offline", dir=runs_dir)
    (run,) = read_runs(runs_dir)
    assert run["summary"]["eval/loss"] == 0.25 and "objective" not in run["summary"]


def test_settings_turn_wandbs_extras_back_on(runs_dir: Path, read_runs) -> None:
    import wandb

    for settings in ({"x_disable_stats": False}, wandb.Settings(x_disable_stats=False, silent=True)):
        result = hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="wandb", n_trials=1, mode="offline",
                               dir=runs_dir, settings=settings)
        assert len(result.native.run_ids) == 1
    assert len(read_runs(runs_dir)) == 2


def test_the_beta_inverse_cdf() -> None:
    from hp_wandb.params import beta_cdf, beta_ppf

    for u in (0.01, 0.3, 0.5, 0.9):
        assert beta_ppf(u, 1.0, 1.0) == pytest.approx(u, abs=1e-9)
        assert beta_ppf(u, 2.0, 1.0) == pytest.approx(math.sqrt(u), abs=1e-9)  # cdf x**2
        assert beta_cdf(beta_ppf(u, 2.0, 5.0), 2.0, 5.0) == pytest.approx(u, abs=1e-9)
    assert beta_ppf(0.5, 3.0, 3.0) == pytest.approx(0.5, abs=1e-9)
