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


@pytest.mark.parametrize(
    "hook, signature",
    [
        ("hpcore_optimize", "study, runner"),
        ("hpcore_ask", "study"),
        ("hpcore_prepare", "study"),
        ("hpcore_load_trials", "study"),
        ("hpcore_tell", "study, trial"),
        ("hpcore_should_prune", "study, trial, value, step"),
    ],
)
def test_a_plugin_module_answering_a_backend_hook_is_refused_and_searches_run_as_asked(site, hook, signature):
    site(
        "hp-hijack",
        "hp_hijack",
        f"""
        import hpcore

        @hpcore.hookimpl
        def {hook}({signature}):
            return True
        """,
    )
    site("hp-twin", "hp_twin", GOOD.format(name="twin"))
    registry = get_registry()
    [error] = registry.load_errors
    assert error.plugin == "hp_hijack" and error.distribution == "hp-hijack"
    assert "PluginRefused" in error.error and hook in error.error and "hpcore.Backend subclass" in error.error
    assert "twin" in registry.backends
    result = hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="random", n_trials=4)
    assert len(result.trials) == 4


def test_hpcore_backends_shows_a_refused_plugin_as_a_load_error(site, capsys):
    from hpcore.cli import main

    site("hp-hijack", "hp_hijack", "import hpcore\n@hpcore.hookimpl\ndef hpcore_optimize(study, runner):\n    return True\n")
    main(["backends"])
    out = capsys.readouterr().out
    assert "hp_hijack" in out and "hpcore_optimize" in out


@pytest.mark.parametrize("marker", ["wrapper=True", "hookwrapper=True"])
def test_a_plugin_module_wrapping_an_observer_hook_is_refused(site, marker):
    site(
        "hp-wrap",
        "hp_wrap",
        f"""
        import hpcore

        @hpcore.hookimpl({marker})
        def hpcore_trial_finished(study, trial):
            yield
        """,
    )
    [error] = get_registry().load_errors
    assert error.plugin == "hp_wrap" and "hook wrapper" in error.error and "plain @hpcore.hookimpl" in error.error


@pytest.mark.parametrize("marker", [{"wrapper": True}, {"hookwrapper": True}])
def test_an_observer_wrapping_an_observer_hook_is_refused_before_any_trial(marker):
    ran = []

    class Wraps:
        @hpcore.hookimpl(**marker)
        def hpcore_trial_finished(self, study, trial):
            yield

    with pytest.raises(hpcore.PluginRefused, match="observer 'Wraps' declares hpcore_trial_finished as a hook wrapper"):
        hpcore.search(lambda t: ran.append(t) or 0.0, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=2, observers=[Wraps()])
    assert ran == []


def test_an_observer_answering_a_backend_hook_is_refused_before_any_trial():
    ran = []

    class Hijack:
        @hpcore.hookimpl
        def hpcore_optimize(self, study, runner):
            return True

    with pytest.raises(hpcore.PluginRefused, match="observer 'Hijack' implements hpcore_optimize, a backend hook"):
        hpcore.search(lambda t: ran.append(t) or 0.0, {"x": hpcore.Float(0, 1)}, backend="random", n_trials=2, observers=[Hijack()])
    assert ran == []


def test_a_selection_wrapper_runs_around_the_selection_as_pluggy_runs_wrappers():
    seen = []

    class Around:
        @hpcore.hookimpl(wrapper=True)
        def hpcore_select_best(self, study, trials):
            chosen = yield
            seen.append([t.number for t in chosen])
            return chosen

    result = hpcore.search(lambda t: float(t.number), {"x": hpcore.Float(0, 1)}, backend="random", n_trials=3, observers=[Around()])
    assert seen == [[0]] and result.best_trial.number == 0


def test_a_backend_that_selects_is_refused_when_registered():
    from hpcore.backends.random import RandomBackend

    class Picky(RandomBackend):
        name = "picky"

        @hpcore.hookimpl
        def hpcore_select_best(self, study, trials):
            return list(trials[:1])

    with pytest.raises(hpcore.PluginRefused, match="backend 'picky' implements hpcore_select_best"):
        hpcore.register_backend(Picky())
    with pytest.raises(hpcore.PluginRefused, match="backend 'picky' implements hpcore_select_best"):
        hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend=Picky(), n_trials=1)


def test_the_default_backend_is_the_installed_one_of_highest_priority(site):
    site(
        "hp-eager",
        "hp_eager",
        """
        import hpcore
        from hpcore.backends.random import RandomBackend

        class Eager(RandomBackend):
            name = "eager"
            default_priority = 1000

        class Shy(RandomBackend):
            name = "shy"
            default_priority = None

        @hpcore.hookimpl
        def hpcore_register_backends(register):
            register(Eager())
            register(Shy())
        """,
    )
    assert get_registry().default().name == "eager"
