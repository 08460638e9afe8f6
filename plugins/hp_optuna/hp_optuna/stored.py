"""What a study in a storage must keep for a search to go on in it, checked before the first trial.

Rules:
- a storage other than Optuna's in-memory one keeps each parameter's distribution as JSON, so
  a categorical choice of a neutral space must come back from JSON as itself (same type,
  equal): a choice JSON cannot write (an object) or gives back otherwise (a tuple comes back
  a list) is refused before anything is stored (`check_storable`), as Optuna would fail every
  trial of it then, or of the resumed study later;
- the trials of a stored (or given) study keep the distribution each parameter was sampled
  from: a neutral parameter whose distribution is now another (kind, bounds, step, log,
  choices) is refused before the first trial, naming the parameter and both distributions
  (`check_space`), as Optuna would fail every trial that samples it, or sample from two spaces.
  Parameters the study has not sampled yet, define-by-run and native spaces are not checked.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hpcore import Categorical, InvalidSpace, is_neutral

from hp_optuna.errors import StudyMismatch
from hp_optuna.distributions import space_distributions

if TYPE_CHECKING:
    import optuna


def check_storable(space: Any) -> None:
    """Refuse a categorical choice of `space` that a storage's JSON cannot give back as itself."""
    for name, param in space.items() if is_neutral(space) else ():
        for choice in param.choices if isinstance(param, Categorical) else ():
            try:
                back = json.loads(json.dumps(choice))
            except (TypeError, ValueError):
                raise InvalidSpace(f"parameter {name!r}: choice {choice!r} cannot be stored (JSON cannot write it): {_KEEP}") from None
            if type(back) is not type(choice) or back != choice:
                raise InvalidSpace(f"parameter {name!r}: choice {choice!r} comes back as {back!r} from the storage: {_KEEP}")


_KEEP = (
    "Optuna's storages keep choices as JSON, so use str, int, float, bool or None choices (for example "
    "names the objective maps to objects), or the in-memory storage (no storage=)."
)


def check_space(optuna_study: optuna.Study, space: Any, what: str) -> None:
    """Refuse a neutral parameter that `optuna_study`'s trials sampled from another distribution."""
    wanted = {name: built for name, (_, built) in space_distributions(space).items()}
    if not wanted:
        return
    for frozen in optuna_study.get_trials(deepcopy=False):
        for name, stored in frozen.distributions.items():
            if name in wanted and stored != wanted[name]:
                raise StudyMismatch(
                    f"{what} sampled parameter {name!r} from {stored!r}, now {wanted[name]!r}: give the "
                    "parameter as it was (or another name), or a new study_name."
                )
