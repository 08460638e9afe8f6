"""Driver script for the resume tests: six seeded 0.7-second trials, one at a time, each logged as it starts and ends.

argv: storage path, address, runs log, "fresh" or "resume", and optionally the seconds a Tune
callback of the script pauses after each trial ends (the journal has it; no trial runs then).
Log lines: "start|end <number> <x>". Prints one JSON line when the search ends.
"""

from __future__ import annotations

import json
import sys
import time

import hpcore
from ray import tune

storage, address, runs, mode = sys.argv[1:5]
pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0


def objective(trial) -> float:
    with open(runs, "a") as f:
        f.write(f"start {trial.number} {trial.params['x']!r}\n")
    time.sleep(0.7)
    with open(runs, "a") as f:
        f.write(f"end {trial.number} {trial.params['x']!r}\n")
    return trial.params["x"]


class Pause(tune.Callback):
    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        time.sleep(pause)


result = hpcore.search(
    objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=6, max_trials=6, seed=0, storage_path=storage,
    name="resumable", address=address, max_concurrent_trials=1, resume=mode == "resume", callbacks=[Pause()],
)
print(json.dumps({
    "numbers": [t.number for t in result.trials],
    "states": [t.state.value for t in result.trials],
    "trials": [t.to_json() for t in result.trials],
}))
