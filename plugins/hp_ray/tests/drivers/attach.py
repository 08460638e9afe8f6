"""Driver script: runs a search whose objective lives in a helper module that the workers cannot import.

argv: storage path, address ("" = none: RAY_ADDRESS or a local instance). Prints one JSON line.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import data_helpers  # noqa: E402  (next to this script, not installed)

# The helper's file goes away: workers can only get its code by value.
Path(data_helpers.__file__).unlink()
shutil.rmtree(Path(data_helpers.__file__).parent / "__pycache__", ignore_errors=True)

import hpcore  # noqa: E402
import ray  # noqa: E402
from hp_ray import cluster  # noqa: E402

storage, address = sys.argv[1], sys.argv[2] or None
space = {"x": hpcore.Float(0, 1), "which": hpcore.Categorical(["a", "b"])}
options = {"address": address} if address else {}
first = hpcore.search(data_helpers.objective, space, backend="ray", n_trials=4, storage_path=storage, **options)
node = ray.get_runtime_context().get_node_id()
second = hpcore.search(data_helpers.objective, space, backend="ray", n_trials=2, storage_path=storage, **options)
print(json.dumps({
    "started_here": cluster.started_here(),
    "gcs_address": ray.get_runtime_context().gcs_address,
    "same_node": node == ray.get_runtime_context().get_node_id(),
    "states": [t.state.value for t in first.trials + second.trials],
    "errors": [t.error for t in first.trials + second.trials if t.error],
}))
