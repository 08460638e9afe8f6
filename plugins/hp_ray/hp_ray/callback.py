"""The Tune callback of one Ray search, in the driver process: trial numbers, the ledger as trials end, and when to stop.

Rules:
- each Tune trial gets the next number of the search's ledger when Tune creates it, carried
  in its name; a retried trial (`max_failures`) keeps its name, so it is one trial;
- every event goes through the search's `TrialRunner`: a trial's start and reports to the
  observers, its end to the ledger (and the search's one journal), the backend and the observers;
- a trial that returns a record is recorded as the worker's `execute_trial` decided;
- a trial that ends without one was stopped by the scheduler: PRUNED, with the values it reported;
- a trial Ray gave up on (an actor that died past `max_failures`) is FAILED with Ray's error;
- Ctrl-C (SIGINT) on the driver stops the run the way Tune stops it on SIGUSR1; the trials
  running then are FAILED as interrupted, and the search raises KeyboardInterrupt; a second
  Ctrl-C raises at once;
- after the worker hands back an exception to re-raise, or once `timeout` has passed, the
  search stops when the trials running at that moment have ended; once `budget` trials
  have ended (a grid that overshoots), it stops at once; trials cut off are not recorded;
- a Tune run pickles its callbacks, stopper and name creator; they pickle as the search's key
  and resolve to the live callback of that key.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hpcore import INTERRUPTED, FrozenTrial, Study, TrialRunner, TrialState
from ray.tune import Callback, Stopper

from hp_ray import tune_internals
from hp_ray.space import params_of
from hp_ray.worker import RECORD, RERAISE, STEP, RayTrial, number_of, trial_name

log = logging.getLogger("hp_ray")

_NO_TUNE_SIGINT = "TUNE_DISABLE_SIGINT_HANDLER"

_live: dict[str, SearchCallback] = {}
_live_lock = threading.Lock()


def live_callback(key: str) -> SearchCallback:
    """The callback of the search `key` in this process (what a pickled callback resolves to)."""
    with _live_lock:
        callback = _live.get(key)
    if callback is None:
        raise RuntimeError(
            f"the Tune run {key!r} was started by hpcore's ray backend: continue it with "
            "hpcore.search(..., backend='ray', resume=True), not with Tuner.restore."
        )
    return callback


def live_stopper(key: str) -> SearchStopper:
    return live_callback(key).stopper


class SearchCallback(Callback):
    """Tune callback and trial namer of one search, writing to its Study."""

    def __init__(self, key: str, study: Study, runner: TrialRunner, space: Any, metric: str | None, budget: int | None) -> None:
        self.key = key
        self.study = study
        self.runner = runner
        self.space = space
        self.metric = metric
        self.budget = budget
        self.stopper = SearchStopper(self)
        self.error: BaseException | None = None
        self.stopping = False
        self.interrupted = False
        self._intermediate: dict[str, dict[int, float]] = {}
        self._started: dict[str, float] = {}
        self._done: set[str] = set()
        self._recorded = 0
        self._trials: list[Any] = []
        self._waiting: set[str] | None = None
        with _live_lock:
            _live[key] = self

    def __reduce__(self) -> tuple[Any, ...]:
        return (live_callback, (self.key,))

    def close(self) -> None:
        with _live_lock:
            if _live.get(self.key) is self:
                del _live[self.key]

    # -- numbering -----------------------------------------------------------------
    def name_trial(self, trial: Any) -> str:
        """Tune's trial_name_creator: the next hpcore number, in the trial's name."""
        return trial_name(self.study.ledger.next_number(), trial.trial_id)

    # -- stopping ------------------------------------------------------------------
    def should_stop(self) -> bool:
        """After an error or the timeout: once the trials running then have ended. After the budget: now."""
        if self.budget is not None and self._recorded >= self.budget:
            self.stopping = True
        elif self._waiting is None and (self.error is not None or self.study.budget.timed_out()):
            self._waiting = {t.trial_id for t in self._trials if t.status == "RUNNING"} - self._done
        if self._waiting is not None and not self._waiting - self._done:
            self.stopping = True
        return self.stopping

    def on_step_begin(self, iteration: int, trials: list[Any], **info: Any) -> None:
        self._trials = trials

    def fail_running(self) -> None:
        """Record every trial that started and has not ended as FAILED, interrupted."""
        for trial in list(self._trials):
            if trial.trial_id in self._started and trial.trial_id not in self._done:
                self._record(trial, self._ended(trial, TrialState.FAILED, INTERRUPTED))

    # -- Tune callbacks ------------------------------------------------------------
    def on_trial_start(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        self._started.setdefault(trial.trial_id, time.monotonic())
        self.runner.started(self._handle(trial))

    def on_trial_result(self, iteration: int, trials: list[Any], trial: Any, result: dict, **info: Any) -> None:
        step = result.get(STEP)
        if self.metric is None or step is None or self.metric not in result:
            return
        value = float(result[self.metric])
        self._intermediate.setdefault(trial.trial_id, {})[int(step)] = value
        self.runner.reported(self._handle(trial), value, int(step))

    def on_trial_recover(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        log.warning("trial %s failed in Ray and is retried: %s", trial, tune_internals.error_text(trial))
        self._intermediate.pop(trial.trial_id, None)

    def on_trial_complete(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        result = trial.last_result or {}
        if RECORD in result:
            record = FrozenTrial.from_json(json.loads(result[RECORD]))
            if RERAISE in result and self.error is None:
                self.error = pickle.loads(result[RERAISE])
            self._record(trial, record)
        elif not self.stopping and (self._waiting is None or trial.trial_id in self._waiting):
            self._record(trial, self._ended(trial, TrialState.PRUNED, None))

    def on_trial_error(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        self._record(trial, self._ended(trial, TrialState.FAILED, tune_internals.error_text(trial)))

    # -- helpers -------------------------------------------------------------------
    def _number(self, trial: Any) -> int:
        number = number_of(str(trial))
        if number is None:
            raise RuntimeError(f"Tune trial {trial} has no hpcore number: its name was not given by hp-ray.")
        return number

    def _handle(self, trial: Any) -> RayTrial:
        handle = RayTrial(self._number(trial), trial.config, self.space)
        handle.params.update(params_of(trial.config, self.space))
        return handle

    def _ended(self, trial: Any, state: TrialState, error: str | None) -> FrozenTrial:
        started = self._started.get(trial.trial_id)
        return FrozenTrial(
            number=self._number(trial),
            params=params_of(trial.config, self.space),
            state=state,
            intermediate=dict(self._intermediate.get(trial.trial_id, {})),
            error=error,
            duration=time.monotonic() - started if started is not None else 0.0,
            user_attrs={"ray_trial_id": trial.trial_id},
        )

    def _record(self, trial: Any, record: FrozenTrial) -> None:
        if trial.trial_id in self._done:
            return
        self._done.add(trial.trial_id)
        self._recorded += 1
        if record.number != self._number(trial) or record.user_attrs.get("ray_trial_id") != trial.trial_id:
            user_attrs = {**record.user_attrs, "ray_trial_id": trial.trial_id}
            record = dataclasses.replace(record, number=self._number(trial), user_attrs=user_attrs)
        self.runner.record(record)


@contextmanager
def interrupts_stop(callback: SearchCallback) -> Iterator[None]:
    """While Tune runs, Ctrl-C marks `callback` interrupted and stops the run with SIGUSR1, Tune's graceful stop.

    Only in the main thread, where SIGINT raises KeyboardInterrupt (Python's default handler);
    elsewhere nothing changes. Tune's own SIGINT handler is off meanwhile. A Ctrl-C before Tune
    listens for SIGUSR1, or a second one, raises KeyboardInterrupt at once. SIGINT, SIGUSR1 and
    the environment are restored afterwards (Tune leaves its handlers installed).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "SIGUSR1")
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    usr1 = signal.getsignal(signal.SIGUSR1)
    disabled = os.environ.get(_NO_TUNE_SIGINT)

    def on_sigint(signum: int, frame: Any) -> None:
        again, callback.interrupted = callback.interrupted, True
        if again or signal.getsignal(signal.SIGUSR1) is usr1:  # Tune installs its SIGUSR1 handler when its loop starts
            raise KeyboardInterrupt
        log.warning("interrupted: stopping the Ray Tune run and saving its state (Ctrl-C again to stop at once)")
        signal.raise_signal(signal.SIGUSR1)

    os.environ[_NO_TUNE_SIGINT] = "1"
    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGUSR1, usr1)
        if disabled is None:
            os.environ.pop(_NO_TUNE_SIGINT, None)
        else:
            os.environ[_NO_TUNE_SIGINT] = disabled


class SearchStopper(Stopper):
    """Stops the whole Tune run when its callback says so; never one trial."""

    def __init__(self, callback: SearchCallback) -> None:
        self.callback = callback

    def __reduce__(self) -> tuple[Any, ...]:
        return (live_stopper, (self.callback.key,))

    def __call__(self, trial_id: str, result: dict) -> bool:
        return False

    def stop_all(self) -> bool:
        return self.callback.should_stop()
