"""The core's conformance suite on the local sweep, each method a class, every trial a real offline W&B run.

Runs go to the session's temporary WANDB_DIR (see conftest). The budget is lowered (runs cost about
15 ms each): every law is still checked on every method.
"""

from __future__ import annotations

from typing import Any

from hpcore.testing import BackendConformance

HYPERBAND = {"early_terminate": {"type": "hyperband", "min_iter": 1}}


class TestWandbRandomConformance(BackendConformance):
    backend = "wandb"
    backend_options: dict = {"mode": "offline"}
    max_examples = 10
    trials_per_search = 6

    def pruning_options(self) -> dict[str, Any]:
        return dict(HYPERBAND)

    def learning_options(self) -> dict[str, Any]:
        return {"method": "bayes"}


class TestWandbBayesConformance(TestWandbRandomConformance):
    backend_options: dict = {"mode": "offline", "method": "bayes"}


class TestWandbGridConformance(TestWandbRandomConformance):
    """Method grid is finite and samples nothing define-by-run."""

    backend_options: dict = {"mode": "offline", "method": "grid"}
    finite = True
    define_by_run = False
