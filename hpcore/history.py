"""Telling an engine what it did not propose, once, before a search's first trial; and the seed it proposes with.

Rules (docs/laws.md §8, §9, §13):
- the engine is told (`hpcore_tell_unproposed`) the finished trials it does not hold: the
  journal's trials its own storage did not return (`hpcore_load_trials`), in number order,
  then the warm-start trials, in their source's order;
- it is called when the search holds a trial or has a warm start, never on a fresh search;
- the seed an engine proposes with is `seed` on a fresh search, and `resumed_seed(seed, held)`
  once the search holds or is warmed by `held` trials: drawn from those two numbers alone, so a
  resumed seeded search is reproducible, and its engine draws other configurations than the
  call before it; None stays None.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hpcore.records import FrozenTrial
    from hpcore.study import Study


def resumed_seed(seed: int | None, held: int) -> int | None:
    """The seed an engine proposes with when the search already holds (or is warmed by) `held` trials."""
    if seed is None or held == 0:
        return seed
    return random.Random(f"hpcore resume {seed} {held}").randrange(2**32)


def tell_unproposed(study: Study, engine_trials: Sequence[FrozenTrial]) -> None:
    """Tell the engine every finished trial it did not propose and does not hold, with the seed to go on with."""
    own = {trial.number for trial in engine_trials}
    trials = [trial for trial in study.ledger.trials if trial.number not in own] + list(study.warm_trials)
    held = len(study.ledger) + len(study.warm_trials)
    if held:
        study.hook.hpcore_tell_unproposed(study=study, trials=trials, seed=resumed_seed(study.settings.seed, held))
