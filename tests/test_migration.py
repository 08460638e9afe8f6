"""A 0.1.0 backend migrated by CHANGELOG.md alone passes today's conformance suite.

The backend is hp-halton as written for 0.1.0 (tests/migration/halton_0_1_0.py). Each edit below
is one migration the changelog states: the test checks that the changelog's table holds the old
and new names of each, applies them and nothing else, registers the result and runs the suite.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import hpcore
from hpcore.plugins import get_registry
from hpcore.testing import BackendConformance

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(__file__).parent / "migration" / "halton_0_1_0.py"
MIGRATIONS = [  # (the 0.1.0 code, today's, the changelog row naming the change)
    ("hpcore.TrialHandle", "hpcore.Trial", "| `hpcore.TrialHandle` | `hpcore.Trial` |"),
    ("study.engine", "study.backend_state", "| `study.engine` | `study.backend_state` |"),
    ("study.seed", "study.settings.seed", "`study.seed` → `study.settings.seed`"),
    ("study.next_number()", "study.ledger.next_number()", "| `study.next_number()` | `study.ledger.next_number()` |"),
]


def migrated_module() -> types.ModuleType:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    code = SOURCE.read_text()
    for old, new, row in MIGRATIONS:
        assert row in changelog, f"CHANGELOG.md has no migration {old} -> {new}"
        assert old in code, f"the 0.1.0 backend does not use {old}"
        code = code.replace(old, new)
    module = types.ModuleType("halton_migrated")
    exec(compile(code, f"{SOURCE} (migrated)", "exec"), module.__dict__)
    return module


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    """The migrated backend, registered in this process for each test (another test may reset the registry)."""
    if "halton010" not in get_registry().backends:
        hpcore.register_backend(migrated_module().HaltonBackend())
    yield


class TestMigratedHaltonConformance(BackendConformance):
    backend = "halton010"
