"""The local sweep: grid, random and bayes as W&B defines them, hyperband through the pruning path,
and each trial logged as a real offline W&B run (read back from the files W&B wrote)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest

import hpcore
from hpcore import Direction, FrozenTrial, TrialPruned, TrialState

from hp_wandb.config import Hyperband
from hp_wandb.methods import HyperbandStopper


def branin(x1: float, x2: float) -> float:
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


BRANIN = {
    "method": "bayes",
    "metric": {"name": "branin", "goal": "minimize"},
    "parameters": {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}},
}


def test_bayes_beats_random_on_branin() -> None:
    """30 trials, 5 seeds: the median of the best values found, TPE against the declared distributions drawn at random."""

    def best(method: str, seed: int) -> float:
        config = {**BRANIN, "method": method}
        result = hpcore.search(lambda t: branin(t.params["x1"], t.params["x2"]), config, backend="wandb",
                               n_trials=30, seed=seed, mode="disabled")
        return result.best_trial.value

    bayes = statistics.median(best("bayes", seed) for seed in range(5))
    random = statistics.median(best("random", seed) for seed in range(5))
    print(f"Branin, median best of 5 seeds x 30 trials: bayes {bayes:.3f}, random {random:.3f} (minimum 0.398)")
    assert bayes < 0.5 * random  # a clear win: random against random lands within a few percent


def test_grid_visits_each_point_once_and_stops_when_spent(tmp_path: Path) -> None:
    config = {"method": "grid", "parameters": {
        "a": {"values": [1, 2, 3]}, "b": {"distribution": "q_uniform", "min": 0, "max": 1, "q": 0.5},
        "c": {"value": "k"}, "n": {"distribution": "int_uniform", "min": 0, "max": 1},
    }}
    result = hpcore.search(lambda t: 0.0, config, backend="wandb", n_trials=100, mode="disabled")
    points = [(t.params["a"], t.params["b"], t.params["n"]) for t in result.trials]
    assert len(points) == 3 * 3 * 2 == len(set(points))
    assert points[:2] == [(1, 0.0, 0), (1, 0.0, 1)]  # the last parameter varies fastest, as in W&B's grid
    assert all(t.params["c"] == "k" for t in result.trials)
    journal = tmp_path / "journal.jsonl"
    first = hpcore.search(lambda t: 0.0, config, backend="wandb", n_trials=7, mode="disabled", journal=journal)
    second = hpcore.search(lambda t: 0.0, config, backend="wandb", n_trials=100, mode="disabled", journal=journal)
    assert len(first.trials) == 7 and len(second.trials) == 18
    resumed = [(t.params["a"], t.params["b"], t.params["n"]) for t in second.trials]
    assert sorted(resumed) == sorted(points), "a resumed grid visits only the points left"


def test_random_is_seedable() -> None:
    config = {"method": "random", "parameters": {"x": {"distribution": "normal"}, "c": {"values": list(range(50))}}}
    runs = [hpcore.search(lambda t: 0.0, config, backend="wandb", n_trials=5, seed=s, mode="disabled") for s in (4, 4, 5)]
    params = [[t.params for t in r.trials] for r in runs]
    assert params[0] == params[1] != params[2]


def test_run_cap_caps_the_sweep_and_the_target_stops_it() -> None:
    config = {"method": "random", "run_cap": 3, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    assert len(hpcore.search(lambda t: 0.0, config, backend="wandb", n_trials=10, mode="disabled").trials) == 3
    config = {"method": "grid", "metric": {"name": "v", "target": 2}, "parameters": {"x": {"values": [5, 4, 2, 1, 0]}}}
    result = hpcore.search(lambda t: float(t.params["x"]), config, backend="wandb", n_trials=10, mode="disabled")
    assert [t.params["x"] for t in result.trials] == [5, 4, 2]


# -- hyperband --------------------------------------------------------------------------------
def _record(number: int, history: list[float]) -> FrozenTrial:
    return FrozenTrial(number, {}, TrialState.COMPLETE, [history[-1]], dict(enumerate(history)))


def test_hyperband_follows_wandbs_documented_example() -> None:
    """W&B's example (sweeps' hyperband_stopping docstring): max_iter=5, eta=2, s=2; runs b and c stop, d does not."""
    stopper = HyperbandStopper(Hyperband(bands=(1, 2), eta=2.0, config={}), Direction.MINIMIZE)
    histories = {"a": [10, 9], "b": [10, 10], "c": [10, 8, 8], "d": [10, 7, 7], "e": [10, 6, 6]}
    for number, name in enumerate(histories):
        if name in ("a", "e"):  # finished runs
            stopper.add(_record(number, histories[name]))
    running = {name: dict(enumerate(h)) for name, h in histories.items() if name in ("b", "c", "d")}
    for number, name in enumerate(histories):  # running runs are compared with each other as well
        if name in running:
            stopper.histories[number] = list(histories[name])
    decisions = {name: stopper.should_stop(list(histories).index(name), running[name]) for name in running}
    assert decisions == {"b": True, "c": True, "d": False}


def test_hyperband_bands_from_min_iter_and_from_max_iter() -> None:
    from hp_wandb.config import _early_terminate

    assert _early_terminate(None, {"type": "hyperband", "min_iter": 3}).bands[:3] == (3, 9, 27)
    assert _early_terminate(None, {"type": "hyperband", "max_iter": 27, "s": 2}).bands == (3, 9)
    assert _early_terminate(None, {"type": "hyperband", "max_iter": 16, "s": 3, "eta": 2}).bands == (2, 4, 8)


def test_early_terminate_prunes_through_the_core_pruning_path(runs_dir: Path, read_runs) -> None:
    config = {
        "method": "random", "metric": {"name": "val_loss", "goal": "minimize"},
        "parameters": {"bad": {"values": [False, True], "probabilities": [0.5, 0.5]}},
        "early_terminate": {"type": "hyperband", "min_iter": 1, "eta": 2},
    }

    def objective(trial: hpcore.Trial) -> float:
        loss = 10.0 + trial.number if trial.params["bad"] else 1.0
        for step in range(4):
            if trial.report(loss - step * 0.1, step):
                raise TrialPruned()
        return loss

    result = hpcore.search(objective, config, backend="wandb", n_trials=12, seed=2, mode="offline", dir=runs_dir)
    pruned = [t for t in result.trials if t.state is TrialState.PRUNED]
    assert pruned and all(t.params["bad"] for t in pruned)
    assert all(len(t.intermediate) == 2 for t in pruned)  # stopped at band 1: after its second value
    assert all(t.state is TrialState.COMPLETE for t in result.trials if not t.params["bad"])
    runs = {r["name"]: r for r in read_runs(runs_dir)}
    for trial in pruned:
        run = runs[f"trial-{trial.number}"]
        assert run["summary"]["state"] == "PRUNED"
        assert [row["val_loss"] for row in run["history"]] == [10.0 + trial.number, 9.9 + trial.number]


def test_maximize_hyperband_stops_the_low_values() -> None:
    config = {"method": "grid", "metric": {"name": "acc", "goal": "maximize"}, "parameters": {"x": {"values": [0.9, 0.1, 0.8, 0.2]}},
              "early_terminate": {"type": "hyperband", "min_iter": 1}}

    def objective(trial: hpcore.Trial) -> float:
        for step in range(3):
            if trial.report(trial.params["x"], step):
                raise TrialPruned()
        return trial.params["x"]

    result = hpcore.search(objective, config, backend="wandb", direction="maximize", mode="disabled")
    assert {t.params["x"] for t in result.trials if t.state is TrialState.PRUNED} == {0.1, 0.2}


# -- the runs ---------------------------------------------------------------------------------
def test_each_trial_is_an_offline_run_with_config_steps_and_summary(runs_dir: Path, read_runs) -> None:
    config = {"method": "random", "name": "my-sweep", "metric": {"name": "loss", "goal": "minimize"},
              "parameters": {"x": {"min": 0.0, "max": 1.0}, "act": {"values": ["relu", "gelu"]}}}

    def objective(trial: hpcore.Trial) -> dict:
        import wandb

        for step in range(3):
            trial.report(trial.params["x"] + step, step)
        wandb.log({"mine": trial.number})  # the objective's own logging lands in the trial's run
        if trial.number == 2:
            raise RuntimeError("broken trial")
        return {"eval_loss": 5.0, "eval_acc": trial.params["x"], "epoch": 1.0}

    result = hpcore.search(objective, config, backend="wandb", n_trials=3, seed=0, mode="offline", dir=runs_dir,
                           project="proj", tags=["t1"], compute_objective=lambda m: m["eval_acc"] * 2)
    runs = read_runs(runs_dir)
    assert [r["name"] for r in runs] == ["trial-0", "trial-1", "trial-2"]
    assert {r["group"] for r in runs} == {"my-sweep"} and {r["project"] for r in runs} == {"proj"}
    assert all(r["tags"] == ["t1"] and r["job_type"] == "trial" for r in runs)
    assert result.native.name == "my-sweep" and result.native.mode == "offline"
    assert sorted(result.native.run_ids.values()) == sorted(r["id"] for r in runs)
    for trial, run in zip(result.trials, runs):
        assert run["config"] == trial.params
        assert [(row["trial_step"], row["loss"]) for row in run["history"] if "loss" in row] == sorted(trial.intermediate.items())
        assert [row["mine"] for row in run["history"] if "mine" in row] == [trial.number]
        assert run["summary"]["state"] == trial.state.value and run["summary"]["trial_number"] == trial.number
    done = runs[0]["summary"]
    assert done["loss"] == result.trials[0].values[0] == result.trials[0].params["x"] * 2  # compute_objective's value
    assert runs[0]["exit_code"] == 0
    failed = runs[2]
    assert failed["exit_code"] == 1 and "broken trial" in failed["summary"]["error"]
    assert failed["summary"]["loss"] == result.trials[2].intermediate[2]  # no objective: the last value logged stays


def test_several_objectives_are_each_logged(runs_dir: Path, read_runs) -> None:
    config = {"method": "random", "metrics": [{"name": "loss", "goal": "minimize"}, {"name": "acc", "goal": "maximize"}],
              "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    result = hpcore.search(lambda t: [t.params["x"], 1 - t.params["x"]], config, backend="wandb", n_trials=3,
                           direction=["minimize", "maximize"], mode="offline", dir=runs_dir)
    for trial, run in zip(result.trials, read_runs(runs_dir)):
        assert (run["summary"]["loss"], run["summary"]["acc"]) == tuple(trial.values)
    unnamed = hpcore.search(lambda t: [1.0, 2.0, 3.0], {"x": hpcore.Float(0, 1)}, backend="wandb", n_trials=1,
                            direction=["min", "max", "min"], method="bayes", mode="offline", dir=runs_dir / "b")
    (run,) = read_runs(runs_dir / "b")
    assert [run["summary"][f"objective_{i}"] for i in range(3)] == unnamed.trials[0].values


def test_define_by_run_parameters_join_the_run_config(runs_dir: Path, read_runs) -> None:
    def objective(trial: hpcore.Trial) -> float:
        assert trial.wandb_run is not None and dict(trial.wandb_run.config) == {}
        return trial.suggest_float("lr", 1e-4, 1e-1, log=True) + trial.suggest_int("layers", 1, 3)

    result = hpcore.search(objective, None, backend="wandb", n_trials=2, method="bayes", mode="offline", dir=runs_dir)
    assert [r["config"] for r in read_runs(runs_dir)] == [t.params for t in result.trials]


def test_disabled_mode_logs_nothing_yet_wandb_log_works(runs_dir: Path) -> None:
    def objective(trial: hpcore.Trial) -> float:
        import wandb

        wandb.log({"x": 1})
        return 0.0

    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="wandb", n_trials=2, mode="disabled", dir=runs_dir)
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
    assert not list(runs_dir.rglob("*.wandb")) and result.native.run_dirs == {}


def test_a_wandb_failure_never_fails_the_search(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import wandb

    def broken_init(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(wandb, "init", broken_init)
    with caplog.at_level("WARNING", logger="hp_wandb"):
        result = hpcore.search(lambda t: 1.0, {"x": hpcore.Float(0, 1)}, backend="wandb", n_trials=4, mode="offline")
    assert [t.state for t in result.trials] == [TrialState.COMPLETE] * 4
    raised = [r for r in caplog.records if "W&B raised" in r.getMessage()]
    assert len(raised) == 1 and "disk full" in (raised[0].exc_text or "")


def test_a_resumed_bayes_sweep_replays_the_journal_into_its_model(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    config = {**BRANIN, "parameters": {**BRANIN["parameters"], "k": {"values": [(1, 2), "a"]},
                                        "s": {"distribution": "q_normal", "mu": 0, "sigma": 1, "q": 1}}}

    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 1:
            raise TrialPruned()
        return branin(trial.params["x1"], trial.params["x2"])

    first = hpcore.search(objective, config, backend="wandb", n_trials=4, seed=0, mode="disabled", journal=journal)
    second = hpcore.search(objective, config, backend="wandb", n_trials=2, seed=0, mode="disabled", journal=journal)
    stored = second.native.optuna_study.get_trials(deepcopy=False)
    assert len(stored) == 6 and [t.number for t in second.trials] == list(range(6))
    assert [t.values for t in stored[:4]] == [t.values or None for t in first.trials]
    assert stored[1].state.name == "PRUNED"
    assert [t.params["x1"] for t in stored[:4]] == [t.params["x1"] for t in first.trials]
    assert all({"x1", "x2", "k", "s"} <= set(t.params) for t in stored[:4])


@pytest.mark.filterwarnings("ignore:Choices for a categorical distribution")  # Optuna's, for this test's own distribution()
def test_bayes_samples_a_neutral_space_from_hp_optunas_distributions(tmp_path: Path) -> None:
    """One translation of neutral parameters into Optuna's: the optuna backend's (hp_optuna.distribution)."""
    from hp_optuna import distribution

    space = {
        "x": hpcore.Float(0.0, 1.0, step=0.25), "n": hpcore.Int(1, 64, log=True),
        "k": hpcore.Categorical([(1, 2), "a", None]),
    }
    journal = tmp_path / "journal.jsonl"
    first = hpcore.search(lambda t: t.params["x"], space, backend="wandb", method="bayes", n_trials=3, seed=0, mode="disabled", journal=journal)
    stored = first.native.optuna_study.get_trials(deepcopy=False)
    assert all(t.distributions == {name: distribution(p) for name, p in space.items()} for t in stored)
    assert [t.params["k"] for t in first.trials] == [t.params["k"] for t in stored]  # the choice objects themselves
    again = hpcore.search(lambda t: t.params["x"], space, backend="wandb", method="bayes", n_trials=1, seed=0, mode="disabled", journal=journal)
    replayed = again.native.optuna_study.get_trials(deepcopy=False)[:3]
    assert [t.params for t in replayed] == [t.params for t in first.trials]
    assert [t.system_attrs["hpcore:number"] for t in replayed] == [0, 1, 2]
