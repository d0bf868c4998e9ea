"""Losses and the optimizer: values against hand formulas, gradients against finite differences."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_course import SGD, Value
from micrograd_course import losses
from micrograd_course.gradcheck import gradient_errors

scores = st.lists(st.floats(-6, 6), min_size=2, max_size=5)


def close_grads(f, numbers):
    return all(err < 1e-5 for _, _, err in gradient_errors(f, numbers))


def test_mse_value():
    loss = losses.mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0])
    assert loss.data == pytest.approx((1 + 4) / 2)


def test_mse_of_plain_numbers_is_a_value_too():
    loss = losses.mse_loss([1.0, 3.0], [0.0, 1.0])
    assert isinstance(loss, Value) and loss.data == pytest.approx(2.5)


def test_hinge_value_and_zero_for_confident_right_answers():
    assert losses.hinge_loss([Value(2.0), Value(-3.0)], [1, -1]).data == 0.0
    assert losses.hinge_loss([Value(0.5), Value(0.5)], [1, -1]).data == pytest.approx((0.5 + 1.5) / 2)


@settings(max_examples=40, deadline=None)
@given(scores)
def test_softmax_is_a_distribution_even_for_huge_scores(xs):
    big = [Value(1000 * x) for x in xs]
    probs = losses.softmax(big)
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert all(0.0 <= p.data <= 1.0 for p in probs)


@settings(max_examples=40, deadline=None)
@given(scores, st.integers(0, 1))
def test_cross_entropy_value_and_gradient(xs, target):
    expected = -(xs[target] - math.log(sum(math.exp(x) for x in xs)))
    assert losses.cross_entropy([[Value(x) for x in xs]], [target]).data == pytest.approx(expected)
    assert close_grads(lambda *v: losses.cross_entropy([list(v)], [target]), xs)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    logits = [Value(1.0), Value(2.0), Value(0.5)]
    losses.cross_entropy([logits], [1]).backward()
    probs = [p.data for p in losses.softmax([Value(1.0), Value(2.0), Value(0.5)])]
    assert [v.grad for v in logits] == pytest.approx([probs[0], probs[1] - 1, probs[2]])


def test_cross_entropy_of_huge_logits_is_finite():
    loss = losses.cross_entropy([[Value(1000.0), Value(-1000.0)]], [1])
    assert loss.data == pytest.approx(2000.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(-30, 30), st.sampled_from([0, 1]))
def test_bce_with_logits_matches_bce_of_sigmoid(z, y):
    direct = losses.binary_cross_entropy_with_logits([Value(z)], [y]).data
    p = 1 / (1 + math.exp(-z))
    if 1e-9 < p < 1 - 1e-9:
        assert direct == pytest.approx(losses.binary_cross_entropy([Value(p)], [y]).data, rel=1e-6)
    assert close_grads(lambda v: losses.binary_cross_entropy_with_logits([v], [y]), [z])
    assert direct >= 0


def test_bce_with_logits_is_stable_for_extreme_logits():
    loss = losses.binary_cross_entropy_with_logits([Value(800.0), Value(-800.0)], [0, 1])
    assert loss.data == pytest.approx(800.0)


def test_bce_value_and_gradient_inside_zero_one():
    @settings(max_examples=40, deadline=None)
    @given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.sampled_from([0.0, 1.0, 0.3]))
    def check(p, q, y):
        expected = -(y * math.log(p) + (1 - y) * math.log(1 - p)
                     + (1 - y) * math.log(q) + y * math.log(1 - q)) / 2
        loss = losses.binary_cross_entropy([Value(p), Value(q)], [y, 1 - y])
        assert loss.data == pytest.approx(expected, rel=1e-12)
        assert close_grads(lambda a, b: losses.binary_cross_entropy([a, b], [y, 1 - y]), [p, q])

    check()


@pytest.mark.parametrize("p,y", [(0.0, 1), (1.0, 0), (1e-60, 1)])
def test_bce_clamps_each_log_at_minus_100(p, y):
    """Like PyTorch: a certain wrong answer costs 100, not infinity (nor 27.6 from a clip)."""
    v = Value(p)
    loss = losses.binary_cross_entropy([v], [y])
    assert loss.data == 100.0
    loss.backward()
    # The slope still says "move towards the target", strongly: (p - y) / max(p(1-p), 1e-12).
    assert v.grad == pytest.approx((p - y) / 1e-12)


def test_bce_of_a_certain_right_answer_is_zero():
    v = Value(1.0)
    loss = losses.binary_cross_entropy([v], [1])
    loss.backward()
    assert loss.data == 0.0 and v.grad == 0.0


def test_l2_penalty():
    assert losses.l2_penalty([Value(1.0), Value(-2.0)], 0.1).data == pytest.approx(0.5)


def test_accuracy_for_both_label_conventions():
    assert losses.accuracy([Value(1.0), Value(-1.0), Value(2.0)], [1, -1, -1]) == pytest.approx(2 / 3)
    assert losses.accuracy([0.9, 0.2], [1, 0], threshold=0.5) == 1.0


def test_sgd_step_moves_against_gradient_and_zero_grad_resets():
    w = Value(2.0)
    opt = SGD([w], lr=0.1)
    (w * w).backward()  # grad 4
    opt.step()
    assert w.data == pytest.approx(1.6)
    opt.zero_grad()
    assert w.grad == 0.0
