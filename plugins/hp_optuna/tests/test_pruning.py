"""Pruning: ``trial.report(value, step)`` feeds Optuna's pruner; a pruned trial is PRUNED with its intermediate values."""

from __future__ import annotations

import optuna
import pytest
from optuna.trial import TrialState as OptunaState

import hpcore
from hpcore import TrialState

def reporting(prune_with: type[BaseException]):
    def objective(trial: hpcore.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report(x + step / 2, step)
            if trial.should_prune():
                raise prune_with()
        return x

    return objective


@pytest.mark.parametrize("prune_with", [hpcore.TrialPruned, optuna.TrialPruned])
def test_pruner_decides_and_pruned_trials_keep_their_intermediate_values(prune_with) -> None:
    result = hpcore.search(
        reporting(prune_with), backend="optuna", n_trials=4,
        sampler=optuna.samplers.GridSampler({"x": [0.1, 0.9, 0.2, 0.8]}, seed=0),
        pruner=optuna.pruners.ThresholdPruner(upper=1.5),
    )
    by_x = {t.params["x"]: t for t in result.trials}
    assert by_x[0.1].state is TrialState.COMPLETE and by_x[0.1].intermediate == {0: 0.1, 1: 0.1 + 0.5, 2: 0.1 + 1.0}
    assert by_x[0.9].state is TrialState.PRUNED and by_x[0.9].intermediate == {0: 0.9, 1: 0.9 + 0.5, 2: 0.9 + 1.0}
    assert by_x[0.9].values == []
    stored = {t.params["x"]: t for t in result.native.trials}
    assert stored[0.9].state == OptunaState.PRUNED and stored[0.9].intermediate_values == by_x[0.9].intermediate
    assert stored[0.1].state == OptunaState.COMPLETE
    assert result.best_trial.params["x"] == 0.1


def test_report_returns_the_pruner_answer() -> None:
    answers = []

    def objective(trial: hpcore.Trial) -> float:
        answers.append(trial.report(5.0, 0))
        return 1.0

    hpcore.search(objective, backend="optuna", n_trials=1, pruner=optuna.pruners.ThresholdPruner(upper=1.0))
    assert answers == [True]


def test_several_objectives_record_reports_and_never_prune() -> None:
    def objective(trial: hpcore.Trial) -> list[float]:
        x = trial.suggest_float("x", 0, 1)
        assert trial.report(100.0, 0) is False
        return [x, 1 - x]

    result = hpcore.search(
        objective, backend="optuna", direction=["minimize", "minimize"], n_trials=3,
        pruner=optuna.pruners.ThresholdPruner(upper=1.0),
    )
    assert all(t.state is TrialState.COMPLETE and t.intermediate == {0: 100.0} for t in result.trials)
