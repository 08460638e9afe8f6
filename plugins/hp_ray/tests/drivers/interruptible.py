"""Driver script for the interrupt test: six trials, two at a time, each logged as it starts and ends.

Fresh, trial 0 takes a moment and every other trial a minute, so an interrupt finds trial 0
ended and two trials running; resumed, every trial takes a moment.
argv: storage path, address, runs log, hpcore journal, "fresh" or "resume". Prints one JSON line when the search ends.
"""

from __future__ import annotations

import json
import sys
import time

import hpcore

storage, address, runs, journal, mode = sys.argv[1:6]


def objective(trial) -> float:
    with open(runs, "a") as f:
        f.write(f"start {trial.number}\n")
    time.sleep(0.2 if mode == "resume" or trial.number == 0 else 60.0)
    with open(runs, "a") as f:
        f.write(f"end {trial.number}\n")
    return float(trial.number)


result = hpcore.search(
    objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=6, max_trials=6, storage_path=storage, name="interruptible",
    address=address, max_concurrent_trials=2, journal=journal, resume=mode == "resume",
)
print(json.dumps({
    "numbers": [t.number for t in result.trials],
    "states": [t.state.value for t in result.trials],
    "errors": {t.number: t.error for t in result.trials if t.error},
}))
