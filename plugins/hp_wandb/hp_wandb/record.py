"""Where a local sweep keeps its record, so `sweep_id=` continues it as it continues a W&B sweep.

Rules:
- every local sweep has an id (`local-<8 hex>`, `WandbSweep.sweep_id`) and, unless the search
  was given `journal=`, its record: the search's journal, `<dir>/wandb/hpcore-sweeps/<id>.jsonl`
  (`dir=` as W&B reads it, else `WANDB_DIR`, else the working directory);
- `sweep_id=` of a local sweep loads that record's trials (none of them runs again) and the
  search goes on after them, writing to the same record.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

FOLDER = "hpcore-sweeps"


def new_id() -> str:
    return f"local-{secrets.token_hex(4)}"


def record_path(sweep_id: str, directory: Any = None) -> Path:
    """The record of local sweep `sweep_id` under `directory` (W&B's `dir=`)."""
    base = os.fspath(directory) if directory else os.environ.get("WANDB_DIR") or os.getcwd()
    return Path(base, "wandb", FOLDER, f"{sweep_id}.jsonl")


def exists(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0
