"""W&B as transformers takes it (issue #21, item 3): `"metric": {}` filled in from `direction`, and
`sweep_id=` (a previous best run's `run_summary`) continuing the sweep: locally from its record,
nothing run again; online, the W&B sweep (against a FAKE of the W&B cloud API, labelled below)."""

import os

import pytest
from regression import make_trainer, model_init

import hpcore


def transformers_hp_space(trial):  # as transformers' own W&B test writes it: the metric left to transformers
    return {
        "method": "random",
        "metric": {},
        "parameters": {"learning_rate": {"distribution": "uniform", "min": 1e-3, "max": 1e-1}, "a": {"values": [0.0, 1.0, 2.0]}},
    }


def counting_init(calls):
    def init(trial):
        if trial is not None:
            calls.append(dict(trial))
        return model_init(trial)

    return init


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    return tmp_path / "wandb-dir"


def test_an_empty_metric_is_filled_in_from_direction_as_transformers_does(tmp_path, offline):
    trainer = make_trainer(tmp_path / "out")
    best = trainer_search(trainer, transformers_hp_space, 3, direction="maximize", dir=str(offline),
                          hp_name=lambda trial: f"a{trial['a']}-n{trial.number}")
    result = best.run_summary.result
    assert all(os.path.basename(t.user_attrs["output_dir"]) == f"a{t.params['a']}-n{t.number}" for t in result.trials)
    assert [t.state for t in result.trials] == [hpcore.TrialState.COMPLETE] * 3, [t.error for t in result.trials]
    assert best.objective == max(t.values[0] for t in result.trials)  # maximized, as direction says
    assert set(best.hyperparameters) == {"learning_rate", "a"}  # the trial's own values only


def trainer_search(trainer, hp_space, n_trials, **kwargs):
    from hpcore.integrations.transformers import hyperparameter_search

    return hyperparameter_search(trainer, hp_space=hp_space, n_trials=n_trials, backend="wandb", seed=0, **kwargs)


def test_sweep_id_continues_a_local_sweep_from_its_record_running_nothing_again(tmp_path, offline):
    calls = []
    trainer = make_trainer(tmp_path / "out", init=counting_init(calls))
    first = trainer_search(trainer, transformers_hp_space, 2, dir=str(offline))
    before = first.run_summary.result.trials
    sweep = first.run_summary.result.native
    assert sweep.sweep_id.startswith("local-") and os.path.isfile(sweep.record)
    calls.clear()

    again = trainer_search(trainer, transformers_hp_space, 2, dir=str(offline), sweep_id=first.run_summary)
    after = again.run_summary.result.trials
    assert [t.number for t in after] == [0, 1, 2, 3]
    assert [(t.params, t.values) for t in after[:2]] == [(t.params, t.values) for t in before]
    assert len(calls) == 2 and all(c == t.params for c, t in zip(calls, after[2:]))  # only the new trials trained
    assert again.run_summary.result.native.sweep_id == sweep.sweep_id

    by_string = trainer_search(trainer, transformers_hp_space, 1, dir=str(offline), sweep_id=sweep.sweep_id)
    assert [t.number for t in by_string.run_summary.result.trials] == [0, 1, 2, 3, 4]


def test_an_unknown_local_sweep_id_is_refused_before_any_trial(tmp_path, offline):
    calls = []
    trainer = make_trainer(tmp_path / "out", init=counting_init(calls))
    with pytest.raises(hpcore.InvalidArgument, match="no local sweep 'local-0000dead'.*mode='online'"):
        trainer_search(trainer, transformers_hp_space, 2, dir=str(offline), sweep_id="local-0000dead")
    assert calls == []


class FakeWandbCloud:
    """A FAKE of the W&B cloud API (`wandb.sweep`, `wandb.agent`): the W&B server cannot be reached from
    the tests. The agent plays the server: for each run it picks the next value of each parameter,
    starts a real offline W&B run with them as its config, and calls the function."""

    def __init__(self, runs_dir):
        self.runs_dir, self.sweeps, self.agents = runs_dir, {}, []

    def sweep(self, config, entity=None, project=None, **kwargs):
        sweep_id = f"fake{len(self.sweeps)}"
        self.sweeps[sweep_id] = config
        return sweep_id

    def agent(self, sweep_id, function=None, entity=None, project=None, count=None):
        import wandb

        self.agents.append(sweep_id)
        parameters = self.sweeps[sweep_id]["parameters"]
        for i in range(count):
            config = {name: spec["values"][i % len(spec["values"])] if "values" in spec else spec["min"] for name, spec in parameters.items()}
            wandb.init(mode="offline", config=config, dir=self.runs_dir, reinit="finish_previous",
                       settings=wandb.Settings(silent=True, console="off", x_disable_stats=True))
            function()


def test_online_sweep_id_from_a_run_summary_joins_the_w_and_b_sweep(tmp_path, monkeypatch):
    import wandb

    cloud = FakeWandbCloud(tmp_path / "runs")
    monkeypatch.setattr(wandb, "sweep", cloud.sweep)
    monkeypatch.setattr(wandb, "agent", cloud.agent)
    monkeypatch.setenv("WANDB_API_KEY", "fake-key-for-the-fake-cloud-0000000000000")
    monkeypatch.delenv("WANDB_MODE", raising=False)
    trainer = make_trainer(tmp_path / "out")
    first = trainer_search(trainer, transformers_hp_space, 2, mode="online")
    assert cloud.sweeps["fake0"]["metric"] == {"name": "objective", "goal": "minimize"}  # filled in, as transformers does
    again = trainer_search(trainer, transformers_hp_space, 1, mode="online", sweep_id=first.run_summary)
    assert cloud.agents == ["fake0", "fake0"] and len(cloud.sweeps) == 1
    assert again.run_summary.result.native.sweep_id == "fake0"
