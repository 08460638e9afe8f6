"""Reading the files hpcore is given: the bytes of a regular file, and the JSON they hold.

Rules: a path is checked before it is opened, and only a regular file (or a link to one) is
read: a directory, FIFO, socket or device is refused and never opened, so reading neither
blocks on a pipe nor streams a device; the file is opened without blocking and checked again
once open, in case another took its place. A missing file is TargetNotFound, one that is not
a regular file or cannot be read NotAResult; each message ends with `hint`, what to give
instead. JSON is read strictly: a key twice in one object, or nesting deeper than Python can
follow, is a ValueError like any other text that is not JSON.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from hpcore.errors import NotAResult, TargetNotFound

KINDS = {  # what a path that is not a regular file is, by its stat mode
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
}


def kind_of(mode: int) -> str | None:
    """What a stat mode that is not a regular file's is ("a directory", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in KINDS.items() if test(mode)), "not a regular file")


def read_bytes(path: Path, hint: str) -> bytes:
    """The bytes of the regular file at `path`, checked before and after it is opened."""
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise TargetNotFound(f"{path} is not a file: {hint}") from None
    except OSError as exc:
        raise NotAResult(f"{path} cannot be read ({exc.strerror}): {hint}") from None
    kind = kind_of(before.st_mode)
    if kind is not None:
        raise NotAResult(f"{path} is {kind}, not a file: {hint}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as file:
            kind = kind_of(os.fstat(file.fileno()).st_mode)
            if kind is not None:
                raise NotAResult(f"{path} is {kind}, not a file: {hint}")
            return file.read()
    except OSError as exc:
        raise NotAResult(f"{path} cannot be read ({exc.strerror}): {hint}") from None


def parse_json(data: bytes | str) -> Any:
    """The JSON document `data` holds; ValueError saying why it is not one."""
    try:
        return json.loads(data, object_pairs_hook=_no_key_twice)
    except RecursionError:
        raise ValueError("it is nested deeper than can be read") from None


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"the key {key[:40]!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)
