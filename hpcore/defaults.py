"""The core's answers to the backend hooks a backend leaves out, registered ``trylast`` in every relay.

Nothing to prepare, never prune, nothing to tell, no trials of its own to load, and the
reference best-run rules (docs/laws.md §4). The core's loop is in `hpcore.loop`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpcore.hookspecs import hookimpl
from hpcore.selection import select_best

if TYPE_CHECKING:
    from hpcore.records import FrozenTrial
    from hpcore.study import Study
    from hpcore.trial import Trial


@hookimpl(trylast=True)
def hpcore_prepare(study: Study) -> bool:
    return True


@hookimpl(trylast=True)
def hpcore_should_prune(study: Study, trial: Trial, value: float, step: int) -> bool:
    return False


@hookimpl(trylast=True)
def hpcore_tell(study: Study, trial: FrozenTrial) -> bool:
    return True


@hookimpl(trylast=True)
def hpcore_load_trials(study: Study) -> Sequence[FrozenTrial]:
    return ()


@hookimpl(trylast=True)
def hpcore_select_best(study: Study, trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    return select_best(trials, study.settings.directions)
