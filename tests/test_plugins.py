"""Entry-point discovery: third-party plugins load, fail alone, and obey HPCORE_LOAD_PLUGINS."""

import importlib
import subprocess
import sys
import textwrap

import pytest

import hpcore
from hpcore.errors import DuplicateBackend
from hpcore.plugins import get_registry, reset_registry

GOOD = """
import hpcore
from hpcore.backends.random import RandomBackend

class Twin(RandomBackend):
    name = "{name}"

@hpcore.hookimpl
def hpcore_register_backends(register):
    register(Twin())
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path where `install(...)` puts a distribution with an `hpcore` entry point."""
    monkeypatch.syspath_prepend(str(tmp_path))
    added = []

    def install(dist, module, source):
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        info = tmp_path / f"{dist.replace('-', '_')}-1.2.3.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
        (info / "entry_points.txt").write_text(f"[hpcore]\n{module} = {module}\n")
        added.append(module)
        importlib.invalidate_caches()

    reset_registry()
    yield install
    for module in added:
        sys.modules.pop(module, None)
    reset_registry()


def test_a_third_party_backend_is_found_through_its_entry_point(site):
    site("hp-twin", "hp_twin", GOOD.format(name="twin"))
    registry = get_registry()
    assert registry.distributions["twin"] == "hp-twin"
    info = {i.name: i for i in hpcore.list_backends()}["twin"]
    assert info.version == "1.2.3" and info.engine_installed
    assert len(hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="twin", n_trials=3).trials) == 3


def test_a_plugin_module_with_observer_hooks_observes_every_search(site):
    site(
        "hp-watch",
        "hp_watch",
        """
        import hpcore

        finished = []

        @hpcore.hookimpl
        def hpcore_trial_finished(study, trial):
            finished.append((study.settings.backend, trial.number))
        """,
    )
    hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="random", n_trials=3)
    assert sys.modules["hp_watch"].finished == [("random", 0), ("random", 1), ("random", 2)]


def test_a_plugin_that_fails_to_import_is_reported_and_others_keep_working(site):
    site("hp-broken", "hp_broken", "raise ImportError('needs a missing engine')\n")
    site("hp-twin", "hp_twin", GOOD.format(name="twin"))
    registry = get_registry()
    [error] = hpcore.plugin_errors()
    assert error.plugin == "hp_broken" and error.distribution == "hp-broken" and "missing engine" in error.error
    assert {"random", "grid", "twin"} <= set(registry.backends)


def test_a_misspelt_hook_is_a_load_error_of_that_plugin_only(site):
    site("hp-typo", "hp_typo", "import hpcore\n@hpcore.hookimpl\ndef hpcore_register_backend(register):\n    pass\n")
    registry = get_registry()
    assert [e.plugin for e in registry.load_errors] == ["hp_typo"]
    assert "hpcore_register_backend" in registry.load_errors[0].error
    assert "random" in registry.backends


def test_a_name_already_taken_is_refused_and_kept_as_that_plugins_error(site):
    site("hp-impostor", "hp_impostor", GOOD.format(name="random"))
    registry = get_registry()
    [error] = registry.load_errors
    assert error.plugin == "hp_impostor" and "DuplicateBackend" in error.error and "already held by hpcore" in error.error
    assert registry.distributions["random"] == "hpcore"


def test_register_backend_in_process_refuses_a_taken_name():
    with pytest.raises(DuplicateBackend, match="'grid' is already held by hpcore: rename"):
        hpcore.register_backend(type("G", (hpcore.Backend,), {"name": "grid"})())


@pytest.mark.parametrize(("setting", "expected"), [("", set()), ("hp_twin", {"twin"}), ("hp-other", {"other"})])
def test_hpcore_load_plugins_limits_third_party_plugins(site, monkeypatch, setting, expected):
    site("hp-twin", "hp_twin", GOOD.format(name="twin"))
    site("hp-other", "hp_other", GOOD.format(name="other"))
    monkeypatch.setenv("HPCORE_LOAD_PLUGINS", setting)
    backends = set(get_registry().backends)
    assert backends & {"twin", "other"} == expected
    assert {"random", "grid"} <= backends


def test_listing_backends_imports_no_engine():
    code = (
        "import sys\nfrom hpcore.cli import main\nmain(['backends'])\n"
        "print('HEAVY', sorted(m for m in ('optuna', 'ray', 'wandb', 'torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "random" in out and "grid" in out
    assert "HEAVY []" in out
