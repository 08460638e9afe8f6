"""`hpcore.search` checks its arguments, keeps the core's trial semantics, and never loses finished trials."""

import gc
import json
import logging
import math
import threading

import pytest

import hpcore
from hpcore.errors import (
    BackendNotFound,
    BackendNotInstalled,
    DefineByRunUnsupported,
    InvalidArgument,
    InvalidDirection,
    InvalidSpace,
    MultipleObjectives,
    NoCompletedTrials,
    ObjectiveValueError,
    UnknownParameter,
    ValueCountMismatch,
)
from hpcore.plugins import get_registry
from hpcore import TrialState

SPACE = {"x": hpcore.Float(-1, 1), "c": hpcore.Categorical(["a", "b"])}


def test_a_search_returns_every_trial_and_the_best():
    result = hpcore.search(lambda t: t.params["x"] ** 2, SPACE, n_trials=30, backend="random", seed=1)
    assert len(result.trials) == 30
    assert result.best_trial.value == min(t.value for t in result.trials)
    run = result.best_runs()[0]
    assert isinstance(run, hpcore.BestRun) and run.run_id == str(result.best_trial.number)
    assert run.hyperparameters == result.best_trial.params


def test_default_backend_is_first_installed_of_optuna_ray_wandb_else_random():
    registry = get_registry()
    expected = next(
        (n for n in ("optuna", "ray", "wandb") if n in registry.backends and registry.backends[n].engine_installed()),
        "random",
    )
    assert registry.default().name == expected


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"direction": None}, InvalidDirection, "'minimize' or 'maximize'"),
        ({"direction": "up"}, InvalidDirection, "'minimize' or 'maximize'"),
        ({"direction": 3}, InvalidDirection, "'minimize' or 'maximize'"),
        ({"n_trials": 0}, InvalidArgument, "n_trials must be an int of at least 1"),
        ({"n_trials": 2.5}, InvalidArgument, "n_trials"),
        ({"max_trials": 0}, InvalidArgument, "max_trials"),
        ({"n_jobs": 0}, InvalidArgument, "n_jobs"),
        ({"timeout": -1}, InvalidArgument, "timeout"),
        ({"seed": "s"}, InvalidArgument, "seed"),
        ({"seed": -1}, InvalidArgument, r"seed must be an int from 0 to 2\*\*32 - 1"),
        ({"seed": 2**70}, InvalidArgument, r"seed must be an int from 0 to 2\*\*32 - 1"),
        ({"seed": True}, InvalidArgument, "seed"),
        ({"n_trail": 5}, InvalidArgument, "no option 'n_trail'.*Did you mean 'n_trials'"),
        ({"pruner": object()}, InvalidArgument, "backend 'random' cannot prune trials.*optuna"),
        ({"catch": "oops"}, InvalidArgument, "catch"),
        ({"compute_objective": 3}, InvalidArgument, "compute_objective"),
        ({"backend": "nope"}, BackendNotFound, r"no backend named 'nope'; installed backends: .*random"),
        ({"backend": 3}, InvalidArgument, "backend must be"),
    ],
)
def test_bad_arguments_get_specific_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        hpcore.search(lambda t: 0.0, SPACE, **{"backend": "random", **kwargs})


def test_a_backend_with_an_extra_that_is_not_installed_says_how_to_install_it(monkeypatch):
    monkeypatch.delitem(get_registry().backends, "optuna")
    with pytest.raises(BackendNotFound, match=r'pip install "hpcore\[optuna\]"'):
        hpcore.search(lambda t: 0.0, SPACE, backend="optuna")


def test_no_install_hint_names_an_extra_hpcore_does_not_have():
    with pytest.raises(BackendNotFound) as raised:
        hpcore.search(lambda t: 0.0, SPACE, backend="nevergrad")  # no such extra
    assert "pip install" not in str(raised.value)


def test_the_wandb_extra_is_named_when_its_backend_is_missing(monkeypatch):
    monkeypatch.delitem(get_registry().backends, "wandb")
    with pytest.raises(BackendNotFound, match=r'pip install "hpcore\[wandb\]"'):
        hpcore.search(lambda t: 0.0, SPACE, backend="wandb")


def test_a_backend_whose_engine_is_missing():
    class Ghost(hpcore.Backend):
        name = "ghost-engine-test"
        engine = "no-such-distribution-hpcore-test"
        extra = None

    registry = get_registry()
    registry.register(Ghost())
    try:
        with pytest.raises(BackendNotInstalled, match="no-such-distribution-hpcore-test, which is not installed"):
            hpcore.search(lambda t: 0.0, SPACE, backend="ghost-engine-test")
    finally:
        del registry.backends["ghost-engine-test"], registry.distributions["ghost-engine-test"]


def test_empty_space_and_bad_space_entries():
    with pytest.raises(InvalidSpace, match="empty"):
        hpcore.search(lambda t: 0.0, {}, backend="random")
    with pytest.raises(InvalidSpace, match="'x'"):
        hpcore.search(lambda t: 0.0, {"x": (0, 1)}, backend="random")


def test_a_native_space_handed_to_the_wrong_backend():
    optuna_style = lambda trial: {"lr": trial.suggest_float("lr", 1e-5, 1e-1, log=True)}  # noqa: E731
    with pytest.raises(InvalidSpace, match="backend 'random' cannot read.*backend='optuna'"):
        hpcore.search(lambda t: 0.0, optuna_style, backend="random")
    with pytest.raises(InvalidSpace, match="backend 'grid' cannot read.*Ray Tune"):
        hpcore.search(lambda t: 0.0, {"x": {"grid_search": [1, 2]}}, backend="grid")


def test_define_by_run_with_a_backend_that_cannot():
    with pytest.raises(DefineByRunUnsupported, match="pass space="):
        hpcore.search(lambda t: t.suggest_float("x", 0, 1), None, backend="grid")


def test_a_grid_float_needs_a_step():
    with pytest.raises(InvalidSpace, match="'x' is a Float without step"):
        hpcore.search(lambda t: 0.0, {"x": hpcore.Float(0, 1)}, backend="grid")


def test_a_grid_refuses_names_outside_its_space():
    with pytest.raises(UnknownParameter, match="'y' is not in the grid's space"):
        hpcore.search(lambda t: t.suggest_int("y", 0, 3), {"x": hpcore.Int(0, 3)}, backend="grid")


def test_bad_define_by_run_bounds_name_the_parameter():
    with pytest.raises(InvalidSpace, match="parameter 'lr': log=True needs low > 0"):
        hpcore.search(lambda t: t.suggest_float("lr", 0.0, 1.0, log=True), None, backend="random")


@pytest.mark.parametrize("returned", [None, "0.3", {"epoch": 1.0}])
def test_objective_returning_what_is_not_a_value(returned):
    with pytest.raises(ObjectiveValueError):
        hpcore.search(lambda t: returned, SPACE, backend="random", catch=(Exception,))


def test_value_count_mismatch_is_raised_whatever_catch_says_and_keeps_the_trial(tmp_path):
    journal = tmp_path / "j.jsonl"
    with pytest.raises(ValueCountMismatch, match="returned 1 value.*2 direction"):
        hpcore.search(lambda t: 1.0, SPACE, backend="random", direction=["min", "max"], journal=journal)
    from hpcore.journal import read_journal

    assert [t.state for t in read_journal(journal)[1]] == [TrialState.FAILED]


# -- faults ---------------------------------------------------------------------------------
def test_failures_are_kept_and_the_search_goes_on(caplog):
    def objective(trial):
        if trial.number % 3 == 0:
            raise RuntimeError("diverged")
        if trial.number % 3 == 1:
            return [math.nan, math.inf][trial.number % 2]
        return float(-trial.number)

    with caplog.at_level(logging.WARNING, logger="hpcore"):
        result = hpcore.search(objective, SPACE, backend="random", n_trials=9)
    states = [t.state for t in result.trials]
    assert states.count(TrialState.FAILED) == 6 and states.count(TrialState.COMPLETE) == 3
    assert result.trials[0].error == "RuntimeError: diverged"
    assert "the objective returned" in result.trials[1].error
    assert result.best_trial.number == 8
    assert "diverged" in caplog.text


def test_all_failed_means_no_best_run():
    result = hpcore.search(lambda t: math.nan, SPACE, backend="random", n_trials=3)
    with pytest.raises(NoCompletedTrials, match="none of the 3 trial"):
        result.best_trial


def test_an_error_catch_does_not_cover_is_recorded_then_raised(tmp_path):
    def objective(trial):
        if trial.number == 2:
            raise KeyError("boom")
        return 1.0

    journal = tmp_path / "j.jsonl"
    with pytest.raises(KeyError):
        hpcore.search(objective, SPACE, backend="random", n_trials=5, catch=(ValueError,), journal=journal)
    from hpcore.journal import read_journal

    trials = read_journal(journal)[1]
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAILED]


def test_keyboard_interrupt_keeps_finished_trials_and_is_re_raised(tmp_path):
    journal = tmp_path / "j.jsonl"

    def objective(trial):
        if trial.number == 3:
            raise KeyboardInterrupt
        return float(trial.number)

    with pytest.raises(KeyboardInterrupt):
        hpcore.search(objective, SPACE, backend="random", n_trials=10, journal=journal)
    resumed = hpcore.search(lambda t: 0.5, SPACE, backend="random", n_trials=2, journal=journal)
    assert [t.number for t in resumed.trials] == [0, 1, 2, 3, 4, 5]
    assert resumed.trials[3].state is TrialState.FAILED and "interrupted" in resumed.trials[3].error
    assert resumed.best_trial.number == 0


def test_an_interrupt_without_a_journal_carries_the_finished_trials():
    def objective(trial):
        if trial.number == 3:
            raise KeyboardInterrupt
        return float(trial.number)

    with pytest.raises(KeyboardInterrupt) as raised:
        hpcore.search(objective, SPACE, backend="random", n_trials=10)
    kept = raised.value.hpcore_result
    assert [t.number for t in kept.trials] == [0, 1, 2, 3]
    assert kept.trials[3].state is TrialState.FAILED and kept.best_trial.number == 0


@pytest.mark.parametrize("objective", [lambda: 0.0, lambda a, b: 0.0, lambda *, trial: 0.0], ids=["none", "two", "keyword"])
def test_an_objective_that_cannot_take_the_trial_is_refused_before_any_trial(objective, tmp_path):
    journal = tmp_path / "j.jsonl"
    with pytest.raises(InvalidArgument, match="must take the trial as its one argument"):
        hpcore.search(objective, SPACE, backend="random", n_trials=3, journal=journal)
    assert not journal.exists()


@pytest.mark.parametrize("backend", ["random", "grid"])
def test_the_built_in_backends_refuse_options_they_do_not_take(backend):
    with pytest.raises(InvalidArgument, match=f"backend '{backend}' has no option 'sampler'; the options it takes: none"):
        hpcore.search(lambda t: 0.0, {"c": hpcore.Categorical([1, 2])}, backend=backend, sampler="tpe")


def test_parallel_threads_run_every_trial_once():
    seen = []
    lock = threading.Lock()

    def objective(trial):
        with lock:
            seen.append((threading.get_ident(), trial.number))
        return trial.params["x"]

    result = hpcore.search(objective, SPACE, backend="random", n_trials=40, n_jobs=2)
    assert sorted(t.number for t in result.trials) == list(range(40))
    assert len({number for _, number in seen}) == 40


def test_a_parallel_failure_outside_catch_stops_the_search():
    def objective(trial):
        if trial.number == 5:
            raise KeyError("stop")
        return 0.0

    with pytest.raises(KeyError):
        hpcore.search(objective, SPACE, backend="random", n_trials=50, n_jobs=2, catch=())


def test_timeout_stops_starting_new_trials():
    import time

    result = hpcore.search(lambda t: time.sleep(0.05) or 0.0, SPACE, backend="random", n_trials=1000, timeout=0.2)
    assert 1 <= len(result.trials) < 1000


def test_max_trials_caps_a_resumed_study(tmp_path):
    journal = tmp_path / "j.jsonl"
    hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=4, journal=journal)
    result = hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=10, max_trials=6, journal=journal)
    assert len(result.trials) == 6
    again = hpcore.search(lambda t: 0.0, SPACE, backend="random", n_trials=10, max_trials=6, journal=journal)
    assert len(again.trials) == 6


def test_grid_runs_what_is_left_and_resumes_without_repeating(tmp_path):
    space = {"a": hpcore.Int(0, 2), "b": hpcore.Categorical(["x", "y"])}
    journal = tmp_path / "grid.jsonl"
    first = hpcore.search(lambda t: 0.0, space, backend="grid", n_trials=4, seed=3, journal=journal)
    rest = hpcore.search(lambda t: 0.0, space, backend="grid", n_trials=100, seed=3, journal=journal)
    points = [(t.params["a"], t.params["b"]) for t in rest.trials]
    assert len(first.trials) == 4 and len(rest.trials) == 6 and len(set(points)) == 6


def test_multi_objective_result():
    result = hpcore.search(
        lambda t: (t.params["x"], -t.params["x"] ** 2), SPACE, direction=["min", "max"], backend="random", n_trials=20
    )
    with pytest.raises(MultipleObjectives, match="best_trials"):
        result.best_trial
    runs = result.best_runs()
    assert all(isinstance(r.objective, list) and len(r.objective) == 2 for r in runs)


def test_define_by_run_inside_the_objective_with_a_space():
    def objective(trial):
        assert trial.params["x"] == trial.suggest_float("x", -1, 1)
        return trial.suggest_int("extra", 1, 3)

    result = hpcore.search(objective, SPACE, backend="random", n_trials=5)
    assert all(set(t.params) == {"x", "c", "extra"} for t in result.trials)


# -- observers and selection plugins ---------------------------------------------------------
def test_an_observer_that_raises_is_dropped_and_the_others_keep_hearing(caplog):
    class Broken:
        @hpcore.hookimpl
        def hpcore_trial_finished(self, trial):
            raise RuntimeError("observer bug")

    class Counter:
        finished = 0
        reported = 0
        result = None

        @hpcore.hookimpl
        def hpcore_trial_finished(self, study, trial):
            Counter.finished += 1

        @hpcore.hookimpl
        def hpcore_trial_reported(self, value, step):
            Counter.reported += 1

        @hpcore.hookimpl
        def hpcore_search_finished(self, result):
            Counter.result = result

    def objective(trial):
        trial.report(1.0, 0)
        return 0.0

    with caplog.at_level(logging.ERROR, logger="hpcore"):
        result = hpcore.search(objective, SPACE, backend="random", n_trials=5, observers=[Broken(), Counter()])
    assert len(result.trials) == 5 and Counter.finished == 5 and Counter.reported == 5
    assert Counter.result is result
    dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 1 and "Broken" in dropped[0].getMessage()


def test_a_selection_plugin_may_pick_from_the_front():
    class PickLast:
        @hpcore.hookimpl
        def hpcore_select_best(self, study, trials):
            from hpcore.selection import select_best

            return select_best(trials, study.settings.directions)[-1:]

    result = hpcore.search(
        lambda t: (t.params["x"], -t.params["x"]), SPACE, direction=["min", "min"], backend="random",
        n_trials=10, observers=[PickLast()],
    )
    assert len(result.best_trials) == 1


def test_a_selection_plugin_picks_once_and_its_pick_survives_save_and_load(tmp_path):
    class PickLast:
        calls = 0

        @hpcore.hookimpl
        def hpcore_select_best(self, study, trials):
            PickLast.calls += 1
            return [max((t for t in trials if t.state is TrialState.COMPLETE), key=lambda t: t.number)]

    result = hpcore.search(lambda t: float(t.number), SPACE, backend="random", n_trials=4, observers=[PickLast()])
    assert [result.best_trial.number, result.best_trial.number, result.best_runs()[0].run_id] == [3, 3, "3"]
    assert PickLast.calls == 1
    result.save(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["best"] == [3]
    assert hpcore.SearchResult.load(tmp_path / "r.json").best_trial.number == 3


def test_a_backend_whose_own_observer_hook_raises_keeps_driving_its_search(caplog):
    from hpcore.backends.random import RandomBackend

    class Noisy(RandomBackend):
        name = "noisy"

        @hpcore.hookimpl
        def hpcore_trial_finished(self, study, trial):
            raise RuntimeError("the backend's own observer broke")

    with caplog.at_level(logging.ERROR, logger="hpcore"):
        result = hpcore.search(lambda t: t.params["x"], SPACE, backend=Noisy(), n_trials=3)
    assert [t.state for t in result.trials] == [TrialState.COMPLETE] * 3
    assert sum("goes on driving the search" in r.getMessage() for r in caplog.records) == 3


def test_an_unknown_parameter_kind_is_refused_by_the_grid_and_sampled_by_random():
    from hpcore.testing.conformance import OddParam

    with pytest.raises(hpcore.InvalidSpace, match="OddParam"):
        hpcore.search(lambda t: 0.0, {"odd": OddParam()}, backend="grid", n_trials=2)
    result = hpcore.search(lambda t: 0.0, {"odd": OddParam()}, backend="random", n_trials=5, seed=1)
    assert {t.params["odd"] for t in result.trials} <= {"a", "b", "c"}


def test_a_finite_kind_of_its_own_runs_on_the_grid_through_value_at_and_index_of(tmp_path):
    from hpcore.testing.conformance import OddParam

    class Letters(OddParam):
        def value_at(self, i):
            return "abc"[i]

        def index_of(self, value):
            if not self.contains(value):
                raise hpcore.InvalidSpace(f"{value!r} is not a letter of {self!r}")
            return "abc".index(value)

    space = {"odd": Letters(), "n": hpcore.Int(0, 1)}
    first = hpcore.search(lambda t: 0.0, space, backend="grid", n_trials=4, seed=0, journal=tmp_path / "j.jsonl")
    rest = hpcore.search(lambda t: 0.0, space, backend="grid", n_trials=6, seed=0, journal=tmp_path / "j.jsonl")
    points = [(t.params["odd"], t.params["n"]) for t in rest.trials]
    assert len(first.trials) == 4 and sorted(points) == sorted((c, n) for c in "abc" for n in (0, 1))


@pytest.mark.parametrize("backend", ["random", "optuna"])
def test_a_finished_search_is_freed_by_reference_counting(backend):
    """No reference cycle holds a search's trials: the cyclic garbage a search leaves does not grow with them."""
    if backend == "optuna":
        pytest.importorskip("hp_optuna")

    def garbage_after(n_trials: int) -> int:
        gc.collect()
        gc.disable()
        try:
            hpcore.search(lambda t: t.params["x"], SPACE, backend=backend, n_trials=n_trials, seed=0)
            return gc.collect()
        finally:
            gc.enable()

    garbage_after(2)  # the first search of a backend fills its caches
    assert garbage_after(40) == garbage_after(4)
