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
slopes = Exercise("1.1", "every input's slope by nudging both ways", uses=("slopes",))
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


def _central_all(f, point, h):
    return {n: (f(**_nudged(point, {n: h})) - f(**_nudged(point, {n: -h}))) / (2 * h) for n in point}


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
    """Which classic mistake ``answer`` is, or None."""
    names, base = list(point), f(**point)
    right = _central_all(f, point, h)
    up = {n: f(**_nudged(point, {n: h})) for n in names}
    down = {n: f(**_nudged(point, {n: -h})) for n in names}

    def same(candidate):
        return all(close(answer.get(n), candidate[n], 1e-9) for n in names)
    if same({n: right[n] * 2 * h for n in names}) or same({n: right[n] * h for n in names}):
        return "you return each rise, the change in f; divide it by the run, the distance between the two nudged points"
    if same({n: 2 * right[n] for n in names}):
        return ("each slope is twice too big: the two nudged points are further apart than h; "
                "divide the rise by the whole run between them")
    if same({n: -right[n] for n in names}):
        return "the sign is flipped: the rise is f with the input nudged up minus f with it nudged down"
    if same({n: (up[n] - base) / h for n in names}):
        return ("that is a one-sided (forward) estimate: it nudges each input up only; "
                "this exercise asks for the central difference, which nudges both ways")
    if same({n: (base - down[n]) / h for n in names}):
        return ("that is a one-sided (backward) estimate: it nudges each input down only; "
                "this exercise asks for the central difference, which nudges both ways")
    together = (f(**_nudged(point, {n: h for n in names})) - f(**_nudged(point, {n: -h for n in names}))) / (2 * h)
    together_up = (f(**_nudged(point, {n: h for n in names})) - base) / h
    if same({n: together for n in names}) or same({n: together_up for n in names}):
        return "every input got the same slope: you nudged all of them at once; nudge one, keep the others where they are"
    return None


def _leftover_nudges(f, point, h, answer):
    """True when ``answer`` is what nudging one dict for every input gives: each input left h low."""
    moved, leftover = dict(point), {}
    for n in point:  # up by h, down by 2h, never put back
        moved[n] += h
        high = f(**moved)
        moved[n] -= 2 * h
        leftover[n] = (high - f(**moved)) / (2 * h)
    right = _central_all(f, point, h)
    return (all(close(answer.get(n), leftover[n], 1e-9) for n in point)
            and any(not close(leftover[n], right[n], 1e-6) for n in point))


@slopes.test("one slope per input, each by its own nudge both ways", points=2)
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
    if _leftover_nudges(f, point, h, answer):
        raise Fail("an earlier nudge is still in place when you nudge the next input: nudge a copy of the point "
                   "(dict(point)) for each input, so every input but one stays where it was", what)
    right = _central_all(f, point, h)
    for name in point:
        expect(answer[name], right[name], "each slope is the central difference for that input alone: f with "
               "it nudged up by h, minus f with it nudged down by h, over the run between the two; call the f "
               "you are given with keyword arguments, f(**point)", f"{what}: '{name}'", tol=1e-9)


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
    expect(answer["t"], _central(f, x, 1e-6), "with one input and h = 1e-6 your slope is off; the same "
           "central rule must hold whatever the number of inputs and whatever h", f"slopes(cubic, {{'t': {x}}}, 1e-6)",
           tol=1e-9)


# ----------------------------------------------------------------------
partials = Exercise("1.2", "partial derivatives of d = a*b + b*c", uses=("dd_da", "dd_db", "dd_dc"))
A, B, C = 2.0, -3.0, 4.0


@partials.probe
def _(got, case, dd_da, dd_db, dd_dc):
    got.update(dd_da=dd_da, dd_db=dd_db, dd_dc=dd_dc)


def _own_value(name, got, value):
    if close(got, value):
        raise Fail(f"dd/d{name}: that is {name}'s own value, not how fast d moves with it; freeze the other two "
                   f"inputs, move {name} by 1 and watch how much d moves", f"dd/d{name}: got {got!r}")


@partials.test("dd/da")
def _(case, got):
    _own_value("a", got["dd_da"], A)
    expect_fixed(got["dd_da"], B, "dd/da: find the one term of d that contains a; with b and c frozen, how much "
                 "does that term move when a moves by 1?", f"dd/da at a={A:g}, b={B:g}, c={C:g}")


@partials.test("dd/db: b is in two products", points=2)
def _(case, got):
    _own_value("b", got["dd_db"], B)
    if close(got["dd_db"], A) or close(got["dd_db"], C):
        raise Fail("dd/db: your number accounts for one of the two terms that contain b; nudging b moves both "
                   "of them at once", f"dd/db: got {got['dd_db']!r}")
    expect_fixed(got["dd_db"], A + C, "dd/db: b is in two terms; work out how much each one moves when b moves "
                 "by 1, then how the two movements show up in d", f"dd/db at a={A:g}, b={B:g}, c={C:g}")


@partials.test("dd/dc")
def _(case, got):
    _own_value("c", got["dd_dc"], C)
    if close(got["dd_dc"], 1.0):
        raise Fail("dd/dc: in the lecture's d = a*b + c, c was added on its own; here it is not, so look again "
                   "at the term that contains c", f"dd/dc: got {got['dd_dc']!r}")
    expect_fixed(got["dd_dc"], B, "dd/dc: find the one term of d that contains c; with a and b frozen, how much "
                 "does that term move when c moves by 1?", f"dd/dc at a={A:g}, b={B:g}, c={C:g}")


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
            "h": rng.choice([0.1, 0.05, 0.02, 0.01]),
            "scale": round(rng.uniform(1, 3), 3), "wave_x": round(rng.choice([-1, 1]) * rng.uniform(0.4, 1.0), 3),
            "wave_h": rng.choice([0.5, 0.4, 0.3])}


def _exact_slope(coefficients, x):
    p, q, r, _ = coefficients
    return 3 * p * x ** 2 + 2 * q * x + r


def _backward(f, x, h):
    return (f(x) - f(x - h)) / h


def _five_point(f, x, h):
    """A stencil the lecture never showed: its error shrinks like h**4."""
    return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)


def _order(estimate, f, exact, x, h):
    return math.log10(abs(estimate(f, x, h) - exact) / abs(estimate(f, x, h / 10) - exact))


@order.probe
def _(got, case, error_order):
    f, x, h = _cubic(case["coefficients"]), case["x"], case["h"]
    exact = _exact_slope(case["coefficients"], x)
    got["forward"] = error_order(_forward, f, exact, x, h)
    got["central"] = error_order(_central, f, exact, x, h)


@order.probe
def _(got, case, error_order):
    scale, x, h = case["scale"], case["wave_x"], case["wave_h"]
    got["backward_wave"] = error_order(_backward, _wave(scale), scale * math.cos(x), x, h)
    got["five_point_wave"] = error_order(_five_point, _wave(scale), scale * math.cos(x), x, h)


def _judge_order(answer, right, what):
    if close(answer, -right, 1e-6):
        raise Fail("the sign is flipped: the error at h is the bigger one, so divide it by the error at h / 10", what)
    if close(answer, right * math.log(10), 1e-6):
        raise Fail("that is the natural log: h shrinks by a factor of 10, so count powers of ten (math.log10)", what)
    if close(answer, 10 ** right, 1e-6):
        raise Fail("that is the ratio of the errors itself; the order is how many powers of ten it is", what)
    expect(answer, right, "compare the sizes of the errors, |estimate - exact|, at h and at h / 10", what, tol=1e-6)


def _assumed(got):
    """True when every order came back the same number, or a whole number each: written in, not measured."""
    answers = [got.values.get(k) for k in ("forward", "central", "backward_wave", "five_point_wave")]
    numbers = [a for a in answers if isinstance(a, (int, float)) and not isinstance(a, bool)]
    return len(numbers) >= 2 and (len(set(numbers)) == 1 or all(float(a).is_integer() for a in numbers))


ASSUMED = ("the order must be measured from the errors of the estimate you are given, not assumed: the check "
           "also passes estimates the lecture did not show, and their orders differ")


def _judge_cubic(case, got, key, estimate, name):
    f, x, h = _cubic(case["coefficients"]), case["x"], case["h"]
    what = f"error_order({name}, a cubic, x={x:.4g}, h={h:g})"
    if _assumed(got):
        raise Fail(ASSUMED, f"{what}: got {got[key]!r}")
    right = _order(estimate, f, _exact_slope(case["coefficients"], x), x, h)
    _judge_order(got[key], right, what)


@order.test("the order of the one-sided estimate")
def _(case, got):
    _judge_cubic(case, got, "forward", _forward, "the one-sided estimate")


@order.test("the order of the central estimate", points=2)
def _(case, got):
    _judge_cubic(case, got, "central", _central, "the central estimate")


@order.test("the orders of two estimates the lecture did not show")
def _(case, got):
    scale, x, h = case["scale"], case["wave_x"], case["wave_h"]
    f = _wave(scale)
    answers = [got["backward_wave"], got["five_point_wave"]]
    if _assumed(got):
        raise Fail(ASSUMED, f"error_order on {scale:g}·sin(x) at x={x:g}, h={h:g}: got {answers[0]!r} and {answers[1]!r}")
    for answer, estimate, name in zip(answers, (_backward, _five_point),
                                      ("a backward one-sided estimate", "a five-point estimate")):
        _judge_order(answer, _order(estimate, f, scale * math.cos(x), x, h),
                     f"error_order({name}, {scale:g}·sin(x), x={x:g}, h={h:g})")
