"""The quickstart: a real search with the built-in `random` backend, with progress, trials and best run.

Run it with `python examples/quickstart.py`.
"""

import math
import time

import hpcore
from hpcore.cli import print_result
from hpcore.progress import RichProgress

space = {
    "x": hpcore.Float(-5, 5),
    "lr": hpcore.Float(1e-5, 1e-1, log=True),
    "layers": hpcore.Int(1, 8),
    "activation": hpcore.Categorical(["relu", "gelu", "tanh"]),
}


def objective(trial: hpcore.Trial) -> float:
    """A toy loss with its minimum near x=1, lr=1e-2, layers=3, gelu; reports a curve for pruning."""
    p = trial.params
    penalty = {"relu": 0.3, "gelu": 0.0, "tanh": 0.6}[p["activation"]]
    loss = (p["x"] - 1) ** 2 + math.log10(p["lr"] / 1e-2) ** 2 + 0.1 * abs(p["layers"] - 3) + penalty
    for epoch in range(3):
        trial.report(loss * (3 - epoch), step=epoch)
        time.sleep(0.01)  # stands for training, so the progress bar has something to show
    return loss


if __name__ == "__main__":
    with RichProgress("random search") as progress:
        result = hpcore.search(objective, space, n_trials=60, backend="random", seed=0, observers=[progress])
    print_result(result, limit=10)
