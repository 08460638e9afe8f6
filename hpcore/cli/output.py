"""What the command prints: the backends, a search's trials and best runs, a comparison.

Rules: tables fit the terminal's width (80 columns when it is not a terminal), wrapping long
cells rather than cutting them; `--json` output is for scripts and holds the same facts. What
a search or a plugin holds (names, values, errors, paths) is printed as text: rich `Text`, so
no markup is read, with control characters escaped (`hpcore.report.text`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hpcore.errors import NoCompletedTrials
from hpcore.report import summary, write_html, write_png
from hpcore.report.text import printable
from hpcore.result import SearchResult


def print_backends(console: Console, as_json: bool = False) -> None:
    from hpcore.plugins import get_registry

    registry = get_registry()
    infos = registry.info()
    if as_json:
        data = {"backends": [asdict(info) for info in infos], "load_errors": [asdict(e) for e in registry.load_errors]}
        print(json.dumps(data, indent=1))
        return
    table = Table(title="hpcore backends")
    table.add_column("backend", no_wrap=True)
    table.add_column("package")
    table.add_column("engine")
    table.add_column("capabilities", ratio=1)
    for info in infos:
        package = f"{info.distribution} {info.version or ''}".strip()
        if not info.engine:
            engine = "(built in)" if info.distribution == "hpcore" else "(its own)"
        elif info.engine_installed:
            engine = f"{info.engine} {info.engine_version}"
        else:
            engine = f"not installed: {registry.backends[info.name].install_hint()}"
        table.add_row(*map(as_text, (info.name, package, engine, ", ".join(info.capabilities))))
    console.print(table)
    for error in registry.load_errors:
        failed = as_text(f"plugin {error.plugin} ({error.distribution}) failed to load:", "red")
        console.print(Text.assemble(failed, " ", as_text(error.error)))


def version_lines() -> list[str]:
    """hpcore's installed version, then each distribution that brings backends: its version, its
    backends and their engines' versions (from package metadata: no engine is imported)."""
    from importlib import metadata

    from hpcore.plugins import get_registry

    try:
        lines = [f"hpcore {metadata.version('hpcore')}"]
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        import hpcore

        lines = [f"hpcore {hpcore.__version__} (not installed)"]
    by_distribution: dict[tuple[str, str | None], list[str]] = {}
    for info in get_registry().info():
        if info.distribution != "hpcore":
            engine = "" if not info.engine else f", engine {info.engine} {info.engine_version or '(not installed)'}"
            by_distribution.setdefault((info.distribution, info.version), []).append(f"backend {info.name}{engine}")
    for (distribution, version), backends in sorted(by_distribution.items()):
        lines.append(printable(f"{distribution} {version or '(no version)'}: {'; '.join(backends)}"))
    return lines


def print_result(result: SearchResult, console: Console | None = None, limit: int = 30) -> None:
    """Render the trials (the last `limit`) and the best run(s); by proposer where several proposed (a portfolio)."""
    console = console or Console()
    proposed = Counter(t.proposer for t in result.trials if t.proposer is not None)
    several = len(proposed) > 1
    table = Table(title=as_text(f"{len(result.trials)} trials ({result.backend})"))
    for column in ("#", "state", "values", "params", "error", *(("proposer",) if several else ())):
        table.add_column(column, overflow="fold")
    for t in result.trials[-limit:] if limit else []:
        cells = (str(t.number), t.state.value, summary.format_values(t), summary.format_params(t), t.error or "")
        table.add_row(*map(as_text, (*cells, *((t.proposer or "",) if several else ()))))
    console.print(table)
    if several:
        console.print(as_text("proposed: " + ", ".join(f"{name} {count}" for name, count in proposed.most_common())))
    try:
        runs = result.best_runs()
    except NoCompletedTrials as exc:
        console.print(Text.assemble(as_text("no best run:", "red"), " ", as_text(exc)))
        return
    for run in runs:
        line = as_text(f" {run.run_id}: objective={run.objective} hyperparameters={run.hyperparameters}")
        console.print(Text.assemble(as_text("best run", "bold"), line))


def print_comparison(rows: Sequence[summary.Comparison], target: float | None, console: Console) -> None:
    """One column per search, one row per measure, so a few searches fit 80 columns."""
    header, cells = summary.comparison_table(rows, target)
    table = Table(title=f"{len(rows)} searches compared")
    table.add_column("")
    for line in cells:
        table.add_column(as_text(line[0]), justify="right", overflow="fold")
    for i, measure in enumerate(header[1:], start=1):
        table.add_row(as_text(measure), *[as_text(line[i]) for line in cells])
    console.print(table)


def as_text(value: object, style: str = "") -> Text:
    """`value` as rich prints text: no markup read, control characters escaped."""
    return Text(printable(value), style=style)


def say(console: Console, message: str) -> None:
    """One line of the command's own, which may hold a path or a name from a search."""
    console.print(as_text(message), highlight=False)


def write_pictures(result: SearchResult, plot: Any, html: Any, console: Console) -> None:
    """Draw `result` into the PNG `plot` and the HTML page `html`, where given, and say so."""
    if plot:
        write_png(result, plot)
        say(console, f"plot written to {plot}")
    if html:
        write_html(result, html)
        say(console, f"report written to {html}")
