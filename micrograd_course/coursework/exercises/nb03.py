"""Notebook 3: backprop by hand."""

import math

from ..framework import Exercise, Fail, close, expect, expect_fixed


def _table(got, key, names):
    """The dict ``got[key]``, with an entry for every name."""
    table = got[key]
    if not isinstance(table, dict):
        raise Fail(f"{key} should be a dict from a node's name to its gradient")
    for name in names:
        if name not in table:
            raise Fail(f"no entry for {name!r} yet: fill in every gradient")
    return table


# ----------------------------------------------------------------------
manual = Exercise("3.1", "gradients of L = (a*b + c)*f by hand", uses=("grads",))
A, B, C, F = 4.0, -3.0, 8.0, 2.0
E = A * B
D = E + C


@manual.probe
def _(got, case, grads):
    got["grads"] = dict(grads)


@manual.test("the last step: L, d and f")
def _(case, got):
    grads = _table(got, "grads", ["L", "d", "f"])
    expect_fixed(grads["L"], 1.0, "dL/dL: if L moves by a little, how much does L move?", "grads['L']")
    expect_fixed(grads["d"], F, "dL/dd: L = d*f, and a product gives each input the *other* input, times dL/dL",
           "grads['d']")
    expect_fixed(grads["f"], D, "dL/df: L = d*f, and a product gives each input the *other* input, times dL/dL",
           "grads['f']")


@manual.test("through the plus: e and c")
def _(case, got):
    grads = _table(got, "grads", ["e", "c"])
    for name in ("e", "c"):
        expect_fixed(grads[name], F, f"dL/d{name}: {name} reaches L only through d = e + c; a sum passes dL/dd "
               "through unchanged", f"grads[{name!r}]")


@manual.test("through the product: a and b", points=2)
def _(case, got):
    grads = _table(got, "grads", ["a", "b"])
    for name, mine, other_value, other in [("a", A, B, "b"), ("b", B, A, "a")]:
        answer, what = grads[name], f"grads[{name!r}]"
        if close(answer, other_value * F):
            continue
        if close(answer, other_value):
            raise Fail(f"dL/d{name}: that is only the local derivative de/d{name}; L depends on {name} through "
                       "e, so multiply by the gradient arriving at e", what)
        if close(answer, mine * F):
            raise Fail(f"dL/d{name}: e = a*b gives {name} the *other* input ({other}), times dL/de", what)
        expect_fixed(answer, other_value * F, f"dL/d{name}: L depends on {name} only through e; check the chain "
               f"through e: de/d{name} times dL/de", what)


# ----------------------------------------------------------------------
twice = Exercise("3.2", "a value used twice", uses=("twice_grads",))
A2, B2 = 3.0, -2.0
S2 = A2 + B2


@twice.probe
def _(got, case, twice_grads):
    got["grads"] = dict(twice_grads)


@twice.test("g and s")
def _(case, got):
    grads = _table(got, "grads", ["g", "s"])
    expect_fixed(grads["g"], 1.0, "dg/dg: if g moves by a little, how much does g move?", "twice_grads['g']")
    expect_fixed(grads["s"], A2, "dg/ds: g = s*a, and a product gives s the *other* input", "twice_grads['s']")


@twice.test("a: two paths add up", points=2)
def _(case, got):
    answer = _table(got, "grads", ["a"])["a"]
    if close(answer, S2) or close(answer, A2):
        raise Fail("dg/da: a reaches g by two paths, straight into the product and through s; you have one "
                   "of them. Add both contributions", "twice_grads['a']")
    expect_fixed(answer, S2 + A2, "dg/da: add a's contribution as the product's input (the other input, s) and "
           "through the sum s (which passes dg/ds on)", "twice_grads['a']")


@twice.test("b")
def _(case, got):
    expect_fixed(_table(got, "grads", ["b"])["b"], A2, "dg/db: b reaches g only through s = a + b; a sum passes "
           "dg/ds through unchanged", "twice_grads['b']")


# ----------------------------------------------------------------------
relu_neuron = Exercise("3.3", "a ReLU neuron's gradients", uses=("relu_neuron_grads",))
NEURON_KEYS = ("x1", "w1", "x2", "w2", "b")


def _halves(rng, low, high):
    """A multiple of 0.5: products and sums of these are exact, so n can be exactly 0."""
    return rng.randrange(int(2 * low), int(2 * high) + 1) / 2


@relu_neuron.cases
def _(rng):
    def neuron(sign):
        x1, x2, w1, w2 = (_halves(rng, -3, 3) for _ in range(4))
        while x1 == 0 or w1 == 0 or x2 == 0 or w2 == 0 or abs(x1) == abs(w1):  # keep swaps detectable
            x1, x2, w1, w2 = (_halves(rng, -3, 3) for _ in range(4))
        s = x1 * w1 + x2 * w2
        return [x1, x2, w1, w2, -s + sign * _halves(rng, 0.5, 3)]  # n = sign * (0.5 .. 3)
    corner = neuron(0)
    corner[4] = -(corner[0] * corner[2] + corner[1] * corner[3])  # n exactly 0
    return {"live": neuron(+1), "dead": neuron(-1), "corner": corner}


def _relu_neuron(x1, x2, w1, w2, b):
    n = x1 * w1 + x2 * w2 + b
    dn = 1.0 if n > 0 else 0.0
    return {"x1": w1 * dn, "w1": x1 * dn, "x2": w2 * dn, "w2": x2 * dn, "b": dn}


@relu_neuron.probe
def _(got, case, relu_neuron_grads):
    for kind in ("live", "dead", "corner"):
        got[kind] = dict(relu_neuron_grads(*case[kind]))


def _neuron_what(args):
    return "relu_neuron_grads(x1={:g}, x2={:g}, w1={:g}, w2={:g}, b={:g})".format(*args)


@relu_neuron.test("a neuron whose n is positive: the products", points=2)
def _(case, got):
    args = case["live"]
    answer, right = _table(got, "live", NEURON_KEYS), _relu_neuron(*args)
    what = _neuron_what(args)
    x1, _, w1, _, _ = args
    if close(answer["x1"], x1) and close(answer["w1"], w1):
        raise Fail("x1 and w1 are swapped: in x1*w1, x1 receives the other input, w1 (times what reaches "
                   "the product)", what)
    for name in ("x1", "w1", "x2", "w2"):
        expect(answer[name], right[name], f"do/d{name}: n is positive, so ReLU passes the gradient on (slope 1); "
               "then a product gives each input the other input", what)


@relu_neuron.test("the bias")
def _(case, got):
    args = case["live"]
    expect(_table(got, "live", NEURON_KEYS)["b"], _relu_neuron(*args)["b"], "do/db: b is added straight into n, "
           "and ReLU's slope is 1 where n is positive", _neuron_what(args))


def _without_relu(answer, args):
    """The answer is the gradients of the plain sum n, as if there were no ReLU (its slope taken as 1)."""
    x1, x2, w1, w2, _ = args
    plain = {"x1": w1, "w1": x1, "x2": w2, "w2": x2, "b": 1.0}
    return all(close(answer[name], plain[name]) for name in NEURON_KEYS)


NO_RELU = ("these are the gradients of n itself, as if the ReLU were not there: its slope (1 where n > 0, "
           "else 0) multiplies every gradient behind it")


@relu_neuron.test("a neuron whose n is negative: nothing gets through", points=2)
def _(case, got):
    args = case["dead"]
    answer = _table(got, "dead", NEURON_KEYS)
    if _without_relu(answer, args):
        raise Fail(NO_RELU, _neuron_what(args))
    for name in NEURON_KEYS:
        expect(answer[name], 0.0, "here n is negative, so ReLU outputs 0 whatever the weights do: its slope "
               "is 0, and so is every gradient behind it", _neuron_what(args))


@relu_neuron.test("n exactly 0: the convention")
def _(case, got):
    args = case["corner"]
    answer = _table(got, "corner", NEURON_KEYS)
    dead_right = all(close(_table(got, "dead", NEURON_KEYS)[name], 0.0) for name in NEURON_KEYS)
    if _without_relu(answer, args) and not dead_right:
        raise Fail(NO_RELU, _neuron_what(args))
    for name in NEURON_KEYS:
        expect(answer[name], 0.0, "at n = 0 exactly ReLU has a corner; use the convention that its slope "
               "there is 0 (as PyTorch does): test n > 0, not n >= 0", _neuron_what(args))


# ----------------------------------------------------------------------
chain = Exercise("3.4", "two neurons in a row", uses=("two_neuron_grads",))
CHAIN_KEYS = ("w2", "b2", "w1", "b1")


def _two_neurons(x, w1, b1, w2, b2, tanh_slope=True, w2_in_chain=True, relu_gate=True):
    n1 = w1 * x + b1
    h = n1 if n1 > 0 else 0.0
    o = math.tanh(w2 * h + b2)
    dn2 = 1 - o ** 2 if tanh_slope else 1.0
    dh = (w2 if w2_in_chain else 1.0) * dn2
    dn1 = dh * (1.0 if n1 > 0 or not relu_gate else 0.0)
    return {"w2": h * dn2, "b2": dn2, "w1": x * dn1, "b1": dn1}


@chain.cases
def _(rng):
    def pair(on):
        while True:
            x, w1 = rng.choice([-1, 1]) * rng.uniform(0.5, 2), rng.choice([-1, 1]) * rng.uniform(0.5, 2)
            b1 = -w1 * x + (1 if on else -1) * rng.uniform(0.3, 1.5)  # n1 = +-(0.3 .. 1.5)
            w2 = rng.choice([-1, 1]) * rng.uniform(0.4, 1.5)
            b2 = rng.uniform(-0.5, 0.5)
            h = max(0.0, w1 * x + b1)
            if 0.2 < abs(w2 * h + b2) < 1.5 or not on:
                return [x, w1, b1, w2, b2]
    return {"on": pair(True), "off": pair(False)}


@chain.probe
def _(got, case, two_neuron_grads):
    for kind in ("on", "off"):
        got[kind] = dict(two_neuron_grads(*case[kind]))


def _chain_what(args):
    return "two_neuron_grads(x={:.3g}, w1={:.3g}, b1={:.3g}, w2={:.3g}, b2={:.3g})".format(*args)


def _chain_mistake(answer, args):
    """Fail naming the classic mistake ``answer`` matches, if any."""
    mistakes = [
        (dict(tanh_slope=False), "start at the tanh: o = tanh(n2) multiplies every gradient behind it by 1 - o**2"),
        (dict(w2_in_chain=False), "the gradient arriving at h comes through the product w2*h, so it is w2 times "
                                  "the gradient at n2"),
        (dict(relu_gate=False), "here w1*x + b1 is negative, so the ReLU outputs 0 and passes no gradient back "
                                "to w1 and b1"),
    ]
    right = _two_neurons(*args)
    for variant, look in mistakes:
        wrong = _two_neurons(*args, **variant)
        if any(not close(wrong[k], right[k]) for k in CHAIN_KEYS) and all(close(answer[k], wrong[k]) for k in CHAIN_KEYS):
            raise Fail(look, _chain_what(args))


def _chain_test(args, answer, names, look):
    right = _two_neurons(*args)
    if all(close(answer[name], right[name]) for name in names):
        return
    _chain_mistake(answer, args)
    for name in names:
        expect(answer[name], right[name], look.format(name=name), _chain_what(args))


@chain.test("the tanh neuron: w2 and b2")
def _(case, got):
    _chain_test(case["on"], _table(got, "on", CHAIN_KEYS), ("b2", "w2"),
                "do/d{name}: run the forward pass (n1, h, o) first; then tanh's local slope is 1 - o**2, "
                "and a product gives each input the other input")


@chain.test("back through h to w1 and b1", points=2)
def _(case, got):
    _chain_test(case["on"], _table(got, "on", CHAIN_KEYS), ("b1", "w1"),
                "do/d{name}: the gradient at h is w2 times the gradient at n2; the ReLU passes it on (its input "
                "is positive here), then the product w1*x")


@chain.test("a first neuron that is off")
def _(case, got):
    _chain_test(case["off"], _table(got, "off", CHAIN_KEYS), CHAIN_KEYS,
                "do/d{name}: here the ReLU's input is negative, so h = 0: what does that make w2's gradient, "
                "and what does the ReLU pass back?")
