"""The ``optuna`` backend: hpcore's trials driven through ``optuna.Study.optimize``.

Rules:
- every trial runs inside ``study.optimize`` (heartbeats, callbacks, ``gc_after_trial``
  and ``n_jobs`` threads are Optuna's), through the core's ``TrialRunner.run``, so the core's
  rules decide each trial's end; Optuna is then told the same end: COMPLETE with the
  values, PRUNED, or FAIL (NaN and infinite values included, which Optuna alone would keep);
- trial numbers are Optuna's; ``hpcore_load_trials`` returns the finished trials the study
  already holds, and after the run the ledger takes in those other workers finished; a
  search resumed from an hpcore ``journal=`` into an empty study replays the journal first
  (its trials only: past a gap in the journal's numbers, hpcore's numbers are Optuna's plus
  ``ledger.number_offset``);
- ``max_trials`` is the study's total: the run stops once the storage holds that many
  trials that are finished or running;
- ``trial.report(value, step)`` goes to the Optuna trial, whose pruner decides;
- an ``optuna.TrialPruned`` raised by the objective prunes, as ``hpcore.TrialPruned`` does;
- as a member of an ``hpcore.Portfolio`` it proposes trial by trial (``hpcore_ask``: the study's
  ``ask``, numbered by the search; ``hpcore_tell``: its ``tell``), and the other members' trials
  are added to its study marked warm (``hpcore_tell_unproposed``), so its sampler learns from all.

Optuna is imported when a search starts, never when the plugin loads.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hpcore import (
    Backend, Capabilities, FrozenTrial, NativeForm, SearchResult, Study, Trial, TrialRunner, TrialState, hookimpl,
)

from hp_optuna import optuna_internals
from hp_optuna.distributions import Distributions, space_distributions
from hp_optuna.trial import OptunaTrial
from hp_optuna.records import WARM, finished_trials, number_offset
from hp_optuna.options import KNOWN_OPTIONS, build_study, check_options, open_stored, run_options, study_directions
from hp_optuna.replay import in_space, replay

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial as OptunaFrozenTrial


@dataclass
class OptunaSearch:
    """One search's Optuna study, the distributions of its neutral space, the warm trials it holds, the trials asked one by one."""

    optuna_study: optuna.Study
    distributions: Distributions
    told: set[str]  # the warm trials the study holds (`_told_key`)
    asked: dict[int, optuna.Trial] = field(default_factory=dict)  # hpcore number -> its trial, until told


class _TrialFailed(Exception):
    """Tells Optuna that hpcore ruled the trial FAILED; the message is the reason."""


class OptunaBackend(Backend):
    name = "optuna"
    engine = "optuna"
    extra = "optuna"
    options = frozenset(KNOWN_OPTIONS)
    capabilities = Capabilities(
        multi_objective=True,
        pruning=True,
        define_by_run=True,
        seedable=True,
        parallel=True,
        distributed=True,
        resumable=True,
        learns=True,
        native_spaces=("function",),
    )
    native_forms = (NativeForm("function", "a function of the trial, an Optuna hp_space(trial)", callable),)
    pruning_options = frozenset({"pruner"})
    default_priority = 30  # transformers' first choice

    def load_stored(self, storage: str, study_name: str) -> SearchResult | None:
        """A study in an Optuna storage URL (``sqlite:///runs.db``, ``postgresql://...``); None for anything else."""
        if "://" not in storage:
            return None
        optuna_study = open_stored(storage, study_name)
        return SearchResult(finished_trials(optuna_study), study_directions(optuna_study), self.name, native=optuna_study)

    def fixed_native_trial(self, values: Mapping[str, Any], number: int) -> optuna.trial.FixedTrial:
        """An ``optuna.trial.FixedTrial`` answering ``values``, as code given the Optuna trial expects."""
        import optuna

        return optuna.trial.FixedTrial(dict(values), number)

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        optuna_internals.check()
        check_options(study.settings.options)
        run_options(study.settings.options)
        distributions = space_distributions(study.settings.space)  # refuses what Optuna cannot sample
        study.native = build_study(study)
        held = study.native.get_trials(deepcopy=False)
        told = {_told_key(frozen.params, frozen.values) for frozen in held if WARM in frozen.system_attrs}
        study.backend_state = OptunaSearch(study.native, distributions, told)
        return True

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
        """Optuna's sampler learns from the trials it did not propose (docs/laws.md §9, §13). Into a
        study that is empty as the search starts, a journal's trials are replayed as its own record;
        every other trial (a warm start's, a journal's beside a study that holds trials, another
        portfolio member's) is added marked warm, once. The sampler hpcore created goes on with the resumed seed; a user's keeps its own."""
        state: OptunaSearch = study.backend_state
        warm = {id(trial) for trial in study.warm_trials}
        starting = study.ledger.recorded == 0 and not state.optuna_study.get_trials(deepcopy=False)
        journal = [trial for trial in trials if id(trial) not in warm] if starting else []
        replay(state.optuna_study, journal, in_space(study.settings.space))
        others = [trial for trial in trials if not journal or id(trial) in warm]
        new = [trial for trial in others if _told_key(trial.params, trial.values) not in state.told]
        replay(state.optuna_study, new, in_space(study.settings.space), warm=True)
        state.told.update(_told_key(trial.params, trial.values) for trial in new)
        options = study.settings.options
        if seed is not None and seed != study.settings.seed and options.get("sampler") is None and options.get("study") is None:
            import optuna

            state.optuna_study.sampler = optuna.samplers.TPESampler(seed=seed)

    @hookimpl
    def hpcore_ask(self, study: Study) -> OptunaTrial:
        """One trial asked of the study, numbered by the search (a `Portfolio` member proposes this way)."""
        state: OptunaSearch = study.backend_state
        optuna_trial = state.optuna_study.ask()
        number = study.ledger.next_number()
        state.asked[number] = optuna_trial
        return OptunaTrial(optuna_trial, state.distributions, number - optuna_trial.number)

    @hookimpl
    def hpcore_tell(self, study: Study, trial: FrozenTrial) -> None:
        """The study is told the end of a trial it was asked: the values, PRUNED, or FAIL."""
        from optuna.trial import TrialState as OptunaState

        state: OptunaSearch = study.backend_state
        optuna_trial = state.asked.pop(trial.number, None)
        if optuna_trial is None:
            return
        if trial.state is TrialState.COMPLETE:
            state.optuna_study.tell(optuna_trial, list(trial.values))
        else:
            state.optuna_study.tell(optuna_trial, state=OptunaState.PRUNED if trial.state is TrialState.PRUNED else OptunaState.FAIL)

    @hookimpl
    def hpcore_load_trials(self, study: Study) -> Sequence[FrozenTrial]:
        return finished_trials(study.native)

    @hookimpl
    def hpcore_should_prune(self, study: Study, trial: Trial, value: float, step: int) -> bool:
        optuna_trial = trial.optuna_trial  # type: ignore[attr-defined]
        optuna_trial.report(value, step)
        return bool(optuna_trial.should_prune())

    @hookimpl
    def hpcore_optimize(self, study: Study, runner: TrialRunner) -> bool:
        import optuna

        state: OptunaSearch = study.backend_state
        optuna_study = state.optuna_study
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(optuna_study)  # a killed worker's trial, where heartbeats tell
        offset = number_offset(optuna_study.get_trials(deepcopy=False))
        n_trials = study.budget.trials_left()
        timeout = study.budget.time_left()
        if n_trials > 0 and (timeout is None or timeout > 0):
            options = run_options(study.settings.options)
            callbacks = list(options.callbacks)
            if study.settings.max_trials is not None:
                callbacks.append(_StopAtTotal(study.settings.max_trials))
            optuna_study.optimize(
                _objective(runner, study.settings.n_objectives, state.distributions, offset),
                n_trials=n_trials,
                timeout=timeout,
                n_jobs=study.settings.n_jobs,
                catch=(_TrialFailed,),
                callbacks=callbacks or None,
                gc_after_trial=options.gc_after_trial,
                show_progress_bar=options.show_progress_bar,
            )
        study.ledger.load(finished_trials(optuna_study, skip=study.ledger))  # those other workers finished meanwhile
        return True


def _objective(runner: TrialRunner, n_objectives: int, distributions: Distributions, offset: int) -> Callable[[optuna.Trial], Any]:
    """The function ``study.optimize`` calls: the core runs the trial, Optuna is told its end."""
    import optuna

    complete, pruned = TrialState.COMPLETE, TrialState.PRUNED  # looked up once: enum members are slow to look up on Python 3.11

    def objective(optuna_trial: optuna.Trial) -> float | list[float]:
        trial = runner.run(OptunaTrial(optuna_trial, distributions, offset))
        if trial.state is complete:
            return trial.values[0] if n_objectives == 1 else trial.values
        if trial.state is pruned:
            raise optuna.TrialPruned()
        raise _TrialFailed(trial.error)

    return objective


class _StopAtTotal:
    """An Optuna callback that stops the study once the storage holds `total` finished or running trials."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __call__(self, optuna_study: optuna.Study, frozen: OptunaFrozenTrial) -> None:
        from optuna.trial import TrialState as OptunaState

        held = optuna_study.get_trials(
            deepcopy=False,
            states=(OptunaState.COMPLETE, OptunaState.PRUNED, OptunaState.FAIL, OptunaState.RUNNING),
        )
        if sum(WARM not in frozen.system_attrs for frozen in held) >= self.total:
            optuna_study.stop()


def _told_key(params: Mapping[str, Any], values: Sequence[float] | None) -> str:
    """What tells one warm trial from another: its values by name and its objective values."""
    return repr((sorted(params.items()), list(values or ())))
