"""Notebook 1: derivatives by intuition."""

import math

from ..framework import Exercise, Fail, close, expect, expect_fixed


def _cubic(coefficients):
    """x -> p x**3 + q x**2 + r x + s: a function the lecture never used."""
    p, q, r, s = coefficients
    return lambda x: ((p * x + q) * x + r) * x + s


def _wave(scale):
    return lambda x: scale * math.sin(x)


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


# ----------------------------------------------------------------------
slope = Exercise("1.1", "slope by a small nudge", uses=("slope",))


@slope.cases
def _(rng):
    return {"coefficients": [rng.uniform(0.5, 2), rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-5, 5)],
            "x": rng.uniform(-2, 2), "big_h": rng.uniform(0.3, 0.9), "scale": rng.uniform(1, 3)}


@slope.probe
def _(got, case, slope):
    got["cubic_big"] = slope(_cubic(case["coefficients"]), case["x"], case["big_h"])
    got["cubic_small"] = slope(_cubic(case["coefficients"]), case["x"], 1e-6)
    got["wave"] = slope(_wave(case["scale"]), case["x"], case["big_h"])


@slope.test("the secant from x to x + h, with a large h", points=2)
def _(case, got):
    f, x, h = _cubic(case["coefficients"]), case["x"], case["big_h"]
    answer, right = got["cubic_big"], _forward(f, x, h)
    what = f"slope(f, {x:.4g}, {h:.3g}) for a cubic f"
    if close(answer, right, 1e-9):
        return
    if close(answer, f(x + h) - f(x), 1e-9):
        raise Fail("you return the rise f(x + h) - f(x); divide it by the run, h", what)
    if close(answer, -right, 1e-9):
        raise Fail("the sign is flipped: the rise is f(x + h) - f(x), the new value minus the old", what)
    if close(answer, _central(f, x, h), 1e-9):
        raise Fail("that is the two-sided (central) estimate; here nudge x up only, by h", what)
    if close(answer, (f(x) - f(x - h)) / h, 1e-9):
        raise Fail("that nudges x down, from x - h to x (a backward difference); nudge it up, from x to x + h",
                   what)
    expect(answer, right, "slope(f, x, h) is how much f rises from x to x + h, divided by h; "
           "use the f you are given, not a formula for its derivative", what, tol=1e-9)


@slope.test("a tiny h, and a function that is not a polynomial")
def _(case, got):
    x, h = case["x"], case["big_h"]
    expect(got["cubic_small"], _forward(_cubic(case["coefficients"]), x, 1e-6),
           "with h = 1e-6 your slope is off; apply the same formula whatever h is", f"slope(f, {x:.4g}, 1e-6)", tol=1e-9)
    expect(got["wave"], _forward(_wave(case["scale"]), x, h), "slope must call the function it is given, "
           "whatever it is (here a sine)", f"slope(sine, {x:.4g}, {h:.3g})", tol=1e-9)


# ----------------------------------------------------------------------
partials = Exercise("1.2", "partial derivatives of d = a*b + b*c", uses=("dd_da", "dd_db", "dd_dc"))
A, B, C = 2.0, -3.0, 4.0


@partials.probe
def _(got, case, dd_da, dd_db, dd_dc):
    got.update(dd_da=dd_da, dd_db=dd_db, dd_dc=dd_dc)


@partials.test("dd/da")
def _(case, got):
    if close(got["dd_da"], A):
        raise Fail("dd/da: a product passes each input the *other* input; a is multiplied by b",
                   f"dd/da at a={A:g}, b={B:g}, c={C:g}: got {got['dd_da']!r}")
    expect_fixed(got["dd_da"], B, "dd/da: only the product a*b contains a; how much does a*b move per unit of a?",
           f"dd/da at a={A:g}, b={B:g}, c={C:g}")


@partials.test("dd/db: b is in two products", points=2)
def _(case, got):
    if close(got["dd_db"], A) or close(got["dd_db"], C):
        raise Fail("dd/db: you counted one product; b is in both a*b and b*c, and nudging b moves both: "
                   "add the two effects", f"dd/db: got {got['dd_db']!r}")
    expect_fixed(got["dd_db"], A + C, "dd/db: find how much a*b and b*c each move per unit of b, then add",
           f"dd/db at a={A:g}, b={B:g}, c={C:g}")


@partials.test("dd/dc")
def _(case, got):
    expect_fixed(got["dd_dc"], B, "dd/dc: only b*c contains c; a product passes c the other input",
           f"dd/dc at a={A:g}, b={B:g}, c={C:g}")


# ----------------------------------------------------------------------
order = Exercise("1.3", "the order of an estimate", uses=("error_order",))


def _cubic_with_curvature(rng):
    """A cubic whose second and third derivatives are far from 0 near x, so both orders show cleanly."""
    sign = rng.choice([-1, 1])  # p and q of one sign: the slope's bias 3p x + q never vanishes for x > 0
    p, q = sign * rng.uniform(0.5, 2), sign * rng.uniform(1, 3)
    return [p, q, rng.uniform(-3, 3), rng.uniform(-5, 5)]


@order.cases
def _(rng):
    return {"coefficients": _cubic_with_curvature(rng), "x": rng.uniform(0.5, 1.5),
            "h": rng.choice([0.1, 0.05, 0.02, 0.01])}


def _exact_slope(coefficients, x):
    p, q, r, _ = coefficients
    return 3 * p * x ** 2 + 2 * q * x + r


def _order(estimate, f, exact, x, h):
    return math.log10(abs(estimate(f, x, h) - exact) / abs(estimate(f, x, h / 10) - exact))


@order.probe
def _(got, case, error_order):
    f, x, h = _cubic(case["coefficients"]), case["x"], case["h"]
    exact = _exact_slope(case["coefficients"], x)
    got["forward"] = error_order(_forward, f, exact, x, h)
    got["central"] = error_order(_central, f, exact, x, h)


def _judge_order(case, answer, estimate, name):
    f, x, h = _cubic(case["coefficients"]), case["x"], case["h"]
    exact = _exact_slope(case["coefficients"], x)
    right = _order(estimate, f, exact, x, h)
    what = f"error_order({name}, a cubic, x={x:.4g}, h={h:g})"
    if close(answer, -right, 1e-6):
        raise Fail("the sign is flipped: the error at h is the bigger one, so divide it by the error at h / 10", what)
    if close(answer, right * math.log(10), 1e-6):
        raise Fail("that is the natural log: h shrinks by a factor of 10, so count powers of ten (math.log10)", what)
    if close(answer, 10 ** right, 1e-6):
        raise Fail("that is the ratio of the errors itself; the order is how many powers of ten it is", what)
    expect(answer, right, "compare the sizes of the errors, |estimate - exact|, at h and at h / 10", what, tol=1e-6)


@order.test("the order of the one-sided estimate")
def _(case, got):
    _judge_order(case, got["forward"], _forward, "the one-sided estimate")


@order.test("the order of the central estimate", points=2)
def _(case, got):
    _judge_order(case, got["central"], _central, "the central estimate")
