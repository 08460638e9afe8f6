"""`hpcore run`: load the user's objective and space, run the search, save and report it.

Rules: every output path (`--save`, `--plot`, `--html`, `--journal`) is checked before the
search starts, by `hpcore.report.files`' rules (a file hpcore did not write is not written
over, no two outputs are one file), and so are the plotting libraries a report needs; the
result is saved whole or not at all (a temporary file renamed over the path); `--option key=value`
values are Python literals (`ast.literal_eval`), else the plain string; on Ctrl-C the
finished trials are printed, saved and reported as at the end, and the status is 130; when every
trial failed, they are too, the first failure's error is the last line, and the status is 1;
`--quiet` draws no progress bar and lets no log line below WARNING through while the search runs
(`logging.disable`: an engine's INFO lines, Optuna's among them, whatever level the engine set);
`--warm-start PATH` is the search's `warm_start=` (docs/laws.md §13), never the `--journal` file.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

from hpcore.cli.output import print_result, say, write_pictures
from hpcore.errors import InvalidArgument, TargetNotFound
from hpcore.report import check_outputs, report_outputs
from hpcore.report.files import JOURNAL, RESULT, Output, replacing, writable
from hpcore.records import TrialState
from hpcore.report.text import printable
from hpcore.result import SearchResult

ALL_FAILED = 1  # every trial of the search failed
INTERRUPTED = 130  # the shell's status for a process ended by SIGINT


def parse_options(items: list[str]) -> dict[str, Any]:
    """`key=value` strings as backend options; a value that is no Python literal stays a string."""
    options: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.isidentifier():
            raise InvalidArgument(f"--option takes key=value, such as --option study_name=demo, got {item!r}.")
        try:
            options[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            options[key] = text
    return options


def run(args: argparse.Namespace, console: Console) -> int:
    from hpcore.driver import search
    from hpcore.progress import RichProgress

    options = parse_options(args.option)
    check_outputs([Output("--save", args.save, RESULT), *report_outputs(args.plot, args.html), Output("--journal", args.journal, JOURNAL)])
    if args.warm_start is not None and args.journal is not None and os.path.realpath(args.warm_start) == os.path.realpath(args.journal):
        raise InvalidArgument("--warm-start and --journal name the same file: a journal resumes by itself, so give --journal alone.")
    where, _, name = args.target.rpartition(":")
    if not where or not name:
        raise InvalidArgument(f"target must look like file.py:objective or module:objective, got {args.target!r}.")
    module = _load_module(where)
    objective = _attr(module, where, name, f"give the name of the objective function it defines, as {where}:objective.")
    space = _attr(module, where, args.space, "give --space the name of the space it defines.") if args.space else getattr(module, "space", None)
    status = 0
    try:
        bar = contextlib.nullcontext() if args.quiet else RichProgress()
        with _quiet(args.quiet), bar as progress:
            result = search(
                objective, space, direction=args.direction, n_trials=args.n_trials, backend=args.backend, seed=args.seed,
                timeout=args.timeout, max_trials=args.max_trials, n_jobs=args.n_jobs, journal=args.journal,
                warm_start=args.warm_start, observers=[] if progress is None else [progress], **options,
            )
    except KeyboardInterrupt as interrupt:
        if not hasattr(interrupt, "hpcore_result"):
            raise  # before the search started: nothing to keep
        result, status = interrupt.hpcore_result, INTERRUPTED
    print_result(result, console)
    if result.warm_trials:
        print(f"the engine was first told {len(result.warm_trials)} warm-start trial(s) of {printable(args.warm_start)}; none ran")
    _write(result, args, console)
    if status:
        print(f"interrupted: {len(result.trials)} finished trial(s) kept", file=sys.stderr)
    elif result.trials and all(t.state is TrialState.FAILED for t in result.trials):
        first = min(result.trials, key=lambda t: t.number)
        print(printable(f"error: every trial failed ({len(result.trials)}); the first, trial {first.number}: {first.error}"), file=sys.stderr)
        status = ALL_FAILED
    return status


@contextlib.contextmanager
def _quiet(quiet: bool) -> Iterator[None]:
    """No log record below WARNING, from any logger, while the search runs, when `quiet`."""
    if not quiet:
        yield
        return
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _write(result: SearchResult, args: argparse.Namespace, console: Console) -> None:
    if args.save:
        with replacing(writable(args.save, RESULT)) as temp:
            result.save(temp)
        say(console, f"saved to {args.save}")
    write_pictures(result, args.plot, args.html, console)


def _load_module(where: str) -> Any:
    """The module a target names: a file `path/to/file.py`, or an importable `package.module`."""
    if where.endswith(".py"):
        if not Path(where).is_file():
            raise TargetNotFound(f"no file {where}: give the path of the Python file that defines the objective, as file.py:objective.")
        spec = importlib.util.spec_from_file_location(Path(where).stem, where)
        assert spec is not None and spec.loader is not None  # a .py file always has a loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(where)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (where == exc.name or where.startswith(exc.name + ".")):
            raise  # a module the user's module imports is missing: its traceback says where
        raise TargetNotFound(
            f"no module {where!r} can be imported from here: give a file (file.py:objective), "
            "or a module on the Python path (module:objective)."
        ) from None


def _attr(module: Any, where: str, name: str, hint: str) -> Any:
    if not hasattr(module, name):
        raise TargetNotFound(f"{where} has no {name!r}: {hint}")
    return getattr(module, name)
