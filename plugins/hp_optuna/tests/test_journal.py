"""A search resumed from an hpcore ``journal=`` into an empty Optuna study: numbers go on, the sampler sees the past."""

from __future__ import annotations

import optuna
from optuna.trial import TrialState as OptunaState

import hpcore
from hpcore import TrialState


def test_journal_is_replayed_into_the_new_study(tmp_path, space, square) -> None:
    path = tmp_path / "journal.jsonl"

    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 1:
            raise ValueError("bad luck")
        return square(trial)

    first = hpcore.search(objective, space, backend="optuna", journal=path, n_trials=4, seed=0)
    second = hpcore.search(square, space, backend="optuna", journal=path, n_trials=3, seed=0)
    assert [t.number for t in second.trials] == list(range(7))
    assert second.trials[:4] == first.trials  # the ledger keeps the journal's records, errors included
    replayed = second.native.trials[:4]
    assert [t.params for t in replayed] == [t.params for t in first.trials]
    assert [t.state for t in replayed] == [OptunaState.COMPLETE, OptunaState.FAIL, OptunaState.COMPLETE, OptunaState.COMPLETE]
    assert second.trials[1].error == "ValueError: bad luck"


def test_define_by_run_params_stay_in_the_ledger(tmp_path) -> None:
    path = tmp_path / "journal.jsonl"
    objective = lambda t: t.suggest_float("x", 0, 1)  # noqa: E731
    first = hpcore.search(objective, backend="optuna", journal=path, n_trials=2)
    second = hpcore.search(objective, backend="optuna", journal=path, n_trials=2)
    assert [t.params for t in second.trials[:2]] == [t.params for t in first.trials]
    assert [t.params for t in second.native.trials[:2]] == [{}, {}]  # Optuna has no distribution for them
    assert all(t.state is TrialState.COMPLETE for t in second.trials)


def test_a_study_that_holds_trials_is_the_record(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    path = tmp_path / "journal.jsonl"
    hpcore.search(square, space, backend="optuna", journal=path, storage=url, study_name="s", n_trials=3)
    again = hpcore.search(square, space, backend="optuna", journal=path, storage=url, study_name="s", n_trials=2)
    assert [t.number for t in again.trials] == list(range(5))
    assert len(optuna.load_study(study_name="s", storage=url).trials) == 5
