"""The errors the wandb backend adds; each refines an hpcore error and says what to do next."""

from __future__ import annotations

from hpcore import InvalidArgument


class WandbLoginRequired(InvalidArgument):
    """Online mode (asked for, or a ``sweep_id=`` to join) without W&B credentials."""
