"""The core's conformance suite, every capability on: the laws of DESIGN §4 hold for the optuna backend."""

from __future__ import annotations

from hpcore.testing import BackendConformance


class TestOptunaConformance(BackendConformance):
    backend = "optuna"
    backend_options: dict = {}
    max_examples = 10
    trials_per_search = 6
