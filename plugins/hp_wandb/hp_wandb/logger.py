"""`Logger`: an hpcore observer that logs every trial of any backend's search as a W&B run.

    hpcore.search(objective, space, backend="optuna", observers=[hp_wandb.Logger(project="p")])

Rules:
- each trial is a run (`hp_wandb.runs`): its parameters as config, intermediate values per
  step, objective(s), state and error in its summary, in one group per search (``group=``, else
  ``<backend>-<date>-<time>-<hex>``);
- when the search ends normally, one more run, ``<group>-summary`` (job type ``summary``),
  holds a table of every trial (``trials``) and the best trial(s) in its summary;
- the mode is decided when the Logger is made, as for the wandb backend (`hp_wandb.mode`):
  online without credentials raises there, at once;
- an error inside W&B never fails the search: it is logged once and the Logger logs nothing
  more for that search;
- a search with ``backend="wandb"`` logs its own runs: the Logger leaves it alone (said once).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hpcore import FrozenTrial, InvalidArgument, SearchResult, Study, Trial, TrialState, hookimpl

from hp_wandb import mode as modes
from hp_wandb.config import default_name
from hp_wandb.runs import RunWriter, check_dir, check_settings, check_tags

log = logging.getLogger("hp_wandb")


@dataclass
class _SearchLog:
    writer: RunWriter
    runs: dict[int, Any] = field(default_factory=dict)


class Logger:
    """Logs each trial of a search as a W&B run, and a table of all trials when it ends."""

    def __init__(
        self,
        project: str | None = None,
        *,
        entity: str | None = None,
        mode: str | None = None,
        group: str | None = None,
        dir: str | None = None,
        tags: Sequence[str] | None = None,
        settings: Any = None,
        metric: str | Sequence[str] | None = None,
        table: bool = True,
    ) -> None:
        for name, value in (("project", project), ("entity", entity), ("group", group)):
            if value is not None and (not isinstance(value, str) or not value):
                raise InvalidArgument(f"Logger: {name} must be a non-empty string or None, got {value!r}.")
        if not isinstance(table, bool):
            raise InvalidArgument(f"Logger: table must be True or False, got {table!r}.")
        self.project = project
        self.entity = entity
        self.group = group
        self.directory = check_dir(dir)
        self.tags = check_tags(tags)
        self.settings = check_settings(settings)
        self.metric = _metric_names(metric)
        self.table = table
        self.mode = modes.decide(mode)
        if self.mode.implicit:
            log.warning(
                "wandb Logger: offline (%s): runs are written to disk; `wandb login` to log online, "
                "`wandb sync` uploads offline runs", self.mode.reason,
            )
        else:
            log.info("wandb Logger: %s (%s)", self.mode.kind, self.mode.reason)
        self._searches: dict[int, _SearchLog | None] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Logger(project={self.project!r}, mode={self.mode.kind!r})"

    # -- observer hooks ----------------------------------------------------------------
    @hookimpl
    def hpcore_trial_started(self, study: Study, trial: Trial) -> None:
        search = self._search(study)
        if search is None:
            return
        run = search.writer.start(trial.number, dict(trial.params))
        with self._lock:
            search.runs[trial.number] = run

    @hookimpl
    def hpcore_trial_reported(self, study: Study, trial: Trial, value: float, step: int) -> None:
        search = self._search(study)
        if search is not None:
            search.writer.report(search.runs.get(trial.number), value, step)

    @hookimpl
    def hpcore_trial_finished(self, study: Study, trial: FrozenTrial) -> None:
        search = self._search(study)
        if search is None:
            return
        with self._lock:
            run = search.runs.pop(trial.number, None)
        if run is None:  # a trial whose start this process did not see
            run = search.writer.start(trial.number, dict(trial.params))
        search.writer.finish(run, trial, config=trial.params)

    @hookimpl
    def hpcore_search_finished(self, study: Study, result: SearchResult) -> None:
        with self._lock:
            search = self._searches.pop(id(study), None)
        if search is None or not self.table or search.writer.failed:
            return
        writer = search.writer
        try:
            run = writer.init(
                f"{writer.group}-summary",
                "summary",
                {
                    "backend": study.settings.backend,
                    "directions": [d.value for d in study.settings.directions],
                    "n_trials": study.settings.n_trials,
                    "seed": study.settings.seed,
                },
            )
            run.log({"trials": trials_table(result.trials, writer.metric_names)})
            run.summary.update(best_summary(result, writer.metric_names))
            run.finish()
        except Exception:
            writer._fail("the summary run")

    # -- per search --------------------------------------------------------------------
    def _search(self, study: Study) -> _SearchLog | None:
        key = id(study)
        with self._lock:
            if key in self._searches:
                return self._searches[key]
            if study.settings.backend == "wandb":
                log.info("wandb Logger: the wandb backend logs its own runs; this Logger leaves its search alone")
                self._searches[key] = None
                return None
            k = study.settings.n_objectives
            names = self.metric or (["objective"] if k == 1 else [f"objective_{i}" for i in range(k)])
            if len(names) != k:
                log.warning(
                    "wandb Logger: %d metric names for %d objectives; logging them as objective_0..%d", len(names), k, k - 1
                )
                names = [f"objective_{i}" for i in range(k)]
            writer = RunWriter(
                self.mode.kind,
                group=self.group or default_name().replace("hpcore", study.settings.backend, 1),
                project=self.project,
                entity=self.entity,
                directory=self.directory,
                tags=self.tags,
                settings=self.settings,
                metric_names=names,
                shared=study.settings.n_jobs == 1,
                owner="the wandb Logger",
            )
            search = self._searches[key] = _SearchLog(writer)
            return search


def trials_table(trials: Sequence[FrozenTrial], metric_names: Sequence[str]) -> Any:
    """A ``wandb.Table`` of every trial: number, state, objectives, parameters, duration, error."""
    import wandb

    params: list[str] = []
    for trial in trials:
        params.extend(name for name in trial.params if name not in params)
    columns: list[str | int] = ["number", "state", *metric_names, *params, "duration", "error"]
    rows = []
    for trial in trials:
        values = trial.values if trial.state is TrialState.COMPLETE else [None] * len(metric_names)
        rows.append(
            [trial.number, trial.state.value, *values, *(_cell(trial.params.get(p)) for p in params), trial.duration, trial.error]
        )
    return wandb.Table(columns=columns, data=rows, allow_mixed_types=True)


def best_summary(result: SearchResult, metric_names: Sequence[str]) -> dict[str, Any]:
    try:
        best = result.best_trials
    except Exception:  # no trial completed
        return {"best_trials": []}
    summary: dict[str, Any] = {"best_trials": [t.number for t in best]}
    if len(best) == 1:
        summary.update({f"best/{name}": value for name, value in zip(metric_names, best[0].values)})
        summary["best/params"] = {k: _cell(v) for k, v in best[0].params.items()}
    return summary


def _cell(value: Any) -> Any:
    """A table cell: numbers, strings, booleans and None as they are, anything else as JSON (or its repr)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _metric_names(metric: Any) -> list[str] | None:
    if metric is None:
        return None
    names = [metric] if isinstance(metric, str) else list(metric) if isinstance(metric, Sequence) else None
    if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        raise InvalidArgument(
            f"Logger: metric must be a metric name, or a list of distinct names (one per direction), got {metric!r}."
        )
    return names
