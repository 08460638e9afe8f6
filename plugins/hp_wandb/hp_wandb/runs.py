"""W&B runs for trials: started, given their intermediate values, summarized and finished.

Rules (the wandb backend and `Logger` share them):
- one run per trial, named ``trial-<number>``, in the search's group, with the trial's
  parameters as its config (parameters sampled while the trial runs are added as they come);
- an intermediate value is logged under the metric's name with ``trial_step``, the step the
  objective reported, as its x-axis; the summary holds each objective under its metric name
  (the value hpcore computed, ``compute_objective`` included), the state, the trial number and,
  for a failed trial, the error; a failed trial's run exits with code 1;
- the trial's run is W&B's current run while the objective runs (``reinit="finish_previous"``),
  so the objective's own ``wandb.log`` lands in it; with several trials at once each has its own
  run (``reinit="create_new"``) and ``wandb.log`` does not reach them;
- W&B's per-run extras that cost most of a run's time (system metrics, git and package
  metadata, console capture, the banner) are off unless ``settings=`` turns them on;
- an error inside W&B never fails the search: it is logged once, and this writer logs nothing more.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from hpcore import FrozenTrial, InvalidArgument, TrialState

log = logging.getLogger("hp_wandb")

LEAN_SETTINGS: dict[str, Any] = {
    "silent": True,
    "console": "off",
    "x_disable_stats": True,
    "x_disable_meta": True,
    "x_save_requirements": False,
    "disable_git": True,
    "save_code": False,
}
STEP_KEY = "trial_step"


def check_settings(settings: Any) -> dict[str, Any]:
    """`settings=` as keyword arguments of ``wandb.Settings`` (a dict, or a ``wandb.Settings``), checked by W&B."""
    if settings is None:
        return {}
    if isinstance(settings, Mapping):
        given = dict(settings)
    elif type(settings).__name__ == "Settings" and hasattr(settings, "model_fields_set"):
        given = {name: getattr(settings, name) for name in settings.model_fields_set}
    else:
        raise InvalidArgument(f"settings must be a dict of wandb.Settings fields or a wandb.Settings, got {settings!r}.")
    import wandb

    try:
        wandb.Settings(**{**LEAN_SETTINGS, **given})
    except Exception as exc:
        reason = str(exc).strip().splitlines()
        raise InvalidArgument(
            f"settings: W&B refuses {given!r} ({' '.join(reason[:3])}): pass fields of wandb.Settings."
        ) from None
    return given


def check_tags(tags: Any) -> tuple[str, ...]:
    if tags is None:
        return ()
    if isinstance(tags, str) or not isinstance(tags, Sequence) or not all(isinstance(t, str) and t for t in tags):
        raise InvalidArgument(f"tags must be a list of non-empty strings, got {tags!r}.")
    return tuple(tags)


def check_dir(directory: Any) -> str | None:
    if directory is None:
        return None
    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise InvalidArgument(f"dir must be a directory path (where W&B writes its run files), got {directory!r}.")
    return os.fspath(directory)


class RunWriter:
    """The W&B runs of one search's trials. Thread-safe when `shared` is False."""

    def __init__(
        self,
        mode: str,
        *,
        group: str,
        project: str | None = None,
        entity: str | None = None,
        directory: str | None = None,
        tags: tuple[str, ...] = (),
        settings: Mapping[str, Any] | None = None,
        metric_names: Sequence[str] = ("objective",),
        shared: bool = True,
        owner: str = "the wandb backend",
    ) -> None:
        self.mode = mode
        self.group = group
        self.project = project
        self.entity = entity
        self.directory = directory
        self.tags = list(tags)
        self.settings = {**LEAN_SETTINGS, **(settings or {})}
        self.metric_names = list(metric_names)
        self.shared = shared  # the trial's run is W&B's current run (one trial at a time)
        self.owner = owner
        self.failed = False
        self._lock = threading.Lock()

    # -- a trial's run -------------------------------------------------------------
    def start(self, number: int, config: Mapping[str, Any]) -> Any:
        """Start trial `number`'s run with `config`; None when W&B failed (logged once)."""
        if self.failed:
            return None
        try:
            run = self.init(f"trial-{number}", "trial", config)
            if len(self.metric_names) == 1:
                run.define_metric(self.metric_names[0], step_metric=STEP_KEY)
            return run
        except Exception:
            self._fail("wandb.init")
            return None

    def init(self, name: str, job_type: str, config: Mapping[str, Any]) -> Any:
        """`wandb.init` of one run of this search's group (raises what W&B raises)."""
        import wandb

        if self.directory is not None:
            os.makedirs(self.directory, exist_ok=True)
        return wandb.init(
            mode=self.mode,  # type: ignore[arg-type]  # hp_wandb.mode's kind: online, offline or disabled
            project=self.project,
            entity=self.entity,
            group=self.group,
            name=name,
            job_type=job_type,
            tags=self.tags or None,
            config=dict(config),
            dir=self.directory,
            reinit="finish_previous" if self.shared else "create_new",
            settings=wandb.Settings(**self.settings),
        )

    def add_config(self, run: Any, values: Mapping[str, Any]) -> None:
        if run is None or self.failed:
            return
        try:
            run.config.update(dict(values), allow_val_change=True)
        except Exception:
            self._fail("run.config.update")

    def report(self, run: Any, value: float, step: int) -> None:
        if run is None or self.failed:
            return
        key = self.metric_names[0] if len(self.metric_names) == 1 else "intermediate"
        try:
            run.log({key: value, STEP_KEY: step})
        except Exception:
            self._fail("run.log")

    def finish(self, run: Any, record: FrozenTrial, config: Mapping[str, Any] | None = None) -> None:
        """Summarize `record` in its run (adding `config` to the run's config) and finish the run."""
        if run is None or self.failed:
            return
        summary: dict[str, Any] = {"state": record.state.value, "trial_number": record.number, "duration": record.duration}
        if record.state is TrialState.COMPLETE:
            summary.update(zip(self.metric_names, record.values))
        if record.error is not None:
            summary["error"] = record.error
        try:
            if config:
                run.config.update(dict(config), allow_val_change=True)
            run.summary.update(summary)
            run.finish(exit_code=1 if record.state is TrialState.FAILED else 0)
        except Exception:
            self._fail("run.finish")

    def _fail(self, where: str) -> None:
        with self._lock:
            first, self.failed = not self.failed, True
        if first:
            log.warning(
                "W&B raised in %s; %s logs no more runs for this search, which goes on", where, self.owner, exc_info=True
            )
