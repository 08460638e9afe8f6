"""A search resumed from an hpcore ``journal=`` into an empty Optuna study: numbers go on, the sampler sees the past."""

from __future__ import annotations

import json
import time

import optuna
from optuna.trial import TrialState as OptunaState

import hpcore
from hpcore import TrialState, read_journal


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


def _with_gap(path, space, square) -> None:
    """A journal of trials 0, 1, 2 and 300000 (the numbers between were never finished)."""
    hpcore.search(square, space, backend="optuna", journal=path, n_trials=3, seed=0)
    last = json.loads(path.read_text().splitlines()[-1])
    with path.open("a") as f:
        f.write(json.dumps({**last, "number": 300000}) + "\n")


def test_a_journal_with_a_gap_replays_only_its_trials(tmp_path, space, square) -> None:
    path = tmp_path / "journal.jsonl"
    _with_gap(path, space, square)
    started = time.monotonic()
    resumed = hpcore.search(square, space, backend="optuna", journal=path, n_trials=2, seed=0)
    assert time.monotonic() - started < 5
    assert [t.number for t in resumed.trials] == [0, 1, 2, 300000, 300001, 300002]
    assert [t.number for t in read_journal(path)[1]] == [0, 1, 2, 300000, 300001, 300002]
    assert len(resumed.native.trials) == 6  # the four journal trials, then the two new ones
    assert [t.params for t in resumed.native.trials[:4]] == [t.params for t in resumed.trials[:4]]


def test_numbers_stay_those_of_the_journal_in_a_stored_study(tmp_path, space, square) -> None:
    path, url = tmp_path / "journal.jsonl", f"sqlite:///{tmp_path / 'runs.db'}"
    _with_gap(path, space, square)
    hpcore.search(square, space, backend="optuna", journal=path, storage=url, study_name="s", n_trials=1)
    again = hpcore.search(square, space, backend="optuna", journal=path, storage=url, study_name="s", n_trials=1)
    worker = hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=1)  # no journal
    expected = [0, 1, 2, 300000, 300001, 300002]
    assert [t.number for t in again.trials] == expected
    assert [t.number for t in worker.trials] == [*expected, 300003]
    assert [t.params for t in worker.trials[:6]] == [t.params for t in again.trials]
