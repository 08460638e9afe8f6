"""The `ray` backend: Ray Tune's `Tuner` drives the search; each trial runs hpcore's `execute_trial` in a Ray worker.

Rules:
- options: the names in `OPTIONS`; any other is an InvalidArgument naming it;
- one direction: Tune's metric and mode are set from it, so schedulers and search
  algorithms see the computed objective; several: one metric per objective, a search
  algorithm without a metric gets them all, and a scheduler other than FIFO is refused;
- `n_trials` becomes `num_samples` (a grid_search space: enough samples to cover
  `n_trials`, and the search stops once `n_trials` trials have ended);
- `n_jobs` > 1 caps concurrent trials unless `max_concurrent_trials` is given;
- `seed` seeds the default search (Tune's BasicVariantGenerator, which then caps concurrent
  trials itself), never a `search_alg` the user passes;
- every ended trial is also written to `hpcore_trials.jsonl` in the run's directory;
  `resume=True` restores the run with `Tuner.restore`, loads those trials, and trials
  already in it are never run again; `n_trials` is then the run's total, as in its first call
  (Tune may restore more pending trials than that; the surplus is cut off, not recorded);
  a run hp-ray stopped (timeout, an exception, the budget) is reopened first (see `reopen`),
  so trials it cut off run again and the search goes on to that total.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpcore import Backend, Capabilities, Direction, FrozenTrial, hookimpl, InvalidArgument, Study
from hpcore.journal import Journal

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
    }
)


@dataclass
class RayEngine:
    """Per-search state until the run ends (then `study.engine` is Tune's ResultGrid)."""

    options: dict[str, Any]
    param_space: dict[str, Any]
    neutral: dict[str, Any] | None  # the neutral space, when the search was given one
    storage_path: str
    name: str
    metrics: list[str]
    resuming: bool = False
    journal: Journal | None = None  # the run journal, opened by hpcore_load_trials
    finished: dict[int, dict[str, Any]] = field(default_factory=dict)  # its trials, when resuming
    budget: int | None = None  # trials this call records before it stops at once (see Driver)
    driver: Any = None

    @property
    def space(self) -> Any:
        """The space trials are sampled from: the neutral one when given, else Tune's."""
        return self.neutral if self.neutral is not None else self.param_space

    @property
    def path(self) -> str:
        return os.path.join(self.storage_path, self.name)


class RayBackend(Backend):
    name = "ray"
    engine = "ray"
    extra = "ray"
    capabilities = Capabilities(
        multi_objective=True,
        pruning=True,
        seedable=True,
        parallel=True,
        distributed=True,
        resumable=True,
        native_spaces=("ray", "function"),
    )

    @hookimpl
    def hpcore_prepare(self, study: Study) -> bool:
        from hp_ray import cluster
        from hp_ray.space import resolve
        from hp_ray.worker import metric_names

        options = dict(study.options)
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            raise InvalidArgument(
                f"the ray backend has no option {unknown[0]!r}; it takes: {', '.join(sorted(OPTIONS))}."
            )
        _check_options(options, len(study.directions))
        param_space, neutral = resolve(study.space)
        storage = options.get("storage_path") or os.path.expanduser("~/ray_results")
        name = options.get("name") or f"hpcore-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        engine = RayEngine(options, param_space, neutral, os.path.abspath(storage), name, metric_names(len(study.directions)))
        study.engine = engine
        cluster.connect(options.get("address"), options.get("runtime_env"))
        return True

    @hookimpl
    def hpcore_load_trials(self, study: Study) -> list[FrozenTrial] | None:
        """Open the run journal: resuming, its trials (with `journal=`'s) are the ledger's; else it starts over."""
        from ray.tune import Tuner

        engine: RayEngine = study.engine
        engine.resuming = bool(engine.options.get("resume")) and Tuner.can_restore(engine.path)
        if engine.options.get("resume") and not engine.resuming:
            log.info("nothing to resume at %s; starting a new run there", engine.path)
        journal_path = Path(engine.path, JOURNAL)
        if not engine.resuming and journal_path.exists():
            log.warning("%s holds an earlier run's trials; starting over", engine.path)
            journal_path.unlink()
        engine.journal = Journal(journal_path, study.directions)
        restored = list(engine.journal.trials) if engine.resuming else []
        engine.finished = {t.number: t.to_json() for t in restored}
        engine.budget = max(0, study.trials_left() - len(restored)) if engine.resuming else _budget(study, engine)
        if study.journal is not None:
            restored = {t.number: t for t in [*study.journal.trials, *restored]}.values()
        return sorted(restored, key=lambda t: t.number)

    @hookimpl
    def hpcore_optimize(self, study: Study) -> bool:
        """Build the driver and the Tuner (restored when resuming), run it, and end as the driver says."""
        from hp_ray.driver import Driver, interrupts_stop

        engine: RayEngine = study.engine
        metric = engine.metrics[0] if len(engine.metrics) == 1 else None
        driver = engine.driver = Driver(engine.path, study, engine.space, metric, engine.budget, engine.journal)
        driver.restored = set(engine.finished)
        try:
            build = self._restored if engine.resuming else self._tuner
            tuner = build(study, engine, _trainable(study, engine))
            with interrupts_stop(driver):
                results = tuner.fit()
            if driver.interrupted:
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            driver.fail_running()
            raise
        finally:
            driver.close()
            if engine.journal is not None:
                engine.journal.close()
        study.engine = results
        if driver.error is not None:
            raise driver.error
        return True

    def _restored(self, study: Study, engine: RayEngine, trainable: Any) -> Any:
        from ray.tune import ExperimentAnalysis, Tuner

        from hp_ray.reopen import reopen

        if engine.budget:  # the run is short of its total: what a stop by hp-ray closed must run
            reopened = reopen(engine.path, engine.finished, engine.budget)
            if reopened:
                log.info("trials %s were stopped before they ended; they run again", reopened)
        tuner = Tuner.restore(engine.path, trainable=trainable, param_space=engine.param_space)
        names = [str(t) for t in ExperimentAnalysis(engine.path).trials]
        engine.driver.reserve(names, max((t.number for t in study.trials), default=-1))
        return tuner

    def _tuner(self, study: Study, engine: RayEngine, trainable: Any) -> Any:
        from ray import tune
        from ray.tune.search.basic_variant import BasicVariantGenerator

        from hp_ray.space import samples_for

        options = engine.options
        single = len(study.directions) == 1
        modes = ["min" if d is Direction.MINIMIZE else "max" for d in study.directions]
        search_alg = options.get("search_alg")
        if search_alg is not None and study.seed is not None:
            log.info("seed= is not applied to the search_alg you passed; it keeps its own seed")
        param_space = engine.param_space
        if not single and search_alg is not None and getattr(search_alg, "metric", None) is None:
            search_alg.set_search_properties(engine.metrics, modes, param_space)
            param_space = {}
        concurrent = options.get("max_concurrent_trials") or (study.n_jobs if study.n_jobs > 1 else None)
        if search_alg is None and study.seed is not None:
            # Tune caps concurrency only for a Searcher: the default search, built here, caps itself
            search_alg = BasicVariantGenerator(random_state=study.seed, max_concurrent=concurrent or 0)
            concurrent = None
        tune_config = tune.TuneConfig(
            metric=engine.metrics[0] if single else None,
            mode=modes[0] if single else None,
            search_alg=search_alg,
            scheduler=options.get("scheduler"),
            num_samples=samples_for(study.trials_left(), engine.param_space),
            max_concurrent_trials=concurrent,
            reuse_actors=options.get("reuse_actors", True),
            trial_name_creator=engine.driver.name_trial,
        )
        run_config = tune.RunConfig(
            name=engine.name,
            storage_path=engine.storage_path,
            callbacks=[engine.driver, *(options.get("callbacks") or [])],
            stop=engine.driver.stopper,
            failure_config=tune.FailureConfig(max_failures=options.get("max_failures", 0)),
            verbose=0,
        )
        return tune.Tuner(trainable, param_space=param_space, tune_config=tune_config, run_config=run_config)


def _trainable(study: Study, engine: RayEngine) -> Any:
    from ray import tune

    from hp_ray.shipping import trainable
    from hp_ray.worker import Payload

    payload = Payload(
        objective=study.objective,
        space=engine.space,
        n_objectives=len(study.directions),
        compute_objective=study.compute_objective,
        catch=study.catch,
        finished=engine.finished,
    )
    fn = trainable(payload)
    resources = engine.options.get("resources_per_trial")
    return tune.with_resources(fn, resources) if resources else fn


def _budget(study: Study, engine: RayEngine) -> int | None:
    from hp_ray.space import grid_size

    return study.trials_left() if grid_size(engine.param_space) > 1 else None


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
    failures = options.get("max_failures", 0)
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < -1:
        raise InvalidArgument(f"max_failures must be an int of at least -1 (retry forever), got {failures!r}.")
    concurrent = options.get("max_concurrent_trials")
    if concurrent is not None and (not isinstance(concurrent, int) or isinstance(concurrent, bool) or concurrent < 1):
        raise InvalidArgument(f"max_concurrent_trials must be an int of at least 1, got {concurrent!r}.")
    resources = options.get("resources_per_trial")
    if resources is not None and not isinstance(resources, dict):
        raise InvalidArgument(f"resources_per_trial must be a dict such as {{'cpu': 1, 'gpu': 0}}, got {resources!r}.")
