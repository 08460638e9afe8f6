"""Searches under `torchrun --nproc_per_node=2` (gloo, CPU): every rank trains every trial with the same values."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import hpcore

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ddp_search.py")
pytestmark = pytest.mark.slow


def torchrun(out, backend, scenario, timeout=240):
    """Run the search under torchrun; on a hang, kill every process it started, then fail."""
    started = time.monotonic()
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", SCRIPT, str(out), backend, scenario]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1"}) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"torchrun ran {timeout} s: a rank hung")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), time.monotonic() - started


def trained(out, rank):
    with open(out / f"rank{rank}.jsonl") as f:
        return [json.loads(line) for line in f]


def best(out, rank):
    with open(out / f"best{rank}.json") as f:
        return json.load(f)


@pytest.mark.parametrize("backend", ["optuna", "wandb", "random", "grid"])
def test_every_rank_trains_every_trial_with_the_same_values(tmp_path, backend):
    run, _ = torchrun(tmp_path, backend, "plain")
    assert run.returncode == 0, run.stderr[-3000:]
    assert trained(tmp_path, 0) == trained(tmp_path, 1) and len(trained(tmp_path, 0)) == 4
    assert best(tmp_path, 0) == best(tmp_path, 1)
    journal = hpcore.read_journal(tmp_path / "journal.jsonl")[1]
    assert [t.params["learning_rate"] for t in journal] == [r["lr"] for r in trained(tmp_path, 0)]


def test_pruning_stops_every_rank_at_the_same_step(tmp_path):
    run, _ = torchrun(tmp_path, "optuna", "prune")
    assert run.returncode == 0, run.stderr[-3000:]
    steps = [r["steps"] for r in trained(tmp_path, 0)]
    assert trained(tmp_path, 0) == trained(tmp_path, 1)
    states = [t.state for t in hpcore.read_journal(tmp_path / "journal.jsonl")[1]]
    assert hpcore.TrialState.PRUNED in states and min(steps) < max(steps), (states, steps)


def test_a_timeout_ends_every_rank(tmp_path):
    run, _ = torchrun(tmp_path, "random", "timeout")
    assert run.returncode == 0, run.stderr[-3000:]
    assert trained(tmp_path, 0) == trained(tmp_path, 1) and 1 <= len(trained(tmp_path, 0)) < 50
    assert best(tmp_path, 0) == best(tmp_path, 1)


def test_one_ranks_exception_ends_every_rank_without_a_hang(tmp_path):
    run, seconds = torchrun(tmp_path, "grid", "fail")
    assert run.returncode != 0 and seconds < 100  # ddp_timeout is 120 s: nobody waited for it
    assert "rank 1 cannot build the model of trial 1" in run.stderr
    assert "DistributedTrialFailed: trial 1 failed on rank 0" in run.stderr  # rank 0 ended too, with a clear error
    journal = hpcore.read_journal(tmp_path / "journal.jsonl")[1]
    assert [t.state for t in journal] == [hpcore.TrialState.COMPLETE, hpcore.TrialState.FAILED]


def test_ray_under_torchrun_is_refused(tmp_path):
    run, _ = torchrun(tmp_path, "ray", "plain")
    assert run.returncode != 0 and "cannot run under torchrun" in run.stderr
