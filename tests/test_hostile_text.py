"""Text from a search (parameter names, choices, errors, the backend, paths) is printed and drawn as text.

Rich markup is not read, terminal escape sequences (ANSI, OSC) reach no terminal, mathtext is
not read in the PNG; plotly's tags in the page are checked in a browser (test_browser.py).
"""

import json
import os
import shutil
import textwrap

import pytest

import hpcore
from hpcore import SearchResult

# rich markup that breaks (a closing tag with no opening one), ANSI colour, an OSC title, a bell,
# mathtext matplotlib cannot parse, and plotly's pseudo-HTML
HOSTILE = '[bold]b[/x] \x1b[31mred\x1b[0m \x1b]0;title\x07 $\\undefinedmacro$ <a href="https://example.invalid/">link</a>'
SHOWN = '[bold]b[/x] \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 $\\undefinedmacro$ <a href="https://example.invalid/">link</a>'  # the escapes written out
WIDE = {**os.environ, "COLUMNS": "2000"}  # one table row per line, so the text is not wrapped

TASK = textwrap.dedent(
    f"""
    import hpcore
    NAME = {HOSTILE!r}
    space = {{NAME: hpcore.Float(0, 1), "kind": hpcore.Categorical([NAME, "plain"])}}

    def objective(trial):
        if trial.number == 1:
            raise ValueError(NAME)
        return trial.params[NAME] + (trial.params["kind"] == NAME)
    """
)


def assert_shown_as_text(out):
    for stream in (out.stdout, out.stderr):
        assert "\x1b" not in stream and "\x07" not in stream, stream
        assert "MarkupError" not in stream and "rich.errors" not in stream, stream  # the objective's own traceback is logged, as text


@pytest.fixture
def hostile(tmp_path):
    """A folder with task.py, whose parameter name, a choice and an error are HOSTILE, and its search saved as r.json."""
    (tmp_path / "task.py").write_text(TASK)
    task = {}
    exec(TASK, task)
    hpcore.search(task["objective"], task["space"], backend="random", n_trials=8, seed=1).save(tmp_path / "r.json")
    return tmp_path


def test_run_prints_saves_and_draws_a_search_of_hostile_names(hostile, cli):
    run = cli("run", "task.py:objective", "--backend", "random", "--n-trials", "8", "--seed", "1",
              "--save", "run.json", "--plot", "run.png", "--html", "run.html", cwd=hostile, env=WIDE)
    assert run.returncode == 0, run.stderr
    assert_shown_as_text(run)
    assert f"{SHOWN}=" in run.stdout  # the parameter's name
    assert repr(HOSTILE) in run.stdout  # the choice, as params are shown (repr)
    assert "│ ValueError: " + SHOWN in run.stdout  # the error, in its own cell
    result = SearchResult.load(hostile / "run.json")
    assert HOSTILE in result.trials[0].params and result.trials[1].error == f"ValueError: {HOSTILE}"  # kept as they are
    assert (hostile / "run.png").read_bytes().startswith(b"\x89PNG") and (hostile / "run.html").stat().st_size > 10_000


def test_show_prints_hostile_names_and_backend_as_text(hostile, cli, tmp_path):
    data = json.loads((hostile / "r.json").read_text())
    data["backend"] = HOSTILE
    (hostile / "b.json").write_text(json.dumps(data))
    out = cli("show", "b.json", "--plot", "b.png", "--html", "b.html", cwd=hostile, env=WIDE)
    assert out.returncode == 0, out.stderr
    assert_shown_as_text(out)
    assert f"8 trials ({SHOWN})" in out.stdout and f"{SHOWN}=" in out.stdout
    assert "best run" in out.stdout and "report written to b.html" in out.stdout


def test_compare_prints_hostile_paths_as_text(hostile, cli):
    (hostile / "a[").mkdir()
    named = ["a[/x]b.json", "\x1b]0;T\x07.json"]  # a markup closing tag across a folder, an OSC title in a name
    for name in named:
        shutil.copy(hostile / "r.json", hostile / name)
    out = cli("compare", *named, "--html", "c.html", "--plot", "c.png", cwd=hostile, env=WIDE)
    assert out.returncode == 0, out.stderr
    assert_shown_as_text(out)
    assert "a[/x]b.json" in out.stdout and "\\x1b]0;T\\x07.json" in out.stdout


def test_an_error_line_holding_a_hostile_path_is_one_line_of_text(tmp_path, cli):
    out = cli("show", "two\nlines [/x] \x1b]0;T\x07.json", cwd=tmp_path)
    assert out.returncode == 2
    assert_shown_as_text(out)
    assert "Traceback" not in out.stderr and out.stderr == "error: two\\nlines [/x] \\x1b]0;T\\x07.json is not a file: give a result saved with --save " \
        "(SearchResult.save) or a journal, or a storage URL with --study NAME.\n"


def test_printable_escapes_every_control_character_and_keeps_the_rest():
    from hpcore.report.text import printable

    assert printable("a\x00b\x7f\x9b\u202e\u2028\ud800\n\tc") == "a\\x00b\\x7f\\x9b\\u202e\\u2028\\ud800\\n\\tc"
    assert printable("[bold]é ☃ 雪 <a>$x$") == "[bold]é ☃ 雪 <a>$x$"
