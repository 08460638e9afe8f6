"""hpcore for transformers: `hyperparameter_search(trainer, ...)` on every hpcore backend.

Two ways in, one behaviour: call `hyperparameter_search(trainer, ...)` with any
`transformers.Trainer`, or build the `Trainer` of this module (a subclass) and call its
`hyperparameter_search(...)` method, so moving from transformers' own search changes one import.

Importing it makes every transformers Trainer built afterwards keep its constructor's arguments,
so a trainer of any class can be built again where trials run (`recipe`). Importing it without
transformers, torch or accelerate raises ModuleNotFoundError naming `pip install "hpcore[transformers]"`.
"""

import importlib.util as _util

for _name in ("transformers", "torch", "accelerate"):
    if _util.find_spec(_name) is None:
        raise ModuleNotFoundError(
            f'hpcore.integrations.transformers needs {_name}, which is not installed: pip install "hpcore[transformers]"',
            name=_name,
        )

from hpcore.integrations.transformers.distributed import DistributedTrialFailed
from hpcore.integrations.transformers.recipe import record_constructor_arguments
from hpcore.integrations.transformers.search import DEFAULT_SPACE, RunSummary, hyperparameter_search, load_run
from hpcore.integrations.transformers.trainer import Trainer
from hpcore.integrations.transformers.trials import TrialValues

record_constructor_arguments()  # every Trainer built from now on can be built again where trials run

__all__ = ["DEFAULT_SPACE", "DistributedTrialFailed", "RunSummary", "Trainer", "TrialValues", "hyperparameter_search", "load_run"]
