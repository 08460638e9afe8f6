"""Directions and best-run selection are the core's on every search: ties, infinities, the Pareto front."""

from __future__ import annotations

import math

import optuna
import pytest
from optuna.trial import TrialState as OptunaState

import hpcore
from hpcore.selection import select_best
from hpcore import TrialState


@pytest.mark.parametrize("direction, best_x", [("minimize", 0), ("maximize", 9), ("min", 0), ("max", 9)])
def test_single_direction(direction: str, best_x: int) -> None:
    result = hpcore.search(
        lambda t: float(t.params["x"]), {"x": hpcore.Int(0, 9)}, backend="optuna", direction=direction,
        sampler=optuna.samplers.GridSampler({"x": list(range(10))}, seed=0), n_trials=10,
    )
    assert result.best_trial.params["x"] == best_x
    assert result.best_runs()[0].objective == float(best_x)


def test_ties_go_to_the_lowest_trial_number() -> None:
    result = hpcore.search(lambda t: t.suggest_float("x", 0, 1) * 0 + 1.0, backend="optuna", n_trials=6)
    assert result.best_trial.number == 0


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_non_finite_values_are_failed_here_and_in_optuna_and_never_best(bad: float) -> None:
    def objective(trial: hpcore.Trial) -> float:
        x = trial.suggest_int("x", 0, 9)
        return bad if x % 2 else float(x)

    result = hpcore.search(
        objective, backend="optuna", direction="maximize",
        sampler=optuna.samplers.GridSampler({"x": list(range(10))}, seed=0), n_trials=10,
    )
    failed = {t.number for t in result.trials if t.state is TrialState.FAILED}
    assert failed == {t.number for t in result.trials if t.params["x"] % 2}
    assert all(t.values == [] and "returned" in t.error for t in result.trials if t.number in failed)
    assert {t.number for t in result.native.trials if t.state == OptunaState.FAIL} == failed
    assert result.best_trial.params["x"] == 8


def test_stored_complete_infinity_is_loaded_as_failed(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'inf.db'}"
    raw = optuna.create_study(storage=url, study_name="s", direction="maximize")
    raw.optimize(lambda t: [math.inf, 1.0, 2.0][t.number], n_trials=3)
    assert [t.state for t in raw.trials] == [OptunaState.COMPLETE] * 3  # raw Optuna keeps inf COMPLETE
    result = hpcore.search(
        lambda t: 0.5 + t.suggest_float("x", 0, 0), backend="optuna", direction="maximize",
        storage=url, study_name="s", n_trials=1,
    )
    assert [t.state for t in result.trials] == [TrialState.FAILED, TrialState.COMPLETE, TrialState.COMPLETE, TrialState.COMPLETE]
    assert result.best_trial.number == 2


def test_several_objectives_give_the_core_pareto_front() -> None:
    def objective(trial: hpcore.Trial) -> list[float]:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return [round(x, 1), round(y, 1)]

    directions = ["minimize", "maximize"]
    result = hpcore.search(objective, backend="optuna", direction=directions, n_trials=40, seed=3)
    front = result.best_trials
    assert front == select_best(result.trials, [hpcore.Direction(d) for d in directions])
    assert [t.number for t in front] == sorted(t.number for t in result.native.best_trials)
    runs = result.best_runs()
    assert all(isinstance(r.objective, list) and len(r.objective) == 2 for r in runs)
    with pytest.raises(hpcore.MultipleObjectives):
        result.best_trial


def test_wrong_number_of_values_is_raised_at_once() -> None:
    with pytest.raises(hpcore.ValueCountMismatch):
        hpcore.search(lambda t: [t.suggest_float("x", 0, 1), 1.0], backend="optuna", n_trials=3)


def test_exceptions_in_catch_fail_the_trial_and_the_search_goes_on() -> None:
    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 1:
            raise ValueError("boom")
        return trial.suggest_float("x", 0, 1)

    result = hpcore.search(objective, backend="optuna", n_trials=3)
    assert [t.state for t in result.trials] == [TrialState.COMPLETE, TrialState.FAILED, TrialState.COMPLETE]
    assert result.trials[1].error == "ValueError: boom"
    assert result.native.trials[1].state == OptunaState.FAIL


def test_exception_outside_catch_ends_the_search_with_the_trial_failed() -> None:
    study = optuna.create_study()

    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 1:
            raise KeyError("not caught")
        return trial.suggest_float("x", 0, 1)

    with pytest.raises(KeyError, match="not caught"):
        hpcore.search(objective, backend="optuna", study=study, n_trials=3, catch=ValueError)
    assert [t.state for t in study.trials] == [OptunaState.COMPLETE, OptunaState.FAIL]


def test_no_completed_trial_raises() -> None:
    def objective(trial: hpcore.Trial) -> float:
        raise RuntimeError("always")

    result = hpcore.search(objective, backend="optuna", n_trials=2)
    with pytest.raises(hpcore.NoCompletedTrials):
        result.best_trial
