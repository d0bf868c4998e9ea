"""Hints point at the mistake, never at the answer; checks catch the mistakes the statements forbid.

Each case runs a notebook's answer (a classic mistake) through the checks in-process and
reads the hints, with the numbers revealed as on a second try (``reveal=True``) or held back
as on a first (``reveal=False``).
"""

import re

import pytest

from micrograd_course.coursework import framework
from notebook_cells import hints, judge_cell

PREAMBLE = '''
import math, random
from micrograd_course.engine import Value
from micrograd_course.nn import Module
def u(z):
    return 1 if z > 0 else 0
'''


def judged(exercise_id, code, seed=0, reveal=True):
    return judge_cell(exercise_id, PREAMBLE + code, seed, reveal)


SLOPES = """def slopes(f, point, h):
    base = f(**point)
    out = {}
    for name in point:
        moved = dict(point)
        moved[name] += h
        out[name] = (f(**moved) - base) / h
    return out
"""


# ---------------------------------------------------------------- fixed-number answers

@pytest.mark.parametrize("exercise_id,code,answers", [
    ("1.2", "dd_da, dd_db, dd_dc = 2.0, -3.0, 1.0", ["-3", "6", "-3"]),
    ("3.1", "grads = dict(L=1.0, d=1.0, f=1.0, e=1.0, c=1.0, a=1.0, b=1.0)", ["2", "4", "-6", "8"]),
    ("3.2", "twice_grads = dict(g=2.0, s=1.0, a=1.0, b=2.0)", ["3", "4"]),
])
def test_a_fixed_number_answer_is_never_shown_even_on_the_second_try(exercise_id, code, answers):
    result = judged(exercise_id, code)
    text = hints(result)
    assert result["earned"] < result["points"] and text
    assert "expected" not in text, text
    assert "got" in text  # the student's own numbers are shown


def test_the_largest_safe_rate_in_two_dimensions_is_never_given_away():
    for wrong, clue in [("1.0", "safe along x only"), ("0.05", "one step along y"), ("0.3", "each direction")]:
        code = ("def descend_2d(f, lr, steps, start):\n    return [start]\n"
                f"largest_safe_lr_2d = {wrong}")
        result = judged("6.3", code)
        text = next(row["hint"] for row in result["tests"] if row["test"].startswith("the largest safe"))
        assert clue in text and "0.1" not in text and "expected" not in text, text


# ---------------------------------------------------------------- first-try hints hold the formula back

FORMULAS = {
    "6.1": ("def learning_rate_limits(a):\n    return (1.0, 3.0)", ["2a", "2 / f''", "is 2a"]),
    "9.5": ("def smoothed_cross_entropy(logits, label, eps):\n    return sum(z * 0 for z in logits) + 1.0",
            ["eps / K", "1 - eps", "eps/K", "z_k - ", "p_k - q_k"]),
    "9.2": ("def weighted_cross_entropy(probabilities, labels, weights):\n    return 1.0",
            ["sum(weights", "/ sum", "total weight"]),
    "9.3": ("def softmax_t(logits, T):\n    return [z * T for z in logits]", ["z / T", "z/T", "/ T"]),
    "10.2": ("def exp_fit_gradients(a, b, xs, ys):\n    return (1.0, 1.0)", ["average 2 * residual", "a x e^(bx)"]),
    "10.5": ("def largest_safe_lr(xs):\n    return 1.0", ["X^T X", "2 / (its largest", "2/N"]),
    "7.1": ("nand_weights = (1, 1, -1.5)\nand_not_weights = (-1, 1, -0.5)", ["(-1", "-1.0, -1.0", "1.5)"]),
}


@pytest.mark.parametrize("exercise_id", sorted(FORMULAS))
def test_a_first_hint_does_not_give_the_formula(exercise_id):
    code, formulas = FORMULAS[exercise_id]
    for seed in range(3):
        text = hints(judged(exercise_id, code, seed, reveal=False))
        assert text, "the wrong answer must fail"
        for formula in formulas:
            assert formula not in text, (formula, text)


# ---------------------------------------------------------------- hints aimed at the mistake made

AIMED = [
    # (exercise, code, a phrase the hint must have, a phrase it must not have)
    # 1.1 (the central difference): its mistakes are in tests/test_hints_01_02.py
    ("1.3", "def error_order(estimate, f, exact, x, h):\n"
            "    return math.log10(abs(estimate(f, x, h / 10) - exact) / abs(estimate(f, x, h) - exact))",
     "sign is flipped", None),
    ("1.3", "def error_order(estimate, f, exact, x, h):\n"
            "    return math.log(abs(estimate(f, x, h) - exact) / abs(estimate(f, x, h / 10) - exact))",
     "natural log", None),
    ("1.3", "def error_order(estimate, f, exact, x, h):\n"
            "    return abs(estimate(f, x, h) - exact) / abs(estimate(f, x, h / 10) - exact)",
     "ratio of the errors itself", None),
    ("6.1", "def learning_rate_limits(a):\n    return (1 / a, 2 / a)", "differentiate", None),
    ("6.1", "def learning_rate_limits(a):\n    return (1 / (2 * a), 1 / (2 * a))", "zig-zag", None),
    ("3.3", "def relu_neuron_grads(x1, x2, w1, w2, b):\n    return dict(x1=w1, w1=x1, x2=w2, w2=x2, b=1.0)",
     "as if the ReLU were not there", "n >= 0"),
    ("9.2", "def weighted_cross_entropy(probabilities, labels, weights):\n"
            "    return sum(weights[c] * -math.log(p[c]) for p, c in zip(probabilities, labels)) / len(labels)",
     "divided by the number of samples", "never form their product"),
    ("9.1", "def top_k_accuracy(scores, labels, k):\n"
            "    return sum(label in sorted(range(len(r)), key=r.__getitem__, reverse=True)[:k]\n"
            "               for r, label in zip(scores, labels))",
     "a count, not a fraction", None),
    ("10.1", "def numerical_gradient(loss, params, h=1e-6):\n    grads = []\n    for k in range(len(params)):\n"
             "        params[k] += h\n        up = loss(params)\n        params[k] -= 2 * h\n"
             "        grads.append((up - loss(params)) / (2 * h))\n    return grads",
     "not put back", "one-sided"),
    ("10.2", "def exp_fit_gradients(a, b, xs, ys):\n    n = len(xs)\n"
             "    r = [a * math.exp(b * x) - y for x, y in zip(xs, ys)]\n"
             "    return (sum(2 * ri * math.exp(b * x) for ri, x in zip(r, xs)) / n,\n"
             "            sum(2 * ri * a * math.exp(b * x) for ri, x in zip(r, xs)) / n)",
     "derivative too", None),
    ("10.3", "def exp_fit_loss(a, b, xs, ys):\n    return sum((a * (b * x).exp() - y) ** 2 for x, y in zip(xs, ys))",
     "fix it first", "can follow every step"),
    ("9.5", "def smoothed_cross_entropy(logits, label, eps):\n"
            "    log_total = sum(z.exp() for z in logits).log()\n"
            "    return -sum(((1 - eps) * (k == label) + eps / len(logits)) * (z - log_total)\n"
            "                for k, z in enumerate(logits))",
     "overflowed", None),
]


@pytest.mark.parametrize("exercise_id,code,must,must_not", AIMED, ids=[f"{a[0]}-{a[2]}" for a in AIMED])
def test_a_hint_names_the_mistake_that_was_made(exercise_id, code, must, must_not):
    for seed in range(3):
        result = judged(exercise_id, code, seed)
        text = hints(result)
        assert result["earned"] < result["points"] and must in text, (seed, text)
        if must_not:
            assert must_not not in text, (seed, text)


def test_a_near_miss_prints_enough_digits_to_see_it():
    # A backward difference is right at h = 1e-6 to 6 digits, and still wrong.
    code = SLOPES.replace("moved[name] += h", "moved[name] -= h").replace("(f(**moved) - base)", "(base - f(**moved))")
    for seed in range(5):
        text = hints(judged("1.1", code, seed))
        pairs = re.findall(r"expected (\S+), got (\S+)\)", text)
        assert pairs, text  # the tiny-h test fails too, with numbers
        for pair in pairs:
            assert pair[0] != pair[1].rstrip(")"), pair
    assert framework.shown_apart(-2.7819712, -2.7819705) == ("-2.7819712", "-2.7819705")
    assert framework.shown_apart(2.0, 3.0) == ("2", "3")


# ---------------------------------------------------------------- checks that let forbidden answers through

def test_int_for_round_in_a_split_fails_on_every_seed():
    code = ('''
import numpy as np
def split(xs, ys, test_fraction=0.25, seed=0):
    order = np.random.default_rng(seed).permutation(len(xs))
    n_test = int(len(xs) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return xs[train], xs[test], ys[train], ys[test]
def k_folds(n, k, seed):  # 6.2's second part, right
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold) for i, fold in enumerate(folds)]
''')
    for seed in range(10):
        rows = {row["test"]: row for row in judged("6.2", code, seed)["tests"]}
        assert rows["sizes"]["earned"] == 0 and "rounded" in rows["sizes"]["hint"]


def test_the_naive_cross_entropy_fails_on_every_seed():
    naive = "def weighted_bce_with_logits(score, label, pos_weight):\n    p = 1 / (1 + (-score).exp())\n" \
            "    return -(pos_weight * label * p.log() + (1 - label) * (1 - p).log())"
    for seed in range(20):
        result = judged("8.2", naive, seed)
        assert result["earned"] < result["points"] and "overflow" in hints(result), seed


def test_named_parameters_that_leave_out_the_biases_fail_the_zero_grad_test():
    result = judged("5.2", AFFINE_WEIGHTS_ONLY)
    rows = {row["test"]: row for row in result["tests"]}
    assert "comes from the micrograd_course package" not in hints(result)  # failed by the check, not by provenance
    assert rows["parameters() and zero_grad() work through it"]["earned"] == 0
    assert rows["each name with its own Value"]["earned"] == rows["each name with its own Value"]["points"]


def test_loading_weights_into_new_values_fails():
    code = '''
def load_linear(layer, weight, bias):
    for neuron, row, b in zip(layer.neurons, weight, bias):
        neuron.w = [Value(v) for v in row]
        neuron.b = Value(b)
'''
    result = judged("11.1", code)
    rows = {row["test"]: row for row in result["tests"]}
    assert rows["parameters stay the same Values"]["earned"] == 0 and "optimizer" in hints(result)


def test_every_assert_outside_an_answer_says_what_to_fix():
    """A demo cell that fails after an exercise names the exercise, instead of a bare AssertionError."""
    import ast
    import json
    import pathlib
    bare = []
    for path in sorted((pathlib.Path(__file__).parent.parent / "solutions").glob("*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "BEGIN SOLUTION" in source:
                continue
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            bare += [f"{path.name} cell {index} line {node.lineno}" for node in ast.walk(ast.parse(code))
                     if isinstance(node, ast.Assert) and node.msg is None]
    assert not bare, bare


# ---------------------------------------------------------------- 11.6: a real nn.Module

MOONNET = '''
import torch

class MoonNet(torch.nn.Module):
    def __init__(self, hidden, p):
        super().__init__()
        self.hidden = torch.nn.Linear(2, hidden)
        self.dropout = torch.nn.Dropout(p)
        self.out = torch.nn.Linear(hidden, 1)

    def forward(self, x):
        return self.out(self.dropout(torch.tanh(self.hidden(x))))


def train_steps(model, inputs, targets, steps, lr):
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs).squeeze(1), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def predict(model, inputs):
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(inputs).squeeze(1))
'''

MODULE_MISTAKES = [
    # (what the student did, the change, the test that must fail, a phrase its hint must have)
    ("no zero_grad", ("        optimizer.zero_grad()\n", ""), "train_steps: full-batch", "gradients pile up"),
    ("no eval in predict", ("    model.eval()\n    with", "    with"), "predict: evaluation mode", "dropout is still on"),
    ("no train in train_steps", ("    model.train()\n", ""), "train_steps puts the model back", "model.train()"),
    ("sigmoid in forward", ("return self.out(self.dropout(torch.tanh(self.hidden(x))))",
                            "return torch.sigmoid(self.out(self.dropout(torch.tanh(self.hidden(x)))))"),
     "forward returns the score", "applies the sigmoid"),
    ("layers in a plain list", ("        self.hidden = torch.nn.Linear(2, hidden)\n",
                                "        self.parts = [torch.nn.Linear(2, hidden)]\n        self.hidden = self.parts[0]\n"
                                "        del self.hidden\n        self.hidden_list = self.parts\n"),
     "the parts are registered", "store the layers"),
    ("scores from predict", ("return torch.sigmoid(model(inputs).squeeze(1))", "return model(inputs).squeeze(1)"),
     "predict: evaluation mode", "torch.sigmoid"),
    ("labels from predict", ("return torch.sigmoid(model(inputs).squeeze(1))",
                             "return (model(inputs).squeeze(1) > 0).double()"),
     "predict: evaluation mode", "returns labels"),
    ("shape (N, 1) from predict", ("return torch.sigmoid(model(inputs).squeeze(1))", "return torch.sigmoid(model(inputs))"),
     "predict: one probability per input", "shape (N, 1)"),
    ("a list from predict", ("return torch.sigmoid(model(inputs).squeeze(1))",
                             "return torch.sigmoid(model(inputs).squeeze(1)).tolist()"),
     "predict: one probability per input", "return a tensor"),
    ("no dropout", ("return self.out(self.dropout(torch.tanh(self.hidden(x))))",
                    "return self.out(torch.tanh(self.hidden(x)))"),
     "dropout in training mode", "dropout is never applied in training mode"),
    ("dropout built in forward", ("return self.out(self.dropout(torch.tanh(self.hidden(x))))",
                                  "return self.out(torch.nn.Dropout(0.5)(torch.tanh(self.hidden(x))))"),
     "no dropout in evaluation mode", "dropout is applied in eval mode too"),
    ("F.dropout always on", ("return self.out(self.dropout(torch.tanh(self.hidden(x))))",
                             "return self.out(torch.nn.functional.dropout(torch.tanh(self.hidden(x)), self.dropout.p))"),
     "no dropout in evaluation mode", "dropout is applied in eval mode too"),
    ("survivors not scaled", ("return self.out(self.dropout(torch.tanh(self.hidden(x))))",
                              "a = torch.tanh(self.hidden(x))\n"
                              "        return self.out(self.dropout(a) * (1 - self.dropout.p) if self.training else a)"),
     "dropout in training mode", "not scaled by 1/(1-p)"),
    ("p ignored", ("self.dropout = torch.nn.Dropout(p)", "self.dropout = torch.nn.Dropout(0.5)"),
     "no dropout in evaluation mode", "pass the p it is given"),
]


@pytest.mark.parametrize("what,change,test,phrase", MODULE_MISTAKES, ids=[m[0] for m in MODULE_MISTAKES])
def test_a_module_mistake_loses_its_points_with_a_hint_that_names_it(what, change, test, phrase):
    pytest.importorskip("torch", reason="11.6 needs PyTorch: make install installs torch==2.13.0")
    assert change[0] in MOONNET
    for seed in range(2):
        result = judged("11.6", MOONNET.replace(*change), seed, reveal=False)
        row = next(row for row in result["tests"] if row["test"].startswith(test))
        assert row["earned"] < row["points"] and phrase in row["hint"], (what, row)
    assert judged("11.6", MOONNET)["earned"] == 11


# ---------------------------------------------------------------- 5.2 and 5.3: the symptom, not the algorithm

AFFINE_WEIGHTS_ONLY = '''
class Module:  # the notebook's own base class (the package's counts as imported)
    def named_parameters(self):
        return iter(())
    def parameters(self):
        return [p for _, p in self.named_parameters()]
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

class Affine(Module):
    def __init__(self, nin, nout, seed=0):
        draw = random.Random(seed).uniform
        self.weight = []
        for _ in range(nout):
            self.weight.append([Value(draw(-1, 1)) for _ in range(nin)])
        self.bias = [Value(0.0)] * 0 + [Value(0.0) for _ in range(nout)]
    def __call__(self, x):
        out = []
        for row, b in zip(self.weight, self.bias):
            total = b
            for w, xi in zip(row, x):
                total = total + w * xi
            out.append(total)
        return out
    def named_parameters(self):
        for i, row in enumerate(self.weight):
            for j, w in enumerate(row):
                yield "weight." + str(i) + "." + str(j), w
'''
AFFINE = AFFINE_WEIGHTS_ONLY + '''
        for i, b in enumerate(self.bias):
            yield f"bias.{i}", b
'''
TRAIN = '''
def train_affine(xs, ys, steps=200, learning_rate=0.2):
    model = Affine(len(xs[0]), 1, seed=0)
    losses = []
    for _ in range(steps):
        loss = sum((model(x)[0] - y) ** 2 for x, y in zip(xs, ys)) / len(ys)
        ZERO
        loss.backward()
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return model, losses
'''


def test_names_without_biases_are_named_as_such_and_the_list_is_never_shown():
    first = hints(judged("5.2", AFFINE_WEIGHTS_ONLY, reveal=False))
    second = hints(judged("5.2", AFFINE_WEIGHTS_ONLY, reveal=True))
    assert "no bias has a name" in first and "weight.0.0" not in first, first
    assert second.count("bias.") == 1 and "weight.0.0" not in second, second  # one missing name, not the list


@pytest.mark.parametrize("affine,zero,symptom", [
    (AFFINE, "pass", "never set back to 0"),
    (AFFINE_WEIGHTS_ONLY, "model.zero_grad()", "the bias never moves"),
    (AFFINE, "model.zero_grad(); learning_rate = learning_rate * 0.99", "then yours part from plain gradient descent"),
])
def test_a_training_loop_mistake_is_named_by_its_symptom(affine, zero, symptom):
    result = judged("5.3", affine + TRAIN.replace("ZERO", zero), reveal=False)
    rows = {row["test"]: row for row in result["tests"]}
    hint = rows["the losses of a correct loop"]["hint"]
    assert rows["the losses of a correct loop"]["earned"] == 0 and symptom in hint, hint
    for recipe in ("p.data -=", "zero the gradients", "backward"):
        assert recipe not in hint, hint


def test_the_correct_loop_gets_every_point():
    result = judged("5.3", AFFINE + TRAIN.replace("ZERO", "model.zero_grad()"))
    assert result["earned"] == result["points"], hints(result)
