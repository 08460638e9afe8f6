"""One worker against three worker processes on one PostgreSQL study (hp-optuna, a throwaway server on 127.0.0.1).

Every trial sleeps 0.2 s (it stands for the real work); 60 trials in all: one worker runs 60,
or three started at once run 20 each. A run's time is wall time, from starting the processes
to the last one's exit (Python start-up and imports included): the target bounds the ratio of
those. Its span, from the first trial's start to the last trial's end as the storage holds
them, leaves start-up out. Runs are interleaved (one, three, then three, one, ...) and medians
compared; each run has a new study, created before its workers start, and is checked to hold
60 COMPLETE trials.

The workers are `plugins/hp_optuna/tests/worker.py` (a 1-second heartbeat) and the server
comes from that folder's `postgres.py`, as in the tests: benchmarks/ is not a package, so
this script puts that folder first on sys.path, and the server code lives once, beside the
tests that CI runs. Usage:

    .venv/bin/python benchmarks/bench_postgres.py [--reps 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import optuna

TESTS = Path(__file__).resolve().parent.parent / "plugins" / "hp_optuna" / "tests"
sys.path.insert(0, str(TESTS))

import postgres  # noqa: E402

TRIALS, SLEEP, TARGET = 60, 0.2, 0.40


def run(url: str, name: str, workers: int) -> tuple[float, float]:
    """Wall and span seconds for `workers` processes to run TRIALS trials of a new study between them."""
    optuna.create_study(storage=url, study_name=name)
    command = [sys.executable, str(TESTS / "worker.py"), url, name, str(TRIALS // workers), "--sleep", str(SLEEP)]
    started = time.perf_counter()
    procs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(workers)]
    errors = [proc.communicate()[1] for proc in procs]
    elapsed = time.perf_counter() - started
    assert all(proc.returncode == 0 for proc in procs), errors
    trials = optuna.load_study(study_name=name, storage=url).trials
    assert [t.number for t in trials] == list(range(TRIALS))
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    span = max(t.datetime_complete for t in trials) - min(t.datetime_start for t in trials)
    return elapsed, span.total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="interleaved pairs of runs")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    times: dict[int, list[tuple[float, float]]] = {1: [], 3: []}
    with postgres.server() as url:
        run(url, "warm-up", 3)
        for rep in range(args.reps):
            for workers in (1, 3) if rep % 2 == 0 else (3, 1):
                times[workers].append(run(url, f"rep{rep}-workers{workers}", workers))
    wall = {w: statistics.median(t[0] for t in runs) for w, runs in times.items()}
    span = {w: statistics.median(t[1] for t in runs) for w, runs in times.items()}
    pairs = statistics.median(t[0] / o[0] for t, o in zip(times[3], times[1]))
    print(f"{TRIALS} trials of {SLEEP} s on one PostgreSQL study, {args.reps} interleaved pairs of runs\n")
    print("| workers | trials each | median wall s | wall of each run (s) | median span s |\n|---|---|---|---|---|")
    for workers, each in ((1, TRIALS), (3, TRIALS // 3)):
        runs = ", ".join(f"{t[0]:.2f}" for t in times[workers])
        print(f"| {workers} | {each} | {wall[workers]:.2f} | {runs} | {span[workers]:.2f} |")
    print(f"\nratio three/one, wall: {wall[3] / wall[1]:.3f} (pair ratio {pairs:.3f}; target at most {TARGET:.2f}); "
          f"span: {span[3] / span[1]:.3f}")


if __name__ == "__main__":
    main()
