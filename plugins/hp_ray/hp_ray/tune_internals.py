"""The private parts of Ray Tune hp-ray reads, behind one function, checked against the tested versions.

Rule: a trial Ray gave up on is described by the error Tune saved for it, read from the
trial's `pickled_error_file` (else its `error_file`), files Tune writes in the tested range,
`TESTED`. Where neither attribute exists, the error says which Ray is installed and which
range is tested, instead of losing the reason.
"""

from __future__ import annotations

import pickle
from typing import Any

TESTED = ">=2.60,<2.61"  # keep equal to the ray requirement in pyproject.toml


def error_text(trial: Any) -> str:
    """Ray's error for a trial it gave up on, as `Type: message`, from the trial's local error files."""
    from ray import cloudpickle

    try:
        with open(trial.pickled_error_file, "rb") as f:
            error = cloudpickle.load(f)
        return f"{type(error).__name__}: {str(error).strip()}"[:2000]
    except (OSError, TypeError, pickle.UnpicklingError, AttributeError):
        pass
    try:
        with open(trial.error_file, encoding="utf-8") as f:
            return f"Ray error: {f.read().strip()}"[:2000]
    except (OSError, TypeError, AttributeError):
        pass
    if not hasattr(trial, "pickled_error_file") and not hasattr(trial, "error_file"):
        import ray

        return f"the trial failed in Ray; Ray {ray.__version__} keeps its error elsewhere than the tested Ray{TESTED}"
    return "the trial failed in Ray (no error file was written)"
