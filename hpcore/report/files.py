"""Where hpcore writes its files: each output path checked before any work, each file written whole.

Rules:
- an output path is checked before any trial runs: its folder exists and is writable; it is
  not a directory, FIFO, socket or device; it is not a symbolic link (a link is refused,
  dangling or not, and neither it nor what it points to is touched); it is not another output
  or an input of the same command;
- a file already there is replaced only when hpcore wrote it, recognised by its whole form,
  never by a mark that could be anywhere in it: a PNG whose `Software` text chunk, before its
  image data, begins with "hpcore" (hpcore writes it there); a page that begins with hpcore's
  head (`PAGE_HEAD`) and ends with `</html>`; a saved result that keeps hpcore's schema
  (`hpcore.schema`). An empty file holds nothing to lose and is replaced. Anything else raises
  NotOurs and is left as it is. A journal's content is the journal's own rule (NotAJournal);
- a file is written atomically: into a new file in the same folder, flushed to disk, then
  renamed over the path, so a crash or a full disk leaves the old file whole (NotWritten);
- a plotting library that is not installed raises PlotUnavailable naming the `hpcore[plot]` extra.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
import stat
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from hpcore.errors import HpcoreError, InvalidArgument, NotAResult, NotOurs, NotWritten, PlotUnavailable
from hpcore.reading import kind_of, read_bytes
from hpcore.result import SearchResult

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_SOFTWARE = "hpcore"  # the `Software` text chunk of every PNG hpcore draws
PNG_HEAD_BYTES = 1 << 16  # the text chunks come before the image data, in the first few hundred bytes
HTML_MARK = '<meta name="generator" content="hpcore report">'
PAGE_HEAD = f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{HTML_MARK}'
PAGE_END = b"</html>\n"


@dataclass(frozen=True)
class Kind:
    """A kind of file hpcore writes: `ours(path)` tells one it wrote (None: the writer's own rule)."""

    name: str
    ours: Callable[[Path], bool] | None


class Output(NamedTuple):
    """One output of a command: the option that names it, its path (None: not asked for), its kind."""

    option: str
    path: str | os.PathLike[str] | None
    kind: Kind


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as file:
        return file.read(size)


def is_png(path: Path) -> bool:
    """A PNG hpcore drew: a `Software` text chunk beginning with "hpcore", whole (its CRC right), before the image data."""
    data = _head(path, PNG_HEAD_BYTES)
    if not data.startswith(PNG_SIGNATURE):
        return False
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunk, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if chunk in (b"IDAT", b"IEND") or len(body) < length or at + 12 + length > len(data):
            return False
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        if zlib.crc32(chunk + body) != crc:
            return False
        keyword, _, text = body.partition(b"\0")
        if chunk == b"tEXt" and keyword == b"Software":
            return text.startswith(PNG_SOFTWARE.encode())
        at += 12 + length
    return False


def is_report(path: Path) -> bool:
    """A page hpcore wrote: it begins with hpcore's head and ends with `</html>` (its plotly.js makes it megabytes: both ends only)."""
    if _head(path, len(PAGE_HEAD)) != PAGE_HEAD.encode():
        return False
    with path.open("rb") as file:
        file.seek(max(0, path.stat().st_size - len(PAGE_END)))
        return file.read() == PAGE_END


def is_result(path: Path) -> bool:
    """A result hpcore saved: the whole file keeps hpcore's schema."""
    try:
        SearchResult.load(path)
    except NotAResult:
        return False
    return True


PNG = Kind("PNG", is_png)
REPORT = Kind("report page", is_report)
RESULT = Kind("saved result", is_result)
JOURNAL = Kind("journal", None)


def writable(path: str | os.PathLike[str], kind: Kind) -> Path:
    """`path`, once it is known that a `kind` may be written there (the rules above)."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise NotWritten(f"{path} cannot be written: its folder {folder} does not exist. Create it first, or give a path in a folder that exists.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotWritten(f"{path} cannot be written: its folder {folder} is not writable. Give a path in a folder you can write.")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    if stat.S_ISLNK(mode):
        raise NotOurs(
            f"{path} is a symbolic link (to {os.readlink(path)}): hpcore writes neither through a link nor over one. "
            "Give the path of a file, such as the link's target."
        )
    kind_found = kind_of(mode)
    if kind_found is not None:
        raise NotOurs(f"{path} is {kind_found}: give the path of a {kind.name} file to write.")
    if kind.ours is not None and os.stat(path).st_size and not kind.ours(path):
        raise NotOurs(f"{path} exists and is not a {kind.name} written by hpcore: give another path, or remove it first.")
    return path


def check_distinct(outputs: Sequence[Output], inputs: Sequence[str | os.PathLike[str]] = ()) -> None:
    """No two outputs of one command, nor an output and an input, are the same file."""
    seen: dict[Any, str] = {key: f"the input {path}" for path in inputs for key in _identities(Path(path))}
    for option, path in [(o.option, o.path) for o in outputs if o.path is not None]:
        keys = _identities(Path(path))
        taken = next((seen[k] for k in keys if k in seen), None)
        if taken is not None:
            raise InvalidArgument(f"{option} {path} is the same file as {taken}: give each output a path of its own.")
        seen.update(dict.fromkeys(keys, f"{option} {path}"))


def _identities(path: Path) -> list[Any]:
    """What names the file at `path`: its folder's real path and its name, and its inode when it exists."""
    keys: list[Any] = [(os.path.realpath(path.parent), path.name)]
    with contextlib.suppress(OSError):
        found = os.stat(path)
        keys.append((found.st_dev, found.st_ino))
    return keys


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A new file in `path`'s folder to write the whole of; renamed over `path` once it is on disk.

    An OSError (a full disk, a folder gone) raises NotWritten, and `path` keeps what it held.
    """
    temp = path.parent / f".hpcore-{secrets.token_hex(6)}.tmp"
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        yield temp
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, path)
    except HpcoreError:
        raise
    except OSError as exc:
        raise NotWritten(f"{path} could not be written ({exc.strerror or exc}); what it held is left whole.") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def need(module: str, what: str, extra: str = "plot") -> ModuleType:
    """`module` imported, or PlotUnavailable naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise PlotUnavailable(
            f'{what} needs {module.split(".")[0]}, which is not installed: pip install "hpcore[{extra}]".'
        ) from None
