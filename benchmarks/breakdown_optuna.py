"""Where hpcore + hp-optuna's per-trial cost goes, layer by layer, against raw `study.optimize`.

Each row runs 2,000 in-memory `RandomSampler(seed=0)` trials of the 4-parameter space of
`bench_optuna.py` through `study.optimize`, adding one layer at a time:
raw suggest calls; hp-optuna's neutral → Optuna translation; the core's `execute_trial`
with hp-optuna's handle; the whole `hpcore.search`. Interleaved, the heap collected before
each run, medians.

    .venv/bin/python benchmarks/breakdown_optuna.py [--reps 9] [--no-gc]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import optuna
from bench_optuna import SPACE, hpcore_objective, raw_objective
from hp_optuna.distributions import space_distributions
from hp_optuna.trial import OptunaTrial

import hpcore
from hpcore import execute_trial
from hpcore.space import NeutralSpace

N_TRIALS = 2000
NEUTRAL = NeutralSpace(SPACE)
DISTRIBUTIONS = space_distributions(NEUTRAL)


def translated(trial: optuna.Trial) -> float:
    handle = OptunaTrial(trial, DISTRIBUTIONS)
    params = {name: handle._sample(name, param) for name, param in SPACE.items()}
    return params["x"] ** 2


def executed(trial: optuna.Trial) -> float:
    record, _ = execute_trial(
        hpcore_objective, OptunaTrial(trial, DISTRIBUTIONS), space=NEUTRAL, n_objectives=1, compute_objective=None, catch=(Exception,)
    )
    return record.values[0]


def in_optuna(objective: Callable[[optuna.Trial], float]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        study.optimize(objective, n_trials=N_TRIALS)
        return time.perf_counter() - started

    return run


def whole_search() -> float:
    started = time.perf_counter()
    hpcore.search(hpcore_objective, SPACE, backend="optuna", n_trials=N_TRIALS, sampler=optuna.samplers.RandomSampler(seed=0))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--no-gc", action="store_true", help="disable the garbage collector for every run")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.no_gc:
        gc.disable()
    layers: dict[str, Callable[[], Any]] = {
        "raw study.optimize": in_optuna(raw_objective),
        "+ hp-optuna translation": in_optuna(translated),
        "+ core execute_trial": in_optuna(executed),
        "hpcore.search (all)": whole_search,
    }
    for run in layers.values():
        run()  # warm up
    times: dict[str, list[float]] = {name: [] for name in layers}
    for _ in range(args.reps):
        for name, run in layers.items():
            gc.collect()  # as bench_optuna.py: no run pays for collecting another's garbage
            times[name].append(run())
    base = statistics.median(times["raw study.optimize"])
    print(f"| layer (gc {'off' if args.no_gc else 'on'}) | median s | ratio | µs per trial over raw |\n|---|---|---|---|")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"| {name} | {median:.3f} | {median / base:.3f} | {(median - base) / N_TRIALS * 1e6:+.1f} |")


if __name__ == "__main__":
    main()
