"""A stored study keeps its parameters' distributions and its choices as JSON: a search that cannot go on with them is refused before its first trial."""

from __future__ import annotations

import optuna
import pytest

import hpcore
from hp_optuna import StudyMismatch


@pytest.mark.parametrize(
    "changed, difference",
    [
        (hpcore.Categorical(["a", "b"]), "FloatDistribution\\(.*high=1.0.*now CategoricalDistribution"),
        (hpcore.Float(0, 2), "high=1.0.*now FloatDistribution\\(.*high=2.0"),
        (hpcore.Float(0, 1, step=0.5), "step=None.*now FloatDistribution\\(.*step=0.5"),
    ],
    ids=["kind", "range", "step"],
)
def test_a_stored_study_of_another_space_is_refused_at_the_start(tmp_path, changed, difference) -> None:
    url, ran = f"sqlite:///{tmp_path / 'runs.db'}", []
    hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="optuna", storage=url, study_name="s", n_trials=2)
    with pytest.raises(StudyMismatch, match=f"stored study 's' sampled parameter 'x' from .*{difference}.*new study_name"):
        hpcore.search(lambda t: ran.append(t) or 0.0, {"x": changed}, backend="optuna", storage=url, study_name="s", n_trials=2)
    assert ran == []
    assert len(optuna.load_study(study_name="s", storage=url).trials) == 2


def test_the_same_space_goes_on_in_a_stored_study(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=2)
    again = hpcore.search(square, {**space, "extra": hpcore.Int(0, 3)}, backend="optuna", storage=url, study_name="s", n_trials=2)
    assert [t.state for t in again.trials] == [hpcore.TrialState.COMPLETE] * 4  # a new parameter is no change


class Model:
    """A choice JSON cannot write."""


@pytest.mark.filterwarnings("ignore:Choices for a categorical distribution")  # Optuna's, for the in-memory search
@pytest.mark.parametrize(
    "choices, match",
    [([Model(), Model()], "choice <.*Model object.*> cannot be stored"), ([(1, 2), (3, 4)], "choice \\(1, 2\\) comes back as \\[1, 2\\]")],
    ids=["object", "tuple"],
)
def test_choices_a_storage_cannot_keep_are_refused_before_the_first_trial(tmp_path, choices, match) -> None:
    db, ran = tmp_path / "runs.db", []
    with pytest.raises(hpcore.InvalidSpace, match=f"parameter 'model': {match}.*in-memory storage"):
        hpcore.search(lambda t: ran.append(t) or 0.0, {"model": hpcore.Categorical(choices)}, backend="optuna", storage=f"sqlite:///{db}", n_trials=2)
    assert ran == [] and not db.exists()
    kept = hpcore.search(lambda t: 0.0, {"model": hpcore.Categorical(choices)}, backend="optuna", n_trials=4)  # in memory
    assert all(any(t.params["model"] is c for c in choices) for t in kept.trials)
