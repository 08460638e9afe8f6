"""`Recipe`: a trainer's parts, to build the same trainer where the trial runs (a Ray worker, a thread).

transformers' Trainer itself does not pickle (its accelerator holds locks and devices), so a
search whose trials run elsewhere sends the parts the trainer was built from and builds one
trainer per process (per thread with `n_jobs > 1`), reused by every trial that runs there.
"""

from __future__ import annotations

import copy
import os
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hpcore import InvalidArgument

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


@dataclass
class Recipe:
    kind: type
    args: TrainingArguments
    parts: dict[str, Any]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def of(cls, trainer: Trainer) -> Recipe:
        """The recipe of `trainer`: its class, arguments (`output_dir` made absolute) and parts."""
        args = copy.copy(trainer.args)
        args.output_dir = os.path.abspath(args.output_dir)
        parts = {name: getattr(trainer, name, None) for name in PARTS}
        parts["callbacks"] = user_callbacks(trainer)
        return cls(type(trainer), args, parts)

    def __call__(self) -> tuple[Trainer, TrainingArguments]:
        """The trainer of this process and thread, built on first use, and the arguments trials start from."""
        key = (self.token, threading.get_ident())
        trainer = _built.get(key)
        if trainer is None:
            try:
                trainer = self.kind(args=self.args, **self.parts)
            except TypeError as exc:
                raise InvalidArgument(
                    f"{self.kind.__name__} could not be built again where its trials run ({exc}): a trainer whose "
                    "trials run in other processes must take transformers.Trainer's own arguments."
                ) from None
            _built[key] = trainer
        return trainer, self.args

    def forget(self) -> None:
        """Drop the trainers this process built from the recipe (the search is over)."""
        for key in [key for key in _built if key[0] == self.token]:
            del _built[key]


def user_callbacks(trainer: Trainer) -> list[Any]:
    """The callbacks the user gave: those the Trainer adds by itself are left out."""
    from transformers.integrations import get_reporting_integration_callbacks
    from transformers.trainer import DEFAULT_CALLBACKS
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    from hpcore.integrations.transformers.trials import Reporting

    own = (*DEFAULT_CALLBACKS, *get_reporting_integration_callbacks(trainer.args.report_to), PrinterCallback, ProgressCallback, Reporting)
    return [cb for cb in trainer.callback_handler.callbacks if not isinstance(cb, tuple(own))]
