"""hpcore + hp-ray against raw Ray Tune, side by side, on one already started Ray instance.

Both run the same user function over the same Tune space, num_samples=50, reuse_actors=True;
runs are interleaved (the order flips every round) and medians reported. Then the fixed
start-up cost of a one-trial search: on the warm instance, attaching to a running
`ray start --head` cluster, and with no cluster (hp-ray starts a local instance).

    .venv/bin/python benchmarks/bench_ray.py [--rounds 25] [--samples 50]

The limit (at most 1.05) applies to the median of per-round ratios; their range is reported.
Runs here are bimodal on both sides: in some, Tune starts a third trial actor midway (a new
worker process, about 1 s on 2 cores) and waits for it at the end. A round whose two runs fall
in different modes gives a ratio near 0.65 or 1.6, so the modes are also reported: how many
runs of each side fell in the slow one, and the ratio of medians within each mode.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")

import ray  # noqa: E402
from ray import tune  # noqa: E402

import hpcore  # noqa: E402

SPACE = {"x": tune.uniform(-5, 5), "y": tune.choice([1, 2, 4])}


def loss(config: dict) -> float:
    return (config["x"] - 1) ** 2 + config["y"]


def raw_trainable(config: dict) -> None:
    tune.report({"loss": loss(config)})


def raw(samples: int, storage: str) -> float:
    start = time.perf_counter()
    tune.Tuner(
        raw_trainable,
        param_space=SPACE,
        tune_config=tune.TuneConfig(num_samples=samples, reuse_actors=True, metric="loss", mode="min"),
        run_config=tune.RunConfig(storage_path=storage, verbose=0),
    ).fit()
    return time.perf_counter() - start


def hp(samples: int, storage: str) -> float:
    start = time.perf_counter()
    result = hpcore.search(lambda trial: loss(trial.params), SPACE, backend="ray", n_trials=samples, storage_path=storage)
    elapsed = time.perf_counter() - start
    assert len(result.trials) == samples
    return elapsed


CHILD = """
import json, os, sys, time
import hpcore
from ray import tune
t = time.perf_counter()
hpcore.search(lambda trial: trial.params["x"], {"x": tune.uniform(0, 1)}, backend="ray", n_trials=1, storage_path=sys.argv[1])
print(json.dumps({"search_s": time.perf_counter() - t}))
"""


def child_search(storage: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", CHILD, storage], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["search_s"]


def startup(storage: str, rounds: int) -> dict[str, float]:
    """Median seconds of a one-trial search in a fresh process: attach to a running head, or start Ray."""
    base = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    ray_tmp = tempfile.mkdtemp(prefix="hpb", dir="/tmp")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    head = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", f"--port={port}", "--num-cpus=2",
         "--node-ip-address=127.0.0.1", "--include-dashboard=false", "--disable-usage-stats", "--block"],
        env={**base, "RAY_TMPDIR": ray_tmp}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)
        attach, cold = [], []
        for _ in range(rounds):
            attach.append(child_search(storage, {**base, "RAY_TMPDIR": ray_tmp, "RAY_ADDRESS": f"127.0.0.1:{port}"}))
            cold.append(child_search(storage, {**base, "RAY_TMPDIR": tempfile.mkdtemp(prefix="hpc", dir="/tmp")}))
    finally:
        head.send_signal(signal.SIGTERM)
        head.wait(timeout=60)
    return {"attach": statistics.median(attach), "cold": statistics.median(cold)}


def split_modes(times: dict[str, list[float]]) -> tuple[float, float]:
    """Where the fast mode ends and the slow one begins: the middle of the widest gap between run times, and its width."""
    pooled = sorted(t for runs in times.values() for t in runs)
    return max(((b - a, (a + b) / 2) for a, b in zip(pooled, pooled[1:])), default=(0.0, math.inf))[::-1]


def print_modes(times: dict[str, list[float]]) -> None:
    cut, gap = split_modes(times)
    print(f"modes: split at {cut:.2f} s, the widest gap between runs ({gap:.2f} s)")
    for mode, inside in (("fast", lambda t: t < cut), ("slow", lambda t: t >= cut)):
        runs = {k: [t for t in v if inside(t)] for k, v in times.items()}
        counts = f"raw {len(runs['raw'])}/{len(times['raw'])}, hpcore {len(runs['hp'])}/{len(times['hp'])} runs"
        if runs["raw"] and runs["hp"]:
            ratio = statistics.median(runs["hp"]) / statistics.median(runs["raw"])
            print(f"- {mode}: {counts}; ratio of medians in this mode {ratio:.3f}")
        else:
            print(f"- {mode}: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    storage = tempfile.mkdtemp(prefix="bench-ray-")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    hp(4, storage), raw(4, storage)  # warm both paths once; not counted
    times: dict[str, list[float]] = {"raw": [], "hp": []}
    warm_one: dict[str, list[float]] = {"raw": [], "hp": []}
    for i in range(args.rounds):
        order = [("raw", raw), ("hp", hp)] if i % 2 == 0 else [("hp", hp), ("raw", raw)]
        for name, run in order:
            times[name].append(run(args.samples, storage))
        for name, run in order:
            warm_one[name].append(run(1, storage))
    ray.shutdown()
    cost = startup(storage, max(1, args.rounds // 2 + 1))
    med = {k: statistics.median(v) for k, v in times.items()}
    one = {k: statistics.median(v) for k, v in warm_one.items()}
    print(f"machine: {os.cpu_count()} CPUs; ray {ray.__version__}; rounds {args.rounds}, interleaved")
    print(f"| run ({args.samples} trials, reuse_actors=True) | median s | all runs s |")
    print("|---|---|---|")
    for name, label in (("raw", "raw Tuner(...).fit()"), ("hp", "hpcore.search(backend='ray')")):
        print(f"| {label} | {med[name]:.2f} | {', '.join(f'{t:.2f}' for t in times[name])} |")
    pairs = [h / r for h, r in zip(times["hp"], times["raw"])]
    print(f"\nwall time ratio hpcore/raw: {statistics.median(pairs):.3f} (median of per-round ratios, limit 1.05; "
          f"range {min(pairs):.3f}-{max(pairs):.3f}); {med['hp'] / med['raw']:.3f} (ratio of medians); "
          f"load average {os.getloadavg()[0]:.1f}")
    print_modes(times)
    print("\n| one-trial search, start-up | median s |")
    print("|---|---|")
    print(f"| warm instance, raw Tuner | {one['raw']:.2f} |")
    print(f"| warm instance, hpcore | {one['hp']:.2f} |")
    print(f"| fresh process attaching to a running cluster (address=) | {cost['attach']:.2f} |")
    print(f"| fresh process, no cluster (hp-ray starts one) | {cost['cold']:.2f} |")


if __name__ == "__main__":
    main()
