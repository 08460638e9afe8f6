"""Warm start: the finished trials of other searches, from any backend, told to a search's engine.

Rules (docs/laws.md §13):
- a source is a `SearchResult`, the path of a saved result (`.json`) or of a journal
  (`.jsonl`), or an iterable of `FrozenTrial`; anything else is refused with InvalidArgument
  before anything runs;
- the warm trials are the source's COMPLETE trials with one value per direction of the search
  and, for a neutral space, a value inside the space for each of its parameters; the other
  COMPLETE trials are skipped with one warning that counts them (FAILED and PRUNED trials hold
  no values and are left out);
- warm trials are told to the engine, never run: they are not in the ledger, the journal,
  `n_trials` or `max_trials`; the result keeps them apart, as `warm_trials`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hpcore.errors import InvalidArgument
from hpcore.records import FrozenTrial, TrialState
from hpcore.space import is_neutral

log = logging.getLogger("hpcore")


def warm_trials(source: Any, n_objectives: int, space: Any) -> tuple[FrozenTrial, ...]:
    """The trials of `source` a search with `n_objectives` over `space` is warmed with."""
    if source is None:
        return ()
    trials = [t for t in _read(source) if t.state is TrialState.COMPLETE]
    kept = tuple(t for t in trials if len(t.values) == n_objectives and _inside(t, space))
    if len(kept) < len(trials):
        log.warning(
            "warm start: %d of %d completed trials skipped (outside the space, or %s)",
            len(trials) - len(kept), len(trials), f"not {n_objectives} value(s)",
        )
    return kept


def _read(source: Any) -> Sequence[FrozenTrial]:
    from hpcore.result import SearchResult

    if isinstance(source, SearchResult):
        return source.trials
    if isinstance(source, (str, os.PathLike)):
        return _read_file(Path(source))
    if isinstance(source, Iterable) and not isinstance(source, (bytes, dict)):
        trials = list(source)
        if all(isinstance(t, FrozenTrial) for t in trials):
            return trials
    raise InvalidArgument(
        f"warm_start must be a SearchResult, the path of a saved result (.json) or journal (.jsonl), "
        f"or FrozenTrial records, got {type(source).__name__}."
    )


def _read_file(path: Path) -> Sequence[FrozenTrial]:
    from hpcore.journal import read_journal
    from hpcore.result import SearchResult

    if not path.is_file():
        raise InvalidArgument(f"warm_start {str(path)!r} is not a file: give a saved result (.json) or a journal (.jsonl).")
    if path.suffix == ".jsonl":
        return read_journal(path)[1]
    if path.suffix == ".json":
        return SearchResult.load(path).trials
    raise InvalidArgument(f"warm_start {str(path)!r} is neither a saved result (.json) nor a journal (.jsonl).")


def _inside(trial: FrozenTrial, space: Any) -> bool:
    if not is_neutral(space):
        return True  # a native or define-by-run space: the engine decides what it can use
    return all(name in trial.params and param.contains(trial.params[name]) for name, param in space.items())
