"""Set-up of the transformers drop-in tests: real transformers and torch, tiny models built from configs."""

import os
import sys

import pytest

pytest.importorskip("transformers", reason="the transformers drop-in needs hpcore[transformers]")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # regression.py, ddp_search.py
os.environ.setdefault("WANDB_SILENT", "true")


@pytest.fixture
def trainer(tmp_path):
    from regression import make_trainer

    return make_trainer(tmp_path / "out")


@pytest.fixture(scope="module")
def ray_cluster():
    """One local Ray instance for this module (`ray.init(num_cpus=2)`), shut down after it."""
    import ray

    if ray.is_initialized():
        yield
        return
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()
