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
        raise Fail("that is the two-sided estimate (Exercise 1.3); here nudge x up only, by h", what)
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
central = Exercise("1.3", "central difference", uses=("central_slope",))


@central.cases
def _(rng):
    return {"x": rng.uniform(0.5, 2.5), "h": rng.uniform(0.05, 0.2), "scale": rng.uniform(0.5, 2.0)}


@central.probe
def _(got, case, central_slope):
    s = case["scale"]
    f = lambda x: s * x ** 3  # noqa: E731
    got["coarse"] = central_slope(f, case["x"], case["h"])
    got["fine"] = central_slope(f, case["x"], 1e-3)


@central.test("the central formula", points=2)
def _(case, got):
    s, x, h = case["scale"], case["x"], case["h"]
    f = lambda t: s * t ** 3  # noqa: E731
    answer, right = got["coarse"], _central(f, x, h)
    what = f"central_slope({s:.3g}*x**3, {x:.4g}, h={h:.3g})"
    if close(answer, right, 1e-9):
        return
    if close(answer, 2 * right, 1e-9):
        raise Fail("x - h and x + h are 2h apart: divide by 2h, not h", what)
    if close(answer, -right, 1e-9):
        raise Fail("the sign is flipped: subtract f(x - h) from f(x + h)", what)
    if close(answer, _forward(f, x, h), 1e-9):
        raise Fail("that is the one-sided estimate; nudge both ways, to x + h and to x - h", what)
    expect(answer, right, "nudge both ways: (f(x + h) - f(x - h)) over the distance between the two points",
           what, tol=1e-9)


@central.test("error shrinks like h**2")
def _(case, got):
    s, x = case["scale"], case["x"]
    error = abs(got["fine"] - 3 * s * x ** 2) if isinstance(got["fine"], (int, float)) else float("inf")
    if not error < 1e-5:
        raise Fail("with h = 1e-3 the error should be about h**2 = 1e-6; a one-sided nudge errs by about h",
                   f"error at x={x:.4g}: {error:.2e}")
