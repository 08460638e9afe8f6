"""The `hpcore` command: backends, run, show, errors; its reports are in test_report.py."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from importlib import metadata

import pytest

import hpcore
from hpcore import INTERRUPTED, SearchResult, TrialState
from hpcore.cli import main
from hpcore.cli.run import parse_options
from hpcore.journal import read_journal


def test_version_is_the_installed_distributions_then_each_backends_with_its_engine(cli):
    out = cli("--version")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"hpcore {metadata.version('hpcore')}" == f"hpcore {hpcore.__version__}"
    for distribution, backend, engine in (("hp-optuna", "optuna", "optuna"), ("hp-ray", "ray", "ray"), ("hp-wandb", "wandb", "wandb")):
        assert f"{distribution} {metadata.version(distribution)}: backend {backend}, engine {engine} {metadata.version(engine)}" in lines
    assert not any(line.startswith("hpcore ") for line in lines[1:])  # the built-in backends are hpcore's own


def test_backends_lists_the_built_ins(cli):
    out = cli("backends")
    assert out.returncode == 0
    assert "random" in out.stdout and "grid" in out.stdout and "(built in)" in out.stdout


def test_run_then_show(tmp_path, cli):
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
    run = cli("run", "task.py:objective", "--backend", "random", "--n-trials", "7", "--seed", "1",
                 "--journal", "j.jsonl", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "7 trials (random)" in run.stdout and "best run" in run.stdout
    for saved in ("r.json", "j.jsonl"):
        show = cli("show", saved, cwd=tmp_path)
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
def test_run_explains_a_target_it_cannot_find_in_one_line(tmp_path, target, words, cli):
    (tmp_path / "task.py").write_text(TASK)
    one_line_error(cli("run", target, "--backend", "random", cwd=tmp_path), *words)


def test_run_explains_a_space_it_cannot_find(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    one_line_error(cli("run", "task.py:objective", "--space", "spice", cwd=tmp_path), "task.py has no 'spice'", "--space")


@pytest.mark.parametrize(
    "content, words",
    [
        (None, ["r.json is not a file"]),
        ("just some notes\n", ["r.json is neither a saved result", "hpcore journal"]),
        ('{"hpcore_result": 1, "trials": [{"number": 0}]}', ["r.json is a damaged result", "field 'backend'", "no 'backend' field"]),
        ("[1, 2]", ["r.json is neither a saved result"]),
    ],
    ids=["missing", "text", "truncated-result", "a-list"],
)
def test_show_explains_a_file_it_cannot_read_in_one_line(tmp_path, content, words, cli):
    if content is not None:
        (tmp_path / "r.json").write_text(content)
    one_line_error(cli("show", "r.json", cwd=tmp_path), *words)


def test_show_refuses_a_negative_limit(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    assert cli("run", "task.py:objective", "--backend", "random", "--n-trials", "3", "--save", "r.json", cwd=tmp_path).returncode == 0
    one_line_error(cli("show", "r.json", "--limit", "-1", cwd=tmp_path), "--limit", "-1")
    shown = cli("show", "r.json", "--limit", "0", cwd=tmp_path)
    assert shown.returncode == 0 and "3 trials" in shown.stdout and "COMPLETE" not in shown.stdout


def test_backends_fit_80_columns_without_cutting_a_capability(cli):
    out = cli("backends", env={**os.environ, "COLUMNS": "80"})
    assert out.returncode == 0
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    assert "…" not in out.stdout
    for flag in ("multi_objective", "define_by_run", "seedable", "parallel", "resumable", "finite"):
        assert flag in out.stdout


def test_backends_json_holds_what_the_table_shows(cli):
    data = json.loads(cli("backends", "--json").stdout)
    by_name = {b["name"]: b for b in data["backends"]}
    assert by_name["grid"]["distribution"] == "hpcore" and "finite" in by_name["grid"]["capabilities"]
    assert by_name["optuna"]["engine"] == "optuna" and by_name["optuna"]["engine_installed"] is True
    assert data["load_errors"] == []


@pytest.mark.parametrize("command", ["backends", "run", "show", "compare", "new-backend"])
def test_every_command_has_help_with_an_example(cli, command):
    out = cli(command, "--help")
    assert out.returncode == 0 and f"hpcore {command}" in out.stdout.split("example:")[1]


def test_run_takes_backend_options_max_trials_and_timeout(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    run = cli("run", "task.py:objective", "--backend", "optuna", "--n-trials", "50", "--max-trials", "6", "--timeout", "60",
              "--option", "storage='sqlite:///s.db'", "--option", "study_name=from-cli", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(SearchResult.load(tmp_path / "r.json").trials) == 6
    assert "6 trials (optuna)" in cli("show", "sqlite:///s.db", "--study", "from-cli", cwd=tmp_path).stdout


def test_run_stops_starting_trials_at_the_timeout(tmp_path, cli):
    (tmp_path / "slow.py").write_text("import time, hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(t):\n    time.sleep(0.2)\n    return t.params['x']\n")
    run = cli("run", "slow.py:objective", "--backend", "random", "--n-trials", "1000", "--timeout", "1", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert 2 <= len(SearchResult.load(tmp_path / "r.json").trials) <= 10


def test_options_are_python_literals_else_strings():
    assert parse_options(["a=5", "b=0.5", "c=[1, 'x']", "d=None", "e=tpe", "f=sqlite:///r.db"]) == {
        "a": 5, "b": 0.5, "c": [1, "x"], "d": None, "e": "tpe", "f": "sqlite:///r.db"
    }


def test_ctrl_c_keeps_every_finished_trial_in_the_saved_result_and_report(tmp_path):
    (tmp_path / "slow.py").write_text("import time, hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(t):\n    time.sleep(0.1)\n    return t.params['x']\n")
    args = ["run", "slow.py:objective", "--backend", "random", "--n-trials", "1000", "--journal", "j.jsonl", "--save", "r.json", "--html", "r.html"]
    process = subprocess.Popen([sys.executable, "-m", "hpcore.cli", *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = tmp_path / "j.jsonl"
    deadline = time.monotonic() + 30
    while (not journal.exists() or journal.read_text().count("\n") < 5) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "interrupted: " in err and "finished trial(s) kept" in err
    saved = SearchResult.load(tmp_path / "r.json")
    _, journaled = read_journal(journal)
    assert [t.number for t in saved.trials] == [t.number for t in journaled] and len(saved.trials) >= 4
    assert sum(t.state is TrialState.COMPLETE for t in saved.trials) >= len(saved.trials) - 1
    assert all(t.error == INTERRUPTED for t in saved.trials if t.state is not TrialState.COMPLETE)
    assert (tmp_path / "r.html").read_text().count("<tr class=") == len(saved.trials)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--space", "NOT_A_SPACE"], ["space must be a dict", "got int"]),
        (["--backend", "nope"], ["no backend named 'nope'", "installed backends: ", "grid", "random"]),
        (["--option", "nokey"], ["--option takes key=value"]),
        (["--backend", "random", "--option", "sampler=1"], ["'sampler'", "random"]),
        (["--n-trials", "0"], ["n_trials"]),
        (["--n-jobs", "0"], ["n_jobs must be -1 (one trial per CPU) or an int of at least 1, got 0"]),
    ],
    ids=["space-not-a-space", "unknown-backend", "option-without-value", "option-the-backend-lacks", "no-trials", "no-jobs"],
)
def test_run_refuses_bad_input_in_one_line(tmp_path, cli, args, words):
    (tmp_path / "task.py").write_text(TASK + "NOT_A_SPACE = 42\n")
    one_line_error(cli("run", "task.py:objective", *args, cwd=tmp_path), *words)


def test_nothing_hpcore_did_not_write_is_written_over(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    (tmp_path / "notes.txt").write_text("mine")
    for flag in ("--save", "--plot", "--html"):
        one_line_error(cli("run", "task.py:objective", "--backend", "random", flag, "notes.txt", cwd=tmp_path), "notes.txt exists", "another path")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert cli("run", "task.py:objective", "--backend", "random", "--n-trials", "2", "--save", "r.json", cwd=tmp_path).returncode == 0
    assert cli("run", "task.py:objective", "--backend", "random", "--n-trials", "3", "--save", "r.json", cwd=tmp_path).returncode == 0
    assert len(SearchResult.load(tmp_path / "r.json").trials) == 3  # its own result, written over


def test_a_plot_without_the_plot_extra_names_the_extra(tmp_path):
    (tmp_path / "task.py").write_text(TASK)
    code = "import sys\nsys.modules['matplotlib'] = None  # as if not installed\nfrom hpcore.cli import main\nsys.exit(main(sys.argv[1:]))"
    for flag, library in (("--plot", "matplotlib"), ("--html", "plotly")):
        if library == "plotly":
            code = code.replace("'matplotlib'", "'plotly'")
        out = subprocess.run([sys.executable, "-c", code, "run", "task.py:objective", "--backend", "random", flag, "out"],
                             capture_output=True, text=True, cwd=tmp_path)
        one_line_error(out, f"needs {library}", 'pip install "hpcore[plot]"')
        assert not (tmp_path / "out").exists()


def test_run_exits_1_with_the_first_error_when_every_trial_failed(tmp_path, cli):
    (tmp_path / "bad.py").write_text("import hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(t):\n    raise ValueError(f'broken {t.number}')\n")
    run = cli("run", "bad.py:objective", "--backend", "random", "--n-trials", "3", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines()[-1] == "error: every trial failed (3); the first, trial 0: ValueError: broken 0"
    assert [t.state for t in SearchResult.load(tmp_path / "r.json").trials] == [TrialState.FAILED] * 3  # kept all the same
    (tmp_path / "half.py").write_text(TASK.replace("return trial.params['x']", "if trial.number == 0:\n        raise ValueError('one')\n    return 1.0"))
    assert cli("run", "half.py:objective", "--backend", "random", "--n-trials", "3", cwd=tmp_path).returncode == 0


ENGINE_LOG_LINE = re.compile(r"^\[[DIWE] \d{4}-\d\d-\d\d ", re.MULTILINE)  # Optuna's log format


def test_quiet_prints_no_engine_log_line(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    args = ("run", "task.py:objective", "--backend", "optuna", "--n-trials", "3", "--option", "storage='sqlite:///s.db'")
    loud = cli(*args, cwd=tmp_path)
    assert loud.returncode == 0 and ENGINE_LOG_LINE.search(loud.stderr), loud.stderr  # Optuna's INFO lines, unless quiet
    quiet = cli(*args, "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert not ENGINE_LOG_LINE.search(quiet.stderr + quiet.stdout) and "searching" not in quiet.stdout, quiet.stderr
    assert "3 trials (optuna)" in quiet.stdout


SLEEPER = textwrap.dedent(
    """
    import time, hpcore
    space = {"x": hpcore.Float(0, 1)}
    def objective(trial):
        trial.set_user_attr("start", time.monotonic())
        time.sleep(0.4)
        trial.set_user_attr("end", time.monotonic())
        return trial.params["x"]
    """
)


@pytest.mark.parametrize("backend", ["random", "optuna"])
def test_n_jobs_2_runs_two_trials_at_once(tmp_path, cli, backend):
    (tmp_path / "sleeper.py").write_text(SLEEPER)
    run = cli("run", "sleeper.py:objective", "--backend", backend, "--n-trials", "4", "--n-jobs", "2", "--save", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    spans = sorted((t.user_attrs["start"], t.user_attrs["end"]) for t in SearchResult.load(tmp_path / "r.json").trials)
    assert len(spans) == 4
    overlapping = [(a, b) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]  # the next one started before this one ended
    assert len(overlapping) >= 2, spans


def test_n_jobs_on_a_backend_that_runs_one_trial_at_a_time_is_one_line(tmp_path, cli):
    (tmp_path / "task.py").write_text(TASK)
    one_line_error(cli("run", "task.py:objective", "--backend", "cma", "--n-jobs", "2", cwd=tmp_path), "n_jobs")


def test_two_runs_started_together_on_a_new_sqlite_storage_both_work(tmp_path):
    # Each process waits at import for the file `go`, so both open the new storage at the same moment.
    barrier = "import os, time\nopen(f'ready-{os.getpid()}', 'w').close()\nwhile not os.path.exists('go'):\n    time.sleep(0.001)\n"
    (tmp_path / "task.py").write_text(barrier + TASK)
    for round in range(3):
        url = f"sqlite:///round{round}.db"
        args = ["run", "task.py:objective", "--backend", "optuna", "--n-trials", "3", "--quiet",
                "--option", f"storage='{url}'", "--option", "study_name=shared"]
        runs = [subprocess.Popen([sys.executable, "-m", "hpcore.cli", *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("ready-*"))) < 2 * (round + 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        (tmp_path / "go").touch()
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
        (tmp_path / "go").unlink()
        shown = subprocess.run([sys.executable, "-m", "hpcore.cli", "show", url, "--study", "shared"], cwd=tmp_path, capture_output=True, text=True)
        assert "6 trials (optuna)" in shown.stdout, shown.stderr


def test_run_warm_starts_from_a_saved_search_without_running_its_trials(searches, tmp_path, cli):
    (tmp_path / "task.py").write_text((searches / "task.py").read_text())
    out = cli("run", "task.py:objective", "--backend", "optuna", "--n-trials", "5", "--seed", "0",
              "--warm-start", searches / "random.jsonl", "--save", "warm.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    saved = json.loads((tmp_path / "warm.json").read_text())
    assert [t["number"] for t in saved["trials"]] == [0, 1, 2, 3, 4]
    complete = [t for t in map(json.loads, (searches / "random.jsonl").read_text().splitlines()) if t.get("state") == "COMPLETE"]
    assert f"first told {len(complete)} warm-start trial(s)" in out.stdout, out.stdout


def test_run_refuses_a_warm_start_that_is_its_own_journal(searches, cli):
    out = cli("run", "task.py:objective", "--n-trials", "1", "--warm-start", "random.jsonl", "--journal", "random.jsonl", cwd=searches)
    assert out.returncode == 2 and "--journal alone" in out.stderr and len(out.stderr.strip().splitlines()) == 1
