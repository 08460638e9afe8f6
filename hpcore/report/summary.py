"""What the reports draw, computed without any plotting library.

Rules:
- trials are read in number order; "best so far" after a trial is the best COMPLETE value of
  it and every trial before it (None until one completed), by the search's direction;
- the Pareto front is the result's chosen best trials (docs/laws.md §4);
- a parameter's importance is the share of the objective's variance that its values explain
  (the correlation ratio η²): the COMPLETE trials are grouped by the parameter's value (a
  number's values into `BINS` bins of equal count, a choice by choice), and η² is the
  variance of the group means, weighted by group size, over the variance of all values.
  The shares are scaled to sum to 1. It sees each parameter alone, so parameters that only
  matter together are under-rated; with fewer than `MIN_TRIALS` COMPLETE trials (two per bin)
  there is no estimate, and the reports say how many there are;
- a parameter is drawn on the axis of the parameter its trials recorded (`FrozenTrial.space`),
  when it holds every value the trials took: a log scale on a log axis, a categorical as its
  choices in order (numbers too), any other number on a linear axis; a parameter no trial recorded is drawn as categories unless every
  value is a number, and on a log axis when they are all positive and span over two decades;
- a trial is drawn by its state: COMPLETE at its value, PRUNED at the last intermediate value
  it reported (its stopping step), FAILED along the bottom; a portfolio's trials (more than
  one proposer) are coloured by proposer;
- a comparison of searches counts trials in order: "best@N" is the best so far after the
  first N trials, "to TARGET" the count of trials until the best so far reaches the target
  ("never" when it did not), and "time" the sum of the trials' durations (a saved trial keeps its duration,
  not when it started); a search of fewer than N trials counts all of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hpcore.errors import InvalidArgument, NoCompletedTrials
from hpcore.records import FrozenTrial, TrialState
from hpcore.result import SearchResult
from hpcore.space import Categorical, Float, Int

BINS = 5
MIN_TRIALS = 2 * BINS
MAX_PARAMS = 8  # parameters drawn against the objective, first seen first
FAILED, PRUNED, BEST, TRIAL = "#d62728", "#ff7f0e", "#1f77b4", "#7f7f7f"  # the colours of both kinds of report
PROPOSERS = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]  # a portfolio's members, in turn
MARKERS = {TrialState.COMPLETE: "o", TrialState.PRUNED: "v", TrialState.FAILED: "x"}  # matplotlib's; plotly's below
SYMBOLS = {TrialState.COMPLETE: "circle", TrialState.PRUNED: "triangle-down", TrialState.FAILED: "x"}
COLOURS = {TrialState.COMPLETE: TRIAL, TrialState.PRUNED: PRUNED, TrialState.FAILED: FAILED}


def objective_names(result: SearchResult) -> list[str]:
    """'objective' for one direction, 'objective 0', 'objective 1', ... for several; with the direction."""
    if len(result.directions) == 1:
        return [f"objective ({result.directions[0].value})"]
    return [f"objective {i} ({d.value})" for i, d in enumerate(result.directions)]


def complete(result: SearchResult) -> list[FrozenTrial]:
    return [t for t in result.trials if t.state is TrialState.COMPLETE]


def best_so_far(result: SearchResult) -> list[float | None]:
    """One entry per trial, in number order: the best COMPLETE value up to it (first objective)."""
    sign = result.directions[0].sign
    best: float | None = None
    curve = []
    for t in result.trials:
        if t.state is TrialState.COMPLETE and (best is None or sign * t.values[0] < sign * best):
            best = t.values[0]
        curve.append(best)
    return curve


def wants_log_scale(series: Sequence[Sequence[float | None]]) -> bool:
    """Values read better on a log axis: every one positive, spanning over two decades."""
    values = [v for one in series for v in one if v is not None]
    return bool(values) and min(values) > 0 and max(values) / min(values) > 100


def pareto_front(result: SearchResult) -> list[FrozenTrial]:
    """The chosen best trials (the Pareto front for several objectives); [] when none completed."""
    try:
        return result.best_trials
    except NoCompletedTrials:
        return []


def parameter_names(result: SearchResult) -> list[str]:
    """Every parameter name the trials sampled, in first-seen order."""
    names: dict[str, None] = {}
    for t in result.trials:
        names.update(dict.fromkeys(t.params))
    return list(names)


@dataclass(frozen=True)
class ParameterAxis:
    """How one parameter is drawn: `scale` is "log", "linear" or "category"; `categories` in order on a category axis."""

    scale: str
    categories: list[str]

    def x(self, value: Any) -> Any:
        """Where `value` goes on this axis: a number, or the text of its category."""
        return category_text(value) if self.scale == "category" else value


def category_text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def parameter_axis(result: SearchResult, name: str) -> ParameterAxis:
    """The axis `name` is drawn on: the recorded parameter's, else one its values suit (the rules above)."""
    values = [t.params[name] for t in result.trials if name in t.params]
    recorded = next((t.space[name] for t in reversed(result.trials) if name in t.space), None)
    if recorded is not None and not all(recorded.contains(v) for v in values):
        recorded = None  # a record whose values lie outside it (a damaged file): drawn by its values
    if isinstance(recorded, Categorical):
        return ParameterAxis("category", [category_text(c) for c in recorded.choices])
    if isinstance(recorded, (Float, Int)):
        return ParameterAxis("log" if recorded.log else "linear", [])
    if not all(is_number(v) for v in values):
        return ParameterAxis("category", list(dict.fromkeys(category_text(v) for v in values)))
    return ParameterAxis("log" if wants_log_scale([values]) else "linear", [])


def drawn_value(trial: FrozenTrial) -> float | None:
    """Where a trial is drawn against the first objective: its value, a PRUNED trial's last report; else None."""
    if trial.state is TrialState.COMPLETE:
        return trial.values[0]
    stop = stopped_at(trial)
    return trial.intermediate[stop] if stop is not None else None


def stopped_at(trial: FrozenTrial) -> int | None:
    """A PRUNED trial's stopping step: the last step it reported; None for any other trial, or one that reported nothing."""
    if trial.state is not TrialState.PRUNED or not trial.intermediate:
        return None
    return max(trial.intermediate)


def proposers(result: SearchResult) -> list[str]:
    """The proposers of a portfolio's trials, first seen first; [] when one backend proposed them all."""
    found = list(dict.fromkeys(t.proposer for t in result.trials if t.proposer is not None))
    return found if len(found) > 1 else []


def best_numbers(result: SearchResult) -> set[int]:
    """The numbers of the chosen best trials (the Pareto front for several objectives)."""
    return {t.number for t in pareto_front(result)}


def importance_note(result: SearchResult) -> str:
    """Why there is no importance estimate: how many COMPLETE trials it needs and how many there are."""
    n = len(complete(result))
    if n < MIN_TRIALS:
        return f"needs {MIN_TRIALS} completed trials; this search has {n}"
    return f"the {n} completed trials do not differ in value"


def importance(result: SearchResult) -> dict[str, float]:
    """Each parameter's share of the first objective's variance (η², scaled to sum 1); {} without an estimate."""
    trials = complete(result)
    largest = max((abs(t.values[0]) for t in trials), default=0.0)
    if len(trials) < MIN_TRIALS or largest == 0.0:
        return {}
    value = {t.number: t.values[0] / largest for t in trials}  # η² is the same at any scale; this one keeps squares finite
    total = _variance(list(value.values()))
    if total == 0.0:
        return {}
    raw = {}
    for name in parameter_names(result):
        pairs = [(t.params[name], value[t.number]) for t in trials if name in t.params]
        raw[name] = _between_groups(_groups(pairs), len(trials)) / total if pairs else 0.0  # sampled by no COMPLETE trial: 0
    scale = sum(raw.values())
    return {name: share / scale if scale else 0.0 for name, share in raw.items()}


def _groups(pairs: list[tuple[Any, float]]) -> list[list[float]]:
    if all(is_number(p) for p, _ in pairs):
        ordered = [v for _, v in sorted(pairs, key=lambda pair: pair[0])]
        size = math.ceil(len(ordered) / BINS)
        return [ordered[i : i + size] for i in range(0, len(ordered), size)]
    groups: dict[str, list[float]] = {}
    for param, value in pairs:
        groups.setdefault(repr(param), []).append(value)
    return list(groups.values())


def _between_groups(groups: list[list[float]], n: int) -> float:
    """The variance of the group means, weighted by group size, over `n` values."""
    values = [v for g in groups for v in g]
    mean = sum(values) / len(values)
    return sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups) / n


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Comparison:
    """One search in a comparison: its counts, best values by trial count, and trials to the target."""

    name: str
    backend: str
    trials: int
    failed: int
    pruned: int
    best: float | None
    best_by: dict[int, float | None]
    to_target: int | None
    time: float


def compare(named: Sequence[tuple[str, SearchResult]], at: Sequence[int], target: float | None) -> list[Comparison]:
    """The searches side by side; InvalidArgument unless they have the same single direction."""
    directions = {tuple(result.directions) for _, result in named}
    if len(directions) > 1:
        listed = "; ".join(f"{name}: {[d.value for d in r.directions]}" for name, r in named)
        raise InvalidArgument(f"these searches have different directions ({listed}): compare searches of the same problem.")
    if len(next(iter(directions))) > 1:
        raise InvalidArgument("compare takes single-objective searches: these have several objectives; show each with `hpcore show`.")
    return [_compare_one(name, result, at, target) for name, result in named]


def _compare_one(name: str, result: SearchResult, at: Sequence[int], target: float | None) -> Comparison:
    curve = best_so_far(result)
    reached = None
    if target is not None:
        sign = result.directions[0].sign
        hits = [i + 1 for i, best in enumerate(curve) if best is not None and sign * best <= sign * target]
        reached = hits[0] if hits else None
    states = [t.state for t in result.trials]
    chosen = pareto_front(result)  # the search's best trial, as show prints it (a selection plugin may have chosen it)
    return Comparison(
        name=name,
        backend=result.backend,
        trials=len(curve),
        failed=states.count(TrialState.FAILED),
        pruned=states.count(TrialState.PRUNED),
        best=chosen[0].values[0] if chosen else None,
        best_by={n: curve[min(n, len(curve)) - 1] if curve else None for n in at},
        to_target=reached,
        time=sum(t.duration for t in result.trials),
    )


def format_values(trial: FrozenTrial) -> str:
    return ", ".join(f"{v:.6g}" for v in trial.values)


def format_params(trial: FrozenTrial) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in trial.params.items())


def comparison_table(rows: Sequence[Comparison], target: float | None) -> tuple[list[str], list[list[str]]]:
    """The header and the cells of a comparison, as the terminal and the HTML report show it."""
    at = list(rows[0].best_by) if rows else []
    header = ["search", "backend", "trials", "failed", "pruned", "best", *[f"best@{n}" for n in at]]
    if target is not None:
        header.append(f"to {target:g}")
    header.append("time s")
    cells = []
    for row in rows:
        line = [row.name, row.backend, str(row.trials), str(row.failed), str(row.pruned), _number(row.best)]
        line += [_number(row.best_by[n]) for n in at]
        if target is not None:
            line.append(str(row.to_target) if row.to_target is not None else "never")
        line.append(f"{row.time:.3g}")
        cells.append(line)
    return header, cells


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
