"""Shared set-up for the hp-wandb tests: W&B kept out of the repository and away from any credentials,
and a reader of the offline run files W&B writes.

Every W&B file goes under one temporary folder (``WANDB_DIR`` and friends are set before wandb
is first imported: W&B reads them once per process); tests that read runs back pass ``dir=``.
No test reaches the network: the credentials W&B would find (``WANDB_API_KEY``, a netrc file)
are hidden from every test, which sets its own when it needs them.

W&B 0.31 writes an offline run as one ``run-<id>.wandb`` file of protobuf records (the file
``wandb sync`` uploads), not ``files/wandb-summary.json`` or ``config.yaml``; `read_run` parses
it with W&B's own record type, once it holds the run's exit record (W&B's service process writes
the file on its own time: ``run.finish()`` returns before the last records are on disk). Tests use fixtures, not imports: pytest runs with --import-mode=importlib.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(tempfile.mkdtemp(prefix="hp-wandb-tests-"))
for _name in ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR", "WANDB_ARTIFACT_DIR"):
    os.environ[_name] = str(_ROOT / _name.lower())
    os.makedirs(os.environ[_name], exist_ok=True)
os.environ["WANDB_SILENT"] = "true"
_HIDDEN = ("WANDB_API_KEY", "WANDB_IDENTITY_TOKEN_FILE", "WANDB_MODE", "WANDB_BASE_URL")


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No W&B credentials and no mode set, whatever the machine has."""
    for name in _HIDDEN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(autouse=True)
def quiet_optuna() -> Iterator[None]:
    import optuna

    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(verbosity)


@pytest.fixture(name="runs_dir")
def runs_dir_fixture(tmp_path: Path) -> Path:
    """A folder to pass as ``dir=``: W&B writes its runs under ``<dir>/wandb``."""
    return tmp_path / "runs"


@pytest.fixture(name="read_run")
def read_run_fixture():
    """`read_run(folder)`: the run W&B wrote offline in `folder` (an ``offline-run-*`` folder)."""
    return read_run


@pytest.fixture(name="read_runs")
def read_runs_fixture():
    """`read_runs(dir)`: every offline run under ``<dir>/wandb``, in the order they started."""

    def read_runs(directory: Path) -> list[dict[str, Any]]:
        folders = sorted(Path(directory).glob("wandb/offline-run-*"))
        runs = [read_run(folder) for folder in folders]
        return sorted(runs, key=lambda r: r["start"])

    return read_runs


def read_run(folder: str | Path) -> dict[str, Any]:
    """The config, summary, history, group, name, job type, tags and exit code of one offline run."""
    from wandb.proto import wandb_internal_pb2 as pb

    (path,) = Path(folder).glob("run-*.wandb")
    deadline = time.monotonic() + 10
    while not _finished(path) and time.monotonic() < deadline:  # W&B's service writes the file after finish() returns
        time.sleep(0.02)
    run: dict[str, Any] = {"folder": Path(folder), "config": {}, "summary": {}, "history": [], "exit_code": None}
    kinds = []
    for data in _records(path.read_bytes()):
        record = pb.Record()
        record.ParseFromString(data)
        kind = record.WhichOneof("record_type")
        kinds.append(kind)
        if kind == "run":
            r = record.run
            run.update(id=r.run_id, group=r.run_group, name=r.display_name, job_type=r.job_type, tags=list(r.tags),
                       project=r.project, start=r.start_time.seconds + r.start_time.nanos / 1e9)
            _apply(run["config"], r.config.update)
        elif kind == "config":
            _apply(run["config"], record.config.update)
        elif kind == "summary":
            _apply(run["summary"], record.summary.update)
        elif kind == "history":
            row: dict[str, Any] = {}
            _apply(row, record.history.item)
            run["history"].append(row)
        elif kind == "exit":
            run["exit_code"] = record.exit.exit_code
    assert "start" in run, f"{path} holds no run record: {path.stat().st_size} bytes, {kinds}"
    run["config"].pop("_wandb", None)
    return run


def _finished(path: Path) -> bool:
    """Whether the run file holds its exit record yet."""
    from wandb.proto import wandb_internal_pb2 as pb

    for data in _records(path.read_bytes()):
        record = pb.Record()
        record.ParseFromString(data)
        if record.WhichOneof("record_type") == "exit":
            return True
    return False


def _apply(target: dict[str, Any], items: Any) -> None:
    for item in items:
        path = list(item.nested_key) or [item.key]
        node = target
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = json.loads(item.value_json)


def _records(data: bytes) -> Iterator[bytes]:
    """The records of a W&B transaction log: a 7-byte header, then LevelDB-style blocks of 32 KiB."""
    assert data[:4] == b":W&B", "not a W&B run file"
    block, position, parts = 32768, 7, []
    while position + 7 <= len(data):
        if block - position % block < 7:  # a block's tail too short for a record header is padding
            position += block - position % block
            continue
        _checksum, length, kind = struct.unpack("<IHB", data[position:position + 7])
        position += 7
        chunk, position = data[position:position + length], position + length
        if kind == 0:
            continue
        parts.append(chunk)
        if kind in (1, 4):  # FULL, or LAST of FIRST..MIDDLE..LAST
            yield b"".join(parts)
            parts = []
