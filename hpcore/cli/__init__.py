"""The `hpcore` command: backends, run, show, compare, dashboard, new-backend.

Rule: what the user got wrong (a missing file, module or name, a file that is no result or
journal, an argument out of range, a missing plotting extra, any HpcoreError) is one line on
stderr saying what to do, and exit status 2; an error raised by the user's own code keeps its
traceback. That line, like all the command prints of a search (names, values, errors, paths),
is text: no markup is read and control characters are shown escaped. Every output path is
checked before anything runs (`hpcore.report.files`). Every command's --help ends with an example.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from rich.console import Console

from hpcore.cli import dashboard
from hpcore.cli.load import load_search
from hpcore.cli.output import print_backends, print_comparison, print_result, say, version_lines, write_pictures
from hpcore.errors import HpcoreError, InvalidArgument
from hpcore.report import check_outputs, compare, report_outputs, write_comparison_html, write_comparison_png
from hpcore.report.text import printable

EXAMPLES = {
    "backends": "example:\n  hpcore backends\n  hpcore backends --json | jq '.backends[].name'",
    "run": (
        "example:\n  hpcore run task.py:objective --backend optuna --n-trials 50 --timeout 600 \\\n"
        "      --option storage=sqlite:///runs.db --option study_name=demo --save result.json --html report.html\n"
        "task.py defines `def objective(trial): ...` and, unless --space names another, `space = {...}`.\n"
        "Ctrl-C stops the search and keeps every finished trial (printed, saved, reported)."
    ),
    "show": (
        "example:\n  hpcore show result.json --plot search.png --html report.html\n"
        "  hpcore show runs.jsonl --limit 10\n  hpcore show sqlite:///runs.db --study my-study --html report.html"
    ),
    "compare": (
        "example:\n  hpcore compare random.json optuna.json --at 10 --at 50 --target 0.01 --plot compare.png\n"
        "Each search is a result (.json) or journal (.jsonl) of the same problem, with the same direction."
    ),
    "dashboard": dashboard.EXAMPLE,
    "new-backend": (
        "example:\n  hpcore new-backend bayes && pip install -e ./hp-bayes && hpcore backends\n"
        "  cd hp-bayes && pytest    # hpcore's conformance suite against it"
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hpcore", description="Hyperparameter search over pluggable backends.",
        epilog="example:\n  hpcore run task.py:objective --n-trials 30 --save result.json\n  hpcore show result.json --html report.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="print hpcore's version and each installed backend's, with its engine's, then exit")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter)

    backends = command("backends", "list the registered backends and plugins that failed to load")
    backends.add_argument("--json", action="store_true", help="print JSON for scripts")

    run = command("run", "run a search of an objective defined in a file or module")
    run.add_argument("target", help="file.py:objective or module:objective")
    run.add_argument("--space", help="name of the space in that module (default: `space` if defined)")
    run.add_argument("--backend", default=None, help="a backend `hpcore backends` lists (default: the first installed of optuna, ray, wandb; else random)")
    run.add_argument("--n-trials", type=int, default=20, help="trials this run (default 20)")
    run.add_argument("--max-trials", type=int, default=None, help="cap on the search's total trials, a resumed journal's included")
    run.add_argument("--timeout", type=float, default=None, help="seconds after which no new trial starts")
    run.add_argument("--direction", action="append", default=None, help="minimize (default) or maximize; repeat for several objectives")
    run.add_argument("--n-jobs", type=int, default=1, metavar="N", help="trials run at once (default 1; -1: one per CPU), where the backend is parallel")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no log line below WARNING (an engine's INFO lines) while the search runs")
    run.add_argument("--seed", type=int, default=None)
    run.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="a backend option; VALUE is a Python literal, else a string; repeatable")
    run.add_argument("--journal", default=None, help="JSON-lines file to append trials to and resume from")
    run.add_argument("--warm-start", default=None, metavar="PATH", help="a saved result (.json) or journal (.jsonl) of any backend: its trials are told to the engine first, never run or counted")
    run.add_argument("--save", default=None, help="write the result as JSON")
    _report_arguments(run)

    show = command("show", "show a saved result (.json), a journal (.jsonl), or a study in a backend's storage")
    show.add_argument("path", help="a result or journal file, or with --study a storage URL")
    show.add_argument("--study", default=None, help="the study's name in the storage URL given as path")
    show.add_argument("--limit", type=int, default=30, help="how many of the last trials to show (default 30)")
    _report_arguments(show)

    compare = command("compare", "compare searches of the same problem side by side")
    compare.add_argument("paths", nargs="+", metavar="path", help="a result (.json) or journal (.jsonl)")
    compare.add_argument("--at", type=int, action="append", default=None, metavar="N", help="show the best value reached by trial N; repeatable (default: 10 and the shortest search's length)")
    compare.add_argument("--target", type=float, default=None, help="count the trials each search needed to reach this value")
    _report_arguments(compare)

    dashboard.add_arguments(command("dashboard", "serve a live optuna-dashboard of a journal, a saved result or an Optuna storage"))

    scaffold = command("new-backend", "write a third-party backend package to start from")
    scaffold.add_argument("name", help="the backend's name, a lowercase identifier such as bayes")
    scaffold.add_argument("--dir", default=None, help="the folder to write (default ./hp-NAME); must be new or empty")
    return parser


class _Version(argparse.Action):
    """`--version`: the versions are read when asked for, so other commands scan no plugin for them."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print("\n".join(version_lines()))
        parser.exit()


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plot", default=None, metavar="PNG", help='write a PNG picture (needs hpcore[plot])')
    parser.add_argument("--html", default=None, metavar="HTML", help='write a self-contained HTML report (needs hpcore[plot])')


def _backends(args: argparse.Namespace, console: Console) -> int:
    print_backends(console, as_json=args.json)
    return 0


def _show(args: argparse.Namespace, console: Console) -> int:
    if args.limit < 0:
        raise InvalidArgument(f"--limit must be 0 or more (how many of the last trials to show), got {args.limit}.")
    check_outputs(report_outputs(args.plot, args.html), inputs=[] if args.study else [args.path])
    result = load_search(args.path, args.study)
    print_result(result, console, limit=args.limit)
    write_pictures(result, args.plot, args.html, console)
    return 0


def _compare(args: argparse.Namespace, console: Console) -> int:
    if args.at is not None and min(args.at) < 1:
        raise InvalidArgument(f"--at counts trials, so it must be 1 or more, got {min(args.at)}.")
    check_outputs(report_outputs(args.plot, args.html), inputs=args.paths)
    named = [(path, load_search(path)) for path in args.paths]
    at = args.at or sorted({10, min(len(r.trials) for _, r in named) or 1})
    rows = compare(named, at, args.target)
    print_comparison(rows, args.target, console)
    if args.plot:
        write_comparison_png(named, args.plot, args.target)
        say(console, f"plot written to {args.plot}")
    if args.html:
        write_comparison_html(named, rows, args.html, args.target)
        say(console, f"report written to {args.html}")
    return 0


def _new_backend(args: argparse.Namespace, console: Console) -> int:
    from hpcore.cli.scaffold import new_backend

    root = new_backend(args.name, args.dir)
    say(console, f"wrote {root}: next, pip install -e {root}, then hpcore backends, and pytest {root}/tests")
    return 0


def _run(args: argparse.Namespace, console: Console) -> int:
    from hpcore.cli.run import run

    args.direction = args.direction or ["minimize"]
    return run(args, console)


COMMANDS = {"backends": _backends, "run": _run, "show": _show, "compare": _compare, "dashboard": dashboard.dashboard, "new-backend": _new_backend}


class _TextLog(logging.Formatter):
    """hpcore's log lines (a failed trial's error and traceback) with control characters escaped, line by line."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(printable(line) for line in super().format(record).split("\n"))


def _log_as_text() -> None:
    """hpcore's warnings go to stderr as Python's last-resort handler writes them, but as text."""
    logger = logging.getLogger("hpcore")
    if not any(isinstance(h.formatter, _TextLog) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(_TextLog("%(message)s"))
        logger.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _log_as_text()
    try:
        return COMMANDS[args.command](args, Console())
    except HpcoreError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


__all__ = ["main", "print_result"]  # print_result: the demo prints a result as `hpcore show` does
