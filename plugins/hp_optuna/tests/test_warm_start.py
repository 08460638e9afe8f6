"""Warm start on the optuna backend: trials of another search are told to Optuna's sampler, never run,
never counted, and they help it (docs/laws.md §13)."""

from __future__ import annotations

import statistics
from pathlib import Path

import optuna
import pytest

import hpcore
from hpcore import Float

SPACE = {"x": Float(-3.0, 3.0), "y": Float(-3.0, 3.0)}


def bowl(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def test_forty_warm_random_trials_halve_the_median_best_of_ten_new_ones():
    cold, warm = [], []
    for seed in range(5):
        source = hpcore.search(bowl, SPACE, backend="random", n_trials=40, seed=100 + seed)
        cold.append(hpcore.search(bowl, SPACE, backend="optuna", n_trials=10, seed=seed).best_trial.value)
        warm.append(hpcore.search(bowl, SPACE, backend="optuna", n_trials=10, seed=seed, warm_start=source).best_trial.value)
    assert statistics.median(warm) < statistics.median(cold) / 2, (warm, cold)


@pytest.mark.parametrize("form", ["result", "json", "journal", "trials"])
def test_every_source_form_is_told_and_the_objective_runs_n_trials_times(tmp_path: Path, form: str):
    journal = tmp_path / "source.jsonl"
    source = hpcore.search(bowl, SPACE, backend="random", n_trials=12, seed=3, journal=str(journal))
    source.save(tmp_path / "source.json")
    given = {
        "result": source,
        "json": str(tmp_path / "source.json"),
        "journal": str(journal),
        "trials": list(source.trials),
    }[form]
    ran: list[int] = []
    result = hpcore.search(lambda t: (ran.append(t.number), bowl(t))[1], SPACE, backend="optuna", n_trials=4, seed=0, warm_start=given)
    assert len(ran) == 4 and [t.number for t in result.trials] == [0, 1, 2, 3]
    assert [t.params for t in result.warm_trials] == [t.params for t in source.trials]
    told = result.native.get_trials(deepcopy=False)
    assert len(told) == 16 and sum("hpcore:warm" in t.system_attrs for t in told) == 12


def test_a_stored_study_holds_the_warm_trials_once_and_they_count_for_no_budget(tmp_path: Path):
    source = hpcore.search(bowl, SPACE, backend="random", n_trials=10, seed=5)
    storage = {"storage": f"sqlite:///{tmp_path / 'study.db'}", "study_name": "warmed"}
    first = hpcore.search(bowl, SPACE, backend="optuna", n_trials=3, seed=0, warm_start=source, **storage)
    second = hpcore.search(bowl, SPACE, backend="optuna", n_trials=3, seed=0, warm_start=source, max_trials=5, **storage)
    assert [t.number for t in first.trials] == [0, 1, 2]
    assert [t.number for t in second.trials] == [0, 1, 2, 3, 4], "max_trials counts the study's own trials only"
    stored = optuna.load_study(study_name="warmed", storage=storage["storage"]).get_trials(deepcopy=False)
    assert sum("hpcore:warm" in t.system_attrs for t in stored) == 10 and len(stored) == 15
    configurations = [tuple(sorted(t.params.items())) for t in second.trials]
    assert len(set(configurations)) == 5, "the resumed search proposed a configuration it held"
