"""Fixtures that test folders of more than one distribution share (tests/, plugins/*/tests)."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def ray_client_port() -> Iterator[None]:
    """Held while a test's script runs Ray's client-server helper, which listens on one fixed port:
    one such test at a time, across the test processes of `make test`."""
    with (Path(tempfile.gettempdir()) / "hpcore-tests-ray-client-port.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
