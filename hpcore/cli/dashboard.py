"""`hpcore dashboard SEARCH`: a live optuna-dashboard of a journal, a saved result or an Optuna storage.

Rules: SEARCH is read before anything is served, and one that cannot be read is one line and
exit 2; the first line printed names the address served; Ctrl-C stops it and exits 0.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from hpcore.cli.output import as_text, say
from hpcore.dashboard.server import LOOPBACK, app_of, bind, open_search, serve

EXAMPLE = (
    "example:\n  hpcore dashboard runs.jsonl              # a journal, while its search writes it\n"
    "  hpcore dashboard result.json --port 8081\n  hpcore dashboard sqlite:///runs.db\n"
    f"It listens on {LOOPBACK} unless --host names another address. Ctrl-C stops it."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("search", help="a journal (.jsonl), a saved result (.json), or an Optuna storage URL")
    parser.add_argument("--port", type=int, default=8080, help="the port to listen on (default 8080; 0: any free port)")
    parser.add_argument("--host", default=LOOPBACK, help=f"the address to listen on (default {LOOPBACK}, this machine only)")


def dashboard(args: argparse.Namespace, console: Console) -> int:
    storage, refresh = open_search(args.search)
    server = bind(args.host, args.port, app_of(storage))
    host, port = str(server.server_address[0]), server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    banner = as_text(f"dashboard of {args.search} at http://{shown}:{port}/dashboard (Ctrl-C stops it)")
    serve(server, refresh, lambda: console.print(banner, highlight=False, soft_wrap=True))  # one line: the address stays whole
    say(console, "dashboard stopped")
    return 0
