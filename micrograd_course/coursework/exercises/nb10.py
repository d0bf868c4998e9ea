"""Notebook 10: polynomial regression, four ways.

The exercises move the lecture's tools to new cases: a central-difference
gradient for any loss, the hand-derived gradients of a new model
(y = a * exp(b * x)), the same loss with ``Value``, the fit with PyTorch
autograd, and (stretch) the largest safe learning rate of a quadratic fit.
"""

import math

from ..framework import Exercise, Fail, close, expect

TORCH_MISSING = ("this exercise needs PyTorch, which this kernel cannot import: install it "
                 "(pip install torch==2.13.0, the CPU build) and restart the kernel")


def _signed(rng, low, high):
    return rng.choice([-1, 1]) * round(rng.uniform(low, high), 3)


# ----------------------------------------------------------------------
central = Exercise("10.1", "central differences for any loss", uses=("numerical_gradient",))


@central.cases
def _(rng):
    n = rng.randint(2, 4)
    return {"c": [_signed(rng, 0.5, 2) for _ in range(n)], "q": _signed(rng, 0.5, 2),
            "p": [_signed(rng, 0.5, 2) for _ in range(n)]}


def _cubic_loss(case):
    """f(p) = sum_k c_k p_k**3 + q p_0 p_1, a loss with a cross term."""
    c, q = case["c"], case["q"]
    return lambda p: sum(ck * pk ** 3 for ck, pk in zip(c, p)) + q * p[0] * p[1]


@central.probe
def _(got, case, numerical_gradient):
    params = list(case["p"])
    got["grads"] = [float(g) for g in numerical_gradient(_cubic_loss(case), params)]
    got["params_after"] = [float(p) for p in params]


@central.test("the gradient, entry by entry", points=2)
def _(case, got):
    c, q, p = case["c"], case["q"], case["p"]
    grads = got["grads"]
    if len(grads) != len(p):
        raise Fail("return one derivative per parameter, in the same order as params")
    after = got["params_after"]
    if len(after) != len(p) or not all(abs(x - y) < 1e-12 for x, y in zip(after, p)):
        raise Fail("the parameters were not put back after each nudge, so every later derivative is taken at a "
                   "shifted point: restore each one before nudging the next (see the test below)")
    for k, g in enumerate(grads):
        exact = 3 * c[k] * p[k] ** 2 + (q * p[1] if k == 0 else q * p[0] if k == 1 else 0)
        if not close(g, exact, tol=1e-7):  # the numbers with enough digits to see a 1e-6 error
            raise Fail("nudge one parameter at a time, both ways, and divide by the distance between the two "
                       "points; a one-sided nudge is off by about h times the curvature, too much here",
                       f"d/dp{k} of sum c_k p_k^3 + q p0 p1 with c={c}, q={q}, p={p}: "
                       f"expected {exact:.12g}, got {g:.12g}")


@central.test("params left as they were")
def _(case, got):
    after = got["params_after"]
    if len(after) != len(case["p"]) or not all(abs(x - y) < 1e-12 for x, y in zip(after, case["p"])):
        raise Fail("after nudging a parameter, put its old value back (or nudge a copy of the list)",
                   f"params were {case['p']}, afterwards {after}")


# ----------------------------------------------------------------------
def _exp_case(rng):
    n = rng.randint(10, 20)
    xs = [round(-1.5 + 3 * i / (n - 1), 4) for i in range(n)]
    true_a, true_b = rng.uniform(0.5, 2), _signed(rng, 0.3, 1)
    return {"a": round(rng.uniform(0.5, 2), 3), "b": _signed(rng, 0.2, 1), "x": xs,
            "y": [round(true_a * math.exp(true_b * x) + rng.uniform(-0.1, 0.1), 4) for x in xs]}


def _exp_gradients(a, b, xs, ys):
    """dL/da and dL/db of L = mean((a e^(b x) - y)^2)."""
    n = len(xs)
    residuals = [a * math.exp(b * x) - y for x, y in zip(xs, ys)]
    da = sum(2 * r * math.exp(b * x) for r, x in zip(residuals, xs)) / n
    db = sum(2 * r * a * x * math.exp(b * x) for r, x in zip(residuals, xs)) / n
    return da, db


by_hand = Exercise("10.2", "gradients of an exponential fit by hand", uses=("exp_fit_gradients",))
by_hand.cases(_exp_case)


@by_hand.probe
def _(got, case, exp_fit_gradients):
    import numpy as np

    grads = exp_fit_gradients(case["a"], case["b"], np.array(case["x"]), np.array(case["y"]))
    got["grads"] = [float(g) for g in grads]


def _two(got):
    grads = got["grads"]
    if len(grads) != 2:
        raise Fail("return two numbers: dL/da and dL/db")
    return grads


def _diagnose_scale(answer, exact, n, what):
    """The classic slips that change a gradient by a constant factor: a sum for the mean, the square's 2."""
    if close(answer, exact):
        return
    if close(answer, n * exact):
        raise Fail(f"{what}: exactly n times too big: the loss is a mean over the points, so divide the sum by n")
    if close(answer, exact / 2):
        raise Fail(f"{what}: half of it: the derivative of residual**2 is 2 * residual")
    if close(answer, -exact):
        raise Fail(f"{what}: the sign is flipped: the residual is prediction minus target")


@by_hand.test("dL/da")
def _(case, got):
    da, _ = _exp_gradients(case["a"], case["b"], case["x"], case["y"])
    answer = _two(got)[0]
    _diagnose_scale(answer, da, len(case["x"]), "dL/da")
    expect(answer, da, "dL/da: how fast does the prediction a e^(bx) change with a? Then the chain rule through "
           "the square, and the mean", f"dL/da at a={case['a']}, b={case['b']}")


@by_hand.test("dL/db: the chain rule through the exponent", points=2)
def _(case, got):
    a, b, xs, ys = case["a"], case["b"], case["x"], case["y"]
    _, db = _exp_gradients(a, b, xs, ys)
    answer = _two(got)[1]
    _diagnose_scale(answer, db, len(xs), "dL/db")
    no_inner = sum(2 * (a * math.exp(b * x) - y) * a * math.exp(b * x) for x, y in zip(xs, ys)) / len(xs)
    if close(answer, no_inner) and not close(answer, db):
        raise Fail("dL/db: the exponent b x is itself a function of b; the chain rule needs its derivative too",
                   f"dL/db at a={a}, b={b}")
    expect(answer, db, "dL/db: follow the chain from the loss through the square, the prediction and the exponent "
           "b x", f"dL/db at a={a}, b={b}")


# ----------------------------------------------------------------------
with_value = Exercise("10.3", "the exponential fit's loss with Value", uses=("exp_fit_loss",))
with_value.cases(_exp_case)


@with_value.probe
def _(got, case, exp_fit_loss):
    from micrograd_course.engine import Value

    a, b = Value(case["a"]), Value(case["b"])
    loss = exp_fit_loss(a, b, case["x"], case["y"])
    got["loss"] = loss.data
    loss.backward()
    got["grads"] = [a.grad, b.grad]


@with_value.test("the loss")
def _(case, got):
    loss = _right_loss(case)
    if close(got["loss"], len(case["x"]) * loss, 1e-9) and not close(got["loss"], loss, 1e-9):
        raise Fail("your loss is exactly n times too big: a sum over the points, where the loss is their mean")
    expect(got["loss"], loss, "the loss is the mean over the points of (a * e^(b x) - y)^2", "the loss", tol=1e-9)


def _right_loss(case):
    a, b, xs, ys = case["a"], case["b"], case["x"], case["y"]
    return sum((a * math.exp(b * x) - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


@with_value.test("backward() reaches a and b", points=2)
def _(case, got):
    if not close(got["loss"], _right_loss(case), 1e-9):
        raise Fail("backward() follows the loss you built, and that loss is not the right one yet: fix it first "
                   "(the test above)")
    da, db = _exp_gradients(case["a"], case["b"], case["x"], case["y"])
    for name, g, exact in [("a", got["grads"][0], da), ("b", got["grads"][1], db)]:
        expect(g, exact, "build the loss only from Value operations on a and b (b * x, then .exp()), so that "
               "backward() can follow every step", f"d(loss)/d{name} after backward()", tol=1e-9)


# ----------------------------------------------------------------------
with_torch = Exercise("10.4", "the exponential fit with PyTorch autograd", uses=("torch_fit",))


@with_torch.cases
def _(rng):
    case = _exp_case(rng)
    case.update(lr=round(rng.uniform(0.02, 0.05), 3), steps=rng.randint(20, 30))
    return case


@with_torch.probe
def _(got, case, torch_fit):
    try:
        import torch  # noqa: F401
    except ImportError:
        got["torch_missing"] = True
        return
    for key, steps in [("one_step", 1), ("many_steps", case["steps"])]:
        result = torch_fit(case["a"], case["b"], case["x"], case["y"], case["lr"], steps)
        got[key] = [float(v) for v in result]


def _descend(case, steps):
    a, b = case["a"], case["b"]
    for _ in range(steps):
        da, db = _exp_gradients(a, b, case["x"], case["y"])
        a, b = a - case["lr"] * da, b - case["lr"] * db
    return a, b


def _torch_result(got, key):
    if "torch_missing" in got:
        raise Fail(TORCH_MISSING)
    for error in got.errors:
        if "leaf Variable" in error.get("message", ""):
            raise Fail("PyTorch refused an in-place update of a parameter: update inside `with torch.no_grad():`")
    result = got[key]
    if len(result) != 2:
        raise Fail("return the final a and b as two numbers (a.item(), b.item())")
    return result


@with_torch.test("one step: the gradient and the update", needs=("torch",))
def _(case, got):
    a, b = _descend(case, 1)
    got_a, got_b = _torch_result(got, "one_step")
    for name, value, exact in [("a", got_a, a), ("b", got_b, b)]:
        expect(value, exact, "one step is p -= lr * p.grad after loss.backward(), with the loss the mean "
               "of (a * exp(b * x) - y) ** 2 over the points", f"{name} after 1 step", tol=1e-9)


@with_torch.test("many steps: .grad cleared between steps", points=2, needs=("torch",))
def _(case, got):
    a, b = _descend(case, case["steps"])
    got_a, got_b = _torch_result(got, "many_steps")
    for name, value, exact in [("a", got_a, a), ("b", got_b, b)]:
        expect(value, exact, "one step is right but many are not: backward() adds into .grad, so clear it "
               "after every update (p.grad = None)", f"{name} after {case['steps']} steps", tol=1e-9)


# ----------------------------------------------------------------------
ceiling = Exercise("10.5", "the largest safe learning rate of a quadratic fit", uses=("largest_safe_lr",))


@ceiling.cases
def _(rng):
    half = round(rng.uniform(1, 3), 2)
    start = round(rng.uniform(0.5, 2), 2)
    width = round(rng.uniform(1, 3), 2)
    n, m = rng.randint(20, 60), rng.randint(20, 60)
    return {"centred": [-half + 2 * half * i / (n - 1) for i in range(n)],
            "shifted": [start + width * i / (m - 1) for i in range(m)]}


@ceiling.probe
def _(got, case, largest_safe_lr):
    import numpy as np

    for key in ("centred", "shifted"):
        got[key] = float(largest_safe_lr(np.array(case[key])))


def _safe_lr(xs):
    import numpy as np

    x = np.array(xs)
    design = np.stack([np.ones_like(x), x, x ** 2], axis=1)
    return 2 / np.linalg.eigvalsh(2 * design.T @ design / len(x)).max()


LOOK = ("the loss is a bowl in (a, b, c) with a different curvature in each direction, as in the lecture's "
        "cubic fit; find the bowl's curvature matrix for a quadratic model, and the direction that limits the step")


@ceiling.test("points centred on 0")
def _(case, got):
    expect(got["centred"], _safe_lr(case["centred"]), LOOK,
           f"largest_safe_lr on {len(case['centred'])} points in [{case['centred'][0]}, {case['centred'][-1]}]")


@ceiling.test("points away from 0 (the columns are no longer independent)")
def _(case, got):
    expect(got["shifted"], _safe_lr(case["shifted"]), LOOK + "; use the eigenvalues of the whole matrix, "
           "not its diagonal", f"largest_safe_lr on {len(case['shifted'])} points in "
           f"[{case['shifted'][0]:.3g}, {case['shifted'][-1]:.3g}]")
