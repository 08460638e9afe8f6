"""The Trainer internals a search relies on, in one place (tested against transformers 4.57 and 5.24, the ends of the `transformers` extra).

transformers' own search does the same steps from inside `Trainer`: swap the training
arguments and rebuild the accelerator for them, free a trial's model, load weights from a
checkpoint folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from transformers import Trainer, TrainingArguments


def use_arguments(trainer: Trainer, args: TrainingArguments) -> None:
    """Train with `args` from now on: batch size and accelerator follow them."""
    trainer.args = args
    trainer._train_batch_size = args.train_batch_size
    trainer.create_accelerator_and_postprocess()


def set_up_process(args: TrainingArguments) -> None:
    """Set up in this process the device state `args` set up where they were made (accelerate's `PartialState`).

    Arguments that travelled to another process carry their cached device but not the state
    behind it, which trainers that build more arguments (sentence-transformers') need.
    """
    from accelerate.state import PartialState

    if not PartialState._shared_state:
        args.__dict__.pop("_setup_devices", None)  # the cached device: computed again, setting the state up
        _ = args.device


def free_model(trainer: Trainer) -> None:
    """Drop the trial's model, optimizer, scheduler and accelerator state, with one garbage collection.

    Once the accelerator lets go of them, reference counting frees the model, optimizer and
    scheduler; the accelerator's `clear` collects the rest. (A second collection, as
    `release_memory` before `clear` would make, costs as much again and frees nothing more.)
    """
    handler = trainer.callback_handler  # callbacks are handed the model, optimizer and scheduler through it
    handler.model = handler.optimizer = handler.lr_scheduler = None
    trainer.optimizer, trainer.lr_scheduler = None, None
    trainer.model_wrapped = trainer.model = None
    trainer.accelerator.clear()


def load_weights(trainer: Trainer, checkpoint: str, model: torch.nn.Module) -> None:
    """Load the weights saved in `checkpoint` (a checkpoint or `save_model` folder) into `model`."""
    trainer._load_from_checkpoint(checkpoint, model)


def place_model(trainer: Trainer, model: Any) -> None:
    """Make `model` the trainer's model, on the trainer's device."""
    trainer.model = trainer.model_wrapped = model
    if trainer.place_model_on_device:
        trainer._move_model_to_device(model, trainer.args.device)
