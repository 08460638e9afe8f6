"""A trainer of another class built before the drop-in was imported cannot be rebuilt where trials run:
one error naming the fix, before any trial (issue #21, item 5)."""

import os
import subprocess
import sys

SCRIPT = '''
import sys
sys.path.insert(0, {here!r})
from transformers import Trainer, TrainingArguments
from regression import RegressionDataset, model_init


class OwnTrainer(Trainer):  # arguments of its own, and not transformers' full list
    def __init__(self, scale, model_init=None, args=None, train_dataset=None, eval_dataset=None):
        super().__init__(model_init=model_init, args=args, train_dataset=train_dataset, eval_dataset=eval_dataset)
        self.scale = scale


trainer = OwnTrainer(2.0, model_init=model_init, train_dataset=RegressionDataset(), eval_dataset=RegressionDataset(),
                     args=TrainingArguments({before!r}, report_to="none", use_cpu=True))
import hpcore
from hpcore.integrations.transformers import hyperparameter_search
try:
    hyperparameter_search(trainer, hp_space={{"learning_rate": hpcore.Float(0.01, 0.1)}}, n_trials=2, backend="optuna", n_jobs=2)
except hpcore.InvalidArgument as exc:
    print("REFUSED", exc)

trainer = OwnTrainer(2.0, model_init=model_init, train_dataset=RegressionDataset(), eval_dataset=RegressionDataset(),
                     args=TrainingArguments({out!r}, report_to="none", use_cpu=True, num_train_epochs=1))
best = hyperparameter_search(trainer, hp_space={{"learning_rate": hpcore.Float(0.01, 0.1)}}, n_trials=2, backend="optuna", n_jobs=2)
print("STATES", sorted(t.state.value for t in best.run_summary.result.trials))
'''


def test_a_trainer_built_before_the_import_is_refused_and_one_built_after_is_rebuilt(tmp_path):
    before, out = tmp_path / "before", tmp_path / "out"
    script = SCRIPT.format(here=os.path.dirname(os.path.abspath(__file__)), before=str(before), out=str(out))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    refused = [line for line in run.stdout.splitlines() if line.startswith("REFUSED")]
    assert refused and "import hpcore.integrations.transformers before building the trainer" in refused[0], run.stdout[-2000:]
    assert not before.exists() or not list(before.glob("run-*"))  # refused before any trial trained
    assert "STATES ['COMPLETE', 'COMPLETE']" in run.stdout, run.stdout[-2000:]
