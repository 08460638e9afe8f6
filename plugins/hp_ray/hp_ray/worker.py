"""What runs inside a Ray worker: one trial through hpcore's `execute_trial`, reported to Tune.

Rules:
- the classes sent by value are installed under their modules' names first (`install_classes`);
- the trial's number is read from its Tune trial name, which the driver gives it (`trial_name`);
- `trial.report(value, step)` of a single-objective search is a `tune.report` of the value under
  the objective's metric, so the scheduler sees it; once the scheduler stops the trial, `report`
  answers True (prune) and the trial sends Tune nothing more, so it never returns a record;
- the last report holds the trial's record (one JSON string, so Tune's loggers keep one column),
  its value(s) as the objective metric(s) (NaN when it has none), and the exception the driver
  must re-raise, if any; it has no step, which marks a report as an intermediate value.
"""

from __future__ import annotations

import json
import math
import pickle
import re
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hpcore import ComputeObjective, Param, Trial, UnknownParameter, execute_trial

from hp_ray.space import from_config, params_of

METRIC = "hpcore_objective"  # the Tune metric of the objective; several objectives add _0, _1, ...
RECORD = "hpcore_trial"
RERAISE = "hpcore_reraise"
STEP = "hpcore_step"
_NAME = re.compile(r"^trial_(\d+)_")


def metric_names(n_objectives: int) -> list[str]:
    """The Tune metric of each objective, in direction order."""
    if n_objectives == 1:
        return [METRIC]
    return [f"{METRIC}_{i}" for i in range(n_objectives)]


def trial_name(number: int, trial_id: str) -> str:
    """The Tune trial name that carries an hpcore trial number to the worker."""
    return f"trial_{number}_{trial_id}"


def number_of(name: str) -> int | None:
    """The hpcore trial number in a Tune trial name; None for a name hp-ray did not give."""
    match = _NAME.match(name or "")
    return int(match.group(1)) if match else None


@dataclass
class Payload:
    """Everything a worker needs to run trials; sent once through Ray's object store."""

    objective: Callable[[Trial], Any]
    space: Any
    n_objectives: int
    compute_objective: ComputeObjective | None
    catch: tuple[type[BaseException], ...]
    classes: dict[str, dict[str, type]] = field(default_factory=dict)  # module name -> its classes, sent by value


def install_classes(classes: Mapping[str, Mapping[str, type]]) -> None:
    """Put each class sent by value under its module's name, so pickling by reference finds that very class.

    A module the worker lacks is made (with its parent packages); the worker's own `__main__`
    (Ray's) gets only the names it does not already have.
    """
    for name, defined in classes.items():
        module = sys.modules.get(name) or _new_module(name)
        for attribute, cls in defined.items():
            if name != "__main__" or not hasattr(module, attribute):
                setattr(module, attribute, cls)


def _new_module(name: str) -> types.ModuleType:
    parent, _, child = name.rpartition(".")
    module = sys.modules[name] = types.ModuleType(name, "classes hp-ray sent by value")
    if parent:
        setattr(sys.modules.get(parent) or _new_module(parent), child, module)
    return module


class RayTrial(Trial):
    """A trial whose params Tune sampled up front; other names are refused."""

    def __init__(self, number: int, config: Mapping[str, Any], space: Any) -> None:
        super().__init__(number)
        self._config = config
        self._space = space

    def _sample(self, name: str, param: Param) -> Any:
        if name not in self._config:
            raise UnknownParameter(
                f"{name!r} is not in the space Ray Tune sampled ({sorted(self._config)}): add it to space=."
            )
        return from_config(name, param, self._config[name])

    def _sample_native(self, space: Any) -> Mapping[str, Any]:
        return params_of(self._config, space)


def run(config: dict[str, Any], payload: Payload) -> None:
    """The Tune function trainable: one trial by hpcore's rules."""
    from ray import tune

    install_classes(payload.classes)
    name = tune.get_context().get_trial_name()
    number = number_of(name)
    if number is None:
        raise RuntimeError(f"Tune trial {name!r} was not named by hp-ray: run it through hpcore.search(backend='ray').")
    metrics = metric_names(payload.n_objectives)
    reporter: Reporter | None = None
    handle = RayTrial(number, config, payload.space)
    if payload.n_objectives == 1:
        handle.pruner = reporter = Reporter(metrics[0])
    trial, reraise = execute_trial(
        payload.objective,
        handle,
        space=payload.space,
        n_objectives=payload.n_objectives,
        compute_objective=payload.compute_objective,
        catch=payload.catch,
    )
    if reporter is not None and reporter.stopped:
        raise SystemExit(0)  # the scheduler stopped this trial: end the way Tune ended it
    final: dict[str, Any] = {RECORD: json.dumps(trial.to_json())}  # no STEP: not an intermediate value
    final.update({m: trial.values[i] if trial.values else math.nan for i, m in enumerate(metrics)})
    if reraise is not None:
        final[RERAISE] = _pickled(reraise)
    tune.report(final)


class Reporter:
    """The handle's pruner in a worker: each report goes to Tune, where the scheduler decides.

    Tune ends a trial its scheduler stops by raising SystemExit in that `tune.report`; the
    reporter turns it into "prune" and sends nothing more, and `run` raises SystemExit
    again once the objective has returned, so Tune's thread ends as Tune expects.
    """

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self.stopped = False

    def __call__(self, handle: Trial, value: float, step: int) -> bool:
        from ray import tune

        if not self.stopped:
            try:
                tune.report({self.metric: value, STEP: step})
            except SystemExit:
                self.stopped = True
        return self.stopped


def _pickled(exc: BaseException) -> bytes:
    """The exception, pickled; one that cannot be pickled travels as a RuntimeError with its text."""
    from ray import cloudpickle

    try:
        data = cloudpickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:
        return cloudpickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
