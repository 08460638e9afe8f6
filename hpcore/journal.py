"""An append-only JSON-lines ledger of finished trials; a search resumes from it.

Rules:
- the first line is a header naming the directions and the space: each neutral parameter's
  kind and settings (a kind the core does not know, by its class name only), a native
  space by its form ("function", "ray", ...), null for define-by-run. A journal is only
  resumed by a search with the same directions and the same space (else JournalMismatch,
  naming the difference); a header without a space (an older journal) is not checked for it;
- nothing is written to a file before it is known to be a journal of this search: a file
  that is not an hpcore journal is refused (NotAJournal) and left as it is;
- one writer at a time: an open journal holds an exclusive lock (`fcntl.flock`) until it is
  closed, and a second search that opens it, in this process or another, is refused at once
  (JournalLocked); the lock ends with the process that held it, killed or not. Readers
  (`read_journal`) take no lock. Workers that share a search share a backend's storage
  (Optuna's `storage=`), never a journal;
- each finished trial is one line, written and flushed as the trial ends, so a killed
  process loses only the trial it was running;
- a torn last line (no newline: its writer died mid-write) is cut off, with a warning, when
  the journal is opened, and skipped by readers; any other line that cannot be read is
  reported with its line number (JournalCorrupt), and the file is left as it is;
- a trial number written twice (a retried trial) keeps its last line;
- a categorical choice is written as JSON and read back as the very choice object of the
  space; a choice that JSON cannot write, or that two choices would share, is refused
  before the file is opened (JournalCannotKeep).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hpcore.errors import (
    InvalidArgument,
    JournalCannotKeep,
    JournalCorrupt,
    JournalLocked,
    JournalMismatch,
    NotAJournal,
)
from hpcore import schema
from hpcore.descriptions import describe, param_of
from hpcore.objective import Direction
from hpcore.reading import parse_json, read_bytes
from hpcore.records import FrozenTrial, by_number
from hpcore.space import Categorical, Float, Int, Param, is_neutral

log = logging.getLogger("hpcore")

FORMAT = "hpcore-journal"
VERSION = 1

Choices = Mapping[str, Mapping[str, Any]]  # parameter name -> the JSON text of each choice -> the choice


class Journal:
    """An append-only JSON-lines record of a search's finished trials, locked while a search writes it."""

    def __init__(
        self, path: str | os.PathLike[str], directions: Sequence[Direction], space: Any = None, form: str | None = None
    ) -> None:
        """`form` names a native space's form (`hpcore.space_form`), as the header records it."""
        self.path = _file_path(path)
        self.directions = [Direction(d).value for d in directions]
        self._choices = _choices(space)
        described = _describe_space(space, self._choices, form)
        self._described = json.loads(json.dumps(described))  # as a header reads back
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")  # creates a missing file; changes nothing in an existing one
        except OSError as exc:
            raise InvalidArgument(f"journal {self.path} cannot be opened ({exc}): give a path to a file you can write.") from None
        try:
            _lock(self._file.fileno(), self.path)
            self.trials = self._open()
        except BaseException:
            self._file.close()
            raise

    def _open(self) -> list[FrozenTrial]:
        """The trials of an existing journal of this search, or [] once a new one has its header."""
        data = self.path.read_bytes()
        if not data:
            self._write({"format": FORMAT, "version": VERSION, "directions": self.directions, "space": self._described})
            return []
        lines = data.split(b"\n")[:-1]  # what follows the last newline is a torn line, or nothing
        header = _header(self.path, lines)
        if header["directions"] != self.directions:
            raise JournalMismatch(
                f"{self.path} was written by a search with directions {header['directions']}, "
                f"not {self.directions}: give a new journal path, or the same directions."
            )
        if "space" in header and header["space"] != self._described:
            raise JournalMismatch(
                f"{self.path} was written by a search with another space: {_difference(header['space'], self._described)}. "
                "Give a new journal path, or the journal's space."
            )
        trials = _trials(self.path, lines, len(self.directions), self._choices)
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            log.warning("journal %s ends in a torn line (a killed writer); it is cut off", self.path)
            self._file.truncate(complete)
        return trials

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record).encode() + b"\n")
        self._file.flush()

    def append(self, trial: FrozenTrial) -> None:
        """Write one finished trial and flush it to the operating system."""
        with self._lock:
            self._write(trial.to_json())

    def close(self) -> None:
        """Close the file, which ends the lock."""
        with self._lock:
            self._file.close()


def read_journal(path: str | os.PathLike[str]) -> tuple[list[str], list[FrozenTrial]]:
    """A journal's directions and its trials in number order (the last line of a number wins).

    A torn last line is skipped (its writer may be writing it); choices are as JSON reads them.
    """
    path = Path(path)
    return journal_from_bytes(read_bytes(path, "give a journal written by search(journal=) or hpcore run --journal."), path)


def journal_from_bytes(data: bytes, path: str | os.PathLike[str]) -> tuple[list[str], list[FrozenTrial]]:
    """`read_journal` of a journal whose file `path` holds `data`."""
    path = Path(path)
    lines = data.split(b"\n")[:-1]
    header = _header(path, lines)
    return header["directions"], _trials(path, lines, len(header["directions"]), {})


def journal_space(data: bytes, path: str | os.PathLike[str]) -> dict[str, Param]:
    """The neutral parameters a journal's header describes, rebuilt; {} for a native or define-by-run
    space, and without a parameter whose kind the core does not know or whose description is damaged."""
    described = _header(Path(path), data.split(b"\n")[:1]).get("space")
    if not isinstance(described, dict):
        return {}
    space = {}
    for name, description in described.items():
        try:
            param = param_of(description)
        except ValueError:  # InvalidSpace is one
            continue
        if param is not None:
            space[name] = param
    return space


def _describe_space(space: Any, choices: Choices, form: str | None) -> Any:
    """The space as a journal's header holds it; `choices` are its categorical choices by JSON text."""
    if space is None:
        return None
    if not is_neutral(space):
        return form
    return {name: _describe(param, choices.get(name, {})) for name, param in space.items()}


def _describe(param: Param, choices: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(param, (Float, Int)):
        return describe(param)  # type: ignore[return-value]  # a Float's or Int's description is never None
    if isinstance(param, Categorical):
        return {"kind": "categorical", "choices": [json.loads(text) for text in choices]}
    return {"kind": f"{type(param).__module__}.{type(param).__qualname__}"}


def _choices(space: Any) -> Choices:
    """Each categorical parameter's choices by their JSON text; JournalCannotKeep for a choice JSON cannot give back."""
    if not is_neutral(space):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for name, param in space.items():
        if not isinstance(param, Categorical):
            continue
        kept[name] = {}
        for choice in param.choices:
            try:
                text = json.dumps(choice)
            except (TypeError, ValueError):
                raise JournalCannotKeep(f"parameter {name!r}: choice {choice!r} cannot be written to a journal (JSON cannot write it): {_KEEP}") from None
            back = json.loads(text)
            if json.dumps(back) != text:
                raise JournalCannotKeep(f"parameter {name!r}: choice {choice!r} comes back as {back!r} from a journal: {_KEEP}")
            if text in kept[name]:
                raise JournalCannotKeep(
                    f"parameter {name!r}: choices {kept[name][text]!r} and {choice!r} are both written as {text}, "
                    f"so a journal cannot tell them apart: {_KEEP}"
                )
            kept[name][text] = choice
    return kept


_REPAIR = "Repair or delete that line (the file is left as it is), or give a new journal path."
_KEEP = (
    "use choices JSON writes and reads back (str, int, float, bool, None, and lists, tuples and dicts of them), "
    "for example names the objective maps to objects; or search without journal=."
)


def _difference(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(old.keys() | new.keys()):
            if name not in new:
                return f"parameter {name!r} is not in this search's space"
            if name not in old:
                return f"parameter {name!r} is not in the journal's space"
            if old[name] != new[name]:
                return f"parameter {name!r} was {old[name]}, now {new[name]}"
    return f"the journal holds trials of {_form(old)}, this search has {_form(new)}"


def _form(description: Any) -> str:
    if description is None:
        return "a define-by-run space (space=None)"
    return "a neutral space" if isinstance(description, dict) else f"a {description} space"


def _file_path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgument(f"journal must be a file path (a str or pathlib.Path), got {path!r}.")
    path = Path(path)
    if path.is_dir():
        raise InvalidArgument(f"journal {path} is a directory: give the path of a file, such as {path / 'runs.jsonl'}.")
    return path


def _lock(fd: int, path: Path) -> None:
    import fcntl  # POSIX; imported here so that hpcore loads without it

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalLocked(
            f"{path} is open in another search (in this process or another), and one search writes a journal "
            "at a time: wait for that search to end, or give this one another journal path. Workers that share "
            "a search share a backend's storage (such as Optuna's storage=), not a journal."
        ) from None


def _header(path: Path, lines: list[bytes]) -> dict[str, Any]:
    """The header on the first of a file's complete lines; NotAJournal when there is none."""
    try:
        header = parse_json(lines[0]) if lines else None
    except ValueError:  # not JSON, or not text
        header = None
    if not (isinstance(header, dict) and header.get("format") == FORMAT and isinstance(header.get("directions"), list)):
        raise NotAJournal(f"{path} is not an hpcore journal (it is left as it is): give another journal path.")
    if header.get("version") != VERSION:
        raise JournalMismatch(
            f"{path} is a journal of version {header.get('version')!r}; this hpcore reads version {VERSION}: "
            "use the hpcore that wrote it, or a new journal path."
        )
    try:
        schema.directions(header["directions"])
    except schema.Breach as breach:
        raise JournalCorrupt(f"{path} line 1, its header, cannot be read: {breach}. {_REPAIR}") from None
    return header


def _trials(path: Path, lines: list[bytes], n_directions: int, choices: Choices) -> list[FrozenTrial]:
    """The trials on the lines after the header, in number order; JournalCorrupt names a line that cannot be read."""
    last: dict[int, FrozenTrial] = {}  # each number's last record
    for number, line in enumerate(lines[1:], start=2):
        try:
            trial = _trial(line, n_directions, choices)
        except ValueError as exc:
            raise JournalCorrupt(f"{path} line {number} cannot be read: {exc}. {_REPAIR}") from None
        last[trial.number] = trial
    return sorted(last.values(), key=by_number)


def _trial(line: bytes, n_directions: int, choices: Choices) -> FrozenTrial:
    """One trial line, its choices mapped back to the space's objects; ValueError saying what is wrong."""
    try:
        data = parse_json(line)
    except ValueError as exc:
        raise ValueError(f"it is not JSON ({exc})") from None
    trial = schema.trial(data, n_directions)
    for name in choices.keys() & trial.params.keys():  # the params dict is the new record's own
        text = json.dumps(trial.params[name])
        if text not in choices[name]:
            raise ValueError(f"parameter {name!r} = {schema.shown(trial.params[name])} is not one of its choices")
        trial.params[name] = choices[name][text]
    return trial
