"""Bad input gets an error that names the problem and the fix."""

import math

import pytest

from micrograd_course import MLP, SGD, Neuron, Value
from micrograd_course import losses


def test_string_data_is_a_type_error_with_a_fix():
    with pytest.raises(TypeError, match=r"got the string '3'.*Value\(float\('3'\)\)"):
        Value("3")


@pytest.mark.parametrize("bad", [None, [1.0], 1 + 2j, True])
def test_other_non_numbers_are_type_errors(bad):
    with pytest.raises(TypeError, match="Value expects a number"):
        Value(bad)


def test_value_of_a_value_says_it_already_is_one():
    with pytest.raises(TypeError, match="already is one"):
        Value(Value(1.0))


@pytest.mark.parametrize("op", [
    lambda v: v + "x", lambda v: "x" + v, lambda v: v * "x", lambda v: v - "x",
    lambda v: v / "x", lambda v: "x" / v, lambda v: v * None, lambda v: v + [1],
])
def test_combining_with_a_non_number_is_a_type_error(op):
    with pytest.raises(TypeError, match="Only Values and plain numbers"):
        op(Value(1.0))


@pytest.mark.parametrize("x", [0.0, -1.0, -math.inf])
def test_log_of_non_positive_is_a_value_error(x):
    with pytest.raises(ValueError, match="log is only defined for positive numbers"):
        Value(x).log()


def test_value_exponent_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"exponent must be a plain number.*\.log\(\)\)\.exp\(\)"):
        Value(2.0) ** Value(3.0)


def test_string_exponent_is_refused():
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** "2"


def test_division_by_a_zero_value_explains_itself():
    with pytest.raises(ZeroDivisionError, match="dividing by a Value that is 0"):
        Value(1.0) / Value(0.0)


def test_negative_base_with_fractional_exponent():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** (1 / 3)


def test_overflowing_power_says_it_is_diverging():
    with pytest.raises(OverflowError, match="diverging"):
        Value(1e200) ** 3


def test_string_base_for_number_to_the_value_is_a_type_error():
    with pytest.raises(TypeError, match="needs a plain number.*got str: 'a'"):
        "a" ** Value(1.0)


def test_zero_to_a_negative_power_explains_itself():
    with pytest.raises(ZeroDivisionError, match="zero cannot be raised to a negative power"):
        Value(0.0) ** -1


def test_bce_refuses_a_probability_outside_zero_to_one():
    with pytest.raises(ValueError, match="1.5 is not a probability.*with_logits"):
        losses.binary_cross_entropy([Value(1.5)], [1])


def test_non_positive_base_for_number_to_the_value():
    with pytest.raises(ValueError, match="positive number as the base"):
        (-2.0) ** Value(1.0)


def test_neuron_with_wrong_number_of_inputs():
    with pytest.raises(ValueError, match=r"ReLUNeuron\(3\) expects 3 inputs, got 2"):
        Neuron(3, seed=0)([1.0, 2.0])


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'selu'; choose one of relu"):
        MLP(2, [3, 1], activation="selu")


def test_losses_refuse_mismatched_lengths():
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        losses.mse_loss([Value(1.0)] * 3, [1.0, 2.0])


def test_hinge_refuses_zero_one_labels():
    with pytest.raises(ValueError, match="labels must be -1 or \\+1, got 0"):
        losses.hinge_loss([Value(1.0)], [0])


def test_cross_entropy_refuses_out_of_range_class():
    with pytest.raises(ValueError, match="target class 3 is out of range for 3 scores"):
        losses.cross_entropy([[Value(0.0)] * 3], [3])


def test_sgd_refuses_bad_learning_rate_and_no_parameters():
    with pytest.raises(ValueError, match="learning rate must be positive"):
        SGD([Value(1.0)], lr=0)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
