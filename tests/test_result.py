"""SearchResult: best runs as transformers returns them, JSON round trips, data frames."""

import math

import pytest

import hpcore
from hpcore import SearchResult, FrozenTrial, TrialState


def test_best_run_has_transformers_field_order():
    assert hpcore.BestRun._fields == ("run_id", "objective", "hyperparameters", "run_summary")


def test_save_and_load_round_trip(tmp_path):
    def objective(trial):
        trial.report(1.5, 0)
        trial.set_user_attr("note", "hello")
        if trial.number == 1:
            return math.nan
        return trial.params["x"]

    result = hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=4, seed=2)
    path = tmp_path / "result.json"
    result.save(path)
    loaded = SearchResult.load(path)
    assert loaded.trials == result.trials
    assert loaded.best_trial == result.best_trial
    assert loaded.trials[1].state is TrialState.FAILED and loaded.trials[0].intermediate == {0: 1.5}


def test_values_json_cannot_hold_are_saved_by_repr_with_a_warning(tmp_path):
    marker = object()
    result = SearchResult([FrozenTrial(0, {"obj": marker}, TrialState.COMPLETE, [1.0])], ["minimize"], "random")
    with pytest.warns(UserWarning, match="parameter 'obj'.*repr"):
        result.save(tmp_path / "r.json")
    assert SearchResult.load(tmp_path / "r.json").trials[0].params["obj"] == repr(marker)


def test_to_dataframe_has_a_row_per_trial():
    result = hpcore.search(
        lambda t: (t.params["x"], 1.0), {"x": hpcore.Float(0, 1)}, backend="random", direction=["min", "max"], n_trials=5
    )
    frame = result.to_dataframe()
    assert list(frame["number"]) == [0, 1, 2, 3, 4]
    assert {"values_0", "values_1", "params_x", "state"} <= set(frame.columns)
