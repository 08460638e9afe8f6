"""Options: sampler, pruner, storage (URL or object), study_name, load_if_exists, callbacks, a ready study; bad input."""

from __future__ import annotations

import subprocess
import sys

import optuna
import pytest
from optuna.trial import TrialState as OptunaState

import hpcore
from hp_optuna import StorageUnavailable, StudyExists, StudyMismatch


def journal(path) -> optuna.storages.JournalStorage:
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))


def test_result_engine_is_the_optuna_study(space, square) -> None:
    result = hpcore.search(square, space, backend="optuna", n_trials=3)
    assert isinstance(result.native, optuna.Study)
    assert len(result.native.trials) == 3


def test_sqlite_url_storage_is_readable_by_other_optuna_tools(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    result = hpcore.search(square, space, backend="optuna", storage=url, study_name="demo", n_trials=4)
    code = (
        "import optuna, sys\n"
        f"study = optuna.load_study(study_name='demo', storage={url!r})\n"
        "print(len(study.trials), study.best_trial.number)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", str(result.best_trial.number)]


def test_url_storage_gets_a_heartbeat_unless_turned_off(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'hb.db'}"
    on = hpcore.search(square, space, backend="optuna", storage=url, n_trials=1)
    off = hpcore.search(square, space, backend="optuna", storage=url, n_trials=1, heartbeat_interval=None)
    assert on.native._storage.get_heartbeat_interval() == 60
    assert off.native._storage.get_heartbeat_interval() is None


def test_journal_file_storage_object(tmp_path, space, square) -> None:
    path = tmp_path / "journal.log"
    hpcore.search(square, space, backend="optuna", storage=journal(path), study_name="j", n_trials=5)
    study = optuna.load_study(study_name="j", storage=journal(path))
    assert [t.state for t in study.trials] == [OptunaState.COMPLETE] * 5


def test_same_name_continues_the_study(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    first = hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=3, seed=1)
    second = hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=2, seed=1)
    assert [t.number for t in second.trials] == [0, 1, 2, 3, 4]
    assert [(t.params, t.values, t.state) for t in second.trials[:3]] == [
        (t.params, t.values, t.state) for t in first.trials
    ]


def test_load_if_exists_false_refuses_an_existing_study(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'dup.db'}"
    hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=2)
    with pytest.raises(StudyExists, match="load_if_exists=True"):
        hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=2, load_if_exists=False)
    assert len(optuna.load_study(study_name="s", storage=url).trials) == 2


@pytest.mark.parametrize("url", ["sqlite:////no/such/directory/runs.db", "nosuchdialect://host/db"])
def test_storage_url_that_cannot_be_opened(url: str, space, square) -> None:
    with pytest.raises(StorageUnavailable, match="cannot be opened") as caught:
        hpcore.search(square, space, backend="optuna", storage=url, n_trials=1)
    assert isinstance(caught.value, hpcore.InvalidArgument)
    assert url in str(caught.value)


def test_stored_directions_that_differ_are_refused_and_nothing_is_lost(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'dirs.db'}"
    hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=3)
    for direction in ("maximize", ["minimize", "minimize"]):
        with pytest.raises(StudyMismatch, match="direction") as caught:
            hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=3, direction=direction)
        assert isinstance(caught.value, hpcore.HpcoreError)
    stored = optuna.load_study(study_name="s", storage=url)
    assert len(stored.trials) == 3 and stored.direction == optuna.study.StudyDirection.MINIMIZE


def test_ready_study_with_enqueued_trial_and_user_attrs() -> None:
    study = optuna.create_study(direction="maximize")
    study.set_user_attr("owner", "me")
    study.enqueue_trial({"x": 0.25})
    result = hpcore.search(lambda t: t.suggest_float("x", 0, 1), backend="optuna", direction="maximize", study=study, n_trials=3)
    assert result.native is study
    assert result.trials[0].params == {"x": 0.25}
    assert study.user_attrs == {"owner": "me"}


def test_ready_study_with_other_directions_is_refused(space, square) -> None:
    with pytest.raises(StudyMismatch):
        hpcore.search(square, space, backend="optuna", direction="maximize", study=optuna.create_study(), n_trials=1)


def test_ready_study_excludes_study_options(space, square) -> None:
    with pytest.raises(hpcore.InvalidArgument, match="sampler"):
        hpcore.search(square, space, backend="optuna", study=optuna.create_study(), sampler=optuna.samplers.RandomSampler())


def test_unknown_option_is_named(space, square) -> None:
    with pytest.raises(hpcore.InvalidArgument, match="'samplr'"):
        hpcore.search(square, space, backend="optuna", samplr=optuna.samplers.RandomSampler())


def test_heartbeat_interval_needs_a_url(tmp_path, space, square) -> None:
    with pytest.raises(hpcore.InvalidArgument, match="heartbeat_interval"):
        hpcore.search(square, space, backend="optuna", storage=journal(tmp_path / "j.log"), heartbeat_interval=5)


def test_callbacks_see_every_trial(space, square) -> None:
    seen = []
    hpcore.search(square, space, backend="optuna", n_trials=4, callbacks=[lambda study, trial: seen.append(trial.number)])
    assert seen == [0, 1, 2, 3]


def test_callbacks_must_be_a_list_of_functions(space, square) -> None:
    with pytest.raises(hpcore.InvalidArgument, match="callbacks"):
        hpcore.search(square, space, backend="optuna", n_trials=1, callbacks=lambda study, trial: None)


def test_max_trials_is_the_study_total(tmp_path, space, square) -> None:
    url = f"sqlite:///{tmp_path / 'max.db'}"
    hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=4)
    result = hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=10, max_trials=6)
    assert [t.number for t in result.trials] == list(range(6))
    again = hpcore.search(square, space, backend="optuna", storage=url, study_name="s", n_trials=10, max_trials=6)
    assert len(again.trials) == 6


def test_interrupt_keeps_what_finished_in_the_storage(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'int.db'}"

    def objective(trial: hpcore.Trial) -> float:
        if trial.number == 2:
            raise KeyboardInterrupt
        return trial.suggest_float("x", 0, 1)

    with pytest.raises(KeyboardInterrupt):
        hpcore.search(objective, backend="optuna", storage=url, study_name="s", n_trials=5)
    stored = optuna.load_study(study_name="s", storage=url)
    assert [t.state for t in stored.trials] == [OptunaState.COMPLETE, OptunaState.COMPLETE, OptunaState.FAIL]


@pytest.mark.parametrize(
    "option, value, example",
    [("sampler", "tpe", "sampler=optuna.samplers.TPESampler"), ("pruner", 42, "pruner=optuna.pruners.MedianPruner")],
)
def test_a_sampler_or_pruner_of_the_wrong_type_is_refused_before_the_storage_is_touched(
    tmp_path, space, square, option, value, example
) -> None:
    db = tmp_path / "runs.db"
    with pytest.raises(hpcore.InvalidArgument, match=f"{option} must be an optuna.*got {value!r}.*{example}"):
        hpcore.search(square, space, backend="optuna", storage=f"sqlite:///{db}", study_name="s", n_trials=2, **{option: value})
    assert not db.exists()


def test_a_storage_that_cannot_be_opened_is_named_without_its_password():
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/none"
    with pytest.raises(StorageUnavailable) as raised:
        hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="optuna", n_trials=1, storage=url)
    assert "s3cret" not in str(raised.value) and "user:***@127.0.0.1:1" in str(raised.value)
