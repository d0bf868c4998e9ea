"""Exercises 1 and 2: each classic mistake loses its points with a hint that names it, and no hint gives the answer.

Runs the answers in-process, as tests/test_exercise_hints.py does, with the numbers revealed as on a
second try (``reveal=True``) or held back as on a first (``reveal=False``).
"""

import pytest

from notebook_cells import hints, judge_cell

PREAMBLE = "import math\n"


def judged(exercise_id, code, seed=0, reveal=True):
    return judge_cell(exercise_id, PREAMBLE + code, seed, reveal)


# ---------------------------------------------------------------- 1.1: the central difference for every input

CENTRAL = """def slopes(f, point, h):
    out = {}
    for name in point:
        up, down = dict(point), dict(point)
        up[name] += h
        down[name] -= h
        out[name] = (f(**up) - f(**down)) / (2 * h)
    return out
"""

FORWARD = """def slopes(f, point, h):
    base = f(**point)
    out = {}
    for name in point:
        moved = dict(point)
        moved[name] += h
        out[name] = (f(**moved) - base) / h
    return out
"""

SLOPE_MISTAKES = [
    # (what, code, a phrase the hint must have)
    ("forward", FORWARD, "one-sided (forward)"),
    ("backward", FORWARD.replace("moved[name] += h", "moved[name] -= h").replace("(f(**moved) - base)",
                                                                                 "(base - f(**moved))"),
     "one-sided (backward)"),
    ("over h", CENTRAL.replace("/ (2 * h)", "/ h"), "twice too big"),
    ("no run", CENTRAL.replace("/ (2 * h)", ""), "divide it by the run"),
    ("sign", CENTRAL.replace("(f(**up) - f(**down))", "(f(**down) - f(**up))"), "sign is flipped"),
    ("all at once", CENTRAL.replace("up[name] += h\n        down[name] -= h",
                                    "up = {n: v + h for n, v in point.items()}\n"
                                    "        down = {n: v - h for n, v in point.items()}"), "all of them at once"),
    ("one dict", CENTRAL.replace("up, down = dict(point), dict(point)\n        up[name] += h\n"
                                 "        down[name] -= h\n        out[name] = (f(**up) - f(**down)) / (2 * h)",
                                 "point[name] += h\n        high = f(**point)\n        point[name] -= 2 * h\n"
                                 "        out[name] = (high - f(**point)) / (2 * h)"), "earlier nudge is still in place"),
]


def test_the_central_solution_gets_every_point():
    for seed in range(5):
        result = judged("1.1", CENTRAL, seed)
        assert result["earned"] == result["points"] == 4, hints(result)


@pytest.mark.parametrize("what,code,must", SLOPE_MISTAKES, ids=[m[0] for m in SLOPE_MISTAKES])
def test_a_slopes_mistake_is_named(what, code, must):
    for seed in range(3):
        result = judged("1.1", code, seed)
        text = hints(result)
        assert result["earned"] < result["points"] and must in text, (seed, text)


def test_a_slopes_mistake_that_mutates_the_point_is_told_so():
    code = CENTRAL.replace("up, down = dict(point), dict(point)", "up = down = point").replace(
        "down[name] -= h\n", "down[name] -= 2 * h\n        low = f(**down)\n        down[name] += h\n").replace(
        "(f(**up) - f(**down))", "(f(**up) - low)")
    code = code.replace("out[name] = (f(**up) - low)", "high = f(**up)\n        out[name] = (high - low)")
    result = judged("1.1", code)
    assert "nudge a copy" in hints(result), hints(result)


# ---------------------------------------------------------------- 1.2: hints name the mistake, never the rule

PARTIAL_MISTAKES = [
    # (answer, a phrase the hint must have)
    ("dd_da, dd_db, dd_dc = 2.0, 6.0, -3.0", "a's own value"),
    ("dd_da, dd_db, dd_dc = -3.0, 2.0, -3.0", "one of the two terms"),
    ("dd_da, dd_db, dd_dc = -3.0, 4.0, -3.0", "one of the two terms"),
    ("dd_da, dd_db, dd_dc = -3.0, 6.0, 1.0", "c was added on its own"),
    ("dd_da, dd_db, dd_dc = -3.0, 6.0, 4.0", "c's own value"),
    ("dd_da, dd_db, dd_dc = -3.0, 6.0, 2.0", "the one term of d that contains c"),
]
RULES = ["other input", "add the two", "multiplied by b", "passes", "a + c", "-3", "6.0", " 6 "]


@pytest.mark.parametrize("code,must", PARTIAL_MISTAKES, ids=[m[1] for m in PARTIAL_MISTAKES])
def test_a_partials_hint_points_at_the_mistake_without_the_rule(code, must):
    for reveal in (False, True):
        result = judged("1.2", code, reveal=reveal)
        text = hints(result)
        assert result["earned"] < result["points"] and must in text, text
        shown = text.replace("b=-3,", "").replace("got -3.0", "got").replace("got 6.0", "got")  # inputs, own answer
        for rule in RULES:
            assert rule not in shown, (rule, text)


def test_the_right_partials_get_every_point():
    result = judged("1.2", "dd_da, dd_db, dd_dc = -3.0, 6.0, -3.0")
    assert result["earned"] == result["points"], hints(result)


# ---------------------------------------------------------------- 1.3: an order is measured, never assumed

ORDER = ("def error_order(estimate, f, exact, x, h):\n"
         "    return math.log10(abs(estimate(f, x, h) - exact) / abs(estimate(f, x, h / 10) - exact))\n")


def test_the_measured_order_gets_every_point():
    for seed in range(5):
        result = judged("1.3", ORDER, seed)
        assert result["earned"] == result["points"] == 4, hints(result)


@pytest.mark.parametrize("constant", ["2.0", "2", "1.0", "4.0"])
def test_a_hard_coded_order_scores_nothing(constant):
    code = f"def error_order(estimate, f, exact, x, h):\n    return {constant}\n"
    for seed in range(3):
        for reveal in (False, True):
            result = judged("1.3", code, seed, reveal)
            text = hints(result)
            assert result["earned"] == 0, (seed, text)
            assert "measured from the errors" in text and "not assumed" in text, text


def test_an_order_that_only_knows_the_two_lecture_estimates_fails_the_new_ones():
    code = ("def error_order(estimate, f, exact, x, h):\n"
            "    return 1.0 if estimate.__name__ in ('_forward', '_backward') else 2.0\n")
    result = judged("1.3", code)
    assert result["earned"] == 0 and "not assumed" in hints(result), hints(result)


# ---------------------------------------------------------------- 2.3: leaves told apart by identity, each walked once

VALUE = '''
class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
'''

LEAVES = VALUE + """
def leaf_labels(root):
    seen, stack, labels = set(), [root], []
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if not v._prev:
            labels.append(v.label)
        stack.extend(v._prev)
    return labels
"""

BY_LABEL = VALUE + """
def leaf_labels(root):
    out, stack = [], [root]
    while stack:
        v = stack.pop()
        if not v._prev and v.label not in out:
            out.append(v.label)
        stack.extend(v._prev)
    return out
"""

RECURSIVE_NO_SEEN = VALUE + """
def leaf_labels(root):
    if not root._prev:
        return [root.label]
    found = []
    for child in root._prev:
        for label in leaf_labels(child):
            if label not in found:
                found.append(label)
    return found
"""


def test_the_walk_with_a_visited_set_gets_every_point():
    for seed in range(5):
        result = judged("2.3", LEAVES, seed)
        assert result["earned"] == result["points"] == 3, hints(result)


def test_deduplicating_by_label_without_a_visited_set_fails_twice():
    for seed in range(3):
        result = judged("2.3", BY_LABEL, seed, reveal=False)
        rows = {row["test"]: row for row in result["tests"]}
        assert result["earned"] == 1, hints(result)
        assert "same label, or none" in rows["each leaf once: a leaf reached twice, two leaves with one label"]["hint"]
        shared = rows["a graph thousands of steps deep, and one shared at every step"]["hint"]
        assert "goes through a shared value again" in shared and "never walk one twice" in shared, shared


def test_a_recursive_walk_without_a_visited_set_is_stopped_quickly_and_told_why():
    import time
    start = time.perf_counter()
    result = judged("2.3", RECURSIVE_NO_SEEN)
    assert time.perf_counter() - start < 10
    assert "goes through a shared value again" in hints(result) or "recursion limit" in hints(result), hints(result)


def test_listing_every_node_gives_a_short_message_with_a_count():
    code = LEAVES.replace("        if not v._prev:\n            labels.append(v.label)", "        labels.append(v.label)")
    result = judged("2.3", code)
    text = hints(result)
    assert result["earned"] == 0 and "more labels than there are leaves" in text, text
    assert len(text) < 1200 and "labels: '' " in text and "times" in text, text


# ---------------------------------------------------------------- 2.1: subtraction, also from a plain number

def sub_answer(body):
    return VALUE + "    def __mul__(self, other):\n        return Value(self.data * other.data, (self, other), '*')\n" \
        + "def sub(self, other):\n" + body + "Value.__sub__ = sub\n"


WRAPPED = ("    if not isinstance(other, Value):\n        other = Value(other)\n"
           "    return Value(self.data - other.data, (self, other), '-')\n")


def test_subtraction_that_wraps_a_number_gets_every_point():
    for seed in range(5):
        result = judged("2.1", sub_answer(WRAPPED), seed)
        assert result["earned"] == result["points"] == 3, hints(result)


@pytest.mark.parametrize("body,must", [
    ("    return Value(self.data - other.data, (self, other), '-')\n", "a number has no .data"),
    ("    d = other.data if isinstance(other, Value) else other\n    return Value(self.data - d, (self, other), '-')\n",
     "the second child, a leaf holding the number"),
    ("    return Value(other.data - self.data, (self, other), '-')\n", "self minus other"),
], ids=["lecture's add, retyped", "number left unwrapped", "wrong sign"])
def test_a_subtraction_mistake_costs_the_first_test_only_and_is_named(body, must):
    for seed in range(3):
        result = judged("2.1", sub_answer(body), seed)
        first = result["tests"][0]
        assert first["earned"] == 0 and must in first["hint"], first["hint"]
        assert result["earned"] == 2, hints(result)


def test_2_3_a_walk_that_starts_at_the_roots_children_misses_a_lone_leaf():
    code = LEAVES.replace("stack, labels = set(), [root], []", "stack, labels = set(), list(root._prev), []")
    assert code != LEAVES
    result = judged("2.3", code)
    assert result["earned"] < result["points"] and "a single leaf is a graph too" in hints(result), hints(result)
    right = judged("2.3", LEAVES)
    assert right["earned"] == right["points"]  # the right walk still passes
