"""Pictures and pages of searches: PNG (matplotlib) and self-contained HTML (plotly).

Both libraries come with the `hpcore[plot]` extra and are imported only when a picture or page
is written; without them, PlotUnavailable names the extra. A file already at the path is
written over only when hpcore wrote it; any other raises NotOurs and is left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from hpcore.report import html, png
from hpcore.report.files import is_png, is_report, need, writable
from hpcore.report.summary import Comparison, compare
from hpcore.result import SearchResult

Path = str | os.PathLike[str]


def check_outputs(png_path: Path | None, html_path: Path | None) -> None:
    """Before any work: each path asked for is free or hpcore's, and its plotting library is installed."""
    if png_path is not None:
        writable(png_path, is_png, "PNG")
        need("matplotlib", "a PNG picture (--plot)")
    if html_path is not None:
        writable(html_path, is_report, "report page")
        need("plotly", "an HTML report (--html)")


def write_png(result: SearchResult, path: Path) -> None:
    """A PNG of the search: the objective over trials and the best so far (or the Pareto front), importance, parameters."""
    png.draw_result(result, writable(path, is_png, "PNG"))


def write_html(result: SearchResult, path: Path) -> None:
    """One self-contained HTML page: the same plots, interactive, and a sortable table of the trials."""
    writable(path, is_report, "report page").write_text(html.result_page(result), encoding="utf-8")


def write_comparison_png(named: Sequence[tuple[str, SearchResult]], path: Path, target: float | None = None) -> None:
    """A PNG of one best-so-far curve per search, and the target as a line."""
    png.draw_comparison(named, writable(path, is_png, "PNG"), target)


def write_comparison_html(
    named: Sequence[tuple[str, SearchResult]], rows: Sequence[Comparison], path: Path, target: float | None = None
) -> None:
    """One self-contained HTML page: the best-so-far curves and the comparison table (`rows` from `compare`)."""
    writable(path, is_report, "report page").write_text(html.comparison_page(named, rows, target), encoding="utf-8")


__all__ = ["check_outputs", "compare", "write_comparison_html", "write_comparison_png", "write_html", "write_png"]
