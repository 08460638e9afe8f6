"""hpcore + hp-optuna against raw ``optuna.Study.optimize``: same sampler, same seed, same space.

Space: {x: Float(-5, 5), lr: Float(1e-5, 1e-1, log=True), n: Int(1, 8), act: Categorical(3)},
a trivial objective. Runs are interleaved (raw, hpcore, then hpcore, raw, ...) and the
medians are compared. The `random-dbr` case has hpcore's objective call `trial.suggest_*`
(define-by-run) instead of passing the space. Usage:

    .venv/bin/python benchmarks/bench_optuna.py [--reps 15] [--case random tpe journal random-dbr]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import optuna

import hpcore

SPACE = {
    "x": hpcore.Float(-5, 5),
    "lr": hpcore.Float(1e-5, 1e-1, log=True),
    "n": hpcore.Int(1, 8),
    "act": hpcore.Categorical(["relu", "tanh", "gelu"]),
}
ACTS = ("relu", "tanh", "gelu")
@dataclass(frozen=True)
class Case:
    make_sampler: Callable[[], optuna.samplers.BaseSampler]
    n_trials: int
    journal: bool = False  # a journal file storage instead of memory
    define_by_run: bool = False  # hpcore's objective calls trial.suggest_* instead of taking SPACE
    limit: float | None = None  # the limit on the ratio; None: measured, not bounded


CASES = {
    "random": Case(lambda: optuna.samplers.RandomSampler(seed=0), 2000, limit=1.05),
    "tpe": Case(lambda: optuna.samplers.TPESampler(seed=0), 500, limit=1.05),
    "journal": Case(lambda: optuna.samplers.RandomSampler(seed=0), 500, journal=True, limit=1.05),
    "random-dbr": Case(lambda: optuna.samplers.RandomSampler(seed=0), 2000, define_by_run=True, limit=1.05),
}


def raw_objective(trial: optuna.Trial | hpcore.Trial) -> float:
    """The space as `suggest_*` calls: raw Optuna's objective, and hpcore's define-by-run one (same calls)."""
    x = trial.suggest_float("x", -5, 5)
    trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_int("n", 1, 8)
    trial.suggest_categorical("act", ACTS)
    return x * x


def hpcore_objective(trial: hpcore.Trial) -> float:
    return trial.params["x"] ** 2


def storage(tmp: Path, journal: bool, run: int) -> optuna.storages.BaseStorage | None:
    if not journal:
        return None
    path = tmp / f"run-{run}.log"
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))


def time_raw(case: str, tmp: Path, run: int) -> float:
    spec = CASES[case]
    started = time.perf_counter()
    study = optuna.create_study(sampler=spec.make_sampler(), storage=storage(tmp, spec.journal, run))
    study.optimize(raw_objective, n_trials=spec.n_trials)
    return time.perf_counter() - started


def time_hpcore(case: str, tmp: Path, run: int) -> float:
    spec = CASES[case]
    started = time.perf_counter()
    result = hpcore.search(
        raw_objective if spec.define_by_run else hpcore_objective,
        None if spec.define_by_run else SPACE,
        backend="optuna",
        n_trials=spec.n_trials,
        sampler=spec.make_sampler(),
        storage=storage(tmp, spec.journal, run),
    )
    assert len(result.trials) == spec.n_trials
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15, help="interleaved pairs of runs per case")
    parser.add_argument("--case", nargs="+", choices=sorted(CASES), default=list(CASES))
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    runs: list[tuple[str, Callable[[str, Path, int], float]]] = [("raw", time_raw), ("hpcore", time_hpcore)]
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for case in args.case:
            time_raw(case, tmp, -1), time_hpcore(case, tmp, -2)  # warm both paths up
        print(f"{'case':10} {'trials':>6} {'raw s':>8} {'hpcore s':>9} {'ratio':>6} {'pair ratio':>10} {'limit':>6}")
        for case in args.case:
            times: dict[str, list[float]] = {"raw": [], "hpcore": []}
            for rep in range(args.reps):
                order = runs if rep % 2 == 0 else runs[::-1]
                for i, (label, run) in enumerate(order):
                    gc.collect()  # each run starts from a collected heap, not the other's garbage
                    times[label].append(run(case, tmp, rep * 2 + i))
            raw, ours = statistics.median(times["raw"]), statistics.median(times["hpcore"])
            pairs = statistics.median(h / r for h, r in zip(times["hpcore"], times["raw"]))
            limit = "-" if CASES[case].limit is None else f"{CASES[case].limit:.2f}"
            print(f"{case:10} {CASES[case].n_trials:>6} {raw:8.3f} {ours:9.3f} {ours / raw:6.3f} {pairs:10.3f} {limit:>6}", flush=True)


if __name__ == "__main__":
    main()
