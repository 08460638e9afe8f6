"""The backend's options: checked, then turned into the ``optuna.Study`` a search drives.

Rules:
- study options (``sampler``, ``pruner``, ``storage``, ``study_name``, ``load_if_exists``,
  ``heartbeat_interval``) build the study; a ready ``study=`` excludes them all;
- run options (``callbacks``, ``gc_after_trial``, ``show_progress_bar``) go to ``study.optimize``;
- ``seed=`` seeds the sampler hpcore creates (Optuna's default, TPE); a sampler the user
  passes keeps its own seed;
- a storage URL is opened as an RDB storage with a heartbeat (``heartbeat_interval``
  seconds, default 60; None turns it off), so a killed worker's trial becomes FAIL;
- a SQLite URL is opened under a lock on its file's folder, so processes opening one new file at
  once do not race to create Optuna's tables;
- ``load_if_exists`` defaults to True: the same storage and study name resume the study;
- ``sampler`` and ``pruner`` must be Optuna sampler and pruner instances, checked before
  anything is written to a storage;
- a stored or given study must have the search's directions and, for a neutral space, the
  same distribution for each parameter its trials sampled (``hp_optuna.stored``); with a
  storage, categorical choices must survive JSON; nothing in the study is changed otherwise.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpcore import InvalidArgument, Study, check_count

from hp_optuna.errors import StorageUnavailable, StudyExists, StudyMismatch, StudyNotFound
from hp_optuna.stored import check_space, check_storable

if TYPE_CHECKING:
    import optuna

log = logging.getLogger("hp_optuna")

STUDY_OPTIONS = ("sampler", "pruner", "storage", "study_name", "load_if_exists", "heartbeat_interval")
RUN_OPTIONS = ("callbacks", "gc_after_trial", "show_progress_bar")
KNOWN_OPTIONS = (*STUDY_OPTIONS, *RUN_OPTIONS, "study")
DEFAULT_HEARTBEAT_INTERVAL = 60


@dataclass(frozen=True)
class RunOptions:
    """What ``study.optimize`` receives besides the budget."""

    callbacks: tuple[Callable[..., None], ...] = ()
    gc_after_trial: bool = False
    show_progress_bar: bool = False


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse options that cannot go together, and a sampler or pruner of another type (the core refused unknown ones)."""
    import optuna

    if "study" in options:
        clashing = [name for name in STUDY_OPTIONS if name in options]
        if clashing:
            raise InvalidArgument(
                f"study= is a ready optuna.Study, so {', '.join(clashing)} cannot be given with it: "
                "pass them to optuna.create_study, or drop study=."
            )
    for name, kind, example in (
        ("sampler", optuna.samplers.BaseSampler, "optuna.samplers.TPESampler(seed=0)"),
        ("pruner", optuna.pruners.BasePruner, "optuna.pruners.MedianPruner()"),
    ):
        value = options.get(name)
        if value is not None and not isinstance(value, kind):
            raise InvalidArgument(
                f"{name} must be an optuna.{name}s.{kind.__name__} instance, got {value!r}: pass one, "
                f"such as {name}={example}."
            )


def run_options(options: Mapping[str, Any]) -> RunOptions:
    callbacks = options.get("callbacks") or ()
    if callable(callbacks) or not all(callable(c) for c in callbacks):
        raise InvalidArgument(f"callbacks must be a list of functions (study, frozen_trial), got {callbacks!r}.")
    return RunOptions(
        callbacks=tuple(callbacks),
        gc_after_trial=bool(options.get("gc_after_trial", False)),
        show_progress_bar=bool(options.get("show_progress_bar", False)),
    )


def build_study(study: Study) -> optuna.Study:
    """The optuna.Study for this search: the one given, or one created or loaded from the options."""
    import optuna

    settings = study.settings
    options = settings.options
    directions = [d.value for d in settings.directions]
    given = options.get("study")
    if given is not None:
        if not isinstance(given, optuna.Study):
            raise InvalidArgument(f"study must be an optuna.Study, got {type(given).__name__}.")
        _check_directions(given, directions, "the study you passed")
        check_space(given, settings.space, "the study you passed")
        if settings.seed is not None:
            log.info("seed=%d is not used: the study you passed keeps its own sampler", settings.seed)
        return given
    sampler = options.get("sampler")
    if sampler is None:
        sampler = optuna.samplers.TPESampler(seed=settings.seed)
    elif settings.seed is not None:
        log.info("seed=%d is not used: the sampler you passed keeps its own seed", settings.seed)
    if options.get("storage") is not None and not isinstance(options["storage"], optuna.storages.InMemoryStorage):
        check_storable(settings.space)
    storage = _storage(options)
    name = options.get("study_name")
    load_if_exists = bool(options.get("load_if_exists", True))
    try:
        optuna_study = optuna.create_study(
            storage=storage,
            sampler=sampler,
            pruner=options.get("pruner"),
            study_name=name,
            directions=[optuna.study.StudyDirection[d.upper()] for d in directions],
            load_if_exists=load_if_exists and name is not None,
        )
    except optuna.exceptions.DuplicatedStudyError:
        raise StudyExists(
            f"the storage already holds a study named {name!r}: pass load_if_exists=True to continue it, "
            "or a new study_name."
        ) from None
    _check_directions(optuna_study, directions, f"the stored study {optuna_study.study_name!r}")
    check_space(optuna_study, settings.space, f"the stored study {optuna_study.study_name!r}")
    return optuna_study


def open_stored(storage: str, study_name: str) -> optuna.Study:
    """The study `study_name` in the storage at URL `storage`, to read; nothing is created or changed."""
    import optuna

    if storage.startswith("sqlite:///") and not Path(storage.removeprefix("sqlite:///")).is_file():
        raise StorageUnavailable(f"there is no SQLite file {storage.removeprefix('sqlite:///')!r}: give the URL of an existing storage.")
    opened = _storage({"storage": storage, "heartbeat_interval": None})
    try:
        return optuna.load_study(study_name=study_name, storage=opened)
    except KeyError:
        names = optuna.get_all_study_names(opened)
        raise StudyNotFound(
            f"the storage {_without_password(storage)!r} holds no study named {study_name!r}: "
            f"give one of {', '.join(map(repr, names))}." if names else f"the storage {_without_password(storage)!r} holds no study."
        ) from None


def _storage(options: Mapping[str, Any]) -> Any:
    """The storage option as Optuna takes it; a URL is opened here, with a heartbeat."""
    import optuna

    storage = options.get("storage")
    interval = options.get("heartbeat_interval", DEFAULT_HEARTBEAT_INTERVAL)
    if not isinstance(storage, str):
        if "heartbeat_interval" in options:
            raise InvalidArgument(
                "heartbeat_interval applies to a storage URL only: give it to your storage object "
                "(optuna.storages.RDBStorage(url, heartbeat_interval=...)), or pass the URL."
            )
        if storage is not None and not isinstance(storage, optuna.storages.BaseStorage):
            raise InvalidArgument(
                f"storage must be a URL such as 'sqlite:///runs.db' or an Optuna storage object, got {storage!r}."
            )
        return storage
    check_count("heartbeat_interval (seconds)", interval, optional=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            with _sqlite_creation_lock(storage):
                return optuna.storages.RDBStorage(storage, heartbeat_interval=interval)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageUnavailable(
            f"storage {_without_password(storage)!r} cannot be opened ({type(exc).__name__}: {reason}): check the URL "
            "(for example 'sqlite:///runs.db' or 'postgresql://user:password@host/db'), that its "
            "directory or server exists, and that its database driver is installed."
        ) from exc


@contextmanager
def _sqlite_creation_lock(url: str) -> Iterator[None]:
    """Held while a ``sqlite:///`` storage is opened, by one process at a time.

    Two processes opening one new SQLite file at once both created Optuna's tables, and one failed
    (``UNIQUE constraint failed: alembic_version.version_num``). The lock (``fcntl.flock``, POSIX) is
    taken on the file's folder, not the file, whose POSIX locks are SQLite's; none where there is no
    folder (RDBStorage names the error) or no ``fcntl``.
    """
    folder = Path(url.removeprefix("sqlite:///").partition("?")[0]).parent
    if not url.startswith("sqlite:///") or not folder.is_dir() or os.name != "posix":
        yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # which ends the lock


def _without_password(url: str) -> str:
    """`url` with the password of `scheme://user:password@host` replaced by ***, for messages and logs."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def study_directions(optuna_study: optuna.Study) -> list[str]:
    """The study's directions as hpcore writes them: "minimize", "maximize"."""
    return [d.name.lower() for d in optuna_study.directions]


def _check_directions(optuna_study: optuna.Study, directions: list[str], what: str) -> None:
    stored = study_directions(optuna_study)
    if stored != directions:
        raise StudyMismatch(
            f"{what} has directions {stored}, but this search asks for {directions}: "
            "pass the same direction=, or a new study_name."
        )
