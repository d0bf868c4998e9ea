"""Notebook 4: automatic backprop.

4.1 abs and 4.2 log (easy): a new operation's value and ``_backward``.
4.3 backward() without recursion (medium, scaffolded).
4.4 the bug in ``__sub__`` (medium): read a gradient check, fix the sign.
4.5 ``Value ** Value`` (stretch): two inputs, two different local derivatives.
"""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal
from ._shared import backward_tests, unary_backward, upstream


def _signed(rng, low, high):
    return round(rng.choice([-1, 1]) * rng.uniform(low, high), 3)


def _value_test(exercise, function, name):
    @exercise.test(f"the value {name}")
    def _(case, got):
        for x, data in zip(case["xs"], got["data"]):
            expect(data, function(x), f"the output's data should be {name}", f"{name} at x={x}")


# ----------------------------------------------------------------------
absolute = Exercise("4.1", "abs with its gradient", uses=("Value",))


@absolute.cases
def _(rng):
    xs = [-round(rng.uniform(0.5, 3), 3), round(rng.uniform(0.5, 3), 3), _signed(rng, 0.5, 3)]
    return {"xs": xs, "upstream": upstream(rng), "preset": round(rng.uniform(0.5, 2), 3)}


absolute.probe(lambda got, case, Value: unary_backward(got, Value, lambda a: a.abs(), case["xs"],
                                                       case["upstream"], case["preset"]))
_value_test(absolute, abs, "|x|")
backward_tests(absolute, lambda x: 1.0 if x > 0 else -1.0,
               "|x| (+1 right of 0, -1 left of it: look at the sign of self.data)")

# ----------------------------------------------------------------------
log = Exercise("4.2", "log with its gradient", uses=("Value",))


@log.cases
def _(rng):
    return {"xs": [round(rng.uniform(0.2, 5), 3) for _ in range(3)], "upstream": upstream(rng),
            "preset": round(rng.uniform(0.5, 2), 3)}


log.probe(lambda got, case, Value: unary_backward(got, Value, lambda a: a.log(), case["xs"],
                                                  case["upstream"], case["preset"]))
_value_test(log, math.log, "ln(x)")
backward_tests(log, lambda x: 1 / x, "ln(x) (it is 1/x, using the input's data)")

# ----------------------------------------------------------------------
backward = Exercise("4.3", "backward() without recursion", uses=("Value", "topological_order"))
_LEAVES = ("a", "b", "c", "f")
_EDGES = {"d": ("a", "b"), "e": ("d", "c"), "L": ("e", "f"), "out": ("L", "a")}  # node: its children


@backward.cases
def _(rng):
    return {name: _signed(rng, 0.5, 4) for name in _LEAVES}


def _graph(case, Value):
    """out = (a*b + c)*f + a, every node labelled; a is used twice."""
    nodes = {name: Value(case[name]) for name in _LEAVES}
    nodes["d"] = nodes["a"] * nodes["b"]
    nodes["e"] = nodes["d"] + nodes["c"]
    nodes["L"] = nodes["e"] * nodes["f"]
    nodes["out"] = nodes["L"] + nodes["a"]
    return nodes


@backward.probe
def _(got, case, Value, topological_order):
    nodes = _graph(case, Value)
    names = {id(node): name for name, node in nodes.items()}
    got["order"] = [names.get(id(node), "?") for node in topological_order(nodes["out"])]


@backward.probe
def _(got, case, Value, topological_order):
    nodes = _graph(case, Value)
    nodes["out"].backward()
    got["grads"] = {name: nodes[name].grad for name in _LEAVES + ("out",)}


@backward.probe
def _(got, case, Value, topological_order):
    x = Value(0.5)
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0
    y.backward()
    got["deep"] = x.grad


@backward.test("every node once, children before parents")
def _(case, got):
    order = got["order"]
    expect_equal(sorted(order), sorted(_LEAVES + tuple(_EDGES)), "the order must hold every node the output "
                 "depends on, each exactly once: mark a node visited the first time you expand it", "the nodes")
    position = {name: i for i, name in enumerate(order)}
    for parent, children in _EDGES.items():
        for child in children:
            if position[child] > position[parent]:
                raise Fail("a node is appended before one of its children: append a node only when it comes "
                           "off the stack marked done, after you pushed it back and then its children",
                           f"{child} comes after {parent} in {order}")


@backward.test("backward(): seed 1, then every _backward in reverse order", points=2)
def _(case, got):
    a, b, c, f = (case[name] for name in _LEAVES)
    grads = got["grads"]
    expect(grads["out"], 1.0, "backward() starts by setting the output's own grad to 1 (dout/dout)", "out.grad")
    look = ("the gradients are off: run _backward on the nodes of topological_order(self) in REVERSE, so that a "
            "node runs only after every node that uses it")
    expect(grads["a"], b * f + 1, look, f"a.grad for out = (a*b + c)*f + a at {case}")
    expect(grads["b"], a * f, look, "b.grad")
    expect(grads["c"], f, look, "c.grad")
    expect(grads["f"], a * b + c, look, "f.grad")


@backward.test("a 3,000-node chain (no recursion)")
def _(case, got):
    if "deep" not in got and any(e.get("error") == "RecursionError" for e in got.errors):
        raise Fail("a 3,000-node chain hit Python's recursion limit: use the stack, not a function that calls itself")
    expect(got["deep"], 1.0, "the start of a long chain of * 1.0 should get gradient 1", "x.grad")


# ----------------------------------------------------------------------
sub = Exercise("4.4", "find the bug in __sub__", uses=("Value",))


@sub.cases
def _(rng):
    return {"a": _signed(rng, 0.5, 5), "b": _signed(rng, 0.5, 5), "upstream": upstream(rng),
            "preset": round(rng.uniform(0.5, 2), 3)}


@sub.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a - b
    got["data"] = out.data
    out.grad = case["upstream"]
    out._backward()
    got["grads"] = [a.grad, b.grad]


@sub.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    b.grad = case["preset"]
    out = a - b
    out.grad = case["upstream"]
    out._backward()
    got["accumulate"] = b.grad


# The forward pass of __sub__ is given in the notebook: only the student's _backward earns points.
@sub.test("gradients: + for a, - for b (times out.grad)", points=3)
def _(case, got):
    expect(got["data"], case["a"] - case["b"], "(a - b).data should be a.data - b.data: keep the given forward pass",
           f"Value({case['a']}) - Value({case['b']})")
    ga, gb = got["grads"]
    g = case["upstream"]
    expect(ga, g, "a - b moves up one for one with a: a.grad gets out.grad", f"a.grad for a - b, out.grad={g:.4g}")
    expect(gb, -g, "b.grad has the wrong sign or size: a - b goes DOWN when b goes up, and the chain rule "
           "multiplies by out.grad", f"b.grad for a - b, out.grad={g:.4g}")


@sub.test("accumulate with +=")
def _(case, got):
    g, preset = case["upstream"], case["preset"]
    if close(got["accumulate"], -g) and not close(-g, preset - g):
        raise Fail("an input that already had a gradient lost it: add with +=, do not assign",
                   f"b.grad starting at {preset}: expected {preset - g:.6g}, got {got['accumulate']:.6g}")
    expect(got["accumulate"], preset - g, "b.grad is off even before accumulating: fix the gradient test first",
           f"b.grad starting at {preset}, out.grad={g:.4g}")


# ----------------------------------------------------------------------
power = Exercise("4.5", "Value ** Value", uses=("Value",), after=("4.3",))  # only its last test uses backward()


@power.cases
def _(rng):
    return {"a": round(rng.uniform(0.5, 3), 3), "b": _signed(rng, 0.5, 2.5), "upstream": upstream(rng),
            "preset": round(rng.uniform(0.5, 2), 3), "negative": -round(rng.uniform(1, 3), 3),
            "n": rng.choice([2, 3]), "x": round(rng.uniform(0.5, 2.5), 3)}


@power.probe
def _(got, case, Value):
    for key, out_grad, start in [("chain", case["upstream"], 0.0), ("accumulate", case["upstream"], case["preset"])]:
        a, b = Value(case["a"]), Value(case["b"])
        a.grad = b.grad = start
        out = a ** b
        out.grad = out_grad
        out._backward()
        got["data"] = out.data
        got[key] = [a.grad, b.grad]


@power.probe
def _(got, case, Value):
    a = Value(case["negative"])
    out = a ** case["n"]
    out.grad = case["upstream"]
    out._backward()
    got["number_exponent"] = [out.data, a.grad]


def _grads(a, b, g):
    return b * a ** (b - 1) * g, a ** b * math.log(a) * g


@power.test("the value a ** b", after=())
def _(case, got):
    expect(got["data"], case["a"] ** case["b"], "(a ** b).data should be a.data ** b.data",
           f"Value({case['a']}) ** Value({case['b']})")


@power.test("the base's gradient: b * a**(b-1), times out.grad", after=())
def _(case, got):
    ga, _ = _grads(case["a"], case["b"], case["upstream"])
    expect(got["chain"][0], ga, "the base's local derivative is the power rule, with the exponent's *data*; "
           "multiply by out.grad", f"a.grad for a ** b, a={case['a']}, b={case['b']}, out.grad={case['upstream']:.4g}")


@power.test("the exponent's gradient: a**b * ln(a), times out.grad", points=2, after=())
def _(case, got):
    _, gb = _grads(case["a"], case["b"], case["upstream"])
    expect(got["chain"][1], gb, "for the exponent, a**b is an exponential: d(a**b)/db = a**b * ln(a); "
           "multiply by out.grad", f"b.grad for a ** b, a={case['a']}, b={case['b']}, out.grad={case['upstream']:.4g}")


@power.test("accumulate with += (both inputs)", after=())
def _(case, got):
    ga, gb = _grads(case["a"], case["b"], case["upstream"])
    p = case["preset"]
    look = "an input that already had a gradient lost it: add to self.grad and other.grad with +="
    expect(got["accumulate"][0], p + ga, look, f"a.grad starting at {p}")
    expect(got["accumulate"][1], p + gb, look, f"b.grad starting at {p}")


@power.test("a plain-number exponent, also on a negative base", after=())
def _(case, got):
    x, n, g = case["negative"], case["n"], case["upstream"]
    if "number_exponent" not in got and any(e.get("error") in ("ValueError", "TypeError") for e in got.errors):
        raise Fail("Value(-2.0) ** 3 must still work: wrap a plain-number exponent in a Value, and take ln(a) "
                   "only when a > 0 (a constant exponent's gradient is never used)")
    data, ga = got["number_exponent"]
    expect(data, x ** n, "Value(x) ** n with a plain number n should be x ** n", f"Value({x}) ** {n}")
    expect(ga, n * x ** (n - 1) * g, "the gradient of x ** n is n * x**(n-1) times out.grad", f"a.grad for {x} ** {n}")


@power.probe
def _(got, case, Value):
    x = Value(case["x"])
    out = x ** x
    out.backward()
    got["x_to_the_x"] = x.grad


@power.test("x ** x through backward(): d/dx = x**x (ln x + 1)", after=("4.3",))
def _(case, got):
    x = case["x"]
    expect(got["x_to_the_x"], x ** x * (math.log(x) + 1), "x is both base and exponent: its gradient is the sum of "
           "the two local rules, so both lines of _backward must add (+=)", f"x.grad for x ** x at x={x}")
