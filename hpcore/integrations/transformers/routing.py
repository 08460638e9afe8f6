"""The keyword arguments of `hyperparameter_search`, routed as transformers routes them.

Rules:
- `timeout`, `n_jobs` and `catch` are the search's own on every backend (Optuna's meaning:
  `catch` lists the exceptions that fail a trial and let the search go on; by default every
  `Exception` does, so an out-of-memory or NaN trial is FAILED and the others run);
- hpcore's own keywords are taken on every backend: `seed`, `max_trials`, `journal`,
  `observers`, `warm_start` (as `hpcore.search` takes it, or a previous best run's
  `run_summary`: that search's trials), and `load_best_model` (leave the best run's model on
  the trainer);
- Ray: `local_dir` is Tune's `storage_path`; `keep_checkpoints_num` is each trial's
  `save_total_limit` (the checkpoints are the trainer's, in the trial's folder);
- W&B: `sweep_id` may be a previous best run's `run_summary` (transformers' is the sweep id
  itself): it continues that search's sweep, the W&B sweep online, the local sweep's record locally;
- every other keyword is an option of the backend, which refuses a name it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEARCH_KEYWORDS = ("timeout", "n_jobs", "catch", "seed", "max_trials", "journal", "observers", "warm_start")
RAY_RENAMES = {"local_dir": "storage_path"}


@dataclass(frozen=True)
class Routed:
    search: dict[str, Any]  # keywords of hpcore.search
    options: dict[str, Any]  # the backend's options
    training: dict[str, Any]  # training arguments every trial takes
    load_best_model: bool


def route(backend: str, kwargs: dict[str, Any]) -> Routed:
    """Split `hyperparameter_search`'s `**kwargs` into search keywords, backend options and training arguments."""
    kwargs = dict(kwargs)
    load_best_model = bool(kwargs.pop("load_best_model", False))
    search = {name: kwargs.pop(name) for name in SEARCH_KEYWORDS if name in kwargs}
    training: dict[str, Any] = {}
    if backend == "ray":
        if "keep_checkpoints_num" in kwargs:
            training["save_total_limit"] = kwargs.pop("keep_checkpoints_num")
        for old, new in RAY_RENAMES.items():
            if old in kwargs:
                kwargs[new] = kwargs.pop(old)
    if "warm_start" in search:
        search["warm_start"] = getattr(search["warm_start"], "result", search["warm_start"])  # a RunSummary: its search
    if backend == "wandb" and "sweep_id" in kwargs:
        kwargs["sweep_id"] = sweep_id_of(kwargs["sweep_id"])
    return Routed(search, kwargs, training, load_best_model)


def sweep_id_of(given: Any) -> Any:
    """The sweep id `given` names: a `RunSummary`'s search's (`result.native.sweep_id`), else `given` itself."""
    native = getattr(getattr(given, "result", None), "native", None)
    return getattr(native, "sweep_id", given) if native is not None else given
