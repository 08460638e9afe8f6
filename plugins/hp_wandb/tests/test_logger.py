"""`hp_wandb.Logger` logs the trials of other backends' searches as real offline W&B runs, read back from W&B's files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import optuna
import pytest

import hpcore
from hpcore import InvalidArgument, TrialPruned, TrialState

import hp_wandb
from hp_wandb import WandbLoginRequired

SPACE = {"x": hpcore.Float(0.0, 1.0), "act": hpcore.Categorical(["relu", "gelu"]), "n": hpcore.Int(1, 4)}


def reporting(trial: hpcore.Trial) -> float:
    for step in range(3):
        if trial.report(trial.params["x"] + step, step):
            raise TrialPruned()
    return trial.params["x"]


def table(run: dict) -> dict:
    """The trials table the summary run logged, from the file W&B wrote for it."""
    (path,) = (run["folder"] / "files").glob("media/table/trials_*.table.json")
    return json.loads(path.read_text())


@pytest.mark.parametrize("backend", ["optuna", "random"])
def test_each_trial_of_another_backend_is_a_run_and_a_table_ends_the_search(backend: str, runs_dir: Path, read_runs) -> None:
    logger = hp_wandb.Logger(project="p", mode="offline", dir=runs_dir, group="g1", tags=["hp"])
    result = hpcore.search(reporting, SPACE, backend=backend, n_trials=4, seed=0, observers=[logger])
    runs = read_runs(runs_dir)
    trial_runs, (summary,) = runs[:-1], runs[-1:]
    assert [r["name"] for r in trial_runs] == [f"trial-{t.number}" for t in result.trials]
    assert {r["group"] for r in runs} == {"g1"} and {r["project"] for r in runs} == {"p"}
    for trial, run in zip(result.trials, trial_runs):
        assert run["config"] == trial.params
        assert [(row["trial_step"], row["objective"]) for row in run["history"]] == sorted(trial.intermediate.items())
        assert run["summary"]["objective"] == trial.values[0] and run["summary"]["state"] == "COMPLETE"
        assert run["tags"] == ["hp"] and run["exit_code"] == 0
    assert summary["name"] == "g1-summary" and summary["job_type"] == "summary"
    assert summary["config"]["backend"] == backend
    assert summary["summary"]["best_trials"] == [result.best_trial.number]
    assert summary["summary"]["best/objective"] == result.best_trial.value
    logged = table(summary)
    columns = logged["columns"]
    assert columns[:3] == ["number", "state", "objective"] and {"x", "act", "n"} <= set(columns)
    rows = [dict(zip(columns, row)) for row in logged["data"]]
    assert [(r["number"], r["state"], r["objective"], r["x"]) for r in rows] == [
        (t.number, t.state.value, t.values[0], t.params["x"]) for t in result.trials]


def test_pruned_failed_and_several_objectives(runs_dir: Path, read_runs) -> None:
    logger = hp_wandb.Logger(mode="offline", dir=runs_dir / "pruned", table=False)
    result = hpcore.search(reporting, SPACE, backend="optuna", n_trials=3, observers=[logger],
                           sampler=optuna.samplers.RandomSampler(seed=0), pruner=optuna.pruners.ThresholdPruner(upper=-1.0))
    assert [t.state for t in result.trials] == [TrialState.PRUNED] * 3
    runs = read_runs(runs_dir / "pruned")
    assert len(runs) == 3 and all(r["summary"]["state"] == "PRUNED" and r["exit_code"] == 0 for r in runs)

    def two(trial: hpcore.Trial) -> list[float]:
        if trial.number == 1:
            raise ValueError("no luck")
        return [trial.params["x"], -trial.params["x"]]

    logger = hp_wandb.Logger(mode="offline", dir=runs_dir / "two", metric=["loss", "gain"])
    result = hpcore.search(two, SPACE, backend="random", direction=["min", "max"], n_trials=3, observers=[logger])
    runs = read_runs(runs_dir / "two")
    assert [(r["summary"].get("loss"), r["summary"].get("gain")) for r in runs[:3]] == [
        tuple(t.values) if t.values else (None, None) for t in result.trials]
    assert runs[1]["exit_code"] == 1 and "no luck" in runs[1]["summary"]["error"]
    rows = table(runs[3])["data"]
    assert len(rows) == 3 and rows[1][1] == "FAILED"


def test_every_search_is_its_own_group(runs_dir: Path, read_runs) -> None:
    logger = hp_wandb.Logger(mode="offline", dir=runs_dir, table=False)
    for _ in range(2):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, observers=[logger])
    groups = [r["group"] for r in read_runs(runs_dir)]
    assert groups[0] == groups[1] != groups[2] == groups[3] and groups[0].startswith("random-")


def test_threads_each_get_their_own_run(runs_dir: Path, read_runs) -> None:
    import time

    def slow(trial: hpcore.Trial) -> float:
        time.sleep(0.05)  # trials overlap
        trial.report(trial.params["x"], 0)
        return trial.params["x"]

    logger = hp_wandb.Logger(mode="offline", dir=runs_dir, table=False)
    result = hpcore.search(slow, SPACE, backend="random", n_trials=8, n_jobs=3, observers=[logger])
    runs = {r["name"]: r for r in read_runs(runs_dir)}
    assert len(runs) == 8
    for trial in result.trials:
        assert runs[f"trial-{trial.number}"]["config"] == trial.params
        assert runs[f"trial-{trial.number}"]["summary"]["objective"] == trial.values[0]
        assert runs[f"trial-{trial.number}"]["exit_code"] == 0


def test_the_wandb_backend_is_left_to_log_its_own_runs(runs_dir: Path, read_runs) -> None:
    logger = hp_wandb.Logger(mode="offline", dir=runs_dir / "logger")
    hpcore.search(lambda t: 0.0, SPACE, backend="wandb", n_trials=2, mode="offline", dir=runs_dir / "backend",
                  observers=[logger])
    assert len(read_runs(runs_dir / "backend")) == 2
    assert not (runs_dir / "logger").exists()


def test_a_wandb_error_never_fails_the_search_and_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, runs_dir: Path
) -> None:
    import wandb

    calls = []

    def broken_init(*args, **kwargs):
        calls.append(kwargs.get("name"))
        raise RuntimeError("W&B is down")

    monkeypatch.setattr(wandb, "init", broken_init)
    logger = hp_wandb.Logger(mode="offline", dir=runs_dir)
    with caplog.at_level(logging.WARNING):
        result = hpcore.search(reporting, SPACE, backend="optuna", n_trials=4, observers=[logger])
    assert [t.state for t in result.trials] == [TrialState.COMPLETE] * 4
    warned = [r for r in caplog.records if "W&B raised" in r.getMessage()]
    assert len(warned) == 1 and "W&B is down" in (warned[0].exc_text or "")
    assert calls == ["trial-0"], "after the first failure the Logger stops calling W&B for this search"
    assert not [r for r in caplog.records if "dropped" in r.getMessage()], "the Logger must not raise into the core"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"project": 3}, "project must be a non-empty string"),
        ({"mode": "cloud"}, "mode must be 'online', 'offline' or 'disabled'"),
        ({"tags": "t"}, "tags must be a list"),
        ({"metric": ["a", "a"]}, "metric must be a metric name, or a list of distinct names"),
        ({"table": "yes"}, "table must be True or False"),
        ({"settings": 1}, "settings must be a dict"),
    ],
)
def test_bad_arguments_are_refused_when_the_logger_is_made(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        hp_wandb.Logger(**kwargs)


def test_an_online_logger_without_credentials_fails_when_made() -> None:
    with pytest.raises(WandbLoginRequired, match="wandb login"):
        hp_wandb.Logger(project="p", mode="online")
