"""Notebook 10: polynomial regression."""

import math

from ..framework import Exercise, Fail, expect


def _case(rng):
    n = rng.randint(15, 30)
    xs = [-2 + 4 * i / (n - 1) for i in range(n)]
    return {"coefficients": [round(rng.uniform(-1, 1), 3) for _ in range(4)],
            "x": xs, "y": [math.sin(x) + round(rng.uniform(-0.1, 0.1), 3) for x in xs]}


def _residuals(case):
    a, b, c, d = case["coefficients"]
    return [a + b * x + c * x ** 2 + d * x ** 3 - y for x, y in zip(case["x"], case["y"])]


def _gradient(case, power):
    """dL/d(coefficient of x**power) for the mean squared error."""
    r = _residuals(case)
    return sum(2 * ri * x ** power for ri, x in zip(r, case["x"])) / len(r)


# ----------------------------------------------------------------------
by_hand = Exercise("10.1", "gradients of the cubic fit by hand", uses=("cubic_gradients",))
by_hand.cases(_case)


@by_hand.probe
def _(got, case, cubic_gradients):
    import numpy as np

    got["grads"] = np.asarray(cubic_gradients(np.array(case["coefficients"]), np.array(case["x"]),
                                              np.array(case["y"])), dtype=float).tolist()


@by_hand.test("dL/da")
def _(case, got):
    grads = got["grads"]
    if not (isinstance(grads, list) and len(grads) == 4):
        raise Fail("return four gradients, one for each of a, b, c, d")
    expect(grads[0], _gradient(case, 0), "dL/da: the mean of 2 * residual (the prediction's derivative in a is 1)",
           "dL/da", tol=1e-8)


@by_hand.test("dL/db, dL/dc, dL/dd")
def _(case, got):
    grads = got["grads"]
    if not (isinstance(grads, list) and len(grads) == 4):
        raise Fail("return four gradients, one for each of a, b, c, d")
    for power, name in [(1, "b"), (2, "c"), (3, "d")]:
        expect(grads[power], _gradient(case, power), f"dL/d{name}: the mean of 2 * residual * x**{power} "
               "(chain rule through the prediction)", f"dL/d{name}", tol=1e-8)


# ----------------------------------------------------------------------
with_value = Exercise("10.2", "the cubic fit with Value", uses=("cubic_loss",))
with_value.cases(_case)


@with_value.probe
def _(got, case, cubic_loss):
    from micrograd_course.engine import Value

    params = [Value(c) for c in case["coefficients"]]
    loss = cubic_loss(params, case["x"], case["y"])
    got["loss"] = loss.data
    loss.backward()
    got["grads"] = [p.grad for p in params]


@with_value.test("the loss")
def _(case, got):
    r = _residuals(case)
    expect(got["loss"], sum(ri ** 2 for ri in r) / len(r), "the loss is the mean of the squared residuals",
           "the cubic fit's loss", tol=1e-8)


@with_value.test("backward() gives the same gradients")
def _(case, got):
    for power, g in enumerate(got["grads"]):
        expect(g, _gradient(case, power), "build the loss from Value operations on the parameters so backward() "
               "reaches all four", f"gradient of coefficient {'abcd'[power]}", tol=1e-8)
