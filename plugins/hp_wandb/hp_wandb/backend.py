"""The ``wandb`` backend: W&B sweep configs, run as a local sweep logged as W&B runs, or as a W&B sweep.

Rules:
- the mode is decided once per search (`hp_wandb.mode`) and logged: ``offline`` and ``disabled``
  run the local sweep (``disabled`` logs no run); ``online`` creates a W&B sweep (or joins
  ``sweep_id=``) and runs ``wandb.agent(count=n_trials)``, whose server samples each run;
- a local sweep keeps its record (`hp_wandb.record`), so ``sweep_id=`` continues it too: its
  trials are loaded, none runs again, and the search goes on after them;
- the local sweep is the core's loop (ask → run → tell) over `hp_wandb.methods`: every trial
  is a W&B run (`hp_wandb.runs`), W&B's current run while the objective runs; intermediate
  values are logged per step and the objectives in the summary; hyperband stops trials through
  ``hpcore_should_prune``; ``run_cap`` caps the search's trials and ``metric.target`` stops it
  once a trial reaches the target;
- online, each run's config is the trial's parameters; the summary holds the metric the server's
  sweep models (the value hpcore computed). Online sweeps take one objective and a space known
  up front (a sweep config or a neutral space); an error the core would re-raise (a programming
  error, Ctrl-C) stops the agent's later runs and is raised once the agent returns.

wandb (and Optuna) are imported when a search starts, never when the plugin loads.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hpcore import (
    EXHAUSTED,
    Backend,
    Capabilities,
    Exhausted,
    FrozenTrial,
    InvalidArgument,
    InvalidSpace,
    Journal,
    NativeForm,
    Param,
    Study,
    Trial,
    TrialRunner,
    TrialState,
    UnknownParameter,
    hookimpl,
    read_journal,
    run_loop,
    space_form,
)

from hp_wandb import mode as modes
from hp_wandb import record as records
from hp_wandb.config import Plan, is_sweep_config, make_plan, online_config
from hp_wandb.methods import HyperbandStopper, Method, make_method
from hp_wandb.params import from_json
from hp_wandb.runs import RunWriter, check_dir, check_settings, check_tags

log = logging.getLogger("hp_wandb")

OPTIONS = (
    "project", "entity", "name", "mode", "sweep_id", "method", "metric", "early_terminate", "run_cap",
    "dir", "tags", "settings",
)


@dataclass
class WandbSweep:
    """`SearchResult.native` of a wandb search: where its runs went and how it was sampled."""

    mode: str  # "online", "offline" or "disabled"
    name: str  # the sweep's name: the group of its runs
    method: str
    config: dict[str, Any] | None  # the sweep config as run (online: as sent to wandb.sweep)
    sweep_id: str | None = None  # the W&B sweep's id online; a local sweep's own (hp_wandb.record)
    project: str | None = None
    entity: str | None = None
    dir: str | None = None  # the wandb/ folder offline runs were written to (`wandb sync DIR/offline-run-*`)
    optuna_study: Any = None  # method bayes: the optuna.Study whose TPE sampler proposed the trials
    run_ids: dict[int, str] = field(default_factory=dict)  # trial number -> W&B run id
    run_dirs: dict[int, str] = field(default_factory=dict)  # trial number -> its offline run's folder
    record: str | None = None  # a local sweep's record, which sweep_id= continues (None with journal=)

    def note(self, number: int, run: Any) -> None:
        """Keep trial `number`'s run id and, offline, where its files are."""
        self.run_ids[number] = str(getattr(run, "id", "") or "")
        if self.mode == "offline":
            settings = getattr(run, "settings", None)
            self.run_dirs[number] = str(getattr(settings, "sync_dir", "") or "")
            self.dir = self.dir or str(getattr(settings, "wandb_dir", "") or "") or None


class WandbTrial(Trial):
    """A trial of the local sweep; ``wandb_run`` is its W&B run (None when disabled or W&B failed)."""

    def __init__(self, number: int, sweep: LocalSweep, preset: dict[str, Any], optuna_trial: Any = None) -> None:
        super().__init__(number)
        self.optuna_trial = optuna_trial
        self.wandb_run: Any = None
        self._sweep = sweep
        self._preset = preset

    def _sample(self, name: str, param: Param) -> Any:
        if name in self._preset:
            return self._preset[name]
        value = self._sweep.method.define_by_run(self, name, param)
        if param.contains(value):
            self._sweep.runs.add_config(self.wandb_run, {name: value})
        return value

    def _sample_native(self, space: Any) -> Mapping[str, Any]:
        return self._sweep.plan.nest(self._preset)

    def config(self) -> dict[str, Any]:
        """The run config: the parameters sampled up front, nested as the sweep config nests them."""
        return self._sweep.plan.nest(self._preset)


class OnlineTrial(Trial):
    """A run of a W&B sweep: its parameters are the config the W&B server gave the run."""

    def __init__(self, number: int, config: Mapping[str, Any], run: Any) -> None:
        super().__init__(number)
        self.wandb_run = run
        self._config = dict(config)

    def _sample(self, name: str, param: Param) -> Any:
        if name not in self._config:
            raise UnknownParameter(
                f"{name!r} is not among the W&B sweep's parameters {sorted(self._config)}: add it to the space "
                "(an online sweep samples on the server, so nothing is sampled define-by-run)."
            )
        return from_json(param, self._config[name])

    def _sample_native(self, space: Any) -> Mapping[str, Any]:
        return dict(self._config)

    def config(self) -> dict[str, Any]:
        return dict(self._config)


class SweepRuns:
    """The W&B runs of one search's trials, by trial number while they run, noted on `info`."""

    info: WandbSweep

    def open_runs(self, kind: str, plan: Plan, options: Mapping[str, Any]) -> None:
        self.runs = RunWriter(
            kind,
            group=plan.name,
            project=plan.project,
            entity=plan.entity,
            directory=check_dir(options.get("dir")),
            tags=check_tags(options.get("tags")),
            settings=check_settings(options.get("settings")),
            metric_names=plan.metric_names,
        )
        self.active: dict[int, Any] = {}  # trial number -> its W&B run, while it runs

    def track(self, number: int, run: Any) -> None:
        if run is not None:
            self.active[number] = run
            self.info.note(number, run)

    def trial_reported(self, trial: Trial, value: float, step: int) -> None:
        self.runs.report(self.active.get(trial.number), value, step)

    def trial_finished(self, record: FrozenTrial) -> None:
        self.runs.finish(self.active.pop(record.number, None), record)


class LocalSweep(SweepRuns):
    """One search's local sweep: its plan, method, runs and early termination."""

    def __init__(self, study: Study, plan: Plan, mode: modes.Mode, options: Mapping[str, Any]) -> None:
        settings = study.settings
        self.plan = plan
        self.method: Method = make_method(plan, settings.seed, settings.directions)
        self.open_runs("disabled" if mode.kind == "disabled" else "offline", plan, options)
        self.stopper = None
        if plan.hyperband is not None and not settings.is_multi_objective:
            self.stopper = HyperbandStopper(plan.hyperband, settings.directions[0])
        self.handles: dict[int, Any] = {}  # trial number -> its Optuna trial (method bayes)
        self.info = WandbSweep(
            mode=mode.kind, name=plan.name, method=plan.method, config=plan.wandb_config, project=plan.project,
            entity=plan.entity, optuna_study=self.method.optuna_study, sweep_id=options.get("sweep_id") or records.new_id(),
        )
        self.record = records.record_path(str(self.info.sweep_id), options.get("dir"))

    def told(self, study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
        """Trials it did not propose: the method learns of them; a resumed search's count for hyperband's bands."""
        if self.stopper is not None:
            for record in study.ledger.trials:
                self.stopper.add(record)
        if seed != study.settings.seed:
            self.method.reseed(seed)
        self.method.told(trials)

    def ask(self, study: Study) -> WandbTrial | Exhausted:
        if self.plan.run_cap is not None and len(study.ledger) >= self.plan.run_cap:
            return EXHAUSTED
        proposed = self.method.propose()
        if proposed is None:
            return EXHAUSTED
        values, handle = proposed
        number = study.ledger.next_number()
        if handle is not None:
            self.handles[number] = handle
        return WandbTrial(number, self, values, handle)

    def tell(self, study: Study, record: FrozenTrial) -> None:
        self.method.tell(record, self.handles.pop(record.number, None))
        if self.stopper is not None:
            self.stopper.add(record)
        target = self.plan.target
        if target is not None and record.state is TrialState.COMPLETE:
            sign = study.settings.directions[0].sign
            reached = sign * record.values[0] <= sign * target
            if reached:
                log.info("trial %d reached the metric's target %s: the sweep starts no more trials", record.number, target)
                study.budget.stop()

    def should_prune(self, trial: Trial, value: float, step: int) -> bool:
        optuna_trial = getattr(trial, "optuna_trial", None)
        if optuna_trial is not None:
            optuna_trial.report(value, step)  # TPE ranks a pruned trial by its last intermediate value
        return self.stopper is not None and self.stopper.should_stop(trial.number, trial.intermediate)

    def trial_started(self, trial: Trial) -> None:
        config = trial.config() if isinstance(trial, WandbTrial) else dict(trial.params)
        run = self.runs.start(trial.number, config)
        trial.wandb_run = run  # type: ignore[attr-defined]
        self.track(trial.number, run)


class OnlineSweep(SweepRuns):
    """One search run as a W&B sweep: ``wandb.sweep`` (or ``sweep_id=``), then ``wandb.agent``."""

    def __init__(self, study: Study, plan: Plan, options: Mapping[str, Any]) -> None:
        settings = study.settings
        if settings.is_multi_objective:
            raise InvalidArgument(
                f"a W&B sweep on the server optimizes one metric, and this search has {settings.n_objectives} "
                "directions: use one direction, or mode='offline' for a local sweep of several objectives."
            )
        if settings.space is None:
            raise InvalidSpace(
                "a W&B sweep on the server must know its parameters up front: pass space= (a sweep config or a "
                "neutral space), or mode='offline' to sample define-by-run locally."
            )
        self.plan = plan
        self.config = online_config(plan, settings)
        self.sweep_id = options.get("sweep_id")
        self.open_runs("online", plan, options)
        self.info = WandbSweep(
            mode="online", name=plan.name, method=plan.method, config=self.config, sweep_id=self.sweep_id,
            project=plan.project, entity=plan.entity, dir=self.runs.directory,
        )
        if settings.seed is not None:
            log.info("seed=%d is not used: the W&B server samples an online sweep", settings.seed)

    def optimize(self, study: Study, runner: TrialRunner) -> None:
        import wandb

        if self.sweep_id is None:
            self.sweep_id = wandb.sweep(self.config, project=self.plan.project, entity=self.plan.entity)
            self.info.sweep_id = self.sweep_id
            log.info("created W&B sweep %s (%s)", self.sweep_id, self.plan.name)
        count = study.budget.trials_left()
        raised: list[BaseException] = []

        def train() -> None:
            if raised or not study.budget.claim():
                return
            try:
                run = wandb.run if wandb.run is not None else wandb.init(
                    dir=self.runs.directory, settings=wandb.Settings(**self.runs.settings)
                )
                config = {k: v for k, v in dict(run.config).items() if not str(k).startswith("_")}
                trial = OnlineTrial(study.ledger.next_number(), config, run)
                runner.run(trial)
            except BaseException as exc:  # the agent would swallow it: stop the agent's later runs, raise it after
                study.budget.stop()
                raised.append(exc)

        if count > 0:
            wandb.agent(self.sweep_id, function=train, count=count, project=self.plan.project, entity=self.plan.entity)
        if raised:
            raise raised[0]

    def trial_started(self, trial: Trial) -> None:
        self.track(trial.number, getattr(trial, "wandb_run", None))


class WandbBackend(Backend):
    name = "wandb"
    engine = "wandb"
    extra = "wandb"
    options = frozenset(OPTIONS)
    capabilities = Capabilities(
        multi_objective=True,
        pruning=True,
        define_by_run=True,
        seedable=True,
        resumable=True,
        learns=True,  # method bayes
        native_spaces=("wandb", "function"),
    )
    native_forms = (
        NativeForm("wandb", "a W&B sweep config", is_sweep_config),
        NativeForm("function", "a function returning a W&B sweep config when called with None", callable),
    )
    pruning_options = frozenset({"early_terminate"})
    default_priority = 10  # after optuna and ray: transformers' order

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        options = study.settings.options
        plan = make_plan(study.settings, options)
        sweep_id = options.get("sweep_id")
        if sweep_id is not None and (not isinstance(sweep_id, str) or not sweep_id):
            raise InvalidArgument(f"sweep_id must be the id of a W&B sweep (a string), got {sweep_id!r}.")
        mode = modes.decide(options.get("mode"))
        local_record = records.record_path(sweep_id, options.get("dir")) if sweep_id is not None else None
        if local_record is not None and mode.kind != "online" and not records.exists(local_record):
            if mode.implicit:
                modes.require_credentials("sweep_id= joins a sweep on the W&B server")
            raise InvalidArgument(
                f"sweep_id= joins a sweep on the W&B server, but the mode is {mode.kind} ({mode.reason}) and no local "
                f"sweep {sweep_id!r} is recorded under {local_record.parent}: pass mode='online' (after `wandb login`), "
                "the id and dir= of a local sweep run here, or drop sweep_id=."
            )
        state: LocalSweep | OnlineSweep
        if mode.kind == "online":
            state = OnlineSweep(study, plan, options)
            log.info("wandb: online, a W&B sweep on the server (%s)", mode.reason)
        else:
            state = LocalSweep(study, plan, mode, options)
            what = "logging no run" if mode.kind == "disabled" else f"logging each trial as an offline W&B run in group {plan.name!r}"
            line = f"wandb: {mode.kind} ({mode.reason}): a local {plan.method} sweep {what}"
            if mode.implicit:
                log.warning("%s; `wandb login` to sweep on the W&B server, `wandb sync` uploads offline runs", line)
            else:
                log.info(line)
        study.backend_state = state
        study.native = state.info
        return True

    @hookimpl
    def hpcore_load_trials(self, study: Study) -> list[FrozenTrial]:
        """A local sweep continued with sweep_id=: the trials of its record. Nothing is opened for writing here."""
        state = study.backend_state
        if isinstance(state, LocalSweep) and study.settings.options.get("sweep_id") is not None:
            return read_journal(state.record)[1]
        return []

    @hookimpl
    def hpcore_optimize(self, study: Study, runner: TrialRunner) -> None:
        state = study.backend_state
        if isinstance(state, OnlineSweep):
            state.optimize(study, runner)
            return
        if study.ledger.journal is None:  # the local sweep's record is the search's journal (hp_wandb.record)
            settings = study.settings
            journal = Journal(state.record, settings.directions, settings.space, space_form(settings.space))
            study.ledger.use_journal(journal)
            state.info.record = str(state.record)
        run_loop(study, runner)  # the core's loop drives the local sweep

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
        """A local sweep's method learns of the trials it did not propose and goes on with the resumed seed (docs/laws.md §9, §13)."""
        state = study.backend_state
        if isinstance(state, LocalSweep):
            state.told(study, trials, seed)

    @hookimpl
    def hpcore_ask(self, study: Study) -> WandbTrial | Exhausted:
        return study.backend_state.ask(study)

    @hookimpl
    def hpcore_should_prune(self, study: Study, trial: Trial, value: float, step: int) -> bool:
        state = study.backend_state
        return isinstance(state, LocalSweep) and state.should_prune(trial, value, step)

    @hookimpl
    def hpcore_tell(self, study: Study, trial: FrozenTrial) -> bool:
        state = study.backend_state
        if isinstance(state, LocalSweep):
            state.tell(study, trial)
        return True

    @hookimpl
    def hpcore_trial_started(self, study: Study, trial: Trial) -> None:
        if study.settings.backend == self.name and study.backend_state is not None:
            study.backend_state.trial_started(trial)

    @hookimpl
    def hpcore_trial_reported(self, study: Study, trial: Trial, value: float, step: int) -> None:
        if study.settings.backend == self.name and study.backend_state is not None:
            study.backend_state.trial_reported(trial, value, step)

    @hookimpl
    def hpcore_trial_finished(self, study: Study, trial: FrozenTrial) -> None:
        if study.settings.backend == self.name and study.backend_state is not None:
            study.backend_state.trial_finished(trial)
