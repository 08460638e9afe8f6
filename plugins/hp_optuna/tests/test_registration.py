"""The plugin is found through its entry point, declares its capabilities, and loads without Optuna."""

from __future__ import annotations

import subprocess
import sys

import hpcore
from hpcore.plugins import get_registry

from hp_optuna import OptunaBackend


def test_listed_as_an_installed_backend_with_its_engine_version() -> None:
    info = {b.name: b for b in hpcore.list_backends()}["optuna"]
    assert info.distribution == "hp-optuna"
    assert info.engine == "optuna" and info.engine_installed
    assert info.engine_version is not None and int(info.engine_version.split(".")[0]) >= 4
    assert set(info.capabilities) >= {
        "multi_objective", "pruning", "define_by_run", "seedable", "parallel", "distributed", "resumable",
        "native:function",
    }


def test_registry_holds_the_optuna_backend_object() -> None:
    backend = get_registry().get("optuna")
    assert isinstance(backend, OptunaBackend)
    assert backend.install_hint() == 'pip install "hpcore[optuna]"'


def test_loading_the_plugin_does_not_import_optuna() -> None:
    code = (
        "import sys, hpcore\n"
        "names = [b.name for b in hpcore.list_backends()]\n"
        "assert 'optuna' in names, names\n"
        "assert 'optuna' not in sys.modules, 'the plugin imported optuna'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
