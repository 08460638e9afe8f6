"""Directions and objective values follow docs/laws.md §1 and §2."""

import math

import numpy as np
import pytest

from hpcore.errors import InvalidDirection, ObjectiveValueError, ValueCountMismatch
from hpcore.objective import Direction, default_compute_objective, parse_directions, to_values


@pytest.mark.parametrize("direction", ["minimize", "MIN", "max", Direction.MAXIMIZE])
def test_directions_and_aliases(direction):
    assert len(parse_directions(direction)) == 1


def test_a_list_of_directions():
    assert parse_directions(["min", "maximize"]) == [Direction.MINIMIZE, Direction.MAXIMIZE]


@pytest.mark.parametrize("direction", [None, "minimise", 1, [], ["min", None], {"min"}])
def test_unknown_directions_name_both_allowed_values(direction):
    with pytest.raises(InvalidDirection, match="'minimize' or 'maximize'") as info:
        parse_directions(direction)
    assert isinstance(info.value, ValueError)


def test_default_compute_objective_is_transformers_rule():
    assert default_compute_objective({"eval_loss": 0.3, "epoch": 2.0, "eval_runtime": 5.0}) == 0.3
    assert default_compute_objective(
        {"eval_loss": 0.3, "eval_acc": 0.5, "eval_f1": 0.25, "eval_samples_per_second": 9.0}
    ) == 0.75
    with pytest.raises(ObjectiveValueError, match="compute_objective"):
        default_compute_objective({"epoch": 1.0})


def test_values_are_lists_of_floats():
    assert to_values(1, 1) == [1.0]
    assert to_values((1, 2.5), 2) == [1.0, 2.5]
    assert math.isnan(to_values(float("nan"), 1)[0])  # the caller decides what NaN means


@pytest.mark.parametrize("raw", [None, "0.5", b"1", object(), [None]])
def test_values_that_are_not_numbers(raw):
    with pytest.raises(ObjectiveValueError, match="must return a float|cannot be read"):
        to_values(raw, 1)


def test_a_mapping_compute_objective_cannot_reduce():
    with pytest.raises(ObjectiveValueError, match="compute_objective could not reduce"):
        to_values({"acc": "high"}, 1, compute_objective=lambda m: m["loss"])


def test_value_count_mismatch_names_both_counts():
    with pytest.raises(ValueCountMismatch, match="returned 3 value.*2 direction"):
        to_values([1, 2, 3], 2)


@pytest.mark.parametrize("raw", [True, np.bool_(True), [1.0, np.bool_(False)], np.array(True)], ids=["bool", "np.bool_", "in-a-list", "0-d-array"])
def test_booleans_are_refused_whatever_their_type(raw):
    with pytest.raises(ObjectiveValueError, match="must return a float"):
        to_values(raw, 2 if isinstance(raw, list) else 1)


def test_numpy_numbers_are_values():
    assert to_values(np.float32(0.5), 1) == [0.5] and to_values(np.int64(3), 1) == [3.0]
    assert to_values(np.array([0.5, 2.0]), 2) == [0.5, 2.0]


def test_a_direction_s_sign_turns_values_into_losses_to_minimize():
    from hpcore import losses

    assert Direction.MINIMIZE.sign == 1.0 and Direction.MAXIMIZE.sign == -1.0
    assert losses([2.0, 3.0], [Direction.MINIMIZE, Direction.MAXIMIZE]) == [2.0, -3.0]
    with pytest.raises(ValueError):
        losses([1.0], [Direction.MINIMIZE, Direction.MAXIMIZE])  # one value per direction
