"""`Trainer`: transformers' Trainer whose `hyperparameter_search` is hpcore's."""

from __future__ import annotations

import transformers

from hpcore.integrations.transformers.search import hyperparameter_search


class Trainer(transformers.Trainer):
    """A `transformers.Trainer` in every way but one: `hyperparameter_search` runs on hpcore."""

    hyperparameter_search = hyperparameter_search
