"""hpcore's conformance suite against the ray backend, on the session's Ray instance, with a small budget."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hpcore.testing import BackendConformance

_STORAGE = tempfile.mkdtemp(prefix="hp-ray-conformance-")


@pytest.fixture(scope="module", autouse=True)
def _remove_storage() -> Iterator[None]:
    yield
    shutil.rmtree(_STORAGE, ignore_errors=True)


class TestRayConformance(BackendConformance):
    backend = "ray"
    backend_options = {"storage_path": _STORAGE, "reuse_actors": True}
    max_examples = 3
    trials_per_search = 4

    def pruning_options(self) -> dict[str, Any]:
        from ray.tune.schedulers import ASHAScheduler

        return {"scheduler": ASHAScheduler(grace_period=1, max_t=100, reduction_factor=2)}

    def resume_options(self, directory: Path) -> dict[str, Any]:
        return {"storage_path": str(directory), "name": "resumed", "resume": True}

    def learning_options(self) -> dict[str, Any]:
        from ray.tune.search.optuna import OptunaSearch

        return {"search_alg": OptunaSearch(seed=0)}
