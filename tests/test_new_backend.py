"""`hpcore new-backend`: the package it writes installs with pip as it comes, is listed by
`hpcore backends`, runs searches, and passes hpcore's conformance suite.

The package is installed (editable) into this test's Python environment and uninstalled
again, whatever happens in between.
"""

import json
import subprocess
import sys

import pytest

NAME = "scaffold_check"
DIST = "hp-scaffold-check"


def pip(*args):
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)


@pytest.fixture
def installed(tmp_path, cli):
    out = cli("new-backend", NAME, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    package = tmp_path / DIST
    installing = pip("install", "--quiet", "--no-deps", "-e", package)
    try:
        assert installing.returncode == 0, installing.stderr
        yield package
    finally:
        pip("uninstall", "--yes", DIST)


def test_new_backend_writes_a_package_to_fill_in(tmp_path, cli):
    assert cli("new-backend", "bayes", cwd=tmp_path).returncode == 0
    files = sorted(str(p.relative_to(tmp_path / "hp-bayes")) for p in (tmp_path / "hp-bayes").rglob("*") if p.is_file())
    assert files == ["README.md", "hp_bayes/__init__.py", "hp_bayes/plugin.py", "pyproject.toml", "tests/test_conformance.py"]
    assert 'bayes = "hp_bayes.plugin"' in (tmp_path / "hp-bayes/pyproject.toml").read_text()
    assert "TODO" in (tmp_path / "hp-bayes/hp_bayes/plugin.py").read_text()
    assert "class TestBayesConformance(BackendConformance)" in (tmp_path / "hp-bayes/tests/test_conformance.py").read_text()


def test_installed_as_it_comes_it_is_listed_searches_and_passes_the_conformance_suite(installed, cli, tmp_path):
    listed = {b["name"]: b for b in json.loads(cli("backends", "--json").stdout)["backends"]}
    assert listed[NAME]["distribution"] == DIST
    (tmp_path / "task.py").write_text("import hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(t):\n    return t.params['x']\n")
    run = cli("run", "task.py:objective", "--backend", NAME, "--n-trials", "5", "--seed", "1", cwd=tmp_path)
    assert run.returncode == 0 and f"5 trials ({NAME})" in run.stdout, run.stderr
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", installed / "tests"], capture_output=True, text=True, cwd=installed)
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert " passed" in suite.stdout and " failed" not in suite.stdout


@pytest.mark.parametrize(
    "args, words",
    [(["Bad-Name"], ["lowercase Python identifier", "'Bad-Name'"]), (["ok", "--dir", "."], [" already exists and is not an empty folder", "--dir"])],
    ids=["bad-name", "folder-not-empty"],
)
def test_new_backend_refuses_in_one_line(tmp_path, cli, args, words):
    (tmp_path / "notes.txt").write_text("mine")
    out = cli("new-backend", *args, cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    for word in words:
        assert word in out.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
