"""Driver script for the resume test: six one-second trials, one at a time, each logged as it starts and ends.

argv: storage path, address, runs log, "fresh" or "resume". Prints one JSON line when the search ends.
"""

from __future__ import annotations

import json
import sys
import time

import hpcore

storage, address, runs, mode = sys.argv[1:5]


def objective(trial) -> float:
    with open(runs, "a") as f:
        f.write(f"start {trial.number}\n")
    time.sleep(1.0)
    with open(runs, "a") as f:
        f.write(f"end {trial.number}\n")
    return float(trial.number)


result = hpcore.search(
    objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=6, max_trials=6, storage_path=storage, name="resumable",
    address=address, max_concurrent_trials=1, resume=mode == "resume",
)
print(json.dumps({
    "numbers": [t.number for t in result.trials],
    "states": [t.state.value for t in result.trials],
}))
