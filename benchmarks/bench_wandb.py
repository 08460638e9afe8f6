"""hpcore + hp-wandb's local sweep against a raw loop of offline W&B runs, side by side.

Both make 100 trials of a trivial objective over the same 4 parameters, each trial one offline
W&B run: ``wandb.init(mode="offline", group=..., config=params, ...)``, the value logged once
(``run.log``; hpcore's objective reports it) and put in the summary, ``finish()``, with the same W&B settings (hp-wandb's, `hp_wandb.runs.LEAN_SETTINGS`). The raw
loop draws the parameters by hand with ``random``; hpcore runs ``method: random`` from a W&B
sweep config. Runs are interleaved (the order flips every round), each writes to a fresh
folder, and medians are reported.

    .venv/bin/python benchmarks/bench_wandb.py [--rounds 9] [--trials 100]

The limit (at most 1.15) applies to the median of per-round ratios; the ratio of medians and
the range of per-round ratios are reported too.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time

os.environ.setdefault("WANDB_SILENT", "true")
for _name in ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR"):  # keep W&B's files out of the tree
    os.environ.setdefault(_name, tempfile.mkdtemp(prefix=f"bench-{_name.lower()}-"))

import wandb  # noqa: E402

import hpcore  # noqa: E402
from hp_wandb.runs import LEAN_SETTINGS  # noqa: E402

LIMIT = 1.15
SWEEP = {
    "method": "random",
    "metric": {"name": "objective", "goal": "minimize"},
    "parameters": {
        "x": {"distribution": "uniform", "min": -5.0, "max": 5.0},
        "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
        "n": {"distribution": "int_uniform", "min": 1, "max": 8},
        "act": {"values": ["relu", "tanh", "gelu"]},
    },
}


def raw(trials: int, directory: str, seed: int) -> float:
    rng = random.Random(seed)
    settings = wandb.Settings(**LEAN_SETTINGS)
    start = time.perf_counter()
    for number in range(trials):
        params = {
            "x": rng.uniform(-5.0, 5.0),
            "lr": math.exp(rng.uniform(math.log(1e-5), math.log(1e-1))),
            "n": rng.randint(1, 8),
            "act": rng.choice(["relu", "tanh", "gelu"]),
        }
        run = wandb.init(mode="offline", group="raw", name=f"trial-{number}", job_type="trial", config=params,
                         dir=directory, reinit="finish_previous", settings=settings)
        value = (params["x"] - 1) ** 2
        run.log({"objective": value})
        run.summary["objective"] = value
        run.finish()
    return time.perf_counter() - start


def objective(trial: hpcore.Trial) -> float:
    value = (trial.params["x"] - 1) ** 2
    trial.report(value, 0)  # logged to the run, as the raw loop's run.log
    return value


def hp(trials: int, directory: str, seed: int) -> float:
    start = time.perf_counter()
    result = hpcore.search(objective, SWEEP, backend="wandb", n_trials=trials,
                           seed=seed, mode="offline", dir=directory, name="hpcore")
    elapsed = time.perf_counter() - start
    assert len(result.trials) == trials and len(result.native.run_ids) == trials
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wandb-") as root:
        raw(3, os.path.join(root, "warm-raw"), 0), hp(3, os.path.join(root, "warm-hp"), 0)  # warm both paths; not counted
        times: dict[str, list[float]] = {"raw": [], "hp": []}
        for i in range(args.rounds):
            order = [("raw", raw), ("hp", hp)] if i % 2 == 0 else [("hp", hp), ("raw", raw)]
            for name, run in order:
                times[name].append(run(args.trials, os.path.join(root, f"{name}-{i}"), i))
    med = {k: statistics.median(v) for k, v in times.items()}
    pairs = [h / r for h, r in zip(times["hp"], times["raw"])]
    print(f"machine: {os.cpu_count()} CPUs; wandb {wandb.__version__}; {args.trials} trials, rounds {args.rounds}, interleaved")
    print(f"| run ({args.trials} offline runs) | median s | ms per trial | all runs s |")
    print("|---|---|---|---|")
    for name, label in (("raw", "raw loop: wandb.init / log / finish"), ("hp", "hpcore.search(backend='wandb')")):
        print(f"| {label} | {med[name]:.2f} | {1000 * med[name] / args.trials:.1f} | "
              f"{', '.join(f'{t:.2f}' for t in times[name])} |")
    ratio = statistics.median(pairs)
    print(f"\nwall time ratio hpcore/raw: {ratio:.3f} (median of per-round ratios, limit {LIMIT}; "
          f"range {min(pairs):.3f}-{max(pairs):.3f}); {med['hp'] / med['raw']:.3f} (ratio of medians); "
          f"load average {os.getloadavg()[0]:.1f}")
    if ratio > LIMIT:
        raise SystemExit(f"hpcore + hp-wandb is {ratio:.3f}x the raw loop, over the limit {LIMIT}")


if __name__ == "__main__":
    main()
