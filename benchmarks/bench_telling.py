"""What telling an engine costs: per warm-start trial, for each backend; and a portfolio's overhead per
trial against its best member alone.

Telling: for each backend, a one-trial search with `--warm` warm trials (a random search's, on a
2-d space) against the same search without them, interleaved; the difference of medians over the
number of warm trials is the cost of telling one. Portfolio: `Portfolio(["optuna", "random"])`
against `optuna` alone, `--trials` trials of a trivial objective each, interleaved; the limit
(at most 1.10) applies to the median of per-round ratios.

    .venv/bin/python benchmarks/bench_telling.py [--rounds 7] [--warm 500] [--trials 200] [--ray]

Ray (`--ray`) starts a local instance and tells Tune's `OptunaSearch`; its one-trial search costs
about a second, so its figure is coarse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("WANDB_SILENT", "true")
for _name in ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR"):
    os.environ.setdefault(_name, tempfile.mkdtemp(prefix=f"bench-{_name.lower()}-"))

import optuna  # noqa: E402

import hpcore  # noqa: E402

LIMIT = 1.10
SPACE = {"x": hpcore.Float(-3.0, 3.0), "y": hpcore.Float(-3.0, 3.0)}


def bowl(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def seconds(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def backends(ray: bool) -> dict[str, Callable[[], dict[str, Any]]]:
    """Each backend's options (built afresh per search: a searcher keeps state)."""
    found: dict[str, Callable[[], dict[str, Any]]] = {
        "random": lambda: {"backend": "random"},
        "optuna": lambda: {"backend": "optuna"},
        "wandb bayes": lambda: {"backend": "wandb", "mode": "disabled", "method": "bayes"},
    }
    if ray:
        from ray.tune.search.optuna import OptunaSearch

        storage = tempfile.mkdtemp(prefix="bench-telling-ray-")
        found["ray OptunaSearch"] = lambda: {
            "backend": "ray", "search_alg": OptunaSearch(seed=0), "storage_path": storage, "reuse_actors": True,
        }
    return found


def telling(rounds: int, warm: int, ray: bool) -> None:
    source = hpcore.search(bowl, SPACE, backend="random", n_trials=warm, seed=1)
    print(f"\n### Telling {warm} warm trials (one-trial search, {rounds} rounds)\n")
    print("| backend | cold s | warm s | µs per warm trial |")
    print("|---|---|---|---|")
    for name, options in backends(ray).items():
        cold, told = [], []
        for index in range(rounds):
            pair = [
                (cold, lambda: hpcore.search(bowl, SPACE, n_trials=1, seed=0, **options())),
                (told, lambda: hpcore.search(bowl, SPACE, n_trials=1, seed=0, warm_start=source, **options())),
            ]
            for times, run in pair if index % 2 == 0 else reversed(pair):
                times.append(seconds(run))
        cold_s, told_s = statistics.median(cold), statistics.median(told)
        print(f"| {name} | {cold_s:.3f} | {told_s:.3f} | {(told_s - cold_s) / warm * 1e6:.0f} |")


def portfolio(rounds: int, trials: int) -> None:
    ratios, alone, mixed = [], [], []
    for index in range(rounds):
        pair = [
            (alone, lambda: hpcore.search(bowl, SPACE, backend="optuna", n_trials=trials, seed=index)),
            (mixed, lambda: hpcore.search(bowl, SPACE, backend=hpcore.Portfolio(["optuna", "random"]), n_trials=trials, seed=index)),
        ]
        for times, run in pair if index % 2 == 0 else reversed(pair):
            times.append(seconds(run))
        ratios.append(mixed[-1] / alone[-1])
    ratio = statistics.median(ratios)
    print(f"\n### Portfolio(optuna, random) against optuna alone ({trials} trials, {rounds} rounds)\n")
    print("| optuna alone s | portfolio s | median ratio (range) | limit |")
    print("|---|---|---|---|")
    print(f"| {statistics.median(alone):.3f} | {statistics.median(mixed):.3f} | "
          f"**{ratio:.3f}** ({min(ratios):.3f}–{max(ratios):.3f}) | {LIMIT} |")
    if ratio > LIMIT:
        print(f"\nover the limit: {ratio:.3f} > {LIMIT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--warm", type=int, default=500)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--ray", action="store_true", help="also tell Tune's OptunaSearch on a local Ray instance")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.ray:
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    telling(args.rounds, args.warm, args.ray)
    portfolio(args.rounds, args.trials)


if __name__ == "__main__":
    main()
