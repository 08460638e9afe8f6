"""One search under torchrun, for the DDP tests: `torchrun --nproc_per_node=2 ddp_search.py OUT BACKEND SCENARIO`.

Each rank appends what it trained (learning rate, steps, folder) to OUT/rank{r}.jsonl and
writes the best run it returned to OUT/best{r}.json; the search keeps a journal,
OUT/journal.jsonl. Scenarios: `plain`; `prune` (Optuna's median pruner); `timeout` (a 3 s
budget for up to 50 trials); `fail` (rank 1 raises while building the model of trial 1).
"""

import json
import os
import sys

import hpcore
import torch
from transformers import TrainerCallback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from regression import make_trainer, model_init  # noqa: E402

from hpcore.integrations.transformers import hyperparameter_search  # noqa: E402

out, backend, scenario = sys.argv[1], sys.argv[2], sys.argv[3]
rank = int(os.environ["RANK"])
built = []


def init(trial=None):
    if trial is not None:
        built.append(trial)
        if scenario == "fail" and rank == 1 and len(built) == 2:
            raise RuntimeError("rank 1 cannot build the model of trial 1")
    return model_init(trial)


class Record(TrainerCallback):
    def on_train_end(self, args, state, control, **kwargs):
        with open(os.path.join(out, f"rank{rank}.jsonl"), "a") as f:
            f.write(json.dumps({"lr": args.learning_rate, "steps": state.global_step, "dir": args.output_dir}) + "\n")


trainer = make_trainer(os.path.join(out, "runs"), init=init, ddp_backend="gloo", num_train_epochs=3, ddp_timeout=120)
trainer.add_callback(Record())
spaces = {
    "optuna": lambda t: {"learning_rate": t.suggest_float("learning_rate", 1e-3, 1.0, log=True)},
    "wandb": lambda _: {
        "method": "random",
        "parameters": {"learning_rate": {"distribution": "log_uniform_values", "min": 1e-3, "max": 1.0}},
    },
}
space = spaces.get(backend, {"learning_rate": hpcore.Categorical([0.001, 0.01, 0.1, 0.5])})
options = {"journal": os.path.join(out, "journal.jsonl")}
if backend == "wandb":
    options.update(mode="offline", dir=out)
if scenario == "prune":
    import optuna

    options["pruner"] = optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=0)
if scenario == "timeout":
    options["timeout"] = 3.0
best = hyperparameter_search(
    trainer, hp_space=space, n_trials=50 if scenario == "timeout" else 4, backend=backend, seed=0, **options
)
with open(os.path.join(out, f"best{rank}.json"), "w") as f:
    json.dump({"run_id": best.run_id, "objective": best.objective, "hyperparameters": best.hyperparameters}, f)
torch.distributed.destroy_process_group()  # as PyTorch asks of every DDP script: the process then exits cleanly
