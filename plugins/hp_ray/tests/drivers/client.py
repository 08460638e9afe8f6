"""Driver script: searches through Ray Client, against a client server this script starts
(`ray.util.client.ray_client_helpers.ray_start_client_server`, with a local Ray of 2 CPUs behind it).

argv: storage path. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys

import hpcore
import ray
from ray._private.client_mode_hook import disable_client_hook
from ray.util.client.ray_client_helpers import ray_start_client_server

storage = sys.argv[1]
space = {"x": hpcore.Float(0, 1)}


def objective(trial):
    for step in range(3):
        trial.report(trial.params["x"] * (3 - step), step)
    return {"pid": os.getpid(), "x": trial.params["x"]}["x"] ** 2


class Events:
    def __init__(self):
        self.started, self.reported, self.finished = [], [], []

    @hpcore.hookimpl
    def hpcore_trial_started(self, trial):
        self.started.append(trial.number)

    @hpcore.hookimpl
    def hpcore_trial_reported(self, trial, value, step):
        self.reported.append((trial.number, step))

    @hpcore.hookimpl
    def hpcore_trial_finished(self, trial):
        self.finished.append(trial.number)


def serve(job_config=None, **kwargs):
    with disable_client_hook():
        if not ray.is_initialized():
            return ray.init(num_cpus=2, include_dashboard=False, job_config=job_config, logging_level="WARNING")


with ray_start_client_server(ray_connect_handler=serve):
    client = ray.util.client.ray.is_connected()
    events = Events()
    first = hpcore.search(objective, space, backend="ray", n_trials=4, seed=0, storage_path=storage, name="client",
                          observers=[events])
    again = hpcore.search(objective, space, backend="ray", n_trials=2, seed=0, storage_path=storage, name="client",
                          resume=True)
    try:
        hpcore.search(lambda trial: None, space, backend="ray", n_trials=2, storage_path=storage, name="none")
        raised = None
    except hpcore.ObjectiveValueError as exc:
        raised = type(exc).__name__
journal = os.path.join(storage, "client", "hpcore_trials.jsonl")
print(json.dumps({
    "client": client,
    "states": [t.state.value for t in first.trials],
    "numbers": [t.number for t in again.trials],
    "best": [first.best_trial.number, min(first.trials, key=lambda t: t.value).number],
    "intermediate": [len(t.intermediate) for t in first.trials],
    "started": sorted(events.started), "finished": sorted(events.finished), "reported": len(events.reported),
    "journal_lines": len(open(journal).read().splitlines()) - 1,
    "raised": raised,
}))
