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
    exact = _cubic_gradient(case)
    if all(close(g, e, tol=1e-7) for g, e in zip(grads, exact)):  # enough digits to see a 1e-6 error
        return
    raise Fail(_central_mistake(grads, exact, case),
               f"the gradient of sum c_k p_k^3 + q p0 p1 with c={c}, q={q}, p={p}: expected "
               f"[{', '.join(f'{e:.12g}' for e in exact)}], got [{', '.join(f'{g:.12g}' for g in grads)}]")


def _cubic_gradient(case):
    c, q, p = case["c"], case["q"], case["p"]
    return [3 * c[k] * p[k] ** 2 + (q * p[1] if k == 0 else q * p[0] if k == 1 else 0) for k in range(len(p))]


def _central_mistake(grads, exact, case, h=1e-6):
    """What a wrong central difference did, read from its numbers (the probe uses the default h)."""
    if all(close(g, 2 * e, tol=1e-5) for g, e in zip(grads, exact)):
        return ("every derivative is exactly twice the slope: p + h and p - h are 2h apart, so divide the "
                "difference of the two losses by that distance, not by h")
    if all(close(g, e / 2, tol=1e-5) for g, e in zip(grads, exact)):
        return "every derivative is exactly half the slope: divide by the distance between p + h and p - h, no more"
    together = sum(exact)
    if all(close(g, together, tol=1e-4) for g in grads) or all(close(g, together / 2, tol=1e-4) for g in grads):
        return ("every entry is the same number, the slope of the loss when all the parameters move together: "
                "nudge one parameter at a time and leave the others where they are")
    # A one-sided nudge is off by about (h / 2) f''(p_k), where f'' = 6 c_k p_k here.
    curvature = [6 * ck * pk for ck, pk in zip(case["c"], case["p"])]
    if all(abs(abs(g - e) - h / 2 * abs(f)) < 0.2 * h / 2 * abs(f) for g, e, f in zip(grads, exact, curvature)):
        return ("each derivative is off by about h/2 times the loss's curvature: that is a one-sided nudge "
                "(p + h against p, or p against p - h); nudge both ways, to p + h and to p - h")
    return ("nudge one parameter at a time, both ways (to p + h and to p - h), and divide the difference of the "
            "two losses by the distance between the two points")


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


@by_hand.cases
def _(rng):
    case = _exp_case(rng)
    # Targets far above the curve: the loss is huge there, and a finite difference's round-off (about
    # 1e-16 * loss / h) shows in the 10th digit, where a derived formula is still right to the 15th.
    case["offset"] = round(rng.uniform(1000, 5000), 1)
    return case


@by_hand.probe
def _(got, case, exp_fit_gradients):
    import numpy as np

    grads = exp_fit_gradients(case["a"], case["b"], np.array(case["x"]), np.array(case["y"]))
    got["grads"] = [float(g) for g in grads]


@by_hand.probe
def _(got, case, exp_fit_gradients):
    import numpy as np

    far = np.array(case["y"]) + case["offset"]
    got["far"] = [float(g) for g in exp_fit_gradients(case["a"], case["b"], np.array(case["x"]), far)]


def _two(got, key="grads"):
    grads = got[key]
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


def _exact_not_numeric(case, got, index, what):
    """A derived formula is right to about 15 digits at the far targets; a finite difference to about 10."""
    far_y = [y + case["offset"] for y in case["y"]]
    exact = _exp_gradients(case["a"], case["b"], case["x"], far_y)[index]
    answer = _two(got, "far")[index]
    if close(answer, exact, tol=1e-12):
        return
    if close(answer, exact, tol=1e-6):
        raise Fail(f"{what} is off in about the 9th to 11th digit where the targets are far from the curve (and "
                   "the loss is huge): that is the round-off of a finite difference, not a derivative worked out on paper. "
                   "Derive the formula and compute it directly; keep numerical_gradient for checking it",
                   f"{what} at a={case['a']}, b={case['b']}, targets y + {case['offset']}: expected {exact!r}, "
                   f"got {answer!r}")
    expect(answer, exact, f"{what} is right on the first data but wrong when the targets are far from the curve",
           f"{what} at a={case['a']}, b={case['b']}, targets y + {case['offset']}")


@by_hand.test("dL/da")
def _(case, got):
    da, _ = _exp_gradients(case["a"], case["b"], case["x"], case["y"])
    answer = _two(got)[0]
    _diagnose_scale(answer, da, len(case["x"]), "dL/da")
    expect(answer, da, "dL/da: how fast does the prediction a e^(bx) change with a? Then the chain rule through "
           "the square, and the mean", f"dL/da at a={case['a']}, b={case['b']}")
    _exact_not_numeric(case, got, 0, "dL/da")


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
    _exact_not_numeric(case, got, 1, "dL/db")


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


class _CountingEngine:
    """Stands in for PyTorch's autograd engine during the probe: counts the backward passes run through it.

    Every backward pass, ``loss.backward()``, ``torch.autograd.backward`` or ``torch.autograd.grad``, however
    it was imported, ends in ``Variable._execution_engine.run_backward``; the count tells a fit that let
    autograd find the gradients from one that wrote them out (in numpy, say).
    """

    def __init__(self, engine):
        self.engine, self.runs, self.dtypes = engine, 0, set()

    def run_backward(self, outputs, *args, **kwargs):
        self.runs += 1
        for output in outputs:
            dtype = getattr(output, "dtype", None)
            if dtype is not None:
                self.dtypes.add(str(dtype).replace("torch.", ""))
        return self.engine.run_backward(outputs, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.engine, name)


@with_torch.probe
def _(got, case, torch_fit):
    try:
        import torch  # noqa: F401
        from torch.autograd.variable import Variable
    except ImportError:
        got["torch_missing"] = True
        return
    for key, steps in [("one_step", 1), ("many_steps", case["steps"])]:
        counting = _CountingEngine(Variable._execution_engine)
        Variable._execution_engine = counting
        try:
            result = torch_fit(case["a"], case["b"], case["x"], case["y"], case["lr"], steps)
        finally:
            Variable._execution_engine = counting.engine
            got[key + "_backward_runs"] = counting.runs
            got[key + "_dtypes"] = sorted(counting.dtypes)
        got[key] = [float(v) for v in result]


def _descend(case, steps, accumulate=False, scale=1.0, sign=1.0):
    """Gradient descent on the exponential fit: ``accumulate`` keeps adding into the gradient (no reset),
    ``scale`` multiplies it (n: a sum for the mean), ``sign`` -1 climbs."""
    a, b = case["a"], case["b"]
    total_a = total_b = 0.0
    for _ in range(steps):
        da, db = _exp_gradients(a, b, case["x"], case["y"])
        total_a, total_b = (total_a + da, total_b + db) if accumulate else (da, db)
        a, b = a - sign * case["lr"] * scale * total_a, b - sign * case["lr"] * scale * total_b
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
    if got[key + "_backward_runs"] == 0:
        raise Fail("your fit never runs a backward pass (no loss.backward(), no torch.autograd.grad): this "
                   "exercise is to let PyTorch's autograd find the gradients, not to write them out yourself. "
                   "Make a and b tensors with requires_grad=True and call backward() on the loss")
    return result


def _float32(got, key, value, exact, what):
    """float32 tensors agree with the float64 reference to about 7 digits, not 9; returns the tolerance to
    diagnose other mistakes with (float32's, when the tensors were float32)."""
    single = "float32" in got[key + "_dtypes"]
    if close(value, exact, 1e-4) and (single or not close(value, exact, 1e-9)):
        raise Fail(FLOAT64, f"{what}: expected {exact!r}, got {value!r}")
    return 1e-4 if single else 1e-9


FLOAT64 = ("the result agrees to only about 7 digits: that is float32, PyTorch's default for tensors made from "
           "Python floats; make a, b, x and y float64 tensors (dtype=torch.float64), as the statement says")


@with_torch.test("one step: the gradient and the update", needs=("torch",))
def _(case, got):
    a, b = _descend(case, 1)
    got_a, got_b = _torch_result(got, "one_step")
    for name, value, exact in [("a", got_a, a), ("b", got_b, b)]:
        if close(value, exact, 1e-9):
            continue
        what = f"{name} after 1 step (the loss: the mean over the points of (a * exp(b * x) - y) ** 2)"
        tol = _float32(got, "one_step", value, exact, what)
        if close(value, _descend(case, 1, scale=len(case["x"]))[name == "b"], tol):
            raise Fail("the step is n times too big: your loss is a sum over the points, the statement's is the "
                       "mean", f"{what}: expected {exact!r}, got {value!r}")
        if close(value, _descend(case, 1, sign=-1)[name == "b"], tol):
            raise Fail("the step went uphill: move each parameter against its gradient (subtract lr times .grad)",
                       f"{what}: expected {exact!r}, got {value!r}")
        expect(value, exact, "one step: build the loss from the tensors a and b, call loss.backward(), then move "
               "each parameter by lr times its .grad, downhill, inside torch.no_grad(); compare your loss with "
               "the statement's", what, tol=1e-9)


@with_torch.test("many steps: .grad cleared between steps", points=2, needs=("torch",))
def _(case, got):
    a, b = _descend(case, case["steps"])
    got_a, got_b = _torch_result(got, "many_steps")
    one_a, one_b = _descend(case, 1)
    one_right = all(close(v, e, 1e-9) for v, e in zip(got["one_step"], (one_a, one_b)))
    steps = case["steps"]
    for name, value, exact in [("a", got_a, a), ("b", got_b, b)]:
        if close(value, exact, 1e-9):
            continue
        what = f"{name} after {steps} steps"
        tol = _float32(got, "many_steps", value, exact, what)
        if not one_right:
            raise Fail("one step is not right yet, so many are not either: fix one step first (the test above)",
                       f"{what}: expected {exact!r}, got {value!r}")
        if close(value, _descend(case, steps, accumulate=True)[name == "b"], tol):
            raise Fail("one step is right but many are not: each step moved by the sum of all the gradients so "
                       "far, because backward() adds into .grad; clear it after every update (p.grad = None)",
                       f"{what}: expected {exact!r}, got {value!r}")
        if got["many_steps_backward_runs"] < steps:
            raise Fail("one step is right but many are not: your fit ran fewer backward passes than steps; "
                       "compute the loss and call backward() afresh at every step",
                       f"{what}: expected {exact!r}, got {value!r}")
        expect(value, exact, "one step is right but many are not: check that every step starts from the "
               "parameters the last one left, computes a fresh loss, and clears .grad after its update",
               what, tol=1e-9)


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


def _safe_lr(xs, columns=3, factor=2.0, mean=True, top=2.0, pick="largest"):
    """The safe-rate ceiling, and its classic slips: ``columns`` 4 (a cubic's), ``factor`` 1 (no 2 from the
    square), ``mean`` False (no 1/N), ``top`` 1 (1/lambda), ``pick`` "smallest" or "diagonal"."""
    import numpy as np

    x = np.array(xs)
    design = np.stack([x ** k for k in range(columns)], axis=1)
    curvature = factor * design.T @ design / (len(x) if mean else 1)
    if pick == "diagonal":
        return top / np.diag(curvature).max()
    eigenvalues = np.linalg.eigvalsh(curvature)
    return top / (eigenvalues.min() if pick == "smallest" else eigenvalues.max())


# Each slip, the rate it gives, and the hint that names it (never the formula).
CEILING_SLIPS = [
    (dict(factor=1.0), "your rate is exactly twice the safe one: the curvature matrix is half what it should be; "
     "differentiating the square (twice) brings a factor you left out"),
    (dict(mean=False), "your rate is exactly N times too small: the loss is the mean over the N points, so its "
     "curvature matrix is an average too, not a sum"),
    (dict(factor=1.0, mean=False), "your rate is N/2 times too small: the curvature matrix is a sum where the "
     "loss is a mean, and it misses the factor that differentiating the square brings"),
    (dict(top=1.0), "your rate is exactly half the safe one: 1/lambda is the rate that lands on the bottom in one "
     "step along the steepest direction; the ceiling, where the steps begin to grow, lies further out"),
    (dict(pick="smallest"), "your rate is far too big: it comes from the flattest direction of the bowl (the "
     "smallest eigenvalue); the step is limited by the steepest one"),
    (dict(columns=4), "your rate fits a cubic (four columns: 1, x, x^2, x^3); the model here is quadratic, "
     "a + b x + c x^2"),
    (dict(pick="diagonal"), "your rate uses the diagonal of the curvature matrix, one coefficient at a time; "
     "the columns 1, x and x^2 are not independent, so the steepest direction mixes them: use the "
     "eigenvalues of the whole matrix"),
]

LOOK = ("the loss is a bowl in (a, b, c) with a different curvature in each direction, as in the lecture's "
        "cubic fit; find the bowl's curvature matrix for the quadratic model, and the direction that limits the step")


def _ceiling_test(case, got, key):
    xs, answer = case[key], got[key]
    what = f"largest_safe_lr on {len(xs)} points in [{xs[0]:.3g}, {xs[-1]:.3g}]"
    right = float(_safe_lr(xs))
    if close(answer, right):
        return
    other = "shifted" if key == "centred" else "centred"
    if other in got and close(got[other], answer) and not close(_safe_lr(case[other]), right):
        raise Fail("your function returns the same number for two different sets of inputs: the ceiling depends "
                   "on x, so compute it from x rather than writing a number in", f"{what}: got {answer!r}")
    for slip, hint in CEILING_SLIPS:  # named only when it explains both sets of inputs
        if close(answer, _safe_lr(xs, **slip)) and (other not in got or close(got[other], _safe_lr(case[other], **slip))):
            raise Fail(hint, f"{what}: expected {right!r}, got {answer!r}")
    expect(answer, right, LOOK, what)


@ceiling.test("points centred on 0")
def _(case, got):
    _ceiling_test(case, got, "centred")


@ceiling.test("points away from 0 (the columns are no longer independent)")
def _(case, got):
    _ceiling_test(case, got, "shifted")
