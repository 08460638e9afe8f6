"""Neutral parameters validate at construction; forms of space are told apart by one rule."""

import numpy as np
import pytest

import hpcore
from hpcore.errors import InvalidSpace
from hpcore.forms import space_form, validate_space


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: hpcore.Float(2.0, 1.0), "greater than high"),
        (lambda: hpcore.Int(5, 1), "greater than high"),
        (lambda: hpcore.Float(0.0, 1.0, log=True), "log=True needs low > 0"),
        (lambda: hpcore.Float(-1.0, 1.0, log=True), "log=True needs low > 0"),
        (lambda: hpcore.Int(0, 10, log=True), "log=True needs low >= 1"),
        (lambda: hpcore.Float(0.0, 1.0, step=0.3), "does not divide"),
        (lambda: hpcore.Int(0, 10, step=3), "does not divide"),
        (lambda: hpcore.Float(0.0, 1.0, step=0.0), "step must be positive"),
        (lambda: hpcore.Float(1e-3, 1.0, log=True, step=0.1), "cannot be combined"),
        (lambda: hpcore.Float(0.0, float("inf")), "finite"),
        (lambda: hpcore.Int(0.5, 2), "must be an int"),
        (lambda: hpcore.Categorical([]), "empty"),
        (lambda: hpcore.Categorical(["a", "b", "a"]), "given twice"),
        (lambda: hpcore.Categorical("abc"), "list or tuple"),
    ],
)
def test_invalid_params_fail_at_construction(make, match):
    with pytest.raises(InvalidSpace, match=match):
        make()


def test_invalid_space_is_also_a_value_error():
    with pytest.raises(ValueError):
        hpcore.Float(1, 0)


def test_contains_respects_bounds_steps_and_types():
    assert hpcore.Float(0, 1, step=0.25).contains(0.75)
    assert not hpcore.Float(0, 1, step=0.25).contains(0.7)
    assert hpcore.Int(1, 9, step=2).contains(5) and not hpcore.Int(1, 9, step=2).contains(4)
    assert not hpcore.Int(1, 9).contains(True)
    c = hpcore.Categorical([1, 1.0, True, None])  # distinct types are distinct choices
    assert c.contains(None) and not c.contains("1")


def test_space_forms_are_told_apart():
    assert space_form({"x": hpcore.Float(0, 1)}) == "neutral"
    assert space_form(lambda trial: {}) == "function"
    assert space_form({"method": "random", "parameters": {"x": {"min": 0, "max": 1}}}) == "wandb"
    assert space_form({"x": {"grid_search": [1, 2]}}) == "ray"
    assert space_form({"optim": {"lr": {"grid_search": [1, 2]}}}) == "ray"  # nested, as Tune allows
    assert space_form({}) == "empty"
    assert space_form({"x": [1, 2]}) == "unknown"


def test_validate_space_says_where_a_native_space_belongs():
    with pytest.raises(InvalidSpace, match="Optuna hp_space.*backend='optuna'"):
        validate_space(lambda trial: {}, "random")
    with pytest.raises(InvalidSpace, match="W&B sweep config: use a neutral space"):
        validate_space({"parameters": {"x": {"values": [1]}}}, "random")
    with pytest.raises(InvalidSpace, match="'x'.*hpcore.Float"):
        validate_space({"x": [1, 2]}, "random")
    with pytest.raises(InvalidSpace, match="empty"):
        validate_space({}, "random")


class _Lowest(hpcore.Trial):
    """A handle that samples each parameter's lowest value and keeps the parameters it was asked for."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.asked: dict = {}

    def _sample(self, name, param):
        self.asked[name] = param
        return param.choices[0] if isinstance(param, hpcore.Categorical) else param.low


def test_the_same_suggest_arguments_give_the_same_parameter_object_every_trial():
    first, second = _Lowest(0), _Lowest(1)
    for handle in (first, second):
        handle.suggest_float("lr", 1e-5, 1e-1, log=True)
        handle.suggest_int("n", 1, 8)
    assert first.asked["lr"] is second.asked["lr"] and first.asked["n"] is second.asked["n"]
    other = _Lowest(2)
    other.suggest_float("lr", 1e-5, 1e-2, log=True)
    assert other.asked["lr"] == hpcore.Float(1e-5, 1e-2, log=True)


@pytest.mark.parametrize(
    "args, match",
    [((1.0, 8), "low must be an int, got 1.0"), ((True, 8), "low must be an int, got True"), (([1], 8), "got \\[1\\]")],
)
def test_suggest_int_checks_arguments_that_differ_only_in_type_from_a_kept_one(args, match):
    _Lowest(0).suggest_int("n", 1, 8)
    with pytest.raises(InvalidSpace, match=match):
        _Lowest(1).suggest_int("n", *args)


def test_numpy_reals_are_float_bounds_and_become_python_floats():
    f = hpcore.Float(np.float32(0), np.float64(1.5), step=np.float32(0.5))
    assert (f.low, f.high, f.step) == (0.0, 1.5, 0.5) and {type(f.low), type(f.high), type(f.step)} == {float}
    assert hpcore.Float(np.int64(1), np.int32(10), log=True) == hpcore.Float(1.0, 10.0, log=True)


def test_numpy_integers_are_int_bounds_and_become_python_ints():
    i = hpcore.Int(np.int64(0), np.int32(10), step=np.uint8(2))
    assert (i.low, i.high, i.step) == (0, 10, 2) and {type(i.low), type(i.high), type(i.step)} == {int}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: hpcore.Int(np.float64(0), 10), "low must be an int, got np.float64\\(0.0\\): use Float"),
        (lambda: hpcore.Int(0, np.bool_(True)), "high must be an int, got np.True_"),
        (lambda: hpcore.Float(np.bool_(False), 1), "low must be a finite number, got np.False_"),
        (lambda: hpcore.Float(0, np.float32("inf")), "high must be a finite number"),
        (lambda: hpcore.Float(0, "1"), "high must be a finite number, got '1'"),
    ],
)
def test_numpy_scalars_of_the_wrong_kind_are_refused(make, match):
    with pytest.raises(InvalidSpace, match=match):
        make()


def test_a_sweep_config_with_a_misspelt_parameters_key_is_still_a_sweep_config():
    assert space_form({"method": "random", "parameter": {"x": {"min": 0, "max": 1}}}) == "wandb"
    assert space_form({"method": object(), "x": {"grid_search": [1, 2]}}) == "ray"
