"""hpcore + hp-ray against raw Ray Tune, side by side, on one already started Ray instance.

Both run the same user function over the same Tune space, num_samples=50, reuse_actors=True;
runs are interleaved (the order flips every round) and medians reported. Then the fixed
start-up cost of a one-trial search: on the warm instance, attaching to a running
`ray start --head` cluster, and with no cluster (hp-ray starts a local instance).

    .venv/bin/python benchmarks/bench_ray.py [--rounds 31] [--samples 50]

The limit (at most 1.05) applies to the median of per-round ratios; their range is reported.
Runs here are bimodal on both sides, for a reason outside either: Ray starts a new worker
process for each of Tune's two trial actors (about 1.3 s on 2 cores), and when the second one
comes up late, one actor runs every trial and Tune waits for the late one at the end (about
1 s more). A round whose two runs differ in this gives a ratio near 0.65 or 1.6, so the
benchmark also counts the actors each run used (the worker pids in its results) and reports the
median of per-round ratios over the rounds whose two runs used as many. Last, 200 trials run one
at a time (`max_concurrent_trials=1`: one actor, no race), with the CPU time a trial costs in
the driver and in the trial's worker, which the race does not move.

hpcore's and hp-ray's sources are compiled to bytecode first, as pip compiles an installed
package: an editable install under PYTHONDONTWRITEBYTECODE=1 keeps no bytecode, so each new
Ray worker would compile them again (about 10 ms), which Ray's installed modules never do.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")

import ray
from ray import tune

import hpcore

ROOT = Path(__file__).resolve().parent.parent
SERIAL_SAMPLES = 200
SPACE = {"x": tune.uniform(-5, 5), "y": tune.choice([1, 2, 4])}


def loss(config: dict) -> float:
    return (config["x"] - 1) ** 2 + config["y"]


def raw_trainable(config: dict) -> None:
    tune.report({"loss": loss(config)})


def tune_fit(trainable: Any, samples: int, storage: str, concurrent: int | None = None) -> Any:
    """Raw Tune over SPACE, as a Tune user writes it; the result grid."""
    return tune.Tuner(
        trainable,
        param_space=SPACE,
        tune_config=tune.TuneConfig(
            num_samples=samples, reuse_actors=True, metric="loss", mode="min", max_concurrent_trials=concurrent
        ),
        run_config=tune.RunConfig(storage_path=storage, verbose=0),
    ).fit()


def hp_search(objective: Any, samples: int, storage: str, **options: Any) -> hpcore.SearchResult:
    """The same search through hpcore."""
    return hpcore.search(objective, SPACE, backend="ray", n_trials=samples, storage_path=storage, **options)


def raw(samples: int, storage: str) -> tuple[float, int]:
    """Seconds of one raw Tune run, and how many trial actors (worker processes) it used."""
    start = time.perf_counter()
    grid = tune_fit(raw_trainable, samples, storage)
    return time.perf_counter() - start, actors(grid)


def hp(samples: int, storage: str) -> tuple[float, int]:
    """Seconds of the same search through hpcore, and how many trial actors it used."""
    start = time.perf_counter()
    result = hp_search(lambda trial: loss(trial.params), samples, storage)
    elapsed = time.perf_counter() - start
    assert len(result.trials) == samples
    return elapsed, actors(result.native)


def cpu_trainable(config: dict) -> None:
    tune.report({"loss": loss(config), "cpu": [os.getpid(), time.process_time()]})


def cpu_objective(trial: hpcore.Trial) -> float:
    trial.set_user_attr("cpu", [os.getpid(), time.process_time()])
    return loss(trial.params)


def one_at_a_time(side: str, samples: int, storage: str) -> tuple[float, float, float]:
    """Wall s of a run of one trial at a time, and its CPU ms a trial in the driver and in the one trial worker."""
    start, driver = time.perf_counter(), time.process_time()
    if side == "raw":
        readings = [r.metrics["cpu"] for r in tune_fit(cpu_trainable, samples, storage, concurrent=1)]
    else:
        readings = [t.user_attrs["cpu"] for t in hp_search(cpu_objective, samples, storage, max_concurrent_trials=1).trials]
    wall, driver = time.perf_counter() - start, time.process_time() - driver
    assert len({pid for pid, _ in readings}) == 1, "one trial at a time ran in more than one worker"
    worker = max(cpu for _, cpu in readings) - min(cpu for _, cpu in readings)
    return wall, 1000 * driver / samples, 1000 * worker / (samples - 1)


def rounds_one_at_a_time(storage: str, rounds: int) -> dict[str, list[tuple[float, float, float]]]:
    runs: dict[str, list[tuple[float, float, float]]] = {"raw": [], "hp": []}
    for i in range(rounds):
        for side in ("raw", "hp") if i % 2 == 0 else ("hp", "raw"):
            runs[side].append(one_at_a_time(side, SERIAL_SAMPLES, storage))
    return runs


def print_one_at_a_time(runs: dict[str, list[tuple[float, float, float]]]) -> None:
    ratios = [h[0] / r[0] for h, r in zip(runs["hp"], runs["raw"])]
    print(f"\n| one trial at a time, {SERIAL_SAMPLES} trials, {len(ratios)} rounds | raw | hpcore |")
    print("|---|---|---|")
    for i, label in enumerate(("wall s", "driver CPU ms a trial", "trial worker CPU ms a trial")):
        print(f"| {label} (median) | {statistics.median(r[i] for r in runs['raw']):.3f} | "
              f"{statistics.median(r[i] for r in runs['hp']):.3f} |")
    print(f"wall time ratio, one at a time: {statistics.median(ratios):.3f} (median of per-round ratios; "
          f"range {min(ratios):.3f}-{max(ratios):.3f})")


def actors(grid: Any) -> int:
    return len({r.metrics["pid"] for r in grid})


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


def print_same_actors(times: dict[str, list[float]], used: dict[str, list[int]]) -> None:
    """The per-round ratios of the rounds whose two runs used as many trial actors."""
    for name, label in (("raw", "raw"), ("hp", "hpcore")):
        counts = {n: used[name].count(n) for n in sorted(set(used[name]))}
        print(f"{label}: runs by trial actors used {counts}")
    same = [h / r for h, r, a, b in zip(times["hp"], times["raw"], used["hp"], used["raw"]) if a == b]
    if same:
        print(f"rounds whose two runs used as many actors: {len(same)}/{len(times['hp'])}; median of their "
              f"ratios {statistics.median(same):.3f} (range {min(same):.3f}-{max(same):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    for package in (ROOT / "hpcore", ROOT / "plugins" / "hp_ray" / "hp_ray"):
        compileall.compile_dir(package, quiet=1)
    storage = tempfile.mkdtemp(prefix="bench-ray-")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    hp(4, storage), raw(4, storage)  # warm both paths once; not counted
    times: dict[str, list[float]] = {"raw": [], "hp": []}
    used: dict[str, list[int]] = {"raw": [], "hp": []}
    warm_one: dict[str, list[float]] = {"raw": [], "hp": []}
    for i in range(args.rounds):
        order = [("raw", raw), ("hp", hp)] if i % 2 == 0 else [("hp", hp), ("raw", raw)]
        for name, run in order:
            seconds, n_actors = run(args.samples, storage)
            times[name].append(seconds)
            used[name].append(n_actors)
        for name, run in order:
            warm_one[name].append(run(1, storage)[0])
    serial = rounds_one_at_a_time(storage, max(3, args.rounds // 8))
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
    print_same_actors(times, used)
    print_one_at_a_time(serial)
    print("\n| one-trial search, start-up | median s |")
    print("|---|---|")
    print(f"| warm instance, raw Tuner | {one['raw']:.2f} |")
    print(f"| warm instance, hpcore | {one['hp']:.2f} |")
    print(f"| fresh process attaching to a running cluster (address=) | {cost['attach']:.2f} |")
    print(f"| fresh process, no cluster (hp-ray starts one) | {cost['cold']:.2f} |")


if __name__ == "__main__":
    main()
