"""Warm start and resume tell the engine what it did not propose (docs/laws.md §9, §13)."""

import logging

import pytest

import hpcore
from hpcore.history import resumed_seed

SPACE = {"x": hpcore.Float(0.0, 1.0), "n": hpcore.Int(1, 5)}


def objective(trial):
    return trial.params["x"] + trial.params["n"]


@pytest.fixture
def source(tmp_path):
    """A finished search saved three ways: a result object, a saved result, a journal."""
    journal = tmp_path / "source.jsonl"
    result = hpcore.search(objective, SPACE, backend="random", n_trials=6, seed=3, journal=journal)
    result.save(tmp_path / "source.json")
    return result, tmp_path / "source.json", journal


@pytest.mark.parametrize("form", ["result", "json", "journal", "trials"])
def test_every_source_form_warms_a_search_whose_budget_ignores_it(source, form):
    result, saved, journal = source
    given = {"result": result, "json": saved, "journal": journal, "trials": iter(result.trials)}[form]
    runs = []
    warmed = hpcore.search(
        lambda t: runs.append(t.number) or objective(t), SPACE, backend="random",
        n_trials=4, max_trials=4, seed=0, warm_start=given,
    )
    assert len(runs) == 4 and [t.number for t in warmed.trials] == [0, 1, 2, 3]
    assert [(t.params, t.values) for t in warmed.warm_trials] == [(t.params, t.values) for t in result.trials]


def test_a_grid_warmed_by_another_backends_journal_visits_only_new_points(tmp_path):
    space = {"a": hpcore.Int(0, 3), "b": hpcore.Categorical(["u", "v"])}
    journal = tmp_path / "random.jsonl"
    hpcore.search(lambda t: float(t.params["a"]), space, backend="random", n_trials=5, seed=0, journal=journal)
    seen = {(t.params["a"], t.params["b"]) for t in hpcore.read_journal(journal)[1]}
    grid = hpcore.search(lambda t: float(t.params["a"]), space, backend="grid", n_trials=8, warm_start=journal)
    visited = [(t.params["a"], t.params["b"]) for t in grid.trials]
    assert len(visited) == 8 - len(seen) and not seen & set(visited)


def test_trials_outside_the_space_or_of_other_objectives_are_skipped_with_one_warning(source, caplog):
    result, _, _ = source
    narrow = {"x": hpcore.Float(0.0, 0.5), "n": hpcore.Int(1, 5)}
    inside = [t for t in result.trials if t.params["x"] <= 0.5]
    with caplog.at_level(logging.WARNING, logger="hpcore"):
        warmed = hpcore.search(objective, narrow, backend="random", n_trials=1, warm_start=result)
    assert warmed.warm_trials == inside
    [line] = [r.getMessage() for r in caplog.records if "warm start" in r.getMessage()]
    assert f"{6 - len(inside)} of 6 completed trials skipped" in line
    two = hpcore.search(lambda t: (0.0, 0.0), SPACE, direction=["min", "min"], backend="random", n_trials=1, warm_start=result)
    assert two.warm_trials == []


@pytest.mark.parametrize(
    "bad, match",
    [
        (42, "warm_start must be a SearchResult"),
        ({"x": 1}, "warm_start must be a SearchResult"),
        ([object()], "warm_start must be a SearchResult"),
        ("missing.json", "is not a file"),
    ],
)
def test_a_source_that_is_no_search_is_refused_before_anything_runs(bad, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = []
    with pytest.raises(hpcore.InvalidArgument, match=match):
        hpcore.search(lambda t: ran.append(1) or 0.0, SPACE, backend="random", n_trials=2, warm_start=bad, journal="j.jsonl")
    assert ran == [] and not (tmp_path / "j.jsonl").exists()


def test_a_file_of_another_kind_is_refused(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(hpcore.InvalidArgument, match="neither a saved result"):
        hpcore.search(objective, SPACE, backend="random", n_trials=1, warm_start=other)


def test_the_resumed_seed_is_drawn_from_the_seed_and_the_count_alone():
    assert resumed_seed(None, 5) is None and resumed_seed(7, 0) == 7
    assert resumed_seed(7, 5) == resumed_seed(7, 5) != resumed_seed(7, 6)
    assert 0 <= resumed_seed(2**32 - 1, 1) < 2**32


def test_a_resumed_random_search_proposes_new_configurations_reproducibly(tmp_path):
    calls = []
    for name in ("a", "b"):
        journal = tmp_path / f"{name}.jsonl"
        first = hpcore.search(objective, SPACE, backend="random", n_trials=4, seed=0, journal=journal)
        second = hpcore.search(objective, SPACE, backend="random", n_trials=4, seed=0, journal=journal)
        new = [t.params for t in second.trials[4:]]
        assert not [p for p in new if p in [t.params for t in first.trials]]
        calls.append(new)
    assert calls[0] == calls[1]
