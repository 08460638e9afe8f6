"""`TrialRunner`: the one path every trial of a search takes, whatever engine drives it.

Rules (docs/laws.md §3):
- in-process engines (the core's loop, Optuna's `study.optimize`) call `run(trial)`: the
  observers hear the start, the objective runs by the core's rules (`execute_trial`), the
  trial is recorded, and what must not be swallowed is re-raised after recording;
- engines that run trials elsewhere (Ray workers run `execute_trial` themselves) call
  `started`, `reported` and `record` as each trial goes;
- recording a trial holds it in the ledger (and journal), tells the backend (`hpcore_tell`)
  when the core's loop asked for it or it ran elsewhere (a backend's own loop in this process
  learns the end from its engine), then tells the observers;
- a trial names its proposer: the portfolio member's, else the search's backend;
- a report asks the backend whether to prune, unless the search has several objectives.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from hpcore.execute import execute_trial

if TYPE_CHECKING:
    from hpcore.observers import Observers
    from hpcore.records import FrozenTrial
    from hpcore.study import Study
    from hpcore.trial import Trial


class TrialRunner:
    """Runs or records the trials of one search. Thread-safe where the ledger and observers are."""

    def __init__(self, study: Study, observers: Observers) -> None:
        self.study = study
        self.observers = observers
        self._tells = len(study.hook.hpcore_tell.get_hookimpls()) > 1  # more than the core's "nothing to tell"

    def run(self, trial: Trial, asked: bool = False) -> FrozenTrial:
        """Run `trial` in this process and record it; re-raise an interrupt or a programming error.

        `asked`: the core's loop asked the backend for it (`hpcore_ask`), so the backend is told its end.
        """
        settings = self.study.settings
        if trial.proposer is None:
            trial.proposer = settings.backend
        # bound anew for each trial: kept on the runner, the bound method would be a reference
        # cycle, and the whole search (ledger, engine study) would wait for the garbage collector
        trial.pruner = self.should_prune
        self.observers.trial_started(self.study, trial)
        record, reraise = execute_trial(
            settings.objective,
            trial,
            space=settings.space,
            n_objectives=settings.n_objectives,
            compute_objective=settings.compute_objective,
            catch=settings.catch,
        )
        record = self.record(record, tell=asked)
        if reraise is not None:
            self.study.budget.stop()
            raise reraise
        return record

    def started(self, trial: Trial) -> None:
        """A trial running elsewhere started."""
        self.observers.trial_started(self.study, trial)

    def reported(self, trial: Trial, value: float, step: int) -> None:
        """A trial running elsewhere reported an intermediate value (its engine decides pruning there)."""
        self.observers.trial_reported(self.study, trial, value, step)

    def record(self, record: FrozenTrial, tell: bool = True) -> FrozenTrial:
        """A trial ended: hold it in the ledger and journal, tell the backend (unless `tell` is False), then the observers.

        A record that names no proposer is the search's backend's.
        """
        if record.proposer is None:
            record = dataclasses.replace(record, proposer=self.study.settings.backend)
        self.study.ledger.record(record)
        if tell and self._tells:
            self.study.hook.hpcore_tell(study=self.study, trial=record)
        self.observers.trial_finished(self.study, record)
        return record

    def should_prune(self, trial: Trial, value: float, step: int) -> bool:
        """The pruner of the trials `run` runs: the observers hear the report, the backend decides."""
        self.observers.trial_reported(self.study, trial, value, step)
        if self.study.settings.is_multi_objective:
            return False
        return bool(self.study.hook.hpcore_should_prune(study=self.study, trial=trial, value=value, step=step))
