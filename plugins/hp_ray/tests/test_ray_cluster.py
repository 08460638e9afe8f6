"""hp-ray against real Ray clusters in other processes: `ray start --head`, two nodes, killed drivers and nodes,
a local instance's end."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

DRIVERS = Path(__file__).parent / "drivers"
RAY = str(Path(sys.executable).parent / "ray")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port(address: str) -> str:
    return address.rsplit(":", 1)[1]


def _processes_mentioning(text: str) -> list[int]:
    """Process ids whose command line mentions `text` (Ray's processes name their session directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_until_gone(text: str, deadline_s: float = 60.0) -> list[int]:
    """Wait (up to a generous deadline, not a timing check) until no process mentions `text`; return any left."""
    end = time.monotonic() + deadline_s
    while _processes_mentioning(text) and time.monotonic() < end:
        time.sleep(0.5)
    return _processes_mentioning(text)


def _env(ray_tmp: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env.update(RAY_TMPDIR=ray_tmp, RAY_AIR_NEW_OUTPUT="0", PYTHONUNBUFFERED="1", **extra)
    return env


def _run_driver(script: Path, *args: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, str(script), *args], env=env, cwd=script.parent, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def head() -> Iterator[tuple[str, str]]:
    """A Ray head started with `ray start --head --block` in another process; stopped by its process id."""
    ray_tmp = tempfile.mkdtemp(prefix="hpr", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    port = _free_port()
    process = subprocess.Popen(
        [RAY, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats", "--block"],
        env=_env(ray_tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    address = f"127.0.0.1:{port}"
    try:
        ready = False
        for _ in range(120):
            if process.poll() is not None:
                break
            status = subprocess.run([RAY, "status", f"--address={address}"], env=_env(ray_tmp), capture_output=True)
            if status.returncode == 0:
                ready = True
                break
            time.sleep(1)
        assert ready, "ray start --head did not come up"
        yield address, ray_tmp
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        left = _wait_until_gone(ray_tmp)
        for pid in left:  # only processes of the cluster this fixture started
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(ray_tmp, ignore_errors=True)
        assert not left, f"ray start --head left processes behind: {left}"


@pytest.fixture
def drivers(tmp_path: Path) -> Path:
    target = tmp_path / "drivers"
    shutil.copytree(DRIVERS, target)
    return target


def test_search_on_a_cluster_by_address_ships_the_users_modules_by_value(head, drivers, tmp_path) -> None:
    address, ray_tmp = head
    out = _run_driver(drivers / "attach.py", str(tmp_path / "results"), address, env=_env(ray_tmp))
    assert out["errors"] == [] and out["states"] == ["COMPLETE"] * 6
    assert out["started_here"] is False and _port(out["gcs_address"]) == _port(address) and out["same_node"]
    assert not (drivers / "data_helpers.py").exists()


def test_search_finds_the_cluster_through_ray_address_auto(head, drivers, tmp_path) -> None:
    address, ray_tmp = head
    out = _run_driver(drivers / "attach.py", str(tmp_path / "results"), "", env=_env(ray_tmp, RAY_ADDRESS="auto"))
    assert out["states"] == ["COMPLETE"] * 6
    assert out["started_here"] is False and _port(out["gcs_address"]) == _port(address)


def _journal(path: Path) -> dict[int, dict]:
    """The trials a run journal holds by number (the last line of a number wins); {} before it exists."""
    lines = path.read_text().splitlines()[1:] if path.exists() else []
    return {t["number"]: t for t in map(json.loads, lines)}


def _kill_when(script: Path, args: list[str], runs: Path, journal: Path, env: dict[str, str], ready) -> dict[int, dict]:
    """Run the driver until `ready(journal trials, starts, ends)` (its own log lines), SIGKILL it; the journal then."""
    offset = len(runs.read_text().splitlines()) if runs.exists() else 0
    driver = subprocess.Popen(
        [sys.executable, str(script), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(2400):
            lines = runs.read_text().splitlines()[offset:] if runs.exists() else []
            starts = [line for line in lines if line.startswith("start")]
            if ready(_journal(journal), starts, [line for line in lines if line.startswith("end")]):
                break
            assert driver.poll() is None, ("the driver ended before it could be killed", _journal(journal), lines)
            time.sleep(0.05)
        else:
            pytest.fail("the driver never reached the point to kill it at")
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    return _journal(journal)


def test_a_driver_killed_before_between_and_during_trials_resumes_running_each_trial_once(
    head, drivers, tmp_path
) -> None:
    address, ray_tmp = head
    storage, runs = tmp_path / "results", tmp_path / "runs.log"
    journal = storage / "resumable" / "hpcore_trials.jsonl"
    script, env = drivers / "resumable.py", _env(ray_tmp)
    args = [str(storage), address, str(runs)]
    held: dict[int, tuple[dict, int]] = {}  # each trial a journal held at a kill, and the runs log's length then

    def kill_when(mode: str, ready, pause: str = "0") -> int:
        for number, trial in _kill_when(script, [*args, mode, pause], runs, journal, env, ready).items():
            held.setdefault(number, (trial, len(runs.read_text().splitlines())))
        return len(held)

    # before the first trial ends: trial 0 is running, the journal holds no trial
    assert kill_when("fresh", lambda trials, starts, ends: starts and not trials) == 0
    # between trials: the driver's own Tune callback pauses 2 s after each trial ends, when none runs
    assert kill_when("resume", lambda trials, s, e: len(trials) >= 2 and len(s) == len(e), "2") >= 2
    # during a trial: one more trial has ended and the next one is running
    before = len(held)
    assert kill_when("resume", lambda trials, s, e: len(trials) > before and len(s) > len(e)) > before

    out = _run_driver(script, *args, "resume", env=env)
    assert out["numbers"] == [0, 1, 2, 3, 4, 5] and out["states"] == ["COMPLETE"] * 6, (out, runs.read_text())
    ray_ids = [t["user_attrs"]["ray_trial_id"] for t in out["trials"]]
    assert len(set(ray_ids)) == 6, ray_ids
    lines = runs.read_text().splitlines()
    for number, (kept, seen) in held.items():
        assert out["trials"][number] == kept, (number, out["trials"][number], kept)
        x = repr(kept["params"]["x"])
        assert f"start {number} {x}" in lines[:seen]
        again = [line for line in lines[seen:] if line.startswith("start") and line.endswith(f" {x}")]
        assert not again, (number, again)


def _runs(log: Path) -> tuple[list[int], list[int]]:
    """The trial numbers a runs log shows started, and those it shows ended, in order."""
    lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return [int(n) for what, n in lines if what == "start"], [int(n) for what, n in lines if what == "end"]


def test_an_interrupted_search_keeps_what_ended_fails_the_running_trials_raises_and_resumes(
    head, drivers, tmp_path
) -> None:
    from hpcore.journal import read_journal

    address, ray_tmp = head
    storage, runs, journal, stderr = tmp_path / "results", tmp_path / "runs.log", tmp_path / "j.jsonl", tmp_path / "err"
    args = [str(storage), address, str(runs), str(journal)]
    with stderr.open("w") as err:
        first = subprocess.Popen(
            [sys.executable, str(drivers / "interruptible.py"), *args, "fresh"], env=_env(ray_tmp),
            stdout=subprocess.DEVNULL, stderr=err,
        )
    try:
        for _ in range(240):  # until trial 0 is in the journal and two more trials are running
            started, ended = _runs(runs)
            if journal.exists() and len(journal.read_text().splitlines()) >= 2 and len(set(started) - set(ended)) == 2:
                break
            assert first.poll() is None, stderr.read_text()[-4000:]
            time.sleep(0.5)
        else:
            pytest.fail("the driver never had a finished trial and two running ones")
        first.send_signal(signal.SIGINT)
        first.wait(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    started, ended = _runs(runs)
    running = set(started) - set(ended)
    errors = stderr.read_text()
    assert first.returncode != 0 and errors.rstrip().endswith("KeyboardInterrupt"), errors[-4000:]
    kept = {t.number: t for t in read_journal(journal)[1]}
    assert "PRUNED" not in {t.state.value for t in kept.values()}, kept
    assert {n for n, t in kept.items() if t.state.value == "COMPLETE"} == set(ended) == {0}
    assert {n for n, t in kept.items() if t.state.value == "FAILED"} == running
    assert all(kept[n].error == "interrupted (KeyboardInterrupt)" for n in running), kept

    out = _run_driver(drivers / "interruptible.py", *args, "resume", env=_env(ray_tmp))
    assert out["numbers"] == [0, 1, 2, 3, 4, 5], out
    assert [n for n, state in zip(out["numbers"], out["states"]) if state == "FAILED"] == sorted(running), out
    assert "PRUNED" not in out["states"], out
    again, _ = _runs(runs)
    assert all(again.count(n) == 1 for n in running), again


def test_a_local_instance_is_started_once_and_ends_with_its_process(drivers, tmp_path) -> None:
    ray_tmp = tempfile.mkdtemp(prefix="hpl", dir="/tmp")
    try:
        out = _run_driver(drivers / "attach.py", str(tmp_path / "results"), "", env=_env(ray_tmp))
        assert out["started_here"] is True and out["same_node"] and out["states"] == ["COMPLETE"] * 6
        assert _wait_until_gone(ray_tmp) == []
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)


def _below(pid: int) -> dict[int, tuple[int, str]]:
    """The processes below `pid` now (its children, theirs, ...): by id, their start time and title."""
    parents, found = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except (OSError, IndexError):
            continue
        parents[int(entry.name)] = (int(stat[1]), int(stat[19]), title.rsplit("/", 1)[-1])
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, start, title) in parents.items():
            if ppid == parent:
                found[child] = (start, title)
                todo.append(child)
    return found


def _start_time(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _still_running(processes: dict[int, tuple[int, str]]) -> list[str]:
    """Those of `processes` that still run (the same id and start time), by title and id."""
    return [f"{title} ({pid})" for pid, (start, title) in processes.items() if _start_time(pid) == start]


def _kill_all(processes: dict[int, tuple[int, str]]) -> None:
    """SIGKILL those of `processes` that still run: never a process that took the id of one that ended."""
    for pid, (start, _) in processes.items():
        if _start_time(pid) == start:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_a_local_instance_ends_within_seconds_of_a_killed_driver(drivers, tmp_path) -> None:
    ray_tmp = tempfile.mkdtemp(prefix="hpk", dir="/tmp")
    runs = tmp_path / "runs.log"
    driver = subprocess.Popen(
        [sys.executable, str(drivers / "resumable.py"), str(tmp_path / "results"), "", str(runs), "fresh"],
        env=_env(ray_tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    instance: dict[int, tuple[int, str]] = {}
    try:
        for _ in range(240):  # until a trial is running on the local instance
            if runs.exists() and runs.read_text():
                break
            assert driver.poll() is None
            time.sleep(0.5)
        instance = _below(driver.pid)
        titles = " ".join(title for _, title in instance.values())
        for name in ("gcs_server", "raylet", "ray::DashboardAgent", "ray::RuntimeEnvAgent", "ray::ImplicitFunc"):
            assert name in titles, titles
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        end = time.monotonic() + 10.0
        while (_still_running(instance) or _processes_mentioning(ray_tmp)) and time.monotonic() < end:
            time.sleep(0.25)
        left = _still_running(instance) + [f"{pid}" for pid in _processes_mentioning(ray_tmp)]
        assert left == [], f"10 s after its driver was killed, the local Ray instance still runs {left}"
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
        _kill_all(instance)  # only the processes of the instance this test started
        shutil.rmtree(ray_tmp, ignore_errors=True)


def _ray_start(*args: str, node: str, ray_tmp: str) -> subprocess.Popen:
    """`ray start --block` of one node with HP_NODE=`node`, in a session of its own, logging to `ray_tmp`."""
    return subprocess.Popen(
        [RAY, "start", *args, "--node-ip-address=127.0.0.1", "--num-cpus=1", f"--resources={{\"node_{node}\": 1}}",
         f"--temp-dir={ray_tmp}", "--disable-usage-stats", "--block"],
        env=_env(ray_tmp, HP_NODE=node), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _kill_node(process: subprocess.Popen) -> None:
    """SIGKILL a node: its `ray start` and every process below it (raylet, agents, workers)."""
    below = _below(process.pid)
    process.kill()
    process.wait()
    _kill_all(below)


@pytest.fixture
def two_nodes() -> Iterator[tuple[str, str, Callable[[], None]]]:
    """A head ("a") and a second node ("b") on this machine, one CPU each: the address, the head's temp dir, and a
    function that kills "b". A fresh pair per test: the head would list a killed "b" as alive for a while."""
    temps = [tempfile.mkdtemp(prefix=f"hp{node}", dir="/tmp") for node in "ab"]
    address = f"127.0.0.1:{_free_port()}"
    nodes = [_ray_start("--head", f"--port={_port(address)}", "--include-dashboard=false", node="a", ray_tmp=temps[0])]
    try:
        _wait_for(address, "node_a", temps[0])
        nodes.append(_ray_start(f"--address={address}", node="b", ray_tmp=temps[1]))
        _wait_for(address, "node_b", temps[0])
        yield address, temps[0], lambda: _kill_node(nodes[1])
    finally:
        for process in reversed(nodes):
            _kill_node(process)
        for temp in temps:
            for pid in _processes_mentioning(temp):  # only the processes of the nodes this fixture started
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            shutil.rmtree(temp, ignore_errors=True)


def _wait_for(address: str, resource: str, ray_tmp: str) -> None:
    for _ in range(120):
        status = subprocess.run([RAY, "status", f"--address={address}"], env=_env(ray_tmp), capture_output=True,
                                text=True)
        if resource in status.stdout:
            return
        time.sleep(1)
    pytest.fail(f"the node with {resource} did not join the cluster at {address}")


def test_trials_spread_over_two_nodes(two_nodes, drivers, tmp_path) -> None:
    address, ray_tmp, _ = two_nodes
    args = [str(tmp_path / "results"), address, str(tmp_path / "runs"), "spread", "0"]
    out = _run_driver(drivers / "two_nodes.py", *args, env=_env(ray_tmp))
    assert [t["state"] for t in out["trials"]] == ["COMPLETE"] * 6
    assert {t["user_attrs"]["node"] for t in out["trials"]} == {"a", "b"}
    assert len({t["user_attrs"]["node_id"] for t in out["trials"]}) == 2


@pytest.mark.parametrize("max_failures", [0, 1])
def test_a_node_killed_mid_search_fails_or_retries_its_trial_and_the_search_goes_on(
    two_nodes, drivers, tmp_path, max_failures
) -> None:
    address, ray_tmp, kill_b = two_nodes
    runs, journal = tmp_path / "runs", tmp_path / "results" / "kill" / "hpcore_trials.jsonl"
    args = [str(tmp_path / "results"), address, str(runs), "kill", str(max_failures)]
    driver = subprocess.Popen(
        [sys.executable, str(drivers / "two_nodes.py"), *args], env=_env(ray_tmp), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(2400):  # until the journal holds two trials and one runs on node b
            lines = [line.split() for line in runs.read_text().splitlines()] if runs.exists() else []
            ended = {int(n) for what, n, _ in lines if what == "end"}
            on_b = [int(n) for what, n, node in lines if what == "start" and node == "b" and int(n) not in ended]
            kept = _journal(journal)
            if len(kept) >= 2 and on_b:
                break
            assert driver.poll() is None, driver.communicate()[1][-4000:]
            time.sleep(0.05)
        else:
            pytest.fail("no trial ran on node b")
        kill_b()
        killed_at = time.monotonic()
        stdout, stderr = driver.communicate(timeout=240)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.communicate()
    assert driver.returncode == 0, stderr[-4000:]
    result = [line for line in stdout.splitlines() if line.startswith('{"trials"')]  # Ray may print after it
    assert result, stdout[-4000:]
    trials = {t["number"]: t for t in json.loads(result[-1])["trials"]}
    print(f"the search ended {time.monotonic() - killed_at:.1f} s after node b was killed")
    assert sorted(trials) == list(range(6)), trials
    for number, trial in kept.items():  # every trial that ended before the kill is kept as it ended
        assert trials[number] == trial and trial["state"] == "COMPLETE", (trials[number], trial)
    lost = trials[on_b[0]]
    others = [t for n, t in trials.items() if n != on_b[0]]
    assert all(t["state"] == "COMPLETE" for t in others), others
    if max_failures == 0:
        assert lost["state"] == "FAILED" and "Error: The actor" in lost["error"], lost
    else:
        assert lost["state"] == "COMPLETE" and lost["user_attrs"]["node"] == "a", lost
