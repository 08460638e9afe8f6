"""The release: one version for the core and every plugin, a dated changelog, the tested ranges of
each extra, and the wheels `make dist` writes installing in a fresh venv with every extra."""

import datetime
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import hpcore

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = sorted((ROOT / "plugins").glob("hp_*"))  # plugins/hp_optuna: the distribution hp-optuna, the package hp_optuna


def project(folder: Path) -> dict:
    return tomllib.loads((folder / "pyproject.toml").read_text())["project"]


def ours(requirement: Requirement) -> bool:
    return requirement.name == "hpcore" or requirement.name.startswith("hp-")


def test_the_core_and_every_plugin_have_one_version_and_require_each_other_at_it():
    version = hpcore.__version__
    assert metadata.version("hpcore") == version
    extras = {extra: list(map(Requirement, reqs)) for extra, reqs in project(ROOT)["optional-dependencies"].items()}
    for folder in PLUGINS:
        plugin = project(folder)
        assert plugin["version"] == version, folder
        assert metadata.version(plugin["name"]) == version, f"{plugin['name']} is installed at another version: reinstall it"
        requires = [r for r in map(Requirement, plugin["dependencies"]) if ours(r)]
        assert "hpcore" in {r.name for r in requires}
        assert all(str(r.specifier) == f"=={version}" for r in requires), (folder, requires)
        brings = f"hpcore[{plugin['name'].removeprefix('hp-')}] and hpcore[all]"
        for extra in (plugin["name"].removeprefix("hp-"), "all"):
            assert Requirement(f"{plugin['name']}=={version}") in extras[extra], brings
    assert all(str(r.specifier) == f"=={version}" for reqs in extras.values() for r in reqs if ours(r))


def test_the_changelog_starts_with_this_version_and_its_date():
    top = next(line for line in (ROOT / "CHANGELOG.md").read_text().splitlines() if line.startswith("## "))
    match = re.fullmatch(r"## (\S+) \((\d{4}-\d\d-\d\d)\)", top)
    assert match, f"the top section must read '## {hpcore.__version__} (YYYY-MM-DD)', not {top!r}"
    assert match[1] == hpcore.__version__
    assert datetime.date.fromisoformat(match[2]) <= datetime.date.today()


FLOORS = {"transformers": ("4.57.6", ROOT / ".ci" / "transformers-floor")}  # a lower end tested by its own CI step


def range_problem(requirement: Requirement) -> str | None:
    """Why `requirement` is not the tested range, or None: the minor series installed here, or from a
    floor that a CI step installs and tests (`FLOORS`) up to that series."""
    installed = Version(metadata.version(requirement.name))
    major, minor = installed.major, installed.minor
    outside = [f"{major}.{minor + 1}.0", f"{major}.{minor - 1}.999" if minor else f"{major - 1}.999"]
    if requirement.name in FLOORS:
        floor, script = FLOORS[requirement.name]
        below = Version(floor)
        outside = [outside[0], f"{below.major}.{below.minor - 1}.999" if below.minor else f"{below.major - 1}.999"]
        if f"{requirement.name}=={floor}" not in script.read_text() or not requirement.specifier.contains(floor):
            return f"{requirement} does not hold {floor}, the floor {script.name} tests"
    if not requirement.specifier.contains(installed, prereleases=True):
        return f"{requirement} excludes {installed}, the version tested"
    if any(requirement.specifier.contains(v, prereleases=True) for v in outside):
        return f"{requirement} admits versions outside {major}.{minor}, the minor series tested"
    return None


def test_every_extra_and_plugin_requires_the_minor_series_it_is_tested_with():
    extras = project(ROOT)["optional-dependencies"]
    requirements = [r for reqs in extras.values() for r in reqs] + [r for f in PLUGINS for r in project(f)["dependencies"]]
    problems = [range_problem(r) for r in map(Requirement, requirements) if not ours(r)]
    assert [p for p in problems if p] == []
    assert range_problem(Requirement("optuna>=4")) is not None  # the check can fail


def test_every_distribution_ships_py_typed():
    for package in [ROOT / "hpcore", *(folder / folder.name for folder in PLUGINS)]:
        assert (package / "py.typed").is_file(), package


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{args}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.mark.slow
def test_the_wheels_of_make_dist_install_in_a_fresh_venv_with_every_extra(tmp_path):
    version = hpcore.__version__
    dist = tmp_path / "dist"
    run("make", "-o", ".venv/.installed", "dist", f"DIST={dist}", cwd=ROOT)  # make dist, without rebuilding .venv
    wheels = {w.name.split("-")[0]: w for w in dist.glob("*.whl")}
    assert sorted(wheels) == ["hp_optuna", "hp_ray", "hp_wandb", "hpcore"]
    for package, wheel in wheels.items():
        assert wheel.name == f"{package}-{version}-py3-none-any.whl"
        assert f"{package}/py.typed" in zipfile.ZipFile(wheel).namelist()
    run(sys.executable, "-m", "venv", tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    pip = (python, "-m", "pip", "--disable-pip-version-check", "install", "--find-links", dist)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run(*pip, "--quiet", "hpcore[optuna]", env=env)  # one real install: a search runs, and --version names it
    versions = run(tmp_path / "venv" / "bin" / "hpcore", "--version", cwd=tmp_path, env=env).stdout.splitlines()
    assert versions[0] == f"hpcore {version}"
    assert f"hp-optuna {version}: backend optuna, engine optuna {metadata.version('optuna')}" in versions
    code = "import hpcore; r = hpcore.search(lambda t: t.params['x'], {'x': hpcore.Float(0, 1)}, n_trials=3, backend='optuna'); print(len(r.trials))"
    assert run(python, "-c", code, cwd=tmp_path, env=env).stdout.split()[-1] == "3"
    run(python, "-m", "pip", "check", env=env)
    expected = {  # what each extra brings besides what hpcore[optuna] installed; a full install would take minutes
        "ray": {"hp-ray": version, "ray": "2.60"},
        "wandb": {"hp-wandb": version, "wandb": "0.31"},
        "transformers,optuna": {"transformers": "5.24", "torch": "2.13", "accelerate": "1.16"},
        "all": {"hp-ray": version, "hp-wandb": version},
        "plot": {"matplotlib": "3.11", "plotly": "7.1"},
        "testing": {"pytest": "9.2", "hypothesis": "6.170"},
    }
    for extra, brings in expected.items():
        report = json.loads(run(*pip, "--dry-run", "--quiet", "--report", "-", f"hpcore[{extra}]", env=env).stdout)
        chosen = {i["metadata"]["name"].lower().replace("_", "-"): i for i in report["install"]}
        for name, prefix in brings.items():
            assert name in chosen and chosen[name]["metadata"]["version"].startswith(prefix), (extra, name, sorted(chosen))
            if name.startswith("hp-"):
                assert str(dist) in chosen[name]["download_info"]["url"], (extra, name)  # from make dist's wheels
