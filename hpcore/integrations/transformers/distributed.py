"""A search under torchrun (DDP): rank zero searches, every rank trains each trial with the same values.

Rules:
- rank zero runs the search; before a trial trains, it calls `model_init(trial)` once so the
  values suggested there are known, then sends the trial's number and values to every rank,
  which train it with a fixed trial of those values;
- at each evaluation rank zero decides whether to prune, and every rank follows its decision;
- at each trial's end every rank says how it ended (a gather), so no rank starts the next
  trial early; the search ends (done, timeout, error, Ctrl-C) with a message from rank zero
  carrying the best runs, which every rank returns (their `run_summary.result` is None
  but on rank zero);
- a trial that raises on any rank ends the search on every rank: the failing rank closes the
  process group, so the others' pending collective fails at once instead of waiting, and each
  rank raises `DistributedTrialFailed`; the finished trials are kept where the backend keeps
  them (a journal, an Optuna storage);
- every collective waits at most the process group's timeout (`TrainingArguments.ddp_timeout`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hpcore import HpcoreError, Trial
from hpcore.integrations.transformers.trials import Training, fixed_trial, model_trial, sampled_values, settle

if TYPE_CHECKING:
    from transformers import Trainer, TrainingArguments

log = logging.getLogger("hpcore.transformers")

TRIAL, END = "trial", "end"


class DistributedTrialFailed(HpcoreError):
    """A trial raised on one rank of a torchrun search; the search ends on every rank."""


@dataclass
class World:
    """This process's place among the ranks of a torchrun job."""

    rank: int
    size: int
    broken: bool = False

    @classmethod
    def of(cls, args: TrainingArguments) -> World:
        return cls(rank=args.process_index, size=args.world_size)

    @property
    def leader(self) -> bool:
        return self.rank == 0

    def share(self, message: Any) -> Any:
        """Rank zero's `message`, on every rank."""
        import torch.distributed as dist

        box = [message]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def gather(self, status: Any) -> list[Any]:
        """Every rank's `status`, on every rank."""
        import torch.distributed as dist

        out: list[Any] = [None] * self.size
        dist.all_gather_object(out, status)
        return out

    def fail(self, number: int, exc: BaseException) -> DistributedTrialFailed:
        """Close the process group, so no other rank waits for this one; the error to raise."""
        import torch.distributed as dist

        if not self.broken and dist.is_initialized():
            self.broken = True
            dist.destroy_process_group()
        log.error("rank %d: trial %d failed: %s: %s", self.rank, number, type(exc).__name__, exc)
        return DistributedTrialFailed(
            f"trial {number} failed on rank {self.rank} ({type(exc).__name__}: {exc}); under torchrun a failing "
            "trial ends the search on every rank, and the finished trials are kept in the journal or storage."
        )


def lead(world: World, training: Training, trainer_of: Callable[[], tuple[Trainer, TrainingArguments]]) -> Callable[[Trial], Any]:
    """Rank zero's objective: sample (model_init included), send the values, train with every rank."""

    def objective(trial: Trial) -> Any:
        trainer, base = trainer_of()
        given = model_trial(trial)
        try:
            trainer.call_model_init(given)  # the model is dropped: only the values it suggested are wanted
            values = sampled_values(trial, given)
            trial.params.update(values)
            world.share((TRIAL, trial.number, values))
            outcome = training.run(trainer, base, trial.number, values, given, lambda v, s: world.share(trial.report(v, s)))
            world.gather(outcome.pruned)
        except Exception as exc:
            raise world.fail(trial.number, exc) from exc
        return settle(trial, outcome)

    return objective


def follow(world: World, training: Training, trainer: Trainer, backend: str) -> Any:
    """Another rank: train each trial rank zero sends, until it sends the end; return its best runs."""
    base = trainer.args
    while True:
        message = world.share(None)
        if message[0] == END:
            _, best, error = message
            if error is not None:
                raise DistributedTrialFailed(f"the search ended on rank 0: {error}")
            return best
        _, number, values = message
        try:
            outcome = training.run(trainer, base, number, values, fixed_trial(backend, values, number), lambda v, s: world.share(None))
            world.gather(outcome.pruned)
        except Exception as exc:
            raise world.fail(number, exc) from exc


def end(world: World, best: Any = None, error: BaseException | None = None) -> None:
    """Rank zero: tell every rank the search is over, with its best runs or its error."""
    if world.broken:
        return
    if best is not None:
        best = [_without_result(run) for run in best] if isinstance(best, list) else _without_result(best)
    world.share((END, best, None if error is None else f"{type(error).__name__}: {error}"))


def _without_result(run: Any) -> Any:
    summary = run.run_summary
    return run._replace(run_summary=dataclasses.replace(summary, result=None)) if summary is not None else run
