"""A search through Ray Client (`ray.init("ray://...")`): Tune's driver runs on the cluster, the search here.

Under Ray Client, `Tuner.fit` runs Tune's driver (`TunerInternal`) in an actor on the cluster,
so the search's callback, stopper and trial namer run there, away from this process's ledger.
Rules:
- what runs there is a `RemoteCallback`: the search's own callback logic (`SearchCallback`), with
  trial numbers counted on from this search's next one, the timeout as a wall-clock deadline,
  and every event (a trial started, reported, ended) sent to an `Events` actor;
- this process runs `Tuner.fit` in a thread and hands each event, in order, to the search's
  `TrialRunner` as it arrives, so the ledger, journal, backend and observers see the trials as
  a local search's do; the run ends once the remote callback says the experiment ended;
- an exception a trial hands back to re-raise travels with that last event;
- Ctrl-C here stops the run on the cluster (the trials that end meanwhile are recorded, the
  ones cut off are not), then raises KeyboardInterrupt; a second Ctrl-C raises at once.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from hpcore import Study, TrialRunner

from hp_ray.callback import SearchCallback, SearchStopper

log = logging.getLogger("hp_ray")

POLL = 0.2  # seconds between two looks at the events


def connected() -> bool:
    """Whether this process talks to Ray through Ray Client."""
    import ray

    return ray.util.client.ray.is_connected()


class Events:
    """The Ray actor between the remote callback (which puts) and this process (which takes)."""

    def __init__(self) -> None:
        self._events: list[tuple[str, Any]] = []
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def stopped(self) -> bool:
        return self._stop

    def put(self, event: tuple[str, Any]) -> None:
        self._events.append(event)

    def take(self) -> list[tuple[str, Any]]:
        events, self._events = self._events, []
        return events


@dataclass
class _Numbers:
    """Trial numbers on the cluster: on from this search's next one (the ledger's `next_number`)."""

    following: int

    def next_number(self) -> int:
        number, self.following = self.following, self.following + 1
        return number


@dataclass
class _Deadline:
    """The search's timeout on the cluster, as a wall-clock time (the budget's `timed_out`)."""

    at: float | None

    def timed_out(self) -> bool:
        return self.at is not None and time.time() >= self.at


@dataclass
class _RemoteStudy:
    ledger: _Numbers
    budget: _Deadline


class _Forward:
    """The runner on the cluster: each event goes to the `Events` actor, in order."""

    def __init__(self, events: Any) -> None:
        self.events = events

    def started(self, handle: Any) -> None:
        self.events.put.remote(("started", handle))

    def reported(self, handle: Any, value: float, step: int) -> None:
        self.events.put.remote(("reported", (handle, value, step)))

    def record(self, record: Any) -> None:
        self.events.put.remote(("record", record))


_remote: dict[str, RemoteCallback] = {}  # on the cluster: the one callback of each search key
_remote_lock = threading.Lock()


def _resolve(key: str, state: dict[str, Any]) -> RemoteCallback:
    """The callback of search `key` in this process: every pickled copy (the callback, the namer, the
    stopper, which Tune pickles apart) resolves to one object, so one count and one state serve them all."""
    with _remote_lock:
        callback = _remote.get(key)
        if callback is None:
            callback = RemoteCallback.__new__(RemoteCallback)
            callback.__dict__.update(state)
            callback.stopper = RemoteStopper(callback)
            _remote[key] = callback
    return callback


class RemoteStopper(SearchStopper):
    def __reduce__(self) -> tuple[Any, ...]:
        return (getattr, (self.callback, "stopper"))


class RemoteCallback(SearchCallback):
    """The search's callback as Tune's driver on the cluster runs it; pickles by value."""

    def __init__(self, key: str, study: Study, events: Any, space: Any, metric: str | None, budget: int | None) -> None:
        left = study.budget.time_left()
        remote = _RemoteStudy(_Numbers(study.ledger.next_number()), _Deadline(None if left is None else time.time() + left))
        super().__init__(key, remote, _Forward(events), space, metric, budget)  # type: ignore[arg-type]
        self.close()  # not this process's live callback: it runs on the cluster
        self.stopper = RemoteStopper(self)
        self.events = events

    def should_stop(self) -> bool:
        """As a local search's, and at once once this process was interrupted (Ctrl-C)."""
        import ray

        if not self.stopping and ray.get(self.events.stopped.remote()):
            self.stopping = True
        return super().should_stop()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_resolve, (self.key, {k: v for k, v in self.__dict__.items() if k != "stopper"}))

    def on_experiment_end(self, trials: list[Any], **info: Any) -> None:
        import ray
        from ray import cloudpickle

        error = None if self.error is None else cloudpickle.dumps(self.error)
        ray.get(self.events.put.remote(("end", error)))  # waited for: every event before it is in
        with _remote_lock:
            _remote.pop(self.key, None)


def fit(study: Study, runner: TrialRunner, build: Any, space: Any, metric: str | None, budget: int | None) -> tuple[Any, BaseException | None]:
    """Run the Tuner `build(callback)` makes through Ray Client; its ResultGrid and the error to re-raise."""
    import ray

    events: Any = ray.remote(num_cpus=0)(Events).remote()
    tuner = build(RemoteCallback(f"client-{uuid.uuid4().hex}", study, events, space, metric, budget))
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["grid"] = tuner.fit()
        except BaseException as exc:  # raised here once the events are in
            outcome["raised"] = exc

    thread = threading.Thread(target=run, name="hp-ray-client-fit", daemon=True)
    thread.start()
    try:
        error = _follow(events, runner, thread)
    except KeyboardInterrupt:  # stop the run on the cluster, keep what ends meanwhile; a second Ctrl-C: at once
        log.warning("interrupted: stopping the Tune run on the cluster (Ctrl-C again to stop at once)")
        events.stop.remote()
        _follow(events, runner, thread)
        raise
    finally:
        thread.join(timeout=60)
    ray.kill(events)
    if "raised" in outcome:
        raise outcome["raised"]
    return outcome.get("grid"), error


def _follow(events: Any, runner: TrialRunner, thread: threading.Thread) -> BaseException | None:
    """Hand the events to `runner` as they come, until the experiment's end (or the run's thread ends)."""
    import ray

    while True:
        alive = thread.is_alive()
        for kind, data in ray.get(events.take.remote()):
            if kind == "end":
                return None if data is None else pickle.loads(data)
            _apply(runner, kind, data)
        if not alive:
            return None  # the run ended without its end event (Tune failed): what came is recorded
        time.sleep(POLL)


def _apply(runner: TrialRunner, kind: str, data: Any) -> None:
    if kind == "started":
        runner.started(data)
    elif kind == "reported":
        runner.reported(*data)
    else:
        runner.record(data)
