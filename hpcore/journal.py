"""An append-only JSON-lines ledger of finished trials; a search resumes from it.

Rules:
- the first line is a header naming the directions; a journal is only resumed by a
  search with the same directions (else JournalMismatch);
- each finished trial is one line, written and flushed as the trial ends, so a killed
  process loses only the trial it was running;
- a torn last line (the process died mid-write) is cut off when the journal is opened;
- a trial number written twice (a retried trial) keeps its last line.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from hpcore.errors import JournalMismatch
from hpcore.objective import Direction
from hpcore.records import FrozenTrial

log = logging.getLogger("hpcore")

FORMAT = "hpcore-journal"
VERSION = 1


class Journal:
    def __init__(self, path: str | os.PathLike[str], directions: Sequence[Direction]) -> None:
        self.path = Path(path)
        self.directions = [Direction(d).value for d in directions]
        self.trials: list[FrozenTrial] = []
        self._lock = threading.Lock()
        if self.path.exists() and self.path.stat().st_size > 0:
            self.trials = self._resume()
            self._file = self.path.open("a", encoding="utf-8")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8")
            self._write({"format": FORMAT, "version": VERSION, "directions": self.directions})

    def _resume(self) -> list[FrozenTrial]:
        raw = self.path.read_bytes()
        complete = raw[: raw.rfind(b"\n") + 1]
        if len(complete) < len(raw):
            log.warning("journal %s ends in a torn line (a killed writer); it is cut off", self.path)
            with self.path.open("r+b") as f:
                f.truncate(len(complete))
        directions, trials = read_journal(self.path)
        if directions != self.directions:
            raise JournalMismatch(
                f"{self.path} was written by a search with directions {directions}, "
                f"not {self.directions}: give a new journal path, or the same directions."
            )
        return trials

    def _write(self, record: dict) -> None:
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()

    def append(self, trial: FrozenTrial) -> None:
        """Write one finished trial and flush it to the operating system."""
        with self._lock:
            self._write(trial.to_json())

    def close(self) -> None:
        with self._lock:
            self._file.close()


def read_journal(path: str | os.PathLike[str]) -> tuple[list[str], list[FrozenTrial]]:
    """A journal's directions and its trials in number order (the last line of a number wins)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    if header.get("format") != FORMAT:
        raise JournalMismatch(f"{path} is not an hpcore journal: give a new path, or remove the file.")
    by_number: dict[int, FrozenTrial] = {}
    for line in lines[1:]:
        try:
            trial = FrozenTrial.from_json(json.loads(line))
        except ValueError:  # a torn last line, left by a writer killed mid-write
            continue
        by_number[trial.number] = trial
    return header["directions"], sorted(by_number.values(), key=lambda t: t.number)
