"""Warm start and resume on the ray backend: a user's search_alg is told the trials Tune did not propose
(Tune's add_evaluated_point), and the default search goes on with the core's resumed seed."""

from __future__ import annotations

import logging
import statistics
from pathlib import Path

import hpcore
from hpcore import Float

SPACE = {"x": Float(-3.0, 3.0), "y": Float(-3.0, 3.0)}


def bowl(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def optuna_search():
    from ray.tune.search.optuna import OptunaSearch

    return OptunaSearch(seed=0)


def test_a_journal_of_forty_trials_halves_optuna_searchs_median_best_of_ten(storage: str, tmp_path: Path):
    cold, warm = [], []
    for seed in range(5):
        journal = tmp_path / f"source-{seed}.jsonl"
        hpcore.search(bowl, SPACE, backend="random", n_trials=40, seed=100 + seed, journal=str(journal))
        options = {"storage_path": storage, "reuse_actors": True, "seed": seed}
        cold.append(hpcore.search(bowl, SPACE, backend="ray", n_trials=10, search_alg=optuna_search(), **options).best_trial.value)
        warmed = hpcore.search(bowl, SPACE, backend="ray", n_trials=10, search_alg=optuna_search(), warm_start=str(journal), **options)
        assert len(warmed.trials) == 10 and len(warmed.warm_trials) == 40
        warm.append(warmed.best_trial.value)
    assert statistics.median(warm) < statistics.median(cold) / 2, (warm, cold)


def test_ray_trials_warm_start_optuna(storage: str):
    cold, warm = [], []
    for seed in range(5):
        source = hpcore.search(bowl, SPACE, backend="ray", n_trials=40, seed=100 + seed, storage_path=storage, reuse_actors=True)
        cold.append(hpcore.search(bowl, SPACE, backend="optuna", n_trials=10, seed=seed).best_trial.value)
        warm.append(hpcore.search(bowl, SPACE, backend="optuna", n_trials=10, seed=seed, warm_start=source).best_trial.value)
    assert statistics.median(warm) < statistics.median(cold) / 2, (warm, cold)


def test_a_searcher_that_cannot_be_told_starts_from_nothing_with_one_warning(storage: str, caplog):
    from ray.tune.search.basic_variant import BasicVariantGenerator

    source = hpcore.search(bowl, SPACE, backend="random", n_trials=5, seed=0)
    with caplog.at_level(logging.WARNING, logger="hp_ray"):
        result = hpcore.search(
            bowl, SPACE, backend="ray", n_trials=3, search_alg=BasicVariantGenerator(), warm_start=source,
            storage_path=storage, reuse_actors=True,
        )
    assert len(result.trials) == 3
    told = [r for r in caplog.records if "cannot be told of the 5 trials" in r.getMessage()]
    assert len(told) == 1, [r.getMessage() for r in caplog.records]
