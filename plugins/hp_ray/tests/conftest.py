"""Shared set-up for the hp-ray tests: one Ray instance for the whole session, Tune kept quiet."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")


@pytest.fixture(scope="session", autouse=True)
def ray_session() -> Iterator[None]:
    """`ray.init(num_cpus=2)` once; every search in this process reuses it; shut down at the end."""
    import ray

    os.environ.pop("RAY_ADDRESS", None)
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.fixture
def storage(tmp_path) -> str:
    """Where Tune writes a test's runs: under the test's tmp_path, never in the repository."""
    return str(tmp_path / "ray_results")
