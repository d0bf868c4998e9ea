"""The exercise checks themselves, in-process (no kernel): classic mistakes lose points, hints teach."""

import json
import pathlib
import re

import pytest

from micrograd_course.coursework import framework

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXERCISES = framework.load_all()

STUDENT_VALUE = """
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out


def absolute(self):  # Exercise 4.1
    out = Value(abs(self.data), (self,), "abs")
    def _backward():
        ABS
    out._backward = _backward
    return out


def log(self):  # Exercise 4.2
    out = Value(math.log(self.data), (self,), "log")
    def _backward():
        self.grad += out.grad / self.data
    out._backward = _backward
    return out


def topological_order(root):  # Exercise 4.3
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev)
    return order


def backward(self):
    BACKWARD


def sub(self, other):  # Exercise 4.4: only _backward is the student's
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data - other.data, (self, other), "-")
    def _backward():
        SUB
    out._backward = _backward
    return out


def power(self, other):  # Exercise 4.5
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data ** other.data, (self, other), "**")
    def _backward():
        self.grad += other.data * self.data ** (other.data - 1) * out.grad
        if self.data > 0:
            other.grad += out.data * math.log(self.data) * out.grad
    out._backward = _backward
    return out


Value.abs, Value.log, Value.backward, Value.__sub__, Value.__pow__ = absolute, log, backward, sub, power
"""
RIGHT = {
    "ABS": "self.grad += (1.0 if self.data > 0 else -1.0 if self.data < 0 else 0.0) * out.grad",
    "BACKWARD": "self.grad = 1.0\n    for node in reversed(topological_order(self)):\n        node._backward()",
    "SUB": "self.grad += out.grad\n        other.grad += -out.grad",
}
ABS_WITHOUT_OUT_GRAD = "self.grad += 1.0 if self.data > 0 else -1.0 if self.data < 0 else 0.0"
BACKWARD_WITHOUT_THE_SEED = "for node in reversed(topological_order(self)):\n        node._backward()"  # no grad = 1
STUB = 'raise NotImplementedError("Exercise {}")'


def notebook(**answers):
    """The notebook's namespace with the right answers, except those given (ABS=..., BACKWARD=..., SUB=...)."""
    source = STUDENT_VALUE
    for slot, code in {**RIGHT, **answers}.items():
        source = source.replace(slot, code)
    namespace = {}
    exec(source, namespace)
    return namespace


def score(exercise_id, namespace, seed=3):
    exercise = EXERCISES[exercise_id]
    case = exercise.make_case(seed)
    return framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=False)


def self_check(namespace, exercise_id, seed):
    """Run ``check(exercise_id)`` as a notebook cell would, so that it sees ``namespace`` as its globals."""
    exec(f"def run():\n    check({exercise_id!r}, seed={seed})\n", {**namespace, "check": framework.check}, namespace)
    namespace["run"]()


@pytest.mark.parametrize("exercise_id,answers,earned", [
    ("4.1", {}, 5),
    ("4.1", {"ABS": ABS_WITHOUT_OUT_GRAD}, 3),  # no * out.grad: loses the chain rule and the += test
    ("4.1", {"ABS": "self.grad = (1.0 if self.data > 0 else -1.0 if self.data < 0 else 0.0) * out.grad"}, 4),  # =
    ("4.1", {"ABS": "self.grad += (1.0 if self.data >= 0 else -1.0) * out.grad"}, 4),  # slope +1 at exactly 0
    ("4.4", {}, 4),
    ("4.4", {"SUB": "self.grad += out.grad\n        other.grad += out.grad"}, 0),  # the notebook's bug: the sign
    ("4.4", {"SUB": "self.grad += out.grad\n        other.grad += -1.0"}, 0),  # no * out.grad
    ("4.4", {"SUB": "self.grad = out.grad\n        other.grad = -out.grad"}, 3),  # = instead of +=
    ("4.4", {"SUB": STUB.format("4.4: find the bug in __sub__")}, 0),  # the given forward pass earns nothing
])
def test_classic_mistakes_lose_points(exercise_id, answers, earned):
    for seed in range(5):  # whatever the case, the same verdict
        assert score(exercise_id, notebook(**answers), seed)["earned"] == earned


def test_a_first_hint_says_where_to_look_and_shows_numbers_only_the_second_time(capsys):
    namespace = notebook(ABS=ABS_WITHOUT_OUT_GRAD)
    framework._FAILED_ATTEMPTS.pop("4.1", None)
    self_check(namespace, "4.1", seed=5)
    first = capsys.readouterr().out
    self_check(namespace, "4.1", seed=5)
    second = capsys.readouterr().out
    assert "3/5 points" in first and "multiply the local derivative by out.grad" in first
    assert "expected" not in first and "from the second try on" in first
    assert "expected" in second and "got" in second


def test_a_failure_caused_by_an_earlier_exercise_names_it(capsys):
    assert EXERCISES["4.5"].after == ("4.3",)
    self_check(notebook(BACKWARD=BACKWARD_WITHOUT_THE_SEED), "4.5", seed=1)  # 4.3 wrong: x ** x fails
    printed = " ".join(capsys.readouterr().out.split())  # the lines are wrapped to the column
    assert "FAIL x ** x through backward()" in printed
    assert "builds on 4.3 (backward() without recursion), which does not pass yet" in printed
    self_check(notebook(), "4.5", seed=1)  # 4.3 right: no note
    assert "7/7 points. Well done." in capsys.readouterr().out


def test_an_unfinished_earlier_exercise_is_named_in_the_hint():
    namespace = notebook(BACKWARD=STUB.format("4.3: backward() without recursion"))
    result = score("4.5", namespace)
    hints = {row["test"]: row["hint"] for row in result["tests"] if row["earned"] < row["points"]}
    assert list(hints) == ["x ** x through backward()"]
    assert "not done yet: Exercise 4.3 still raises NotImplementedError" in hints[list(hints)[0]]


def test_an_interrupt_stops_the_exercises_remaining_probes():
    """Ctrl-C (or the grader's time limit) in one probe ends the check: no second wait for the same loop."""
    namespace = notebook(BACKWARD="raise KeyboardInterrupt  # where an endless loop gets interrupted")
    exercise = EXERCISES["4.3"]
    assert len(exercise.probes) == 3  # order, then two that call backward()
    case = exercise.make_case(3)
    reply = framework.run_probes(exercise, case, namespace)
    assert [e["error"] for e in reply["errors"]] == ["KeyboardInterrupt"]  # the third probe never ran
    result = framework.judge(exercise, case, reply)
    assert [row["earned"] for row in result["tests"]] == [1, 0, 0]
    assert all("ran too long and was stopped" in row["hint"] for row in result["tests"][1:])


@pytest.mark.parametrize("code", [
    "from micrograd_course import Value",
    "import micrograd_course.engine as E\nclass Value(E.Value):\n    pass",
    "import micrograd_course.engine as E\nclass Value:\n    __mul__ = E.Value.__mul__",
])
def test_the_package_value_in_disguise_scores_zero(code):
    namespace = {}
    exec(code, namespace)
    result = score("4.1", namespace)
    assert result["earned"] == 0 and "comes from the micrograd_course package" in result["tests"][0]["hint"]


def test_every_exercise_is_well_formed():
    assert len(EXERCISES) >= 34
    for exercise in EXERCISES.values():
        assert exercise.tests and exercise.probes and exercise.uses, exercise.id
        assert all(test.points > 0 for test in exercise.tests), exercise.id
        assert all(dep in EXERCISES for dep in exercise.after), exercise.id
        case = exercise.make_case(123)
        assert case == exercise.make_case(123), f"{exercise.id}: a case must depend only on the seed"
        assert json.loads(json.dumps(case)) == case


def test_every_solution_exercise_has_a_check_and_the_reverse():
    headers = set()
    for path in (ROOT / "solutions").glob("*.ipynb"):
        headers |= set(re.findall(r"# Exercise (\d+\.\d+):", path.read_text()))
    assert headers == set(EXERCISES)


def test_the_authors_guide_example_works():
    guide = (ROOT / "micrograd_course" / "coursework" / "README.md").read_text()
    code = re.search(r"```python\n(from \.\.framework.*?)```", guide, re.S).group(1)
    code = code.replace("from ..framework", "from micrograd_course.coursework.framework").replace('"4.8"', '"99.8"')
    try:
        exec(code, {})
        namespace = notebook()
        exec("def absolute(self):\n"
             "    out = Value(abs(self.data), (self,), 'abs')\n"
             "    def _backward():\n"
             "        self.grad += (1 if self.data > 0 else -1) * out.grad\n"
             "    out._backward = _backward\n"
             "    return out\n"
             "Value.abs = absolute\n", namespace)
        assert score("99.8", namespace)["earned"] == 3
        exec("Value.abs = lambda self: Value(abs(self.data), (self,), 'abs')\n", namespace)  # no gradient
        assert score("99.8", namespace)["earned"] == 1
    finally:
        framework.EXERCISES.pop("99.8", None)


def test_a_builds_on_note_only_when_a_test_that_relies_on_the_earlier_exercise_fails():
    """4.5's power-rule tests stand alone; only its x ** x test goes through 4.3's backward()."""
    exercise = framework.Exercise("t.9", "two tests", uses=(), after=("t.1",))
    try:
        @exercise.test("stands alone", after=())
        def _(case, got):
            if not got["alone"]:
                raise framework.Fail("the standalone part is wrong")

        @exercise.test("goes through t.1")
        def _(case, got):
            if not got["through"]:
                raise framework.Fail("the part through t.1 is wrong")

        def verdict(alone, through):
            return framework.judge(exercise, {}, {"values": {"alone": alone, "through": through}, "errors": []},
                                   failing_after=["t.1"])["note"]

        assert verdict(alone=False, through=True) == ""  # t.1 fails, but no failing test relies on it
        assert "builds on t.1" in verdict(alone=True, through=False)
        assert "builds on t.1" in verdict(alone=False, through=False)
        with pytest.raises(ValueError, match="builds only on"):
            exercise.test("relies on an exercise not declared", after=("t.7",))(lambda case, got: None)
    finally:
        del framework.EXERCISES["t.9"]
    # In the course: 4.5's tests, apart from x ** x, rely on nothing earlier.
    relies = {test.name: test.after for test in EXERCISES["4.5"].tests}
    assert [name for name, after in relies.items() if after != ()] == ["x ** x through backward()"]


def test_feedback_lines_fit_a_narrow_column_and_never_split_a_number():
    hint = ("the base's local derivative is the power rule, with the exponent's data; multiply by out.grad "
            "(a.grad for a ** b, a=-2.781971234, b=-0.5, out.grad=-12.25: expected -2.78197123456, got -2.78197)")
    result = {"exercise": "9.9", "title": "a long one", "earned": 0, "points": 2, "note": "",
              "tests": [{"test": "the gradient", "points": 2, "earned": 0, "hint": hint}]}
    text = framework.format_result(result)
    lines = text.splitlines()
    assert len(lines) > 2 and all(len(line) <= framework.LINE_WIDTH for line in lines), lines
    assert all(line.startswith("       ") for line in lines[2:])   # continuations indented under the test
    for number in re.findall(r"-?\d+\.\d+", hint):
        assert number in text, number                               # every number whole, on one line
    assert " ".join(text.split()).endswith(" ".join(hint.split()))
