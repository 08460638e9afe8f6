"""The Study (the live ledger of one search) and the SearchResult it ends in.

Rules (DESIGN §4.4, §4.7): only COMPLETE trials can be best; `n_trials` counts the trials
this call runs to an end; `max_trials` caps the study's total.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpcore.errors import MultipleObjectives
from hpcore.objective import ComputeObjective, Direction
from hpcore.records import BestRun, FrozenTrial, TrialState
from hpcore.selection import select_best
from hpcore.trial import Trial, execute_trial

if TYPE_CHECKING:
    from hpcore.journal import Journal
    from hpcore.relay import Relay

__all__ = ["BestRun", "SearchResult", "Study", "FrozenTrial", "TrialState"]

Selector = Callable[[Sequence[FrozenTrial]], list[FrozenTrial]]


class SearchResult:
    """Every trial of a search, and its best trial(s) by the core's rules (or a selection plugin's)."""

    def __init__(
        self,
        trials: Sequence[FrozenTrial],
        directions: Sequence[Direction | str],
        backend: str,
        engine: Any = None,
        selector: Selector | None = None,
    ) -> None:
        self.trials = sorted(trials, key=lambda t: t.number)
        self.directions = [Direction(d) for d in directions]
        self.backend = backend
        self.engine = engine
        self._selector = selector or (lambda ts: select_best(ts, self.directions))

    def __repr__(self) -> str:
        return f"SearchResult(backend={self.backend!r}, trials={len(self.trials)}, directions={[d.value for d in self.directions]})"

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The best trial as a one-item list, or the Pareto front in trial order; raises NoCompletedTrials."""
        return self._selector(self.trials)

    @property
    def best_trial(self) -> FrozenTrial:
        if len(self.directions) > 1:
            raise MultipleObjectives(
                f"this search has {len(self.directions)} objectives, so there is no single best trial: "
                "use best_trials (the Pareto front) or best_runs()."
            )
        return self.best_trials[0]

    def best_runs(self) -> list[BestRun]:
        """One BestRun per best trial, as transformers returns them."""
        single = len(self.directions) == 1
        return [
            BestRun(
                run_id=str(t.number),
                objective=t.values[0] if single else list(t.values),
                hyperparameters=dict(t.params),
                run_summary=t.user_attrs.get("run_summary"),
            )
            for t in self.best_trials
        ]

    def save(self, path: str | Path) -> None:
        data = {
            "hpcore_result": 1,
            "backend": self.backend,
            "directions": [d.value for d in self.directions],
            "trials": [t.to_json() for t in self.trials],
        }
        Path(path).write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, path: str | Path) -> SearchResult:
        data = json.loads(Path(path).read_text())
        return cls([FrozenTrial.from_json(t) for t in data["trials"]], data["directions"], data["backend"])

    def to_dataframe(self) -> Any:
        """One row per trial (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        single = len(self.directions) == 1
        rows = []
        for t in self.trials:
            row: dict[str, Any] = {"number": t.number, "state": t.state.value}
            if single:
                row["value"] = t.values[0] if t.values else math.nan
            else:
                for i in range(len(self.directions)):
                    row[f"values_{i}"] = t.values[i] if t.values else math.nan
            row.update({f"params_{k}": v for k, v in t.params.items()})
            row.update({"duration": t.duration, "error": t.error})
            rows.append(row)
        return pd.DataFrame(rows)


class Study:
    """The ledger of one search: its settings, its trials, and the budget of this call.

    The backend keeps its own engine state in `engine`; the core never reads it.
    """

    def __init__(
        self,
        *,
        objective: Callable[[Trial], Any],
        space: Any,
        directions: Sequence[Direction],
        backend: str,
        n_trials: int,
        max_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        seed: int | None = None,
        catch: tuple[type[BaseException], ...] = (Exception,),
        compute_objective: ComputeObjective | None = None,
        options: dict[str, Any] | None = None,
        journal: Journal | None = None,
        hooks: Relay,
    ) -> None:
        self.objective = objective
        self.space = space
        self.directions = list(directions)
        self.backend = backend
        self.n_trials = n_trials
        self.max_trials = max_trials
        self.timeout = timeout
        self.n_jobs = n_jobs
        self.seed = seed
        self.catch = catch
        self.compute_objective = compute_objective
        self.options = dict(options or {})
        self.journal = journal
        self.hooks = hooks
        self.engine: Any = None
        self.started_at = time.monotonic()
        self._trials: dict[int, FrozenTrial] = {}
        self._lock = threading.Lock()
        self._claimed = 0
        self._finished_this_call = 0
        self._next_number = 0
        self.stopped = False

    @property
    def is_multi_objective(self) -> bool:
        return len(self.directions) > 1

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every finished trial, loaded ones included, in number order."""
        with self._lock:
            return sorted(self._trials.values(), key=lambda t: t.number)

    def next_number(self) -> int:
        """A fresh trial number, after every number the ledger holds."""
        with self._lock:
            number = self._next_number
            self._next_number += 1
            return number

    def load(self, trials: Sequence[FrozenTrial]) -> None:
        """Put trials an engine or journal already holds in the ledger; numbers go on after them."""
        with self._lock:
            for trial in trials:
                self._trials[trial.number] = trial
                self._next_number = max(self._next_number, trial.number + 1)

    def trials_left(self) -> int:
        """How many more trials this call may start: n_trials, capped by max_trials."""
        with self._lock:
            return self._left()

    def _left(self) -> int:
        left = self.n_trials - self._claimed
        if self.max_trials is not None:
            running = max(0, self._claimed - self._finished_this_call)
            left = min(left, self.max_trials - len(self._trials) - running)
        return max(0, left)

    def timed_out(self) -> bool:
        return self.timeout is not None and time.monotonic() - self.started_at >= self.timeout

    def claim(self) -> bool:
        """Take one slot of this call's budget; False when the budget, the time or the study is spent."""
        if self.stopped or self.timed_out():
            return False
        with self._lock:
            if self._left() <= 0:
                return False
            self._claimed += 1
            return True

    def record(self, trial: FrozenTrial) -> None:
        """Put a finished trial in the ledger and the journal, then tell the observers."""
        with self._lock:
            if trial.number not in self._trials:
                self._finished_this_call += 1
            self._trials[trial.number] = trial
            self._next_number = max(self._next_number, trial.number + 1)
        if self.journal is not None:
            self.journal.append(trial)
        self.hooks.broadcast("hpcore_trial_finished", study=self, trial=trial)

    def finish(self, handle: Trial) -> tuple[FrozenTrial, BaseException | None]:
        """Run the objective on `handle` by the core's rules and record the trial.

        Returns the trial and the exception to re-raise once the engine has been
        told (an interrupt, a programming error, an error `catch` does not cover).
        """
        handle.pruner = self.should_prune
        self.hooks.broadcast("hpcore_trial_started", study=self, trial=handle)
        trial, reraise = execute_trial(
            self.objective,
            handle,
            space=self.space,
            n_objectives=len(self.directions),
            compute_objective=self.compute_objective,
            catch=self.catch,
        )
        self.record(trial)
        return trial, reraise

    def run_trial(self, handle: Trial) -> FrozenTrial:
        """`finish`, then re-raise what must not be swallowed. The `run_trial` engines call."""
        trial, reraise = self.finish(handle)
        if reraise is not None:
            raise reraise
        return trial

    def should_prune(self, handle: Trial, value: float, step: int) -> bool:
        """The pruner of this search's handles: tell the observers of the report, then ask the backend."""
        self.hooks.broadcast("hpcore_trial_reported", study=self, trial=handle, value=value, step=step)
        if self.is_multi_objective:
            return False
        return bool(self.hooks.call("hpcore_should_prune", study=self, trial=handle, value=value, step=step))
