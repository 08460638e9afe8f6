"""The `hpcore` command: backends, run, show."""

import subprocess
import sys
import textwrap

import pytest

from hpcore.cli import main


def hpcore(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hpcore.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_backends_lists_the_built_ins():
    out = hpcore("backends")
    assert out.returncode == 0
    assert "random" in out.stdout and "grid" in out.stdout and "(built in)" in out.stdout


def test_run_then_show(tmp_path):
    (tmp_path / "task.py").write_text(
        textwrap.dedent(
            """
            import hpcore
            space = {"x": hpcore.Float(-2, 2)}
            def objective(trial):
                return (trial.params["x"] - 1) ** 2
            """
        )
    )
    run = hpcore("run", "task.py:objective", "--backend", "random", "--n-trials", "7", "--seed", "1",
                 "--journal", "j.jsonl", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "7 trials (random)" in run.stdout and "best run" in run.stdout
    for saved in ("r.json", "j.jsonl"):
        show = hpcore("show", saved, cwd=tmp_path)
        assert show.returncode == 0 and "7 trials" in show.stdout


def test_errors_are_one_line_on_stderr_and_exit_2(tmp_path, capsys):
    (tmp_path / "task.py").write_text("def objective(trial):\n    return 0.0\n")
    assert main(["run", f"{tmp_path}/task.py:objective", "--backend", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no backend named 'nope'" in err and err.count("\n") == 1


TASK = "import hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(trial):\n    return trial.params['x']\n"


def one_line_error(out, *words):
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    for word in words:
        assert word in out.stderr, (word, out.stderr)


@pytest.mark.parametrize(
    "target, words",
    [
        ("missing.py:objective", ["no file missing.py", "file.py:objective"]),
        ("task.py:nope", ["task.py has no 'nope'", "objective"]),
        ("no_such_module_xyz:objective", ["no module 'no_such_module_xyz'", "file.py:objective"]),
        ("no-colon-here", ["file.py:objective"]),
    ],
)
def test_run_explains_a_target_it_cannot_find_in_one_line(tmp_path, target, words):
    (tmp_path / "task.py").write_text(TASK)
    one_line_error(hpcore("run", target, "--backend", "random", cwd=tmp_path), *words)


def test_run_explains_a_space_it_cannot_find(tmp_path):
    (tmp_path / "task.py").write_text(TASK)
    one_line_error(hpcore("run", "task.py:objective", "--space", "spice", cwd=tmp_path), "task.py has no 'spice'", "--space")


@pytest.mark.parametrize(
    "content, words",
    [
        (None, ["r.json is not a file"]),
        ("just some notes\n", ["r.json is neither a saved result", "hpcore journal"]),
        ('{"hpcore_result": 1, "trials": [{"number": 0}]}', ["r.json is neither a saved result"]),
        ("[1, 2]", ["r.json is neither a saved result"]),
    ],
    ids=["missing", "text", "truncated-result", "a-list"],
)
def test_show_explains_a_file_it_cannot_read_in_one_line(tmp_path, content, words):
    if content is not None:
        (tmp_path / "r.json").write_text(content)
    one_line_error(hpcore("show", "r.json", cwd=tmp_path), *words)


def test_show_refuses_a_negative_limit(tmp_path):
    (tmp_path / "task.py").write_text(TASK)
    assert hpcore("run", "task.py:objective", "--backend", "random", "--n-trials", "3", "--save", "r.json", cwd=tmp_path).returncode == 0
    one_line_error(hpcore("show", "r.json", "--limit", "-1", cwd=tmp_path), "--limit", "-1")
    shown = hpcore("show", "r.json", "--limit", "0", cwd=tmp_path)
    assert shown.returncode == 0 and "3 trials" in shown.stdout and "COMPLETE" not in shown.stdout
