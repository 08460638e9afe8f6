"""Warm start on the local sweep: method bayes learns from another engine's trials (docs/laws.md §13);
grid skips the points it was told of."""

from __future__ import annotations

import statistics

import hpcore
from hpcore import Categorical, Float

SPACE = {"x": Float(-3.0, 3.0), "y": Float(-3.0, 3.0)}


def bowl(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def test_forty_warm_optuna_trials_halve_bayes_median_best_of_ten_new_ones():
    options = {"mode": "offline", "method": "bayes"}
    cold, warm = [], []
    for seed in range(5):
        source = hpcore.search(bowl, SPACE, backend="optuna", n_trials=40, seed=100 + seed)
        cold.append(hpcore.search(bowl, SPACE, backend="wandb", n_trials=10, seed=seed, **options).best_trial.value)
        warmed = hpcore.search(bowl, SPACE, backend="wandb", n_trials=10, seed=seed, warm_start=source, **options)
        assert len(warmed.trials) == 10 and len(warmed.warm_trials) == 40
        warm.append(warmed.best_trial.value)
    assert statistics.median(warm) < statistics.median(cold) / 2, (warm, cold)


def test_grid_skips_the_points_of_a_warm_start():
    space = {"c": Categorical([0, 1, 2, 3])}
    source = hpcore.search(lambda t: float(t.params["c"]), space, backend="random", n_trials=6, seed=0)
    told = {t.params["c"] for t in source.trials}
    result = hpcore.search(lambda t: float(t.params["c"]), space, backend="wandb", mode="offline", method="grid", warm_start=source)
    assert {t.params["c"] for t in result.trials} == {0, 1, 2, 3} - told
