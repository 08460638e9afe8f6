"""`hpcore dashboard`: optuna-dashboard on a mirror of a search's journal, watched live in headless chromium.

The search runs in one `hpcore run` process and the dashboard in another, as a user runs them;
chromium loads the dashboard's trial list and reads the count it shows.
"""

import html
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import urllib.request
import time

import pytest

import hpcore
from hpcore.dashboard.mirror import Mirror

pytestmark = pytest.mark.slow

TASK = textwrap.dedent(
    """
    import time
    import hpcore
    space = {"lr": hpcore.Float(1e-5, 1e-1, log=True), "layers": hpcore.Int(1, 4), "kind": hpcore.Categorical(["a", "b"])}

    def objective(trial):
        for step in range(3):
            time.sleep(0.1)
            trial.report(trial.params["lr"] * (3 - step), step)
        if trial.params["layers"] == 4 and trial.params["kind"] == "b":
            raise hpcore.TrialPruned()
        return trial.params["lr"] * trial.params["layers"] + (trial.params["kind"] == "b")
    """
)


def start(*args, cwd):
    return subprocess.Popen([sys.executable, "-m", "hpcore.cli", *map(str, args)], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_search(folder, n_trials, seed):
    return start("run", "task.py:objective", "--backend", "random", "--n-trials", n_trials, "--seed", seed,
                 "--journal", "runs.jsonl", cwd=folder)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def dashboard(tmp_path):
    """dashboard(search, *args) -> (process, its first line's URL); each is stopped by SIGINT at the end."""
    started = []

    def serve(search, *args):
        process = start("dashboard", search, "--port", "0", *args, cwd=tmp_path)
        started.append(process)
        line = process.stdout.readline()
        if "Ctrl-C stops it" not in line:
            process.kill()
            pytest.fail(line + process.stderr.read())
        return process, re.search(r"http://\S+", line).group()

    yield serve
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


def shown_count(chromium, url):
    _, dom = chromium(f"{url}/studies/0/trials", "--virtual-time-budget=8000", "--dump-dom")
    found = re.search(r">(\d+) Trials<", dom)
    assert found, "the dashboard shows no trial count"
    return int(found.group(1))


def test_the_dashboard_shows_a_running_search_live_and_a_second_search_on_its_journal(tmp_path, dashboard, chromium):
    (tmp_path / "task.py").write_text(TASK)
    first = run_search(tmp_path, 60, 1)
    wait_for(lambda: (tmp_path / "runs.jsonl").exists() and (tmp_path / "runs.jsonl").read_bytes().count(b"\n") >= 2, 60, "a trial")
    process, url = dashboard("runs.jsonl")
    seen = [shown_count(chromium, url)]
    while first.poll() is None:
        seen.append(shown_count(chromium, url))
    assert first.wait() == 0, first.stderr.read()
    assert len(seen) >= 3 and seen[0] < seen[-2] < 60, f"the count did not grow while the search ran: {seen}"
    wait_for(lambda: shown_count(chromium, url) == 60, 30, "all 60 trials")

    second = run_search(tmp_path, 30, 2)  # resumes the journal: trials 60 to 89
    during = []
    while second.poll() is None:
        during.append(shown_count(chromium, url))
    assert second.wait() == 0, second.stderr.read()
    assert any(60 < n < 90 for n in during), f"the second search did not show while it ran: {during}"
    wait_for(lambda: shown_count(chromium, url) == 90, 30, "all 90 trials")

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    out, err = process.communicate()
    assert "dashboard stopped" in out and "Traceback" not in err, err


def test_the_mirror_keeps_states_values_intermediate_values_and_the_log_scale(tmp_path):
    (tmp_path / "task.py").write_text(TASK)
    task = {}
    exec(TASK.replace("time.sleep(0.1)", "pass"), task)
    result = hpcore.search(task["objective"], task["space"], backend="random", n_trials=30, seed=0, journal=tmp_path / "runs.jsonl")
    trials = Mirror(tmp_path / "runs.jsonl").storage.get_all_trials(0)
    assert [t.user_attrs["hpcore number"] for t in trials] == [t.number for t in result.trials]
    assert [t.state.name for t in trials] == [{"FAILED": "FAIL"}.get(t.state.value, t.state.value) for t in result.trials]
    assert "PRUNED" in {t.state.name for t in trials}
    for mirrored, trial in zip(trials, result.trials, strict=True):
        assert (mirrored.values or []) == trial.values and mirrored.intermediate_values == trial.intermediate
        assert mirrored.params == trial.params
    lr = trials[0].distributions["lr"]
    assert (lr.low, lr.high, lr.log) == (1e-5, 1e-1, True)
    assert list(trials[0].distributions["kind"].choices) == ["a", "b"]


def test_a_saved_result_of_any_backend_shows_with_one_value_ranges(tmp_path):
    result = hpcore.search(lambda t: t.suggest_float("x", 0, 1) + len(t.suggest_categorical("c", [[1], [1, 2]])),
                           None, backend="random", n_trials=5, seed=0)
    result.save(tmp_path / "r.json")
    trials = Mirror(tmp_path / "r.json").storage.get_all_trials(0)
    assert [t.params["c"] for t in trials] == [json.dumps(t.params["c"]) for t in result.trials]  # a choice Optuna cannot hold
    assert all(t.distributions["x"].low == t.distributions["x"].high == t.params["x"] for t in trials)


def test_the_dashboard_listens_on_loopback_only_unless_host_is_given(tmp_path, dashboard, searches):
    process, url = dashboard(searches / "random.json")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert url.startswith("http://127.0.0.1:")
    assert listening(port) == ["127.0.0.1"]
    process, url = dashboard(searches / "random.json", "--host", "0.0.0.0")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert listening(port) == ["0.0.0.0"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert "beyond this machine" in process.stderr.read()


def listening(port):
    """The IPv4 addresses listening on `port`, from /proc/net/tcp (state 0A: LISTEN)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    found = []
    for row in rows:
        address, hex_port = row[1].split(":")
        if int(hex_port, 16) == port and row[3] == "0A":
            found.append(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.parametrize(
    "search, extra, says",
    [
        ("missing.jsonl", [], "is not a file"),
        (".", [], "is a directory"),
        ("task.py", [], "neither an hpcore journal nor a saved result"),
        ("damaged.json", [], "is a damaged result"),
        ("sqlite:///missing.db", [], "names no SQLite file"),
        ("sqlite:///task.py", [], "cannot be read as an Optuna storage"),
        ("random.json", ["--port", "70000"], "--port must be from 0 to 65535"),
        ("random.json", ["--host", "no-such-host.invalid"], "names no address here"),
    ],
)
def test_bad_search_arguments_are_one_line_and_exit_2(searches, cli, tmp_path, search, extra, says):
    (tmp_path / "task.py").write_text(TASK)
    (tmp_path / "random.json").write_bytes((searches / "random.json").read_bytes())
    (tmp_path / "damaged.json").write_text((searches / "random.json").read_text().replace('"directions": [', '"directions": [7, ', 1))
    out = cli("dashboard", search, "--port", "0", *extra, cwd=tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.splitlines()) == 1 and out.stderr.startswith("error: ") and says in out.stderr, out.stderr


def test_a_port_in_use_is_one_line_and_exit_2(searches, cli, dashboard):
    _, url = dashboard(searches / "random.json")
    port = url.rsplit(":", 1)[1].split("/")[0]
    out = cli("dashboard", searches / "random.json", "--port", port)
    assert out.returncode == 2 and len(out.stderr.splitlines()) == 1 and "give another --port" in out.stderr, out.stderr


def test_without_optuna_dashboard_the_command_names_the_extra(searches, cli, tmp_path):
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['optuna_dashboard'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = cli("dashboard", searches / "random.json", "--port", "0", env=env)
    assert out.returncode == 2 and out.stderr == 'error: the dashboard needs optuna_dashboard, which is not installed: pip install "hpcore[dashboard]".\n'


def test_a_search_s_text_in_the_dashboard_s_plots_is_text_not_a_link(tmp_path, dashboard, chromium):
    """optuna-dashboard draws parameter names and choices with plotly, which reads `<a href>` as a live link."""
    name = '<a href="https://example.invalid/">link</a>'
    space = {name: hpcore.Float(0, 1), "kind": hpcore.Categorical([name, "plain"])}
    hpcore.search(lambda t: t.params[name] + (t.params["kind"] == name), space, backend="random", n_trials=12, seed=0,
                  journal=tmp_path / "h.jsonl")
    _, url = dashboard("h.jsonl")
    for page in ("/studies/0", "/studies/0/analytics"):
        _, dom = chromium(url + page, "--virtual-time-budget=8000", "--dump-dom")
        assert not re.search(r"<a\b[^>]*example\.invalid", dom), f"a parameter's name became a link on {page}"
        drawn = [html.unescape(t).replace("\u200b", "") for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", dom)]
        assert any(name in t for t in drawn), f"the name is not drawn as written on {page}"


def test_an_optuna_storage_url_is_served_as_it_is(searches, dashboard):
    _, url = dashboard(f"sqlite:///{searches / 'optuna.db'}")
    api = url.removesuffix("/dashboard") + "/api/studies"
    studies = json.load(urllib.request.urlopen(api, timeout=30))["study_summaries"]
    assert [s["study_name"] for s in studies] == ["demo"]
    study = json.load(urllib.request.urlopen(f"{api}/{studies[0]['study_id']}", timeout=30))
    assert len(study["trials"]) == 25
