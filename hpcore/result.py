"""`SearchResult`: every trial of a search and its best trial(s), decided once when the search ended.

Rules (docs/laws.md §4, §5): the best trials are chosen when the search ends (by the core's
reference rules, or a selection plugin) and kept, in the result and in its saved JSON, so
`best_trial` reads the same before and after `save`/`load`; a result built from trials
alone (a journal) uses the reference rules.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hpcore import schema
from hpcore.errors import MultipleObjectives, NoCompletedTrials, NotAResult, ResultCorrupt
from hpcore.objective import Direction
from hpcore.reading import parse_json, read_bytes
from hpcore.records import BestRun, FrozenTrial, by_number
from hpcore.schema import RESULT_FORMAT
from hpcore.selection import select_best

_GIVE = "give a file written by hpcore run --save or SearchResult.save."


class SearchResult:
    """`trials` in number order, `best_trials` as chosen, and `native`: the engine's own result, if any."""

    def __init__(
        self,
        trials: Sequence[FrozenTrial],
        directions: Sequence[Direction | str],
        backend: str,
        best: Sequence[FrozenTrial] | None = None,
        native: Any = None,
        warm_trials: Sequence[FrozenTrial] = (),
    ) -> None:
        self.trials = sorted(trials, key=by_number)
        self.warm_trials = list(warm_trials)  # another search's trials this one's engine was told; never run
        self.directions = [Direction(d) for d in directions]
        self.backend = backend
        self.native = native
        self._best = list(best) if best is not None else None

    def __repr__(self) -> str:
        return f"SearchResult(backend={self.backend!r}, trials={len(self.trials)}, directions={[d.value for d in self.directions]})"

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The best trial as a one-item list, or the Pareto front in trial order; raises NoCompletedTrials."""
        if self._best is None:
            self._best = select_best(self.trials, self.directions)
        if not self._best:
            raise NoCompletedTrials(
                f"none of the {len(self.trials)} trial(s) completed: look at their errors, then run more trials."
            )
        return list(self._best)

    @property
    def best_trial(self) -> FrozenTrial:
        if len(self.directions) > 1:
            raise MultipleObjectives(
                f"this search has {len(self.directions)} objectives, so there is no single best trial: "
                "use best_trials (the Pareto front) or best_runs()."
            )
        return self.best_trials[0]

    def best_runs(self) -> list[BestRun]:
        """One BestRun per best trial, as transformers returns them."""
        single = len(self.directions) == 1
        return [
            BestRun(
                run_id=str(t.number),
                objective=t.values[0] if single else list(t.values),
                hyperparameters=dict(t.params),
                run_summary=t.user_attrs.get("run_summary"),
            )
            for t in self.best_trials
        ]

    def save(self, path: str | Path) -> None:
        """Write the result as JSON, the chosen best trials' numbers included."""
        try:
            best: list[int] | None = [t.number for t in self.best_trials]
        except NoCompletedTrials:
            best = []
        data = {
            "hpcore_result": RESULT_FORMAT,
            "backend": self.backend,
            "directions": [d.value for d in self.directions],
            "best": best,
            "trials": [t.to_json() for t in self.trials],
        }
        Path(path).write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, path: str | Path) -> SearchResult:
        """The result `save` wrote, once the whole file keeps hpcore's schema (`hpcore.schema`).

        NotAResult for a file that is no saved result, ResultCorrupt naming the file, the trial
        and the field for one that breaks the schema; the file is left as it is.
        """
        path = Path(path)
        return cls.from_bytes(read_bytes(path, _GIVE), path)

    @classmethod
    def from_bytes(cls, raw: bytes, path: str | Path) -> SearchResult:
        """The result whose saved file `path` holds `raw`, by `load`'s rules."""
        try:
            data = parse_json(raw)
        except ValueError as exc:
            raise NotAResult(f"{path} is not a saved result, it is not JSON ({exc}): {_GIVE}") from None
        if not isinstance(data, dict) or "hpcore_result" not in data:
            raise NotAResult(f"{path} is not a saved result (it has no 'hpcore_result' field): {_GIVE}")
        try:
            parts = schema.result(data)
        except schema.Breach as breach:
            raise ResultCorrupt(f"{path} is a damaged result: {breach}. It is left as it is: repair that field, or give a result hpcore saved.") from None
        return cls(parts.trials, parts.directions, parts.backend, best=parts.best)

    def to_dataframe(self) -> Any:
        """One row per trial (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        single = len(self.directions) == 1
        rows = []
        for t in self.trials:
            row: dict[str, Any] = {"number": t.number, "state": t.state.value}
            if single:
                row["value"] = t.values[0] if t.values else math.nan
            else:
                for i in range(len(self.directions)):
                    row[f"values_{i}"] = t.values[i] if t.values else math.nan
            row.update({f"params_{k}": v for k, v in t.params.items()})
            row.update({"duration": t.duration, "error": t.error})
            rows.append(row)
        return pd.DataFrame(rows)
