"""optuna-dashboard served on one search, live, until Ctrl-C.

Rules:
- the search is a journal or a saved result (mirrored, `hpcore.dashboard.mirror`, and read
  again every `POLL` seconds) or an Optuna storage URL (served as it is: optuna-dashboard reads
  the storage itself); what cannot be read is refused before anything is served;
- the dashboard binds the loopback address 127.0.0.1 unless `host` names another: nothing else
  (no file, no variable) makes it listen elsewhere, and a host that is not a loopback address
  is bound with a warning that anyone who reaches it can read and change the study;
- a port in use, or a host that names no address here, is refused with what to give instead;
  port 0 takes a free port, which the first line printed names;
- Ctrl-C (SIGINT) stops serving and polling, closes the socket, and returns normally.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from hpcore.errors import InvalidArgument, TargetNotFound
from hpcore.report.files import need

log = logging.getLogger("hpcore")

LOOPBACK = "127.0.0.1"
POLL = 1.0  # seconds between two reads of a mirrored record


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # one line per request would drown the terminal
        pass


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def is_storage_url(search: str) -> bool:
    """A search named by URL (`sqlite:///runs.db`, `postgresql://...`) rather than by a file path."""
    return "://" in search


def open_search(search: str) -> tuple[Any, Callable[[], None] | None]:
    """The Optuna storage to serve for `search`, and what to call to refresh it (None: it refreshes itself)."""
    need("optuna_dashboard", "the dashboard", extra="dashboard")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the dashboard's own lines only
    if is_storage_url(search):
        return _storage(search), None
    from hpcore.dashboard.mirror import Mirror

    mirror = Mirror(search)
    return mirror.storage, mirror.update


def _storage(url: str) -> Any:
    import optuna

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise TargetNotFound(f"{url} names no SQLite file: give the storage URL a search wrote, such as sqlite:///runs.db.")
    try:
        storage = optuna.storages.RDBStorage(url, skip_table_creation=True)
        storage.get_all_studies()
    except Exception as exc:  # any error of the database driver: the URL is the user's to fix
        raise InvalidArgument(f"{url} cannot be read as an Optuna storage ({type(exc).__name__}): give the storage URL a search wrote.") from None
    return storage


def bind(host: str, port: int, app: Any) -> _Server:
    """A server of `app` listening on `host`:`port`; InvalidArgument for a host or port that cannot be bound."""
    if not 0 <= port <= 65535:
        raise InvalidArgument(f"--port must be from 0 to 65535 (0: any free port), got {port}.")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise InvalidArgument(f"--host {host} names no address here: give an address such as {LOOPBACK}.") from None
    server_class = type("Server", (_Server,), {"address_family": family})
    try:
        server = server_class((host, port), _Quiet)
    except OSError as exc:
        raise InvalidArgument(f"cannot listen on {host}:{port} ({exc.strerror}): give another --port, or --port 0 for any free one.") from None
    server.set_app(app)
    if not is_loopback(server.server_address[0]):
        log.warning("the dashboard listens on %s, beyond this machine: anyone who reaches it can read and change the study", host)
    return server


def is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_loopback


def serve(server: _Server, refresh: Callable[[], None] | None, started: Callable[[], None]) -> None:
    """Call `started`, then serve until Ctrl-C, calling `refresh` every POLL seconds in another thread."""
    stop = threading.Event()
    poller = threading.Thread(target=_poll, args=(refresh, stop), daemon=True) if refresh else None
    try:
        if poller:
            poller.start()
        started()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        if poller and poller.is_alive():
            poller.join(timeout=5)


def _poll(refresh: Callable[[], None], stop: threading.Event) -> None:
    while not stop.wait(POLL):
        try:
            refresh()
        except Exception:  # the dashboard goes on showing what it has
            log.exception("the dashboard could not read the search again")


def app_of(storage: Any) -> Any:
    """optuna-dashboard's WSGI application on `storage`."""
    import optuna_dashboard

    return optuna_dashboard.wsgi(storage)
