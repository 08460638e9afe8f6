"""Core benchmarks: import cost, the core loop against raw Optuna, best-run selection at scale.

Run: `make bench`, or `.venv/bin/python benchmarks/bench_core.py [--repeats N]`.
Every comparison is measured side by side, interleaved, and reported as medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

import hpcore
from hpcore import Direction, FrozenTrial, TrialState
from hpcore.selection import select_best

SPACE = {
    "x": hpcore.Float(-5, 5),
    "lr": hpcore.Float(1e-5, 1e-1, log=True),
    "n": hpcore.Int(1, 8),
    "act": hpcore.Categorical(["relu", "gelu", "tanh"]),
}
HEAVY = ("optuna", "ray", "wandb", "torch", "transformers")


def run_seconds(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - started


def bench_import(repeats: int) -> None:
    bare, light = [], []
    for _ in range(repeats):
        bare.append(run_seconds([sys.executable, "-c", "pass"]))
        light.append(run_seconds([sys.executable, "-c", "import hpcore"]))
    code = f"import sys, hpcore; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    heavy = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    added = (statistics.median(light) - statistics.median(bare)) * 1000
    print("### import hpcore\n")
    print("| `python -c pass` | `python -c 'import hpcore'` | added | heavy modules imported |\n|---|---|---|---|")
    print(f"| {statistics.median(bare) * 1000:.1f} ms | {statistics.median(light) * 1000:.1f} ms | {added:.1f} ms | {heavy} |\n")


def hpcore_random(n_trials: int) -> float:
    started = time.perf_counter()
    hpcore.search(lambda t: t.params["x"], SPACE, backend="random", n_trials=n_trials, seed=0)
    return time.perf_counter() - started


def optuna_random(n_trials: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", -5, 5)
        trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_int("n", 1, 8)
        trial.suggest_categorical("act", ["relu", "gelu", "tanh"])
        return x

    started = time.perf_counter()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=n_trials)
    return time.perf_counter() - started


def bench_loop(repeats: int) -> None:
    hpcore_random(50), optuna_random(50)  # warm both up
    ours, theirs, ours_10k = [], [], []
    for _ in range(repeats):
        ours.append(hpcore_random(1000))
        theirs.append(optuna_random(1000))
        ours_10k.append(hpcore_random(10_000))
    per_1k = statistics.median(ours) / 1000
    per_10k = statistics.median(ours_10k) / 10_000
    print("### Core loop, `random` backend vs raw Optuna `RandomSampler` (in memory, 1,000 trials)\n")
    print("| hpcore trials/s | Optuna trials/s | speed-up | hpcore µs/trial at 1,000 | at 10,000 | cost ratio 10k/1k |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {1000 / statistics.median(ours):,.0f} | {1000 / statistics.median(theirs):,.0f} | "
        f"{statistics.median(theirs) / statistics.median(ours):.1f}x | {per_1k * 1e6:.1f} | {per_10k * 1e6:.1f} | "
        f"{per_10k / per_1k:.2f} |\n"
    )


def ledger(points: list[tuple[float, ...]]) -> list[FrozenTrial]:
    return [FrozenTrial(i, {}, TrialState.COMPLETE, list(p)) for i, p in enumerate(points)]


def time_selection(trials: list[FrozenTrial], k: int, repeats: int) -> tuple[float, int]:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        front = select_best(trials, [Direction.MINIMIZE] * k)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), len(front)


def bench_selection(repeats: int) -> None:
    rng = random.Random(0)
    n = 10_000
    cases = {
        "2 objectives, every trial on the front": (ledger([(i, n - i) for i in rng.sample(range(n), n)]), 2),
        "3 objectives, uniform random": (ledger([(rng.random(), rng.random(), rng.random()) for _ in range(n)]), 3),
    }
    simplex = []
    for _ in range(n):
        a, b = sorted((rng.random(), rng.random()))
        simplex.append((a, b - a, 1 - b))  # on x + y + z = 1: no point dominates another
    cases["3 objectives, every trial on the front"] = (ledger(simplex), 3)
    print("### `best_trials` over 10,000 trials\n")
    print("| case | front size | median seconds |\n|---|---|---|")
    for name, (trials, k) in cases.items():
        seconds, size = time_selection(trials, k, repeats)
        print(f"| {name} | {size:,} | {seconds:.3f} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"<!-- python {sys.version.split()[0]}, hpcore {hpcore.__version__}, repeats {args.repeats} -->\n")
    bench_import(max(args.repeats, 15))
    bench_loop(args.repeats)
    bench_selection(args.repeats)


if __name__ == "__main__":
    main()
