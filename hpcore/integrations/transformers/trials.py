"""One trial: the trainer trained once with the trial's values, each evaluation reported.

Rules:
- the trial trains on a copy of the trainer's arguments holding the sampled values that are
  training arguments (cast to the argument's type, as transformers does) and its own folder,
  `output_dir/run-{number}` or `output_dir/{hp_name(trial)}`;
- `model_init(trial)` receives the engine's own trial where the backend hands one (the Optuna
  trial on the optuna backend; its `fixed_native_trial` afterwards), else the sampled values
  as a dict (`TrialValues`), as transformers passes them for Ray and W&B;
- a sampled name that is no training argument gets one warning per search unless `model_init`
  read it from a dict trial (what it reads of an engine's own trial, Optuna's, cannot be seen);
- every evaluation's metrics go through `compute_objective`; one objective is reported, and
  when the backend answers "prune" training stops there and the trial is PRUNED; several
  objectives are kept in the trial's `reports` attribute and never prune;
- without an evaluation during training, the trial is evaluated once at its end;
- callbacks that keep state between trainings (transformers' `ExportableState`, such as
  `EarlyStoppingCallback`) start each trial afresh;
- afterwards the model, optimizer and accelerator state are freed, whatever happened.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from transformers import TrainerCallback
from transformers.trainer_callback import ExportableState
from transformers.trainer_utils import get_last_checkpoint

from hpcore import Trial, TrialPruned
from hpcore.plugins import get_registry
from hpcore.integrations.transformers import trainer_internals

if TYPE_CHECKING:
    from transformers import Trainer, TrainingArguments

log = logging.getLogger("hpcore.transformers")

OUTPUT_DIR = "output_dir"  # the trial's folder, a user attribute of its record
CHECKPOINT = "checkpoint"  # the trial's best checkpoint (or saved model), a user attribute
REPORTS = "reports"  # several objectives: [step, [values]] of each evaluation


class TrialValues(dict):
    """The sampled values by name, for `model_init`; `suggest_*` answer in Optuna's way.

    In a search the values come from the trial, and `suggest_*` of a new name samples it
    where the backend can; given fixed values, `suggest_*` return them.
    """

    def __init__(self, values: Mapping[str, Any] | tuple[()] = (), number: int = -1, trial: Trial | None = None) -> None:
        super().__init__(values)
        self.number = number
        self.read: set[str] = set()
        self._trial = trial

    @property
    def params(self) -> dict[str, Any]:
        self.read.update(self)
        return dict(self)

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self.read.add(name)
        return super().get(name, default)

    def suggest_float(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._suggest("suggest_float", name, args, kwargs)

    def suggest_int(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._suggest("suggest_int", name, args, kwargs)

    def suggest_categorical(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._suggest("suggest_categorical", name, args, kwargs)

    def _suggest(self, method: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.read.add(name)
        if self._trial is None:
            return super().__getitem__(name)
        value = getattr(self._trial, method)(name, *args, **kwargs)
        self[name] = value
        return value


def model_trial(trial: Trial) -> Any:
    """What `model_init` and `hp_name` receive for `trial`: the engine's own trial, or its values."""
    native = getattr(trial, "native", None)
    return native if native is not None else TrialValues(trial.params, trial.number, trial)


def fixed_trial(backend: str, values: Mapping[str, Any], number: int) -> Any:
    """A trial that answers `values` again, of the kind `model_init` got in the search:
    the backend's fixed native trial, else the values."""
    known = get_registry().backends.get(backend)
    native = known.fixed_native_trial(values, number) if known is not None else None
    return native if native is not None else TrialValues(values, number)


def sampled_values(trial: Trial, given: Any) -> dict[str, Any]:
    """Every value of the trial: the core's, and those `model_init` suggested on the engine's trial."""
    values = dict(trial.params)
    for name, value in getattr(given, "params", {}).items():
        values.setdefault(name, value)
    return values


@dataclass
class Outcome:
    """How one training ended."""

    values: float | list[float] | None = None
    pruned: bool = False
    output_dir: str = ""
    checkpoint: str | None = None
    reports: list[Any] = field(default_factory=list)


class Reporting(TrainerCallback):
    """Hands each evaluation of the running trial to `report`; stops training when it answers True.

    `report` is the current thread's: with `n_jobs > 1` every thread trains its own trial.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def report(self) -> Callable[[Mapping[str, float], int], bool] | None:
        return getattr(self._local, "report", None)

    @report.setter
    def report(self, report: Callable[[Mapping[str, float], int], bool] | None) -> None:
        self._local.report = report

    def __getstate__(self) -> dict[str, Any]:  # sent to Ray workers without a running trial
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._local = threading.local()

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Mapping[str, float] | None = None, **kwargs: Any) -> Any:
        if self.report is not None and metrics is not None and self.report(metrics, state.global_step):
            control.should_training_stop = True
        return control


@dataclass
class Training:
    """How each trial trains: what every search of `hyperparameter_search` holds the same."""

    compute_objective: Callable[[Mapping[str, float]], Any]
    n_objectives: int
    hp_name: Callable[[Any], str] | None = None
    training: dict[str, Any] = field(default_factory=dict)  # training arguments every trial takes
    keep_model: bool = False  # save the final model where a trial leaves no checkpoint
    reporting: Reporting = field(default_factory=Reporting)
    warned: set[str] = field(default_factory=set)

    def run(
        self,
        trainer: Trainer,
        base: TrainingArguments,
        number: int,
        values: Mapping[str, Any],
        given: Any,
        decide: Callable[[float, int], bool],
    ) -> Outcome:
        """Train `trainer` once with `values`; `decide(value, step)` answers whether to prune."""
        run_name = self.hp_name(given) if self.hp_name is not None else f"run-{number}"
        outcome = Outcome(output_dir=os.path.join(base.output_dir, run_name))
        args = trial_arguments(base, {**values, **self.training}, outcome.output_dir)

        def report(metrics: Mapping[str, float], step: int) -> bool:
            value = self.compute_objective(dict(metrics))
            trainer.objective = outcome.values = value
            if self.n_objectives > 1:
                outcome.reports.append([step, list(value)])
                return False
            outcome.pruned = bool(decide(float(value), step))
            return outcome.pruned

        callbacks = trainer.callback_handler.callbacks
        if self.reporting not in callbacks:  # (a copy of this search's Training may have added another)
            callbacks[:] = [*(cb for cb in callbacks if not isinstance(cb, Reporting)), self.reporting]
        fresh_stateful_callbacks(trainer)
        trainer.objective = None
        init = trainer.model_init
        reads_trial = takes_trial(init)
        if reads_trial:  # the trial reaches model_init this way, not through train(trial=), where
            trainer.model_init = lambda: init(given)  # transformers would act on it as its own search's
        try:
            trainer_internals.use_arguments(trainer, args)
            self.reporting.report = report
            trainer.train()
            self.reporting.report = None
            self.warn_unused(values, args, given if reads_trial else None)
            if outcome.values is None and not outcome.pruned:
                outcome.values = trainer.objective = self.compute_objective(dict(trainer.evaluate()))
            outcome.checkpoint = trainer.state.best_model_checkpoint or last_checkpoint(outcome.output_dir)
            if outcome.checkpoint is None and self.keep_model and not outcome.pruned:
                trainer.save_model(outcome.output_dir)
                outcome.checkpoint = outcome.output_dir
        finally:
            trainer.model_init = init
            self.reporting.report = None
            trainer_internals.free_model(trainer)
        return outcome

    def warn_unused(self, values: Mapping[str, Any], args: TrainingArguments, given: Any) -> None:
        """One warning per search for each sampled name that is no training argument and that model_init
        was not seen to read; `given`: the trial model_init got, if it takes one. What model_init reads of
        an engine's own trial cannot be seen, so there every such name is warned of, as transformers does."""
        fields = training_fields(args)
        read = given.read if isinstance(given, TrialValues) else set()
        for name in values:
            if name not in fields and name not in read and name not in self.warned:
                self.warned.add(name)
                if given is None or isinstance(given, TrialValues):
                    log.warning(
                        "%r was sampled but is neither a training argument nor read by model_init(trial): "
                        "read it there (trial[%r]), or leave it out of the space.", name, name,
                    )
                else:
                    log.warning(
                        "%r was sampled but is not a training argument: unless model_init(trial) reads it "
                        "(trial.params[%r]), nothing uses it; leave it out of the space.", name, name,
                    )


def objective_of(training: Training, trainer_of: Callable[[], tuple[Trainer, TrainingArguments]]) -> Callable[[Trial], Any]:
    """The hpcore objective: each trial trains once; PRUNED when the backend stopped it."""

    def objective(trial: Trial) -> Any:
        trainer, base = trainer_of()
        given = model_trial(trial)
        try:
            outcome = training.run(trainer, base, trial.number, trial.params, given, trial.report)
        finally:
            trial.params.update(sampled_values(trial, given))
        return settle(trial, outcome)

    return objective


def settle(trial: Trial, outcome: Outcome) -> Any:
    """Keep where the trial's files are; its values, or TrialPruned."""
    trial.set_user_attr(OUTPUT_DIR, outcome.output_dir)
    trial.set_user_attr(CHECKPOINT, outcome.checkpoint)
    if outcome.reports:
        trial.set_user_attr(REPORTS, outcome.reports)
    if outcome.pruned:
        raise TrialPruned()
    return outcome.values


def trial_arguments(base: TrainingArguments, values: Mapping[str, Any], output_dir: str) -> TrainingArguments:
    """A copy of `base` with each value that names a training argument, cast to its type, and `output_dir`."""
    args = copy.copy(base)
    fields = training_fields(base)
    for name, value in values.items():
        if name in fields:
            old = getattr(base, name)
            setattr(args, name, type(old)(value) if old is not None and not isinstance(old, bool) else value)
    args.output_dir = output_dir
    return args


def training_fields(args: TrainingArguments) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(args) if f.init)


def takes_trial(model_init: Callable[..., Any]) -> bool:
    """Whether `model_init` takes the trial (transformers calls it with one argument or none)."""
    import inspect

    try:
        return len(inspect.signature(model_init).parameters) > 0
    except (TypeError, ValueError):
        return True


def fresh_stateful_callbacks(trainer: Trainer) -> None:
    """Replace each callback that keeps state between trainings by a new one built from its arguments."""
    callbacks = trainer.callback_handler.callbacks
    for i, callback in enumerate(callbacks):
        if isinstance(callback, ExportableState):
            callbacks[i] = type(callback).from_state({"args": callback.state()["args"], "attributes": {}})


def last_checkpoint(folder: str) -> str | None:
    return get_last_checkpoint(folder) if os.path.isdir(folder) else None
