"""`import hpcore` is light: no engine, no entry-point scan, public names resolved lazily."""

import subprocess
import sys

import hpcore

HEAVY = ("optuna", "ray", "wandb", "torch", "transformers", "pluggy", "importlib.metadata", "rich", "matplotlib", "plotly")


def test_import_hpcore_loads_nothing_heavy():
    code = f"import sys, hpcore\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_command_imports_no_plotting_library_until_a_picture_is_asked_for():
    code = "import sys\nfrom hpcore.cli import main\nmain(['backends'])\nprint(sorted(m for m in ('matplotlib', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"


def test_every_public_name_resolves():
    for name in hpcore.__all__:
        assert getattr(hpcore, name) is not None
    assert callable(hpcore.search) and hpcore.search.__module__ == "hpcore.driver"
