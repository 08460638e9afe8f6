"""Fixtures shared by the command's tests: the `hpcore` command as a subprocess, real searches saved by it,
and headless chromium (Debian's package) with a fresh profile per run."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TASK = textwrap.dedent(
    """
    import hpcore
    space = {"x": hpcore.Float(-2, 2, step=0.05), "n": hpcore.Int(0, 4), "kind": hpcore.Categorical(["a", "b"])}

    def objective(trial):
        p = trial.params
        if p["x"] > 1.7:
            raise ValueError("x is too large")
        if p["x"] < -1.8:
            raise hpcore.TrialPruned()
        return (p["x"] - 1) ** 2 + 0.1 * p["n"] + (p["kind"] == "b")

    def two(trial):
        x = trial.params["x"]
        return [x**2, (x - 1) ** 2 + 0.1 * trial.params["n"]]
    """
)


def hpcore(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "hpcore.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture(scope="session")
def cli():
    """The `hpcore` command, run as users run it: cli("show", "r.json", cwd=folder)."""
    return hpcore


@pytest.fixture(scope="session")
def searches(tmp_path_factory) -> Path:
    """A folder holding task.py and real searches of it, saved by `hpcore run`: random.json
    (with failed and pruned trials), grid.json, optuna.json with its study `demo` in optuna.db,
    two.json (two objectives), and the journal random.jsonl."""
    folder = tmp_path_factory.mktemp("searches")
    (folder / "task.py").write_text(TASK)
    runs = [
        ["task.py:objective", "--backend", "random", "--n-trials", "40", "--seed", "3", "--save", "random.json", "--journal", "random.jsonl"],
        ["task.py:objective", "--backend", "grid", "--n-trials", "25", "--seed", "3", "--save", "grid.json"],
        ["task.py:objective", "--backend", "optuna", "--n-trials", "25", "--seed", "3", "--save", "optuna.json",
         "--option", "storage='sqlite:///optuna.db'", "--option", "study_name=demo"],
        ["task.py:two", "--backend", "random", "--n-trials", "30", "--seed", "3", "--direction", "minimize", "--direction", "minimize", "--save", "two.json"],
    ]
    for args in runs:
        out = hpcore("run", *args, cwd=folder)
        assert out.returncode == 0, out.stderr
    return folder


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [  # no updates, no sync, no first-run screens; they do not keep chromium offline
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1200,2400",
]
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? ?(.*)")  # how chromium logs a page's console message


@pytest.fixture
def chromium(tmp_path):
    """chromium(page, *flags) -> (console messages, stdout): one headless run of `page` (a file or a URL) with a fresh profile."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing under CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed: apt-get install chromium (Debian's package), as .ci/run does")

    def run(page, *flags):
        profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
        out = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *flags, page if isinstance(page, str) else page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return [m.group(1) for m in map(CONSOLE.search, out.stderr.splitlines()) if m], out.stdout

    return run
