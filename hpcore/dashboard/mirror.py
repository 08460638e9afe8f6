"""hpcore's record of a search, mirrored into an Optuna storage that optuna-dashboard reads.

Rules:
- the record is a journal (read as `hpcore.journal` reads one: a torn last line, still being
  written, is skipped) or a saved result, read again on each `update`; a search on any backend
  that writes it shows in the mirror, and so does a later search that resumes the same journal;
- the mirror holds one study, named after the file, with the record's directions, in an
  in-memory Optuna storage; each trial number is mirrored once, when first read, in number
  order: a mirrored trial is never changed (Optuna's finished trials cannot be), so a number a
  journal writes again keeps its first record in the mirror;
- states map to Optuna's (COMPLETE, PRUNED, FAILED as FAIL), with the values, intermediate
  values and duration; hpcore's trial number, proposer and error, and the trial's user
  attributes, are user attributes (`hpcore number`, `hpcore proposer`, `hpcore error`);
- a parameter keeps the distribution of its parameter where the record describes it (the
  journal's neutral space: bounds, log scale, step, choices); any other is a one-value
  distribution of its value (optuna-dashboard merges a parameter's ranges across trials);
  a choice Optuna cannot hold (a list, a dict) is shown as its JSON text;
- text from the search that optuna-dashboard's plots draw (the study's name, parameter names,
  string choices) is shown as text: control characters escaped (`hpcore.report.text`), and
  each `<` followed by a zero-width space, so plotly reads no tag in it (an `<a href>` would be a
  live link); the trial's user attributes, which only its tables show, are kept as they are;
- a record that cannot be read after the first `update` keeps the mirror as it was, and the
  reason is logged once until it reads again.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
import warnings
from pathlib import Path
from typing import Any

from hpcore.errors import HpcoreError, NotAJournal, NotAResult, ResultCorrupt
from hpcore.journal import journal_from_bytes, journal_space
from hpcore.reading import read_bytes
from hpcore.records import FrozenTrial, TrialState
from hpcore.report.text import printable
from hpcore.result import SearchResult
from hpcore.space import Categorical, Float, Int, Param

log = logging.getLogger("hpcore")

GIVE = "give a journal (--journal, journal=), a result saved with --save, or an Optuna storage URL such as sqlite:///runs.db."
STATES = {TrialState.COMPLETE: "COMPLETE", TrialState.PRUNED: "PRUNED", TrialState.FAILED: "FAIL"}
OPTUNA_CHOICE = (type(None), bool, int, float, str)


def read_record(path: Path) -> tuple[list[str], list[FrozenTrial], dict[str, Param]]:
    """The directions, trials and described parameters of the journal or saved result at `path`."""
    data = read_bytes(path, GIVE)
    try:
        directions, trials = journal_from_bytes(data, path)
        return directions, trials, journal_space(data, path)
    except NotAJournal:
        pass
    try:
        result = SearchResult.from_bytes(data, path)
    except ResultCorrupt:  # its message names the trial and the field
        raise
    except NotAResult:
        raise NotAResult(f"{path} is neither an hpcore journal nor a saved result: {GIVE}") from None
    return [d.value for d in result.directions], result.trials, {}


class Mirror:
    """One search's record at `path`, mirrored into `storage`, an in-memory Optuna storage."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Reads the record once (its errors raise, before anything is served) and mirrors it."""
        import optuna

        self.path = Path(path)
        directions, trials, self._space = read_record(self.path)
        self.storage = optuna.storages.InMemoryStorage()
        self._study = optuna.create_study(storage=self.storage, study_name=shown(self.path.name), directions=directions)  # type: ignore[arg-type]  # "minimize"/"maximize", as Optuna takes them
        self._seen: set[int] = set()
        self._failing: str | None = None
        self._add(trials)

    @property
    def count(self) -> int:
        """How many trials the mirror holds."""
        return len(self._seen)

    def update(self) -> None:
        """Mirror the trials the record gained since the last update."""
        try:
            _, trials, space = read_record(self.path)
        except HpcoreError as exc:
            if str(exc) != self._failing:
                log.warning("the dashboard keeps what it showed: %s", exc)
                self._failing = str(exc)
            return
        self._failing = None
        self._space = space or self._space
        self._add(trials)

    def _add(self, trials: list[FrozenTrial]) -> None:
        for trial in trials:
            if trial.number not in self._seen:
                self._study.add_trial(self._optuna_trial(trial))
                self._seen.add(trial.number)

    def _optuna_trial(self, trial: FrozenTrial) -> Any:
        import optuna

        params, distributions = {}, {}
        for name, value in trial.params.items():
            params[shown(name)], distributions[shown(name)] = _param(value, self._space.get(name))
        end = datetime.datetime.now()
        attrs = {"hpcore number": trial.number, "hpcore proposer": trial.proposer, "hpcore error": trial.error}
        return optuna.trial.FrozenTrial(
            number=-1, trial_id=-1, value=None,  # the storage numbers it
            state=getattr(optuna.trial.TrialState, STATES[trial.state]),
            values=list(trial.values) or None,
            params=params,
            distributions=distributions,
            user_attrs={**trial.user_attrs, **{k: v for k, v in attrs.items() if v is not None}},
            system_attrs={},
            intermediate_values={step: v for step, v in trial.intermediate.items() if math.isfinite(v)},
            datetime_start=end - datetime.timedelta(seconds=trial.duration),
            datetime_complete=end,
        )


def _param(value: Any, param: Param | None) -> tuple[Any, Any]:
    """The value as Optuna holds it and its distribution: the parameter's when it holds the value, else one value's."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Optuna warns of a range its step does not divide; hpcore refused those
            if isinstance(param, Categorical) and param.contains(value):
                return _choice(value), CategoricalDistribution([_choice(c) for c in param.choices])
            if isinstance(param, Int) and param.contains(value):
                return value, IntDistribution(param.low, param.high, log=param.log, step=param.step)
            if isinstance(param, Float) and param.contains(value):
                return value, FloatDistribution(param.low, param.high, log=param.log, step=param.step)
    except ValueError:  # a description Optuna cannot hold as a distribution: the value alone
        pass
    return _alone(_choice(value))


def shown(text: str) -> str:
    """Text plotly draws as written: control characters escaped, and no `<` that could open a tag."""
    return printable(text).replace("<", "<\u200b")


def _choice(value: Any) -> Any:
    """A choice as Optuna can hold it: a number, bool or None as it is; a string shown as text; anything else as its JSON."""
    if isinstance(value, OPTUNA_CHOICE) and not isinstance(value, str):
        return value
    return shown(value if isinstance(value, str) else json.dumps(value))


def _alone(value: Any) -> tuple[Any, Any]:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if isinstance(value, int) and not isinstance(value, bool):
        return value, IntDistribution(value, value)
    if isinstance(value, float) and math.isfinite(value):
        return value, FloatDistribution(value, value)
    return value, CategoricalDistribution([value])


__all__ = ["GIVE", "Mirror", "read_record"]
