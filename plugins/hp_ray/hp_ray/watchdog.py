"""Ends a local Ray instance within a second of the process that started it, even when that process is SIGKILLed.

Rules:
- Ray ends most of a local instance with its driver (on Linux the processes `ray.init` starts
  get SIGKILL when the driver dies, and workers quit within ~3 s of their raylet), but the
  raylet's agents (dashboard agent, runtime-env agent) first report the raylet's death to the
  GCS, which died too, and wait 60 s for it (a fixed timeout in Ray 2.60);
- `processes()` lists the processes below this one, each with its start time; `watch` is
  given those that `ray.init` added (the GCS, the raylet, its agents, ...) and starts
  `python -m hp_ray.watchdog` in a session of its own, reading a pipe that only this process
  holds open. When this process ends, however it ends, the pipe closes, and the watchdog
  sends SIGKILL to each of them that still runs with the start time it had, then exits;
  `release` closes the pipe the same way (after `ray.shutdown`);
- Linux only (it reads /proc); elsewhere nothing is watched. A child this process forks
  without exec holds the pipe too, so the watchdog then waits for that child as well.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

_watchdog: subprocess.Popen[bytes] | None = None


def processes() -> set[tuple[int, int]]:
    """The processes below this one (children, theirs, ...), as (process id, start time); empty without /proc."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(stat[1]), []).append((int(entry.name), int(stat[19])))
    found: set[tuple[int, int]] = set()
    todo = [os.getpid()]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def watch(targets: set[tuple[int, int]]) -> None:
    """Have `targets` SIGKILLed when this process ends or `release` is called (replacing an earlier watch)."""
    global _watchdog
    release()
    if targets:
        _watchdog = subprocess.Popen(
            [sys.executable, "-m", "hp_ray.watchdog", *(f"{pid}:{start}" for pid, start in sorted(targets))],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )


def release() -> None:
    """End the watch now: the watchdog kills what is left of its targets and exits."""
    global _watchdog
    if _watchdog is not None:
        _watchdog.stdin.close()  # type: ignore[union-attr]
        _watchdog.wait()
        _watchdog = None


def _start_time(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def main(targets: list[str]) -> None:
    sys.stdin.buffer.read()  # returns when the watched process has ended, or released its watch
    for target in targets:
        pid, start = map(int, target.split(":"))
        if _start_time(pid) == start:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


if __name__ == "__main__":
    main(sys.argv[1:])
