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
slopes = Exercise("1.1", "every input's slope by nudging", uses=("slopes",))
NAMES = ["a", "b", "c", "w", "x", "y"]


def _several(case):
    """f(**point): a function of 2-4 named inputs, products of neighbours plus a sine and a square,
    so that every input's slope differs, and one-sided, two-sided and backward estimates differ too."""
    names, k = case["names"], case["k"]

    def f(**inputs):
        v = [inputs[n] for n in names]
        total = sum(k[i] * v[i] * v[i + 1] for i in range(len(v) - 1))
        return total + k[-2] * math.sin(v[0]) + k[-1] * v[-1] ** 2
    return f


@slopes.cases
def _(rng):
    names = rng.sample(NAMES, rng.choice([2, 3, 4]))
    return {"names": names, "k": [round(rng.uniform(0.5, 2.5) * rng.choice([-1, 1]), 3) for _ in range(len(names) + 1)],
            "point": {n: round(rng.uniform(-2, 2), 3) for n in names}, "h": round(rng.uniform(0.2, 0.6), 2),
            "coefficients": [rng.uniform(0.5, 2), rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-5, 5)],
            "x": round(rng.uniform(-2, 2), 3)}


def _nudged(point, changes):
    moved = dict(point)
    for name, by in changes.items():
        moved[name] += by
    return moved


def _forward_all(f, point, h):
    base = f(**point)
    return {n: (f(**_nudged(point, {n: h})) - base) / h for n in point}


@slopes.probe
def _(got, case, slopes):
    f, point = _several(case), dict(case["point"])
    got["answer"] = slopes(f, point, case["h"])
    got["point_after"] = point


@slopes.probe
def _(got, case, slopes):
    cubic = _cubic(case["coefficients"])
    got["one_input"] = slopes(lambda t: cubic(t), {"t": case["x"]}, 1e-6)


def _mistake(f, point, h, answer):
    """Which classic estimate ``answer`` is, or None."""
    names, base = list(point), f(**point)
    right = _forward_all(f, point, h)

    def same(candidate):
        return all(close(answer.get(n), candidate[n], 1e-9) for n in names)
    if same({n: right[n] * h for n in names}):
        return "you return each rise f(nudged) - f(point); divide it by the run, h"
    if same({n: -right[n] for n in names}):
        return "the sign is flipped: the rise is the nudged value minus the value at the point"
    if same({n: (f(**_nudged(point, {n: h})) - f(**_nudged(point, {n: -h}))) / (2 * h) for n in names}):
        return "that is the two-sided (central) estimate; here nudge each input up only, by h"
    if same({n: (base - f(**_nudged(point, {n: -h}))) / h for n in names}):
        return "that nudges each input down, to x - h (a backward difference); nudge it up, to x + h"
    together = (f(**_nudged(point, {n: h for n in names})) - base) / h
    if same({n: together for n in names}):
        return "every input got the same slope: you nudged all of them at once; nudge one, keep the others where they are"
    stays = {n: (f(**_nudged(point, {m: h for m in names[:i + 1]})) - base) / h for i, n in enumerate(names)}
    steps = {n: (f(**_nudged(point, {m: h for m in names[:i + 1]}))
                 - f(**_nudged(point, {m: h for m in names[:i]}))) / h for i, n in enumerate(names)}
    if same(stays) or same(steps):
        return ("an earlier nudge is still in place when you nudge the next input: nudge a copy of the point "
                "(dict(point)), or undo each nudge before the next")
    return None


@slopes.test("one slope per input, each by its own nudge", points=2)
def _(case, got):
    f, point, h = _several(case), case["point"], case["h"]
    answer = got["answer"]
    what = f"slopes(f, {point}, h={h:g}) for an f of {len(point)} inputs"
    if not isinstance(answer, dict):
        raise Fail("return a dict: one entry per input, keyed by the input's name (the keys of point)",
                   f"{what}: got {answer!r}")
    if sorted(answer) != sorted(point):
        raise Fail("return one slope for every key of point, and no other keys", f"{what}: got keys {sorted(answer)}")
    mistake = _mistake(f, point, h, answer)
    if mistake:
        raise Fail(mistake, what)
    right = _forward_all(f, point, h)
    for name in point:
        expect(answer[name], right[name], "each slope is how much f rises when that input alone goes up by h, "
               "divided by h; call the f you are given with keyword arguments, f(**point)", f"{what}: '{name}'",
               tol=1e-9)


@slopes.test("point is left as it was")
def _(case, got):
    if got["point_after"] != case["point"]:
        raise Fail("slopes changed the dict it was given: nudge a copy (dict(point)), so the caller's point stays put",
                   f"point before {case['point']}, after {got['point_after']}")


@slopes.test("a function of one input, with a tiny h")
def _(case, got):
    answer = got["one_input"]
    f, x = _cubic(case["coefficients"]), case["x"]
    if not isinstance(answer, dict) or list(answer) != ["t"]:
        raise Fail("with one input, return a dict with that one key", f"slopes(f, {{'t': {x}}}, 1e-6): got {answer!r}")
    expect(answer["t"], _forward(f, x, 1e-6), "with one input and h = 1e-6 your slope is off; the same "
           "one-sided rule must hold whatever the number of inputs and whatever h", f"slopes(cubic, {{'t': {x}}}, 1e-6)",
           tol=1e-9)


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
