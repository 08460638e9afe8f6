"""transformers drop-in: hpcore's `hyperparameter_search` against transformers' own, pruning, Ray against Optuna.

The model is `examples/text_classifier.py` (a tiny BERT on generated sentences, torch on one
thread); the objective is `eval_loss`, minimised. Cases:

- `dropin`: 10 trials of one epoch, the same Optuna `hp_space(trial)`, TPESampler(seed=0) and
  Optuna's default pruner: hpcore's `hyperparameter_search(trainer, backend="optuna")` against
  transformers' `trainer.hyperparameter_search(backend="optuna")`. Each run is a fresh process
  (so peak RSS, `ru_maxrss` at its end, compares); runs alternate sides; the search's wall time
  and the peak RSS are compared by medians (limits 1.03 and 1.02), and every computed objective
  must match. With `--sampled-seed` the space samples the trainer's `seed` as well, and the
  objectives differ: transformers calls `model_init` before it applies the trial's values.
- `pruning`: 10 trials (batch 32, 4 epochs = 300 steps, an evaluation every 25) of one seeded
  random search, unpruned and pruned: Optuna's MedianPruner(n_startup_trials=2,
  n_warmup_steps=100); Ray Tune's ASHAScheduler(grace_period=4, reduction_factor=4), one trial
  at a time so its decisions do not depend on timing. Per seed: the pruned best over the
  unpruned best (limit 1.02) and the pruned search's training steps over the unpruned one's
  (limit 0.60), a trial's steps being its last reported step; medians over the seeds.
- `ray`: the guide's first example (learning rate, batch size) with `backend="ray"` and with
  `backend="optuna"`, native spaces; wall time per trial, no limit. The guide's learning-rate
  range (1e-6..1e-4) leaves this model at chance, so it is 1e-4..1e-2 here.

Usage:

    .venv/bin/python benchmarks/bench_transformers.py [--reps 5] [--seeds 3] [--ray-reps 2]
        [--case dropin pruning ray] [--pruners optuna ray] [--sampled-seed]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import optuna
import text_classifier

import hpcore

DROPIN_TRIALS = 10
PRUNING_TRIALS = 10
RAY_TRIALS = 6
LIMITS = {"wall": 1.03, "memory": 1.02, "best": 1.02, "steps": 0.60}
MARK = "RESULT "  # a child's last line: MARK + JSON


def eval_loss(metrics: dict[str, float]) -> float:
    return metrics["eval_loss"]


def dropin_space(trial):
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 3e-2, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [32, 64]),
    }


def dropin_space_with_seed(trial):
    """`dropin_space` and the trainer's `seed`: transformers seeds `model_init` before it applies a trial's values."""
    return {**dropin_space(trial), "seed": trial.suggest_int("seed", 1, 40)}


SPACES = {"fixed-seed": dropin_space, "sampled-seed": dropin_space_with_seed}


def dropin_child(side: str, output_dir: str, space: str) -> None:
    """One side of `dropin` in this process; prints wall seconds of the search, peak RSS and every objective."""
    from hpcore.integrations.transformers import hyperparameter_search

    seen: list[float] = []

    def objective(metrics: dict[str, float]) -> float:
        seen.append(eval_loss(metrics))
        return seen[-1]

    trainer = text_classifier.make_trainer(output_dir, num_train_epochs=1)
    search = {"hp_space": SPACES[space], "compute_objective": objective, "n_trials": DROPIN_TRIALS,
              "direction": "minimize", "backend": "optuna", "sampler": optuna.samplers.TPESampler(seed=0)}
    started = time.perf_counter()
    best = hyperparameter_search(trainer, **search) if side == "hpcore" else trainer.hyperparameter_search(**search)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(MARK + json.dumps({"wall": wall, "peak_kib": peak_kib, "objectives": seen, "best": best.objective}), flush=True)


def run_child(side: str, tmp: Path, rep: int, space: str) -> dict:
    out = tmp / f"{side}-{rep}"
    done = subprocess.run([sys.executable, __file__, "--child", side, str(out), space], capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{side} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.rsplit(MARK, 1)[1])


def load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def dropin(reps: int, tmp: Path, space: str) -> None:
    runs: dict[str, list[dict]] = {"transformers": [], "hpcore": []}
    loads = [load()]
    for rep in range(reps):
        order = ["transformers", "hpcore"] if rep % 2 == 0 else ["hpcore", "transformers"]
        for side in order:
            runs[side].append(run_child(side, tmp, rep, space))
        loads.append(load())
    print(f"\n## dropin: {DROPIN_TRIALS} trials of one epoch, TPESampler(seed=0), {reps} interleaved pairs of fresh processes, {space}")
    print(f"load average (1, 5, 15 min) before and after each pair: {'; '.join(loads)}")
    print("| side | median search s | all runs s | median peak RSS MiB | all runs MiB |")
    print("|---|---|---|---|---|")
    for side, rows in runs.items():
        walls, peaks = [r["wall"] for r in rows], [r["peak_kib"] / 1024 for r in rows]
        print(f"| {side} | {statistics.median(walls):.2f} | {', '.join(f'{w:.2f}' for w in walls)} "
              f"| {statistics.median(peaks):.1f} | {', '.join(f'{p:.1f}' for p in peaks)} |")
    for key, name in (("wall", "wall time"), ("peak_kib", "peak memory")):
        ours, theirs = [r[key] for r in runs["hpcore"]], [r[key] for r in runs["transformers"]]
        ratio = statistics.median(ours) / statistics.median(theirs)
        pairs = statistics.median(o / t for o, t in zip(ours, theirs))
        limit = LIMITS["wall" if key == "wall" else "memory"]
        print(f"{name} ratio hpcore/transformers: {ratio:.3f} (pair ratio {pairs:.3f}), limit {limit:.2f}: "
              f"{'met' if ratio <= limit else 'NOT met'}")
    reference = runs["transformers"][0]["objectives"]
    same = all(r["objectives"] == reference for rows in runs.values() for r in rows)
    print(f"objectives of every evaluation identical on both sides and in every run: {same} "
          f"({len(reference)} evaluations; best {runs['transformers'][0]['best']:.4f} transformers, "
          f"{runs['hpcore'][0]['best']:.4f} hpcore)")
    if not same:
        for side, rows in runs.items():
            print(f"  {side} run 0: {[round(v, 6) for v in rows[0]['objectives']]}")


def pruning_search(backend: str, pruned: bool, seed: int, tmp: Path) -> hpcore.SearchResult:
    """One search of `pruning`: batch 32, 4 epochs (300 steps), an evaluation every 25 steps."""
    from hpcore.integrations.transformers import hyperparameter_search

    name = f"{backend}-{'pruned' if pruned else 'full'}-{seed}"
    trainer = text_classifier.make_trainer(tmp / name, per_device_train_batch_size=32, num_train_epochs=4,
                                           eval_strategy="steps", eval_steps=25)
    space = {"learning_rate": hpcore.Float(1e-4, 3e-2, log=True), "hidden_dropout_prob": hpcore.Float(0.0, 0.2)}
    if backend == "optuna":
        pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=100) if pruned else optuna.pruners.NopPruner()
        options = {"sampler": optuna.samplers.RandomSampler(seed=seed), "pruner": pruner}
    else:
        from ray.tune.schedulers import ASHAScheduler, FIFOScheduler

        # rungs at 4, 16 and 64 evaluations: a trial reports 12, so only the first rung stops trials (a rung at
        # the last evaluation would mark finished trials PRUNED); max_t above 12, so Tune never stops one for it
        scheduler = ASHAScheduler(max_t=100, grace_period=4, reduction_factor=4) if pruned else FIFOScheduler()
        options = {"seed": seed, "scheduler": scheduler, "max_concurrent_trials": 1, "storage_path": str(tmp / "ray" / name)}
    best = hyperparameter_search(trainer, hp_space=space, compute_objective=eval_loss, n_trials=PRUNING_TRIALS,
                                 backend=backend, **options)
    return best.run_summary.result


def steps(result: hpcore.SearchResult) -> int:
    return sum(max(t.intermediate, default=0) for t in result.trials)


def pruning(seeds: int, tmp: Path, backends: list[str]) -> None:
    print(f"\n## pruning: {PRUNING_TRIALS} trials of a seeded random search, unpruned and pruned, seeds 0..{seeds - 1}")
    print("| backend | seed | unpruned best | pruned best | best ratio | unpruned steps | pruned steps | steps ratio | pruned trials | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for backend in backends:
        best_ratios, step_ratios = [], []
        for seed in range(seeds):
            full = pruning_search(backend, False, seed, tmp)
            cut = pruning_search(backend, True, seed, tmp)
            assert [t.params for t in full.trials] == [t.params for t in cut.trials], "the two searches sampled differently"
            best_ratios.append(cut.best_trial.values[0] / full.best_trial.values[0])
            step_ratios.append(steps(cut) / steps(full))
            n_pruned = sum(t.state is hpcore.TrialState.PRUNED for t in cut.trials)
            print(f"| {backend} | {seed} | {full.best_trial.values[0]:.4f} | {cut.best_trial.values[0]:.4f} | {best_ratios[-1]:.3f} "
                  f"| {steps(full)} | {steps(cut)} | {step_ratios[-1]:.3f} | {n_pruned} | {load()} |", flush=True)
        best, used = statistics.median(best_ratios), statistics.median(step_ratios)
        print(f"| {backend} | median | | | {best:.3f} (limit {LIMITS['best']:.2f}: {'met' if best <= LIMITS['best'] else 'NOT met'}) "
              f"| | | {used:.3f} (limit {LIMITS['steps']:.2f}: {'met' if used <= LIMITS['steps'] else 'NOT met'}) | | |")


def guide_space(backend: str):
    """The guide's first example as each backend's native space, learning rate widened to 1e-4..1e-2."""
    if backend == "ray":
        from ray import tune

        return lambda trial: {"learning_rate": tune.loguniform(1e-4, 1e-2),
                              "per_device_train_batch_size": tune.choice([16, 32, 64, 128])}
    return lambda trial: {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [16, 32, 64, 128]),
    }


def ray_vs_optuna(reps: int, tmp: Path) -> None:
    from hpcore.integrations.transformers import hyperparameter_search

    walls: dict[str, list[float]] = {"optuna": [], "ray": []}
    for rep in range(reps):
        for backend in ["optuna", "ray"] if rep % 2 == 0 else ["ray", "optuna"]:
            trainer = text_classifier.make_trainer(tmp / f"guide-{backend}-{rep}")
            extra = {"storage_path": str(tmp / "ray" / f"guide-{rep}")} if backend == "ray" else {}
            started = time.perf_counter()
            best = hyperparameter_search(trainer, hp_space=guide_space(backend), compute_objective=eval_loss,
                                         n_trials=RAY_TRIALS, direction="minimize", backend=backend, seed=rep, **extra)
            walls[backend].append((time.perf_counter() - started) / RAY_TRIALS)
            assert len(best.run_summary.result.trials) == RAY_TRIALS
    print(f"\n## ray: the guide's first example, {RAY_TRIALS} trials, {reps} interleaved rounds, load now {load()}")
    print("| backend | median s per trial | all rounds |")
    print("|---|---|---|")
    for backend, values in walls.items():
        print(f"| {backend} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")
    print(f"ray/optuna: {statistics.median(walls['ray']) / statistics.median(walls['optuna']):.2f}")


def main() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        dropin_child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="interleaved pairs of dropin runs")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the pruning case")
    parser.add_argument("--ray-reps", type=int, default=2, help="interleaved rounds of the ray case")
    parser.add_argument("--case", nargs="+", choices=["dropin", "pruning", "ray"], default=["dropin", "pruning", "ray"])
    parser.add_argument("--sampled-seed", action="store_true", help="dropin: the space samples the trainer's seed too")
    parser.add_argument("--pruners", nargs="+", choices=["optuna", "ray"], default=["optuna", "ray"])
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average {load()}; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-transformers-") as tmp_dir:
        tmp = Path(tmp_dir)
        if "dropin" in args.case:
            dropin(args.reps, tmp, "sampled-seed" if args.sampled_seed else "fixed-seed")
        if "pruning" in args.case and "ray" in args.pruners or "ray" in args.case:
            import ray

            ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
        if "pruning" in args.case:
            pruning(args.seeds, tmp, args.pruners)
        if "ray" in args.case:
            ray_vs_optuna(args.ray_reps, tmp)


if __name__ == "__main__":
    main()
