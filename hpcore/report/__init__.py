"""Pictures and pages of searches: PNG (matplotlib) and self-contained HTML (plotly).

Both libraries come with the `hpcore[plot]` extra and are imported only when a picture or page
is written; without them, PlotUnavailable names the extra. Every path is checked before any
work and every file written whole, by `hpcore.report.files`' rules: a file already at the path
is replaced only when hpcore wrote it; any other raises NotOurs and is left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from hpcore.report import html, png
from hpcore.report.files import PNG, REPORT, Output, check_distinct, need, replacing, writable
from hpcore.report.summary import Comparison, compare
from hpcore.result import SearchResult

Path = str | os.PathLike[str]
LIBRARIES = {PNG: ("matplotlib", "a PNG picture (--plot)"), REPORT: ("plotly", "an HTML report (--html)")}


def check_outputs(outputs: Sequence[Output], inputs: Sequence[Path] = ()) -> None:
    """Before any work: no two outputs asked for are one file, nor an input; each may be written
    (`files.writable`); and the plotting library each needs is installed."""
    check_distinct(outputs, inputs)
    for output in outputs:
        if output.path is not None:
            writable(output.path, output.kind)
    for output in outputs:
        if output.path is not None and output.kind in LIBRARIES:
            need(*LIBRARIES[output.kind])


def report_outputs(png_path: Path | None, html_path: Path | None) -> list[Output]:
    """The picture and the page a command was asked for, as `check_outputs` takes them."""
    return [Output("--plot", png_path, PNG), Output("--html", html_path, REPORT)]


def write_png(result: SearchResult, path: Path) -> None:
    """A PNG of the search: the objective over trials and the best so far (or the Pareto front), importance, parameters."""
    with replacing(writable(path, PNG)) as temp:
        png.draw_result(result, temp)


def write_html(result: SearchResult, path: Path) -> None:
    """One self-contained HTML page: the same plots, interactive, and a sortable table of the trials."""
    page = html.result_page(result)
    with replacing(writable(path, REPORT)) as temp:
        temp.write_text(page, encoding="utf-8")


def write_comparison_png(named: Sequence[tuple[str, SearchResult]], path: Path, target: float | None = None) -> None:
    """A PNG of one best-so-far curve per search, and the target as a line."""
    with replacing(writable(path, PNG)) as temp:
        png.draw_comparison(named, temp, target)


def write_comparison_html(
    named: Sequence[tuple[str, SearchResult]], rows: Sequence[Comparison], path: Path, target: float | None = None
) -> None:
    """One self-contained HTML page: the best-so-far curves and the comparison table (`rows` from `compare`)."""
    page = html.comparison_page(named, rows, target)
    with replacing(writable(path, REPORT)) as temp:
        temp.write_text(page, encoding="utf-8")


__all__ = [
    "check_outputs", "compare", "report_outputs", "write_comparison_html", "write_comparison_png", "write_html", "write_png",
]
