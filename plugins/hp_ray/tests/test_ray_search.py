"""The ray backend end to end on the session's Ray instance: spaces, directions, schedulers, failures, shipping."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from ray import tune
from ray.tune.result_grid import ResultGrid
from ray.tune.schedulers import AsyncHyperBandScheduler, ASHAScheduler, MedianStoppingRule

import hpcore
from hp_ray.errors import NotShippable
from hpcore.errors import InvalidArgument, UnknownParameter
from hpcore import TrialState

TRANSFORMERS_SPACE = {
    "learning_rate": tune.loguniform(1e-6, 1e-4),
    "per_device_train_batch_size": tune.choice([16, 32, 64, 128]),
}


def lr_objective(trial: hpcore.Trial) -> dict[str, float]:
    lr = trial.params["learning_rate"]
    return {"eval_loss": abs(lr - 3e-5) * 1e4 + trial.params["per_device_train_batch_size"] / 1000, "epoch": 1.0}


def test_native_space_as_transformers_users_write_it(storage: str) -> None:
    result = hpcore.search(lr_objective, TRANSFORMERS_SPACE, backend="ray", n_trials=6, storage_path=storage)
    assert len(result.trials) == 6 and sorted(t.number for t in result.trials) == list(range(6))
    for trial in result.trials:
        assert trial.state is TrialState.COMPLETE
        assert 1e-6 <= trial.params["learning_rate"] <= 1e-4
        assert trial.params["per_device_train_batch_size"] in (16, 32, 64, 128)
    assert result.best_trial.value == min(t.value for t in result.trials)
    assert isinstance(result.native, ResultGrid) and len(result.native) == 6


def test_a_nested_native_space_is_read_as_tune_reads_it(storage: str) -> None:
    space = {"optim": {"lr": tune.loguniform(1e-4, 1e-1)}, "layers": 2}
    result = hpcore.search(lambda t: t.params["optim"]["lr"], space, backend="ray", n_trials=3, storage_path=storage)
    assert all(1e-4 <= t.params["optim"]["lr"] <= 1e-1 and t.params["layers"] == 2 for t in result.trials)
    assert result.best_trial.value == min(t.value for t in result.trials)


def test_space_function_called_with_none_and_grid_search(storage: str) -> None:
    def hp_space(trial: object) -> dict:
        assert trial is None
        return {"x": tune.uniform(0, 1), "opt": tune.grid_search(["adam", "sgd", "lion"])}

    result = hpcore.search(
        lambda t: t.params["x"] + (t.params["opt"] == "sgd"), hp_space, backend="ray", n_trials=5, storage_path=storage,
        max_concurrent_trials=1,
    )
    assert len(result.trials) == 5
    assert [t.params["opt"] for t in result.trials] == ["adam", "sgd", "lion", "adam", "sgd"]


def test_a_trial_that_raises_is_failed_and_the_search_goes_on(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        if trial.number % 3 == 1:
            raise RuntimeError(f"trial {trial.number} broke")
        return float(trial.params["x"])

    result = hpcore.search(objective, {"x": hpcore.Int(0, 100)}, backend="ray", n_trials=6, storage_path=storage)
    failed = [t for t in result.trials if t.state is TrialState.FAILED]
    complete = [t for t in result.trials if t.state is TrialState.COMPLETE]
    assert [t.number for t in failed] == [1, 4]
    assert all("RuntimeError: trial" in t.error and "broke" in t.error for t in failed)
    assert result.best_trial.value == min(t.value for t in complete)
    assert result.best_trial.state is TrialState.COMPLETE


def test_several_objectives_with_the_default_search(storage: str) -> None:
    result = hpcore.search(
        lambda t: [t.params["x"], (t.params["x"] - 1) ** 2],
        {"x": hpcore.Float(0, 2)},
        direction=["max", "min"],
        backend="ray",
        n_trials=6,
        storage_path=storage,
    )
    assert all(len(t.values) == 2 for t in result.trials)
    front = {t.number for t in result.best_trials}
    assert max(result.trials, key=lambda t: t.values[0]).number in front


def test_several_objectives_with_optuna_search(storage: str) -> None:
    pytest.importorskip("optuna")
    from ray.tune.search.optuna import OptunaSearch

    result = hpcore.search(
        lambda t: [t.params["x"], -t.params["x"]],
        {"x": hpcore.Float(0, 1)},
        direction=["minimize", "minimize"],
        backend="ray",
        n_trials=5,
        storage_path=storage,
        search_alg=OptunaSearch(seed=0),
    )
    assert len(result.trials) == 5 and all(t.state is TrialState.COMPLETE for t in result.trials)
    assert {t.number for t in result.best_trials} == {t.number for t in result.trials}  # all on the front


def test_a_scheduler_with_several_objectives_is_refused_before_anything_starts(storage: str) -> None:
    with pytest.raises(InvalidArgument, match="AsyncHyperBandScheduler stops trials by one metric"):
        hpcore.search(
            lambda t: [1.0, 2.0], {"x": hpcore.Float(0, 1)}, direction=["min", "max"], backend="ray",
            scheduler=ASHAScheduler(), storage_path=storage,
        )
    assert not Path(storage).exists()


def learning_curve(trial: hpcore.Trial) -> float:
    """Trial k reports k + 1/(step+1): later trials are worse at every step."""
    for step in range(8):
        trial.report(trial.number + 1 / (step + 1), step)
    return float(trial.number)


@pytest.mark.parametrize(
    "scheduler",
    [
        lambda: ASHAScheduler(max_t=100, grace_period=1, reduction_factor=2),
        lambda: AsyncHyperBandScheduler(max_t=100, grace_period=1, reduction_factor=2),
        lambda: MedianStoppingRule(time_attr="training_iteration", grace_period=1, min_samples_required=1),
    ],
    ids=["asha", "async_hyperband", "median_stopping"],
)
def test_the_scheduler_stops_bad_trials_and_they_are_pruned(storage: str, scheduler) -> None:
    result = hpcore.search(
        learning_curve, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=5, storage_path=storage,
        scheduler=scheduler(), max_concurrent_trials=1,
    )
    assert len(result.trials) == 5
    pruned = [t for t in result.trials if t.state is TrialState.PRUNED]
    assert pruned, [t.state for t in result.trials]
    for trial in pruned:
        assert trial.values == [] and trial.intermediate
        assert all(trial.intermediate[s] == trial.number + 1 / (s + 1) for s in trial.intermediate)
        assert len(trial.intermediate) < 8
    assert result.trials[0].state is TrialState.COMPLETE
    assert result.best_trial.number == 0


def test_observers_hear_every_report_and_not_the_last_result(storage: str) -> None:
    heard: list[tuple[int, float, int]] = []

    class Reports:
        @hpcore.hookimpl
        def hpcore_trial_reported(self, trial, value, step):
            heard.append((trial.number, value, step))

    def objective(trial: hpcore.Trial) -> float:
        trial.report(1.0, -1)  # any int is a step, a negative one too
        trial.report(2.0, 0)
        return 3.0

    hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=3, storage_path=storage, observers=[Reports()])
    assert sorted(heard) == [(n, v, s) for n in range(3) for v, s in ((1.0, -1), (2.0, 0))]


def test_options_reach_tune(storage: str) -> None:
    class Counting(tune.Callback):
        def __init__(self) -> None:
            self.completed: list[str] = []

        def on_trial_complete(self, iteration, trials, trial, **info) -> None:
            self.completed.append(trial.trial_id)

    counting = Counting()
    result = hpcore.search(
        lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=3, storage_path=storage,
        name="named-run", callbacks=[counting], resources_per_trial={"cpu": 1}, max_concurrent_trials=1,
        reuse_actors=False,
    )
    assert Path(storage, "named-run").is_dir() and Path(storage, "named-run", "hpcore_trials.jsonl").is_file()
    assert sorted(counting.completed) == sorted(t.user_attrs["ray_trial_id"] for t in result.trials)


def test_unknown_options_and_foreign_metrics_are_refused(storage: str) -> None:
    with pytest.raises(InvalidArgument, match="no option 'num_samples'"):
        hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="ray", num_samples=3)
    with pytest.raises(InvalidArgument, match="metric='loss'"):
        hpcore.search(
            lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="ray", storage_path=storage,
            scheduler=ASHAScheduler(metric="loss", mode="min"),
        )


def test_a_name_outside_the_sampled_space_ends_the_search(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        return trial.suggest_float("y", 0, 1)

    with pytest.raises(UnknownParameter, match="'y' is not in the space"):
        hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage)


def test_an_error_catch_does_not_cover_ends_the_search_on_the_driver(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        raise LookupError("not covered")

    with pytest.raises(LookupError, match="not covered"):
        hpcore.search(
            objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage, catch=(ValueError,)
        )


def test_an_objective_that_cannot_be_shipped_names_what_failed(storage: str) -> None:
    lock = threading.Lock()

    def objective(trial: hpcore.Trial) -> float:
        with lock:
            return trial.params["x"]

    with pytest.raises(NotShippable, match="the objective's variable 'lock' .*cannot be serialised"):
        hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage)
    assert not Path(storage).exists() or not any(Path(storage).rglob("result.json"))


class Big:
    """A large object that counts, in a file, how many times it is serialised."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.data = bytes(8 * 1024 * 1024)

    def __reduce__(self):
        with open(self.log, "a") as f:
            f.write("pickled\n")
        return (_rebuild, (str(self.log), len(self.data)))


def _rebuild(log: str, size: int) -> Big:
    big = Big.__new__(Big)
    big.log, big.data = Path(log), bytes(size)
    return big


def test_large_objects_travel_once_through_the_object_store(storage: str, tmp_path: Path) -> None:
    big = Big(tmp_path / "pickles.log")

    def objective(trial: hpcore.Trial) -> float:
        return len(big.data) * trial.params["x"]

    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=6, storage_path=storage)
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
    assert (tmp_path / "pickles.log").read_text().count("pickled") == 1


def test_a_retried_trial_is_one_trial_in_the_ledger(storage: str, tmp_path: Path) -> None:
    def objective(trial: hpcore.Trial) -> float:
        marker = tmp_path / f"crashed-{trial.number}"
        if trial.number == 1 and not marker.exists():
            marker.touch()
            os._exit(1)  # the worker process dies: Ray retries the trial
        return float(trial.number)

    result = hpcore.search(
        objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=3, storage_path=storage, max_failures=1
    )
    assert (tmp_path / "crashed-1").exists()
    assert sorted(t.number for t in result.trials) == [0, 1, 2]
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
    assert len({t.user_attrs["ray_trial_id"] for t in result.trials}) == 3


def test_a_trial_ray_gives_up_on_is_failed_with_rays_error(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 0:
            os._exit(1)
        return float(trial.number)

    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=3, storage_path=storage)
    states = {t.number: t.state for t in result.trials}
    assert states == {0: TrialState.FAILED, 1: TrialState.COMPLETE, 2: TrialState.COMPLETE}
    assert "Error" in result.trials[0].error
    assert result.best_trial.number == 1


def test_timeout_stops_starting_trials_and_running_ones_finish(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        import time

        time.sleep(1.0)
        return trial.params["x"]

    result = hpcore.search(
        objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=50, timeout=4.0, storage_path=storage
    )
    assert len(result.trials) < 50  # 50 one-second trials on 2 CPUs would take 25 s
    assert all(t.state is TrialState.COMPLETE for t in result.trials)


@pytest.mark.parametrize(
    "space, n_trials",
    [({"x": hpcore.Float(0, 1)}, 6), ({"x": tune.uniform(0, 1), "opt": tune.grid_search(["a", "b", "c"])}, 5)],
    ids=["random", "grid"],
)
def test_a_run_its_timeout_stopped_resumes_up_to_max_trials(storage: str, tmp_path: Path, space, n_trials) -> None:
    log = tmp_path / "runs.log"

    def objective(trial: hpcore.Trial) -> float:
        import time

        with log.open("a") as f:
            f.write(f"start {trial.number}\n")
        time.sleep(0.75)
        return trial.params["x"]

    options = dict(backend="ray", n_trials=n_trials, max_trials=n_trials, storage_path=storage, name="timed")
    first = hpcore.search(objective, space, timeout=1.5, **options)  # 2 CPUs: trials 4 and 5 cannot start in 1.5 s
    assert len(first.trials) < n_trials
    started_first = len(log.read_text().splitlines()) if log.exists() else 0

    second = hpcore.search(objective, space, resume=True, **options)
    assert [t.number for t in second.trials] == list(range(n_trials))
    assert all(t.state is TrialState.COMPLETE for t in second.trials)
    kept = {t.number: t for t in second.trials}
    for trial in first.trials:
        assert (kept[trial.number].params, kept[trial.number].values) == (trial.params, trial.values)
    started_again = [int(line.split()[1]) for line in log.read_text().splitlines()[started_first:]]
    assert not set(started_again) & {t.number for t in first.trials}, (started_again, first.trials)


def test_a_run_an_uncovered_error_ended_resumes_without_running_that_trial_again(storage: str) -> None:
    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 1:
            raise LookupError("not covered")  # raised again, it would end the resumed search too
        return trial.params["x"]

    options = dict(backend="ray", n_trials=4, max_trials=4, storage_path=storage, name="raised", catch=(ValueError,))
    with pytest.raises(LookupError, match="not covered"):
        hpcore.search(objective, {"x": hpcore.Float(0, 1)}, max_concurrent_trials=1, **options)
    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, max_concurrent_trials=1, resume=True, **options)
    assert [(t.number, t.state) for t in result.trials] == [
        (0, TrialState.COMPLETE), (1, TrialState.FAILED), (2, TrialState.COMPLETE), (3, TrialState.COMPLETE)
    ]
    assert "LookupError: not covered" in result.trials[1].error


def test_a_search_writes_each_trial_to_one_journal_the_users_or_the_run_directorys(storage: str, tmp_path: Path) -> None:
    def lines(path: Path) -> int:
        return len(path.read_text().splitlines())

    space, journal = {"x": hpcore.Float(0, 1)}, tmp_path / "given.jsonl"
    options = dict(backend="ray", n_trials=3, storage_path=storage, max_concurrent_trials=1)
    given = hpcore.search(lambda t: t.params["x"], space, name="given", journal=journal, **options)
    assert not Path(storage, "given", "hpcore_trials.jsonl").exists()  # journal= is the search's one journal
    assert [t.number for t in hpcore.read_journal(journal)[1]] == [t.number for t in given.trials] == [0, 1, 2]
    assert lines(journal) == 1 + 3  # the header, one line per trial

    hpcore.search(lambda t: t.params["x"], space, name="own", **options)
    run_journal = Path(storage, "own", "hpcore_trials.jsonl")
    assert lines(run_journal) == 1 + 3
    later = tmp_path / "later.jsonl"
    again = hpcore.search(lambda t: t.params["x"], space, name="own", resume=True, journal=later, **options)
    assert [t.number for t in again.trials] == list(range(6))
    assert lines(run_journal) == 1 + 3 and lines(later) == 1 + 3  # the run journal read, not written


def test_same_seed_same_configs_and_n_jobs_caps_concurrency(storage: str) -> None:
    runs = [
        hpcore.search(lambda t: t.params["x"], TRANSFORMERS_SPACE | {"x": tune.uniform(0, 1)}, backend="ray",
                      n_trials=4, seed=7, n_jobs=2, storage_path=storage)
        for _ in range(2)
    ]
    assert [t.params for t in runs[0].trials] == [t.params for t in runs[1].trials]


def test_a_seeded_search_keeps_the_concurrency_cap(storage: str, tmp_path: Path) -> None:
    log = tmp_path / "runs.log"

    def objective(trial: hpcore.Trial) -> float:
        import time

        with log.open("a") as f:
            f.write("start\n")
        time.sleep(0.3)
        with log.open("a") as f:
            f.write("end\n")
        return trial.params["x"]

    hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=3, seed=0, max_concurrent_trials=1,
                  storage_path=storage)
    assert log.read_text().split() == ["start", "end"] * 3  # one trial at a time on 2 CPUs


def test_a_seeded_search_with_several_objectives_samples_the_space(storage: str) -> None:
    runs = [
        hpcore.search(lambda t: [t.params["x"], 1 - t.params["x"]], {"x": hpcore.Float(0, 1)}, direction=["min", "max"],
                      backend="ray", n_trials=2, seed=3, storage_path=storage)
        for _ in range(2)
    ]
    assert all(t.state is TrialState.COMPLETE and 0 <= t.params["x"] <= 1 for t in runs[0].trials)
    assert [t.params for t in runs[0].trials] == [t.params for t in runs[1].trials]


def test_space_function_returning_a_neutral_space(storage: str) -> None:
    result = hpcore.search(
        lambda t: float(t.params["n"]), lambda trial: {"n": hpcore.Int(1, 3)}, backend="ray", n_trials=3,
        storage_path=storage,
    )
    assert all(type(t.params["n"]) is int and 1 <= t.params["n"] <= 3 for t in result.trials)


def test_a_search_leaves_the_signal_handlers_and_environment_as_it_found_them(storage: str) -> None:
    import signal

    usr1 = signal.getsignal(signal.SIGUSR1)
    hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=1, storage_path=storage)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGUSR1) is usr1
    assert "TUNE_DISABLE_SIGINT_HANDLER" not in os.environ


@pytest.mark.parametrize(
    "resources, asked",
    [({"cpu": 64}, "CPU 64"), ({"cpu": 1, "gpu": 1}, "GPU 1"), ({"cpu": 1, "custom_resources": {"tpu_v9": 2}}, "tpu_v9 2")],
    ids=["more_cpus", "a_gpu", "a_custom_resource"],
)
def test_resources_no_node_has_are_refused_before_the_run_starts(storage: str, resources, asked) -> None:
    with pytest.raises(InvalidArgument, match=f"asks one node for .*{asked}.* no node of this Ray cluster has") as info:
        hpcore.search(
            lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage, timeout=3.0,
            resources_per_trial=resources,
        )
    assert "the most one node has: CPU 2" in str(info.value), info.value
    assert not Path(storage).exists()


def test_resources_one_node_has_run(storage: str) -> None:
    result = hpcore.search(
        lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=2, storage_path=storage,
        resources_per_trial={"cpu": 2, "gpu": 0},
    )
    assert [t.state for t in result.trials] == [TrialState.COMPLETE] * 2
