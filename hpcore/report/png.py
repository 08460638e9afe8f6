"""PNG pictures of searches, drawn with matplotlib (no pyplot: no global state, no display).

Rules: one search is a grid of panels: the objective over trials with the best so far and the
best trial starred, or for several objectives the first two against each other with the Pareto
front; the parameters' importance (or why there is none, with the count of completed trials);
each parameter (the first `MAX_PARAMS`) against the first objective, on the parameter's own
axis. Trials are drawn by `hpcore.report.summary`'s rules: COMPLETE as circles (a portfolio's
coloured by proposer), PRUNED as orange triangles at their last report, FAILED as red crosses
along the bottom. A comparison is one best-so-far curve per search.
Text from a search (names, choices, the backend, paths) is drawn as written, never as mathtext
(`hpcore.report.text`); a value beyond ±`LARGEST_DRAWN` is left out of the picture (the table
and the page keep it); every PNG carries the `Software` text chunk `PNG_SOFTWARE`, by which
hpcore knows it wrote the file (`hpcore.report.files`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hpcore.records import TrialState
from hpcore.report import summary
from hpcore.report.summary import BEST, FAILED, MAX_PARAMS, PRUNED, TRIAL
from hpcore.report.files import PNG_SOFTWARE, need
from hpcore.report.text import matplotlib_text
from hpcore.result import SearchResult

LARGEST_DRAWN = 1e300  # matplotlib's axes overflow on values near the largest float (1.8e308): larger ones are left out

def _figure(rows: int, columns: int, width: float = 5.5, height: float = 3.6) -> tuple[Any, list[Any]]:
    """A figure of rows x columns panels, each `width` x `height` inches."""
    figure_module = need("matplotlib.figure", "a PNG picture")
    figure = figure_module.Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel().tolist()
    return figure, axes


def draw_result(result: SearchResult, path: Any) -> None:
    _save(result_figure(result), path)


def result_figure(result: SearchResult) -> Any:
    """The matplotlib Figure of one search, its panels by the rules above."""
    params = summary.parameter_names(result)[:MAX_PARAMS]
    panels = 2 + len(params)
    figure, axes = _figure(math.ceil(panels / 2), 2)
    if len(result.directions) == 1:
        _history(axes[0], result)
    else:
        _front(axes[0], result)
    _importance(axes[1], result)
    for ax, name in zip(axes[2:], params):
        _parameter(ax, result, name)
    for ax in axes[panels:]:
        ax.set_visible(False)
    figure.suptitle(matplotlib_text(f"{len(result.trials)} trials ({result.backend})"))
    return figure


def draw_comparison(named: Sequence[tuple[str, SearchResult]], path: Any, target: float | None) -> None:
    figure, (ax,) = _figure(1, 1, 8, 4.5)
    curves = [summary.best_so_far(result) for _, result in named]
    for (name, _), curve in zip(named, curves, strict=True):
        ax.step(range(1, len(curve) + 1), _drawn(curve), where="post", label=matplotlib_text(name))
    if summary.wants_log_scale(curves):
        ax.set_yscale("log")
    if target is not None:
        ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"target {target:g}")
    ax.set_xlabel("trials")
    ax.set_ylabel(f"best so far, {summary.objective_names(named[0][1])[0]}")
    ax.legend()
    ax.grid(alpha=0.3)
    _save(figure, path)


def _drawn(values: Iterable[float | None]) -> list[float]:
    """The values as an axis can hold them: None, and beyond ±`LARGEST_DRAWN`, as NaN (not drawn)."""
    return [math.nan if v is None or not abs(v) <= LARGEST_DRAWN else float(v) for v in values]


def _save(figure: Any, path: Any) -> None:
    figure.savefig(path, format="png", dpi=80, metadata={"Software": PNG_SOFTWARE})


def _history(ax: Any, result: SearchResult) -> None:
    done = summary.complete(result)
    _complete(ax, result, [t.number for t in done], done)
    curve = summary.best_so_far(result)
    ax.step([t.number for t in result.trials], _drawn(curve), where="post", color=BEST, label="best so far")
    best = [t for t in done if t.number in summary.best_numbers(result)]
    ax.scatter([t.number for t in best], _drawn(t.values[0] for t in best), s=120, marker="*", color=BEST, zorder=3, label="best trial")
    _pruned_and_failed(ax, result.trials, lambda t: t.number)
    ax.set_xlabel("trial")
    ax.set_ylabel(summary.objective_names(result)[0])
    ax.set_title("objective over trials")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


def _complete(ax: Any, result: SearchResult, xs: list[Any], done: list[Any]) -> None:
    """COMPLETE trials as circles: grey, or a portfolio's coloured by proposer."""
    members = summary.proposers(result)
    if not members:
        ax.scatter(xs, _drawn(t.values[0] for t in done), s=14, color=TRIAL, label="complete")
        return
    for member, colour in zip(members, summary.PROPOSERS * len(members)):
        mine = [(x, t) for x, t in zip(xs, done, strict=True) if t.proposer == member]
        ax.scatter([x for x, _ in mine], _drawn(t.values[0] for _, t in mine), s=14, color=colour, label=matplotlib_text(f"proposed by {member}"))


def _pruned_and_failed(ax: Any, trials: Sequence[Any], x: Any) -> None:
    """PRUNED trials as triangles at their last report (along the bottom without one), FAILED ones as crosses along the bottom."""
    bottom = ax.get_xaxis_transform()
    for state in (TrialState.PRUNED, TrialState.FAILED):
        marked = [t for t in trials if t.state is state]
        drawn = [t for t in marked if summary.drawn_value(t) is not None]
        kind = {"marker": summary.MARKERS[state], "color": summary.COLOURS[state]}
        if drawn:
            ax.scatter([x(t) for t in drawn], _drawn(summary.drawn_value(t) for t in drawn), s=30, label=f"{state.value.lower()} (last report)", **kind)
        below = [t for t in marked if summary.drawn_value(t) is None]
        if below:
            ax.scatter([x(t) for t in below], [0.02] * len(below), transform=bottom, s=30, label=state.value.lower(), **kind)


def _front(ax: Any, result: SearchResult) -> None:
    names = summary.objective_names(result)
    done = summary.complete(result)
    front = sorted(summary.pareto_front(result), key=lambda t: t.values[0])
    ax.scatter(_drawn(t.values[0] for t in done), _drawn(t.values[1] for t in done), s=14, color=TRIAL, label="trial")
    ax.plot(_drawn(t.values[0] for t in front), _drawn(t.values[1] for t in front), "o-", color=BEST, label="Pareto front")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_title("trials and Pareto front")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


def _importance(ax: Any, result: SearchResult) -> None:
    ax.set_title("parameter importance (η², first objective)")
    shares = sorted(summary.importance(result).items(), key=lambda item: item[1])
    if not shares:
        ax.text(0.5, 0.5, f"no estimate: it {summary.importance_note(result)}", ha="center", va="center", wrap=True, transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.barh([matplotlib_text(name) for name, _ in shares], [share for _, share in shares], color=BEST)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the objective's variance")


def _parameter(ax: Any, result: SearchResult, name: str) -> None:
    axis = summary.parameter_axis(result, name)
    trials = [t for t in result.trials if name in t.params]
    if axis.scale == "log":
        ax.set_xscale("log")
    if axis.scale == "category":  # every choice on the axis, in order; its labels are text from the search
        ax.set_xticks(range(len(axis.categories)), [matplotlib_text(c) for c in axis.categories])
        ax.set_xlim(-0.5, len(axis.categories) - 0.5)
    x = _position(axis, name)
    done = [t for t in trials if t.state is TrialState.COMPLETE]
    _complete(ax, result, [x(t) for t in done], done)
    _pruned_and_failed(ax, trials, x)
    ax.set_xlabel(matplotlib_text(f"{name} ({axis.scale} axis)"))
    ax.set_ylabel(summary.objective_names(result)[0])
    ax.set_title(matplotlib_text(name))
    ax.legend(fontsize="x-small")
    ax.grid(alpha=0.3)


def _position(axis: summary.ParameterAxis, name: str) -> Callable[[Any], float]:
    """Where a trial goes along `name`'s axis: its value, or its category's index."""
    index = {c: float(i) for i, c in enumerate(axis.categories)}

    def x(trial: Any) -> float:
        value = trial.params[name]
        return index.get(axis.x(value), math.nan) if axis.scale == "category" else _drawn([value])[0]

    return x
