"""A search run as its own process, for the resume and several-workers tests and benchmarks/bench_postgres.py.

    python worker.py STORAGE STUDY_NAME N_TRIALS [--max-trials N] [--sleep SECONDS] [--hang-at NUMBER --marker PATH]

STORAGE is a URL (opened with a 1-second heartbeat) or a path ending in .log (a journal file).
Each trial sleeps --sleep seconds (default 0.01, long enough for the workers to interleave).
With --hang-at, the trial of that number writes MARKER and sleeps until the test kills the process.
Prints one JSON line: the numbers of the trials this process ran and the numbers its result holds.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import optuna

import hpcore

SPACE = {"x": hpcore.Float(-5, 5), "n": hpcore.Int(1, 8)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("storage")
    parser.add_argument("study_name")
    parser.add_argument("n_trials", type=int)
    parser.add_argument("--max-trials", type=int)
    parser.add_argument("--sleep", type=float, default=0.01)
    parser.add_argument("--hang-at", type=int)
    parser.add_argument("--marker")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    ran: list[int] = []

    def objective(trial: hpcore.Trial) -> float:
        ran.append(trial.number)
        if trial.number == args.hang_at:
            Path(args.marker).write_text(str(trial.number))
            time.sleep(600)
        time.sleep(args.sleep)
        return (trial.params["x"] - 1) ** 2 + trial.params["n"]

    options: dict = {"study_name": args.study_name}
    if args.storage.endswith(".log"):
        backend = optuna.storages.journal.JournalFileBackend(args.storage)
        options["storage"] = optuna.storages.JournalStorage(backend)
    else:
        options.update(storage=args.storage, heartbeat_interval=1)
    result = hpcore.search(
        objective, SPACE, backend="optuna", n_trials=args.n_trials, max_trials=args.max_trials, **options
    )
    print(json.dumps({"ran": ran, "result": [t.number for t in result.trials]}))


if __name__ == "__main__":
    main()
