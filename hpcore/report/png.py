"""PNG pictures of searches, drawn with matplotlib (no pyplot: no global state, no display).

Rules: one search is a grid of panels: the objective over trials with the best so far (failed
and pruned trials marked along the bottom), or for several objectives the first two against
each other with the Pareto front; the parameters' importance; each parameter (the first
`MAX_PARAMS`) against the first objective. A comparison is one best-so-far curve per search.
Text from a search (names, choices, the backend, paths) is drawn as written, never as mathtext
(`hpcore.report.text`); a value beyond ±`LARGEST_DRAWN` is left out of the picture (the table
and the page keep it); every PNG carries the `Software` text chunk `PNG_SOFTWARE`, by which
hpcore knows it wrote the file (`hpcore.report.files`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
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
    _save(figure, path)


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
    ax.scatter([t.number for t in done], _drawn(t.values[0] for t in done), s=14, color=TRIAL, label="trial")
    curve = summary.best_so_far(result)
    ax.step([t.number for t in result.trials], _drawn(curve), where="post", color=BEST, label="best so far")
    for state, color, marker in ((TrialState.FAILED, FAILED, "x"), (TrialState.PRUNED, PRUNED, "v")):
        numbers = [t.number for t in result.trials if t.state is state]
        if numbers:
            ax.scatter(numbers, [0.02] * len(numbers), transform=ax.get_xaxis_transform(), marker=marker, color=color, label=state.value.lower())
    ax.set_xlabel("trial")
    ax.set_ylabel(summary.objective_names(result)[0])
    ax.set_title("objective over trials")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


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
        ax.text(0.5, 0.5, "not enough completed trials\nthat differ in value", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.barh([matplotlib_text(name) for name, _ in shares], [share for _, share in shares], color=BEST)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the objective's variance")


def _parameter(ax: Any, result: SearchResult, name: str) -> None:
    done, xs, log = summary.parameter_axis(result, name)
    if log:
        ax.set_xscale("log")
    if xs and isinstance(xs[0], str):  # choices, drawn as categories: their tick labels are text from the search
        xs = [matplotlib_text(x) for x in xs]
    else:
        xs = _drawn(xs)
    ax.scatter(xs, _drawn(t.values[0] for t in done), s=14, c=[t.number for t in done], cmap="viridis")
    ax.set_xlabel(matplotlib_text(name))
    ax.set_ylabel(summary.objective_names(result)[0])
    ax.set_title(matplotlib_text(f"{name} (colour: trial number)"))
    ax.grid(alpha=0.3)
