"""Notebook 4: automatic backprop."""

import math

from ..framework import Exercise, Fail, expect
from ._shared import backward_tests, sigmoid, unary_backward, upstream


def _numbers(rng, low, high, count=3):
    return [round(rng.choice([-1, 1]) * rng.uniform(low, high), 3) for _ in range(count)]


# ----------------------------------------------------------------------
mul = Exercise("4.1", "_backward of mul", uses=("Value",))


@mul.cases
def _(rng):
    a, b = _numbers(rng, 0.5, 4, 2)
    return {"a": a, "b": b, "upstream": upstream(rng), "preset": round(rng.uniform(0.5, 2), 3)}


@mul.probe
def _(got, case, Value):
    for key, out_grad, start in [("unit", 1.0, 0.0), ("chain", case["upstream"], 0.0),
                                 ("accumulate", case["upstream"], case["preset"])]:
        a, b = Value(case["a"]), Value(case["b"])
        a.grad = start
        out = a * b
        out.grad = out_grad
        out._backward()
        got[key] = [a.grad, b.grad]


@mul.probe
def _(got, case, Value):
    a = Value(case["a"])
    out = a * a
    out.grad = case["upstream"]
    out._backward()
    got["square"] = a.grad


@mul.test("local derivatives (out.grad = 1)")
def _(case, got):
    ga, gb = got["unit"]
    expect(ga, case["b"], "in a * b, a's local derivative is b (and b's is a)", f"a.grad for a*b, a={case['a']}, b={case['b']}")
    expect(gb, case["a"], "in a * b, b's local derivative is a", f"b.grad for a*b, a={case['a']}, b={case['b']}")


@mul.test("chain rule (out.grad is not 1)")
def _(case, got):
    ga, gb = got["chain"]
    g = case["upstream"]
    look = "with out.grad != 1 the gradients are off: multiply each local derivative by out.grad"
    expect(ga, case["b"] * g, look, f"a.grad for a*b, a={case['a']}, b={case['b']}, out.grad={g:.4g}")
    expect(gb, case["a"] * g, look, f"b.grad, out.grad={g:.4g}")


@mul.test("accumulate with += (a * a, a grad already set)")
def _(case, got):
    g = case["upstream"]
    look = "a Value used twice (a * a) gets a gradient from each use: add with +=, do not assign"
    expect(got["square"], 2 * case["a"] * g, look, f"a.grad for a*a, a={case['a']}, out.grad={g:.4g}")
    expect(got["accumulate"][0], case["preset"] + case["b"] * g, look, f"a.grad starting at {case['preset']}")


# ----------------------------------------------------------------------
def _unary_case(low, high):
    def make(rng):
        return {"xs": _numbers(rng, low, high), "upstream": upstream(rng), "preset": round(rng.uniform(0.5, 2), 3)}
    return make


tanh = Exercise("4.2", "_backward of tanh", uses=("Value",))
tanh.cases(_unary_case(0.1, 2.0))
tanh.probe(lambda got, case, Value: unary_backward(got, Value, lambda a: a.tanh(), case["xs"],
                                                   case["upstream"], case["preset"]))
backward_tests(tanh, lambda x: 1 - math.tanh(x) ** 2, "tanh (1 - t**2, with t = tanh(x))")

# ----------------------------------------------------------------------
power = Exercise("4.3", "_backward of pow", uses=("Value",))


@power.cases
def _(rng):
    return {"xs": [round(rng.uniform(0.5, 3), 3) for _ in range(3)], "ns": [2, -1, rng.choice([0.5, 3, -2])],
            "upstream": upstream(rng), "preset": round(rng.uniform(0.5, 2), 3)}


@power.probe
def _(got, case, Value):
    for key, out_grad, start in [("unit", 1.0, 0.0), ("chain", case["upstream"], 0.0),
                                 ("accumulate", case["upstream"], case["preset"])]:
        grads = []
        for x, n in zip(case["xs"], case["ns"]):
            a = Value(x)
            a.grad = start
            out = a ** n
            out.grad = out_grad
            out._backward()
            grads.append(a.grad)
        got[key] = grads


def _power_tests():
    def derivative(x, n):
        return n * x ** (n - 1)

    @power.test("local derivative (out.grad = 1)")
    def _(case, got):
        for x, n, g in zip(case["xs"], case["ns"], got["unit"]):
            expect(g, derivative(x, n), "the local derivative of x**n is n * x**(n - 1)", f"grad of x**{n} at x={x}")

    @power.test("chain rule (out.grad is not 1)")
    def _(case, got):
        for x, n, g in zip(case["xs"], case["ns"], got["chain"]):
            expect(g, derivative(x, n) * case["upstream"], "with out.grad != 1 the gradient is off: multiply by out.grad",
                   f"grad of x**{n} at x={x}, out.grad={case['upstream']:.4g}")

    @power.test("accumulate with +=")
    def _(case, got):
        for x, n, g in zip(case["xs"], case["ns"], got["accumulate"]):
            expect(g, case["preset"] + derivative(x, n) * case["upstream"],
                   "an input that already had a gradient lost it: add with +=, do not assign",
                   f"grad of x**{n} at x={x} starting at {case['preset']}")


_power_tests()

# ----------------------------------------------------------------------
backward = Exercise("4.4", "backward() with a topological sort", uses=("Value",), after=("4.1",))


@backward.cases
def _(rng):
    a, b = _numbers(rng, 0.5, 3, 2)
    return {"a": a, "b": b}


@backward.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    f = (a * b) * (a + b)
    f.backward()
    got["f"] = f.grad
    got["a"], got["b"] = a.grad, b.grad


@backward.probe
def _(got, case, Value):
    x = Value(0.5)
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0
    y.backward()
    got["deep"] = x.grad


@backward.test("seeds the output's grad with 1")
def _(case, got):
    expect(got["f"], 1.0, "backward() starts by setting the output's own grad: dL/dL", "f.grad after f.backward()")


@backward.test("every node after all its users")
def _(case, got):
    a, b = case["a"], case["b"]
    look = ("a is used twice (in a*b and a+b): its gradient must collect both paths, and each node's _backward "
            "may only run once everything that uses it has run (a topological order, reversed)")
    expect(got["a"], 2 * a * b + b * b, look, f"a.grad for f = (a*b)*(a+b), a={a}, b={b}")
    expect(got["b"], a * a + 2 * a * b, look, f"b.grad for f = (a*b)*(a+b), a={a}, b={b}")


@backward.test("a 3,000-node chain (no recursion)")
def _(case, got):
    if "deep" not in got and got.errors and got.errors[-1].get("error") == "RecursionError":
        raise Fail("a 3,000-node chain hit Python's recursion limit: build the order with a loop and a stack")
    expect(got["deep"], 1.0, "the start of a long chain of * 1.0 should get gradient 1", "x.grad")


# ----------------------------------------------------------------------
divide = Exercise("4.5", "division from mul and pow", uses=("Value",), after=("4.1", "4.3", "4.4"))


@divide.cases
def _(rng):
    a, b = _numbers(rng, 0.5, 4, 2)
    return {"a": a, "b": b, "c": round(rng.uniform(1, 5), 3)}


@divide.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a / b
    out.backward()
    got["value"] = [out.data, a.grad, b.grad]


@divide.probe
def _(got, case, Value):
    b = Value(case["b"])
    out = case["c"] / b
    out.backward()
    got["reflected"] = [out.data, b.grad]


@divide.test("a / b and its gradients")
def _(case, got):
    a, b = case["a"], case["b"]
    data, ga, gb = got["value"]
    what = f"a / b with a={a}, b={b}"
    expect(data, a / b, "a / b is a * b**-1", what)
    expect(ga, 1 / b, "d(a/b)/da is 1/b; write / with * and ** so their _backward does the work", f"a.grad, {what}")
    expect(gb, -a / b ** 2, "d(a/b)/db is -a/b**2; write / with * and ** so their _backward does the work",
           f"b.grad, {what}")


@divide.test("number / Value (__rtruediv__)")
def _(case, got):
    c, b = case["c"], case["b"]
    data, gb = got["reflected"]
    what = f"{c} / Value({b})"
    expect(data, c / b, "c / b with c a plain number calls b.__rtruediv__(c): it is c * b**-1", what)
    expect(gb, -c / b ** 2, "the gradient of c / b with respect to b is -c/b**2", f"b.grad, {what}")


# ----------------------------------------------------------------------
sub = Exercise("4.6", "find the bug in __sub__", uses=("Value",))


@sub.cases
def _(rng):
    a, b = _numbers(rng, 0.5, 5, 2)
    return {"a": a, "b": b, "upstream": upstream(rng)}


@sub.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a - b
    got["data"] = out.data
    out.grad = case["upstream"]
    out._backward()
    got["grads"] = [a.grad, b.grad]


def _sub_grads(case, got):
    expect(got["data"], case["a"] - case["b"], "(a - b).data should be a.data - b.data",
           f"Value({case['a']}) - Value({case['b']})")
    return got["grads"]


@sub.test("a.grad: + out.grad")
def _(case, got):
    g = case["upstream"]
    expect(_sub_grads(case, got)[0], g, "a - b moves up with a one for one: a.grad gets out.grad",
           f"a.grad for a - b, out.grad={g:.4g}")


@sub.test("b.grad: - out.grad")
def _(case, got):
    g = case["upstream"]
    expect(_sub_grads(case, got)[1], -g, "b.grad has the wrong sign or size: a - b goes DOWN when b goes up",
           f"b.grad for a - b, out.grad={g:.4g}")


# ----------------------------------------------------------------------
exp_sigmoid = Exercise("4.7", "exp and sigmoid with gradients", uses=("Value",))
exp_sigmoid.cases(_unary_case(0.2, 2.5))


@exp_sigmoid.probe
def _(got, case, Value):
    record = {}
    unary_backward(record, Value, lambda a: a.exp(), case["xs"], case["upstream"], case["preset"])
    got["exp"] = record


@exp_sigmoid.probe
def _(got, case, Value):
    record = {}
    unary_backward(record, Value, lambda a: a.sigmoid(), case["xs"], case["upstream"], case["preset"])
    got["sigmoid"] = record


@exp_sigmoid.probe
def _(got, case, Value):
    got["far"] = [Value(-800.0).sigmoid().data, Value(800.0).sigmoid().data]


def _unary_ok(case, record, function, derivative, name):
    if not isinstance(record, dict):
        raise Fail(f"{name} did not run")
    g = case["upstream"]
    for i, x in enumerate(case["xs"]):
        expect(record["data"][i], function(x), f"{name}(x) has the wrong value", f"Value({x}).{name}().data")
        expect(record["chain"][i], derivative(x) * g, f"the gradient of {name} is off; remember * out.grad",
               f"a.grad for {name} at x={x}, out.grad={g:.4g}")
        expect(record["accumulate"][i], case["preset"] + derivative(x) * g,
               f"{name}'s _backward must add to self.grad with +=", f"a.grad starting at {case['preset']}")


@exp_sigmoid.test("exp: value and gradient")
def _(case, got):
    _unary_ok(case, got["exp"], math.exp, math.exp, "exp")


@exp_sigmoid.test("sigmoid: value and gradient")
def _(case, got):
    _unary_ok(case, got["sigmoid"], sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)), "sigmoid")


@exp_sigmoid.test("sigmoid of -800 and 800 without overflow")
def _(case, got):
    if "far" not in got and any(e.get("error") == "OverflowError" for e in got.errors):
        raise Fail("sigmoid(-800) overflowed: for negative x use e**x / (1 + e**x)")
    low, high = got["far"]
    expect(low, 0.0, "sigmoid(-800) should be 0 (to within round-off)", "sigmoid(-800)")
    expect(high, 1.0, "sigmoid(800) should be 1", "sigmoid(800)")
