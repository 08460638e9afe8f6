"""The journal keeps every finished trial, survives a killed writer, and refuses other directions."""

import enum
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import hpcore
from hpcore.errors import InvalidArgument, JournalCannotKeep, JournalCorrupt, JournalMismatch, NotAJournal
from hpcore.journal import read_journal
from hpcore import TrialState

SPACE = {"x": hpcore.Float(0, 1)}


def test_a_journal_written_with_other_directions_is_refused(tmp_path):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, journal=journal)
    with pytest.raises(JournalMismatch, match=r"directions \['minimize'\], not \['maximize'\]"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", direction="max", n_trials=2, journal=journal)
    assert len(read_journal(journal)[1]) == 2  # nothing lost


def test_a_killed_search_resumes_from_its_journal(tmp_path):
    """A real process killed with SIGKILL mid-search: every finished trial is in its journal."""
    journal = tmp_path / "killed.jsonl"
    started = tmp_path / "started"
    script = textwrap.dedent(
        f"""
        import time, hpcore, pathlib
        def objective(trial):
            if trial.number == 5:
                pathlib.Path({str(started)!r}).write_text("5")
                time.sleep(60)
            return float(trial.number)
        hpcore.search(objective, {{"x": hpcore.Float(0, 1)}}, backend="random", n_trials=20, journal={str(journal)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not started.exists():
        assert proc.poll() is None, "the search ended before it was killed"
        assert time.monotonic() < deadline, "trial 5 never started"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    _, kept = read_journal(journal)
    assert [t.number for t in kept] == [0, 1, 2, 3, 4]
    result = hpcore.search(lambda t: 10.0, SPACE, backend="random", n_trials=3, journal=journal)
    assert [t.number for t in result.trials] == list(range(8))
    assert all(t.state is TrialState.COMPLETE for t in result.trials)
    assert result.best_trial.number == 0


# -- a file that is not a journal of this search is never written to -----------------------------
def _saved_result(path):
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2).save(path)


@pytest.mark.parametrize(
    "make",
    [
        _saved_result,
        lambda path: path.write_text("my notes\nsecond line\nno newline at the end"),
        lambda path: path.write_text('{"hello": 1}\n'),
        lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"),
    ],
    ids=["saved-result", "text", "other-json", "binary"],
)
def test_a_file_that_is_not_a_journal_is_refused_and_left_untouched(tmp_path, make):
    path = tmp_path / "r.json"
    make(path)
    before = path.read_bytes()
    with pytest.raises(NotAJournal, match="not an hpcore journal.*another journal path"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=1, journal=path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("journal, match", [(42, "journal must be a file path.*got 42"), (".", "is a directory")])
def test_a_journal_that_is_not_a_file_path_is_refused(tmp_path, journal, match):
    journal = tmp_path if journal == "." else journal
    with pytest.raises(InvalidArgument, match=match):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=1, journal=journal)


# -- one writer at a time ------------------------------------------------------------------------
HOLDER = textwrap.dedent(
    """
    import pathlib, sys, time, hpcore
    journal, started, release = sys.argv[1:4]
    def objective(trial):
        pathlib.Path(started).touch()
        while not pathlib.Path(release).exists():
            time.sleep(0.02)
        return 1.0
    hpcore.search(objective, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=2, journal=journal)
    """
)
SECOND = textwrap.dedent(
    """
    import sys, hpcore
    hpcore.search(lambda t: 2.0, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=4, journal=sys.argv[1])
    """
)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_a_second_process_on_the_same_journal_is_refused_at_once(tmp_path, existing):
    journal, started, release = tmp_path / "j.jsonl", tmp_path / "started", tmp_path / "release"
    if existing:
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=3, journal=journal)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(journal), str(started), str(release)])
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert holder.poll() is None and time.monotonic() < deadline, "the first search never started a trial"
            time.sleep(0.02)
        second = subprocess.run([sys.executable, "-c", SECOND, str(journal)], capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert "JournalLocked" in second.stderr and str(journal) in second.stderr
        assert "another journal path" in second.stderr
    finally:
        release.touch()
        assert holder.wait(timeout=60) == 0
    first = 3 if existing else 0
    _, kept = read_journal(journal)
    assert [t.number for t in kept] == list(range(first + 2))
    assert [t.values for t in kept[first:]] == [[1.0], [1.0]]  # only the first process wrote


# -- a damaged line is reported, never dropped ---------------------------------------------------
def _drop_state(line):
    record = json.loads(line)
    del record["state"]
    return json.dumps(record)


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda line: line[:10] + "#" + line[11:], "not JSON"),
        (lambda line: line.replace('"COMPLETE"', '"DONE"'), "'DONE' is not a valid TrialState"),
        (_drop_state, "no 'state'"),
        (lambda line: line.replace('"values": [0.0]', '"values": []'), "COMPLETE with 0 value"),
        (lambda line: "", "not JSON"),
        (lambda line: line.replace('"values": [0.0]', '"values": [true]'), "trial 1, field 'values': holds True"),
        (lambda line: line.replace('"error": null', '"error": {"a": 1}'), "trial 1, field 'error': an error is a string or null"),
        (lambda line: line.replace('"number": 1', '"number": 1' + "0" * 400), "field 'number': .*an integer of 401 digits"),
        (lambda line: line.replace('"state": "COMPLETE"', '"state": "RUNNING"'), "'RUNNING' is not a valid TrialState of a finished trial"),
        (lambda line: line.replace('"number": 1', '"number": 1, "number": 1'), "not JSON .*'number' appears twice"),
    ],
    ids=["garbled", "bad-state", "missing-key", "no-values", "empty", "value-true", "error-a-dict", "huge-number", "running", "a-key-twice"],
)
def test_a_damaged_line_is_reported_with_its_number_and_the_file_kept(tmp_path, damage, reason):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=3, journal=journal)
    lines = journal.read_text().splitlines()
    lines[2] = damage(lines[2])  # trial 1, the third line
    journal.write_text("\n".join(lines) + '\n{"number": 3, "par')  # and a torn last line
    before = journal.read_bytes()
    with pytest.raises(JournalCorrupt, match=f"line 3 .*{reason}.*"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=1, journal=journal)
    with pytest.raises(JournalCorrupt, match="line 3 "):
        read_journal(journal)
    assert journal.read_bytes() == before


@pytest.mark.parametrize("directions", ['[]', '["sideways"]', '["minimize", 1]'])
def test_a_header_whose_directions_are_no_directions_is_reported_and_the_file_kept(tmp_path, directions):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, journal=journal)
    journal.write_text(journal.read_text().replace('"directions": ["minimize"]', f'"directions": {directions}', 1))
    before = journal.read_bytes()
    with pytest.raises(JournalCorrupt, match="line 1, its header, cannot be read: field 'directions'"):
        read_journal(journal)
    with pytest.raises(JournalCorrupt, match="line 1, its header"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=1, journal=journal)
    assert journal.read_bytes() == before


@pytest.mark.timeout(20)
def test_read_journal_opens_no_fifo(tmp_path):
    fifo = tmp_path / "j.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(hpcore.errors.NotAResult, match="is a FIFO"):
        read_journal(fifo)  # before: open() waited for a writer, for ever


def test_a_torn_last_line_is_cut_off_with_a_warning(tmp_path, caplog):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, journal=journal)
    with journal.open("a") as f:
        f.write('{"number": 2, "par')
    assert [t.number for t in read_journal(journal)[1]] == [0, 1]  # a reader skips it: a writer may be writing it
    with caplog.at_level(logging.WARNING, logger="hpcore"):
        hpcore.search(lambda t: 1.0, SPACE, backend="random", n_trials=1, journal=journal)
    assert "torn line" in caplog.text
    assert [t.number for t in read_journal(journal)[1]] == [0, 1, 2]
    assert all(json.loads(line) for line in journal.read_text().splitlines())


# -- a journal belongs to one space --------------------------------------------------------------
@pytest.mark.parametrize(
    "space, difference",
    [
        ({"y": hpcore.Categorical(["a", "b"])}, "parameter 'x' is not in this search's space"),
        ({"x": hpcore.Float(0, 1), "y": hpcore.Int(0, 3)}, "parameter 'y' is not in the journal's space"),
        ({"x": hpcore.Float(0, 2)}, "parameter 'x' was .*'high': 1.0.*now .*'high': 2.0"),
        ({"x": hpcore.Categorical([0.0, 1.0])}, "parameter 'x' was .*'float'.*now .*'categorical'"),
        (None, "the journal holds trials of a neutral space, this search has a define-by-run space"),
        (lambda trial: {"x": trial.suggest_float("x", 0, 1)}, "the journal holds trials of a neutral space, this search has a function space"),
    ],
    ids=["other-name", "added", "range", "kind", "define-by-run", "native"],
)
def test_a_journal_of_another_space_is_refused_naming_the_difference(tmp_path, space, difference):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, journal=journal)
    before = journal.read_bytes()
    backend = "optuna" if space is None or callable(space) else "random"
    pytest.importorskip("hp_optuna") if backend == "optuna" else None
    with pytest.raises(JournalMismatch, match=f"another space: {difference}.*new journal path"):
        hpcore.search(lambda t: 0.0, space, backend=backend, n_trials=1, journal=journal)
    assert journal.read_bytes() == before


def test_the_same_space_written_another_way_resumes(tmp_path):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=2, journal=journal)
    resumed = hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0.0, 1.0)}, backend="random", n_trials=1, journal=journal)
    assert [t.number for t in resumed.trials] == [0, 1, 2]


# -- categorical choices come back as the objects declared ---------------------------------------
class Optimizer(str, enum.Enum):
    SGD = "sgd"
    ADAM = "adam"


def test_resumed_choices_are_the_declared_objects(tmp_path):
    journal = tmp_path / "j.jsonl"
    space = {
        "shape": hpcore.Categorical([(1, 2), (3, 4)]),
        "opt": hpcore.Categorical([Optimizer.SGD, Optimizer.ADAM]),
        "cfg": hpcore.Categorical([{"depth": 1}, {1: "int keys come back as str"}]),
    }
    first = hpcore.search(lambda t: 0.0, space, backend="random", n_trials=6, seed=0, journal=journal)
    resumed = hpcore.search(lambda t: 0.0, space, backend="random", n_trials=1, journal=journal)
    assert resumed.trials[:6] == first.trials
    for trial in resumed.trials:
        for name, value in trial.params.items():
            assert any(value is choice for choice in space[name].choices), (name, value)


class Model:
    """A choice JSON cannot write."""


@pytest.mark.parametrize(
    "choices, match",
    [
        ([Model(), Model()], "choice <.*Model object.*> cannot be written"),
        ([(1, 2), [1, 2]], "choices \\(1, 2\\) and \\[1, 2\\] are both written as \\[1, 2\\]"),
        ([{1: "a", "1": "b"}, 2], "choice \\{1: 'a', '1': 'b'\\} comes back as \\{'1': 'b'\\}"),
    ],
    ids=["object", "same-json", "colliding-keys"],
)
def test_choices_a_journal_cannot_keep_are_refused_before_the_first_trial(tmp_path, choices, match):
    journal, ran = tmp_path / "j.jsonl", []
    with pytest.raises(JournalCannotKeep, match=f"parameter 'model': {match}"):
        hpcore.search(lambda t: ran.append(t) or 0.0, {"model": hpcore.Categorical(choices)}, backend="random",
                      n_trials=2, journal=journal)
    assert ran == [] and not journal.exists()
