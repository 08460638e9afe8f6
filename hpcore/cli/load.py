"""The searches the command reads: a saved result (.json), a journal (.jsonl), or a backend's storage.

Rules: a file is read once, by hpcore's schema (`hpcore.schema`): as a journal when its first
line is a journal's header, else as a saved result; a file that is neither is refused with what
to give instead, and one that breaks the schema with the file, the trial and the field
(ResultCorrupt, JournalCorrupt). A directory, FIFO or device is refused before it is opened.
A storage (a URL with `--study NAME`) is read by the first installed backend whose
`load_stored` answers for it.
"""

from __future__ import annotations

from pathlib import Path

from hpcore.errors import NotAJournal, NotAResult, ResultCorrupt, TargetNotFound
from hpcore.journal import journal_from_bytes
from hpcore.reading import read_bytes
from hpcore.result import SearchResult

GIVE = "give a result saved with --save (SearchResult.save) or a journal, or a storage URL with --study NAME."


def load_search(where: str, study: str | None = None) -> SearchResult:
    """The search saved at `where`: a file, or with `study` the study of that name in a backend's storage."""
    if study is not None:
        return _load_stored(where, study)
    path = Path(where)
    data = read_bytes(path, GIVE)
    try:
        directions, trials = journal_from_bytes(data, path)
        return SearchResult(trials, directions, backend="(journal)")
    except NotAJournal:
        pass
    try:
        return SearchResult.from_bytes(data, path)
    except ResultCorrupt:
        raise
    except NotAResult:
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
