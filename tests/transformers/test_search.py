"""`hyperparameter_search` in-process: the signature, native spaces, best runs, the trainer left as it was."""

import logging
import os

import optuna
import pytest
from regression import RegressionDataset, make_trainer, model_init
from transformers import EarlyStoppingCallback
from transformers.trainer_utils import BestRun

import hpcore
from hpcore.integrations.transformers import DEFAULT_SPACE, Trainer, hyperparameter_search

IN_PROCESS = ["optuna", "wandb", "random"]


def optuna_hp_space(trial):  # the transformers guide's spaces, as written there
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-6, 1e-4, log=True),
        "per_device_train_batch_size": trial.suggest_categorical("per_device_train_batch_size", [16, 32, 64, 128]),
    }


def wandb_hp_space(trial):
    return {
        "method": "random",
        "metric": {"name": "objective", "goal": "minimize"},
        "parameters": {
            "learning_rate": {"distribution": "uniform", "min": 1e-6, "max": 1e-4},
            "per_device_train_batch_size": {"values": [16, 32, 64, 128]},
        },
    }


def neutral_hp_space(trial):
    return {"learning_rate": hpcore.Float(1e-6, 1e-4, log=True), "per_device_train_batch_size": hpcore.Categorical([16, 32, 64, 128])}


GUIDE_SPACES = {"optuna": optuna_hp_space, "wandb": wandb_hp_space, "random": None}


def guide_space(backend):
    return GUIDE_SPACES[backend] or neutral_hp_space(None)


def compute_objective(metrics):  # two objectives, as in the guide's multi-objective example
    return metrics["eval_loss"], -metrics["eval_loss"] * 0.5 + metrics["epoch"]


@pytest.mark.parametrize("backend", IN_PROCESS)
def test_the_guide_examples_run_unchanged_but_for_the_import(tmp_path, backend):
    trainer = make_trainer(tmp_path / "one", trainer_class=Trainer, num_train_epochs=1)
    best = trainer.hyperparameter_search(direction="minimize", backend=backend, hp_space=guide_space(backend), n_trials=20, seed=0)
    assert isinstance(best, BestRun) and set(best.hyperparameters) >= {"learning_rate", "per_device_train_batch_size"}
    assert 1e-6 <= best.hyperparameters["learning_rate"] <= 1e-4

    trainer = make_trainer(tmp_path / "two", trainer_class=Trainer, num_train_epochs=1)
    best_trials = trainer.hyperparameter_search(
        direction=["minimize", "maximize"], backend=backend, hp_space=guide_space(backend), n_trials=20,
        compute_objective=compute_objective, seed=0,
    )
    assert isinstance(best_trials, list) and best_trials and all(isinstance(b, BestRun) for b in best_trials)
    assert all(len(b.objective) == 2 for b in best_trials)
    result = best_trials[0].run_summary.result
    assert len(result.trials) == 20 and [t.number for t in result.best_trials] == [int(b.run_id) for b in best_trials]


def test_model_init_receives_the_optuna_trial_and_its_suggestions_are_hyperparameters(trainer):
    seen = []

    def init(trial):
        seen.append(trial)
        return model_init(trial)  # suggests "a" on an Optuna trial

    trainer.model_init = init
    best = hyperparameter_search(trainer, hp_space=optuna_hp_space, n_trials=3, backend="optuna")
    trials = [t for t in seen if t is not None]
    assert trials and all(isinstance(t, optuna.Trial) for t in trials)
    assert set(best.hyperparameters) == {"learning_rate", "per_device_train_batch_size", "a"}
    assert best.run_summary.output_dir == os.path.join(trainer.args.output_dir, f"run-{best.run_id}")


@pytest.mark.parametrize("backend", ["wandb", "random"])
def test_values_that_are_no_training_argument_reach_model_init(trainer, backend, caplog):
    space = {"learning_rate": hpcore.Float(0.01, 0.1), "a": hpcore.Categorical([1.0, 2.0]), "unused": hpcore.Int(0, 3)}
    seen = []

    def init(trial):
        if trial is not None:
            seen.append((trial["a"], trial.number))
        return model_init(trial)

    trainer.model_init = init
    with caplog.at_level(logging.WARNING, logger="hpcore.transformers"):
        best = hyperparameter_search(trainer, hp_space=space, n_trials=4, backend=backend, seed=1)
    result = best.run_summary.result
    assert [a for a, _ in seen] == [t.params["a"] for t in result.trials]
    warned = [r.getMessage() for r in caplog.records if "neither a training argument" in r.getMessage()]
    assert len(warned) == 1 and "'unused'" in warned[0], warned  # once, and not for "a"


def test_default_space_is_the_same_on_every_backend(tmp_path):
    ranges = {}
    for backend in IN_PROCESS:
        trainer = make_trainer(tmp_path / backend, init=lambda trial: model_init(None))
        best = hyperparameter_search(trainer, n_trials=3, backend=backend, seed=0)
        for t in best.run_summary.result.trials:
            assert set(t.params) == set(DEFAULT_SPACE)
            assert all(DEFAULT_SPACE[k].contains(v) for k, v in t.params.items()), t.params
        ranges[backend] = sorted(DEFAULT_SPACE)
    assert len(set(map(tuple, ranges.values()))) == 1


def test_each_trial_trains_in_its_own_folder_and_the_trainer_keeps_its_arguments(tmp_path):
    trainer = make_trainer(tmp_path / "out", save_strategy="epoch", learning_rate=0.05)
    before = trainer.args.to_dict()
    best = hyperparameter_search(trainer, hp_space={"learning_rate": hpcore.Float(0.01, 0.5)}, n_trials=3, backend="random",
                                 seed=0, hp_name=lambda trial: f"lr-{trial['learning_rate']:.3f}")
    assert trainer.args.to_dict() == before and trainer.args.learning_rate == 0.05
    folders = sorted(os.listdir(tmp_path / "out"))
    trials = best.run_summary.result.trials
    assert folders == sorted(f"lr-{t.params['learning_rate']:.3f}" for t in trials)
    assert best.run_summary.checkpoint.startswith(best.run_summary.output_dir + os.sep + "checkpoint-")
    assert trainer.objective == trials[-1].values[0]  # the last trial's, as transformers leaves it


def test_load_best_model_leaves_the_best_runs_model_on_the_trainer(tmp_path):
    trainer = make_trainer(tmp_path / "out")
    space = {"learning_rate": hpcore.Categorical([0.001, 0.3])}
    best = hyperparameter_search(trainer, hp_space=space, n_trials=2, backend="grid", seed=0, load_best_model=True)
    assert best.hyperparameters["learning_rate"] == 0.3 and best.run_summary.checkpoint
    assert trainer.evaluate()["eval_loss"] == pytest.approx(best.objective, rel=1e-5)


def test_pruning_stops_training_at_the_pruned_evaluation(tmp_path):
    trainer = make_trainer(tmp_path / "out", num_train_epochs=4)
    best = hyperparameter_search(
        trainer, hp_space=lambda t: {"learning_rate": t.suggest_float("learning_rate", 1e-4, 0.5, log=True)}, n_trials=8,
        backend="optuna", sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0),
    )
    trials = best.run_summary.result.trials
    pruned = [t for t in trials if t.state is hpcore.TrialState.PRUNED]
    assert pruned, [t.state for t in trials]
    for t in pruned:
        assert len(t.intermediate) < 4  # reported evaluations stop at the pruned one; the full run has 4
    assert all(len(t.intermediate) == 4 for t in trials if t.state is hpcore.TrialState.COMPLETE)


def test_early_stopping_starts_afresh_in_every_trial(tmp_path):
    trainer = make_trainer(tmp_path / "out", num_train_epochs=6, metric_for_best_model="eval_loss",
                           load_best_model_at_end=True, save_strategy="epoch", save_total_limit=1)
    trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=1, early_stopping_threshold=1e9))
    space = {"learning_rate": hpcore.Categorical([0.01, 0.02, 0.03])}
    best = hyperparameter_search(trainer, hp_space=space, n_trials=3, backend="grid", seed=0)
    steps = [len(t.intermediate) for t in best.run_summary.result.trials]
    assert steps == [2, 2, 2]  # no improvement can pass the threshold: every trial stops after 2 evaluations


def test_a_trial_that_raises_fails_alone_and_the_search_goes_on(tmp_path):
    def init(trial):
        if trial is not None and trial["learning_rate"] == 0.2:
            raise RuntimeError("CUDA out of memory (simulated by the test)")
        return model_init(trial)

    trainer = make_trainer(tmp_path / "out", init=init)
    best = hyperparameter_search(trainer, hp_space={"learning_rate": hpcore.Categorical([0.1, 0.2, 0.3])}, n_trials=3,
                                 backend="grid", seed=0)
    trials = best.run_summary.result.trials
    failed = [t for t in trials if t.state is hpcore.TrialState.FAILED]
    assert len(failed) == 1 and "out of memory" in failed[0].error
    assert sum(t.state is hpcore.TrialState.COMPLETE for t in trials) == 2


def test_models_are_freed_after_each_trial(tmp_path):
    import gc
    import weakref

    import psutil

    from regression import RegressionConfig, RegressionModel

    built = []

    def init(trial):
        model = RegressionModel(RegressionConfig(width=2_000_000))  # 8 MB of weights, 24 MB with Adam's state
        built.append(weakref.ref(model))
        return model

    trainer = make_trainer(tmp_path / "out", init=init, num_train_epochs=1)
    space = {"learning_rate": hpcore.Float(0.01, 0.1)}
    process = psutil.Process()
    hyperparameter_search(trainer, hp_space=space, n_trials=2, backend="random", seed=0)
    gc.collect()
    after_two = process.memory_info().rss
    hyperparameter_search(trainer, hp_space=space, n_trials=10, backend="random", seed=1)
    gc.collect()
    after_ten = process.memory_info().rss
    assert after_ten <= 1.10 * after_two, (after_two, after_ten)
    assert trainer.model is None and all(ref() is None for ref in built)


def test_bad_input_is_refused_before_any_trial(tmp_path):
    from transformers import Trainer as PlainTrainer
    from transformers import TrainingArguments

    from regression import RegressionModel, RegressionConfig

    no_init = PlainTrainer(model=RegressionModel(RegressionConfig()), args=TrainingArguments(str(tmp_path), report_to="none", use_cpu=True),
                           train_dataset=RegressionDataset())
    with pytest.raises(hpcore.InvalidArgument, match="model_init"):
        hyperparameter_search(no_init, n_trials=1, backend="random")
    trainer = make_trainer(tmp_path / "out")
    with pytest.raises(hpcore.BackendNotFound, match="installed backends: .*optuna"):
        hyperparameter_search(trainer, n_trials=1, backend="sigopt")
    with pytest.raises(hpcore.InvalidSpace, match="W&B sweep config.*'optuna' reads: a neutral space.*hp_space"):
        hyperparameter_search(trainer, hp_space=wandb_hp_space(None), n_trials=1, backend="optuna")
    with pytest.raises(hpcore.InvalidSpace, match="Optuna hp_space.*backend='optuna'"):
        hyperparameter_search(trainer, hp_space=optuna_hp_space, n_trials=1, backend="random")
    with pytest.raises(hpcore.InvalidArgument, match="load_run"):
        hyperparameter_search(trainer, n_trials=1, backend="random", direction=["minimize", "maximize"], load_best_model=True)
    assert not list((tmp_path / "out").glob("run-*"))  # no trial trained


def test_a_backend_not_installed_names_the_extra_that_brings_it(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, {here!r})\n"
        "from regression import make_trainer\n"
        "from hpcore.integrations.transformers import hyperparameter_search\n"
        "hyperparameter_search(make_trainer({out!r}), n_trials=1, backend='ray')\n"
    ).format(here=os.path.dirname(__file__), out=str(tmp_path / "out"))
    env = {**os.environ, "HPCORE_LOAD_PLUGINS": "hp-optuna"}  # as if hp-ray were not installed
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode != 0 and 'pip install "hpcore[ray]"' in run.stderr, run.stderr[-2000:]


def test_optuna_keywords_route_as_transformers_routes_them(tmp_path):
    trainer = make_trainer(tmp_path / "out")
    finished = []
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    best = hyperparameter_search(
        trainer, hp_space=optuna_hp_space, n_trials=3, backend="optuna",
        callbacks=[lambda study, trial: finished.append(trial.number)], gc_after_trial=True, timeout=600,
        storage=storage, study_name="guide", sampler=optuna.samplers.RandomSampler(seed=0),
    )
    assert finished == [0, 1, 2]
    study = optuna.load_study(study_name="guide", storage=storage)
    assert len(study.trials) == 3 and study.best_trial.number == int(best.run_id)
    with pytest.raises(hpcore.InvalidArgument, match="sampler"):
        hyperparameter_search(trainer, hp_space=optuna_hp_space, n_trials=1, backend="optuna", smapler=None)


def test_parallel_trials_each_train_their_own_trainer(tmp_path):
    trainer = make_trainer(tmp_path / "out")
    best = hyperparameter_search(trainer, hp_space=optuna_hp_space, n_trials=4, backend="optuna", n_jobs=2,
                                 sampler=optuna.samplers.RandomSampler(seed=0))
    trials = best.run_summary.result.trials
    assert [t.state for t in trials] == [hpcore.TrialState.COMPLETE] * 4
    for t in trials:  # each trial's own two evaluations, none of the other thread's
        assert len(t.intermediate) == 2 and t.values[0] == t.intermediate[max(t.intermediate)], t
    assert trainer.args.learning_rate == 0.1 and trainer.objective == trials[-1].values[0]


def test_wandb_hyperband_stops_trials_early(tmp_path):
    sweep = {
        "method": "random",
        "metric": {"name": "objective", "goal": "minimize"},
        "parameters": {"learning_rate": {"distribution": "log_uniform_values", "min": 1e-4, "max": 0.5}},
        "early_terminate": {"type": "hyperband", "min_iter": 1, "eta": 2},
    }
    trainer = make_trainer(tmp_path / "out", num_train_epochs=4)
    best = hyperparameter_search(trainer, hp_space=lambda trial: sweep, n_trials=8, backend="wandb", seed=0,
                                 mode="offline", dir=str(tmp_path))
    trials = best.run_summary.result.trials
    pruned = [t for t in trials if t.state is hpcore.TrialState.PRUNED]
    assert pruned and all(len(t.intermediate) < 4 for t in pruned), [(t.state, len(t.intermediate)) for t in trials]


@pytest.mark.parametrize("backend", ["optuna", "wandb"])
def test_a_previous_best_runs_summary_warm_starts_a_search_without_running_its_trials(tmp_path, backend):
    first = make_trainer(tmp_path / "first", trainer_class=Trainer, num_train_epochs=1)
    earlier = first.hyperparameter_search(backend="random", hp_space=neutral_hp_space(None), n_trials=3, seed=0)
    trainer = make_trainer(tmp_path / "second", trainer_class=Trainer, num_train_epochs=1)
    best = trainer.hyperparameter_search(backend=backend, hp_space=neutral_hp_space(None), n_trials=2, seed=1, warm_start=earlier.run_summary)
    result = best.run_summary.result
    assert [t.number for t in result.trials] == [0, 1]
    assert [t.params for t in result.warm_trials] == [t.params for t in earlier.run_summary.result.trials if t.values]
