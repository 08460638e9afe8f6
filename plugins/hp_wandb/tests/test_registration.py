"""The plugin is found through its entry point, declares its capabilities and options, and loads without wandb."""

from __future__ import annotations

import subprocess
import sys

import hpcore
from hpcore.plugins import get_registry

from hp_wandb import WandbBackend


def test_listed_as_an_installed_backend_with_its_engine_version() -> None:
    info = {b.name: b for b in hpcore.list_backends()}["wandb"]
    assert info.distribution == "hp-wandb"
    assert info.engine == "wandb" and info.engine_installed
    assert info.engine_version is not None and info.engine_version.startswith("0.")
    assert set(info.capabilities) >= {
        "multi_objective", "pruning", "define_by_run", "seedable", "resumable", "native:wandb", "native:function",
    }
    assert "parallel" not in info.capabilities and "distributed" not in info.capabilities


def test_registry_holds_the_wandb_backend_object() -> None:
    backend = get_registry().get("wandb")
    assert isinstance(backend, WandbBackend)
    assert backend.install_hint() == 'pip install "hpcore[wandb]"'
    assert {"mode", "sweep_id", "project", "entity", "name", "metric", "early_terminate", "method"} <= backend.options


def test_hpcore_backends_lists_it_and_neither_import_wandb() -> None:
    code = (
        "import sys\nimport hp_wandb\nfrom hpcore.cli import main\nmain(['backends'])\n"
        "print('HEAVY', sorted(m for m in ('wandb', 'optuna') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "wandb" in done.stdout and "hp-wandb" in done.stdout
    assert "HEAVY []" in done.stdout


def test_the_wandb_extra_is_declared() -> None:
    from importlib import metadata

    requires = metadata.requires("hpcore") or []
    assert any(r.startswith("hp-wandb") and "extra == 'wandb'" in r.replace('"', "'") for r in requires), requires
    assert any(r.startswith("hp-wandb") and "extra == 'all'" in r.replace('"', "'") for r in requires), requires
