"""Spaces: the native Optuna ``hp_space(trial)``, the neutral space, define-by-run; proposals equal raw Optuna's."""

from __future__ import annotations

import functools

import optuna
import pytest

import hpcore
from hpcore import TrialState


def hp_space(trial: optuna.Trial) -> dict:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-6, 1e-4, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [16, 32, 64, 128]),
    }


def test_native_hp_space_as_transformers_users_write_it() -> None:
    seen = []

    def objective(trial: hpcore.Trial) -> float:
        seen.append(dict(trial.params))
        return trial.params["learning_rate"] * trial.params["per_device_train_batch_size"]

    result = hpcore.search(objective, hp_space, backend="optuna", n_trials=8, seed=0)
    assert len(result.trials) == 8
    for trial, params in zip(result.trials, seen):
        assert trial.params == params
        assert 1e-6 <= params["learning_rate"] <= 1e-4
        assert params["per_device_train_batch_size"] in (16, 32, 64, 128)
    stored = result.native.trials
    assert [t.params for t in stored] == seen


def test_native_hp_space_lambda_from_the_issue() -> None:
    space = lambda trial: {  # noqa: E731 - exactly as the issue writes it
        "learning_rate": trial.suggest_float("learning_rate", 1e-6, 1e-4, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [16, 32, 64, 128]),
    }
    result = hpcore.search(lambda t: t.params["learning_rate"], space, backend="optuna", n_trials=4)
    assert result.best_trial.params["learning_rate"] == min(t.params["learning_rate"] for t in result.trials)


def test_hp_space_that_returns_no_dict_is_an_error_naming_the_fix() -> None:
    with pytest.raises(hpcore.InvalidSpace, match="not a dict"):
        hpcore.search(lambda t: 1.0, lambda trial: trial.suggest_float("x", 0, 1), backend="optuna", n_trials=2)


def test_native_optuna_space_refused_by_another_backend() -> None:
    with pytest.raises(hpcore.InvalidSpace, match="optuna"):
        hpcore.search(lambda t: 1.0, hp_space, backend="random", n_trials=2)


def test_define_by_run_with_conditional_parameters() -> None:
    def objective(trial: hpcore.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["linear", "tree"])
        if kind == "linear":
            return trial.suggest_float("alpha", 1e-4, 1.0, log=True)
        return float(trial.suggest_int("depth", 1, 6))

    result = hpcore.search(objective, backend="optuna", n_trials=12, seed=1)
    for trial, frozen in zip(result.trials, result.native.trials):
        assert trial.params == frozen.params
        assert set(trial.params) in ({"kind", "alpha"}, {"kind", "depth"})


def test_neutral_space_values_lie_in_the_space() -> None:
    space = {
        "f": hpcore.Float(0.0, 1.0, step=0.25),
        "lf": hpcore.Float(1e-3, 1.0, log=True),
        "i": hpcore.Int(2, 10, step=2),
        "li": hpcore.Int(1, 1000, log=True),
        "c": hpcore.Categorical([None, True, 3, "a"]),
    }
    result = hpcore.search(lambda t: 0.0, space, backend="optuna", n_trials=30, seed=2)
    for trial in result.trials:
        for name, param in space.items():
            assert param.contains(trial.params[name]), (name, trial.params[name])


@pytest.mark.parametrize(
    "make_sampler",
    [
        optuna.samplers.RandomSampler,
        optuna.samplers.TPESampler,
        functools.partial(optuna.samplers.TPESampler, multivariate=True, n_startup_trials=5),  # relative sampling
    ],
    ids=["random", "tpe", "multivariate-tpe"],
)
def test_same_sampler_and_seed_propose_exactly_what_raw_optuna_proposes(make_sampler, space, square, raw_objective) -> None:
    raw = optuna.create_study(sampler=make_sampler(seed=7))
    raw.enqueue_trial({"x": 0.5, "act": "gelu"})  # fixed parameters
    raw.optimize(raw_objective, n_trials=25)
    study = optuna.create_study(sampler=make_sampler(seed=7))
    study.enqueue_trial({"x": 0.5, "act": "gelu"})
    result = hpcore.search(square, space, backend="optuna", study=study, n_trials=25)
    assert [t.params for t in result.trials] == [t.params for t in raw.trials]
    assert [t.values for t in result.trials] == [t.values for t in raw.trials]
    assert result.trials[0].params["x"] == 0.5 and result.trials[0].params["act"] == "gelu"
    assert all(type(t.params["n"]) is int for t in result.trials)


@pytest.mark.parametrize("make_sampler", [optuna.samplers.RandomSampler, optuna.samplers.TPESampler], ids=["random", "tpe"])
def test_define_by_run_proposes_exactly_what_raw_optuna_proposes(make_sampler) -> None:
    def objective(trial) -> float:  # takes an optuna.Trial or hpcore's handle: the calls are the same
        kind = trial.suggest_categorical("kind", ["linear", "tree"])
        depth = trial.suggest_int("depth", 1, 6)
        width = trial.suggest_float("width", 0.0, 10.0 if kind == "linear" else 2.0)  # bounds that change
        return width + depth

    raw = optuna.create_study(sampler=make_sampler(seed=3))
    raw.optimize(objective, n_trials=20)
    result = hpcore.search(objective, backend="optuna", sampler=make_sampler(seed=3), n_trials=20)
    assert [t.params for t in result.trials] == [t.params for t in raw.trials]
    assert [t.distributions for t in result.native.trials] == [t.distributions for t in raw.trials]


def test_seed_seeds_the_sampler_hpcore_creates(space, square, raw_objective) -> None:
    raw = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=11))
    raw.optimize(raw_objective, n_trials=15)
    first = hpcore.search(square, space, backend="optuna", seed=11, n_trials=15)
    again = hpcore.search(square, space, backend="optuna", seed=11, n_trials=15)
    other = hpcore.search(square, space, backend="optuna", seed=12, n_trials=15)
    assert [t.params for t in first.trials] == [t.params for t in raw.trials]
    assert [t.params for t in first.trials] == [t.params for t in again.trials]
    assert [t.params for t in first.trials] != [t.params for t in other.trials]


def test_a_sampler_the_user_passes_keeps_its_own_seed(space, square) -> None:
    with_seed = hpcore.search(
        square, space, backend="optuna", sampler=optuna.samplers.RandomSampler(seed=5), seed=999, n_trials=10
    )
    without = hpcore.search(square, space, backend="optuna", sampler=optuna.samplers.RandomSampler(seed=5), n_trials=10)
    assert [t.params for t in with_seed.trials] == [t.params for t in without.trials]


def test_user_attrs_reach_the_ledger_and_the_optuna_trial() -> None:
    def objective(trial: hpcore.Trial) -> float:
        trial.set_user_attr("note", f"trial {trial.number}")
        return trial.suggest_float("x", 0, 1)

    result = hpcore.search(objective, backend="optuna", n_trials=3)
    assert [t.user_attrs for t in result.trials] == [{"note": f"trial {i}"} for i in range(3)]
    assert [t.user_attrs for t in result.native.trials] == [{"note": f"trial {i}"} for i in range(3)]
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
