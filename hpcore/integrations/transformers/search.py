"""`hyperparameter_search`: transformers' `Trainer.hyperparameter_search`, on every hpcore backend.

Rules:
- the signature and return value are transformers': a `BestRun` for one direction, a list of
  them (the Pareto front) for several; `BestRun.run_summary` is a `RunSummary` naming the
  run's folder, its best checkpoint and the whole search;
- `hp_space=None` is `DEFAULT_SPACE` on every backend; a native space is passed as users
  write it (an Optuna `hp_space(trial)`, a function returning a Ray Tune dict or a W&B sweep
  config), and the backend refuses a form it does not read; a function that, called with None,
  returns a space only another backend reads is refused before the search (`check_hp_space`);
- several directions need `compute_objective` (the default gives one value): refused before any trial;
- trials run on the trainer itself, one after another; where they run elsewhere (Ray
  workers, `n_jobs > 1` threads) a trainer of its class is built there from its own
  constructor arguments (`Recipe`);
- when the search ends, however it ends, the trainer has its own arguments back and no
  trial's model; `load_best_model=True` puts the best run's model on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import hpcore
from hpcore import Categorical, Float, Int, InvalidArgument, InvalidSpace, NoCompletedTrials, SearchResult
from hpcore.integrations.transformers import distributed, trainer_internals
from hpcore.integrations.transformers.recipe import Recipe
from hpcore.integrations.transformers.routing import route
from hpcore.integrations.transformers.trials import CHECKPOINT, OUTPUT_DIR, Training, fixed_trial, objective_of
from hpcore.plugins import get_registry

if TYPE_CHECKING:
    from collections.abc import Callable

    from transformers import Trainer
    from transformers.trainer_utils import BestRun

DEFAULT_SPACE = {
    "learning_rate": Float(1e-6, 1e-4, log=True),
    "num_train_epochs": Int(1, 5),
    "seed": Int(1, 40),
    "per_device_train_batch_size": Categorical([4, 8, 16, 32, 64]),
}


@dataclass(frozen=True)
class RunSummary:
    """What a `BestRun` from hpcore holds as `run_summary`."""

    output_dir: str  # the trial's folder
    checkpoint: str | None  # its best checkpoint (or saved model); None when it saved none
    result: SearchResult  # every trial of the search


def hyperparameter_search(
    trainer: Trainer,
    hp_space: Any = None,
    compute_objective: Callable[[dict[str, float]], Any] | None = None,
    n_trials: int = 20,
    direction: str | list[str] = "minimize",
    backend: Any = None,
    hp_name: Callable[[Any], str] | None = None,
    **kwargs: Any,
) -> BestRun | list[BestRun]:
    """Search hyperparameters of `trainer` with an hpcore backend; return the best run(s).

    `kwargs` are routed as transformers routes them (`hpcore.integrations.transformers.routing`).
    """
    check_trainer(trainer)
    name = backend_name(backend)
    routed = route(name, kwargs)
    many = isinstance(direction, (list, tuple)) and len(direction) > 1
    check_hp_space(hp_space, name)
    training = _training(routed, compute_objective, direction, hp_name, many)
    world = distributed.World.of(trainer.args)
    out_of_process = get_registry().get(name).capabilities.out_of_process
    _check_world(world, name, out_of_process)
    base = trainer.args
    elsewhere = out_of_process or routed.search.get("n_jobs", 1) != 1
    trainer_of = Recipe.of(trainer) if elsewhere else (lambda: (trainer, base))
    try:
        if world.size > 1 and not world.leader:
            return distributed.follow(world, training, trainer, name)
        objective = distributed.lead(world, training, trainer_of) if world.size > 1 else objective_of(training, trainer_of)
        search = dict(direction=direction, n_trials=n_trials, backend=name, **routed.search, **routed.options)
        result, best = _search(world, objective, DEFAULT_SPACE if hp_space is None else hp_space, search, many)
    finally:
        if isinstance(trainer_of, Recipe):
            trainer_of.forget()
        if not world.broken:
            trainer_internals.use_arguments(trainer, base)
        if training.reporting in trainer.callback_handler.callbacks:
            trainer.remove_callback(training.reporting)
    if elsewhere and result.trials:
        trainer.objective = result.trials[-1].values[0] if not many and result.trials[-1].values else None
    if routed.load_best_model:
        load_run(trainer, best, name)
    return best


def _training(routed: Any, compute_objective: Any, direction: Any, hp_name: Any, many: bool) -> Training:
    """How each trial trains and reports; load_best_model with several directions is refused."""
    from transformers.trainer_utils import default_compute_objective

    if routed.load_best_model and many:
        raise InvalidArgument(
            "load_best_model=True needs one best run, and several directions give a Pareto front: "
            "choose a run and call load_run(trainer, best_run)."
        )
    if many and compute_objective is None:
        raise InvalidArgument(
            f"direction has {len(direction)} entries, and the default compute_objective gives one value: pass "
            "compute_objective=lambda metrics: (metrics['eval_loss'], ...) returning one value per direction."
        )
    return Training(
        compute_objective=compute_objective or default_compute_objective,
        n_objectives=len(direction) if isinstance(direction, (list, tuple)) else 1,
        hp_name=hp_name,
        training=routed.training,
        keep_model=routed.load_best_model,
    )


def _check_world(world: distributed.World, name: str, out_of_process: bool) -> None:
    """A backend whose trials run in worker processes cannot run under torchrun."""
    if world.size > 1 and out_of_process:
        raise InvalidArgument(
            f"backend {name!r} runs trials in its own worker processes, so it cannot run under torchrun: run the "
            "script with plain python and let the backend place trials (resources_per_trial=), or use an "
            "in-process backend."
        )


def _search(
    world: distributed.World, objective: Any, space: Any, search: dict[str, Any], many: bool
) -> tuple[SearchResult, Any]:
    """The search and its best run(s); under torchrun the other ranks are told how it ended."""
    try:
        result = hpcore.search(objective, space, **search)
        best = best_runs(result, many)
    except BaseException as exc:
        if world.size > 1:
            distributed.end(world, error=exc)
        raise
    if world.size > 1:
        distributed.end(world, best)
    return result, best


def check_hp_space(hp_space: Any, backend: str) -> None:
    """A function `hp_space` that, called with None, returns a space only other backends read is refused.

    transformers' Ray and W&B spaces are such functions; given to a backend that calls
    `hp_space(trial)` with its own trial (optuna), their config would be taken as sampled values.
    """
    if not callable(hp_space):
        return
    try:
        returned = hp_space(None)
    except Exception:  # an Optuna hp_space(trial): it needs a trial
        return
    registry = get_registry()
    forms = {name: b.native_form(returned) for name, b in sorted(registry.backends.items())}
    readers = {name: form for name, form in forms.items() if form is not None and form.name != "function"}
    if readers and backend not in readers:
        other, form = next(iter(readers.items()))
        raise InvalidSpace(
            f"hp_space(None) returns {form.description}, a space for backend={other!r}: search with "
            f"backend={other!r}, or write hp_space(trial) for {backend!r} (optuna calls it with its trial: "
            "return {name: trial.suggest_...(name, ...)})."
        )


def check_trainer(trainer: Any) -> None:
    from transformers import Trainer

    if not isinstance(trainer, Trainer):
        raise InvalidArgument(f"hyperparameter_search needs a transformers.Trainer, got {type(trainer).__name__}.")
    if trainer.model_init is None:
        raise InvalidArgument(
            "the trainer has no model_init: a search builds a new model for every trial, so build the "
            "Trainer with model_init=<a function returning the model> instead of model=."
        )


def backend_name(backend: Any) -> str:
    """The backend's name (transformers' `HPSearchBackend` members by value); None: the default one."""
    value = getattr(backend, "value", backend)
    if value is None:
        return get_registry().default().name
    if not isinstance(value, str):
        raise InvalidArgument(f"backend must be a backend's name, such as 'optuna', or None, got {backend!r}.")
    return value


def best_runs(result: SearchResult, many: bool) -> BestRun | list[BestRun]:
    """transformers' `BestRun`s of the result: the best trial, or the Pareto front."""
    from transformers.trainer_utils import BestRun

    try:
        best = result.best_trials if many else [result.best_trial]
    except NoCompletedTrials as exc:
        raise NoCompletedTrials(f"{exc} (trial errors: {[t.error for t in result.trials if t.error][:3]})") from None
    runs = [
        BestRun(
            str(t.number),
            list(t.values) if many else t.values[0],
            dict(t.params),
            RunSummary(t.user_attrs.get(OUTPUT_DIR, ""), t.user_attrs.get(CHECKPOINT), result),
        )
        for t in best
    ]
    return runs if many else runs[0]


def load_run(trainer: Trainer, run: BestRun, backend: str | None = None) -> None:
    """Put `run`'s model on `trainer`: built by `model_init` with the run's values, weights from its checkpoint.

    `backend` is the search's (it decides the kind of trial `model_init` gets); by default, the run's.
    """
    summary = run.run_summary
    backend = backend or getattr(getattr(summary, "result", None), "backend", None) or ""
    checkpoint = getattr(summary, "checkpoint", None)
    if checkpoint is None:
        raise InvalidArgument(
            f"run {run.run_id} kept no model: search with load_best_model=True (each trial keeps its final "
            "model), or save checkpoints (save_strategy='epoch')."
        )
    model = trainer.call_model_init(fixed_trial(backend, run.hyperparameters, int(run.run_id)))
    trainer_internals.load_weights(trainer, checkpoint, model)
    trainer_internals.place_model(trainer, model)
