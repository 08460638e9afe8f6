"""Several worker processes on one PostgreSQL study, on a throwaway server on 127.0.0.1 (conftest's `postgres_url`).

Workers are worker.py processes (a 1-second heartbeat), as in test_workers.py. Each study is
created once before its workers start, as docs/backends/optuna.md says to, so they only load it.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState as OptunaState

pytestmark = pytest.mark.slow


def stored(url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=name, storage=url).trials


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_three_processes_share_one_study(postgres_url: str, worker) -> None:
    optuna.create_study(storage=postgres_url, study_name="shared")
    workers = [worker.start(postgres_url, "shared", 10, "--sleep", 0.1) for _ in range(3)]
    reports = [worker.finish(w) for w in workers]
    assert sorted(n for r in reports for n in r["ran"]) == list(range(30)), "every trial number once, none lost"
    trials = stored(postgres_url, "shared")
    assert [t.number for t in trials] == list(range(30))
    assert all(t.state == OptunaState.COMPLETE for t in trials)
    assert max(len(r["result"]) for r in reports) == 30  # the last to finish sees every trial
    # they searched at once: some worker's numbers are not one block (others took numbers in between)
    assert any(r["ran"] != list(range(r["ran"][0], r["ran"][0] + len(r["ran"]))) for r in reports)


def test_three_processes_stop_together_at_max_trials(postgres_url: str, worker) -> None:
    optuna.create_study(storage=postgres_url, study_name="capped")
    workers = [worker.start(postgres_url, "capped", 40, "--max-trials", 15) for _ in range(3)]
    reports = [worker.finish(w) for w in workers]
    trials = stored(postgres_url, "capped")
    # docs/backends/optuna.md: max_trials may be passed by one trial per worker that checks the
    # total at the same instant as another. The worker that starts the 15th trial sees 15 after
    # it and starts none; each of the other two may have checked just before: 17 at worst.
    assert 15 <= len(trials) <= 17
    assert sorted(n for r in reports for n in r["ran"]) == list(range(len(trials)))
    assert all(t.state == OptunaState.COMPLETE for t in trials)


def test_killed_worker_loses_only_its_running_trial(postgres_url: str, tmp_path: Path, worker) -> None:
    marker = tmp_path / "hanging"
    optuna.create_study(storage=postgres_url, study_name="killed")
    victim = worker.start(postgres_url, "killed", 10, "--hang-at", 3, "--marker", marker)
    try:
        wait_for(marker.exists, victim, "the worker never reached trial 3")
        others = [worker.start(postgres_url, "killed", 8) for _ in range(2)]
        wait_for(lambda: len(stored(postgres_url, "killed")) > 5, victim, "the other workers never started a trial")
    finally:
        victim.kill()  # SIGKILL, mid-trial 3, while the others search: no clean-up runs
        victim.wait()
    killed_at = time.monotonic()
    reports = [worker.finish(w) for w in others]
    before = stored(postgres_url, "killed")
    assert [t.number for t in before] == list(range(20))  # the victim's 0-3 and the others' 16
    assert sorted(n for r in reports for n in r["ran"]) == list(range(4, 20))
    assert [t.number for t in before if t.state != OptunaState.COMPLETE] == [3]
    # trial 3 is FAIL once its heartbeat is older than the grace period (2 x 1 s) and a worker starts a trial
    time.sleep(max(0.0, killed_at + 3 - time.monotonic()))

    report = worker.finish(worker.start(postgres_url, "killed", 4))
    after = stored(postgres_url, "killed")
    assert after[3].state == OptunaState.FAIL
    assert [(t.params, t.values) for t in after[:20]] == [(t.params, t.values) for t in before]
    assert report["ran"] == [20, 21, 22, 23]
    assert report["result"] == list(range(24))
    assert all(t.state == OptunaState.COMPLETE for t in after if t.number != 3)
