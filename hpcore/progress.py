"""`RichProgress`: an observer that shows a search's progress in the terminal (needs rich)."""

from __future__ import annotations

from typing import Any

from hpcore.hookspecs import hookimpl
from hpcore.records import FrozenTrial, TrialState
from hpcore.study import Study


class RichProgress:
    """Use as a context manager around a search: `search(..., observers=[progress])`."""

    def __init__(self, description: str = "searching") -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[best]}"), transient=False,
        )
        self._description = description
        self._task: Any = None
        self._best: float | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    @hookimpl
    def hpcore_trial_finished(self, study: Study, trial: FrozenTrial) -> None:
        if self._task is None:
            self._task = self._progress.add_task(self._description, total=study.settings.n_trials, best="")
        best = ""
        if trial.state is TrialState.COMPLETE and not study.settings.is_multi_objective:
            value = trial.values[0]
            sign = study.settings.directions[0].sign
            better = self._best is None or sign * value < sign * self._best
            if better:
                self._best = value
            best = f"best {self._best:.6g}"
        if best:
            self._progress.update(self._task, advance=1, best=best)
        else:
            self._progress.update(self._task, advance=1)
