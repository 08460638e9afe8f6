"""The reference selection matches a naive reading of docs/laws.md §4 on random ledgers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpcore.errors import NoCompletedTrials
from hpcore.objective import Direction
from hpcore.selection import dominates, select_best
from hpcore import FrozenTrial, TrialState

STATES = st.sampled_from([TrialState.COMPLETE, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED])


def ledger(n_objectives):
    value = st.integers(-3, 3).map(float) | st.floats(-1e6, 1e6, allow_nan=False)
    row = st.tuples(STATES, st.lists(value, min_size=n_objectives, max_size=n_objectives))
    return st.lists(row, min_size=1, max_size=40).map(
        lambda rows: [FrozenTrial(number=i, params={}, state=s, values=v if s is TrialState.COMPLETE else []) for i, (s, v) in enumerate(rows)]
    )


def naive_front(trials, directions):
    signs = [1 if d is Direction.MINIMIZE else -1 for d in directions]
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    key = {t.number: [s * v for s, v in zip(signs, t.values)] for t in complete}
    return [t for t in complete if not any(dominates(key[o.number], key[t.number]) for o in complete)]


@settings(max_examples=300, deadline=None)
@given(ledger(1), st.sampled_from(list(Direction)))
def test_single_objective_best_with_ties_to_the_lowest_number(trials, direction):
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    if not complete:
        with pytest.raises(NoCompletedTrials):
            select_best(trials, [direction])
        return
    pick = min if direction is Direction.MINIMIZE else max
    best_value = pick(t.values[0] for t in complete)
    [best] = select_best(trials, [direction])
    assert best.values[0] == best_value
    assert best.number == min(t.number for t in complete if t.values[0] == best_value)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 5).flatmap(lambda k: st.tuples(ledger(k), st.lists(st.sampled_from(list(Direction)), min_size=k, max_size=k))))
def test_pareto_front_is_exactly_the_non_dominated_set_in_trial_order(case):
    trials, directions = case
    if not any(t.state is TrialState.COMPLETE for t in trials):
        return
    assert select_best(trials, directions) == naive_front(trials, directions)


def test_equal_vectors_are_both_on_the_front_and_pruned_never_best():
    trials = [
        FrozenTrial(0, {}, TrialState.COMPLETE, [1.0, 1.0]),
        FrozenTrial(1, {}, TrialState.PRUNED, []),
        FrozenTrial(2, {}, TrialState.COMPLETE, [1.0, 1.0]),
        FrozenTrial(3, {}, TrialState.COMPLETE, [1.0, 2.0]),
    ]
    assert [t.number for t in select_best(trials, [Direction.MINIMIZE] * 2)] == [0, 2]
    assert [t.number for t in select_best(trials, [Direction.MINIMIZE, Direction.MAXIMIZE])] == [3]
