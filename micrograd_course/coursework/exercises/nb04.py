"""Notebook 4: automatic backprop.

4.1 abs and 4.2 log (easy): a new operation's value and ``_backward``.
4.3 backward() without recursion (medium, scaffolded).
4.4 the bug in ``__sub__`` (medium): read a gradient check, fix the sign.
4.5 ``Value ** Value`` (stretch): two inputs, two different local derivatives.
"""

import math
import re

from ..framework import Exercise, Fail, close, expect, expect_equal, expect_fixed
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


def _sign(x):
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


_value_test(absolute, abs, "|x|")
backward_tests(absolute, _sign, "|x|", rule="d|x|/dx = +1 for x > 0 and -1 for x < 0", mistakes=[
    (lambda x: -_sign(x), "the slope of |x| has the wrong sign: |x| grows as x moves away from 0, on either side"),
    (abs, "you passed on |x| itself (the output), not its slope"),
    (lambda x: x, "you passed on x itself, not the slope of |x|"),
    (lambda x: 1.0, "the slope is +1 on both sides of 0: left of 0, |x| goes down as x goes up"),
])


@absolute.probe
def _(got, case, Value):
    a = Value(0.0)
    out = a.abs()
    out.grad = case["upstream"]
    out._backward()
    got["at_zero"] = a.grad


@absolute.test("at exactly x = 0")
def _(case, got):
    g = got["at_zero"]
    if close(g, case["upstream"]) or close(g, -case["upstream"]):
        side = "right" if close(g, case["upstream"]) else "left"
        raise Fail(f"at exactly x = 0 your _backward uses the slope from the {side} of 0: the statement gives "
                   "x = 0 a case of its own (self.data == 0)", f"a.grad for Value(0.0).abs(): got {g:.6g}")
    expect_fixed(g, 0.0, "at exactly x = 0 the gradient is off: the statement gives x = 0 a case of its own "
                 "(self.data == 0)", "a.grad for Value(0.0).abs()")


# ----------------------------------------------------------------------
log = Exercise("4.2", "log with its gradient", uses=("Value",))


@log.cases
def _(rng):
    return {"xs": [round(rng.uniform(0.2, 5), 3) for _ in range(3)], "upstream": upstream(rng),
            "preset": round(rng.uniform(0.5, 2), 3)}


log.probe(lambda got, case, Value: unary_backward(got, Value, lambda a: a.log(), case["xs"],
                                                  case["upstream"], case["preset"]))
_value_test(log, math.log, "ln(x)")
backward_tests(log, lambda x: 1 / x, "ln(x)", rule="d ln(x)/dx = 1/x, with x the input's data", mistakes=[
    (lambda x: 1 / math.log(x), "you used the output's data (ln x) where the input's data belongs"),
    (lambda x: x, "you multiplied by the input's data where the local derivative divides by it"),
    (math.log, "you passed on ln(x) itself (the output), not its slope"),
    (lambda x: -1 / x, "the local derivative has the wrong sign: ln(x) goes up as x goes up"),
])

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


def _own_operation(out, a, b):
    """Whether ``out`` is one node made directly from a and b (not a + (-b), built from other operations)."""
    return any(child is a for child in out._prev) and any(child is b for child in out._prev)


@sub.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a - b
    got["data"] = out.data
    got["own_operation"] = _own_operation(out, a, b)
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


def _one_operation(got):
    if not got["own_operation"]:
        raise Fail("your a - b is built from other operations, like the lecture's a + (-b): correct, but not this "
                   "exercise, which is about subtraction as an operation of its own. Keep the given forward pass "
                   "and fix its _backward")


# The forward pass of __sub__ is given in the notebook: only the student's _backward earns points.
@sub.test("gradients: + for a, - for b (times out.grad)", points=3)
def _(case, got):
    expect(got["data"], case["a"] - case["b"], "(a - b).data should be a.data - b.data: keep the given forward pass",
           f"Value({case['a']}) - Value({case['b']})")
    _one_operation(got)
    ga, gb = got["grads"]
    g = case["upstream"]
    expect(ga, g, "a - b moves up one for one with a: a.grad gets out.grad", f"a.grad for a - b, out.grad={g:.4g}")
    if close(gb, g):
        raise Fail("b.grad has the wrong sign: a - b goes DOWN when b goes up",
                   f"b.grad for a - b, out.grad={g:.4g}: got {gb:.6g}")
    if close(abs(gb), 1.0):
        raise Fail("b.grad has the right sign but leaves out out.grad: the chain rule multiplies by it",
                   f"b.grad for a - b, out.grad={g:.4g}: got {gb:.6g}")
    expect(gb, -g, "b.grad is off: a - b goes down as fast as b goes up, times out.grad",
           f"b.grad for a - b, out.grad={g:.4g}")


@sub.test("accumulate with +=")
def _(case, got):
    _one_operation(got)
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


def _diagnosed(got, right, mistakes, look, what):
    """Fail unless ``got`` is close to ``right``: with the hint of the first classic mistake it matches, else ``look``."""
    if close(got, right):
        return
    for wrong, hint in mistakes:
        if close(got, wrong):
            raise Fail(hint, f"{what}: got {got:.6g}")
    expect(got, right, look, what)


@power.test("the base's gradient (times out.grad)", after=())
def _(case, got):
    a, b, g = case["a"], case["b"], case["upstream"]
    ga, _ = _grads(a, b, g)
    _diagnosed(got["chain"][0], ga, [
        (0.0, "the base got no gradient: _backward must add to self.grad too"),
        (ga / g, "the base's local derivative is not multiplied by out.grad"),
        (b * a ** b * g, "the base's power is one too high: the power rule lowers the exponent by one"),
        (_grads(a, b, g)[1], "the base got the exponent's rule: self is the base, other the exponent"),
    ], "the base's gradient is wrong: it is the power rule, with the exponent's data",
        f"d(a**b)/da = b * a**(b-1); a.grad for a ** b, a={a}, b={b}, out.grad={g:.4g}")


@power.test("the exponent's gradient (times out.grad)", points=2, after=())
def _(case, got):
    a, b, g = case["a"], case["b"], case["upstream"]
    _, gb = _grads(a, b, g)
    _diagnosed(got["chain"][1], gb, [
        (0.0, "the exponent got no gradient: _backward must add to other.grad as well"),
        (math.log(a) * g, "the exponent's gradient is missing a factor: the exponential a**b itself (the output's data)"),
        (a ** b * g, "the exponent's gradient is missing the logarithm of the base"),
        (gb / g, "the exponent's local derivative is not multiplied by out.grad"),
        (a ** b * math.log(abs(b)) * g, "you took the logarithm of the exponent: it is the base's"),
        (b * a ** (b - 1) * g, "that is the power rule, the base's rule: in the exponent b, a**b is an exponential"),
    ], "the exponent's gradient is wrong: with a fixed, a**b is an exponential in b",
        f"d(a**b)/db = a**b * ln(a); b.grad for a ** b, a={a}, b={b}, out.grad={g:.4g}")


@power.test("accumulate with += (both inputs)", after=())
def _(case, got):
    ga, gb = _grads(case["a"], case["b"], case["upstream"])
    p = case["preset"]
    for name, start, right in [("a", got["accumulate"][0], ga), ("b", got["accumulate"][1], gb)]:
        if close(start, right) and not close(right, p + right):
            raise Fail("an input that already had a gradient lost it: add to self.grad and other.grad with +=",
                       f"{name}.grad starting at {p}: expected {p + right:.6g}, got {start:.6g}")
        expect(start, p + right, "the gradients are off even before accumulating: fix the tests above first",
               f"{name}.grad starting at {p}")


@power.test("a plain-number exponent, also on a negative base", after=())
def _(case, got):
    x, n, g = case["negative"], case["n"], case["upstream"]
    if "number_exponent" not in got:
        for error in got.errors:
            if error.get("error") == "AttributeError" and re.match(r"'(int|float)' object has no attribute",
                                                                    str(error.get("message", ""))):
                raise Fail("a plain-number exponent (Value(x) ** 3) reaches power() as a number, which has no "
                           ".data: wrap it in a Value first (or handle a number on its own)")
            if error.get("error") == "ValueError":
                raise Fail("Value(x) ** 3 with x < 0 failed in math.log: a negative base has no logarithm, "
                           "so take ln(a) only when a > 0 (a constant exponent's gradient is never used)")
            if error.get("error") == "TypeError":
                raise Fail("Value(x) ** 3 must still work: a plain-number exponent has to be wrapped in a Value "
                           "(or handled on its own) before its data is used")
    data, ga = got["number_exponent"]
    expect(data, x ** n, "Value(x) ** n with a plain number n should be x ** n", f"Value({x}) ** {n}")
    expect(ga, n * x ** (n - 1) * g, "with a plain-number exponent the base's gradient is off: it is the same "
           "power rule as with a Value exponent", f"a.grad for {x} ** {n}, out.grad={g:.4g}")


@power.probe
def _(got, case, Value):
    x = Value(case["x"])
    out = x ** x
    out.backward()
    got["x_to_the_x"] = x.grad


@power.test("x ** x through backward()", after=("4.3",))
def _(case, got):
    x = case["x"]
    base_part, exponent_part = x ** x, x ** x * math.log(x)  # x * x**(x-1), and x**x * ln(x)
    g = got["x_to_the_x"]
    if close(g, base_part + exponent_part):
        return
    what = f"x.grad for x ** x at x={x}"
    a, b, up = case["a"], case["b"], case["upstream"]
    if not all(close(mine, right) for mine, right in zip(got["chain"], _grads(a, b, up))):
        raise Fail("x ** x adds the base's and the exponent's gradients, and one of them is wrong: fix the tests "
                   "above first", f"{what}: got {g:.6g}")
    if close(g, base_part) or close(g, exponent_part):
        raise Fail("x is both base and exponent, and one line of _backward overwrote the other's share: both "
                   "lines must add (+=)", f"{what}: got {g:.6g}")
    expect(g, base_part + exponent_part, "x is both base and exponent: its gradient is the sum of the two local "
           "rules, each added once", what)
