"""Self-contained HTML reports, drawn with plotly: one file that needs no network to view.

Rules: plotly's JavaScript is embedded once in the page's head; the page shows the same plots
as the PNG (interactive) and a table of every trial that sorts by any column when its header
is clicked (numbers as numbers, empty cells last); a comparison shows one best-so-far curve
per search and the comparison table. Text from a search (names, choices, errors, the backend,
paths) is shown as text: HTML-escaped in the page, and in plotly's labels, titles, legends and
hover text escaped so that plotly reads no tag (`<a href>`, `<span style>`) in it
(`hpcore.report.text`); control characters are shown escaped. The page begins with `PAGE_HEAD`,
by which hpcore knows it wrote the file (`hpcore.report.files`); plotly's logo, a link, is left out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from hpcore.records import TrialState
from hpcore.report import summary
from hpcore.report.files import PAGE_HEAD, need
from hpcore.report.summary import BEST, FAILED, MAX_PARAMS, PRUNED, TRIAL
from hpcore.report.text import plotly_text, printable
from hpcore.result import SearchResult

Cell = str | tuple[str, float | None]  # text, or text and the number it sorts by

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef; cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
tr.FAILED td { background: #fdd; } tr.PRUNED td { background: #ffe8cc; }
"""

SORT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var key = function (row) {
        var cell = row.cells[column];
        return cell.hasAttribute("data-num") ? parseFloat(cell.getAttribute("data-num")) : cell.textContent;
      };
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x === "number" && isNaN(x)) return isNaN(y) ? 0 : 1;
        if (typeof y === "number" && isNaN(y)) return -1;
        var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
        return up ? order : -order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
});
"""


def result_page(result: SearchResult) -> str:
    go = need("plotly.graph_objects", "an HTML report")
    figures = [_front(go, result) if len(result.directions) > 1 else _history(go, result), _importance(go, result)]
    figures += [_parameter(go, result, name) for name in summary.parameter_names(result)[:MAX_PARAMS]]
    header = ["#", "state", "values", "params", "duration (s)", "error"]
    rows = [
        (
            t.state.value,
            [
                (str(t.number), t.number),
                t.state.value,
                (summary.format_values(t), t.values[0] if t.values else None),
                summary.format_params(t),
                (f"{t.duration:.3f}", t.duration),
                t.error or "",
            ],
        )
        for t in result.trials
    ]
    title = f"{len(result.trials)} trials ({result.backend})"
    return _page(title, [_plot(f, f"plot-{i}") for i, f in enumerate(figures)], _table("trials", header, rows))


def comparison_page(named: Sequence[tuple[str, SearchResult]], rows: Sequence[summary.Comparison], target: float | None) -> str:
    go = need("plotly.graph_objects", "an HTML report")
    figure = go.Figure()
    curves = [summary.best_so_far(result) for _, result in named]
    for (name, _), curve in zip(named, curves, strict=True):
        figure.add_scatter(x=list(range(1, len(curve) + 1)), y=[_nan(b) for b in curve], mode="lines", line_shape="hv", name=plotly_text(name))
    if target is not None:
        figure.add_hline(y=target, line_dash="dash", annotation_text=f"target {target:g}")
    figure.update_layout(
        title="best so far", xaxis_title="trials", yaxis_title=summary.objective_names(named[0][1])[0],
        yaxis_type="log" if summary.wants_log_scale(curves) else "linear",
    )
    header, cells = summary.comparison_table(rows, target)
    table = _table("comparison", header, [("", [_numeric(c) for c in line]) for line in cells])
    return _page(f"{len(named)} searches compared", [_plot(figure, "plot-0")], table)


def _history(go: Any, result: SearchResult) -> Any:
    done = summary.complete(result)
    figure = go.Figure()
    figure.add_scatter(x=[t.number for t in done], y=[t.values[0] for t in done], mode="markers", name="trial", marker_color=TRIAL)
    curve = summary.best_so_far(result)
    figure.add_scatter(
        x=[t.number for t in result.trials], y=[_nan(b) for b in curve], mode="lines", line_shape="hv", name="best so far", line_color=BEST
    )
    for state, color, symbol in ((TrialState.FAILED, FAILED, "x"), (TrialState.PRUNED, PRUNED, "triangle-down")):
        marked = [t for t in result.trials if t.state is state]
        if marked:
            figure.add_scatter(
                x=[t.number for t in marked], y=[0] * len(marked), yaxis="y2", mode="markers", name=state.value.lower(),
                marker={"color": color, "symbol": symbol, "size": 9}, text=[plotly_text(t.error or "") for t in marked],
            )
    figure.update_layout(
        title="objective over trials", xaxis_title="trial", yaxis_title=summary.objective_names(result)[0],
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
    )
    return figure


def _front(go: Any, result: SearchResult) -> Any:
    names = summary.objective_names(result)
    done = summary.complete(result)
    front = sorted(summary.pareto_front(result), key=lambda t: t.values[0])
    figure = go.Figure()
    figure.add_scatter(
        x=[t.values[0] for t in done], y=[t.values[1] for t in done], mode="markers", name="trial",
        marker_color=TRIAL, text=[f"trial {t.number}" for t in done],
    )
    figure.add_scatter(
        x=[t.values[0] for t in front], y=[t.values[1] for t in front], mode="lines+markers", name="Pareto front",
        line_color=BEST, text=[f"trial {t.number}" for t in front],
    )
    figure.update_layout(title="trials and Pareto front", xaxis_title=names[0], yaxis_title=names[1])
    return figure


def _importance(go: Any, result: SearchResult) -> Any:
    shares = sorted(summary.importance(result).items(), key=lambda item: item[1])
    figure = go.Figure(go.Bar(x=[s for _, s in shares], y=[plotly_text(n) for n, _ in shares], orientation="h", marker_color=BEST))
    title = "parameter importance (η², first objective)" if shares else "parameter importance: not enough completed trials that differ"
    figure.update_layout(title=title, xaxis={"range": [0, 1], "title": "share of the objective's variance"})
    return figure


def _parameter(go: Any, result: SearchResult, name: str) -> Any:
    done, xs, log = summary.parameter_axis(result, name)
    if xs and isinstance(xs[0], str):  # choices, drawn as categories: their tick labels are text from the search
        xs = [plotly_text(x) for x in xs]
    figure = go.Figure(
        go.Scatter(
            x=xs, y=[t.values[0] for t in done], mode="markers", text=[f"trial {t.number}" for t in done],
            marker={"color": [t.number for t in done], "colorscale": "Viridis", "showscale": True, "colorbar": {"title": "trial"}},
        )
    )
    label = plotly_text(name)
    figure.update_layout(title=label, xaxis_title=label, xaxis_type="log" if log else None, yaxis_title=summary.objective_names(result)[0])
    return figure


def _plot(figure: Any, div_id: str) -> str:
    figure.update_layout(height=420, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, default_height="420px", config={"displaylogo": False}
    )


def _table(table_id: str, header: Sequence[str], rows: Sequence[tuple[str, Sequence[Cell]]]) -> str:
    head = "".join(f"<th>{_escape(h)}</th>" for h in header)
    body = "".join(f'<tr class="{row_class}">{"".join(_td(c) for c in cells)}</tr>\n' for row_class, cells in rows)
    return f'<table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>'


def _td(cell: Cell) -> str:
    if isinstance(cell, str):
        return f"<td>{_escape(cell)}</td>"
    text, number = cell
    return f'<td data-num="{"NaN" if number is None else repr(float(number))}">{_escape(text)}</td>'


def _numeric(text: str) -> Cell:
    try:
        return (text, float(text))
    except ValueError:
        return text


def _escape(text: str) -> str:
    return html.escape(printable(text))


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _page(title: str, plots: Sequence[str], table: str) -> str:
    plotly_js = need("plotly.offline", "an HTML report").get_plotlyjs()
    grid = "".join(f'<div class="plot">{p}</div>' for p in plots)
    return (
        f"{PAGE_HEAD}<title>{_escape(title)}</title>"
        f"<style>{STYLE}</style><script>{plotly_js}</script></head>\n"
        f"<body><h1>{_escape(title)}</h1>\n{grid}\n<h2>table</h2>\n{table}\n<script>{SORT}</script></body></html>\n"
    )
