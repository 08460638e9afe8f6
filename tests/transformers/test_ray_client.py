"""`hyperparameter_search(backend="ray")` through Ray Client (issue #21, item 2), from a user's script whose
own classes (a `TrainingArguments` subclass, the data) live in `__main__`: a real client server, started
by the script (Ray Client needs a process where Ray is not initialised)."""

import json
import os
import subprocess
import sys

SCRIPT = '''
import json, os, sys
from dataclasses import dataclass, field

import ray
import torch
from ray._private.client_mode_hook import disable_client_hook
from ray.util.client.ray_client_helpers import ray_start_client_server
from transformers import TrainingArguments

sys.path.insert(0, {here!r})
import hpcore
from hpcore.integrations.transformers import Trainer
from regression import RegressionConfig, RegressionModel


@dataclass
class ScriptArguments(TrainingArguments):  # defined in the user's script
    extra: int = field(default=1)


class Data(torch.utils.data.Dataset):
    def __len__(self):
        return 32

    def __getitem__(self, i):
        x = torch.tensor(i / 32.0)
        return {{"input_x": x, "labels": 2 * x + 1}}


def model_init(trial):
    return RegressionModel(RegressionConfig())


def serve(job_config=None, **kwargs):
    with disable_client_hook():
        if not ray.is_initialized():
            return ray.init(num_cpus=2, include_dashboard=False, job_config=job_config, logging_level="WARNING")


args = ScriptArguments({out!r}, extra=5, num_train_epochs=2, eval_strategy="epoch", save_strategy="epoch",
                       load_best_model_at_end=True, report_to="none", use_cpu=True, disable_tqdm=True)
with ray_start_client_server(ray_connect_handler=serve):
    trainer = Trainer(model_init=model_init, args=args, train_dataset=Data(), eval_dataset=Data())
    best = trainer.hyperparameter_search(hp_space={{"learning_rate": hpcore.Float(1e-3, 0.5, log=True)}}, n_trials=2,
                                         backend="ray", seed=0, storage_path={storage!r},
                                         hp_name=lambda trial: "lr-%.5f" % trial["learning_rate"])
    client = ray.util.client.ray.is_connected()
saved = torch.load(os.path.join(best.run_summary.checkpoint, "training_args.bin"), weights_only=False)
print(json.dumps({{"client": client, "states": [t.state.value for t in best.run_summary.result.trials],
                  "errors": [t.error for t in best.run_summary.result.trials if t.error],
                  "folder": os.path.basename(best.run_summary.output_dir), "lr": best.hyperparameters["learning_rate"],
                  "checkpoint_inside": best.run_summary.checkpoint.startswith(best.run_summary.output_dir + os.sep),
                  "saved": [type(saved).__name__, saved.extra]}}))
'''


def test_the_drop_in_runs_through_ray_client_with_the_scripts_own_classes(tmp_path, ray_client_port):
    script = tmp_path / "search.py"
    script.write_text(SCRIPT.format(here=os.path.dirname(__file__), out=str(tmp_path / "out"), storage=str(tmp_path / "ray")))
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env.update(RAY_AIR_NEW_OUTPUT="0", TUNE_DISABLE_AUTO_CALLBACK_LOGGERS="1")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=400, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr[-4000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["client"] is True and out["states"] == ["COMPLETE", "COMPLETE"], out
    assert out["folder"] == "lr-%.5f" % out["lr"] and out["checkpoint_inside"]  # hp_name names the run's folder
    assert out["saved"] == ["ScriptArguments", 5]  # the script's class, saved by a worker, loaded back here
