"""`Recipe`: a trainer's class and its own constructor arguments, to build the same trainer where
trials run (a Ray worker, a thread).

transformers' Trainer itself does not pickle (its accelerator holds locks and devices), so a
search whose trials run elsewhere sends what the trainer was built from and builds one trainer
per process (per thread with `n_jobs > 1`), reused by every trial that runs there.

Rules:
- once this package is imported, every `transformers.Trainer` (any subclass: sentence-transformers',
  setfit-style trainers, the user's) keeps the arguments its constructor was called with
  (`record_constructor_arguments`); the rebuilt trainer gets those very arguments, with `args`
  replaced by the trainer's own (`output_dir` made absolute) and `model` left out where
  `model_init` builds the model;
- a trainer built before the import is rebuilt from transformers' own arguments (`PARTS`);
- callbacks added after construction (`add_callback`) are added to the rebuilt trainer too.
"""

from __future__ import annotations

import copy
import inspect
import os
import threading
import uuid
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hpcore import InvalidArgument
from hpcore.integrations.transformers import trainer_internals

if TYPE_CHECKING:
    from transformers import Trainer, TrainingArguments

PARTS = (
    "model_init",
    "data_collator",
    "train_dataset",
    "eval_dataset",
    "processing_class",
    "compute_loss_func",
    "compute_metrics",
    "optimizer_cls_and_kwargs",
    "preprocess_logits_for_metrics",
)
_built: dict[tuple[str, int], Trainer] = {}  # (recipe token, thread) -> the trainer built there
_constructed: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], dict[str, Any]]] = weakref.WeakKeyDictionary()


def record_constructor_arguments() -> None:
    """Make `transformers.Trainer` keep, for each trainer built from now on, its constructor's arguments.

    `__new__` receives exactly what the user's class was called with, whatever its `__init__` takes.
    """
    import transformers

    base = transformers.Trainer
    if "__new__" in base.__dict__:  # recorded already (or transformers has its own __new__: leave it)
        return

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        trainer: Any = object.__new__(cls)
        _constructed[trainer] = (args, dict(kwargs))
        return trainer

    base.__new__ = staticmethod(__new__)


@dataclass
class Recipe:
    kind: type
    args: TrainingArguments
    positional: tuple[Any, ...]
    keywords: dict[str, Any]
    callbacks: list[Any]  # the user's callbacks, those added after construction included
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def of(cls, trainer: Trainer) -> Recipe:
        """The recipe of `trainer`: its class, its constructor's arguments and its training arguments."""
        args = copy.copy(trainer.args)
        args.output_dir = os.path.abspath(args.output_dir)
        call = _constructed.get(trainer)
        if call is None:
            parts = {name: getattr(trainer, name, None) for name in PARTS}
            _check_takes(type(trainer), [*parts, "args"])
            return cls(type(trainer), args, (), {**parts, "args": args}, user_callbacks(trainer))
        positional, keywords = _with_arguments(type(trainer), call, args, trainer.model_init)
        return cls(type(trainer), args, positional, keywords, user_callbacks(trainer))

    def __call__(self) -> tuple[Trainer, TrainingArguments]:
        """The trainer of this process and thread, built on first use, and the arguments trials start from."""
        key = (self.token, threading.get_ident())
        trainer = _built.get(key)
        if trainer is None:
            trainer_internals.set_up_process(self.args)
            try:
                trainer = self.kind(*self.positional, **self.keywords)
            except TypeError as exc:
                raise InvalidArgument(
                    f"{self.kind.__name__} could not be built again where its trials run ({exc}): import "
                    "hpcore.integrations.transformers before building the trainer, so its own arguments are kept."
                ) from None
            present = {type(cb) for cb in trainer.callback_handler.callbacks}
            for callback in self.callbacks:
                if type(callback) not in present:
                    trainer.add_callback(callback)
            _built[key] = trainer
        return trainer, self.args

    def forget(self) -> None:
        """Drop the trainers this process built from the recipe (the search is over)."""
        for key in [key for key in _built if key[0] == self.token]:
            del _built[key]


def _check_takes(kind: type, names: list[str]) -> None:
    """A trainer built before the drop-in was imported is rebuilt from transformers' arguments: its class must take them."""
    parameters = list(inspect.signature(getattr(kind, "__init__")).parameters.values())[1:]
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return
    missing = [name for name in names if name not in {p.name for p in parameters}]
    if missing:
        raise InvalidArgument(
            f"{kind.__name__} was built before hpcore.integrations.transformers was imported, so its own arguments "
            f"were not kept, and it takes none of {missing}: import hpcore.integrations.transformers before "
            "building the trainer, so its trials can run in other processes."
        )


def _with_arguments(kind: type, call: tuple[tuple[Any, ...], dict[str, Any]], args: Any, model_init: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The constructor's arguments with `args` (the training arguments) and `model_init` set, `model` left out."""
    positional, keywords = call
    init = inspect.signature(getattr(kind, "__init__"))  # not the class's: that is the recording __new__'s
    signature = init.replace(parameters=list(init.parameters.values())[1:])
    named = {n for n, p in signature.parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    try:
        bound = signature.bind(*positional, **keywords)
    except TypeError:  # arguments its signature does not list (a decorator renames them): set ours by keyword
        return positional, {**keywords, "args": args, "model_init": model_init}
    for name, value in (("args", args), ("model_init", model_init), ("model", None)):
        if name in named:
            bound.arguments[name] = value
    return bound.args, bound.kwargs


def user_callbacks(trainer: Trainer) -> list[Any]:
    """The callbacks the user gave: those the Trainer adds by itself are left out."""
    from transformers.integrations import get_reporting_integration_callbacks
    from transformers.trainer import DEFAULT_CALLBACKS
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    from hpcore.integrations.transformers.trials import Reporting

    own = (*DEFAULT_CALLBACKS, *get_reporting_integration_callbacks(trainer.args.report_to), PrinterCallback, ProgressCallback, Reporting)
    return [cb for cb in trainer.callback_handler.callbacks if not isinstance(cb, tuple(own))]
