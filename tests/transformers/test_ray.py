"""`hyperparameter_search(backend="ray")`: trials in Ray workers, the model and data defined in this test's modules."""

import os

import pytest
from regression import make_trainer, model_init

import hpcore
from hpcore.integrations.transformers import Trainer, hyperparameter_search

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")


pytestmark = pytest.mark.usefixtures("ray_cluster")  # tests/transformers/conftest.py


def ray_hp_space(trial):  # the transformers guide's Ray space, as written there
    from ray import tune

    return {"learning_rate": tune.loguniform(1e-6, 1e-4), "per_device_train_batch_size": tune.choice([16, 32, 64, 128])}


def test_the_guide_example_runs_in_ray_workers_with_this_modules_model(tmp_path):
    seen_pids = []

    def init(trial):  # defined here, in a test module no worker can import: it travels by value
        seen_pids.append(os.getpid())
        return model_init(trial)

    trainer = make_trainer(tmp_path / "out", trainer_class=Trainer, init=init)
    best = trainer.hyperparameter_search(
        direction="minimize", backend="ray", hp_space=ray_hp_space, n_trials=4, seed=0, local_dir=str(tmp_path / "ray"),
        keep_checkpoints_num=1, resources_per_trial={"cpu": 1},
    )
    trials = best.run_summary.result.trials
    assert [t.state for t in trials] == [hpcore.TrialState.COMPLETE] * 4, [t.error for t in trials]
    assert set(best.hyperparameters) == {"learning_rate", "per_device_train_batch_size"}
    assert os.path.isdir(tmp_path / "ray")  # local_dir is Tune's storage_path
    assert best.run_summary.output_dir == os.path.join(str(tmp_path / "out"), f"run-{best.run_id}")
    assert trainer.objective == trials[-1].values[0]
    assert seen_pids == [os.getpid()]  # only the trainer's own construction ran here; trials ran in workers


def test_asha_stops_trials_early(tmp_path):
    from ray.tune.schedulers import ASHAScheduler

    trainer = make_trainer(tmp_path / "out", num_train_epochs=6)
    space = {"learning_rate": hpcore.Float(1e-4, 0.5, log=True)}
    best = hyperparameter_search(
        trainer, hp_space=space, n_trials=6, backend="ray", seed=0, storage_path=str(tmp_path / "ray"),
        scheduler=ASHAScheduler(max_t=100, grace_period=1, reduction_factor=2), max_concurrent_trials=2,
    )
    trials = best.run_summary.result.trials
    pruned = [t for t in trials if t.state is hpcore.TrialState.PRUNED]
    assert pruned and all(len(t.intermediate) < 6 for t in pruned), [(t.state, len(t.intermediate)) for t in trials]


def test_multi_objective_on_ray(tmp_path):
    trainer = make_trainer(tmp_path / "out")
    best = hyperparameter_search(
        trainer, hp_space=ray_hp_space, n_trials=4, backend="ray", seed=0, storage_path=str(tmp_path / "ray"),
        direction=["minimize", "maximize"], compute_objective=lambda m: (m["eval_loss"], m["epoch"]),
    )
    assert isinstance(best, list) and all(len(b.objective) == 2 for b in best)


SCRIPT = '''
import sys
import ray
import torch
from ray import tune
from transformers import TrainingArguments

sys.path.insert(0, {here!r})
from hpcore.integrations.transformers import Trainer
from regression import RegressionConfig, RegressionModel


class Data(torch.utils.data.Dataset):  # defined in the user's script: workers cannot import it
    def __len__(self):
        return 32

    def __getitem__(self, i):
        x = torch.tensor(i / 32.0)
        return {{"input_x": x, "labels": 2 * x + 1}}


def model_init(trial):
    return RegressionModel(RegressionConfig())


def metrics(prediction):
    return {{"mean": float(prediction.predictions.mean())}}


ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
args = TrainingArguments({out!r}, num_train_epochs=1, eval_strategy="epoch", report_to="none", use_cpu=True)
trainer = Trainer(model_init=model_init, args=args, train_dataset=Data(), eval_dataset=Data(), compute_metrics=metrics)
best = trainer.hyperparameter_search(hp_space=lambda _: {{"learning_rate": tune.loguniform(1e-3, 0.5)}},
                                     n_trials=2, backend="ray", storage_path={storage!r}, compute_objective=lambda m: m["eval_loss"])
print("BEST", best.run_id, sorted(t.state.value for t in best.run_summary.result.trials))
'''


def test_a_model_data_and_metrics_defined_in_the_users_script_reach_the_workers(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "search.py"
    script.write_text(SCRIPT.format(here=os.path.dirname(__file__), out=str(tmp_path / "out"), storage=str(tmp_path / "ray")))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={**os.environ, "RAY_ADDRESS": ""})
    assert run.returncode == 0, run.stderr[-3000:]
    assert "BEST" in run.stdout and "['COMPLETE', 'COMPLETE']" in run.stdout, run.stdout[-2000:]
