"""The journal keeps every finished trial, survives a killed writer, and refuses other directions."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import hpcore
from hpcore.errors import JournalMismatch
from hpcore.journal import read_journal
from hpcore import TrialState

SPACE = {"x": hpcore.Float(0, 1)}


def test_a_journal_written_with_other_directions_is_refused(tmp_path):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=2, journal=journal)
    with pytest.raises(JournalMismatch, match=r"directions \['minimize'\], not \['maximize'\]"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", direction="max", n_trials=2, journal=journal)
    assert len(read_journal(journal)[1]) == 2  # nothing lost


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(JournalMismatch, match="not an hpcore journal"):
        hpcore.search(lambda t: 0.0, SPACE, backend="random", journal=path)


def test_a_torn_last_line_is_cut_off(tmp_path):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=3, journal=journal)
    with journal.open("a") as f:
        f.write('{"number": 3, "par')
    result = hpcore.search(lambda t: 1.0, SPACE, backend="random", n_trials=1, journal=journal)
    assert [t.number for t in result.trials] == [0, 1, 2, 3]
    assert all(json.loads(line) for line in journal.read_text().splitlines())


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
