"""hpcore_close, the backend's teardown, runs once on every way a search ends."""

import logging

import pytest

import hpcore
from hpcore.backends.random import RandomBackend

SPACE = {"x": hpcore.Float(0, 1)}


class Closing(RandomBackend):
    """The random backend, failing where told to, counting its teardowns."""

    name = "closing"

    def __init__(self, fail_in: str | None = None) -> None:
        self.fail_in = fail_in
        self.closed: list[object] = []

    @hpcore.hookimpl
    def hpcore_prepare(self, study):
        if self.fail_in == "prepare":
            raise hpcore.InvalidArgument("refused in prepare")
        return super().hpcore_prepare(study)

    @hpcore.hookimpl
    def hpcore_ask(self, study):
        if self.fail_in == "ask" and len(study.ledger) == 2:
            raise RuntimeError("the engine broke in ask")
        return super().hpcore_ask(study)

    @hpcore.hookimpl
    def hpcore_close(self, study):
        self.closed.append(study.backend_state)
        if self.fail_in == "close":
            raise RuntimeError("teardown broke")


def test_a_finished_search_closes_its_engine_once():
    backend = Closing()
    hpcore.search(lambda t: t.params["x"], SPACE, backend=backend, n_trials=3, seed=0)
    assert len(backend.closed) == 1 and backend.closed[0] is not None


def test_a_search_whose_ask_raises_closes_its_engine_and_raises_the_error(tmp_path):
    backend = Closing(fail_in="ask")
    with pytest.raises(RuntimeError, match="broke in ask"):
        hpcore.search(lambda t: t.params["x"], SPACE, backend=backend, n_trials=5, journal=tmp_path / "j.jsonl")
    assert len(backend.closed) == 1
    assert len(hpcore.read_journal(tmp_path / "j.jsonl")[1]) == 2  # the finished trials are kept


def test_a_search_refused_in_prepare_closes_what_was_built():
    backend = Closing(fail_in="prepare")
    with pytest.raises(hpcore.InvalidArgument, match="refused in prepare"):
        hpcore.search(lambda t: 0.0, SPACE, backend=backend, n_trials=2)
    assert backend.closed == [None]


def test_an_interrupted_search_closes_its_engine():
    backend = Closing()

    def objective(trial):
        if trial.number == 1:
            raise KeyboardInterrupt
        return 0.0

    with pytest.raises(KeyboardInterrupt) as interrupted:
        hpcore.search(objective, SPACE, backend=backend, n_trials=5)
    assert len(backend.closed) == 1
    assert len(interrupted.value.hpcore_result.trials) == 2


def test_a_teardown_that_raises_is_logged_and_the_result_kept(caplog):
    backend = Closing(fail_in="close")
    with caplog.at_level(logging.ERROR, logger="hpcore"):
        result = hpcore.search(lambda t: t.params["x"], SPACE, backend=backend, n_trials=3)
    assert len(result.trials) == 3
    assert any("hpcore_close" in r.getMessage() for r in caplog.records)
