"""Driver script for the two-node tests: each trial records the node it ran on, and logs as it starts and ends.

A node is named by HP_NODE in its environment ("a", "b"), which its workers inherit. Mode "spread":
every trial takes a second; mode "kill": a trial on node "b" runs until that node is killed.
argv: storage path, address, runs log, mode, max_failures. Prints one JSON line when the search ends.
"""

from __future__ import annotations

import json
import os
import sys
import time

import hpcore
import ray

storage, address, runs, mode, max_failures = sys.argv[1:6]


def objective(trial) -> float:
    node = os.environ.get("HP_NODE", "?")
    trial.set_user_attr("node", node)
    trial.set_user_attr("node_id", ray.get_runtime_context().get_node_id())
    with open(runs, "a") as f:
        f.write(f"start {trial.number} {node}\n")
    time.sleep(120.0 if mode == "kill" and node == "b" else 1.0)
    with open(runs, "a") as f:
        f.write(f"end {trial.number} {node}\n")
    return trial.params["x"]


result = hpcore.search(
    objective, {"x": hpcore.Float(0, 1)}, backend="ray", n_trials=6, storage_path=storage, name=mode,
    address=address, max_failures=int(max_failures),
)
print(json.dumps({"trials": [t.to_json() for t in result.trials]}))
