"""The core's answers to the backend hooks, registered ``trylast`` in every relay.

They serve any backend that only samples: the reference loop (ask → run → tell,
sequential or in ``n_jobs`` threads), the reference best-run selection, the
journal's trials as the ledger to resume from, and "never prune".
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from hpcore.hookspecs import hookimpl
from hpcore.selection import select_best
from hpcore.study import Study, FrozenTrial
from hpcore.trial import EXHAUSTED, Trial


@hookimpl(trylast=True)
def hpcore_prepare(study: Study) -> bool:
    return True


@hookimpl(trylast=True)
def hpcore_should_prune(study: Study, trial: Trial, value: float, step: int) -> bool:
    return False


@hookimpl(trylast=True)
def hpcore_tell(study: Study, trial: FrozenTrial) -> bool:
    return True


@hookimpl(trylast=True)
def hpcore_select_best(study: Study, trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    return select_best(trials, study.directions)


@hookimpl(trylast=True)
def hpcore_load_trials(study: Study) -> Sequence[FrozenTrial]:
    return study.journal.trials if study.journal is not None else []


@hookimpl(trylast=True)
def hpcore_optimize(study: Study) -> bool:
    """Ask, run, tell until the budget is spent; with n_jobs > 1, in that many threads."""
    if study.n_jobs == 1:
        _ask_run_tell(study)
        return True
    with ThreadPoolExecutor(max_workers=study.n_jobs, thread_name_prefix="hpcore-trial") as pool:
        futures = [pool.submit(_ask_run_tell, study) for _ in range(study.n_jobs)]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:  # an interrupt in the main thread: let running trials end, start none
            study.stopped = True
            raise
        for future in done:
            if future.exception() is not None:
                study.stopped = True
                wait(futures)
                raise future.exception()  # type: ignore[misc]
    return True


def _ask_run_tell(study: Study) -> None:
    hooks = study.hooks
    while study.claim():
        handle = hooks.call("hpcore_ask", study=study)
        if handle is None:
            raise TypeError(f"backend {study.backend!r} answered no trial to hpcore_ask: it must return a Trial or EXHAUSTED.")
        if handle is EXHAUSTED:
            study.stopped = True
            return
        trial, reraise = study.finish(handle)
        hooks.call("hpcore_tell", study=study, trial=trial)
        if reraise is not None:
            study.stopped = True
            raise reraise
