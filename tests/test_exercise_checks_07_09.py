"""Notebooks 7-9's exercise checks, in-process: right answers score full marks, classic mistakes lose points."""

import math

import pytest

from micrograd_course.coursework import framework
from notebook_cells import judge_cell

EXERCISES = framework.load_all()

PREAMBLE = '''
import math, random
from micrograd_course.engine import Value
def u(z):
    return 1 if z > 0 else 0
'''


def earned(exercise_id, code, seed):
    """Points, maximum and hints for ``code`` run as a notebook cell."""
    result = judge_cell(exercise_id, PREAMBLE + code, seed, reveal=False)
    return result["earned"], result["points"], " ".join(t["hint"] or "" for t in result["tests"])


BCE_RIGHT = '''
def bce_with_logits(score, label):
    softplus = score + ((-score).exp() + 1).log() if score.data > 0 else (score.exp() + 1).log()
    return softplus - label * score
'''
BCE_NAIVE = '''
def bce_with_logits(score, label):
    p = 1 / (1 + (-score).exp())
    return -(label * p.log() + (1 - label) * (1 - p).log())
'''
GRADIENTS = '''
def logistic_gradients(w, b, xs, ys):
    errors = [1 / (1 + math.exp(-(sum(a * c for a, c in zip(w, x)) + b))) - y for x, y in zip(xs, ys)]
    return [sum(e * x[j] for e, x in zip(errors, xs)) / DIVISOR for j in range(len(w))], sum(errors) / DIVISOR
'''
CE_SUM_OF_LOGS = '''
def cross_entropy_from_probabilities(probabilities, labels):
    return -sum(math.log(row[c]) for row, c in zip(probabilities, labels)) / len(labels)
'''
CE_PRODUCT = '''
def cross_entropy_from_probabilities(probabilities, labels):
    return -math.log(math.prod(row[c] for row, c in zip(probabilities, labels))) / len(labels)
'''
LSE_STABLE = '''
def logsumexp(logits):
    m = max(z.data for z in logits)
    return sum((z - m).exp() for z in logits).log() + m
'''
LSE_NAIVE = '''
def logsumexp(logits):
    return sum(z.exp() for z in logits).log()
'''
STEP = '''
def softmax_regression_step(W, x, label, lr):
    scores = [sum(w * xi for w, xi in zip(row, x)) for row in W]
    exps = [math.exp(s - max(scores)) for s in scores]
    p = [e / sum(exps) for e in exps]
    return [[w - lr * (p[k] - (k == label)) * xi for w, xi in zip(row, x)] if ROWS else list(row)
            for k, row in enumerate(W)]
'''


@pytest.mark.parametrize("exercise_id,code,expected,hint", [
    ("7.3", "exactly_two_weights = (1, 1, 1, -1)", "all", ""),
    ("7.3", "exactly_two_weights = (1, 1, 1, 0)", 0, "window"),  # the lecture's XOR weights: exactly ONE
    ("7.4", "def parity3(a, b, c):\n    n = a + b + c\n    return u(u(n - 0.5) - u(n - 1.5) + u(n - 2.5) - 0.5)", "all", ""),
    ("7.4", "def parity3(a, b, c):\n    return u(a + b + c - 0.5)", 2, "zero and two"),  # OR of three
    ("7.4", "def parity3(a, b, c):\n    return (a + b + c) % 2", 0, "step units"),  # right outputs, no neurons
    ("7.4", "def parity3(a, b, c):\n    return u((a + b + c) % 2 - 0.5)", 0, "step units"),  # one unit, % inside
    ("7.2", "def xor(x1, x2):\n    return u(x1 + x2 - 0.5) + u(-x1 - x2 + 1.5) - 1", 0, "step units"),  # no output unit
    ("7.2", "def xor(x1, x2):\n    return int(x1 != x2)", 0, "step units"),
    ("7.2", "def xor(x1, x2):\n    return u(u(x1 + x2 - 0.5) + u(-x1 - x2 + 1.5) - 1.5)", "all", ""),
    ("8.2", BCE_RIGHT, "all", ""),
    ("8.2", BCE_NAIVE, 2, "overflow"),  # right for ordinary scores, fails for confident mistakes
    ("8.3", GRADIENTS.replace("DIVISOR", "len(xs)"), "all", ""),
    ("8.3", GRADIENTS.replace("DIVISOR", "1"), 0, "mean"),  # a sum instead of a mean
    ("9.2", CE_SUM_OF_LOGS, "all", ""),
    ("9.2", CE_PRODUCT, 1, "product"),
    ("9.3", LSE_STABLE, "all", ""),
    ("9.3", LSE_NAIVE, 2, "overflow"),
    ("9.5", STEP.replace("ROWS", "True"), "all", ""),
    ("9.5", STEP.replace("ROWS", "k == label"), 1, "every other class"),  # only the true class's row updated
])
def test_right_answers_score_full_marks_and_classic_mistakes_do_not(exercise_id, code, expected, hint):
    for seed in range(4):  # the same verdict whatever the case
        got, points, hints = earned(exercise_id, code, seed)
        assert got == (points if expected == "all" else expected), (seed, hints)
        assert hint in hints


def test_a_training_loop_with_the_wrong_sign_does_not_separate_the_data():
    code = GRADIENTS.replace("DIVISOR", "len(xs)") + '''
def train_logistic(xs, ys, steps, lr):
    w, b = [0.0, 0.0], 0.0
    for _ in range(steps):
        dw, db = logistic_gradients(w, b, xs, ys)
        w = [wj + lr * g for wj, g in zip(w, dw)]
        b += lr * db
    return w, b
'''
    got, points, hints = earned("8.4", code, seed=1)
    assert got == 0 and "sign of the update" in hints
    assert earned("8.4", code.replace("wj + lr", "wj - lr").replace("b += lr", "b -= lr"), seed=1)[0] == points


def test_the_stable_references_agree_with_the_definitions():
    from micrograd_course.coursework.exercises import nb08, nb09

    for s, y in [(0.3, 1), (-2.0, 0), (4.0, 0)]:
        p = 1 / (1 + math.exp(-s))
        assert math.isclose(nb08._bce_with_logits(s, y), -(y * math.log(p) + (1 - y) * math.log(1 - p)), rel_tol=1e-12)
    z = [0.5, -1.0, 2.0]
    assert math.isclose(nb09._logsumexp(z), math.log(sum(math.exp(v) for v in z)), rel_tol=1e-12)


@pytest.mark.parametrize("code", [
    "def parity3(a, b, c):\n    return u(a + b + c - 0.5)",                      # OR of three
    "def parity3(a, b, c):\n    return u(a + b + c - 1.5)",                      # "at least two"
    "def parity3(a, b, c):\n    n = a + b + c\n    return u(u(n - 0.5) + u(n - 1.5) + u(n - 2.5) - 0.5)",  # no subtraction
])
def test_parity_first_try_hints_do_not_give_the_construction(code):
    # 7.4's first-try hint points at the count of inputs on, never at "at least k" units added and subtracted.
    got, points, hints = earned("7.4", code, seed=0)
    assert got < points and hints
    for giveaway in ("at least", "k = 1", "subtract", "-0.5", "0.5", "1.5", "2.5"):
        assert giveaway not in hints, (giveaway, hints)
