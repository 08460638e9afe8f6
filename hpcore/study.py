"""`Study`: one search as every hook sees it.

A backend reads `settings`, numbers its trials through `ledger` (`next_number`,
`reserve_through`), reads `ledger.trials` and `budget` (`trials_left`, `time_left`,
`timed_out`), and keeps its own per-search state in `backend_state`, never on the backend
object, which every search shares. It may set `native` to the engine's own record of the
search (an `optuna.Study`, Tune's `ResultGrid`): the result hands it to the user as
`SearchResult.native`. `hook` is the search's relay, for the core's calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpcore.budget import Budget
from hpcore.ledger import Ledger

if TYPE_CHECKING:
    import pluggy

    from hpcore.journal import Journal
    from hpcore.records import FrozenTrial
    from hpcore.settings import Settings


class Study:
    """One search as every hook sees it: settings, ledger, budget, backend state, native record."""

    def __init__(self, settings: Settings, hook: pluggy.HookRelay, journal: Journal | None = None) -> None:
        self.settings = settings
        self.hook = hook
        self.ledger = Ledger(journal)
        self.budget = Budget(settings.n_trials, settings.max_trials, settings.timeout, self.ledger)
        self.warm_trials: tuple[FrozenTrial, ...] = ()
        self.backend_state: Any = None
        self.native: Any = None

    def __repr__(self) -> str:
        return f"Study(backend={self.settings.backend!r}, trials={len(self.ledger)})"
