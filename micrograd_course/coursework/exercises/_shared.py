"""Probe and test pieces that several notebooks' exercises share."""

import math

from ..framework import Fail, close, expect


def unary_backward(got, Value, method, xs, upstream, preset):
    """Record ``method``'s output data and the input's grad after one ``_backward`` call.

    Three runs per input x: out.grad = 1 (the local derivative), out.grad =
    ``upstream`` (the chain rule) and an input whose grad already holds
    ``preset`` (accumulation with +=).
    """
    for key, out_grad, start in [("unit", 1.0, 0.0), ("chain", upstream, 0.0), ("accumulate", upstream, preset)]:
        grads, datas = [], []
        for x in xs:
            a = Value(x)
            a.grad = start
            out = method(a)
            out.grad = out_grad
            out._backward()
            grads.append(a.grad)
            datas.append(out.data)
        got[key] = grads
        got["data"] = datas


def backward_tests(exercise, derivative, name, mistakes=(), rule=""):
    """Local derivative, chain rule (out.grad != 1) and += tests; each failure names its own mistake.

    ``mistakes``: pairs (wrong_derivative, hint) for classic wrong local rules;
    a student whose local derivative matches one at every x gets that hint.
    ``rule`` (e.g. "d|x|/dx = sign(x)") is added to the detail, so it shows only
    from the second failed try on; the first names the mistake, not the formula.
    """
    said = f"; {rule}" if rule else ""

    @exercise.test("local derivative (out.grad = 1)")
    def _(case, got):
        if all(close(g, derivative(x)) for x, g in zip(case["xs"], got["unit"])):
            return
        for wrong, hint in mistakes:
            if all(close(g, wrong(x)) for x, g in zip(case["xs"], got["unit"])):
                raise Fail(hint, f"a.grad after out._backward() at x = {', '.join(f'{x:.4g}' for x in case['xs'])}, "
                           f"out.grad=1: got {', '.join(f'{g:.6g}' for g in got['unit'])}{said}")
        for x, g in zip(case["xs"], got["unit"]):
            expect(g, derivative(x), f"the local derivative of {name} is wrong",
                   f"a.grad after out._backward() with x={x:.4g}, out.grad=1{said}")

    @exercise.test("chain rule (out.grad is not 1)")
    def _(case, got):
        for x, g, unit in zip(case["xs"], got["chain"], got["unit"]):
            if not close(g, derivative(x) * case["upstream"]) and close(unit, g / case["upstream"]) \
                    and not close(unit, derivative(x)):
                raise Fail("out.grad is multiplied in, but the local derivative it multiplies is wrong: fix the "
                           "test above first")
            expect(g, derivative(x) * case["upstream"],
                   "with out.grad != 1 the gradient is off: multiply the local derivative by out.grad",
                   f"a.grad with x={x:.4g}, out.grad={case['upstream']:.4g}")

    @exercise.test("accumulate with +=")
    def _(case, got):
        for x, g in zip(case["xs"], got["accumulate"]):
            right = derivative(x) * case["upstream"]
            if close(g, right) and not close(right, case["preset"] + right):
                raise Fail("an input that already had a gradient lost it: add to self.grad with +=, do not assign",
                           f"a.grad starting at {case['preset']:.4g}: expected {case['preset'] + right:.6g}, got {g:.6g}")
            expect(g, case["preset"] + right, "the gradient is off even before accumulating: fix the tests above first",
                   f"a.grad starting at {case['preset']:.4g}, x={x:.4g}, out.grad={case['upstream']:.4g}")


def upstream(rng):
    """An upstream gradient far from 1 (and from 0), either sign."""
    return rng.choice([-1, 1]) * rng.uniform(1.5, 3.5)


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
