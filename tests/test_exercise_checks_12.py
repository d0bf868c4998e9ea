"""Notebook 12's exercise checks, in-process: right answers score full marks, classic mistakes lose points."""

import pytest

from micrograd_course.coursework import framework

EXERCISES = framework.load_all()
SEEDS = [0, 1, 2, 3]

PREAMBLE = '''
import numpy as np
from micrograd_course.tensor import Tensor
'''


def earned(exercise_id, code, seed):
    namespace = {}
    exec(PREAMBLE + code, namespace)
    exercise = EXERCISES[exercise_id]
    case = exercise.make_case(seed)
    result = framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=False)
    failed = [t["test"] for t in result["tests"] if t["earned"] < t["points"]]
    return result["earned"], result["points"], failed, " ".join(t["hint"] or "" for t in result["tests"])


ADD_RIGHT = '''
def add_grads(g, a_shape, b_shape):
    def down(shape):
        grad = g.sum(axis=tuple(range(g.ndim - len(shape))))
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        return grad.sum(axis=stretched, keepdims=True)
    return down(a_shape), down(b_shape)
'''
ADD_PASS_THROUGH = '''
def add_grads(g, a_shape, b_shape):
    return g, g
'''
ADD_NO_KEEPDIMS = '''
def add_grads(g, a_shape, b_shape):
    def down(shape):
        grad = g.sum(axis=tuple(range(g.ndim - len(shape))))
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        return grad.sum(axis=stretched)
    return down(a_shape), down(b_shape)
'''
ADD_LEADING_ONLY = '''
def add_grads(g, a_shape, b_shape):
    def down(shape):
        return g.sum(axis=tuple(range(g.ndim - len(shape))))
    return down(a_shape), down(b_shape)
'''

SUM_RIGHT = '''
def tensor_sum(t, axis=None, keepdims=False):
    axes = tuple(range(t.ndim)) if axis is None else tuple(np.atleast_1d(axis) % t.ndim)
    out = t.data.sum(axis=axes, keepdims=keepdims)
    def backward(g):
        if not keepdims:
            g = np.expand_dims(g, axes)
        return (np.broadcast_to(g, t.shape),)
    return Tensor.from_op(out, (t,), "sum", backward)
'''
SUM_NO_EXPAND = '''
def tensor_sum(t, axis=None, keepdims=False):
    out = t.data.sum(axis=axis, keepdims=keepdims)
    def backward(g):
        return (np.broadcast_to(g, t.shape),)
    return Tensor.from_op(out, (t,), "sum", backward)
'''
SUM_ONES = '''
def tensor_sum(t, axis=None, keepdims=False):
    out = t.data.sum(axis=axis, keepdims=keepdims)
    return Tensor.from_op(out, (t,), "sum", lambda g: (np.ones(t.shape),))
'''
SUM_PACKAGE = '''
def tensor_sum(t, axis=None, keepdims=False):
    return t.sum(axis=axis, keepdims=keepdims)
'''

MATMUL_RIGHT = '''
def matmul(a, b):
    A, B = a.data, b.data
    def backward(g):
        A2 = A if A.ndim > 1 else A[np.newaxis, :]
        B2 = B if B.ndim > 1 else B[:, np.newaxis]
        if B.ndim == 1:
            g = g[..., np.newaxis]
        if A.ndim == 1:
            g = g[..., np.newaxis, :]
        grad_a = g @ np.swapaxes(B2, -1, -2)
        grad_b = np.swapaxes(A2, -1, -2) @ g
        grad_a = grad_a.sum(axis=tuple(range(grad_a.ndim - A2.ndim))).reshape(A.shape)
        grad_b = grad_b.sum(axis=tuple(range(grad_b.ndim - B2.ndim))).reshape(B.shape)
        return grad_a, grad_b
    return Tensor.from_op(A @ B, (a, b), "@", backward)
'''
MATMUL_2D_ONLY = '''
def matmul(a, b):
    A, B = a.data, b.data
    return Tensor.from_op(A @ B, (a, b), "@", lambda g: (g @ B.T, A.T @ g))
'''
MATMUL_SWAPPED = '''
def matmul(a, b):
    A, B = a.data, b.data
    return Tensor.from_op(A @ B, (a, b), "@", lambda g: (A.T @ g, g @ B.T))
'''
MATMUL_PACKAGE = '''
def matmul(a, b):
    return a @ b
'''

CE_RIGHT = '''
def softmax_cross_entropy(logits, targets):
    z = logits.data
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(targets))
    one_hot = np.zeros_like(z)
    one_hot[rows, targets] = 1.0
    def backward(g):
        return (g * (np.exp(log_p) - one_hot) / len(targets),)
    return Tensor.from_op(-log_p[rows, targets].mean(), (logits,), "cross_entropy", backward)
'''
CE_NAIVE = CE_RIGHT.replace("shifted = z - z.max(axis=1, keepdims=True)", "shifted = z")
CE_NO_MEAN = CE_RIGHT.replace("/ len(targets)", "")
CE_NO_UPSTREAM = CE_RIGHT.replace("return (g * (", "return ((")
CE_COMPOSED = '''
from micrograd_course.tensor import cross_entropy
def softmax_cross_entropy(logits, targets):
    return cross_entropy(logits, np.array(targets))
'''

MAX_RIGHT = '''
def tensor_max(t, axis=None, keepdims=False):
    axes = tuple(range(t.ndim)) if axis is None else tuple(np.atleast_1d(axis) % t.ndim)
    top = t.data.max(axis=axes, keepdims=True)
    winners = (t.data == top)
    share = winners / winners.sum(axis=axes, keepdims=True)
    def backward(g):
        if not keepdims:
            g = np.expand_dims(g, axes)
        return (share * g,)
    return Tensor.from_op(t.data.max(axis=axes, keepdims=keepdims), (t,), "max", backward)
'''
MAX_TIES_FULL = MAX_RIGHT.replace("share = winners / winners.sum(axis=axes, keepdims=True)", "share = winners * 1.0")
MAX_ARGMAX_ONLY = '''
def tensor_max(t, axis=None, keepdims=False):
    out = t.data.max(axis=axis, keepdims=keepdims)
    def backward(g):
        grad = np.zeros_like(t.data)
        grad.flat[np.argmax(t.data)] = 1.0
        return (grad * np.sum(g),)
    return Tensor.from_op(out, (t,), "max", backward)
'''


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id, code", [("12.1", ADD_RIGHT), ("12.2", SUM_RIGHT), ("12.3", MATMUL_RIGHT),
                                               ("12.4", CE_RIGHT), ("12.5", MAX_RIGHT)])
def test_right_answers_score_full_marks(exercise_id, code, seed):
    got, points, failed, hints = earned(exercise_id, code, seed)
    assert got == points, (failed, hints)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the naive softmax, on purpose
@pytest.mark.parametrize("exercise_id, code, failing, hint", [
    ("12.1", ADD_PASS_THROUGH, ["an operand with fewer axes (a bias)", "an operand with size-1 axes, stretched",
                                "a scalar operand (shape ())"], "sum g over those leading axes"),
    ("12.1", ADD_NO_KEEPDIMS, ["an operand with size-1 axes, stretched"], "keepdims=True"),
    ("12.1", ADD_LEADING_ONLY, ["an operand with size-1 axes, stretched"], "keep it, with size 1"),
    ("12.2", SUM_NO_EXPAND, ["one axis summed away: put it back, then spread", "keepdims=True and several axes"],
     "np.expand_dims"),
    ("12.2", SUM_ONES, ["axis=None: every entry gets the same gradient",
                        "one axis summed away: put it back, then spread", "keepdims=True and several axes"],
     "each gets g"),
    ("12.3", MATMUL_2D_ONLY, ["a vector on either side", "stacks of matrices (a batch axis in front)"],
     "as a row (1, k)"),
    ("12.4", CE_NAIVE, ["large logits (around 1000): no overflow"], "subtract each row's largest logit"),
    ("12.4", CE_NO_MEAN, ["its gradient: (softmax(z) - one_hot) / n", "times the upstream gradient",
                          "large logits (around 1000): no overflow"], "divides it by n"),
    ("12.4", CE_NO_UPSTREAM, ["times the upstream gradient"], "multiply your gradient by it"),
    ("12.5", MAX_TIES_FULL, ["ties share the gradient equally"], "divide the mask"),
    ("12.5", MAX_ARGMAX_ONLY, ["the gradient goes to the largest entry only", "ties share the gradient equally"],
     "a mask"),
])
def test_classic_mistakes_lose_the_right_points(exercise_id, code, failing, hint):
    got, points, failed, hints = earned(exercise_id, code, seed=5)
    assert failed == failing, hints
    assert hint in hints


def test_a_swapped_matmul_rule_fails_every_gradient_test():
    got, points, failed, hints = earned("12.3", MATMUL_SWAPPED, seed=1)
    assert got == 0, failed  # wrong shapes: even the 2-D case raises or mismatches


@pytest.mark.parametrize("exercise_id, code", [("12.2", SUM_PACKAGE), ("12.3", MATMUL_PACKAGE)])
def test_the_packages_own_op_scores_nothing(exercise_id, code):
    got, points, failed, hints = earned(exercise_id, code, seed=0)
    assert got == 0 and "Tensor.from_op" in hints


def test_a_composed_cross_entropy_is_not_one_op():
    got, points, failed, hints = earned("12.4", CE_COMPOSED, seed=0)
    assert got == 0 and "Tensor.from_op" in hints


def test_hints_never_show_the_expected_numbers_on_the_first_try():
    exercise = EXERCISES["12.2"]
    namespace = {}
    exec(PREAMBLE + SUM_NO_EXPAND, namespace)
    case = exercise.make_case(0)
    result = framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=False)
    assert all("expected" not in (t["hint"] or "") for t in result["tests"])
    revealed = framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=True)
    assert any("expected" in (t["hint"] or "") for t in revealed["tests"])
