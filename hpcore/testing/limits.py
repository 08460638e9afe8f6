"""A time limit on each conformance law, so a backend that hangs fails the law by name instead of hanging the suite.

Rules:
- a law runs in the main thread; when it has not ended after its limit, a signal (SIGUSR2)
  raises `LawTimeout` there, wherever the law waits (a lock, an event, a queue, a sleep);
- the failure names the law, the innermost hook of any thread that had not returned (the
  backend's own `hpcore_ask`, say) and where that thread was waiting;
- `LawTimeout` is a BaseException, so neither the core's `catch` nor a backend's
  `except Exception` takes it for a failed trial;
- where there is no SIGUSR2 (Windows) or the law runs outside the main thread, there is no limit.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class LawTimeout(BaseException):
    """A conformance law that did not end within its time limit."""


@contextmanager
def time_limit(law: str, seconds: float) -> Iterator[None]:
    """Raise LawTimeout in this (the main) thread when the block has not ended after `seconds`."""
    if not hasattr(signal, "SIGUSR2") or threading.current_thread() is not threading.main_thread():
        yield
        return
    main = threading.main_thread()

    def expire(signum: int, frame: FrameType | None) -> None:
        raise LawTimeout(stuck(law, seconds))

    previous = signal.signal(signal.SIGUSR2, expire)
    timer = threading.Timer(seconds, signal.pthread_kill, (main.ident, signal.SIGUSR2))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR2, previous)


def stuck(law: str, seconds: float) -> str:
    """The law, the hooks that had not returned (this thread's first), and where each thread waits."""
    stacks = [traceback.extract_stack(sys._getframe(2))]  # this thread, where the signal found it
    stacks += [
        traceback.extract_stack(frame) for ident, frame in sys._current_frames().items() if ident != threading.get_ident()
    ]
    hooks = []
    for stack in stacks:
        open_hooks = [f for f in stack if f.name.startswith("hpcore_")]
        if open_hooks:
            hook, where = open_hooks[-1], stack[-1]
            hooks.append(f"{hook.name} ({hook.filename}:{hook.lineno}) waits at {where.filename}:{where.lineno} in {where.name}")
    which = "; ".join(hooks) if hooks else "no hook was running (the search itself did not return)"
    return f"law {law} did not end within {seconds:g} s: {which}. A backend must return from every hook."
