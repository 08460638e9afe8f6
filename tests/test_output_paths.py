"""Every output path of a command is checked before anything runs, and every file is written whole.

`--save`, `--plot`, `--html`, `--journal` and compare's outputs: a folder that does not exist, a
FIFO, a device, a symbolic link (dangling or not), the same path twice, a file hpcore did not
write. The user's files are compared byte for byte before and after.
"""

import json
import os
import resource
import shutil
import subprocess
import sys

import pytest
from PIL import Image

import hpcore

TASK = "import hpcore\nspace = {'x': hpcore.Float(0, 1)}\ndef objective(trial):\n    return trial.params['x']\n"


def run_cli(*args, cwd, limit_bytes=None):
    """The `hpcore` command, stopped after 60 s (a write into a FIFO waits for a reader for ever)."""
    limit = None if limit_bytes is None else (lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes)))
    return subprocess.run([sys.executable, "-m", "hpcore.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=60, preexec_fn=limit)


def one_line_error(out, *words):
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    for word in words:
        assert word in out.stderr, (word, out.stderr)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A folder holding task.py, a saved search r.json, and the picture r.png and page r.html hpcore drew of it."""
    folder = tmp_path_factory.mktemp("written")
    (folder / "task.py").write_text(TASK)
    hpcore.search(lambda t: t.params["x"], {"x": hpcore.Float(0, 1)}, backend="random", n_trials=6, seed=0).save(folder / "r.json")
    out = run_cli("show", "r.json", "--plot", "r.png", "--html", "r.html", cwd=folder)
    assert out.returncode == 0, out.stderr
    return folder


@pytest.fixture
def folder(written, tmp_path):
    for name in ("task.py", "r.json", "r.png", "r.html"):
        shutil.copy(written / name, tmp_path / name)
    return tmp_path


def files_of(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("option", ["--plot", "--html"])
def test_a_fifo_as_an_output_is_refused_before_it_is_opened(folder, option):
    os.mkfifo(folder / "out")
    one_line_error(run_cli("show", "r.json", option, "out", cwd=folder), "out is a FIFO (named pipe)")  # before: a write that waited for ever


@pytest.mark.timeout(20)
def test_a_fifo_given_as_a_result_is_refused_before_it_is_opened(tmp_path):
    os.mkfifo(tmp_path / "r.json")
    with pytest.raises(hpcore.errors.NotAResult, match="is a FIFO"):
        hpcore.SearchResult.load(tmp_path / "r.json")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("given, words", [
    ("fifo", "is a FIFO (named pipe), not a file"),
    ("/dev/full", "is a character device, not a file"),
    (".", "is a directory, not a file"),
    ("missing/r.json", "is not a file"),
])
def test_show_refuses_what_is_not_a_file_in_one_line(tmp_path, given, words):
    os.mkfifo(tmp_path / "fifo")
    one_line_error(run_cli("show", given, cwd=tmp_path), words)  # before: a FIFO hung, the others gave tracebacks


@pytest.mark.parametrize("option", ["--plot", "--html"])
def test_a_device_as_an_output_is_refused(folder, option):
    before = files_of(folder)
    one_line_error(run_cli("show", "r.json", option, "/dev/full", cwd=folder), "/dev/full is a character device")
    assert files_of(folder) == before


def test_an_output_in_a_folder_that_does_not_exist_is_refused_before_any_trial(folder):
    for option, name in (("--save", "r.json"), ("--plot", "r.png"), ("--html", "r.html"), ("--journal", "j.jsonl")):
        out = run_cli("run", "task.py:objective", "--backend", "random", "--journal", "j.jsonl", option, f"missing/{name}", cwd=folder)
        if option == "--journal":
            out = run_cli("run", "task.py:objective", "--backend", "random", "--save", "s.json", option, f"missing/{name}", cwd=folder)
        one_line_error(out, f"missing/{name} cannot be written: its folder missing does not exist", "Create it first")
        assert out.stdout == ""  # no trial ran, nothing was printed
        assert not (folder / "j.jsonl").exists() and not (folder / "s.json").exists() and not (folder / "missing").exists()


@pytest.mark.parametrize("option, name", [("--save", "r.json"), ("--plot", "r.png"), ("--html", "r.html"), ("--journal", "j.jsonl")])
def test_a_symbolic_link_is_refused_and_neither_it_nor_its_target_is_touched(folder, option, name):
    (folder / "elsewhere").mkdir()
    dangling, to_ours = folder / "dangling", folder / "to-ours"
    dangling.symlink_to(folder / "elsewhere" / name)
    to_ours.symlink_to(folder / name if name != "j.jsonl" else folder / "r.json")
    before = files_of(folder)
    for link in (dangling, to_ours):
        out = run_cli("run", "task.py:objective", "--backend", "random", option, link.name, cwd=folder)
        one_line_error(out, f"{link.name} is a symbolic link", "hpcore writes neither through a link nor over one")
        assert link.is_symlink() and os.readlink(link) in (str(folder / "elsewhere" / name), str(folder / name), str(folder / "r.json"))
    assert not (folder / "elsewhere" / name).exists()  # before: the dangling link's target was created
    assert files_of(folder) == before


@pytest.mark.parametrize(
    "args",
    [
        ["show", "r.json", "--plot", "new", "--html", "new"],
        ["show", "r.json", "--plot", "new", "--html", "./new"],
        ["compare", "r.json", "--plot", "new", "--html", "new"],
        ["run", "task.py:objective", "--backend", "random", "--save", "new", "--journal", "new"],
        ["run", "task.py:objective", "--backend", "random", "--plot", "new", "--html", "sub/../new"],
    ],
    ids=["show", "show-another-spelling", "compare", "run-save-and-journal", "run-through-a-folder"],
)
def test_the_same_path_for_two_outputs_is_refused_before_anything_is_written(folder, args):
    (folder / "sub").mkdir()
    before = files_of(folder)
    one_line_error(run_cli(*args, cwd=folder), "is the same file as", "give each output a path of its own")
    assert not (folder / "new").exists()  # before: the PNG was written, then the page refused
    assert files_of(folder) == before


def test_an_output_that_is_the_search_read_is_refused(folder):
    shutil.copy(folder / "r.json", folder / "copy.json")
    os.link(folder / "r.json", folder / "hard.json")
    before = files_of(folder)
    one_line_error(run_cli("compare", "copy.json", "hard.json", "--html", "r.json", cwd=folder), "--html r.json is the same file as the input hard.json")
    assert files_of(folder) == before


def not_ours(folder):
    """Files in the way that hpcore did not write, though each looks like one of its kinds."""
    Image.new("RGB", (40, 30), "white").save(folder / "theirs.png")  # a PNG, drawn by another program
    page = (folder / "r.html").read_text()
    (folder / "theirs.html").write_text("<!-- my notes on the report -->\n" + page[:3000])  # hpcore's mark in its first 4 KiB
    (folder / "theirs.json").write_text(json.dumps({"hpcore_result": "the results of my own study", "rows": [1, 2]}))
    (folder / "half.json").write_text((folder / "r.json").read_text()[:-40])  # a result cut short is no longer one
    return {"--plot": ["theirs.png"], "--html": ["theirs.html"], "--save": ["theirs.json", "half.json"]}


def test_a_file_hpcore_did_not_write_is_left_byte_for_byte(folder):
    for option, names in not_ours(folder).items():
        for name in names:
            before = files_of(folder)
            out = run_cli("run", "task.py:objective", "--backend", "random", "--n-trials", "2", option, name, cwd=folder)
            one_line_error(out, f"{name} exists and is not a", "written by hpcore")
            assert out.stdout == "" and files_of(folder) == before


def test_the_files_hpcore_wrote_are_replaced(folder):
    out = run_cli("run", "task.py:objective", "--backend", "random", "--n-trials", "3", "--save", "r.json", "--plot", "r.png",
                  "--html", "r.html", cwd=folder)
    assert out.returncode == 0, out.stderr
    assert len(hpcore.SearchResult.load(folder / "r.json").trials) == 3 and "3 trials (random)" in (folder / "r.html").read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["r.html", "r.json", "r.png", "task.py"]  # no temporary file left


def test_a_write_cut_short_leaves_the_old_file_whole(folder):
    """A file size limit (RLIMIT_FSIZE) stands in for a full disk: the page, megabytes, cannot be written whole."""
    before = files_of(folder)
    out = run_cli("show", "r.json", "--html", "r.html", cwd=folder, limit_bytes=1 << 20)
    one_line_error(out, "r.html could not be written", "what it held is left whole")
    assert files_of(folder) == before  # before: a traceback and a page cut at 1 MiB
    assert sorted(p.name for p in folder.iterdir()) == ["r.html", "r.json", "r.png", "task.py"]


def test_write_html_from_python_is_atomic_and_checked_too(folder):
    from hpcore.report import write_html, write_png

    result = hpcore.SearchResult.load(folder / "r.json")
    with pytest.raises(hpcore.errors.NotOurs, match="not a PNG written by hpcore"):
        write_png(result, folder / "r.html")
    with pytest.raises(hpcore.NotWritten, match="folder .*missing does not exist"):
        write_html(result, folder / "missing" / "r.html")
