"""`Ledger`: the finished trials of one search by number, the numbers given out, and the journal.

Rules (docs/laws.md §7, §8):
- trial numbers are unique: a new number comes after every number held, given or reserved;
- a number recorded again (a retried trial) keeps its last record, and counts once;
- what a search resumes from is merged: the journal's records first, then the engine's for
  numbers the journal lacks (the journal holds the core's own record of a trial); a
  loaded trial never replaces one the ledger holds;
- every trial recorded is written to the journal, when there is one, as it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hpcore.records import by_number

if TYPE_CHECKING:
    from hpcore.journal import Journal
    from hpcore.records import FrozenTrial


class Ledger:
    """The finished trials of one search by number, and the numbers given out.

    Thread-safe: trials of one search may end in several threads at once.
    """

    def __init__(self, journal: Journal | None = None) -> None:
        self.journal = journal
        self._trials: dict[int, FrozenTrial] = {}
        self._next = 0
        self._recorded = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._trials)

    def __contains__(self, number: object) -> bool:
        return number in self._trials

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every finished trial, loaded ones included, in number order."""
        with self._lock:
            return sorted(self._trials.values(), key=by_number)

    @property
    def recorded(self) -> int:
        """How many trials this call recorded under a new number."""
        return self._recorded

    def use_journal(self, journal: Journal) -> None:
        """Write every trial recorded from now on to `journal`, and hold the trials it already has."""
        self.journal = journal
        self.load(journal.trials)

    def load(self, trials: Iterable[FrozenTrial]) -> None:
        """Hold finished trials an engine or journal already has, for numbers the ledger lacks; numbers go on after them."""
        with self._lock:
            for trial in trials:
                if trial.number not in self._trials:
                    self._hold(trial)

    def next_number(self) -> int:
        """A fresh trial number, after every number held, given or reserved."""
        with self._lock:
            number = self._next
            self._next += 1
            return number

    def reserve_through(self, number: int) -> None:
        """Never give out `number` or any number below it (an engine already gave them)."""
        with self._lock:
            self._next = max(self._next, number + 1)

    def record(self, trial: FrozenTrial) -> None:
        """Hold a finished trial and write it to the journal."""
        number = trial.number
        with self._lock:
            if number not in self._trials:
                self._recorded += 1
            self._trials[number] = trial
            if number >= self._next:
                self._next = number + 1
        if self.journal is not None:
            self.journal.append(trial)

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()

    def _hold(self, trial: FrozenTrial) -> None:
        self._trials[trial.number] = trial
        self._next = max(self._next, trial.number + 1)
