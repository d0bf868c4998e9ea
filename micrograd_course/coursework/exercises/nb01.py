"""Notebook 1: derivatives by intuition."""

from ..framework import Exercise, Fail, expect

# ----------------------------------------------------------------------
slope = Exercise("1.1", "slope by a small nudge", uses=("slope",))


@slope.cases
def _(rng):
    return {"coefficients": [rng.uniform(1, 4), rng.uniform(-5, 5), rng.uniform(-5, 5)],
            "x": rng.uniform(-3, 3), "big_h": rng.uniform(0.3, 0.9)}


def _quadratic(coefficients):
    p, q, r = coefficients
    return lambda x: p * x ** 2 + q * x + r


@slope.probe
def _(got, case, slope):
    f = _quadratic(case["coefficients"])
    got["small"] = slope(f, case["x"], 1e-6)
    got["big"] = slope(f, case["x"], case["big_h"])


def _secant(case, h):
    f = _quadratic(case["coefficients"])
    return (f(case["x"] + h) - f(case["x"])) / h


@slope.test("a tiny nudge h = 1e-6")
def _(case, got):
    expect(got["small"], _secant(case, 1e-6), "slope(f, x, h) is how much f rises from x to x + h, divided by h",
           f"slope(f, {case['x']:.4g}, 1e-6)", tol=1e-9)


@slope.test("a large nudge: the secant, not the derivative")
def _(case, got):
    h = case["big_h"]
    expect(got["big"], _secant(case, h), "with a large h the answer is the slope of the line from x to x + h "
           "(a forward difference); do not use a formula for the derivative", f"slope(f, {case['x']:.4g}, {h:.3g})",
           tol=1e-9)


# ----------------------------------------------------------------------
partials = Exercise("1.2", "partial derivatives of d = a*b + c", uses=("dd_da", "dd_db", "dd_dc"))


@partials.probe
def _(got, case, dd_da, dd_db, dd_dc):
    got.update(dd_da=dd_da, dd_db=dd_db, dd_dc=dd_dc)


@partials.test("dd/da")
def _(case, got):
    expect(got["dd_da"], -3.0, "dd/da: nudge a a little; d moves by b times the nudge", "dd/da at a=2, b=-3, c=10")


@partials.test("dd/db")
def _(case, got):
    expect(got["dd_db"], 2.0, "dd/db: in a product each input's rate is the other input", "dd/db at a=2, b=-3")


@partials.test("dd/dc")
def _(case, got):
    expect(got["dd_dc"], 1.0, "dd/dc: c is added straight in; how much does d move per unit of c?", "dd/dc")


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


@central.test("the central formula")
def _(case, got):
    s, x, h = case["scale"], case["x"], case["h"]
    expected = (s * (x + h) ** 3 - s * (x - h) ** 3) / (2 * h)
    expect(got["coarse"], expected, "nudge both ways: (f(x + h) - f(x - h)) over the distance between the two points",
           f"central_slope({s:.3g}*x**3, {x:.4g}, h={h:.3g})", tol=1e-9)


@central.test("error shrinks like h**2")
def _(case, got):
    s, x = case["scale"], case["x"]
    error = abs(got["fine"] - 3 * s * x ** 2) if isinstance(got["fine"], (int, float)) else float("inf")
    if not error < 1e-5:
        raise Fail("with h = 1e-3 the error should be about h**2 = 1e-6; a one-sided nudge errs by about h",
                   f"error at x={x:.4g}: {error:.2e}")
