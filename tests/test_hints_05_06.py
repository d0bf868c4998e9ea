"""Notebooks 5 and 6: each classic mistake loses points with a hint that names it (and gives no number away)."""

import re

import pytest

from micrograd_course.coursework import framework
from notebook_cells import hints, judge_cell, run_as_cell

PREAMBLE = '''
import math, random
import numpy as np
from micrograd_course import MLP, SGD, Value
from micrograd_course.losses import mse_loss
'''


def judged(exercise_id, code, seed=0, reveal=True, failing_after=()):
    if not failing_after:
        return judge_cell(exercise_id, PREAMBLE + code, seed, reveal)
    exercise = framework.load_all()[exercise_id]
    case = exercise.make_case(seed)
    namespace = run_as_cell(PREAMBLE + code)
    return framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal, failing_after)


def numbers_in(text):
    return set(re.findall(r"\d+\.\d+", text))


# ---------------------------------------------------------------- 6.1

def test_swapped_learning_rate_limits_are_named_as_swapped():
    code = "def learning_rate_limits(a):\n    return (1 / a, 1 / (2 * a))"
    for seed in range(2):
        result = judged("6.1", code, seed, reveal=False)
        text = hints(result)
        assert result["earned"] == 0 and "swapped" in text and "if f'' were a" not in text, text


# ---------------------------------------------------------------- 6.3

DESCEND = '''
def descend_2d(f, lr, steps, start):
    x, y = start
    path = [(x, y)]
    for _ in range(steps):
        STEP
        path.append((x, y))
    return path
largest_safe_lr_2d = 0.1
'''
BACKWARD = "vx, vy = Value(x), Value(y)\n        f(vx, vy).backward()\n        x, y = x - lr * vx.grad, y - lr * vy.grad"
FORWARD_DIFFERENCE = ("h = 1e-7\n        base = f(x, y)\n"
                      "        x, y = x - lr * (f(x + h, y) - base) / h, y - lr * (f(x, y + h) - base) / h")


def test_a_finite_difference_in_place_of_backward_fails():
    assert judged("6.3", DESCEND.replace("STEP", BACKWARD))["earned"] == 4
    for seed in range(3):
        result = judged("6.3", DESCEND.replace("STEP", FORWARD_DIFFERENCE), seed, reveal=False)
        rows = {row["test"]: row for row in result["tests"]}
        row = rows["each step: one backward() on fresh leaves"]
        assert row["earned"] == 0 and "finite difference" in row["hint"], row


# ---------------------------------------------------------------- 6.4

FIT = PREAMBLE + '''
def split(xs, ys, test_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(xs))
    n_test = round(len(xs) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return xs[train], xs[test], ys[train], ys[test]

data_rng = random.Random(0)
xs = np.array([[data_rng.uniform(-2, 2)] for _ in range(40)])
ys = np.array([abs(x[0]) - 1 + data_rng.gauss(0, 0.1) for x in xs])

def fit_v(x_train, y_train):
    network = MLP(1, [8, 1], activation="relu", seed=0)
    optimizer = SGD(network.parameters(), lr=0.15)
    for step in range(100):
        loss = mse_loss([network([x[0]]) for x in x_train], list(y_train))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return network

def mse(model, x_data, y_data):
    return mse_loss([model([x[0]]) for x in x_data], list(y_data)).data

x_train, x_test, y_train, y_test = split(xs, ys, test_fraction=0.25, seed=0)
model = fit_v(x_train, y_train)
test_loss = mse(model, x_test, y_test)
'''

FIT_MISTAKES = [
    # (what the student did, the change, the test that must fail, a phrase its hint must have)
    ("test loss on the training set", ("test_loss = mse(model, x_test, y_test)", "test_loss = mse(model, x_train, y_train)"),
     "test_loss is the model's", "loss on the training points"),
    ("trained on all 40 points", ("model = fit_v(x_train, y_train)", "model = fit_v(xs, ys)"),
     "model is fit_v trained on x_train only", "trained on all 40 points"),
    ("a hard-coded test loss", ("test_loss = mse(model, x_test, y_test)", "test_loss = 0.01"),
     "test_loss is the model's", "never type it in"),
    ("the true curve, no training", ("model = fit_v(x_train, y_train)\ntest_loss = mse(model, x_test, y_test)",
                                     "fit_v = lambda x_train, y_train: (lambda x: Value(abs(x[0]) - 1))\n"
                                     "model = fit_v(x_train, y_train)\ntest_loss = 0.01"),
     "fit_v trains an MLP", "no parameters"),
    ("an RMSE", ("test_loss = mse(model, x_test, y_test)", "test_loss = math.sqrt(mse(model, x_test, y_test))"),
     "test_loss is the model's", "square root"),
    ("fit_v trains on the notebook's data", ("for x in x_train], list(y_train))", "for x in xs], list(ys))"),
     "fit_v trains an MLP", "train on the arrays passed in"),
]


@pytest.mark.parametrize("what,change,test,phrase", FIT_MISTAKES, ids=[m[0] for m in FIT_MISTAKES])
def test_a_fitting_mistake_is_named(what, change, test, phrase):
    assert change[0] in FIT
    result = judge_cell("6.4", FIT.replace(*change), 0, reveal=False)
    row = next(row for row in result["tests"] if row["test"].startswith(test))
    assert row["earned"] < row["points"] and phrase in row["hint"], (what, row)
    assert not numbers_in(row["hint"]), row["hint"]  # the first try names the mistake, no number


def test_the_correct_fit_gets_every_point_and_an_unpaired_split_is_named_as_6_2():
    assert judge_cell("6.4", FIT, 1)["earned"] == 6
    unpaired = FIT.replace("return xs[train], xs[test], ys[train], ys[test]",
                           "return xs[train], xs[test], ys[order[::-1][n_test:]], ys[order[::-1][:n_test]]")
    result = judged("6.4", unpaired[len(PREAMBLE):], reveal=False, failing_after=("6.2",))
    rows = {row["test"]: row for row in result["tests"]}
    assert rows["a quarter held out with your split"]["earned"] == 0
    assert "not paired" in rows["a quarter held out with your split"]["hint"]
    assert "builds on 6.2" in result["note"], result
    # A mistake that has nothing to do with the split: no note about 6.2.
    hard_coded = FIT.replace("test_loss = mse(model, x_test, y_test)", "test_loss = 0.01")
    result = judged("6.4", hard_coded[len(PREAMBLE):], reveal=False, failing_after=("6.2",))
    assert result["earned"] < 6 and result["note"] == "", result


def test_the_noise_floor_is_held_back_to_the_second_try():
    underfit = FIT.replace("range(100)", "range(3)")
    first = hints(judge_cell("6.4", underfit, 0, reveal=False))
    second = hints(judge_cell("6.4", underfit, 0, reveal=True))
    assert "far from the V" in first and "0.01" not in first, first
    assert "0.01" in second, second


# ---------------------------------------------------------------- 5.1 to 5.4

COUNT = '''
def count_parameters(nin, nouts):
    sizes = [nin] + list(nouts)
    return sum(sizes[i] * (sizes[i + 1] + 1) for i in range(len(nouts)))
'''


def test_one_bias_per_input_fails_on_every_seed_and_is_named():
    for seed in range(20):
        result = judged("5.1", COUNT, seed, reveal=False)
        text = hints(result)
        assert result["earned"] == 0 and "one bias per neuron, not per input" in text, (seed, text)
        assert not re.search(r"\d", text), text


AFFINE = '''
class Module:
    def named_parameters(self):
        return iter(())
    def parameters(self):
        return [p for _, p in self.named_parameters()]
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

class Affine(Module):
    def __init__(self, nin, nout, seed=0):
        rng = random.Random(seed)
        self.weight = [[Value(rng.uniform(-1, 1)) for _ in range(nin)] for _ in range(nout)]
        self.bias = [Value(0.0) for _ in range(nout)]
    def __call__(self, x):
        return [sum((w * xj for w, xj in zip(row, x)), b) for row, b in zip(self.weight, self.bias)]
    def named_parameters(self):
        for i, row in enumerate(self.weight):
            for j, w in enumerate(row):
                yield f"weight.{i}.{j}", w
        for i, b in enumerate(self.bias):
            yield f"bias.{i}", b
'''
NAMED_RIGHT = '''        for i, row in enumerate(self.weight):
            for j, w in enumerate(row):
                yield f"weight.{i}.{j}", w
        for i, b in enumerate(self.bias):
            yield f"bias.{i}", b
'''
NAMED_MISTAKES = [
    # (what, the body of named_parameters, the test that must fail, its hint's phrase, the tests that must pass)
    ("column by column", '''        for j in range(len(self.weight[0])):
            for i in range(len(self.weight)):
                yield f"weight.{i}.{j}", self.weight[i][j]
        for i, b in enumerate(self.bias):
            yield f"bias.{i}", b
''', "names, in order", "wrong order", ("each name with its own Value", "parameters() and zero_grad()")),
    ("biases interleaved", '''        for i, row in enumerate(self.weight):
            for j, w in enumerate(row):
                yield f"weight.{i}.{j}", w
            yield f"bias.{i}", self.bias[i]
''', "names, in order", "wrong order", ("each name with its own Value", "parameters() and zero_grad()")),
    ("names from 1", NAMED_RIGHT.replace("{i}.{j}", "{i + 1}.{j + 1}").replace("bias.{i}", "bias.{i + 1}"),
     "names, in order", "count from 1", ("each name with its own Value", "parameters() and zero_grad()")),
    ("weight names from 1", NAMED_RIGHT.replace("{i}.{j}", "{i + 1}.{j + 1}"),
     "names, in order", "count from 1", ("each name with its own Value", "parameters() and zero_grad()")),
    ("(value, name)", NAMED_RIGHT.replace('f"weight.{i}.{j}", w', 'w, f"weight.{i}.{j}"').replace(
        'f"bias.{i}", b', 'b, f"bias.{i}"'), "names, in order", "(value, name)", ()),
]


@pytest.mark.parametrize("what,body,test,phrase,passing", NAMED_MISTAKES, ids=[m[0] for m in NAMED_MISTAKES])
def test_a_naming_mistake_is_named_and_only_where_it_is(what, body, test, phrase, passing):
    code = AFFINE.replace(NAMED_RIGHT, body)
    assert code != AFFINE
    for seed in range(3):
        rows = {row["test"]: row for row in judged("5.2", code, seed, reveal=False)["tests"]}
        row = next(r for name, r in rows.items() if name.startswith(test))
        assert row["earned"] == 0 and phrase in row["hint"], (what, row)
        for name in passing:
            good = next(r for n, r in rows.items() if n.startswith(name))
            assert good["earned"] == good["points"], (what, good)


TRAIN = '''
def train_affine(xs, ys, steps=200, learning_rate=0.2):
    model = Affine(len(xs[0]), 1, seed=0)
    losses = []
    for _ in range(steps):
        loss = sum((model(x)[0] - y) ** 2 for x, y in zip(xs, ys)) / len(ys)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return model, losses
'''
TRAIN_MISTAKES = [
    ("sum, not mean", (" / len(ys)", ""), "sum of the squared errors"),
    ("zeroed after backward", ("        model.zero_grad()\n        loss.backward()\n",
                               "        loss.backward()\n        model.zero_grad()\n"), "every gradient is 0"),
    ("p rebound", ("p.data -= learning_rate * p.grad", "p = p - learning_rate * p.grad"),
     "giving a name a new Value"),
]


@pytest.mark.parametrize("what,change,phrase", TRAIN_MISTAKES, ids=[m[0] for m in TRAIN_MISTAKES])
def test_a_loop_mistake_is_named_by_what_it_did(what, change, phrase):
    assert change[0] in TRAIN
    assert judged("5.3", AFFINE + TRAIN)["earned"] == 4
    rows = {row["test"]: row for row in judged("5.3", AFFINE + TRAIN.replace(*change), reveal=False)["tests"]}
    hint = rows["the losses of a correct loop"]["hint"]
    assert rows["the losses of a correct loop"]["earned"] == 0 and phrase in hint, (what, hint)
    assert not numbers_in(hint) and "16" not in hint, hint  # no loss, no sample count


def test_swapped_pairs_are_blamed_on_5_2_in_5_3():
    swapped = AFFINE.replace('f"weight.{i}.{j}", w', 'w, f"weight.{i}.{j}"').replace('f"bias.{i}", b', 'b, f"bias.{i}"')
    text = hints(judged("5.3", swapped + TRAIN, reveal=False))
    assert "fix 5.2 first" in text and "run the cell above" not in text, text


def test_a_tuple_attribute_is_checked():
    code = AFFINE + '''
class AutoModule(Module):
    def named_parameters(self):
        for attribute, item in vars(self).items():
            yield from self._named(attribute, item)
    def _named(self, name, item):
        if isinstance(item, Value):
            yield name, item
        elif isinstance(item, Module):
            for inner, p in item.named_parameters():
                yield f"{name}.{inner}", p
        elif isinstance(item, LISTS):
            for i, element in enumerate(item):
                yield from self._named(f"{name}.{i}", element)
'''
    assert judged("5.4", code.replace("LISTS", "(list, tuple)"))["earned"] == 6
    result = judged("5.4", code.replace("LISTS", "list"), reveal=False)
    assert result["earned"] < 6 and "a tuple" in hints(result), hints(result)


# ---------------------------------------------------------------- 6.2's k folds

SPLIT_AND_FOLDS = '''
def split(xs, ys, test_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(xs))
    n_test = round(len(xs) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return xs[train], xs[test], ys[train], ys[test]

def k_folds(n, k, seed):
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold) for i, fold in enumerate(folds)]
'''
FOLD_MISTAKES = [
    ("validation fold kept in training", ("np.concatenate(folds[:i] + folds[i + 1:])", "np.concatenate(folds)"),
     "overlaps its own training part"),
    ("last fold takes the rest", ("np.array_split(np.random.default_rng(seed).permutation(n), k)",
                                  "[np.random.default_rng(seed).permutation(n)[i * (n // k):(i + 1) * (n // k) if i < k - 1 else n] for i in range(k)]"),
     "n % k folds"),
    ("not shuffled", ("np.random.default_rng(seed).permutation(n)", "np.arange(n)"), "not shuffled"),
    ("longer folds last", ("np.array_split(np.random.default_rng(seed).permutation(n), k)",
                           "np.array_split(np.random.default_rng(seed).permutation(n), k)[::-1]"),
     "first n % k folds are the longer"),
]


@pytest.mark.parametrize("what,change,phrase", FOLD_MISTAKES, ids=[m[0] for m in FOLD_MISTAKES])
def test_a_fold_mistake_is_named(what, change, phrase):
    assert change[0] in SPLIT_AND_FOLDS
    assert judged("6.2", SPLIT_AND_FOLDS)["earned"] == 5
    for seed in range(3):
        result = judged("6.2", SPLIT_AND_FOLDS.replace(*change), seed, reveal=False)
        assert result["earned"] < 5 and phrase in hints(result), (what, seed, hints(result))


def test_5_3_a_loop_wrong_from_the_second_loss_says_the_first_loss_in_the_singular():
    """A reader saw "the first 1 losses are right" for gradient ascent."""
    code = AFFINE + TRAIN.replace("p.data -= learning_rate * p.grad", "p.data += learning_rate * p.grad")
    text = hints(judged("5.3", code))
    assert "the first loss is right, then yours part" in text and "first 1 losses" not in text, text
