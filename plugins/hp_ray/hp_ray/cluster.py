"""Where searches run: an existing Ray cluster, or a local Ray instance hp-ray starts once per process.

Rules:
- `address` (or `RAY_ADDRESS`) attaches to a running cluster; "auto" finds one on this node;
- without one, the first search starts a local instance sized to the machine and later
  searches reuse it; a Ray already initialised in this process (by the user) is used as it is;
- hp-ray shuts down at process exit only the instance it started itself; when the process
  is killed (SIGKILL included), a watchdog ends that instance's processes (see `watchdog`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any

from hp_ray import watchdog

log = logging.getLogger("hp_ray")

_lock = threading.Lock()
_started_here = False


def connect(address: str | None = None, runtime_env: dict[str, Any] | None = None) -> None:
    """Make sure this process is connected to Ray: attach, reuse, or start a local instance."""
    global _started_here
    import ray

    with _lock:
        if ray.is_initialized():
            if address is not None or runtime_env is not None:
                log.info("Ray is already initialised in this process; address=/runtime_env= are not applied again")
            return
        address = address or os.environ.get("RAY_ADDRESS") or None
        options: dict[str, Any] = {"logging_level": logging.WARNING, "configure_logging": False}
        if runtime_env is not None:
            options["runtime_env"] = runtime_env
        if address:
            log.info("attaching to the Ray cluster at %s", address)
            ray.init(address=address, **options)
            return
        log.info("starting a local Ray instance for this process")
        before = watchdog.processes()
        ray.init(include_dashboard=False, **options)
        watchdog.watch(watchdog.processes() - before)
        _started_here = True
        atexit.register(shutdown)


def started_here() -> bool:
    """Whether the Ray instance this process uses was started by hp-ray."""
    return _started_here


def shutdown() -> None:
    """Shut down the local instance hp-ray started; leave any other Ray alone."""
    global _started_here
    import ray

    with _lock:
        if _started_here and ray.is_initialized():
            ray.shutdown()
        watchdog.release()
        _started_here = False
