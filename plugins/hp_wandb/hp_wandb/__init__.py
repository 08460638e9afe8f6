"""hp-wandb: the Weights & Biases backend for hpcore (``hpcore.search(..., backend="wandb")``),
and `Logger`, which logs any backend's trials as W&B runs.

Importing this package does not import wandb; a search (or a Logger's first run) imports it.
"""

from __future__ import annotations

from hp_wandb.backend import OnlineTrial, WandbBackend, WandbSweep, WandbTrial
from hp_wandb.errors import WandbLoginRequired
from hp_wandb.logger import Logger

__all__ = ["Logger", "OnlineTrial", "WandbBackend", "WandbLoginRequired", "WandbSweep", "WandbTrial"]
