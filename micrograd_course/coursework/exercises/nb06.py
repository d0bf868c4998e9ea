"""Notebook 6: training well."""

import math

from ..framework import Exercise, Fail, expect_equal, is_number

# ----------------------------------------------------------------------
rate = Exercise("6.1", "a learning rate that converges fast", uses=("lr",))


@rate.probe
def _(got, case, lr):
    got["lr"] = lr


@rate.test("20 steps reach the minimum")
def _(case, got):
    lr = got["lr"]
    if not is_number(lr):
        raise Fail("lr should be a number")
    x = -1.0
    for _ in range(20):
        x -= lr * (6 * x - 4)
        if not math.isfinite(x) or abs(x) > 1e6:
            break
    if not (math.isfinite(x) and abs(x - 2 / 3) <= 1e-3):
        raise Fail("each step multiplies the distance to the minimum by |1 - 6 lr|: too small crawls, "
                   "above 1/3 diverges", f"with lr={lr!r}, 20 steps from x=-1 end at x={x:.4g}, not 2/3")


# ----------------------------------------------------------------------
split = Exercise("6.2", "train/test split", uses=("split",))


@split.cases
def _(rng):
    return {"n": rng.randint(8, 20), "fraction": rng.choice([0.2, 0.25, 0.3, 0.5]), "seed": rng.randint(0, 1000)}


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
    n_test = round(case["n"] * case["fraction"])
    expect_equal(got["sizes"], [case["n"] - n_test, n_test] * 2,
                 "the test set holds round(n * test_fraction) samples, the train set the rest",
                 f"len of x_train, x_test, y_train, y_test for n={case['n']}, test_fraction={case['fraction']}")


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
fit = Exercise("6.3", "fit the quadratic with an MLP", uses=("test_loss",))


@fit.probe
def _(got, case, test_loss):
    got["test_loss"] = test_loss


@fit.test("a test loss was measured")
def _(case, got):
    if not (is_number(got["test_loss"]) and math.isfinite(got["test_loss"])):
        raise Fail("test_loss should be a number: the model's mean squared error on the test samples")


@fit.test("test loss below 0.5")
def _(case, got):
    loss = got["test_loss"]
    if not (is_number(loss) and loss <= 0.5):
        raise Fail("the test loss is too high: more steps, a tanh hidden layer, or a smaller learning rate",
                   f"test_loss = {loss!r}, needed at most 0.5")
