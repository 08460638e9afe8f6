"""`Settings`: what one search was asked to do, checked by `search()` and fixed for the whole search."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hpcore.objective import ComputeObjective, Direction

if TYPE_CHECKING:
    from hpcore.trial import Trial


@dataclass(frozen=True)
class Settings:
    """The arguments of `search()` after their checks (docs/laws.md gives their meaning).

    `space` is a neutral space (a checked dict of params), a backend's native form, or None
    (define-by-run). `options` are the backend's own keyword arguments, every name among
    the backend's declared `options`.
    """

    objective: Callable[[Trial], Any]
    space: Any
    directions: tuple[Direction, ...]
    backend: str
    n_trials: int
    max_trials: int | None = None
    timeout: float | None = None
    n_jobs: int = 1
    seed: int | None = None
    catch: tuple[type[BaseException], ...] = (Exception,)
    compute_objective: ComputeObjective | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property  # read for every trial
    def n_objectives(self) -> int:
        return len(self.directions)

    @functools.cached_property
    def is_multi_objective(self) -> bool:
        return len(self.directions) > 1
