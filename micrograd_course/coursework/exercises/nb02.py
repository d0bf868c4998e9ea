"""Notebook 2: growing Value."""

from ..framework import Exercise, Fail, close, expect, expect_equal

_NAMES = ["a", "b", "c", "f", "w", "x", "y", "z", "p", "q"]


def _who(node, a, b):
    """Name a child by identity: "a", "b" or "other"."""
    return "a" if node is a else "b" if node is b else "other"


def _node(Value, data, children, op):
    """A node built with the notebook's own constructor, so no exercise depends on another one's operator."""
    return Value(data, tuple(children), op)


# ----------------------------------------------------------------------
sub = Exercise("2.1", "Value.__sub__", uses=("Value",))


@sub.cases
def _(rng):
    a = round(rng.uniform(1, 5), 3)
    b = round(a - rng.uniform(0.5, 4), 3)  # a - b is positive, so b - a is told apart
    return {"a": a, "b": b, "number": rng.choice([1, 2, 3, 0.5, 1.5, 2.5])}


@sub.probe
def _(got, case, Value):
    a, b = Value(case["a"]), Value(case["b"])
    out = a - b
    got["has_data"] = hasattr(out, "data")
    got["new"] = out is not a and out is not b
    got["data"] = getattr(out, "data", None)
    got["inputs_after"] = [a.data, b.data]
    got["children"] = [_who(child, a, b) for child in (getattr(out, "_prev", None) or ())]
    got["op"] = getattr(out, "_op", None)


@sub.probe
def _(got, case, Value):
    a = Value(case["a"])
    out = a - case["number"]
    got["number_data"] = getattr(out, "data", None)
    got["number_children"] = ["a" if child is a else "number" if isinstance(child, (int, float))
                              else {"data": getattr(child, "data", None), "children": len(getattr(child, "_prev", ()))}
                              for child in (getattr(out, "_prev", None) or ())]


@sub.test("the difference, self minus other, also with a plain number")
def _(case, got):
    if not got["has_data"]:
        raise Fail("a - b should return a Value (something with .data)")
    what = f"Value({case['a']}) - Value({case['b']})"
    if close(got["data"], case["b"] - case["a"]):
        raise Fail("the result has the wrong sign: a - b is self minus other, in that order", what)
    expect(got["data"], case["a"] - case["b"], "(a - b).data should be a.data - b.data", what)
    n, with_number = case["number"], f"Value({case['a']}) - {case['number']}"
    if "number_data" not in got and any("has no attribute 'data'" in str(e.get("message", "")) for e in got.errors):
        raise Fail("a - 1 failed: there other is a plain number, and a number has no .data; wrap it in a Value "
                   "first", with_number)
    expect(got["number_data"], case["a"] - n, "(a - n).data should be a.data - n for a plain number n", with_number)
    if got["number_children"] != ["a", {"data": n, "children": 0}]:
        raise Fail("with a plain number on the right, its Value should be the second child, a leaf holding the "
                   "number: wrap the number in a Value, then build the result as before",
                   f"the children of {with_number}: {got['number_children']!r}")


@sub.test("a new Value; the inputs stay as they were")
def _(case, got):
    if not got["new"]:
        raise Fail("a - b must return a new Value, not one of its inputs")
    expect_equal(got["inputs_after"], [case["a"], case["b"]], "a - b must not change a or b",
                 "a.data, b.data after a - b")


@sub.test("children (self, other) in order, and op '-'")
def _(case, got):
    if got["children"] == ["b", "a"]:
        raise Fail("the children are in the wrong order: pass (self, other), left operand first")
    expect_equal(got["children"], ["a", "b"], "out._prev should hold the two inputs themselves, (self, other)",
                 "the children of a - b")
    expect_equal(got["op"], "-", "out._op should be the string '-'", "out._op")


# ----------------------------------------------------------------------
power = Exercise("2.2", "Value.__pow__ with a number exponent", uses=("Value",))


@power.cases
def _(rng):
    return {"base": round(rng.uniform(1.5, 4), 3), "exponents": [rng.choice([2, 3, 4]), -1, 0.5]}


@power.probe
def _(got, case, Value):
    datas, children, ops = [], [], []
    for exponent in case["exponents"]:
        a = Value(case["base"])
        out = a ** exponent
        datas.append(getattr(out, "data", None))
        prev = getattr(out, "_prev", None) or ()
        children.append(["self" if child is a else repr(child) if isinstance(child, (int, float)) else "other"
                         for child in prev])
        ops.append(getattr(out, "_op", None))
    got.update(data=datas, children=children, op=ops)


@power.test("the power's data")
def _(case, got):
    for exponent, data in zip(case["exponents"], got["data"]):
        expect(data, case["base"] ** exponent, "(a ** n).data should be a.data raised to the number n",
               f"Value({case['base']}) ** {exponent}")


@power.test("only self is a child")
def _(case, got):
    for exponent, children in zip(case["exponents"], got["children"]):
        if children != ["self"]:
            raise Fail("out._prev should be (self,), a tuple of one: the exponent is a plain number, "
                       "not a Value, so it is not part of the graph", f"children of a ** {exponent}: {children!r}")


@power.test("the op names the exponent")
def _(case, got):
    for exponent, op in zip(case["exponents"], got["op"]):
        expect_equal(op, f"**{exponent}", "the op should name the exponent, like '**3'; build it with an f-string",
                     f"the op of a ** {exponent}")


# ----------------------------------------------------------------------
leaves = Exercise("2.3", "the leaves of a graph", uses=("leaf_labels", "Value"), own=("leaf_labels",))


@leaves.cases
def _(rng):
    return {"labels": rng.sample(_NAMES, 4), "data": [round(rng.uniform(-3, 3), 2) for _ in range(4)],
            "depth": rng.randrange(2500, 3500), "doublings": rng.randrange(28, 33)}


def _leaves_of(Value, case):
    return [Value(d, label=name) for d, name in zip(case["data"], case["labels"])]


class _TooManyVisits(Exception):
    """A walk read the children of a shared graph far more often than the graph has nodes."""


def _counting(Value, budget):
    """A subclass of the notebook's Value whose ``_prev`` counts its reads and stops a walk past ``budget``."""
    reads = [0]

    class Counted(Value):
        @property
        def _prev(self):
            reads[0] += 1
            if reads[0] > budget:
                raise _TooManyVisits(f"more than {budget} reads of _prev")
            return self.__dict__["_counted_prev"]

        @_prev.setter
        def _prev(self, children):
            self.__dict__["_counted_prev"] = children
    return Counted


@leaves.probe
def _(got, case, leaf_labels, Value):
    # One probe, not several: an endless loop must be interrupted once, not once per probe.
    x0, x1, x2, x3 = _leaves_of(Value, case)
    tree = _node(Value, 0.0, [_node(Value, 0.0, [_node(Value, 0.0, [x0, x1], "*"), x2], "+"), x3], "*")
    got["tree"] = sorted(leaf_labels(tree))
    got["alone"] = sorted(leaf_labels(x2))  # a leaf is a graph too
    got["shared"] = sorted(leaf_labels(_node(Value, 0.0, [_node(Value, 0.0, [x0, x0], "*"), x1], "+")))
    twin, blank = Value(case["data"][1], label=case["labels"][0]), Value(case["data"][2])  # same label; no label
    got["twins"] = sorted(leaf_labels(_node(Value, 0.0, [_node(Value, 0.0, [x0, twin], "*"), blank], "+")))
    chain = x0
    for _ in range(case["depth"]):
        chain = _node(Value, 0.0, [chain, x1], "+")
    try:
        got["deep"] = sorted(leaf_labels(chain))
    except RecursionError:
        got["deep_recursion"] = True
    Counted = _counting(Value, budget=100 * (case["doublings"] + 2))
    y = Counted(case["data"][3], label=case["labels"][3])
    for _ in range(case["doublings"]):
        y = _node(Counted, 0.0, [y, y], "+")  # each y is used twice by the next: 2**doublings paths to the leaf
    try:
        got["doubled"] = sorted(leaf_labels(y))
    except _TooManyVisits:
        got["doubled_revisits"] = True


def _short(labels):
    """A list of labels as a count and its most common few, not thousands of items."""
    if not isinstance(labels, list) or len(labels) <= 6:
        return repr(labels)
    counts = {}
    for label in labels:
        counts[repr(label)] = counts.get(repr(label), 0) + 1
    common = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
    return f"{len(labels)} labels: " + ", ".join(f"{k} {'once' if n == 1 else f'{n} times'}" for k, n in common) + (", ..." if len(counts) > 3 else "")


def _expect_labels(got, expected, look, what):
    if got != expected:
        if isinstance(got, list) and len(got) > len(expected):
            look = ("you list more labels than there are leaves: a leaf is a value with no children (empty _prev); "
                    "list only those, once per leaf")
        raise Fail(look, f"{what}: expected {expected!r}, got {_short(got)}")


@leaves.test("every leaf of a tree")
def _(case, got):
    _expect_labels(got["tree"], sorted(case["labels"]), "a leaf is a node with no children (empty _prev); "
                   "visit every node, not only the root's children", "leaves of (x0*x1 + x2)*x3")
    _expect_labels(got["alone"], [case["labels"][2]], "a single leaf is a graph too, and its only leaf is itself: "
                   "start the walk at the root, not at its children", "leaves of a leaf")


@leaves.test("each leaf once: a leaf reached twice, two leaves with one label")
def _(case, got):
    _expect_labels(got["shared"], sorted(case["labels"][:2]), "remember the nodes you have visited (a set), "
                   "so a value reached by two paths is listed once", "leaves of x0*x0 + x1")
    _expect_labels(got["twins"], sorted([case["labels"][0]] * 2 + [""]), "two different leaves can carry the same "
                   "label, or none (''): each is still a leaf of its own. Tell values apart by the value itself "
                   "(the set of visited nodes), not by its label", "leaves of x0*x0b + blank, where x0b is a "
                   "second leaf with x0's label and blank has no label")


@leaves.test("a graph thousands of steps deep, and one shared at every step")
def _(case, got):
    if "deep_recursion" in got:
        raise Fail("on a deep graph your function hit Python's recursion limit: walk with a loop and a list "
                   "used as a stack instead of a function that calls itself",
                   f"a chain x0 + x1 + x1 + ... {case['depth']} steps deep")
    _expect_labels(got["deep"], sorted(case["labels"][:2]), "on a long chain x0 + x1 + x1 + ... the leaves are "
                   "x0 and x1, once each", f"a chain {case['depth']} steps deep")
    n = case["doublings"]
    what = f"y = y + y, {n} times over, from one leaf"
    if "doubled_revisits" in got:
        raise Fail("your walk goes through a shared value again every time it reaches it: where each value is "
                   f"used twice by the next, {n} steps make 2**{n} paths, too many to walk. Remember the nodes "
                   "you have visited and never walk one twice", f"{what}: stopped after {100 * (n + 2)} reads of _prev")
    _expect_labels(got["doubled"], [case["labels"][3]], "a value used twice by the next is still one value: "
                   "list its leaf once", what)


# ----------------------------------------------------------------------
formula = Exercise("2.4", "the formula behind a graph", uses=("formula", "Value"), own=("formula",))


@formula.cases
def _(rng):
    # A second power with another exponent every time, so a formula that knows only '**2' cannot pass.
    return {"labels": rng.sample(_NAMES, 3), "exponent": rng.choice([2, 3]), "other_exponent": rng.choice([4, -1, 0.5])}


def _graphs(Value, case):
    """The probe's graphs, by name; the judge's expected strings are in _expected."""
    a, b, c = (Value(1.0, label=name) for name in case["labels"])
    n = case["exponent"]
    product = _node(Value, 0.0, [a, b], "*")
    power_ = _node(Value, 0.0, [c], f"**{n}")
    difference = _node(Value, 0.0, [product, power_], "-")
    relu = _node(Value, 0.0, [_node(Value, 0.0, [product, c], "+")], "ReLU")
    return {"leaf": a, "product": product, "power": power_, "difference": difference,
            "relu": _node(Value, 0.0, [relu, a], "*"),
            "other_power": _node(Value, 0.0, [b], f"**{case.get('other_exponent', n)}")}


def _expected(case):
    a, b, c = case["labels"]
    n = case["exponent"]
    product, power_ = f"({a} * {b})", f"({c}**{n})"
    return {"leaf": a, "product": product, "power": power_, "difference": f"({product} - {power_})",
            "relu": f"(relu(({product} + {c})) * {a})", "other_power": f"({b}**{case.get('other_exponent', n)})"}


@formula.probe
def _(got, case, formula, Value):
    for name, root in _graphs(Value, case).items():
        got[name] = formula(root)


@formula.test("a leaf, and a product with its children in order")
def _(case, got):
    want = _expected(case)
    expect_equal(got["leaf"], want["leaf"], "a leaf's formula is just its label", "formula of a leaf")
    a, b, _ = case["labels"]
    if got["product"] == f"({b} * {a})":
        raise Fail("the children came out reversed: use them in _prev order, left operand first")
    expect_equal(got["product"], want["product"], "an operation is '(' + left + ' ' + op + ' ' + right + ')', "
                 "with one space each side of the op", f"formula of {a} * {b}")


@formula.test("a power")
def _(case, got):
    want = _expected(case)
    expect_equal(got["power"], want["power"], "a power is '(' + child + op + ')' with no spaces, "
                 "like '(c**2)'; its op already holds the exponent", "formula of a power")
    expect_equal(got["other_power"], want["other_power"], "your formula is right for one exponent but not for "
                 "another: take the exponent from the node's op rather than writing it in", "formula of a power")


@formula.test("nested operations, and ReLU", points=2)
def _(case, got):
    want = _expected(case)
    if got["product"] != want["product"] or got["power"] != want["power"]:
        raise Fail("first get a single product and a single power right (the tests above): nested formulas "
                   "are built from those")
    expect_equal(got["difference"], want["difference"], "build each operation from its children's formulas "
                 "(call formula on each child), so every operation keeps its own parentheses",
                 "formula of a product minus a power")
    expect_equal(got["relu"], want["relu"], "a ReLU is 'relu(' + child + ')', and it can sit inside "
                 "another operation", "formula of relu(a*b + c) * a")
