"""The README's demo: tune a small text classifier with transformers' Trainer, on hpcore.

A tiny BERT built from a config learns the sentiment of generated movie-review sentences
(`examples/text_classifier.py`: nothing comes from a hub). Optuna samples the learning rate,
batch size and dropout (which only `model_init` reads), its median pruner stops poor trials
early, and the study lives in a SQLite file under `runs/`, so running the demo again resumes
the same study with 10 more trials. It shows progress, prints the trials and the best run,
draws the search into `runs/demo.png` and writes its report page, `runs/demo.html` (the best
trial, every trial's evaluation losses by step, where the pruned ones stopped).

Run it with `make demo`, or `python examples/demo.py`.
"""

import os
import sys

import optuna

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from text_classifier import make_trainer

from hpcore.cli import print_result
from hpcore.integrations.transformers import hyperparameter_search
from hpcore.progress import RichProgress
from hpcore.report import write_html, write_png

RUNS = "runs"


def hp_space(trial):
    return {
        "learning_rate": trial.suggest_float("learning_rate", 3e-4, 1e-2, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [8, 16, 32]),
        "hidden_dropout_prob": trial.suggest_float("hidden_dropout_prob", 0.0, 0.3),  # read by model_init
    }


if __name__ == "__main__":
    os.makedirs(RUNS, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    trainer = make_trainer(os.path.join(RUNS, "text-classifier"), eval_strategy="steps", eval_steps=50, num_train_epochs=3)
    with RichProgress("tuning a text classifier") as progress:
        best = hyperparameter_search(
            trainer,
            hp_space=hp_space,
            compute_objective=lambda metrics: metrics["eval_loss"],
            n_trials=10,
            direction="minimize",
            backend="optuna",
            storage=f"sqlite:///{RUNS}/demo.db",
            study_name="text-classifier",
            sampler=optuna.samplers.TPESampler(seed=0, n_startup_trials=5),
            pruner=optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=150),
            observers=[progress],
        )
    result = best.run_summary.result
    print_result(result, limit=20)
    write_png(result, os.path.join(RUNS, "demo.png"))
    write_html(result, os.path.join(RUNS, "demo.html"))
    print(f"best eval loss {best.objective:.4f} with {best.hyperparameters}; picture: {RUNS}/demo.png, report: {RUNS}/demo.html; "
          f"run again to add 10 trials to the study in {RUNS}/demo.db")
