"""The ``optuna`` backend: hpcore's trials driven through ``optuna.Study.optimize``.

Rules:
- every trial runs inside ``study.optimize`` (heartbeats, callbacks, ``gc_after_trial``
  and ``n_jobs`` threads are Optuna's), through the core's ``run_trial``, so the core's
  rules decide each trial's end; Optuna is then told the same end: COMPLETE with the
  values, PRUNED, or FAIL (NaN and infinite values included, which Optuna alone would keep);
- trial numbers are Optuna's; the ledger starts from the finished trials the study
  already holds and, after the run, takes in those other workers finished; a search
  resumed from an hpcore ``journal=`` into an empty study replays the journal first;
- ``max_trials`` is the study's total: the run stops once the storage holds that many
  trials that are finished or running;
- ``trial.report(value, step)`` goes to the Optuna trial, whose pruner decides;
- an ``optuna.TrialPruned`` raised by the objective prunes, as ``hpcore.TrialPruned`` does.

Optuna is imported when a search starts, never when the plugin loads.
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpcore.backend import Backend, Capabilities
from hpcore.errors import TrialPruned
from hpcore.hookspecs import hookimpl
from hpcore.study import Study, FrozenTrial, TrialState
from hpcore.trial import Trial

from hp_optuna.handle import Distributions, OptunaHandle, space_distributions
from hp_optuna.ledger import finished_trials
from hp_optuna.options import build_study, check_options, run_options
from hp_optuna.replay import replay

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial as OptunaFrozenTrial


class _TrialFailed(Exception):
    """Tells Optuna that hpcore ruled the trial FAILED; the message is the reason."""


class OptunaBackend(Backend):
    name = "optuna"
    engine = "optuna"
    extra = "optuna"
    capabilities = Capabilities(
        multi_objective=True,
        pruning=True,
        define_by_run=True,
        seedable=True,
        parallel=True,
        distributed=True,
        resumable=True,
        native_spaces=("function",),
    )

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        check_options(study.options)
        run_options(study.options)
        study.objective = _pruned_the_optuna_way(study.objective)
        study.engine = build_study(study)
        return True

    @hookimpl
    def hpcore_load_trials(self, study: Study) -> Sequence[FrozenTrial]:
        import optuna

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(study.engine)  # a killed worker's trial, where heartbeats tell
        journal = study.journal.trials if study.journal is not None else []
        if journal and not study.engine.get_trials(deepcopy=False):
            replay(study.engine, journal, study.space)
            return journal
        return finished_trials(study.engine)

    @hookimpl
    def hpcore_should_prune(self, study: Study, trial: Trial, value: float, step: int) -> bool:
        optuna_trial = trial.optuna_trial  # type: ignore[attr-defined]
        optuna_trial.report(value, step)
        return bool(optuna_trial.should_prune())

    @hookimpl
    def hpcore_optimize(self, study: Study, run_trial: Callable[[Trial], FrozenTrial]) -> bool:
        optuna_study: optuna.Study = study.engine
        n_trials = study.trials_left()
        timeout = None
        if study.timeout is not None:
            timeout = study.timeout - (time.monotonic() - study.started_at)
        if n_trials > 0 and (timeout is None or timeout > 0):
            options = run_options(study.options)
            callbacks = list(options.callbacks)
            if study.max_trials is not None:
                callbacks.append(_StopAtTotal(study.max_trials))
            optuna_study.optimize(
                _objective(run_trial, len(study.directions), space_distributions(study.space)),
                n_trials=n_trials,
                timeout=timeout,
                n_jobs=study.n_jobs,
                catch=(_TrialFailed,),
                callbacks=callbacks or None,
                gc_after_trial=options.gc_after_trial,
                show_progress_bar=options.show_progress_bar,
            )
        known = {t.number for t in study.trials}
        study.load(finished_trials(optuna_study, skip=known))
        return True


def _objective(
    run_trial: Callable[[Trial], FrozenTrial], n_objectives: int, distributions: Distributions
) -> Callable[[optuna.Trial], Any]:
    """The function ``study.optimize`` calls: the core runs the trial, Optuna is told its end."""
    import optuna

    def objective(optuna_trial: optuna.Trial) -> float | list[float]:
        trial = run_trial(OptunaHandle(optuna_trial, distributions))
        if trial.state is TrialState.COMPLETE:
            return trial.values[0] if n_objectives == 1 else trial.values
        if trial.state is TrialState.PRUNED:
            raise optuna.TrialPruned()
        raise _TrialFailed(trial.error)

    return objective


def _pruned_the_optuna_way(objective: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The user's objective, with ``optuna.TrialPruned`` read as hpcore's prune signal."""
    import optuna

    @functools.wraps(objective)
    def wrapped(trial: Any) -> Any:
        try:
            return objective(trial)
        except optuna.TrialPruned as exc:
            raise TrialPruned(*exc.args) from exc

    return wrapped


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
        if len(held) >= self.total:
            optuna_study.stop()
