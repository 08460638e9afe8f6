"""Neutral parameters validate at construction; forms of space are told apart by one rule."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hpcore
from hpcore.errors import InvalidSpace
from hpcore.forms import space_form, validate_space
from hpcore.testing.strategies import categoricals, floats, ints


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


# -- positions and quantiles: value_at, index_of, to_unit ---------------------------------

FINITE = st.one_of(floats(stepped=True), ints(), categoricals())


@given(FINITE, st.data())
def test_a_finite_parameter_s_values_round_trip_through_their_index_and_quantile(param, data):
    i = data.draw(st.integers(0, param.n_points - 1))
    value = param.value_at(i)
    assert param.contains(value)
    assert param.index_of(value) == i
    again = param.value_at(param.index_of(value))
    assert again == value and type(again) is type(value)
    if isinstance(param, hpcore.Categorical):
        assert again is value  # the very choice object
    back = param.from_unit(param.to_unit(value))
    assert back == value and type(back) is type(value)
    assert 0.0 <= param.to_unit(value) <= 1.0


@given(st.one_of(floats(), ints(), categoricals()), st.floats(0.0, 1.0, exclude_max=True))
def test_to_unit_inverts_from_unit_for_every_kind(param, u):
    value = param.from_unit(u)
    back = param.from_unit(param.to_unit(value))
    if isinstance(param, hpcore.Float) and param.step is None:
        span = param.high - param.low
        tolerance = 1e-12 * (abs(value) if param.log else span)
        assert abs(back - value) <= tolerance, (param, value, back)
    else:
        assert back == value and type(back) is type(value)
        assert param.value_at(param.index_of(value)) == value


def test_values_of_lists_a_finite_parameter_in_order():
    assert hpcore.values_of(hpcore.Int(0, 6, step=2)) == [0, 2, 4, 6]
    assert hpcore.values_of(hpcore.Float(0.0, 1.0, step=0.25)) == [0.0, 0.25, 0.5, 0.75, 1.0]
    choices = [True, 1, 1.0, "1"]
    assert all(a is b for a, b in zip(hpcore.values_of(hpcore.Categorical(choices)), choices))
    with pytest.raises(InvalidSpace, match="uncountably many"):
        hpcore.values_of(hpcore.Float(0.0, 1.0))


def test_same_choice_tells_apart_values_equal_across_types():
    assert hpcore.same_choice(1, 1) and hpcore.same_choice("a", "a") and hpcore.same_choice((1, 2), (1, 2))
    assert not hpcore.same_choice(1, 1.0) and not hpcore.same_choice(1, True) and not hpcore.same_choice(0, False)
    assert hpcore.Categorical([1, 1.0, True]).index_of(True) == 2


@pytest.mark.parametrize(
    "param, value",
    [
        (hpcore.Int(0, 10, step=2), 3),
        (hpcore.Int(0, 10), 11),
        (hpcore.Int(0, 10), 1.0),
        (hpcore.Float(0.0, 1.0, step=0.5), 0.25),
        (hpcore.Float(0.0, 1.0), 2.0),
        (hpcore.Categorical([1, 2]), True),
    ],
)
def test_a_value_outside_the_parameter_has_no_index_and_no_quantile(param, value):
    with pytest.raises(InvalidSpace, match="is not a value of"):
        param.to_unit(value)
    if param.n_points is not None:
        with pytest.raises(InvalidSpace, match="is not a value of"):
            param.index_of(value)


def test_value_at_refuses_a_position_outside_and_a_continuous_float():
    with pytest.raises(IndexError, match="from 0 to 2"):
        hpcore.Int(0, 2).value_at(3)
    with pytest.raises(InvalidSpace, match="uncountably many"):
        hpcore.Float(0.0, 1.0).value_at(0)
