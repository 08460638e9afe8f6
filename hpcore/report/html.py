"""Self-contained HTML reports, drawn with plotly: one file that needs no network to view.

Rules: plotly's JavaScript is embedded once in the page's head; the page shows the same plots
as the PNG (interactive), the best trial starred (or the Pareto front), each trial's
intermediate values by step where it reported some (the best trial's in blue, the pruned
trials' stopping steps marked), and a table of every trial, the best marked and each pruned
trial's stopping step in a column, that sorts by any column when its header is clicked
(numbers as numbers, empty cells last); a comparison shows one best-so-far curve
per search and the comparison table. Text from a search (names, choices, errors, the backend,
paths) is shown as text: HTML-escaped in the page, and in plotly's labels, titles, legends and
hover text escaped so that plotly reads no tag (`<a href>`, `<span style>`) in it
(`hpcore.report.text`); control characters are shown escaped. The page begins with `PAGE_HEAD`,
by which hpcore knows it wrote the file (`hpcore.report.files`); plotly's logo, a link, is left out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

from hpcore.records import FrozenTrial, TrialState
from hpcore.report import summary
from hpcore.report.files import PAGE_HEAD, need
from hpcore.report.summary import BEST, MAX_PARAMS, PRUNED, TRIAL
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
tr.best td { background: #dbeafe; font-weight: 600; }
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


def result_figures(result: SearchResult) -> list[Any]:
    """The plotly figures of one search's page: history (or front), importance, intermediate values where reported, parameters."""
    go = need("plotly.graph_objects", "an HTML report")
    figures = [_front(go, result) if len(result.directions) > 1 else _history(go, result), _importance(go, result)]
    if any(t.intermediate for t in result.trials):
        figures.append(_curves(go, result))
    return figures + [_parameter(go, result, name) for name in summary.parameter_names(result)[:MAX_PARAMS]]


def result_page(result: SearchResult) -> str:
    figures = result_figures(result)
    best = summary.best_numbers(result)
    mark = "best" if len(result.directions) == 1 else "Pareto front"
    header = ["#", "state", "values", "params", "stopped at step", "duration (s)", "error"]
    rows: list[tuple[str, list[Cell]]] = [
        (
            f"{t.state.value} best" if t.number in best else t.state.value,
            [
                (str(t.number), t.number),
                f"{t.state.value} ★ {mark}" if t.number in best else t.state.value,
                (summary.format_values(t), t.values[0] if t.values else None),
                summary.format_params(t),
                _stopped_cell(summary.stopped_at(t)),
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
    figure = go.Figure()
    _trials(figure, result, result.trials, lambda t: t.number)
    curve = summary.best_so_far(result)
    figure.add_scatter(
        x=[t.number for t in result.trials], y=[_nan(b) for b in curve], mode="lines", line_shape="hv", name="best so far", line_color=BEST
    )
    best = [t for t in summary.pareto_front(result)]
    figure.add_scatter(
        x=[t.number for t in best], y=[t.values[0] for t in best], mode="markers+text", name="best trial",
        marker={"color": BEST, "symbol": "star", "size": 16}, text=[f"best: trial {t.number}" for t in best], textposition="top center",
    )
    figure.update_layout(
        title="objective over trials", xaxis_title="trial", yaxis_title=summary.objective_names(result)[0],
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
    )
    return figure


def _trials(figure: Any, result: SearchResult, trials: Sequence[FrozenTrial], x: Callable[[FrozenTrial], Any]) -> None:
    """Trials by state (`summary`'s rules): COMPLETE circles (by proposer for a portfolio), PRUNED triangles
    at their last report, FAILED crosses along the bottom (the hidden axis y2)."""
    members = summary.proposers(result)
    groups: list[tuple[str, str, TrialState, list[FrozenTrial]]] = [
        (plotly_text(f"proposed by {m}"), colour, TrialState.COMPLETE, [t for t in trials if t.state is TrialState.COMPLETE and t.proposer == m])
        for m, colour in zip(members, summary.PROPOSERS * len(members))
    ] or [("complete", TRIAL, TrialState.COMPLETE, [t for t in trials if t.state is TrialState.COMPLETE])]
    groups += [(s.value.lower(), summary.COLOURS[s], s, [t for t in trials if t.state is s]) for s in (TrialState.PRUNED, TrialState.FAILED)]
    for name, colour, state, marked in groups:
        if not marked:
            continue
        ys = [summary.drawn_value(t) for t in marked]
        bottom = state is TrialState.FAILED or any(y is None for y in ys)
        figure.add_scatter(
            x=[x(t) for t in marked], y=[0.02] * len(marked) if bottom else ys, yaxis="y2" if bottom else "y", mode="markers", name=name,
            marker={"color": colour, "symbol": summary.SYMBOLS[state], "size": 7 if state is TrialState.COMPLETE else 10},
            text=[plotly_text(_hover(t)) for t in marked], hoverinfo="text",
        )


def _hover(trial: FrozenTrial) -> str:
    stop = summary.stopped_at(trial)
    said = f", stopped at step {stop}" if stop is not None else ""
    return f"trial {trial.number} ({trial.state.value.lower()}{said}) {trial.error or ''}".strip()


def _curves(go: Any, result: SearchResult) -> Any:
    """Each trial's intermediate values by step (its learning curve); a PRUNED trial's stopping step marked."""
    figure = go.Figure()
    best = summary.best_numbers(result)
    for t in result.trials:
        if not t.intermediate:
            continue
        steps = sorted(t.intermediate)
        colour = BEST if t.number in best else summary.COLOURS[t.state]
        figure.add_scatter(
            x=steps, y=[t.intermediate[s] for s in steps], mode="lines", line={"color": colour, "width": 3 if t.number in best else 1},
            name=plotly_text(_hover(t)), legendgroup=t.state.value, showlegend=False, hoverinfo="name+x+y",
        )
    pruned = [t for t in result.trials if summary.stopped_at(t) is not None]
    if pruned:
        figure.add_scatter(
            x=[summary.stopped_at(t) for t in pruned], y=[summary.drawn_value(t) for t in pruned], mode="markers",
            name="pruned: stopping step", marker={"color": PRUNED, "symbol": "triangle-down", "size": 10},
            text=[plotly_text(_hover(t)) for t in pruned], hoverinfo="text",
        )
    figure.update_layout(title="intermediate values (blue: the best trial; orange: pruned)", xaxis_title="step", yaxis_title="intermediate value")
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
    title = "parameter importance (η², first objective)" if shares else f"parameter importance: no estimate, it {summary.importance_note(result)}"
    figure.update_layout(title=title, xaxis={"range": [0, 1], "title": "share of the objective's variance"})
    return figure


def _parameter(go: Any, result: SearchResult, name: str) -> Any:
    axis = summary.parameter_axis(result, name)
    figure = go.Figure()
    _trials(figure, result, [t for t in result.trials if name in t.params], lambda t: plotly_text(axis.x(t.params[name])) if axis.scale == "category" else t.params[name])
    label = plotly_text(name)
    xaxis: dict[str, Any] = {"title": f"{label} ({axis.scale} axis)", "type": axis.scale}
    if axis.scale == "category":  # every choice, in order; the labels are text from the search
        xaxis.update(categoryorder="array", categoryarray=[plotly_text(c) for c in axis.categories], range=[-0.5, len(axis.categories) - 0.5])
    figure.update_layout(
        title=label, xaxis=xaxis, yaxis_title=summary.objective_names(result)[0],
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
    )
    return figure


def _plot(figure: Any, div_id: str) -> str:
    figure.update_layout(height=420, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, default_height="420px", config={"displaylogo": False}
    )


def _stopped_cell(step: int | None) -> Cell:
    """The step a pruned trial stopped at, sorting by it; empty for the others."""
    return ("" if step is None else str(step), None if step is None else float(step))


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
