"""The core's conformance suite, every capability on: the laws of docs/laws.md hold for the optuna backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hpcore.testing import BackendConformance


class TestOptunaConformance(BackendConformance):
    backend = "optuna"
    backend_options: dict = {}
    max_examples = 10
    trials_per_search = 6

    def resume_options(self, directory: Path) -> dict[str, Any]:
        directory.mkdir(parents=True, exist_ok=True)
        return {"storage": f"sqlite:///{directory / 'study.db'}", "study_name": "resumed"}

    def shared_options(self, directory: Path) -> dict[str, Any]:
        directory.mkdir(parents=True, exist_ok=True)
        return {"storage": f"sqlite:///{directory / 'shared.db'}", "study_name": "shared"}
