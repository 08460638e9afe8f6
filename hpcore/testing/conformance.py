"""`BackendConformance`: the laws of docs/laws.md as property tests every backend must pass.

Subclass it in a pytest module and name your backend::

    class TestMyBackend(BackendConformance):
        backend = "mine"

Capability flags (`multi_objective`, `pruning`, `define_by_run`, `finite`,
`seedable`, `parallel`, `distributed`, `resumable`, `learns`) default to what the backend
declares, and each declared flag is tested; set one to False to skip what the backend does not
do. Four methods give the options some laws need: `learning_options()` (what makes the backend
learn from the trials it is told), `pruning_options()` (a pruner or
scheduler that stops trials reporting far worse values), `resume_options(directory)`
(what makes a second search continue the first in the engine's own storage; None: the
journal only) and `shared_options(directory)` (what lets several searches share one
study at once). The budget (`max_examples` per property, `trials_per_search`) lets a
slow engine run the suite in minutes. Each law runs under `law_time_limit` seconds: a backend
whose hook never returns fails that law, naming the hook, instead of hanging the suite.

Objective values are keyed by trial number, so every law is checked against
the ledger whatever order the backend runs trials in.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpcore.driver import search
from hpcore.errors import (
    DefineByRunUnsupported,
    InvalidArgument,
    InvalidSpace,
    NoCompletedTrials,
    TrialPruned,
    UnknownParameter,
    ValueCountMismatch,
)
from hpcore.journal import read_journal
from hpcore.objective import Direction, losses, parse_directions
from hpcore.plugins import get_registry
from hpcore.records import TrialState, by_number
from hpcore.relay import build_relay
from hpcore.result import SearchResult
from hpcore.selection import dominates, select_best
from hpcore.settings import Settings
from hpcore.forms import validate_space
from hpcore.space import Categorical, Float, Int, Param
from hpcore.study import Study
from hpcore.testing import strategies as hs
from hpcore.testing.limits import time_limit
from hpcore.trial import Trial


class OddParam(Param):
    """A parameter kind the core does not know: one of three letters."""

    n_points = 3

    def from_unit(self, u: float) -> str:
        return "abc"[min(int(u * 3), 2)]

    def contains(self, value: object) -> bool:
        return value in ("a", "b", "c")


def _unit_sum(trial: Trial) -> float:
    return float(trial.params["x"] + trial.params["y"])


def _bowl(trial: Trial) -> float:
    """A fixed 2-d quadratic with its minimum 0 at (1, -0.5)."""
    return float((trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2)


def _config(trial: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(trial.params.items()))


class _Counted:
    """An objective that appends a line to `path` each time it runs, in whatever process runs it."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __call__(self, trial: Trial) -> float:
        with open(self.path, "a") as out:
            out.write(f"{trial.number}\n")
        return _unit_sum(trial)


class BackendConformance:
    """Mix into a pytest class; set `backend`, and lower the budget for slow engines."""

    backend: ClassVar[str] = ""
    backend_options: ClassVar[dict[str, Any]] = {}
    max_examples: ClassVar[int] = 20
    trials_per_search: ClassVar[int] = 8
    law_time_limit: ClassVar[float] = 300.0  # seconds a law may take before it fails naming the hook that hangs

    multi_objective: ClassVar[bool | None] = None
    pruning: ClassVar[bool | None] = None
    define_by_run: ClassVar[bool | None] = None
    finite: ClassVar[bool | None] = None
    seedable: ClassVar[bool | None] = None
    parallel: ClassVar[bool | None] = None
    distributed: ClassVar[bool | None] = None
    resumable: ClassVar[bool | None] = None
    learns: ClassVar[bool | None] = None

    def pruning_options(self) -> dict[str, Any]:
        """Options with which the backend prunes trials that report far worse values than the others."""
        return {}

    def resume_options(self, directory: Path) -> dict[str, Any] | None:
        """Options with which a second search continues the first in the engine's storage; None: journal only."""
        return None

    def learning_options(self) -> dict[str, Any]:
        """Options with which the backend learns from finished trials (backends declaring `learns`)."""
        return {}

    def shared_options(self, directory: Path) -> dict[str, Any] | None:
        """Options with which several searches at once share one study (backends declaring `distributed`)."""
        return None

    # -- plumbing ---------------------------------------------------------------------
    @pytest.fixture(autouse=True)
    def _limited(self, request: pytest.FixtureRequest) -> Iterator[None]:
        """Every law under `law_time_limit`: one that hangs fails, naming the hook that did not return."""
        with time_limit(request.node.name, self.law_time_limit):
            yield

    def capable(self, name: str) -> bool:
        declared = getattr(self, name)
        if declared is not None:
            return bool(declared)
        return bool(getattr(get_registry().get(self.backend).capabilities, name))

    def require(self, name: str) -> None:
        if not self.capable(name):
            pytest.skip(f"backend {self.backend!r} does not declare {name}")

    def run_search(self, objective: Callable[[Trial], Any], space: Any, **kwargs: Any) -> SearchResult:
        options = {**self.backend_options, **kwargs}
        options.setdefault("n_trials", self.trials_per_search)
        return search(objective, space, backend=self.backend, **options)

    def check(self, test: Callable[..., None], *strategies: st.SearchStrategy[Any]) -> None:
        """Run `test` as a hypothesis property within the class's budget."""
        budget = settings(
            max_examples=self.max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        budget(given(*strategies)(test))()

    def spaces(self) -> st.SearchStrategy[dict[str, Param]]:
        return hs.spaces(stepped_floats=self.capable("finite"))

    def expected_count(self, space: dict[str, Param], n_trials: int) -> int:
        """n_trials, or what a finite backend has left (docs/laws.md §7)."""
        if not self.capable("finite"):
            return n_trials
        return min(n_trials, math.prod(p.n_points or 1 for p in space.values()))

    # -- laws §6 sampled values lie in the space --------------------------------------
    def test_sampled_values_lie_in_the_space(self) -> None:
        def prop(space: dict[str, Param]) -> None:
            result = self.run_search(lambda trial: 0.0, space)
            assert len(result.trials) == self.expected_count(space, self.trials_per_search)
            for trial in result.trials:
                assert trial.state is TrialState.COMPLETE, trial.error
                assert set(trial.params) == set(space)
                for name, param in space.items():
                    assert param.contains(trial.params[name]), (name, param, trial.params[name])

        self.check(prop, self.spaces())

    def test_an_unknown_parameter_kind_is_refused_or_sampled_inside_it(self) -> None:
        ran: list[int] = []

        def objective(trial: Trial) -> float:
            ran.append(trial.number)
            return 0.0

        try:
            result = self.run_search(objective, {"odd": OddParam(), "n": Int(1, 3)})
        except InvalidSpace:
            assert ran == [], "a parameter kind the backend does not know must be refused before any trial"
            return
        assert all(t.state is TrialState.COMPLETE and OddParam().contains(t.params["odd"]) for t in result.trials)

    def test_a_name_has_one_parameter_in_a_trial(self) -> None:
        space = {"x": Float(5.0, 6.0, step=0.5)}
        with pytest.raises(InvalidSpace, match="already sampled"):
            self.run_search(lambda trial: trial.suggest_float("x", 0.0, 1.0), space, n_trials=1)
        same = self.run_search(lambda trial: trial.suggest_float("x", 5.0, 6.0, step=0.5), space, n_trials=2)
        assert [t.values for t in same.trials] == [[t.params["x"]] for t in same.trials]

    def test_a_name_outside_the_space_is_sampled_define_by_run_or_refused(self) -> None:
        space = {"x": Float(0.0, 1.0, step=0.5)}

        def objective(trial: Trial) -> float:
            return trial.suggest_int("extra", 1, 4) + trial.params["x"]

        if not self.capable("define_by_run"):
            with pytest.raises(UnknownParameter, match="extra"):
                self.run_search(objective, space, n_trials=2)
            return
        result = self.run_search(objective, space, n_trials=3)
        assert all(t.state is TrialState.COMPLETE and 1 <= t.params["extra"] <= 4 for t in result.trials)

    # -- laws §4 best run -------------------------------------------------------------
    def test_best_is_the_reference_selection(self) -> None:
        def prop(space: dict[str, Param], direction: list[str], table: list[float]) -> None:
            result = self.run_search(lambda trial: table[trial.number % len(table)], space, direction=direction[0])
            complete = [t for t in result.trials if t.state is TrialState.COMPLETE]
            best = result.best_trial
            assert result.best_trials == select_best(result.trials, parse_directions(direction[0]))
            sign = parse_directions(direction[0])[0].sign
            best_value = min((t.values[0] for t in complete), key=lambda v: sign * v)
            assert best.value == best_value
            assert best.number == min(t.number for t in complete if t.value == best_value)
            assert result.best_runs()[0].objective == best_value

        self.check(prop, self.spaces(), hs.directions(), st.lists(hs.tied_values(), min_size=1, max_size=5))

    def test_flipping_direction_and_sign_selects_the_same_trial(self) -> None:
        def prop(space: dict[str, Param], table: list[float]) -> None:
            def value(trial: Trial) -> float:
                return table[trial.number % len(table)]

            low = self.run_search(value, space, direction="minimize")
            high = self.run_search(lambda trial: -value(trial), space, direction="maximize")
            assert low.best_trial.number == high.best_trial.number
            assert low.best_trial.values == [-high.best_trial.values[0]]

        self.check(prop, self.spaces(), st.lists(hs.tied_values(), min_size=1, max_size=5))

    def test_pareto_front_is_the_non_dominated_set(self) -> None:
        if not self.capable("multi_objective"):
            with pytest.raises(InvalidArgument, match="objectives"):
                self.run_search(lambda trial: [0.0, 0.0], {"c": Categorical([1])}, direction=["min", "max"])
            return

        def prop(space: dict[str, Param], direction: list[str], rows: list[tuple[float, ...]]) -> None:
            k = len(direction)
            result = self.run_search(lambda trial: list(rows[trial.number % len(rows)][:k]), space, direction=direction)
            complete = [t for t in result.trials if t.state is TrialState.COMPLETE]
            scaled = {t.number: losses(t.values, parse_directions(direction)) for t in complete}
            expected = [
                t.number for t in complete if not any(dominates(scaled[o.number], scaled[t.number]) for o in complete)
            ]
            assert [t.number for t in result.best_trials] == expected
            assert all(isinstance(t.values, list) and len(t.values) == k for t in complete)
            assert [r.objective for r in result.best_runs()] == [t.values for t in result.best_trials]
            with pytest.raises(RuntimeError):
                result.best_trial

        row = st.tuples(hs.tied_values(), hs.tied_values(), hs.tied_values())
        self.check(
            prop, self.spaces(), st.lists(st.sampled_from(["minimize", "maximize"]), min_size=2, max_size=3),
            st.lists(row, min_size=1, max_size=6),
        )

    # -- laws §3 trial states ---------------------------------------------------------
    def test_failures_nan_and_infinities_are_failed_and_never_best(self) -> None:
        def prop(space: dict[str, Param], outcomes: list[Any]) -> None:
            def objective(trial: Trial) -> float:
                outcome = outcomes[trial.number % len(outcomes)]
                if outcome == "raise":
                    raise RuntimeError(f"trial {trial.number} broke")
                return outcome

            result = self.run_search(objective, space)
            assert len(result.trials) == self.expected_count(space, self.trials_per_search)
            for trial in result.trials:
                outcome = outcomes[trial.number % len(outcomes)]
                if outcome == "raise" or not math.isfinite(outcome):
                    assert trial.state is TrialState.FAILED
                    assert trial.error and (outcome != "raise" or "broke" in trial.error)
                    assert trial.values == []
                else:
                    assert trial.state is TrialState.COMPLETE
                    assert trial.values == [outcome]
            if any(t.state is TrialState.COMPLETE for t in result.trials):
                assert result.best_trial.state is TrialState.COMPLETE
            else:
                with pytest.raises(NoCompletedTrials):
                    result.best_trials

        self.check(prop, self.spaces(), st.lists(hs.OUTCOMES, min_size=1, max_size=5))

    def test_pruned_trials_keep_their_reports_and_are_never_best(self) -> None:
        def prop(space: dict[str, Param], prune: list[bool]) -> None:
            def objective(trial: Trial) -> float:
                for step in range(2):
                    trial.report(float(trial.number + step), step)
                if prune[trial.number % len(prune)]:
                    raise TrialPruned()
                return float(trial.number)

            result = self.run_search(objective, space)
            for trial in result.trials:
                assert trial.intermediate == {0: float(trial.number), 1: float(trial.number + 1)}
                expected = TrialState.PRUNED if prune[trial.number % len(prune)] else TrialState.COMPLETE
                assert trial.state is expected
            if not all(t.state is TrialState.PRUNED for t in result.trials):
                assert result.best_trial.state is TrialState.COMPLETE

        self.check(prop, self.spaces(), st.lists(st.booleans(), min_size=1, max_size=4))

    def test_value_count_mismatch_is_raised_at_once(self) -> None:
        with pytest.raises(ValueCountMismatch, match="2 value.*1 direction"):
            self.run_search(lambda trial: [1.0, 2.0], {"c": Categorical([1, 2, 3])}, catch=(Exception,), n_trials=3)

    def test_interrupt_keeps_finished_trials(self) -> None:
        def objective(trial: Trial) -> float:
            if trial.number == 2:
                raise KeyboardInterrupt
            return float(trial.number)

        space = {"c": Categorical(list(range(20)))}
        with tempfile.TemporaryDirectory() as tmp:
            journal = Path(tmp) / "journal.jsonl"
            with pytest.raises(KeyboardInterrupt):
                self.run_search(objective, space, journal=journal, n_trials=6)
            kept = read_journal(journal)[1]
        interrupted = [t for t in kept if t.number == 2]
        assert len(interrupted) == 1 and interrupted[0].state is TrialState.FAILED
        assert "interrupted" in (interrupted[0].error or "")
        assert {0, 1} <= {t.number for t in kept if t.state is TrialState.COMPLETE}

    # -- laws §10 pruning --------------------------------------------------------------
    def test_a_pruning_backend_prunes_trials_that_report_far_worse(self) -> None:
        if not self.capable("pruning"):
            with pytest.raises(InvalidArgument, match="prune"):
                self.run_search(lambda trial: 0.0, {"c": Categorical([1])}, pruner=object())
            return

        def objective(trial: Trial) -> float:
            bad = trial.number % 2 == 1
            for step in range(5):
                if trial.report(100.0 if bad else 0.0, step):
                    raise TrialPruned()
            return 100.0 if bad else 0.0

        result = self.run_search(objective, {"x": Float(0.0, 1.0, step=0.25)}, n_trials=12, **self.pruning_options())
        pruned = [t.number for t in result.trials if t.state is TrialState.PRUNED]
        assert pruned, "the backend declares pruning, yet no trial reporting far worse values was pruned"
        assert all(n % 2 == 1 for n in pruned), pruned

    def test_reports_never_prune_with_several_objectives(self) -> None:
        self.require("multi_objective")

        def objective(trial: Trial) -> list[float]:
            assert trial.report(float(trial.number), 0) is False
            assert trial.should_prune() is False
            return [float(trial.number), 0.0]

        space = {"c": Categorical([1, 2, 3])}
        result = self.run_search(objective, space, direction=["minimize", "maximize"], n_trials=3)
        assert all(t.state is TrialState.COMPLETE for t in result.trials)

    # -- laws §2 objective ------------------------------------------------------------
    def test_metrics_go_through_compute_objective(self) -> None:
        space = {"c": Categorical([1, 2, 3])}
        metrics = {"eval_loss": 0.5, "eval_accuracy": 0.25, "eval_f1": 0.5, "epoch": 3.0, "eval_runtime": 9.0}
        result = self.run_search(lambda trial: metrics, space, n_trials=2)
        assert [t.values for t in result.trials] == [[0.75], [0.75]]
        result = self.run_search(lambda trial: {"eval_loss": 0.5, "epoch": 1.0}, space, n_trials=2)
        assert [t.values for t in result.trials] == [[0.5], [0.5]]
        custom = self.run_search(lambda trial: metrics, space, n_trials=2, compute_objective=lambda m: m["eval_f1"])
        assert [t.values for t in custom.trials] == [[0.5], [0.5]]

    # -- laws §7 n_trials -------------------------------------------------------------
    def test_n_trials_is_honoured(self) -> None:
        def prop(space: dict[str, Param], n_trials: int) -> None:
            result = self.run_search(lambda trial: 1.0, space, n_trials=n_trials)
            assert len(result.trials) == self.expected_count(space, n_trials)
            assert len({t.number for t in result.trials}) == len(result.trials)

        self.check(prop, self.spaces(), st.integers(1, self.trials_per_search))

    # -- laws §8 resume ----------------------------------------------------------------
    def test_resume_counts_this_calls_trials(self, tmp_path: Path) -> None:
        self.require("resumable")
        native = self.resume_options(tmp_path / "native")
        for options in ({"journal": tmp_path / "journal.jsonl"}, *([native] if native is not None else [])):
            space = {"c": Categorical(list(range(20)))}
            first = self.run_search(lambda trial: float(trial.number), space, n_trials=3, **options)
            second = self.run_search(lambda trial: float(trial.number), space, n_trials=3, **options)
            capped = self.run_search(lambda trial: float(trial.number), space, n_trials=5, max_trials=8, **options)
            assert len(first.trials) == 3, options
            assert len(second.trials) == 6 and len({t.number for t in second.trials}) == 6, options
            kept = {t.number: t for t in second.trials}
            assert all((kept[t.number].params, kept[t.number].values) == (t.params, t.values) for t in first.trials)
            assert len(capped.trials) == 8 and len({t.number for t in capped.trials}) == 8, options

    def test_loading_trials_changes_nothing(self, tmp_path: Path) -> None:
        self.require("resumable")
        native = self.resume_options(tmp_path / "native")
        options = native if native is not None else {"journal": tmp_path / "journal.jsonl"}
        space = {"c": Categorical(list(range(20)))}
        self.run_search(lambda trial: float(trial.number), space, n_trials=3, **options)
        before = _tree(tmp_path)
        loaded = [self._load_trials(space, native or {}) for _ in range(2)]
        assert _tree(tmp_path) == before, "hpcore_load_trials changed files"
        expected = [0, 1, 2] if native is not None else []  # without native resume the journal is the core's to read
        assert [t.number for t in loaded[0]] == [t.number for t in loaded[1]] == expected

    # -- laws §9, §13 what the engine did not propose --------------------------------------
    def test_a_resumed_seeded_search_proposes_no_configuration_the_ledger_holds(self, tmp_path: Path) -> None:
        self.require("resumable")
        self.require("seedable")
        space = {"x": Float(0.0, 1.0, step=0.001), "y": Float(0.0, 1.0, step=0.001)}
        runs = []
        for attempt in ("a", "b"):  # the same two calls, twice: reproducible
            journal = tmp_path / f"{attempt}.jsonl"
            first = self.run_search(_unit_sum, space, n_trials=4, seed=0, journal=journal)
            second = self.run_search(_unit_sum, space, n_trials=4, seed=0, journal=journal)
            runs.append([_config(t) for t in second.trials])
            held = {_config(t) for t in first.trials}
            new = [_config(t) for t in second.trials if t.number not in {f.number for f in first.trials}]
            assert len(new) == 4 and not held & set(new), f"the resumed search proposed again: {held & set(new)}"
        assert runs[0] == runs[1], "the same seed and journal proposed other configurations"

    def test_warm_trials_are_told_and_never_run(self, tmp_path: Path) -> None:
        space = {"x": Float(0.0, 1.0, step=0.001), "y": Float(0.0, 1.0, step=0.001)}
        warm = search(_unit_sum, space, backend="random", n_trials=5, seed=1)
        ran = tmp_path / "ran"
        result = self.run_search(_Counted(ran), space, n_trials=3, seed=2, warm_start=warm)
        assert len(ran.read_text().splitlines()) == 3 == len(result.trials), "the objective ran another number of times"
        assert result.warm_trials == warm.trials and {t.number for t in result.trials} == {0, 1, 2}

    def test_a_learning_backend_uses_warm_trials(self) -> None:
        self.require("learns")
        space = {"x": Float(-3.0, 3.0), "y": Float(-3.0, 3.0)}
        cold, warmed = [], []
        for seed in range(5):
            warm = search(_bowl, space, backend="random", n_trials=40, seed=100 + seed)
            cold.append(self.run_search(_bowl, space, n_trials=10, seed=seed, **self.learning_options()).best_trial.values[0])
            new = self.run_search(_bowl, space, n_trials=10, seed=seed, warm_start=warm, **self.learning_options())
            warmed.append(new.best_trial.values[0])
        assert sorted(warmed)[2] < sorted(cold)[2], f"median best of 10 trials: warm {sorted(warmed)[2]}, cold {sorted(cold)[2]}"

    def _load_trials(self, space: Mapping[str, Param], options: dict[str, Any]) -> list[Any]:
        backend = get_registry().get(self.backend)
        settings = Settings(
            objective=lambda trial: 0.0, space=validate_space(space, self.backend), directions=(Direction.MINIMIZE,),
            backend=self.backend, n_trials=1, options={**self.backend_options, **options},
        )
        study = Study(settings, build_relay(backend).hook)
        study.hook.hpcore_prepare(study=study)
        return sorted(study.hook.hpcore_load_trials(study=study) or [], key=by_number)

    # -- distributed: several searches share one study ---------------------------------
    def test_several_workers_share_one_search(self, tmp_path: Path) -> None:
        self.require("distributed")
        options = self.shared_options(tmp_path)
        assert options is not None, "the backend declares distributed: give shared_options(directory)"
        space = {"c": Categorical(list(range(50)))}
        self.run_search(lambda trial: float(trial.number), space, n_trials=1, **options)  # the study exists
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                self.run_search(lambda trial: float(trial.number), space, n_trials=4, **options)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        final = self.run_search(lambda trial: float(trial.number), space, n_trials=1, **options)
        numbers = [t.number for t in final.trials]
        assert sorted(numbers) == list(range(10)), numbers
        assert all(t.values == [float(t.number)] for t in final.trials)

    # -- parallel: several trials at once ---------------------------------------------
    def test_parallel_trials_run_each_once(self) -> None:
        self.require("parallel")
        space = {"c": Categorical(list(range(50)))}
        result = self.run_search(lambda trial: float(trial.number), space, n_trials=6, n_jobs=2)
        assert sorted(t.number for t in result.trials) == list(range(6))
        assert all(t.state is TrialState.COMPLETE and t.values == [float(t.number)] for t in result.trials)

    # -- define-by-run ----------------------------------------------------------------
    def test_define_by_run_suggestions_lie_in_their_ranges(self) -> None:
        if not self.capable("define_by_run"):
            with pytest.raises(DefineByRunUnsupported, match="space="):
                self.run_search(lambda trial: trial.suggest_float("x", 0, 1), None)
            return

        def objective(trial: Trial) -> float:
            x = trial.suggest_float("x", -2.0, 3.0)
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            n = trial.suggest_int("n", 2, 10, step=2)
            act = trial.suggest_categorical("act", ["relu", "gelu"])
            assert trial.suggest_float("x", -2.0, 3.0) == x  # a name asked twice keeps its value
            assert -2.0 <= x <= 3.0 and 1e-5 <= lr <= 1e-1 and n in (2, 4, 6, 8, 10) and act in ("relu", "gelu")
            return x

        result = self.run_search(objective, None)
        assert len(result.trials) == self.trials_per_search
        assert all(t.state is TrialState.COMPLETE and set(t.params) == {"x", "lr", "n", "act"} for t in result.trials)

    # -- laws §9 seeds ----------------------------------------------------------------
    @pytest.mark.parametrize("seed", [-1, 2**32, 2**70])
    def test_a_seed_out_of_range_is_refused_before_any_trial(self, seed: int) -> None:
        ran: list[int] = []

        def objective(trial: Trial) -> float:
            ran.append(trial.number)
            return 0.0

        with pytest.raises(InvalidArgument, match="seed must be an int from 0 to 2"):
            self.run_search(objective, {"c": Categorical([1, 2])}, seed=seed)
        assert ran == []

    def test_same_seed_repeats_the_trials(self) -> None:
        self.require("seedable")

        def prop(space: dict[str, Param], seed: int) -> None:
            runs = [self.run_search(lambda trial: 0.0, space, seed=seed) for _ in range(2)]
            assert [t.params for t in runs[0].trials] == [t.params for t in runs[1].trials]

        self.check(prop, self.spaces(), st.integers(0, 2**31 - 1))


def _tree(directory: Path) -> dict[str, str]:
    """Every file under `directory` with a digest of its bytes."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
