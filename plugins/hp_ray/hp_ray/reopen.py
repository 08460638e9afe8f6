"""Reopening a saved Tune run that hp-ray stopped, so that `Tuner.restore` continues it.

Rules:
- a run hp-ray's stopper ended (after `timeout`, after an exception to re-raise, once its
  budget was spent) is saved by Tune as done: its search algorithm is marked finished, and
  every trial that had not ended is marked TERMINATED, whether it had started or not;
  restored as it is, it starts no trial;
- `reopen` rewrites the run's saved state before `Tuner.restore`: the TERMINATED trials
  whose numbers are not among `ended` (the run journal's), the lowest `limit` numbers of them,
  go back to PENDING, so each runs from the start under its number and config (the others
  are a grid's surplus), and each saved search algorithm is marked unfinished (one whose
  space is spent finds that out again when next asked);
- only Tune's newest experiment state and its search algorithm states are read; a file of a
  layout this does not know is left as it is, with a warning.
"""

from __future__ import annotations

import glob
import json
import logging
import os
from collections.abc import Collection

from hp_ray.worker import number_of

log = logging.getLogger("hp_ray")


def reopen(path: str, ended: Collection[int], limit: int) -> list[int]:
    """Reopen the Tune run saved at `path`; the numbers of the trials set back to PENDING."""
    from ray.tune.execution.tune_controller import TuneController
    from ray.tune.search import BasicVariantGenerator, SearchGenerator

    states = glob.glob(os.path.join(path, TuneController.CKPT_FILE_TMPL.format("*")))
    reopened = _reopen_trials(max(states), set(ended), limit) if states else []
    searchers = {BasicVariantGenerator.CKPT_FILE_TMPL: "_finished", SearchGenerator.CKPT_FILE_TMPL: "finished"}
    for template, key in searchers.items():
        for file in glob.glob(os.path.join(path, template.format("*"))):
            _unfinish(file, key)
    return reopened


def _reopen_trials(file: str, ended: set[int], limit: int) -> list[int]:
    try:
        with open(file, encoding="utf-8") as f:
            state = json.load(f)
        entries = state["trial_data"]
        trials = [json.loads(entry[0]) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("cannot read Tune's run state %s (%s); trials it stopped are not run again", file, exc)
        return []
    stopped = {}
    for entry, trial in zip(entries, trials):
        number = number_of(str(trial.get("custom_trial_name") or ""))
        if trial.get("status") == "TERMINATED" and number is not None and number not in ended:
            stopped[number] = (entry, trial)
    reopened = sorted(stopped)[: max(0, limit)]
    for number in reopened:
        entry, trial = stopped[number]
        trial["status"] = "PENDING"
        entry[0] = json.dumps(trial, indent=2)
    if reopened:
        _replace(file, json.dumps(state).encode())
    return reopened


def _unfinish(file: str, key: str) -> None:
    from ray import cloudpickle

    try:
        with open(file, "rb") as f:
            state = cloudpickle.load(f)
    except Exception as exc:  # a pickle of classes that are gone, a truncated file: Tune reports it on restore
        log.warning("cannot read the search algorithm state %s (%s)", file, exc)
        return
    if not isinstance(state, dict) or key not in state:
        log.warning("the search algorithm state %s has no %r; left as it is", file, key)
        return
    if state[key]:
        state[key] = False
        _replace(file, cloudpickle.dumps(state))


def _replace(file: str, data: bytes) -> None:
    """Write `data` as `file`, atomically (Tune copies only its .json and .pkl files, never this temporary)."""
    temporary = f"{file}.hpcore-tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, file)
