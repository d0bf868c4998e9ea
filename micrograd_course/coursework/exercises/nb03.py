"""Notebook 3: backprop by hand."""

from ..framework import Exercise, Fail, expect, expect_equal, is_number


def _entries(got, key, names, tol=1e-6):
    """Each name must be in the dict ``got[key]``: ``names`` maps it to (expected value, hint)."""
    table = got[key]
    if not isinstance(table, dict):
        raise Fail(f"{key} should be a dict of gradients")
    for name, (expected, hint) in names.items():
        if name not in table:
            raise Fail(f"no entry for {name!r}: fill in every gradient")
        expect(table[name], expected, hint, f"{key}[{name!r}]", tol)


# ----------------------------------------------------------------------
manual = Exercise("3.1", "gradients of L = (a*b + c)*f by hand", uses=("grads",))


@manual.probe
def _(got, case, grads):
    got["grads"] = dict(grads)


@manual.test("the last step: L, d and f")
def _(case, got):
    _entries(got, "grads", {
        "L": (1.0, "dL/dL: how much does L move when L moves by 1?"),
        "d": (-2.0, "dL/dd: L = d * f, so a nudge to d is multiplied by f"),
        "f": (4.0, "dL/df: L = d * f, so a nudge to f is multiplied by d")})


@manual.test("through the plus: e and c")
def _(case, got):
    _entries(got, "grads", {
        "e": (-2.0, "dL/de: a plus node passes its gradient on unchanged; e reaches L only through d"),
        "c": (-2.0, "dL/dc: c reaches L only through d, and a plus passes the gradient on")})


@manual.test("through the product: a and b")
def _(case, got):
    _entries(got, "grads", {
        "a": (6.0, "dL/da: L depends on a only through e = a*b; check the chain through e (dL/de times de/da)"),
        "b": (-4.0, "dL/db: L depends on b only through e = a*b; check the chain through e")})


# ----------------------------------------------------------------------
neuron = Exercise("3.2", "a neuron's gradients by hand", uses=("neuron_grads",))


@neuron.probe
def _(got, case, neuron_grads):
    got["neuron_grads"] = dict(neuron_grads)


@neuron.test("through tanh: n")
def _(case, got):
    _entries(got, "neuron_grads", {"n": (0.5, "do/dn: the derivative of tanh is 1 - o**2")}, 1e-4)


@neuron.test("through the sums: b, x1w1, x2w2")
def _(case, got):
    hint = "a plus passes do/dn on unchanged to each of its inputs"
    _entries(got, "neuron_grads", {k: (0.5, f"do/d{k}: {hint}") for k in ("b", "x1w1", "x2w2")}, 1e-4)


@neuron.test("through the products: x1, w1, x2, w2")
def _(case, got):
    hint = "each input of a product gets the other input times the product's gradient"
    _entries(got, "neuron_grads", {k: (v, f"do/d{k}: {hint}") for k, v in
                                   {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}.items()}, 1e-4)


# ----------------------------------------------------------------------
step = Exercise("3.3", "one gradient step", uses=("step",))


@step.cases
def _(rng):
    return {"data": [round(rng.uniform(-3, 3), 3) for _ in range(3)],
            "grads": [round(rng.choice([-1, 1]) * rng.uniform(0.2, 2), 3) for _ in range(3)],
            "lr": rng.choice([0.01, 0.05, 0.1, 0.2])}


@step.probe
def _(got, case, step):
    from micrograd_course.engine import Value

    leaves = [Value(d) for d in case["data"]]
    for leaf, g in zip(leaves, case["grads"]):
        leaf.grad = g
    step(leaves, case["lr"])
    got["data"] = [leaf.data for leaf in leaves]
    got["grads"] = [leaf.grad for leaf in leaves]


@step.test("moves against the gradient")
def _(case, got):
    data = got["data"]
    if not (isinstance(data, list) and len(data) == 3 and all(is_number(d) for d in data)):
        raise Fail("step should change each leaf's .data in place")
    for d, g, new in zip(case["data"], case["grads"], data):
        expect(new, d - case["lr"] * g, "a step goes downhill: data -= learning_rate * grad",
               f"data {d} with grad {g} and learning rate {case['lr']}")


@step.test("leaves the gradients alone")
def _(case, got):
    expect_equal(got["grads"], case["grads"], "a step changes .data only; .grad stays until zero_grad", "the grads after a step")
