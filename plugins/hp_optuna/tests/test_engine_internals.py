"""The private Optuna step hp-optuna uses still exists and behaves as the public one, in the tested range."""

from __future__ import annotations

import tomllib
from pathlib import Path

import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from packaging.specifiers import SpecifierSet

from hp_optuna import optuna_internals

ENGINE = f"Optuna {optuna.__version__}"


def test_the_requirement_is_the_tested_range_and_holds_the_installed_optuna():
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert f"optuna{optuna_internals.TESTED}" in project["project"]["dependencies"]
    assert optuna.__version__ in SpecifierSet(optuna_internals.TESTED), f"{ENGINE} is outside the tested range"


@pytest.mark.parametrize(
    "distribution, public",
    [
        (FloatDistribution(0.1, 10.0, log=True), lambda t: t.suggest_float("p", 0.1, 10.0, log=True)),
        (IntDistribution(1, 9, step=2), lambda t: t.suggest_int("p", 1, 9, step=2)),
        (CategoricalDistribution(("a", 1, None)), lambda t: t.suggest_categorical("p", ("a", 1, None))),
    ],
    ids=["float", "int", "categorical"],
)
def test_suggest_gives_what_the_public_suggest_gives(distribution, public):
    private, raw = (optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3)) for _ in range(2))
    for _ in range(5):
        a, b = private.ask(), raw.ask()
        try:
            value = optuna_internals.sampler(a)("p", distribution)
        except Exception as exc:  # the layout changed: say which Optuna
            pytest.fail(f"optuna.Trial._suggest failed on {ENGINE}: {exc!r}")
        assert value == public(b), f"{ENGINE}: the private step no longer matches suggest_*"
        assert a.params == {"p": value} and a.distributions == {"p": distribution}, ENGINE


def test_a_missing_private_step_is_refused_naming_the_installed_optuna(monkeypatch):
    optuna_internals.check.cache_clear()
    monkeypatch.delattr(optuna.Trial, "_suggest")  # what a future Optuna without the step looks like
    with pytest.raises(optuna_internals.UnsupportedOptuna, match=f"Optuna {optuna.__version__} does not have"):
        optuna_internals.check()
    optuna_internals.check.cache_clear()
