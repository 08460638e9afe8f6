"""The `ray` backend: Ray Tune's `Tuner` drives the search; each trial runs hpcore's `execute_trial` in a Ray worker.

Rules:
- options: the names in `OPTIONS` (the core refuses others);
- one direction: Tune's metric and mode are set from it, so schedulers and search
  algorithms see the computed objective; several: one metric per objective, a search
  algorithm without a metric gets them all, and a scheduler other than FIFO is refused;
- `n_trials` (this call's trials, capped by `max_trials`) becomes `num_samples` (a
  grid_search space: enough samples to cover it, and the search stops once that many
  trials have ended);
- `n_jobs` > 1 caps concurrent trials unless `max_concurrent_trials` is given;
- `seed` seeds the default search (Tune's BasicVariantGenerator, which then caps concurrent
  trials itself), never a `search_alg` the user passes; a resumed or warm-started search seeds
  it with the resumed seed the core gives (docs/laws.md §9), so it proposes new configs;
- the trials Tune did not propose (a journal's, a warm start's) are told to a `search_alg` the
  user passes, as the Tuner is built, through Tune's `Searcher.add_evaluated_point` (one
  objective: COMPLETE with its value, PRUNED, or an error); a searcher that cannot take them
  (multi-objective, or no `add_evaluated_point`) starts from nothing, with one warning;
- a search keeps one journal, the core's: the user's `journal=`, or else the run journal,
  `hpcore_trials.jsonl` in the run's directory (`storage_path`/`name`), which
  `hpcore_optimize` opens as the search's journal (`Ledger.use_journal`), so each ended
  trial is written once, to one locked file, as it ends;
- `resume=True` continues the run directory's search: the run journal's trials are loaded
  (they never run again), and this call runs a new Tune run in the same directory whose
  trials are numbered after them; trials the previous call had not ended are not in the
  journal and are not run again under their numbers (`hpcore_load_trials` reads them and
  opens nothing for writing). With `journal=`, that journal is the search's record: a run
  journal there is read, never written;
- through Ray Client (`ray.init("ray://...")`), Tune's driver runs on the cluster and the
  search's callback with it; its events come back to this process (`hp_ray.client`), so the
  search runs as a local one does;
- without `resume=True`, a run directory that holds a run journal starts over (the old
  journal is removed, with a warning).
"""

from __future__ import annotations

import functools
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpcore import (
    Backend,
    Capabilities,
    Direction,
    FrozenTrial,
    InvalidArgument,
    NativeForm,
    Journal,
    Study,
    TrialRunner,
    TrialState,
    check_count,
    hookimpl,
    read_journal,
    space_form,
)

from hp_ray.space import is_tune_space
from hp_ray.worker import METRIC

log = logging.getLogger("hp_ray")

JOURNAL = "hpcore_trials.jsonl"
OPTIONS = frozenset(
    {
        "address",
        "runtime_env",
        "search_alg",
        "scheduler",
        "resources_per_trial",
        "max_concurrent_trials",
        "storage_path",
        "name",
        "max_failures",
        "callbacks",
        "resume",
        "reuse_actors",
        "progress_reporter",
    }
)


@dataclass
class RaySearch:
    """One search's Tune set-up, built by `hpcore_prepare`, and what `hpcore_tell_unproposed` told it."""

    options: dict[str, Any]
    param_space: dict[str, Any]
    neutral: dict[str, Any] | None  # the neutral space, when the search was given one
    storage_path: str
    name: str
    metrics: list[str]
    seed: int | None = None  # the seed to propose with
    told: list[FrozenTrial] = field(default_factory=list)  # trials Tune did not propose

    @property
    def space(self) -> Any:
        """The space trials are sampled from: the neutral one when given, else Tune's."""
        return self.neutral if self.neutral is not None else self.param_space

    @property
    def path(self) -> str:
        return os.path.join(self.storage_path, self.name)

    @property
    def journal_path(self) -> Path:
        return Path(self.path, JOURNAL)

    @property
    def resuming(self) -> bool:
        journal = self.journal_path  # an empty file: a driver killed before it wrote the header
        return bool(self.options.get("resume")) and journal.exists() and journal.stat().st_size > 0


class RayBackend(Backend):
    name = "ray"
    engine = "ray"
    extra = "ray"
    options = OPTIONS
    capabilities = Capabilities(
        multi_objective=True,
        pruning=True,
        seedable=True,
        parallel=True,
        resumable=True,
        out_of_process=True,
        learns=True,  # with a learning search_alg, such as Tune's OptunaSearch
        native_spaces=("ray", "function"),
    )
    native_forms = (
        NativeForm("ray", "a Ray Tune dict", is_tune_space),
        NativeForm("function", "a function returning a Ray Tune dict when called with None", callable),
    )
    pruning_options = frozenset({"scheduler"})
    default_priority = 20  # after optuna, before wandb: transformers' order

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        from hp_ray import cluster
        from hp_ray.resources import check_fits
        from hp_ray.space import resolve
        from hp_ray.worker import metric_names

        settings = study.settings
        options = dict(settings.options)
        _check_options(options, settings.n_objectives)
        param_space, neutral = resolve(settings.space)
        storage = options.get("storage_path") or os.path.expanduser("~/ray_results")
        name = options.get("name") or f"hpcore-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        study.backend_state = RaySearch(
            options, param_space, neutral, os.path.abspath(storage), name, metric_names(settings.n_objectives), settings.seed
        )
        cluster.connect(options.get("address"), options.get("runtime_env"))
        check_fits(options.get("resources_per_trial"))
        return True

    @hookimpl
    def hpcore_load_trials(self, study: Study) -> list[FrozenTrial]:
        """Resuming: the run journal's trials. Nothing is opened for writing here."""
        search: RaySearch = study.backend_state
        if not search.resuming:
            if search.options.get("resume"):
                log.info("nothing to resume at %s; starting a new run there", search.path)
            return []
        return read_journal(search.journal_path)[1]

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: list[FrozenTrial], seed: int | None) -> None:
        """Kept for the Tuner: the seed of the default search, the trials for a user's `search_alg`."""
        search: RaySearch = study.backend_state
        search.seed, search.told = seed, list(trials)

    @hookimpl
    def hpcore_optimize(self, study: Study, runner: TrialRunner) -> bool:
        """Keep the run journal as the search's journal (without `journal=`), build the callback and the Tuner,
        run it, and end as the callback says."""
        from hp_ray import client
        from hp_ray.callback import SearchCallback, interrupts_stop

        search: RaySearch = study.backend_state
        if study.budget.trials_left() == 0:
            return True
        if study.ledger.journal is None:  # journal= is the search's one journal when given
            _keep_run_journal(study, search)
        metric = search.metrics[0] if len(search.metrics) == 1 else None
        callback = SearchCallback(search.path, study, runner, search.space, metric, _budget(study, search))
        try:
            if client.connected():  # Tune's driver runs on the cluster: its events come back here
                build = functools.partial(_tuner, study, search)
                study.native, callback.error = client.fit(study, runner, build, search.space, metric, _budget(study, search))
            else:
                tuner = _tuner(study, search, callback)
                with interrupts_stop(callback):
                    study.native = tuner.fit()
                if callback.interrupted:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            callback.fail_running()
            raise
        finally:
            callback.close()
        if callback.error is not None:
            raise callback.error
        return True


def _keep_run_journal(study: Study, search: RaySearch) -> None:
    """The run journal as the search's journal: the ledger writes each ended trial to it, once."""
    if not search.resuming and search.journal_path.exists():
        log.warning("%s holds an earlier run's trials; starting over", search.path)
        search.journal_path.unlink()
    settings = study.settings
    study.ledger.use_journal(Journal(search.journal_path, settings.directions, settings.space, space_form(settings.space)))


def _tuner(study: Study, search: RaySearch, callback: Any) -> Any:
    from ray import tune
    from ray.tune.search.basic_variant import BasicVariantGenerator

    from hp_ray.space import samples_for

    settings = study.settings
    options = search.options
    single = settings.n_objectives == 1
    modes = ["min" if d is Direction.MINIMIZE else "max" for d in settings.directions]
    search_alg = options.get("search_alg")
    if search_alg is not None and settings.seed is not None:
        log.info("seed= is not applied to the search_alg you passed; it keeps its own seed")
    param_space = search.param_space
    tellable = bool(search.told) and single and hasattr(search_alg, "add_evaluated_point")  # a Tune Searcher
    if search_alg is not None and (tellable or not single) and getattr(search_alg, "metric", None) is None:
        search_alg.set_search_properties(search.metrics[0] if single else search.metrics, modes[0] if single else modes, param_space)
        param_space = {}
    if search_alg is not None and search.told:
        _tell_searcher(search_alg, search.told, single)
    concurrent = options.get("max_concurrent_trials") or (settings.n_jobs if settings.n_jobs > 1 else None)
    if search_alg is None and settings.seed is not None:
        # Tune caps concurrency only for a Searcher: the default search, built here, caps itself
        search_alg = BasicVariantGenerator(random_state=search.seed, max_concurrent=concurrent or 0)
        concurrent = None
    tune_config = tune.TuneConfig(
        metric=search.metrics[0] if single else None,
        mode=modes[0] if single else None,
        search_alg=search_alg,
        scheduler=options.get("scheduler"),
        num_samples=samples_for(study.budget.trials_left(), search.param_space),
        max_concurrent_trials=concurrent,
        reuse_actors=options.get("reuse_actors", True),
        trial_name_creator=callback.name_trial,
    )
    run_config = tune.RunConfig(
        name=search.name,
        storage_path=search.storage_path,
        callbacks=[callback, *(options.get("callbacks") or [])],
        stop=callback.stopper,
        failure_config=tune.FailureConfig(max_failures=options.get("max_failures", 0)),
        progress_reporter=options.get("progress_reporter"),
        verbose=1 if options.get("progress_reporter") is not None else 0,
    )
    return tune.Tuner(_trainable(study, search), param_space=param_space, tune_config=tune_config, run_config=run_config)


def _tell_searcher(searcher: Any, trials: list[FrozenTrial], single: bool) -> None:
    """Each trial Tune did not propose, told to the user's searcher; one warning when it cannot take them."""
    try:
        if not single:
            raise NotImplementedError("Tune's add_evaluated_point takes one value")
        if not hasattr(searcher, "add_evaluated_point"):
            raise NotImplementedError("it has no add_evaluated_point")
        for trial in trials:
            value = trial.values[0] if trial.state is TrialState.COMPLETE else None
            searcher.add_evaluated_point(
                dict(trial.params), value, error=trial.state is TrialState.FAILED, pruned=trial.state is TrialState.PRUNED,
                intermediate_values=[trial.intermediate[step] for step in sorted(trial.intermediate)] or None,
            )
    except NotImplementedError as exc:
        log.warning(
            "search_alg %s cannot be told of the %d trials it did not propose (%s): it starts from nothing",
            type(searcher).__name__, len(trials), exc or "its add_evaluated_point is Tune's stub",
        )


def _trainable(study: Study, search: RaySearch) -> Any:
    from ray import tune

    from hp_ray.shipping import trainable
    from hp_ray.worker import Payload

    settings = study.settings
    payload = Payload(
        objective=settings.objective,
        space=search.space,
        n_objectives=settings.n_objectives,
        compute_objective=settings.compute_objective,
        catch=settings.catch,
    )
    fn = trainable(payload)
    resources = search.options.get("resources_per_trial")
    return tune.with_resources(fn, resources) if resources else fn


def _budget(study: Study, search: RaySearch) -> int | None:
    """Trials this call records before the callback stops the run at once: set where a grid can overshoot."""
    from hp_ray.space import grid_size

    return study.budget.trials_left() if grid_size(search.param_space) > 1 else None


def _check_options(options: dict[str, Any], n_objectives: int) -> None:
    scheduler = options.get("scheduler")
    if n_objectives > 1 and scheduler is not None and type(scheduler).__name__ != "FIFOScheduler":
        raise InvalidArgument(
            f"scheduler {type(scheduler).__name__} stops trials by one metric, but this search has "
            f"{n_objectives} objectives: use one direction, or leave scheduler unset."
        )
    for key, holder in (("scheduler", scheduler), ("search_alg", options.get("search_alg"))):
        metric = getattr(holder, "metric", None) if holder is not None else None
        names = [metric] if isinstance(metric, str) else metric
        if metric is not None and not (isinstance(names, list) and all(str(m).startswith(METRIC) for m in names)):
            raise InvalidArgument(
                f"{key} was built with metric={metric!r}: leave metric and mode unset, hpcore sets them "
                "from direction= (the metric Tune sees is the computed objective)."
            )
    check_count("max_failures (-1 retries forever)", options.get("max_failures", 0), minimum=-1)
    check_count("max_concurrent_trials", options.get("max_concurrent_trials"), optional=True)
    resources = options.get("resources_per_trial")
    if resources is not None and not isinstance(resources, dict):
        raise InvalidArgument(f"resources_per_trial must be a dict such as {{'cpu': 1, 'gpu': 0}}, got {resources!r}.")
