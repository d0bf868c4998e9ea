"""Notebook 6: training well.

6.1 the learning-rate limits of any parabola (easy).
6.2 a train/test split, and k-fold cross-validation indices (easy).
6.3 gradient descent in two dimensions, and its largest safe step (medium).
6.4 a new fitting problem, judged on points the student never saw (stretch).
"""

import math
import random

from ..framework import Exercise, Fail, close, expect, expect_equal, expect_fixed, is_number

# ----------------------------------------------------------------------
limits = Exercise("6.1", "learning-rate limits of a parabola", uses=("learning_rate_limits",))


@limits.cases
def _(rng):
    return {"a": [round(rng.uniform(0.2, 8), 3) for _ in range(3)]}


@limits.probe
def _(got, case, learning_rate_limits):
    got["limits"] = [list(learning_rate_limits(a)) for a in case["a"]]


@limits.test("one step lands on the minimum")
def _(case, got):
    for a, pair in zip(case["a"], got["limits"]):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise Fail("return two numbers: (the one-step learning rate, the rate from which descent diverges)")
        what = f"one-step rate for a={a}"
        if close(pair[0], 1 / a) and close(pair[1], 1 / (2 * a)):
            raise Fail("the two rates are swapped: return the one-step rate first, then the rate from which "
                       "descent diverges", what)
        if close(pair[0], 1 / a):
            raise Fail("that would be right if f'' were a: differentiate a*x**2 + b*x + c twice", what)
        if close(pair[0], 2 * a):
            raise Fail("that is the curvature f'' itself; the learning rate that lands in one step comes from it, "
                       "but is not it", what)
        expect(pair[0], 1 / (2 * a), "find the lr for which one step from any x lands on the minimum, as the "
               "lecture did for 3x**2 - 4x + 5 (the notebook's one-step section)", what)


@limits.test("where divergence starts")
def _(case, got):
    for a, pair in zip(case["a"], got["limits"]):
        what = f"limit for a={a}"
        if close(pair[0], 1 / a) and close(pair[1], 1 / (2 * a)):
            raise Fail("the two rates are swapped: return the one-step rate first, then the rate from which "
                       "descent diverges", what)
        if close(pair[1], 2 / a):
            raise Fail("that would be right if f'' were a: differentiate a*x**2 + b*x + c twice", what)
        if close(pair[1], 1 / (2 * a)):
            raise Fail("that is the rate that lands in one step; descent still converges for a while above it "
                       "(it zig-zags in)", what)
        expect(pair[1], 1 / a, "each step multiplies the distance to the minimum by the same factor; "
               "find the lr at which that factor's size reaches 1", what)


# ----------------------------------------------------------------------
split = Exercise("6.2", "train/test split, and k folds", uses=("split", "k_folds"))


@split.cases
def _(rng):
    n, k = rng.randint(11, 23), rng.choice([3, 4, 5])
    n += (n % k == 0)  # folds of two sizes, so the order of the sizes is checked
    return {"n": rng.randint(8, 20), "fraction": rng.choice([0.2, 0.25, 0.3, 0.5]), "seed": rng.randint(0, 1000),
            "folds": [n, k, rng.randint(0, 1000)]}


# Sizes where int() and round() of n * test_fraction differ: every case has them, so the
# check of the rounding does not depend on the seed.
ROUNDING_CASES = [(9, 0.3), (13, 0.2)]


@split.probe
def _(got, case, split, k_folds):
    import numpy as np

    for n, fraction in ROUNDING_CASES:
        ys = np.arange(n) + 100.0
        parts = split(np.stack([2 * ys, -ys], axis=1), ys, test_fraction=fraction, seed=case["seed"])
        got.setdefault("rounding_sizes", []).append([len(part) for part in parts])


@split.probe
def _(got, case, split, k_folds):
    import numpy as np

    n = case["n"]
    ys = np.arange(n) + 100.0
    xs = np.stack([2 * ys, -ys], axis=1)
    x_train, x_test, y_train, y_test = split(xs, ys, test_fraction=case["fraction"], seed=case["seed"])
    got["sizes"] = [len(x_train), len(x_test), len(y_train), len(y_test)]
    got["ys"] = sorted(np.concatenate([y_train, y_test]).tolist())
    got["pairs_kept"] = bool(all(x[0] == 2 * y for x, y in zip(np.concatenate([x_train, x_test]),
                                                                np.concatenate([y_train, y_test]))))
    got["test"] = list(y_test)
    got["again"] = list(split(xs, ys, test_fraction=case["fraction"], seed=case["seed"])[3])
    got["others"] = [list(split(xs, ys, test_fraction=case["fraction"], seed=case["seed"] + k)[3]) for k in (1, 2, 3)]


@split.test("sizes")
def _(case, got):
    look = "the test set holds round(n * test_fraction) samples (rounded, not cut off), the train set the rest"
    for (n, fraction), sizes in zip([(case["n"], case["fraction"])] + ROUNDING_CASES,
                                    [got["sizes"]] + (got["rounding_sizes"] if "rounding_sizes" in got else [])):
        n_test = round(n * fraction)
        expect_equal(sizes, [n - n_test, n_test] * 2, look,
                     f"len of x_train, x_test, y_train, y_test for n={n}, test_fraction={fraction}")


@split.test("every sample once, inputs with their targets")
def _(case, got):
    expect_equal(got["ys"], [100.0 + i for i in range(case["n"])], "every sample must land in exactly one of train "
                 "and test", "all targets, sorted")
    if got["pairs_kept"] is not True:
        raise Fail("inputs and targets got separated: index xs and ys with the same permutation")


@split.test("shuffled, and repeatable with the seed")
def _(case, got):
    expect_equal(got["again"], got["test"], "the same seed must give the same split (np.random.default_rng(seed))",
                 "y_test twice with the same seed")
    if all(other == got["test"] for other in got["others"]):
        raise Fail("the split is the same for every seed: shuffle with a random permutation drawn from the seed")


@split.probe
def _(got, case, split, k_folds):
    n, k, seed = case["folds"]
    folds = k_folds(n, k, seed)
    got["folds"] = [[sorted(int(i) for i in train), [int(i) for i in val]] for train, val in folds]
    got["folds_again"] = [[int(i) for i in val] for _, val in k_folds(n, k, seed)]
    got["folds_other"] = [[int(i) for i in val] for _, val in k_folds(n, k, seed + 1)]


def _fold_sizes(n, k):
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


@split.test("k folds: each index validates once, and trains in the other folds")
def _(case, got):
    n, k, seed = case["folds"]
    folds, what = got["folds"], f"k_folds({n}, {k}, seed={seed})"
    if not isinstance(folds, list) or len(folds) != k:
        raise Fail("return a list of k pairs (train_idx, val_idx), one per fold", f"{what}: "
                   f"{len(folds) if isinstance(folds, list) else folds!r} pairs")
    validated = sorted(i for _, val in folds for i in val)
    if validated != list(range(n)):
        raise Fail("every index 0 .. n-1 must be in exactly one validation fold", what)
    for train, val in folds:
        if set(train) & set(val):
            raise Fail("a validation fold overlaps its own training part: train on the other folds only", what)
        if sorted(train + val) != list(range(n)):
            raise Fail("each pair's training part is every index that is not in its validation fold", what)
    sizes = [len(val) for _, val in folds]
    if sorted(sizes) == sorted(_fold_sizes(n, k)) and sizes != _fold_sizes(n, k):
        raise Fail("the right fold sizes in another order: the first n % k folds are the longer ones", what)
    expect_equal(sizes, _fold_sizes(n, k), "the folds differ in size by at most one: n // k each, and the first "
                 "n % k folds one more (cut the shuffled order, as np.array_split does)", f"{what}: fold sizes")


@split.test("k folds: shuffled, and repeatable with the seed")
def _(case, got):
    folds = got["folds"]
    vals = [val for _, val in folds] if isinstance(folds, list) else []
    if got["folds_again"] != vals:
        raise Fail("the same seed must give the same folds (np.random.default_rng(seed))")
    if got["folds_other"] == vals or vals == [sorted(v) for v in vals] and all(
            a[-1] < b[0] for a, b in zip(vals, vals[1:]) if a and b):
        raise Fail("the folds are not shuffled: cut the permutation that the seed draws, not range(n)")


# ----------------------------------------------------------------------
descent = Exercise("6.3", "gradient descent in two dimensions", uses=("descend_2d", "largest_safe_lr_2d"))


@descent.cases
def _(rng):
    return {"a": round(rng.uniform(0.5, 2), 3), "b": round(rng.uniform(4, 12), 3),
            "start": [round(rng.uniform(-2, 2), 3), round(rng.uniform(-2, 2), 3)],
            "lr": round(rng.uniform(0.01, 0.05), 4), "steps": rng.randint(5, 12)}


@descent.probe
def _(got, case, descend_2d, largest_safe_lr_2d):
    a, b = case["a"], case["b"]
    path = descend_2d(lambda x, y: a * x**2 + b * y**2 + x * y, case["lr"], case["steps"], case["start"])
    got["path"] = [[float(x), float(y)] for x, y in path]


@descent.probe
def _(got, case, descend_2d, largest_safe_lr_2d):
    got["largest"] = largest_safe_lr_2d


@descent.probe
def _(got, case, descend_2d, largest_safe_lr_2d):
    # What f is called on: fresh leaves whose .grad backward() fills in, or plain numbers (a finite difference)?
    a, b = case["a"], case["b"]
    calls = []

    def f(x, y):
        calls.append((x, y))
        return a * x**2 + b * y**2 + x * y

    descend_2d(f, case["lr"], 3, case["start"])
    got["calls"] = [[float(getattr(v, "data", v)) for v in pair] + [getattr(v, "grad", None) for v in pair]
                    for pair in calls]


def _reference_path(case):
    """Descent on a x**2 + b y**2 + x y, whose gradient is (2a x + y, 2b y + x)."""
    a, b, lr = case["a"], case["b"], case["lr"]
    x, y = case["start"]
    path = [[x, y]]
    for _ in range(case["steps"]):
        x, y = x - lr * (2 * a * x + y), y - lr * (2 * b * y + x)
        path.append([x, y])
    return path


@descent.test("the path: start, then one point per step", points=2)
def _(case, got):
    path, expected = got["path"], _reference_path(case)
    if len(path) != len(expected):
        raise Fail("return the starting point and then the point after every step (steps + 1 points)",
                   f"{case['steps']} steps: expected {len(expected)} points, got {len(path)}")
    for step, ((x, y), (ex, ey)) in enumerate(zip(path, expected)):
        look = ("each step needs fresh leaves Value(x), Value(y): build f from them, call backward(), then move "
                "both coordinates at once against their gradients" if step else "the path must begin at start")
        expect(x, ex, look, f"x after {step} steps with lr={case['lr']} on f = {case['a']}x² + {case['b']}y² + xy")
        expect(y, ey, look, f"y after {step} steps")


@descent.test("each step: one backward() on fresh leaves")
def _(case, got):
    calls = got["calls"]
    if not calls:
        raise Fail("descend_2d never called f")
    if any(x_grad is None or y_grad is None for _, _, x_grad, y_grad in calls):
        raise Fail("descend_2d called f on plain numbers: that is a finite difference, not backpropagation; "
                   "call f on fresh leaves Value(x), Value(y) and read their .grad after backward()")
    if len(calls) != 3:
        raise Fail("call f once per step, on fresh leaves, and take both partial derivatives from that one "
                   "backward()", f"3 steps: f was called {len(calls)} times")
    a, b = case["a"], case["b"]
    for x, y, x_grad, y_grad in calls:
        if not (close(x_grad, 2 * a * x + y) and close(y_grad, 2 * b * y + x)):
            raise Fail("after backward() the leaves' .grad should be f's partial derivatives at that point: "
                       "call backward() on f's output each step, on leaves made fresh for that step",
                       f"at ({x:.4g}, {y:.4g}): grads ({x_grad}, {y_grad})")


@descent.test("the largest safe learning rate for x² + 10y²")
def _(case, got):
    lr = got["largest"]
    if not is_number(lr):
        raise Fail("largest_safe_lr_2d should be a number")
    if close(lr, 1.0):
        raise Fail("that rate is safe along x only; along y the bowl is steeper", "largest_safe_lr_2d")
    if close(lr, 0.05):
        raise Fail("that rate lands in one step along y; the largest safe rate is where descent starts to diverge",
                   "largest_safe_lr_2d")
    expect_fixed(lr, 0.1, "each direction has its own curvature and its own limit, as the parabola had; one "
                 "learning rate serves both directions", "largest_safe_lr_2d")


# ----------------------------------------------------------------------
fit = Exercise("6.4", "fit a V with an MLP", uses=("fit_v", "model", "test_loss", "x_train", "x_test", "y_train", "y_test"),
               after=("6.2",), own=())

# The notebook's data cell, redrawn on the judge's side: the test loss is recomputed from these
# points, never from the targets the student reports.
def _v_data():
    rng = random.Random(0)
    xs = [rng.uniform(-2, 2) for _ in range(40)]
    return xs, [abs(x) - 1 + rng.gauss(0, 0.1) for x in xs]


@fit.cases
def _(rng):
    shift = rng.choice([-1, 1]) * round(rng.uniform(0.4, 0.6), 3)
    return {"xs": [round(rng.uniform(-1.9, 1.9), 3) for _ in range(25)], "shift": shift,
            "probe_xs": [round(-1.95 + 3.9 * (k + rng.uniform(0.2, 0.8)) / 20, 3) for k in range(20)]}


def _outputs(model, points):
    outputs = []
    for x in points:
        out = model([x])
        outputs.append(out.data if hasattr(out, "data") else out)
    return outputs


def _column(array):
    import numpy as np
    return [float(v) for v in np.asarray(array, dtype=float).reshape(len(array), -1)[:, 0]]


@fit.probe
def _(got, case, fit_v, model, test_loss, x_train, x_test, y_train, y_test):
    got["test_loss"] = test_loss
    got["n_params"] = len(list(model.parameters())) if hasattr(model, "parameters") else 0
    got["outputs"] = _outputs(model, case["xs"])
    got["x_train"], got["x_test"] = _column(x_train), _column(x_test)
    got["y_train"], got["y_test"] = _column(y_train), _column(y_test)
    got["on_train"], got["on_test"] = _outputs(model, got["x_train"]), _outputs(model, got["x_test"])


@fit.probe
def _(got, case, fit_v, model, test_loss, x_train, x_test, y_train, y_test):
    # fit_v on points of another V (its corner moved by case["shift"]): it must learn from what it is given.
    import numpy as np
    xs = np.array([[x] for x in case["probe_xs"]])
    ys = np.array([abs(x - case["shift"]) - 1 for x in case["probe_xs"]])
    other = fit_v(xs, ys)
    got["other_outputs"] = _outputs(other, case["xs"])
    got["other_n_params"] = len(list(other.parameters())) if hasattr(other, "parameters") else 0


@fit.probe
def _(got, case, fit_v, model, test_loss, x_train, x_test, y_train, y_test):
    # Is `model` what fit_v makes of the training part? And if not, of all the points?
    import numpy as np
    grid = [-1.5 + 0.25 * k for k in range(13)]
    mine = _outputs(model, grid)
    got["model_on_grid"] = mine
    got["fit_v_on_train"] = _outputs(fit_v(np.asarray(x_train), np.asarray(y_train)), grid)
    if not all(abs(a - b) <= 1e-6 for a, b in zip(mine, got["fit_v_on_train"])):
        xs = np.concatenate([np.asarray(x_train), np.asarray(x_test)])
        ys = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
        got["fit_v_on_all"] = _outputs(fit_v(xs, ys), grid)


def _mse(outputs, targets):
    return sum((o - t) ** 2 for o, t in zip(outputs, targets)) / len(targets)


def _numbers(values):
    return isinstance(values, list) and bool(values) and all(is_number(v) and math.isfinite(v) for v in values)


@fit.test("fit_v trains an MLP on the points it is given", after=())
def _(case, got):
    if not got["other_n_params"] or not got["n_params"]:
        raise Fail("the model has no parameters: fit_v must build a micrograd_course.MLP and train it (a formula "
                   "for the curve is not a model that learned it)")
    outputs = got["other_outputs"]
    if not _numbers(outputs):
        raise Fail("model([x]) should return one Value (or number) for one input x")
    error = _mse(outputs, [abs(x - case["shift"]) - 1 for x in case["xs"]])
    if error > 0.05:
        raise Fail("given points of another V, fit_v(x_train, y_train) did not learn it: train on the arrays "
                   "passed in, not on the notebook's own xs and ys",
                   f"corner moved to x = {case['shift']}: mean squared distance {error:.3g} on 25 points")


@fit.test("a quarter held out with your split", after=("6.2",))
def _(case, got):
    data_x, data_y = _v_data()
    pairs = {round(x, 9): y for x, y in zip(data_x, data_y)}
    x_train, x_test, y_train, y_test = got["x_train"], got["x_test"], got["y_train"], got["y_test"]
    if sorted(round(x, 9) for x in x_train + x_test) != sorted(pairs):
        raise Fail("x_train and x_test together must be the 40 points of xs, each once")
    if len(x_test) != 10:
        raise Fail("hold out a quarter of the points for testing: split(xs, ys, test_fraction=0.25, ...)",
                   f"{len(x_test)} test points")
    if len(y_train) != len(x_train) or len(y_test) != len(x_test) or any(
            not math.isclose(pairs[round(x, 9)], y, abs_tol=1e-9) for x, y in zip(x_train + x_test, y_train + y_test)):
        raise Fail("the inputs and targets of your split are not paired: each x must keep its own y")


@fit.test("model is fit_v trained on x_train only", after=())
def _(case, got):
    mine = got["model_on_grid"]

    def same(outputs):
        return _numbers(outputs) and _numbers(mine) and len(outputs) == len(mine) and all(
            math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6) for a, b in zip(outputs, mine))

    if same(got["fit_v_on_train"]):
        return
    if same(got.values.get("fit_v_on_all")):
        raise Fail("model was trained on all 40 points, the test points included: train it on x_train, y_train "
                   "only, or the test loss says nothing about unseen points")
    raise Fail("model is not what fit_v(x_train, y_train) returns: set model = fit_v(x_train, y_train), and seed "
               "the MLP in fit_v so that the same points always give the same network")


@fit.test("test_loss is the model's mean squared error on x_test", after=())
def _(case, got):
    loss = got["test_loss"]
    if not (is_number(loss) and math.isfinite(loss) and loss >= 0):
        raise Fail("test_loss should be a number: the model's mean squared error on your test samples")
    data_x, data_y = _v_data()
    pairs = {round(x, 9): y for x, y in zip(data_x, data_y)}
    on_test, on_train = got["on_test"], got["on_train"]
    if not (_numbers(on_test) and _numbers(on_train)) or not all(round(x, 9) in pairs for x in got["x_test"] + got["x_train"]):
        raise Fail("test_loss is checked on your split's test points: make x_test hold points of xs")
    test_mse = _mse(on_test, [pairs[round(x, 9)] for x in got["x_test"]])
    train_mse = _mse(on_train, [pairs[round(x, 9)] for x in got["x_train"]])
    all_mse = _mse(on_test + on_train, [pairs[round(x, 9)] for x in got["x_test"] + got["x_train"]])
    if math.isclose(loss, test_mse, rel_tol=1e-6, abs_tol=1e-9):
        return
    detail = f"test_loss = {loss:.6g}, the model's MSE on x_test is {test_mse:.6g}"
    if math.isclose(loss ** 2, test_mse, rel_tol=1e-6, abs_tol=1e-12):
        raise Fail("test_loss is the square root of the mean squared error (an RMSE): report the mean of the "
                   "squared errors itself", detail)
    if math.isclose(loss, train_mse, rel_tol=1e-6, abs_tol=1e-9):
        raise Fail("test_loss is the loss on the training points: measure it on x_test, y_test", detail)
    if math.isclose(loss, all_mse, rel_tol=1e-6, abs_tol=1e-9):
        raise Fail("test_loss is the loss on all 40 points: measure it on the test points only", detail)
    raise Fail("test_loss is not the mean squared error of model on x_test, y_test: compute it from the model's "
               "predictions there, never type it in", detail)


@fit.test("close to |x| - 1 on points it never saw", points=2, after=())
def _(case, got):
    outputs = got["outputs"]
    if not _numbers(outputs):
        raise Fail("model([x]) should return one Value (or number) for one input x")
    error = _mse(outputs, [abs(x) - 1 for x in case["xs"]])
    if error > 0.02:
        raise Fail("on new points between -1.9 and 1.9 the model is far from the V |x| - 1: look at its curve "
                   "next to the data (a fit that only matches the training points has memorised them), train "
                   "longer, or try ReLU units (a V is made of two straight pieces)",
                   f"mean squared distance from |x| - 1 on 25 new points: {error:.4g}, needed at most 0.02; "
                   "the noise alone costs the test loss about 0.01")
