"""Notebook 3: backprop by hand.

A first failed check names the mistake (what the answer looks like) and never the rule or the number;
the rule the mistake broke goes into the detail, shown from the second try on.
"""

import itertools
import math

from ..framework import Exercise, Fail, close, expect, expect_fixed, shown


def _table(got, key, names):
    """The dict ``got[key]``, with an entry for every name."""
    table = got[key]
    if not isinstance(table, dict):
        raise Fail(f"{key} should be a dict from a node's name to its gradient")
    for name in names:
        if name not in table:
            raise Fail(f"no entry for {name!r} yet: fill in every gradient")
    return table


def _miss(look, rule, what, answer):
    """Fail with ``look``; the ``rule`` and the student's own answer wait for the second try."""
    raise Fail(look, f"{rule}; {what}: got {shown(answer)}")


# ----------------------------------------------------------------------
manual = Exercise("3.1", "gradients of L = (a + b)*(c*f) by hand", uses=("grads",))
A, B, C, F = 3.0, -5.0, 4.0, -1.5
D = A + B   # d = a + b
E = C * F   # e = c * f;  L = d * e
RIGHT_31 = {"L": 1.0, "d": E, "e": D, "a": E, "b": E, "c": F * D, "f": C * D}
LECTURE_31 = {"L": 1.0, "d": -2.0, "f": 4.0, "e": -2.0, "c": -2.0, "a": 6.0, "b": -4.0}  # notebook 3's graph
PRODUCT_RULE = "a product gives each input the other input, times the gradient arriving at the product"


@manual.probe
def _(got, case, grads):
    got["grads"] = dict(grads)


def _not_the_lecture(grads):
    """Fail if ``grads`` holds the lecture's gradients (for its own graph and values)."""
    telling = [k for k in LECTURE_31 if not close(LECTURE_31[k], RIGHT_31[k])]
    if sum(close(grads.get(k), LECTURE_31[k]) for k in telling) >= 3:
        raise Fail("these are the lecture's gradients, for the lecture's graph and its values; this graph has "
                   "a new shape and new numbers: work them out from the drawing above, right to left")


@manual.test("the last step: L, d and e")
def _(case, got):
    grads = _table(got, "grads", list(RIGHT_31))
    _not_the_lecture(grads)
    expect_fixed(grads["L"], 1.0, "dL/dL: if L moves by a little, how much does L move?", "grads['L']")
    for name, mine, other in [("d", D, "e"), ("e", E, "d")]:
        answer, what = grads[name], f"grads[{name!r}]"
        if close(answer, RIGHT_31[name]):
            continue
        if close(answer, mine):
            _miss(f"dL/d{name}: that is {name}'s own value; in L = d*e, which value does a nudge of {name} "
                  "get multiplied by?", f"in L = d*e, {name} receives {other}, times dL/dL", what, answer)
        if close(answer, 1.0):
            _miss(f"dL/d{name}: 1 is what a sum would pass on, but L = d*e is a product",
                  f"in L = d*e, {name} receives {other}, times dL/dL", what, answer)
        _miss(f"dL/d{name}: L = d*e; nudge {name} by a little: how much does L move?",
              f"in L = d*e, {name} receives {other}, times dL/dL", what, answer)


@manual.test("through the plus: a and b")
def _(case, got):
    grads = _table(got, "grads", list(RIGHT_31))
    _not_the_lecture(grads)
    for name, other_value in [("a", B), ("b", A)]:
        answer, what = grads[name], f"grads[{name!r}]"
        if close(answer, RIGHT_31[name]):
            continue
        rule = "a sum passes the gradient arriving at it (dL/dd) through unchanged"
        if close(answer, 1.0):
            _miss(f"dL/d{name}: that is only the local slope of d = a + b; L is further along, through d",
                  rule, what, answer)
        if close(answer, D):
            _miss(f"dL/d{name}: that is d's value, not its gradient", rule, what, answer)
        if close(answer, other_value) or close(answer, other_value * E):
            _miss(f"dL/d{name}: you treated d = a + b as a product; it is a sum", rule, what, answer)
        _miss(f"dL/d{name}: {name} reaches L only through d = a + b; what does a sum do to the gradient "
              "arriving at it?", rule, what, answer)


@manual.test("through the product: c and f", points=2)
def _(case, got):
    grads = _table(got, "grads", list(RIGHT_31))
    _not_the_lecture(grads)
    for name, mine, other_value, other in [("c", C, F, "f"), ("f", F, C, "c")]:
        answer, what = grads[name], f"grads[{name!r}]"
        if close(answer, RIGHT_31[name]):
            continue
        rule = f"e = c*f gives {name} the other input ({other}), times dL/de"
        if close(answer, other_value):
            _miss(f"dL/d{name}: that is only the local derivative de/d{name}; L depends on {name} through e, "
                  "and e is not the output", rule, what, answer)
        if close(answer, mine * D) or close(answer, mine):
            _miss(f"dL/d{name}: you used {name}'s own value; in e = c*f, which value does a nudge of {name} "
                  "get multiplied by?", rule, what, answer)
        if close(answer, other_value * E):
            _miss(f"dL/d{name}: you multiplied by the gradient at d, but {name} reaches L through e, not d",
                  rule, what, answer)
        _miss(f"dL/d{name}: L depends on {name} only through e; follow that path one step at a time",
              rule, what, answer)


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
    answer = grads["s"]
    if not close(answer, A2):
        rule = "g = s*a gives s the other input, a, times dg/dg"
        if close(answer, S2):
            _miss("dg/ds: that is s's own value; in g = s*a, which value does a nudge of s get multiplied by?",
                  rule, "twice_grads['s']", answer)
        _miss("dg/ds: g = s*a; nudge s by a little: how much does g move?", rule, "twice_grads['s']", answer)


@twice.test("a: two paths add up", points=2)
def _(case, got):
    answer = _table(got, "grads", ["a"])["a"]
    if close(answer, S2 + A2):
        return
    rule = "add a's contribution as the product's input (the other input, s, times dg/dg) and through the sum s"
    if close(answer, S2) or close(answer, A2):
        _miss("dg/da: a reaches g by two paths, straight into the product and through s; you have one "
              "of them. Add both contributions", rule, "twice_grads['a']", answer)
    _miss("dg/da: a reaches g by two paths, straight into the product and through s: work out each path's "
          "share on its own", rule, "twice_grads['a']", answer)


@twice.test("b")
def _(case, got):
    answer = _table(got, "grads", ["b"])["b"]
    if not close(answer, A2):
        _miss("dg/db: b reaches g only through s = a + b; what does a sum do to the gradient arriving at it?",
              "a sum passes dg/ds through unchanged", "twice_grads['b']", answer)


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
    return {"x1": w1 * dn + 0.0, "w1": x1 * dn + 0.0, "x2": w2 * dn + 0.0, "w2": x2 * dn + 0.0, "b": dn}  # no -0


@relu_neuron.probe
def _(got, case, relu_neuron_grads):
    for kind in ("live", "dead", "corner"):
        got[kind] = dict(relu_neuron_grads(*case[kind]))


def _neuron_what(args):
    return "relu_neuron_grads(x1={:g}, x2={:g}, w1={:g}, w2={:g}, b={:g})".format(*args)


def _numbers(answer, right, names):
    """Expected and got for each wrong entry: the second try's detail."""
    return "; ".join(f"do/d{k}: expected {shown(right[k])}, got {shown(answer[k])}"
                     for k in names if not close(answer[k], right[k]))


@relu_neuron.test("a neuron whose n is positive: the products", points=2)
def _(case, got):
    args = case["live"]
    answer, right = _table(got, "live", NEURON_KEYS), _relu_neuron(*args)
    what = _neuron_what(args)
    names = ("x1", "w1", "x2", "w2")
    if all(close(answer[k], right[k]) for k in names):
        return
    rule = "in x1*w1, x1 receives the other input, w1, times what reaches the product (and so on for x2*w2)"
    x1, x2, w1, w2, _ = args
    for first, second, mine_first, mine_second in [("x1", "w1", x1, w1), ("x2", "w2", x2, w2)]:
        if close(answer[first], mine_first) and close(answer[second], mine_second):
            raise Fail(f"do/d{first} and do/d{second} are swapped: each of them got its own value",
                       f"{rule}; {what}: {_numbers(answer, right, names)}")
    raise Fail("do/d{} is off for a neuron whose n is positive: go right to left, ReLU first, then the sums, "
               "then the product".format(next(k for k in names if not close(answer[k], right[k]))),
               f"where n > 0 the ReLU passes the gradient on unchanged; {rule}; {what}: "
               f"{_numbers(answer, right, names)}")


@relu_neuron.test("the bias")
def _(case, got):
    args = case["live"]
    expect(_table(got, "live", NEURON_KEYS)["b"], _relu_neuron(*args)["b"], "do/db is off for a neuron whose n "
           "is positive: follow b to o, one node at a time", _neuron_what(args))


def _without_relu(answer, args):
    """The answer is the gradients of the plain sum n, as if there were no ReLU (its slope taken as 1)."""
    x1, x2, w1, w2, _ = args
    plain = {"x1": w1, "w1": x1, "x2": w2, "w2": x2, "b": 1.0}
    return all(close(answer[name], plain[name]) for name in NEURON_KEYS)


NO_RELU = ("these are the gradients of n itself, as if the ReLU were not there: what does a ReLU do to the "
           "gradient when its input is negative?")
NO_RELU_RULE = "the ReLU's slope, 1 where n > 0 and 0 elsewhere, multiplies every gradient behind it"


@relu_neuron.test("a neuron whose n is negative: nothing gets through", points=2)
def _(case, got):
    args = case["dead"]
    answer, right = _table(got, "dead", NEURON_KEYS), _relu_neuron(*args)
    if all(close(answer[k], right[k]) for k in NEURON_KEYS):
        return
    if _without_relu(answer, args):
        raise Fail(NO_RELU, f"{NO_RELU_RULE}; {_neuron_what(args)}: {_numbers(answer, right, NEURON_KEYS)}")
    raise Fail("here n is negative: nudge any input or weight a little; does o move?",
               f"{NO_RELU_RULE}; {_neuron_what(args)}: {_numbers(answer, right, NEURON_KEYS)}")


@relu_neuron.test("n exactly 0: the convention")
def _(case, got):
    args = case["corner"]
    answer = _table(got, "corner", NEURON_KEYS)
    dead_right = all(close(_table(got, "dead", NEURON_KEYS)[name], 0.0) for name in NEURON_KEYS)
    if _without_relu(answer, args) and not dead_right:
        raise Fail(NO_RELU, _neuron_what(args))
    for name in NEURON_KEYS:
        expect(answer[name], 0.0, "at n = 0 exactly ReLU has a corner; use the convention that its slope "
               "there is 0 (as PyTorch does): check how your code treats n == 0", _neuron_what(args))


# ----------------------------------------------------------------------
chain = Exercise("3.4", "two neurons in a row", uses=("two_neuron_grads",))
CHAIN_KEYS = ("w2", "b2", "w1", "b1")


def _two_neurons(x, w1, b1, w2, b2, slope="1 - o**2", w2_in_chain=True, relu_gate=True, relu_forward=True,
                 own_w2=False, own_w1=False):
    """The gradients, right or with one of the classic mistakes switched on."""
    n1 = w1 * x + b1
    h = n1 if n1 > 0 or not relu_forward else 0.0
    n2 = w2 * h + b2
    o = math.tanh(n2)
    dn2 = {"1 - o**2": 1 - o ** 2, "1 - n**2": 1 - n2 ** 2, "none": 1.0}[slope]
    dh = (w2 if w2_in_chain else 1.0) * dn2
    dn1 = dh * (1.0 if n1 > 0 or not (relu_gate and relu_forward) else 0.0)
    grads = {"w2": (w2 if own_w2 else h) * dn2, "b2": dn2, "w1": (w1 if own_w1 else x) * dn1, "b1": dn1}
    return {name: grad + 0.0 for name, grad in grads.items()}  # 0.0, never -0.0, in a hint


# (the mistake, as a switch of _two_neurons; the first hint, naming it; the rule it broke, for the second try)
CHAIN_MISTAKES = [
    (dict(slope="none"), "the tanh is missing: your gradients are what they would be if o were n2 itself",
     "o = tanh(n2) multiplies every gradient behind it by its local slope, 1 - o**2"),
    (dict(slope="1 - n**2"), "the tanh's local slope is written with its input n2, where the rule uses its "
                             "output o", "tanh's local slope is 1 - o**2, with o = tanh(n2)"),
    (dict(w2_in_chain=False), "the gradient went from n2 to h unchanged, as if h entered n2 through a sum; "
                              "look at how h enters n2",
     "h enters n2 through the product w2*h, so the gradient at h is w2 times the gradient at n2"),
    (dict(relu_gate=False), "here w1*x + b1 is negative, yet w1 and b1 get a gradient: the ReLU's part in "
                            "the backward pass is missing", "where its input is negative the ReLU passes 0 back"),
    (dict(relu_forward=False), "here w1*x + b1 is negative, yet your h is w1*x + b1 itself: the ReLU is "
                               "missing", "h = relu(w1*x + b1) is 0 here, and the ReLU passes 0 back"),
    (dict(own_w2=True), "w2 got its own value from its product w2*h",
     "a product gives each input the other input: w2 gets h, times the gradient arriving"),
    (dict(own_w1=True), "w1 got its own value from its product w1*x",
     "a product gives each input the other input: w1 gets x, times the gradient arriving"),
]


@chain.cases
def _(rng):
    def pair(on):
        while True:
            x, w1 = rng.choice([-1, 1]) * rng.uniform(0.5, 2), rng.choice([-1, 1]) * rng.uniform(0.5, 2)
            b1 = -w1 * x + (1 if on else -1) * rng.uniform(0.3, 1.5)  # n1 = +-(0.3 .. 1.5)
            w2 = rng.choice([-1, 1]) * rng.uniform(0.4, 1.5)
            b2 = rng.choice([-1, 1]) * rng.uniform(0.3, 0.8)  # away from 0, where 1 - b2**2 ~ 1 - tanh(b2)**2
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


def _chain_mistake(answer, args, names):
    """The classic mistakes (one, or two at once) that ``answer`` matches on ``names``: (looks, rules)."""
    right = _two_neurons(*args)
    for count in (1, 2):
        for combo in itertools.combinations(CHAIN_MISTAKES, count):
            switches = {}
            for variant, _, _ in combo:
                switches.update(variant)
            wrong = _two_neurons(*args, **switches)
            if (any(not close(wrong[k], right[k]) for k in names)
                    and all(close(answer[k], wrong[k]) for k in names)):
                return [look for _, look, _ in combo], [rule for _, _, rule in combo]
    return None


# Where the first wrong entry (right to left) points, when no classic mistake matches: (look, rule).
CHAIN_SYMPTOMS = {
    "b2": ("do/db2 is off: b2 goes straight into n2, so its gradient is what the tanh passes back; check the "
           "forward pass (n1, h, n2, o) and the tanh's slope", "tanh's local slope is 1 - o**2"),
    "w2": ("do/dw2 is off while do/db2 is right: the step through the product w2*h",
           "w2 receives the other input of w2*h, h, times the gradient at n2"),
    "b1": ("do/db1 is off: check the steps from n2 back to h and through the ReLU",
           "the gradient at h is w2 times the gradient at n2; the ReLU passes it on only where w1*x + b1 > 0"),
    "w1": ("do/dw1 is off while do/db1 is right: the step through the product w1*x",
           "w1 receives the other input of w1*x, x, times the gradient at n1"),
}


def _chain_test(args, answer, names):
    right = _two_neurons(*args)
    wrong = [k for k in CHAIN_SYMPTOMS if k in names and not close(answer[k], right[k])]
    if not wrong:
        return
    numbers = "; ".join(f"do/d{k}: expected {shown(right[k])}, got {shown(answer[k])}" for k in wrong)
    found = _chain_mistake(answer, args, names)
    if found:
        looks, rules = found
        raise Fail("; and ".join(looks), f"{'; '.join(rules)}; {_chain_what(args)}: {numbers}")
    look, rule = CHAIN_SYMPTOMS[wrong[0]]
    raise Fail(look, f"{rule}; {_chain_what(args)}: {numbers}")


@chain.test("the tanh neuron: w2 and b2")
def _(case, got):
    _chain_test(case["on"], _table(got, "on", CHAIN_KEYS), ("b2", "w2"))


@chain.test("back through h to w1 and b1", points=2)
def _(case, got):
    _chain_test(case["on"], _table(got, "on", CHAIN_KEYS), ("b1", "w1"))


@chain.test("a first neuron that is off")
def _(case, got):
    _chain_test(case["off"], _table(got, "off", CHAIN_KEYS), CHAIN_KEYS)
