"""The core's loop: the `hpcore_optimize` that drives every backend which only samples.

Ask → run → tell until the budget refuses (`n_trials`, `max_trials`, `timeout`) or the
backend is exhausted; with `n_jobs > 1` in that many threads. An error to re-raise stops
the starting of trials; running ones end, then it is raised. Ctrl-C in the main thread
lets running threads end their trials and starts none.
"""

from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from hpcore.hookspecs import hookimpl
from hpcore.trial import EXHAUSTED

if TYPE_CHECKING:
    from hpcore.runner import TrialRunner
    from hpcore.study import Study


@hookimpl(trylast=True)
def hpcore_optimize(study: Study, runner: TrialRunner) -> bool:
    run_loop(study, runner)
    return True


def run_loop(study: Study, runner: TrialRunner) -> None:
    """Run this call's trials by the core's loop; a backend that drives only some searches calls it for the others."""
    if study.settings.n_jobs == 1:
        ask_run_tell(study, runner)
        return
    budget = study.budget
    with ThreadPoolExecutor(max_workers=study.settings.n_jobs, thread_name_prefix="hpcore-trial") as pool:
        futures = [pool.submit(ask_run_tell, study, runner) for _ in range(study.settings.n_jobs)]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:
            budget.stop()
            raise
        for future in done:
            error = future.exception()
            if error is not None:
                budget.stop()
                wait(futures)
                raise error


def ask_run_tell(study: Study, runner: TrialRunner) -> None:
    """One worker of the loop: claim a slot, ask the backend for a trial, run it (which tells)."""
    while study.budget.claim():
        trial = study.hook.hpcore_ask(study=study)
        if trial is None:
            raise TypeError(
                f"backend {study.settings.backend!r} answered no trial to hpcore_ask: "
                "it must return an hpcore.Trial or hpcore.EXHAUSTED."
            )
        if trial is EXHAUSTED:
            study.budget.stop()
            return
        runner.run(trial, asked=True)
