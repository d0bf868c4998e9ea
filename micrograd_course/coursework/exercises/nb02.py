"""Notebook 2: growing Value."""

from ..framework import Exercise, Fail, expect, expect_equal


def _two_numbers(rng):
    return {"a": round(rng.uniform(-5, 5), 3), "b": round(rng.uniform(-5, 5), 3)}


def _who(node, a, b):
    """Name a child by identity: "a", "b" or "other"."""
    return "a" if node is a else "b" if node is b else "other"


# ----------------------------------------------------------------------
add = Exercise("2.1", "Value.__add__", uses=("Value",))
add.cases(_two_numbers)


@add.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a + b
    got["has_data"] = hasattr(out, "data")
    got["new"] = out is not a and out is not b
    got["data"] = getattr(out, "data", None)
    got["inputs_after"] = [a.data, b.data]


@add.test("the sum")
def _(case, got):
    if not got["has_data"]:
        raise Fail("a + b should return a Value (something with .data)")
    expect(got["data"], case["a"] + case["b"], "(a + b).data should be a.data + b.data",
           f"Value({case['a']}) + Value({case['b']})")


@add.test("a new Value; the inputs stay as they were")
def _(case, got):
    if not got["new"]:
        raise Fail("a + b must return a new Value, not one of its inputs")
    expect_equal(got["inputs_after"], [case["a"], case["b"]], "a + b must not change a or b", "a.data, b.data after a + b")


# ----------------------------------------------------------------------
mul = Exercise("2.2", "Value.__mul__ with children and op", uses=("Value",))
mul.cases(_two_numbers)


@mul.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a * b
    got["data"] = out.data
    children = list(getattr(out, "_prev", None) or ())
    got["children"] = sorted(_who(child, a, b) for child in children)
    got["children_data"] = sorted(getattr(child, "data", None) for child in children)
    got["op"] = getattr(out, "_op", None)


@mul.test("the product")
def _(case, got):
    expect(got["data"], case["a"] * case["b"], "(a * b).data should be a.data * b.data",
           f"Value({case['a']}) * Value({case['b']})")


@mul.test("children and op")
def _(case, got):
    expect_equal(got["children"], ["a", "b"], "out._prev should hold the two inputs themselves: pass (self, other)",
                 "the children of a * b")
    expect_equal(got["children_data"], sorted([case["a"], case["b"]]), "out._prev should hold the two inputs "
                 "themselves: pass (self, other)", "the data of the children of a * b")
    expect_equal(got["op"], "*", "out._op should be the string '*'", "out._op")


# ----------------------------------------------------------------------
relu = Exercise("2.3", "Value.relu", uses=("Value",))


@relu.cases
def _(rng):
    return {"xs": [round(rng.uniform(0.1, 5), 3), round(rng.uniform(-5, -0.1), 3), 0.0]}


@relu.probe
def _(got, case, Value):
    outs = [Value(x).relu() for x in case["xs"]]
    got["data"] = [out.data for out in outs]
    got["ops"] = [getattr(out, "_op", None) for out in outs]


@relu.test("positive inputs pass through")
def _(case, got):
    expect(got["data"][0], case["xs"][0], "relu of a positive number is the number itself",
           f"Value({case['xs'][0]}).relu()")


@relu.test("negative inputs and 0 give 0")
def _(case, got):
    for x, y in zip(case["xs"][1:], got["data"][1:]):
        expect(y, 0.0, "relu of a negative number (or of 0) is 0", f"Value({x}).relu()")


@relu.test("op is 'ReLU'")
def _(case, got):
    if any(op not in ("ReLU", "relu") for op in got["ops"]):
        raise Fail("the output's _op should be 'ReLU'", f"ops: {got['ops']!r}")


# ----------------------------------------------------------------------
leaves = Exercise("2.4", "collect the leaves of a graph", uses=("leaf_labels",))

_NAMES = ["a", "b", "c", "f", "w", "x", "y", "z", "p", "q"]


@leaves.cases
def _(rng):
    return {"labels": rng.sample(_NAMES, 4), "data": [round(rng.uniform(-3, 3), 2) for _ in range(4)]}


@leaves.probe
def _(got, case, leaf_labels):
    from micrograd_course.engine import Value

    x0, x1, x2, x3 = (Value(d, label=name) for d, name in zip(case["data"], case["labels"]))
    got["tree"] = sorted(leaf_labels((x0 * x1 + x2) * x3))
    got["shared"] = sorted(leaf_labels(x0 * x0 + x1))


@leaves.test("every leaf of a tree")
def _(case, got):
    expect_equal(got["tree"], sorted(case["labels"]), "a leaf is a node with no children (empty _prev); "
                 "visit every node, not only the root's children", "leaves of (x0*x1 + x2)*x3")


@leaves.test("a leaf used twice is listed once")
def _(case, got):
    expect_equal(got["shared"], sorted(case["labels"][:2]), "remember the nodes you visited, so a Value "
                 "used twice is listed once", "leaves of x0*x0 + x1")
