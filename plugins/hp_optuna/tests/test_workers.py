"""Scale out and resume with real processes: two workers on one storage; a worker killed with SIGKILL and restarted."""

from __future__ import annotations

import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState as OptunaState

import hpcore
from hpcore import TrialState

pytestmark = pytest.mark.slow


def storage_arg(kind: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'runs.db'}" if kind == "sqlite" else str(tmp_path / "runs.log")


def load(kind: str, storage: str, name: str) -> optuna.Study:
    if kind == "journal":
        storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(storage))
    return optuna.load_study(study_name=name, storage=storage)


@pytest.mark.parametrize("kind", ["journal", "sqlite"])
def test_two_processes_share_one_study(kind: str, tmp_path: Path, worker) -> None:
    storage = storage_arg(kind, tmp_path)
    if kind == "sqlite":
        optuna.create_study(storage=storage, study_name="shared")  # created once, so the two workers only load it
    workers = [worker.start(storage, "shared", 12) for _ in range(2)]
    reports = [worker.finish(w) for w in workers]
    ran = [n for r in reports for n in r["ran"]]
    assert sorted(ran) == list(range(24)), "every trial number once, none lost"
    stored = load(kind, storage, "shared").trials
    assert [t.number for t in stored] == list(range(24))
    assert all(t.state == OptunaState.COMPLETE for t in stored)
    assert max(len(r["result"]) for r in reports) == 24  # the last to finish sees every trial


@pytest.mark.parametrize("kind", ["journal", "sqlite"])
def test_two_processes_stop_together_at_max_trials(kind: str, tmp_path: Path, worker) -> None:
    storage = storage_arg(kind, tmp_path)
    if kind == "sqlite":
        optuna.create_study(storage=storage, study_name="shared")
    workers = [worker.start(storage, "shared", 40, "--max-trials", 20) for _ in range(2)]
    reports = [worker.finish(w) for w in workers]
    stored = load(kind, storage, "shared").trials
    # Each worker checks the total after each trial; two that check at the same instant may
    # both start one more, so the total is 20, or 21 at worst with two workers.
    assert 20 <= len(stored) <= 21
    assert sorted(n for r in reports for n in r["ran"]) == list(range(len(stored)))
    assert all(t.state == OptunaState.COMPLETE for t in stored)


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_killed_search_resumes_where_it_stopped(kind: str, tmp_path: Path, worker) -> None:
    storage = storage_arg(kind, tmp_path)
    marker = tmp_path / "hanging"
    proc = worker.start(storage, "resumable", 10, "--max-trials", 10, "--hang-at", 4, "--marker", marker)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the worker never reached trial 4"
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no clean-up runs
    proc.wait()
    before = load(kind, storage, "resumable").trials
    assert [t.state for t in before] == [OptunaState.COMPLETE] * 4 + [OptunaState.RUNNING]
    if kind == "sqlite":
        time.sleep(3)  # the 1-second heartbeat's grace period (2 s) passes: trial 4 is now stale

    report = worker.finish(worker.start(storage, "resumable", 10, "--max-trials", 10))
    after = load(kind, storage, "resumable").trials
    assert [(t.params, t.values) for t in after[:4]] == [(t.params, t.values) for t in before[:4]]
    if kind == "sqlite":
        # the heartbeat marks the killed trial FAIL; 5 more trials reach the total of 10
        assert after[4].state == OptunaState.FAIL
        assert report["ran"] == [5, 6, 7, 8, 9]
        assert report["result"] == list(range(10))
    else:
        # a journal file has no heartbeat: the killed trial stays RUNNING and counts toward max_trials
        assert after[4].state == OptunaState.RUNNING
        assert report["ran"] == [5, 6, 7, 8, 9]
        assert report["result"] == [0, 1, 2, 3, 5, 6, 7, 8, 9]
    assert len(after) == 10
    assert all(t.state == OptunaState.COMPLETE for t in after[5:])


def test_n_jobs_runs_trials_in_parallel_threads() -> None:
    import threading

    barrier = threading.Barrier(2, timeout=60)
    threads = set()

    def objective(trial: hpcore.Trial) -> float:
        threads.add(threading.get_ident())
        if trial.number < 2:
            barrier.wait()  # passes only when two trials run at the same time
        return trial.suggest_float("x", 0, 1)

    result = hpcore.search(objective, backend="optuna", n_trials=8, n_jobs=2)
    assert len(result.trials) == 8
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
    assert len(threads) == 2
