"""Notebook 6: training well.

6.1 the learning-rate limits of any parabola (easy).
6.2 a train/test split (easy).
6.3 gradient descent in two dimensions, and its largest safe step (medium).
6.4 a new fitting problem, judged on points the student never saw (stretch).
"""

import math

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
        if close(pair[1], 2 / a):
            raise Fail("that would be right if f'' were a: differentiate a*x**2 + b*x + c twice", what)
        if close(pair[1], 1 / (2 * a)):
            raise Fail("that is the rate that lands in one step; descent still converges for a while above it "
                       "(it zig-zags in)", what)
        expect(pair[1], 1 / a, "each step multiplies the distance to the minimum by the same factor; "
               "find the lr at which that factor's size reaches 1", what)


# ----------------------------------------------------------------------
split = Exercise("6.2", "train/test split", uses=("split",))


@split.cases
def _(rng):
    return {"n": rng.randint(8, 20), "fraction": rng.choice([0.2, 0.25, 0.3, 0.5]), "seed": rng.randint(0, 1000)}


# Sizes where int() and round() of n * test_fraction differ: every case has them, so the
# check of the rounding does not depend on the seed.
ROUNDING_CASES = [(9, 0.3), (13, 0.2)]


@split.probe
def _(got, case, split):
    import numpy as np

    for n, fraction in ROUNDING_CASES:
        ys = np.arange(n) + 100.0
        parts = split(np.stack([2 * ys, -ys], axis=1), ys, test_fraction=fraction, seed=case["seed"])
        got.setdefault("rounding_sizes", []).append([len(part) for part in parts])


@split.probe
def _(got, case, split):
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
fit = Exercise("6.4", "fit a V with an MLP", uses=("model", "test_loss"), own=())


@fit.cases
def _(rng):
    return {"xs": [round(rng.uniform(-1.9, 1.9), 3) for _ in range(25)]}


@fit.probe
def _(got, case, model, test_loss):
    outputs = []
    for x in case["xs"]:
        out = model([x])
        outputs.append(out.data if hasattr(out, "data") else out)
    got["outputs"] = outputs
    got["test_loss"] = test_loss


@fit.test("the test loss was measured")
def _(case, got):
    loss = got["test_loss"]
    if not (is_number(loss) and math.isfinite(loss) and loss >= 0):
        raise Fail("test_loss should be a number: the model's mean squared error on your test samples")
    if loss > 0.05:
        raise Fail("your test loss is high: the noise alone costs about 0.01; train longer, or try ReLU units "
                   "(a V is made of two straight pieces)", f"test_loss = {loss:.4g}")


@fit.test("close to |x| - 1 on points it never saw", points=2)
def _(case, got):
    outputs = got["outputs"]
    if not (isinstance(outputs, list) and all(is_number(o) for o in outputs)):
        raise Fail("model([x]) should return one Value (or number) for one input x")
    error = sum((o - (abs(x) - 1)) ** 2 for o, x in zip(outputs, case["xs"])) / len(outputs)
    if error > 0.02:
        raise Fail("on new points between -1.9 and 1.9 the model is far from the V |x| - 1: look at its curve "
                   "next to the data; a fit that only matches the training points has memorised them",
                   f"mean squared distance from |x| - 1 on 25 new points: {error:.4g}, needed at most 0.02")
