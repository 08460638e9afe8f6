"""One search under torchrun, for the DDP tests: `torchrun --nproc_per_node=2 ddp_search.py OUT BACKEND SCENARIO`.

Each rank writes what it trained (trial values and steps) to OUT/rank{r}.jsonl, and the best
run it returned to OUT/best{r}.json. Scenarios: `plain`, `prune` (a pruner that stops every
trial after its first evaluation), `timeout` (a 2 s budget), `fail` (rank 1 raises in trial 1),
`ray` (the Ray backend, refused under torchrun).
"""

import json
import os
import sys

from transformers import TrainerCallback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from regression import make_trainer, model_init  # noqa: E402

from hpcore.integrations.transformers import hyperparameter_search  # noqa: E402

out, backend, scenario = sys.argv[1], sys.argv[2], sys.argv[3]
rank = int(os.environ["RANK"])


def recording_init(trial=None):
    if trial is not None and scenario == "fail" and rank == 1 and trial.params.get("trial_number", -1) == 1:
        raise RuntimeError("rank 1 cannot build this model")
    return model_init(trial)


class Record(TrainerCallback):
    def on_train_end(self, args, state, control, **kwargs):
        with open(os.path.join(out, f"rank{rank}.jsonl"), "a") as f:
            f.write(json.dumps({"lr": args.learning_rate, "steps": state.global_step, "dir": args.output_dir}) + "\n")


trainer = make_trainer(os.path.join(out, "runs"), init=recording_init, ddp_backend="gloo", num_train_epochs=3, ddp_timeout=120)
trainer.add_callback(Record())

spaces = {
    "optuna": lambda t: {"learning_rate": t.suggest_float("learning_rate", 1e-3, 1.0, log=True)},
    "wandb": lambda _: {"method": "random", "parameters": {"learning_rate": {"distribution": "log_uniform_values", "min": 1e-3, "max": 1.0}}},
}
space = spaces.get(backend)
if backend in ("random", "grid"):
    import hpcore

    space = {"learning_rate": hpcore.Categorical([0.001, 0.01, 0.1, 0.5])}
options = {}
if scenario == "prune":
    import optuna

    options["pruner"] = optuna.pruners.ThresholdPruner(upper=-1.0)  # every report is above: prune at once
if scenario == "timeout":
    options["timeout"] = 2.0
if backend == "wandb":
    options["mode"] = "offline"
    options["dir"] = out
if scenario == "fail":
    # model_init sees the trial's number through the space: a constant parameter
    import hpcore

    space = {"learning_rate": hpcore.Categorical([0.001, 0.01, 0.1, 0.5]), "trial_number": hpcore.Categorical([0, 1, 2, 3])}
    backend = "grid"
best = hyperparameter_search(
    trainer, hp_space=space, n_trials=50 if scenario == "timeout" else 4, backend=backend, seed=0, **options
)
with open(os.path.join(out, f"best{rank}.json"), "w") as f:
    json.dump({"run_id": best.run_id, "objective": best.objective, "hyperparameters": best.hyperparameters}, f)
