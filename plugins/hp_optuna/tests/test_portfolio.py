"""hp-optuna as a Portfolio member: it proposes trial by trial, learns from the other members' trials,
and the portfolio gives it most trials where it does better (docs/laws.md §14)."""

from __future__ import annotations

import collections
import statistics
from pathlib import Path

import optuna

import hpcore
from hpcore import Float

SPACE = {"x": Float(-3.0, 3.0), "y": Float(-3.0, 3.0)}


def bowl(trial: hpcore.Trial) -> float:
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def test_optuna_proposes_most_trials_and_the_best_is_within_twice_optunas_alone(tmp_path: Path):
    portfolio_best, alone_best = [], []
    for seed in range(3):
        result = hpcore.search(bowl, SPACE, backend=hpcore.Portfolio(["optuna", "random"]), n_trials=60, seed=seed)
        proposers = collections.Counter(t.proposer for t in result.trials)
        assert len(result.trials) == 60 and proposers["optuna"] > proposers["random"] > 0, proposers
        portfolio_best.append(result.best_trial.value)
        alone_best.append(hpcore.search(bowl, SPACE, backend="optuna", n_trials=60, seed=seed).best_trial.value)
    assert statistics.median(portfolio_best) <= 2 * statistics.median(alone_best), (portfolio_best, alone_best)


def test_the_optuna_member_is_told_every_trial_the_other_proposed():
    study = optuna.create_study()
    portfolio = hpcore.Portfolio(["optuna", "random"], optuna={"study": study})
    result = hpcore.search(bowl, SPACE, backend=portfolio, n_trials=20, seed=0)
    held = study.get_trials(deepcopy=False)
    warm = [t for t in held if "hpcore:warm" in t.system_attrs]
    by_random = [t for t in result.trials if t.proposer == "random"]
    assert len(held) == 20 and len(warm) == len(by_random)
    assert sorted(t.params["x"] for t in warm) == sorted(t.params["x"] for t in by_random)

