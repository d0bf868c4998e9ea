"""Exercises 8.1-8.3: each classic mistake gets a hint that names it, and a first hint holds the formula back."""

import re

import pytest

from notebook_cells import failing, judge_cell

PREAMBLE = "import math, random\nfrom micrograd_course.engine import Value\n"

HINGE = "def squared_hinge(score, label):\n    BODY\n"
BCE = '''def weighted_bce_with_logits(score, label, pos_weight):
    def softplus(z):
        return z + ((-z).exp() + 1).log() if z.data > 0 else (z.exp() + 1).log()
    return BODY
'''
GRADIENTS = '''def logistic_gradients(w, b, xs, ys):
    def sigmoid(s):
        return 1 / (1 + math.exp(-s)) if s >= 0 else math.exp(s) / (1 + math.exp(s))
    errors = [sigmoid(sum(a * c for a, c in zip(w, x)) + b) - y for x, y in zip(xs, ys)]
    n = len(xs)
    dw = [DW for j in range(len(w))]
    db = DB
    return dw, db
'''
DW, DB = "sum(e * x[j] for e, x in zip(errors, xs)) / n", "sum(errors) / n"


def gradients(dw=DW, db=DB):
    return GRADIENTS.replace("DW", dw).replace("DB", db)


def judged(exercise_id, code, seed, reveal=False):
    return judge_cell(exercise_id, PREAMBLE + code, seed, reveal)


RIGHT = [
    ("8.1", HINGE.replace("BODY", "return (1 - (2 * label - 1) * score).relu() ** 2")),
    ("8.2", BCE.replace("BODY", "pos_weight * label * softplus(-score) + (1 - label) * softplus(score)")),
    ("8.3", gradients()),
]

# (exercise, the mistake, code, {test: a phrase its hint must have})
MISTAKES = [
    ("8.1", "labels mapped as 1 - 2 * label", HINGE.replace("BODY", "y = 1 - 2 * label\n    return (1 - y * score).relu() ** 2"),
     {"the loss": "labels are flipped", "its gradient": "fix the loss first"}),
    ("8.1", "labels 0/1 used as they are", HINGE.replace("BODY", "return (1 - label * score).relu() ** 2"),
     {"the loss": "label * score is 0", "its gradient": "fix the loss first"}),
    ("8.1", "the right loss on floats", HINGE.replace("BODY", "y = 2 * label - 1\n    return Value(max(0.0, 1 - y * score.data) ** 2)"),
     {"its gradient": "Value operations"}),
    ("8.1", "a float returned", HINGE.replace("BODY", "y = 2 * label - 1\n    return max(0.0, 1 - y * score.data) ** 2"),
     {"its gradient": "returned a float, not a Value"}),
    ("8.2", "the score's sign swapped inside the logs",
     BCE.replace("BODY", "pos_weight * label * softplus(score) + (1 - label) * softplus(-score)"),
     {"pos_weight = 1 is the lecture's loss": "sign is swapped inside the logs",
      "the weight falls on class 1 only": "sign is swapped inside the logs",
      "its gradient": "fix the loss first"}),
    ("8.3", "a sum instead of a mean", gradients(DW.replace(" / n", ""), "sum(errors)"),
     {"d loss / d b": "n times too large", "d loss / d w": "n times too large",
      "scores beyond +-1000: no overflow": "fix the two tests above first"}),
    ("8.3", "the wrong sign", gradients("-" + DW, "-" + DB),
     {"d loss / d b": "wrong sign", "d loss / d w": "wrong sign"}),
    ("8.3", "divided by the number of weights", gradients(DW.replace("/ n", "/ len(w)"), DB.replace("/ n", "/ len(w)")),
     {"d loss / d b": "number of weights", "d loss / d w": "number of weights"}),
    ("8.3", "dw without x_j", gradients("sum(errors) / n"), {"d loss / d w": "through the input x_j"}),
    ("8.3", "db = 0", gradients(db="0.0"), {"d loss / d b": "db is 0"}),
    ("8.3", "a naive sigmoid", gradients().replace(
        "return 1 / (1 + math.exp(-s)) if s >= 0 else math.exp(s) / (1 + math.exp(s))", "return 1 / (1 + math.exp(-s))"),
     {"scores beyond +-1000: no overflow": "overflowed"}),
]

# What a first hint never shows: the formula of the answer, or a number.
FORMULAS = ["p - y", "p-y", "y - p", "mean of (p", "2 * label - 1", "2*label - 1", "softplus", "ln(1 + e"]


@pytest.mark.parametrize("exercise_id,code", RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_answers_score_full_marks(exercise_id, code):
    for seed in range(5):
        result = judged(exercise_id, code, seed)
        assert result["earned"] == result["points"], (seed, failing(result))


@pytest.mark.parametrize("exercise_id,name,code,hints", MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_mistake_gets_the_hint_that_names_it(exercise_id, name, code, hints):
    for seed in range(5):
        result = judged(exercise_id, code, seed)
        got = failing(result)
        for test, phrase in hints.items():
            assert test in got and phrase in got[test], (seed, test, got)


@pytest.mark.parametrize("exercise_id,name,code,hints", MISTAKES, ids=[m[1] for m in MISTAKES])
def test_a_first_hint_holds_back_the_formula_and_the_numbers(exercise_id, name, code, hints):
    for seed in range(3):
        text = " | ".join(failing(judged(exercise_id, code, seed)).values())
        assert text
        for formula in FORMULAS:
            assert formula not in text, (formula, text)
        assert "expected" not in text and not re.search(r"\d\.\d", text), text


def test_the_value_operations_hint_fires_only_when_no_gradient_reaches_the_score():
    for _, name, code, hints in MISTAKES[:2]:   # wrong losses built from Value operations
        for seed in range(5):
            text = failing(judged("8.1", code, seed)).get("its gradient", "")
            assert "Value operations" not in text, (name, text)


def test_the_naive_sigmoid_fails_only_the_overflow_test():
    naive = MISTAKES[-1][2]
    for seed in range(10):
        got = failing(judged("8.3", naive, seed))
        assert list(got) == ["scores beyond +-1000: no overflow"] and "OverflowError" in got[list(got)[0]], got
