"""A tiny regression model and data for transformers' Trainer, built from a config (no hub)."""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from transformers import PretrainedConfig, PreTrainedModel, Trainer, TrainingArguments

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from text_classifier import TINY_TRAINING  # noqa: E402 (the example's quiet CPU settings)


class RegressionConfig(PretrainedConfig):
    model_type = "hpcore-regression"

    def __init__(self, a: float = 0.0, b: float = 0.0, width: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.a, self.b, self.width = a, b, width


class RegressionModel(PreTrainedModel):
    """y = a * x + b, fitted by mean squared error; `width` extra weights only make the model bigger."""

    config_class = RegressionConfig
    base_model_prefix = "regression"

    def __init__(self, config: RegressionConfig):
        super().__init__(config)
        self.a = torch.nn.Parameter(torch.tensor(float(config.a)))
        self.b = torch.nn.Parameter(torch.tensor(float(config.b)))
        self.ballast = torch.nn.Parameter(torch.zeros(config.width))
        self.post_init()

    def _init_weights(self, module):
        pass

    def forward(self, input_x, labels=None, **kwargs):
        y = input_x * self.a + self.b + 0.0 * self.ballast.sum()
        if labels is None:
            return (y,)
        return (torch.nn.functional.mse_loss(y, labels), y)


class RegressionDataset(torch.utils.data.Dataset):
    """y = 2x + 3 + noise, seeded."""

    def __init__(self, length: int = 64, seed: int = 42):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(length, generator=g)
        self.y = 2.0 * self.x + 3.0 + 0.1 * torch.randn(length, generator=g)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"input_x": self.x[i], "labels": self.y[i]}


def model_init(trial=None):
    """Reads `a` from the trial when it has one: an Optuna trial suggests it, a dict may hold it."""
    a = 0.0
    if trial is not None:
        if hasattr(trial, "suggest_int") and not isinstance(trial, dict):
            a = float(trial.suggest_int("a", 0, 3))
        else:
            a = float(trial.get("a", 0.0))
    return RegressionModel(RegressionConfig(a=a))


def make_trainer(output_dir, trainer_class=Trainer, init=model_init, **overrides) -> Trainer:
    return trainer_class(
        model_init=init,
        args=TrainingArguments(str(output_dir), **{**TINY_TRAINING, "learning_rate": 0.1, **overrides}),
        train_dataset=RegressionDataset(64),
        eval_dataset=RegressionDataset(32, seed=7),
    )
