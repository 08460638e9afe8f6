"""Best-run selection: the reference rules every backend is held to (docs/laws.md §4).

- One objective: the COMPLETE trial with the lowest (minimize) or highest
  (maximize) value; ties go to the lowest trial number.
- Several objectives: every COMPLETE trial that no other COMPLETE trial
  dominates (the Pareto front), in trial order. Equal value vectors do not
  dominate each other.
- PRUNED and FAILED trials are never best; no COMPLETE trial raises NoCompletedTrials.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from hpcore.errors import NoCompletedTrials
from hpcore.objective import Direction
from hpcore.records import FrozenTrial, TrialState, by_number


def select_best(trials: Sequence[FrozenTrial], directions: Sequence[Direction]) -> list[FrozenTrial]:
    """The best trial as a one-item list, or the Pareto front in trial order."""
    done = TrialState.COMPLETE  # looked up once: enum members are slow to look up on Python 3.11
    complete = [t for t in trials if t.state is done]
    if not complete:
        raise NoCompletedTrials(
            f"none of the {len(trials)} trial(s) completed: look at their errors, then run more trials."
        )
    signs = [Direction(d).sign for d in directions]
    if len(signs) == 1:
        sign = signs[0]
        return [min(complete, key=lambda t: (sign * t.values[0], t.number))]
    points = [tuple(s * v for s, v in zip(signs, t.values)) for t in complete]
    if len(signs) <= 3:
        front = _front_up_to_3(points)
    else:
        front = _front_any(points)
    return sorted((complete[i] for i in front), key=by_number)


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """a dominates b (both minimized): no worse in every objective, better in one."""
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def _front_up_to_3(points: list[tuple[float, ...]]) -> list[int]:
    """Indices of the non-dominated points, for 2 or 3 minimized objectives, in O(n log n).

    Points are swept in lexicographic order, so every dominator of a point comes
    before it. A staircase of the front so far, projected on objectives 2 and 3
    (objective 3 is 0 for two objectives), answers "does an earlier point dominate
    this one" by one bisection; each staircase step keeps the first objective of
    the earliest point that reached it, to tell a dominator from an equal point.
    """
    padded = [p if len(p) == 3 else (p[0], p[1], 0.0) for p in points]
    order = sorted(range(len(padded)), key=padded.__getitem__)
    ys: list[float] = []  # staircase keys: objective 2, ascending
    steps: list[tuple[float, float, float]] = []  # (objective 2, objective 3, objective 1)
    front: list[int] = []
    for i in order:
        x, y, z = padded[i]
        k = bisect_right(ys, y) - 1
        if k >= 0:
            sy, sz, sx = steps[k]
            if sz < z or (sz == z and (sy < y or sx < x)):
                continue
            if sy == y and sz == z:  # an equal point is already a step
                front.append(i)
                continue
        front.append(i)
        # drop the steps this point covers: objective 2 >= y and objective 3 >= z
        lo = k + 1 if k >= 0 and steps[k][0] < y else max(k, 0)
        hi = lo
        while hi < len(steps) and steps[hi][1] >= z:
            hi += 1
        del ys[lo:hi], steps[lo:hi]
        ys.insert(lo, y)
        steps.insert(lo, (y, z, x))
    return front


def _front_any(points: list[tuple[float, ...]]) -> list[int]:
    """Indices of the non-dominated points for any number of objectives (checked against the front)."""
    order = sorted(range(len(points)), key=points.__getitem__)
    front: list[int] = []
    for i in order:
        if not any(dominates(points[j], points[i]) for j in front):
            front.append(i)
    return front
