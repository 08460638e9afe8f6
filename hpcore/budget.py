"""`Budget`: how many trials this call may still start, and until when (docs/laws.md §7).

Rules:
- `n_trials` counts the trials this call runs to an end; `max_trials` caps the search's
  total, the trials the ledger holds and the ones running included;
- `timeout` stops the starting of new trials once that many seconds have passed;
- once stopped (an exhausted backend, an error to re-raise), no trial is started again.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hpcore.ledger import Ledger


class Budget:
    """How many trials this call may still start, and until when.

    Thread-safe: the core's loop claims slots from several threads.
    """

    def __init__(self, n_trials: int, max_trials: int | None, timeout: float | None, ledger: Ledger) -> None:
        self.n_trials = n_trials
        self.max_trials = max_trials
        self.timeout = timeout
        self.started_at = time.monotonic()
        self.stopped = False
        self._ledger = ledger
        self._claimed = 0
        self._lock = threading.Lock()

    def claim(self) -> bool:
        """Take one slot; False when the trials, the time or the search are spent."""
        if self.stopped or self.timed_out():
            return False
        with self._lock:
            if self._left() <= 0:
                return False
            self._claimed += 1
            return True

    def trials_left(self) -> int:
        """How many more trials this call may start."""
        with self._lock:
            return self._left()

    def time_left(self) -> float | None:
        """Seconds until new trials stop starting; None without a timeout."""
        if self.timeout is None:
            return None
        return max(0.0, self.timeout - (time.monotonic() - self.started_at))

    def timed_out(self) -> bool:
        return self.timeout is not None and time.monotonic() - self.started_at >= self.timeout

    def stop(self) -> None:
        """Start no more trials in this call."""
        self.stopped = True

    def _left(self) -> int:
        left = self.n_trials - self._claimed
        if self.max_trials is not None:
            running = max(0, self._claimed - self._ledger.recorded)
            left = min(left, self.max_trials - len(self._ledger) - running)
        return max(0, left)
