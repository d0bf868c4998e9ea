"""Notebooks 09 and 10: each classic mistake gets a hint that names it, and a first hint gives no number or formula.

Each answer runs through the checks in-process (``judge_cell``), as a notebook cell would; ``reveal=False``
is a first try (the hint only), ``reveal=True`` a later one (with the numbers).
"""

import pytest

from notebook_cells import hints, judge_cell


def first_and_later(exercise_id, code, seeds=range(3)):
    """The hints of a first try and a later try, per seed: [(result, first_hint, later_hint)]."""
    out = []
    for seed in seeds:
        first = judge_cell(exercise_id, code, seed, reveal=False)
        later = judge_cell(exercise_id, code, seed, reveal=True)
        out.append((first, hints(first), hints(later)))
    return out


def assert_named(exercise_id, code, must, must_not=(), formulas=(), seeds=range(3)):
    for result, first, later in first_and_later(exercise_id, code, seeds):
        assert result["earned"] < result["points"], (exercise_id, must)
        assert must in first, (must, first)
        assert "expected" not in first, first  # a first try never shows the expected number
        for phrase in tuple(must_not) + tuple(formulas):
            assert phrase not in first, (phrase, first)
        for phrase in must_not:
            assert phrase not in later, (phrase, later)


# ---------------------------------------------------------------- 10.1 central differences

CENTRAL = """def numerical_gradient(loss, params, h=1e-6):
    grads = []
    for k in range(len(params)):
        up, down = list(params), list(params)
        up[k] += h
        down[k] -= h
        grads.append((loss(up) - loss(down)) / (2 * h))
    return grads
"""

CENTRAL_SLIPS = [
    ("divided by h", CENTRAL.replace("(2 * h)", "h"), "exactly twice", ["one-sided", "same number"]),
    ("all at once", CENTRAL.replace("up[k] += h\n        down[k] -= h",
                                    "up = [v + h for v in params]\n        down = [v - h for v in params]"),
     "all the parameters move together", ["one-sided", "twice"]),
    ("forward", CENTRAL.replace("down[k] -= h", "pass").replace("(2 * h)", "h"), "one-sided", ["twice"]),
    ("backward", CENTRAL.replace("up[k] += h", "pass").replace("(2 * h)", "h"), "one-sided", ["twice"]),
]


@pytest.mark.parametrize("name,code,must,must_not", CENTRAL_SLIPS, ids=[s[0] for s in CENTRAL_SLIPS])
def test_10_1_each_slip_in_a_central_difference_is_named(name, code, must, must_not):
    assert_named("10.1", code, must, must_not)


def test_10_1_the_right_answer_scores_full_marks():
    for seed in range(3):
        result = judge_cell("10.1", CENTRAL, seed)
        assert result["earned"] == result["points"], hints(result)


# ---------------------------------------------------------------- 10.2 derived, not numeric

NUMERIC_SHORTCUT = CENTRAL + """import numpy as np
def exp_fit_gradients(a, b, x, y):
    return numerical_gradient(lambda p: np.mean((p[0] * np.exp(p[1] * x) - y) ** 2), [a, b], H)
"""

DERIVED = """import numpy as np
def exp_fit_gradients(a, b, x, y):
    growth = np.exp(b * x)
    r = 2 * (a * growth - y) / len(x)
    return r @ growth, r @ (a * x * growth)
"""

DERIVED_LOOPS = """import math
def exp_fit_gradients(a, b, xs, ys):
    n = len(xs)
    r = [a * math.exp(b * x) - y for x, y in zip(xs, ys)]
    return (sum(2 * ri * math.exp(b * x) for ri, x in zip(r, xs)) / n,
            sum(2 * ri * a * x * math.exp(b * x) for ri, x in zip(r, xs)) / n)
"""


@pytest.mark.parametrize("h", ["1e-6", "1e-5", "1e-4", "1e-3"])
def test_10_2_a_finite_difference_shortcut_scores_nothing_and_is_named(h):
    code = NUMERIC_SHORTCUT.replace("H)", f"{h})")
    for result, first, _ in first_and_later("10.2", code, range(4)):
        assert result["earned"] == 0, first
        assert "finite difference" in first and "on paper" in first, first
        assert "expected" not in first


@pytest.mark.parametrize("code", [DERIVED, DERIVED_LOOPS], ids=["numpy", "loops"])
def test_10_2_derived_gradients_score_full_marks_however_they_are_summed(code):
    for seed in range(10):
        result = judge_cell("10.2", code, seed)
        assert result["earned"] == result["points"], hints(result)


# ---------------------------------------------------------------- 10.4 PyTorch autograd

TORCH_FIT = """def torch_fit(a, b, xs, ys, lr, steps):
    import torch
    a = torch.tensor(float(a), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(float(b), dtype=torch.float64, requires_grad=True)
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.tensor(ys, dtype=torch.float64)
    for _ in range(steps):
        loss = ((a * torch.exp(b * x) - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in (a, b):
                p -= lr * p.grad
                p.grad = None
    return a.item(), b.item()
"""

NUMPY_FIT = """import numpy as np
def torch_fit(a, b, xs, ys, lr, steps):
    x, y = np.array(xs), np.array(ys)
    for _ in range(steps):
        growth = np.exp(b * x)
        r = 2 * (a * growth - y) / len(x)
        a, b = a - lr * (r @ growth), b - lr * (r @ (a * x * growth))
    return a, b
"""

NO_RESET = TORCH_FIT.replace("                p.grad = None\n", "")
LOSS_FORMULA = ["(a * exp(b * x) - y) ** 2", "mean of (a"]

TORCH_SLIPS = [
    ("numpy, no autograd", NUMPY_FIT, "never runs a backward pass", ["one step is right"]),
    ("float32", TORCH_FIT.replace("torch.float64", "torch.float32"), "float64", ["one step is right"]),
    ("float32 and no reset", NO_RESET.replace("torch.float64", "torch.float32"), "float64", ["one step is right"]),
    ("grad not cleared", NO_RESET, "adds into .grad", ["float"]),
    ("a sum for the mean", TORCH_FIT.replace(".mean()", ".sum()"), "sum over the points", ["one step is right"]),
    ("uphill", TORCH_FIT.replace("p -= lr", "p += lr"), "uphill", ["one step is right"]),
]


@pytest.mark.parametrize("name,code,must,must_not", TORCH_SLIPS, ids=[s[0] for s in TORCH_SLIPS])
def test_10_4_each_slip_is_named_and_the_first_hint_holds_the_loss_back(name, code, must, must_not):
    pytest.importorskip("torch")
    assert_named("10.4", code, must, must_not, formulas=LOSS_FORMULA, seeds=range(2))


def test_10_4_a_fit_without_autograd_scores_nothing():
    pytest.importorskip("torch")
    for seed in range(2):
        assert judge_cell("10.4", NUMPY_FIT, seed)["earned"] == 0


def test_10_4_autograd_counts_however_it_is_called():
    pytest.importorskip("torch")
    by_grad = TORCH_FIT.replace(
        "        loss.backward()\n        with torch.no_grad():\n            for p in (a, b):\n"
        "                p -= lr * p.grad\n                p.grad = None",
        "        ga, gb = grad(loss, (a, b))\n        with torch.no_grad():\n            a -= lr * ga\n"
        "            b -= lr * gb")
    # imported at the top of the cell, before the probe starts counting
    code = "from torch.autograd import grad\n" + by_grad
    for seed in range(2):
        result = judge_cell("10.4", code, seed)
        assert result["earned"] == result["points"], hints(result)


# ---------------------------------------------------------------- 10.5 the learning-rate ceiling

CEILING = """import numpy as np
def largest_safe_lr(x):
    X = np.stack([np.ones_like(x), x, x**2], axis=1)
    hessian = 2 * X.T @ X / len(x)
    return 2 / np.linalg.eigvalsh(hessian).max()
"""

CEILING_FORMULAS = ["X^T X", "XᵀX", "2/N", "2 / (its largest", "2/lambda", "2 / lambda"]

CEILING_SLIPS = [
    ("no factor 2", CEILING.replace("2 * X.T", "X.T"), "exactly twice", ["diagonal", "N times"]),
    ("no 1/N", CEILING.replace(" / len(x)", ""), "N times too small", ["diagonal", "twice"]),
    ("1/lambda", CEILING.replace("return 2 /", "return 1 /"), "exactly half", ["diagonal"]),
    ("smallest eigenvalue", CEILING.replace(".max()", ".min()"), "flattest direction", ["diagonal"]),
    ("cubic columns", CEILING.replace("x**2]", "x**2, x**3]"), "four columns", ["diagonal"]),
    ("the diagonal", CEILING.replace("np.linalg.eigvalsh(hessian).max()", "np.diag(hessian).max()"),
     "diagonal", ["twice", "N times"]),
    ("hard-coded", "def largest_safe_lr(x):\n    return 0.25\n", "same number", ["diagonal"]),
]


@pytest.mark.parametrize("name,code,must,must_not", CEILING_SLIPS, ids=[s[0] for s in CEILING_SLIPS])
def test_10_5_each_slip_gets_its_own_hint_without_the_formula(name, code, must, must_not):
    assert_named("10.5", code, must, must_not, formulas=CEILING_FORMULAS)


def test_10_5_the_slips_get_different_hints():
    seen = {first for _, code, _, _ in CEILING_SLIPS for _, first, _ in first_and_later("10.5", code, [0])}
    assert len(seen) == len(CEILING_SLIPS), seen


# ---------------------------------------------------------------- 9.2 and 9.4

WEIGHTED_CE = """import math
def weighted_cross_entropy(probabilities, labels, weights):
    total = sum(weights[c] * SIGNmath.log(row[c]) for row, c in zip(probabilities, labels))
    return total / sum(weights[c] for c in labels)
"""


def test_9_2_a_missing_minus_is_named_as_the_sign():
    code = WEIGHTED_CE.replace("SIGN", "")
    for result, first, later in first_and_later("9.2", code):
        assert "wrong sign" in first and "expected" not in first, first
        for wrong in ("TRUE class", "indexed by class", "their product"):
            assert wrong not in later, later
    assert judge_cell("9.2", WEIGHTED_CE.replace("SIGN", "-"))["earned"] == 5


MINIBATCHES = """import random
def minibatches(n, batch_size, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i:i + batch_size] for i in RANGE]
"""


@pytest.mark.parametrize("loop,must,must_not", [
    ("range(0, n - 1, batch_size)", "last sample is lost", "dropped"),
    ("range(0, n - batch_size + 1, batch_size)", "smaller batch is dropped", "last sample is lost"),
], ids=["stops at n - 1", "drops the partial batch"])
def test_9_4_a_lost_last_index_and_a_dropped_batch_fail_on_every_seed_and_are_named(loop, must, must_not):
    code = MINIBATCHES.replace("RANGE", loop)
    for seed in range(12):  # every seed: the check always tries the shapes that show these two
        first = judge_cell("9.4", code, seed, reveal=False)
        assert first["earned"] < first["points"], seed
        assert must in hints(first) and must_not not in hints(first), (seed, hints(first))


def test_9_4_the_right_batches_score_full_marks():
    for seed in range(12):
        result = judge_cell("9.4", MINIBATCHES.replace("RANGE", "range(0, n, batch_size)"), seed)
        assert result["earned"] == result["points"], hints(result)
