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


def test_errors_are_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "task.py").write_text("def objective(trial):\n    return 0.0\n")
    assert main(["run", f"{tmp_path}/task.py:objective", "--backend", "nope"]) == 2
    assert "no backend named 'nope'" in capsys.readouterr().out


def test_a_bad_target_is_explained():
    with pytest.raises(SystemExit, match="file.py:objective"):
        main(["run", "no-colon-here"])
