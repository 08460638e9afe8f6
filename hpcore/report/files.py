"""Where reports go, and the plotting libraries they need.

Rules: a path already holding a file is written over only when hpcore wrote that file (a PNG,
an hpcore report page, a saved result); anything else raises NotOurs and is left as it is. A
plotting library that is not installed raises PlotUnavailable naming the `hpcore[plot]` extra.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from hpcore.errors import NotOurs, PlotUnavailable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HTML_MARK = '<meta name="generator" content="hpcore report">'


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as file:
        return file.read(size)


def is_png(path: Path) -> bool:
    return _head(path, len(PNG_SIGNATURE)) == PNG_SIGNATURE


def is_report(path: Path) -> bool:
    return HTML_MARK.encode() in _head(path, 4096)  # a page that embeds plotly.js is megabytes: read its head only


def is_result(path: Path) -> bool:
    try:
        return isinstance(loaded := json.loads(path.read_bytes()), dict) and "hpcore_result" in loaded
    except ValueError:
        return False


def writable(path: str | Path, ours: Callable[[Path], bool], what: str) -> Path:
    """`path`, once it is known to be free or to hold a `what` that hpcore wrote (`ours` reads as much of it as it needs)."""
    path = Path(path)
    if path.is_dir():
        raise NotOurs(f"{path} is a directory: give the path of a {what} file to write.")
    if path.exists() and path.stat().st_size and not ours(path):
        raise NotOurs(f"{path} exists and is not a {what} written by hpcore: give another path, or remove it first.")
    return path


def need(module: str, what: str) -> ModuleType:
    """`module` imported, or PlotUnavailable naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise PlotUnavailable(
            f'{what} needs {module.split(".")[0]}, which is not installed: pip install "hpcore[plot]".'
        ) from None
