"""hpcore.AskTellBackend: an engine proposing whole configurations gets the core's rules by construction."""

import random

import pytest

import hpcore
from hpcore.testing import BackendConformance


class Recorder:
    """An ask/tell engine proposing seeded points of the unit cube, recording what it is told."""

    def __init__(self, problem, by_name=False):
        self.problem, self.by_name = problem, by_name
        self.rng = random.Random(problem.seed)
        self.told, self.failed, self.unproposed, self.closed = [], [], [], 0

    def ask(self):
        point = [self.rng.random() for _ in range(self.problem.dimension)]
        if self.by_name:
            return {name: p.from_unit(u) for (name, p), u in zip(self.problem.params.items(), point)}
        return point


class PointsBackend(hpcore.AskTellBackend):
    name = "points"
    capabilities = hpcore.Capabilities(multi_objective=True, seedable=True, resumable=True)
    options = frozenset({"by_name", "fail_in_ask"})
    engines: list[Recorder] = []

    def create(self, problem):
        engine = Recorder(problem, by_name=problem.options.get("by_name", False))
        PointsBackend.engines.append(engine)
        return engine

    def ask(self, engine):
        if engine.problem.options.get("fail_in_ask") and len(engine.told) + len(engine.failed) == 2:
            raise RuntimeError("the engine broke in ask")
        return engine.ask()

    def tell(self, engine, candidate, losses):
        engine.told.append((candidate, losses))

    def tell_failed(self, engine, candidate, penalty):
        engine.failed.append((candidate, penalty))

    def close(self, engine):
        engine.closed += 1


hpcore.register_backend(PointsBackend())
SPACE = {"x": hpcore.Float(-2.0, 2.0), "n": hpcore.Int(1, 8), "c": hpcore.Categorical(["a", "b"])}


class TestPointsConformance(BackendConformance):
    backend = "points"


def last_engine():
    return PointsBackend.engines[-1]


@pytest.mark.parametrize("by_name", [False, True])
def test_each_candidate_is_told_once_with_its_losses_signed(by_name):
    result = hpcore.search(
        lambda t: (t.params["x"], t.params["n"]), SPACE, direction=["minimize", "maximize"], n_trials=6, seed=1,
        backend="points", by_name=by_name,
    )
    engine = last_engine()
    assert len(engine.told) == 6 and engine.failed == [] and engine.closed == 1
    for trial, (candidate, losses) in zip(result.trials, engine.told):
        assert losses == [trial.values[0], -trial.values[1]]
        if by_name:
            assert {k: trial.params[k] for k in candidate} == candidate
        else:
            assert [p.from_unit(u) for p, u in zip(SPACE.values(), candidate)] == [trial.params[k] for k in SPACE]


def test_a_parameter_with_one_value_is_fixed_and_never_shown_to_the_engine():
    space = {"x": hpcore.Float(0, 1), "zero": hpcore.Float(0.0, 0.0), "three": hpcore.Int(3, 3), "one": hpcore.Categorical(["only"])}
    result = hpcore.search(lambda t: t.params["x"], space, n_trials=3, backend="points")
    assert list(last_engine().problem.params) == ["x"] and last_engine().problem.dimension == 1
    assert all(t.params["zero"] == 0.0 and t.params["three"] == 3 and t.params["one"] == "only" for t in result.trials)


def test_with_every_parameter_fixed_no_engine_is_built():
    before = len(PointsBackend.engines)
    result = hpcore.search(lambda t: 1.0, {"k": hpcore.Int(2, 2)}, n_trials=2, backend="points")
    assert len(PointsBackend.engines) == before and [t.params for t in result.trials] == [{"k": 2}, {"k": 2}]


def test_failed_and_pruned_trials_are_told_the_stated_penalty():
    outcomes = [1.0, 3.0, "fail", "prune", 2.0]

    def objective(trial):
        outcome = outcomes[trial.number]
        if outcome == "fail":
            raise RuntimeError("crashed")
        if outcome == "prune":
            raise hpcore.TrialPruned()
        return outcome

    hpcore.search(objective, {"x": hpcore.Float(0, 1)}, n_trials=5, backend="points")
    engine = last_engine()
    # worst 3.0, spread 3.0 - 1.0 = 2.0: penalty 3.0 + max(1.0, 2.0)
    assert [penalty for _, penalty in engine.failed] == [[5.0], [5.0]]
    assert [losses for _, losses in engine.told] == [[1.0], [3.0], [2.0]]


def test_before_any_loss_the_penalty_is_one():
    def objective(trial):
        raise RuntimeError("crashed")

    hpcore.search(objective, {"x": hpcore.Float(0, 1)}, n_trials=2, backend="points")
    assert [penalty for _, penalty in last_engine().failed] == [[1.0], [1.0]]


def test_a_name_outside_the_space_is_an_unknown_parameter():
    with pytest.raises(hpcore.UnknownParameter, match="'elsewhere' is not in the search's space"):
        hpcore.search(lambda t: t.suggest_float("elsewhere", 0, 1), {"x": hpcore.Float(0, 1)}, n_trials=1, backend="points")


def test_an_engine_that_raises_in_ask_is_closed_and_the_finished_trials_kept(tmp_path):
    with pytest.raises(RuntimeError, match="broke in ask"):
        hpcore.search(lambda t: t.params["x"], SPACE, n_trials=5, backend="points", fail_in_ask=True, journal=tmp_path / "j.jsonl")
    assert last_engine().closed == 1
    assert len(hpcore.read_journal(tmp_path / "j.jsonl")[1]) == 2


def test_a_native_space_is_refused_before_any_trial():
    with pytest.raises(hpcore.InvalidSpace, match="'points' reads: a neutral space"):
        hpcore.search(lambda t: 0.0, lambda trial: {"x": 1}, n_trials=1, backend=PointsBackend())
