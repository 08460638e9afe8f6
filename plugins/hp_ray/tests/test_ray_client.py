"""hp-ray through Ray Client (`ray.init("ray://...")`): a real client server, started by the driver script in
its own process (Ray Client needs a process where Ray is not initialised, and the session's Ray is)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DRIVERS = Path(__file__).parent / "drivers"


def test_a_search_through_ray_client_runs_as_a_local_one(tmp_path, ray_client_port) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env.update(RAY_AIR_NEW_OUTPUT="0", TUNE_DISABLE_AUTO_CALLBACK_LOGGERS="1", PYTHONUNBUFFERED="1")
    done = subprocess.run([sys.executable, str(DRIVERS / "client.py"), str(tmp_path / "ray")], env=env,
                          capture_output=True, text=True, timeout=400, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["client"] is True
    assert out["states"] == ["COMPLETE"] * 4 and out["intermediate"] == [3] * 4
    assert out["best"][0] == out["best"][1]
    assert out["started"] == out["finished"] == [0, 1, 2, 3] and out["reported"] == 12  # observers saw it live
    assert out["journal_lines"] == 6  # the run journal, written here: 4 trials, then 2 resumed after them
    assert out["numbers"] == [0, 1, 2, 3, 4, 5]
    assert out["raised"] == "ObjectiveValueError"  # a programming error in a worker is raised here
