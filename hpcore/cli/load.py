"""The searches the command reads: a saved result (.json), a journal (.jsonl), or a backend's storage.

Rules: a file is read as a journal first, then as a saved result; a file that is neither, or no
file, is refused with what to give instead. A storage (a URL with `--study NAME`) is read by
the first installed backend whose `load_stored` answers for it.
"""

from __future__ import annotations

from pathlib import Path

from hpcore.errors import NotAJournal, NotAResult, TargetNotFound
from hpcore.result import SearchResult


def load_search(where: str, study: str | None = None) -> SearchResult:
    """The search saved at `where`: a file, or with `study` the study of that name in a backend's storage."""
    if study is not None:
        return _load_stored(where, study)
    from hpcore.journal import read_journal

    path = Path(where)
    if not path.is_file():
        raise TargetNotFound(
            f"{path} is not a file: give a result saved with --save (SearchResult.save) or a journal, "
            "or a storage URL with --study NAME."
        )
    try:
        directions, trials = read_journal(path)
        return SearchResult(trials, directions, backend="(journal)")
    except NotAJournal:
        try:
            return SearchResult.load(path)
        except (ValueError, KeyError, TypeError):  # not JSON, or JSON that is not a result
            raise NotAResult(
                f"{path} is neither a saved result nor an hpcore journal: give a file written by --save "
                "(SearchResult.save) or by --journal (journal=)."
            ) from None


def _load_stored(storage: str, study: str) -> SearchResult:
    from hpcore.plugins import get_registry

    registry = get_registry()
    for backend in registry.backends.values():
        if backend.engine_installed():
            result = backend.load_stored(storage, study)
            if result is not None:
                return result
    raise TargetNotFound(
        f"no installed backend reads the storage {storage!r} (installed: {', '.join(sorted(registry.backends))}): "
        "give a storage URL that a backend keeps its studies in, such as optuna's 'sqlite:///runs.db', "
        "or a result or journal file without --study."
    )
