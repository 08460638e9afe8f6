"""The `hpcore` command: `hpcore backends`, `hpcore run`, `hpcore show`.

Rule: what the user got wrong (a missing file, module or name, a file that is no result or
journal, an argument out of range, any HpcoreError) is one line on stderr saying what to do,
and exit status 2; an error raised by the user's own code keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from hpcore.errors import HpcoreError, InvalidArgument, NoCompletedTrials, NotAJournal, NotAResult, TargetNotFound
from hpcore.result import SearchResult


def print_backends(console: Console) -> None:
    from hpcore.plugins import get_registry

    registry = get_registry()
    table = Table(title="hpcore backends")
    for column in ("backend", "distribution", "version", "engine", "available", "capabilities"):
        table.add_column(column)
    for info in registry.info():
        engine = f"{info.engine} {info.engine_version or ''}".strip() if info.engine else "(built in)"
        available = "yes" if info.engine_installed else f"no: {registry.backends[info.name].install_hint()}"
        table.add_row(info.name, info.distribution, info.version or "", engine, available, ", ".join(info.capabilities))
    console.print(table)
    for error in registry.load_errors:
        console.print(f"[red]plugin {error.plugin} ({error.distribution}) failed to load:[/red] {error.error}")


def print_result(result: SearchResult, console: Console | None = None, limit: int = 30) -> None:
    """Render the trials (the last `limit`) and the best run(s)."""
    console = console or Console()
    table = Table(title=f"{len(result.trials)} trials ({result.backend})")
    for column in ("#", "state", "values", "params", "error"):
        table.add_column(column, overflow="fold")
    for t in result.trials[-limit:] if limit else []:
        values = ", ".join(f"{v:.6g}" for v in t.values)
        params = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in t.params.items())
        table.add_row(str(t.number), t.state.value, values, params, t.error or "")
    console.print(table)
    try:
        runs = result.best_runs()
    except NoCompletedTrials as exc:
        console.print(f"[red]no best run:[/red] {exc}")
        return
    for run in runs:
        console.print(f"[bold]best run[/bold] {run.run_id}: objective={run.objective} hyperparameters={run.hyperparameters}")


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


def _run(args: argparse.Namespace, console: Console) -> None:
    from hpcore.driver import search
    from hpcore.progress import RichProgress

    where, _, name = args.target.rpartition(":")
    if not where or not name:
        raise InvalidArgument(f"target must look like file.py:objective or module:objective, got {args.target!r}.")
    module = _load_module(where)
    objective = _attr(module, where, name, f"give the name of the objective function it defines, as {where}:objective.")
    space = _attr(module, where, args.space, "give --space the name of the space it defines.") if args.space else getattr(module, "space", None)
    direction = args.direction if len(args.direction) > 1 else args.direction[0]
    with RichProgress() as progress:
        result = search(
            objective, space, direction=direction, n_trials=args.n_trials, backend=args.backend,
            seed=args.seed, journal=args.journal, observers=[progress],
        )
    print_result(result, console)
    if args.save:
        result.save(args.save)
        console.print(f"saved to {args.save}")


def _show(args: argparse.Namespace, console: Console) -> None:
    from hpcore.journal import read_journal

    path = Path(args.path)
    if args.limit < 0:
        raise InvalidArgument(f"--limit must be 0 or more (how many of the last trials to show), got {args.limit}.")
    if not path.is_file():
        raise TargetNotFound(f"{path} is not a file: give a result saved with --save (SearchResult.save) or a journal.")
    try:
        directions, trials = read_journal(path)
        result = SearchResult(trials, directions, backend="(journal)")
    except NotAJournal:
        try:
            result = SearchResult.load(path)
        except (ValueError, KeyError, TypeError):  # not JSON, or JSON that is not a result
            raise NotAResult(
                f"{path} is neither a saved result nor an hpcore journal: give a file written by --save "
                "(SearchResult.save) or by --journal (journal=)."
            ) from None
    print_result(result, console, limit=args.limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hpcore", description="Hyperparameter search over pluggable backends.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backends", help="list the registered backends and plugins that failed to load")
    run = commands.add_parser("run", help="run a search of an objective defined in a file or module")
    run.add_argument("target", help="file.py:objective or module:objective")
    run.add_argument("--space", help="name of the space in that module (default: `space` if defined)")
    run.add_argument("--backend", default=None)
    run.add_argument("--n-trials", type=int, default=20)
    run.add_argument("--direction", action="append", default=None, help="repeat for several objectives")
    run.add_argument("--seed", type=int, default=None)
    run.add_argument("--journal", default=None, help="JSON-lines file to append trials to and resume from")
    run.add_argument("--save", default=None, help="write the result as JSON")
    show = commands.add_parser("show", help="show a saved result (.json) or a journal (.jsonl)")
    show.add_argument("path")
    show.add_argument("--limit", type=int, default=30, help="how many of the last trials to show (default 30)")
    args = parser.parse_args(argv)
    console = Console()
    try:
        if args.command == "backends":
            print_backends(console)
        elif args.command == "run":
            args.direction = args.direction or ["minimize"]
            _run(args, console)
        else:
            _show(args, console)
    except HpcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
