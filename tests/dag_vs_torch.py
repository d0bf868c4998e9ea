"""Random expression DAGs run on Values and on float64 tensors, and the comparison.

Used by tests/test_engine_ieee.py (a hypothesis test) and, run as a script, for
a larger sweep that prints counts:

    .venv/bin/python tests/dag_vs_torch.py 36000 [seed]

A DAG is a list of leaves and a list of steps; each step applies one operation
to earlier nodes (leaves or results), so nodes are shared and used several
times. The output is the last node.

"Equal" for finite numbers allows for round-off: PyTorch's exp, log, tanh and
pow differ from Python's math module by an ulp here and there, and it adds
gradients in another order. The allowance is a first-order error bound
computed along our own graph: every operation may be off by EPS relative, and
the error of an input reaches the output times the local derivative (and, for
gradients, the error of a local derivative times the gradient it multiplies).
Where that bound is not finite only finiteness is compared.
"""

import math
import sys

EPS = 1e-15  # per operation, relative: about 4.5 ulp

SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-310, -1e-310, 5e-324, 2.2e-308,
           1e308, -1e308, 1e200, -1e-200, 709.0, 710.0, -745.0, 1.0, -1.0, 0.5, 2.0]
EXPONENTS = [0, 1, 2, 3, 0.5, -0.5, -1, -2, 1.5, 1 / 3, -3]
BASES = [2.0, 0.5, 0.0, -2.0, math.e]
CONSTANTS = [2.0, -3.0, 0.0, 1e300, 1e-300]
UNARY = ["neg", "relu", "tanh", "sigmoid", "exp", "log"]
BINARY = ["add", "sub", "mul", "div"]
KINDS = UNARY + BINARY + ["pow", "rpow", "add_const", "mul_const"]


def apply(kind, args, param):
    """One step on Values or on tensors (the same Python code for both)."""
    a = args[0]
    if kind == "neg":
        return -a
    if kind == "relu":
        return a.relu()
    if kind in ("tanh", "sigmoid", "exp", "log"):
        return getattr(a, kind)()
    if kind == "add":
        return a + args[1]
    if kind == "sub":
        return a - args[1]
    if kind == "mul":
        return a * args[1]
    if kind == "div":
        return a / args[1]
    if kind == "pow":
        return a ** param
    if kind == "rpow":
        return param ** a
    if kind == "add_const":
        return a + param
    if kind == "mul_const":
        return a * param
    raise ValueError(kind)


def run(leaves, steps, make_leaf):
    """Build the DAG from leaf numbers; return (leaf objects, output)."""
    nodes = [make_leaf(x) for x in leaves]
    inputs = list(nodes)
    for kind, picks, param in steps:
        args = [nodes[i % len(nodes)] for i in picks]
        nodes.append(apply(kind, args, param))
    return inputs, nodes[-1]


def run_ours(leaves, steps):
    from micrograd_course import Value

    inputs, out = run(leaves, steps, Value)
    out.backward()
    return out, inputs


def run_torch(torch, leaves, steps):
    def leaf(x):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    inputs, out = run(leaves, steps, leaf)
    if not out.requires_grad:  # cannot happen: every step uses a node
        raise AssertionError("output does not depend on the leaves")
    out.backward()
    grads = [0.0 if t.grad is None else t.grad.item() for t in inputs]
    return out.item(), grads


def _times(a, b):
    """a * b for error bounds: an error of 0 stays 0 whatever multiplies it."""
    return 0.0 if a == 0 or b == 0 else abs(a) * abs(b)


def _or_inf(f):
    """f(), or inf where Python's float arithmetic raises: for bounds, 'unbounded'."""
    try:
        return abs(f())
    except (ZeroDivisionError, OverflowError, ValueError):
        return math.inf


def _local_error(node, i, errors):
    """How far this node's i-th local derivative may be off, given its inputs' errors."""
    op, kids = node._op, node._prev
    x = kids[0].data
    local = float(node._local_grads[i])
    own = EPS * (abs(local) + 1.0)  # rounding in the formula, e.g. 1 - t*t near t = 1
    if op == "*":
        return errors[kids[1 - i]] + own
    if op == "/":
        b = kids[1].data
        if i == 0:  # 1 / b
            return _times(errors[kids[1]], _or_inf(lambda: 1.0 / (b * b))) + own
        # -a / b**2
        return (_times(errors[kids[0]], _or_inf(lambda: 1.0 / (b * b)))
                + _times(errors[kids[1]], _or_inf(lambda: 2 * node.data / (b * b))) + own)
    if op.startswith("**"):
        n = float(op[2:])
        slope2 = 0.0 if n in (0, 1) else _or_inf(lambda: n * (n - 1) * math.pow(x, n - 2))
    elif op.endswith("**"):  # c ** x: local c**x ln c, its slope c**x ln(c)**2
        slope2 = _or_inf(lambda: local * math.log(float(op[:-2])))
    else:  # |d(local)/dx|: how an input's error moves the local derivative
        slope2 = {
            "log": lambda: _or_inf(lambda: 1.0 / (x * x)),
            "exp": lambda: abs(node.data),
            "tanh": lambda: abs(2 * node.data * local),
            "sigmoid": lambda: abs(local * (1 - 2 * node.data)),
            "ReLU": lambda: 0.0,
            "+": lambda: 0.0,
        }.get(op, lambda: math.inf)()
    return _times(errors[kids[0]], slope2) + own


def error_bounds(out):
    """First-order bounds for the error of out.data and of every grad, from our own graph."""
    from micrograd_course import topological_order

    order = topological_order(out)
    value_error = {}
    for node in order:
        bound = 0.0
        if node._prev:
            bound = EPS * abs(node.data)
            for child, local in zip(node._prev, node._local_grads):
                bound += _times(value_error[child], float(local))
        value_error[node] = bound
    grad_error = {node: 0.0 for node in order}
    for node in reversed(order):
        g, gerr = node.grad, grad_error[node]
        for i, (child, local) in enumerate(zip(node._prev, node._local_grads)):
            local = float(local)
            grad_error[child] += (_times(local, gerr) + _times(_local_error(node, i, value_error), g)
                                  + 2 * EPS * _times(local, g))
    return value_error[out], grad_error


def close(ours, theirs, bound):
    """Our number against PyTorch's finite one: finite, and within 4 bounds (+ a subnormal)."""
    if not math.isfinite(ours):
        return False
    if not math.isfinite(bound):
        return True
    return abs(ours - theirs) <= 4 * bound + 1e-300


def same_special(ours, theirs):
    """For PyTorch's inf or nan: the same inf, or nan for nan."""
    return (math.isnan(ours) and math.isnan(theirs)) or ours == theirs


def compare(torch, leaves, steps):
    """One DAG: a dict of verdicts (see sweep) and a message for the first failure."""
    t_value, t_grads = run_torch(torch, leaves, steps)
    try:
        out, inputs = run_ours(leaves, steps)
    except Exception as error:  # the engine must never raise where torch gives a number
        return {"raised": 1}, f"raised {type(error).__name__}: {error}"
    value_bound, grad_bounds = error_bounds(out)
    verdict = {"raised": 0, "finite_values": 0, "finite_value_mismatch": 0,
               "finite_grads": 0, "finite_grad_mismatch": 0,
               "special": 0, "special_differs": 0}
    problem = None
    pairs = [(out.data, t_value, value_bound, "value")]
    pairs += [(v.grad, g, grad_bounds.get(v, 0.0), f"grad of leaf {i}")
              for i, (v, g) in enumerate(zip(inputs, t_grads))]
    for ours, theirs, bound, what in pairs:
        kind = "values" if what == "value" else "grads"
        if math.isfinite(theirs):
            verdict[f"finite_{kind}"] += 1
            if not close(ours, theirs, bound):
                verdict[f"finite_{kind[:-1]}_mismatch"] += 1
                problem = problem or f"{what}: ours {ours!r}, torch {theirs!r}, bound {bound!r}"
        else:
            verdict["special"] += 1
            verdict["special_differs"] += not same_special(ours, theirs)
    return verdict, problem


def random_dag(rng):
    """A DAG drawn with random.Random (the sweep); hypothesis draws its own in the test."""
    def number():
        r = rng.random()
        if r < 0.3:
            return rng.choice(SPECIAL)
        if r < 0.4:
            return rng.uniform(-1, 1) * 10.0 ** rng.randint(-320, 308)
        return rng.uniform(-5, 5)

    leaves = [number() for _ in range(rng.randint(1, 4))]
    steps = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.choice(KINDS)
        picks = [rng.randrange(64) for _ in range(2 if kind in BINARY else 1)]
        param = {"pow": EXPONENTS, "rpow": BASES}.get(kind, CONSTANTS)
        steps.append((kind, picks, rng.choice(param)))
    return leaves, steps


def sweep(n, seed=0):
    import random

    import torch

    rng = random.Random(seed)
    totals, examples = {}, []
    for _ in range(n):
        leaves, steps = random_dag(rng)
        verdict, problem = compare(torch, leaves, steps)
        for key, count in verdict.items():
            totals[key] = totals.get(key, 0) + count
        if problem and len(examples) < 5:
            examples.append((leaves, steps, problem))
    return totals, examples


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 36000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    totals, examples = sweep(count, seed)
    print(f"{count} random DAGs against torch float64 (seed {seed}):")
    for key, value in totals.items():
        print(f"  {key:24s} {value}")
    for leaves, steps, problem in examples:
        print("example:", leaves, steps, problem)
