"""Bad input gets an error that names the problem and the fix."""

import math

import pytest

from micrograd_course import MLP, SGD, Neuron, Value
from micrograd_course.engine import AnomalyError, detect_anomaly
from micrograd_course import losses


def test_string_data_is_a_type_error_with_a_fix():
    with pytest.raises(TypeError, match=r"got the string '3'.*Value\(float\('3'\)\)"):
        Value("3")


@pytest.mark.parametrize("bad", [None, 1 + 2j, True])
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


def test_value_exponent_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"exponent must be a plain number.*\.log\(\)\)\.exp\(\)"):
        Value(2.0) ** Value(3.0)


def test_string_exponent_is_refused():
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** "2"


def test_string_base_for_number_to_the_value_is_a_type_error():
    with pytest.raises(TypeError, match="needs a plain number.*got str: 'a'"):
        "a" ** Value(1.0)


def test_bce_refuses_a_probability_outside_zero_to_one():
    with pytest.raises(ValueError, match="1.5 is not a probability.*with_logits"):
        losses.binary_cross_entropy([Value(1.5)], [1])


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


# Arithmetic that leaves the real numbers gives inf or nan, as in PyTorch
# (tests/test_engine_ieee.py). The early, clear error is opt-in:
# inside detect_anomaly(), or from check_finite() afterwards.
ANOMALIES = {
    "log of zero": (lambda: Value(0.0).log(), r"log\(0\) = -inf .*only defined for positive numbers.*epsilon"),
    "log of a negative number": (lambda: Value(-1.0).log(), r"log\(-1\) = nan .*only defined for positive"),
    "division by zero": (lambda: Value(1.0) / Value(0.0), r"1 / 0 = inf .*dividing by a Value that is 0.*epsilon"),
    "zero over zero": (lambda: Value(0.0) / 0, r"0 / 0 = nan .*dividing by a Value that is 0"),
    "negative base, fractional exponent": (lambda: Value(-8.0) ** (1 / 3), r"\(-8\) \*\* 0.333.* = nan .*whole-number exponent"),
    "overflowing power": (lambda: Value(1e200) ** 3, r"1e\+200 \*\* 3 = inf .*diverging.*smaller learning rate"),
    "zero to a negative power": (lambda: Value(0.0) ** -1, r"0 \*\* -1 = inf .*zero cannot be raised to a negative power"),
    "overflowing exp": (lambda: Value(1000.0).exp(), r"exp\(1000\) = inf .*diverging"),
    "overflowing power of a number": (lambda: 10.0 ** Value(400.0), r"10.0 \*\* 400 = inf .*diverging"),
    "overflowing product": (lambda: Value(1e200) * Value(1e200), r"1e\+200 \* 1e\+200 = inf .*diverging"),
    "negative base to a Value": (lambda: (-2.0) ** Value(0.5), r"-2.0 \*\* 0.5 = nan .*whole-number exponent"),
}


@pytest.mark.parametrize("name", ANOMALIES)
def test_detect_anomaly_names_the_op_its_inputs_and_a_fix(name):
    make, message = ANOMALIES[name]
    result = make()  # without the check: inf or nan, no error
    assert not math.isfinite(result.data)
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=message):
            make()
    assert not math.isfinite(make().data)  # and off again after the block
    with pytest.raises(AnomalyError, match=message):
        result.check_finite()


def test_check_finite_finds_the_first_bad_op_not_the_last():
    x = Value(0.0, label="x")
    loss = (x.log() * 2 + 1).tanh() + 3  # -inf from log; tanh(-inf) = -1 is finite again
    assert loss.data == 2.0
    with pytest.raises(AnomalyError, match=r"log\(0\) = -inf"):
        loss.check_finite()
    assert Value(2.0).log().check_finite().data == math.log(2.0)  # nothing wrong: returns itself


def test_check_finite_reports_a_gradient_that_turns_infinite():
    x = Value(0.0)
    y = x ** 0.5  # sqrt(0) = 0 is finite; its slope at 0 is not
    y.backward()
    assert x.grad == math.inf
    with pytest.raises(AnomalyError, match=r"backward through 0 \*\* 0.5.*local derivative.*= inf"):
        y.check_finite()
    with detect_anomaly():
        z = Value(0.0) ** 0.5
        with pytest.raises(AnomalyError, match="backward through"):
            z.backward()


def test_check_finite_reports_a_non_finite_input():
    with pytest.raises(AnomalyError, match=r"the input Value\(data=nan.* is nan already"):
        (Value(math.nan) + 1).check_finite()


def test_anomaly_mode_nests_and_lets_finite_work_through():
    with detect_anomaly():
        with detect_anomaly():
            assert (Value(3.0) / 2).data == 1.5
        with pytest.raises(AnomalyError):
            Value(1.0) / 0  # still on: the outer block is open
    assert (Value(1.0) / 0).data == math.inf


def test_check_finite_before_backward_ignores_the_slopes():
    y = Value(0.0) ** 0.5  # slope inf at 0, but no backward() has run: every grad is 0
    assert y.check_finite() is y


def test_anomaly_mode_computes_the_same_gradients():
    def run():
        a, b = Value(0.7), Value(-1.3)
        shared = a * b
        out = (shared + a).tanh() * shared / (b * b + 1)
        out.backward()
        out.backward()
        return [a.grad, b.grad, shared.grad, out.grad]

    plain = run()
    with detect_anomaly():
        checked = run()
    assert checked == plain


def test_a_list_or_an_array_gets_an_error_that_says_what_to_do():
    import numpy as np

    with pytest.raises(TypeError, match=r"one number, got a list of 2.*\[Value\(x\) for x in \[1, 2\]\]"):
        Value([1, 2])
    with pytest.raises(TypeError, match=r"got ndarray of shape \(3,\).*micrograd_course\.tensor\.Tensor"):
        Value(np.zeros(3))
    assert Value(np.float64(2.5)).data == 2.5  # a numpy scalar is a number


def test_a_value_and_a_tensor_do_not_mix_in_either_order():
    from micrograd_course.tensor import Tensor

    with pytest.raises(TypeError, match="Value and Tensor. The two engines do not mix"):
        Value(1.0) + Tensor([1.0])
    with pytest.raises(TypeError, match="Tensor and Value"):
        Tensor([1.0]) * Value(1.0)
