"""A throwaway PostgreSQL server on 127.0.0.1, for the tests (conftest's `postgres_url`) and `benchmarks/bench_postgres.py`.

    with postgres.server() as url:  # postgresql+psycopg://hpcore:PASSWORD@127.0.0.1:PORT/hpcore
        ...

Rules:
- `initdb` makes a new cluster in a fresh temporary directory; the server listens on TCP
  127.0.0.1 only, on a port that was free, and its unix socket is in that directory too;
- the one way in is a password (scram-sha-256, a random one) over 127.0.0.1: pg_hba.conf
  holds that line and no other;
- PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the `postgres`
  system user, which owns the directory;
- on leaving, the server is stopped (fast: clients are disconnected) and the directory
  removed, whatever happened inside;
- the programs are those beside the newest Debian `/usr/lib/postgresql/*/bin/initdb`, else
  beside `initdb` on PATH (a link followed); with neither, `server()` raises RuntimeError(INSTALL_HINT).
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = DATABASE = "hpcore"
INSTALL_HINT = "PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql"


def bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    debian = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if debian:
        return Path(max(debian, key=lambda p: [int(v) for v in Path(p).parts[-3].split(".")])).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start a new server with one database; yield its SQLAlchemy URL; stop it and remove its files."""
    programs = bin_dir()
    if programs is None:
        raise RuntimeError(INSTALL_HINT)
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="hpcore-postgres-"))
    data, log, password_file = root / "data", root / "server.log", root / "password"
    password, port = secrets.token_hex(16), _free_port()
    try:
        password_file.write_text(password)
        if as_postgres:
            shutil.chown(root, "postgres")
            shutil.chown(password_file, "postgres")
        _run([*as_postgres, programs / "initdb", "-D", data, "-U", USER, "--pwfile", password_file,
              "--auth=scram-sha-256", "--no-locale", "-E", "UTF8"], root)
        (data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 scram-sha-256\n")
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{root}'\n")
        try:
            _run([*as_postgres, programs / "pg_ctl", "-D", data, "-l", log, "-w", "start"], root)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\nserver log:\n{log.read_text() if log.exists() else '(none)'}") from None
        try:
            env = {**os.environ, "PGPASSWORD": password}
            _run([programs / "createdb", "-h", "127.0.0.1", "-p", port, "-U", USER, DATABASE], root, env)
            yield f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"
        finally:
            _run([*as_postgres, programs / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list, cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout}{done.stderr}")
