"""The exercise checks themselves, in-process (no kernel): classic mistakes lose points, hints teach."""

import json
import pathlib
import re

import pytest

from micrograd_course.coursework import framework

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXERCISES = framework.load_all()

STUDENT_VALUE = '''
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
            MUL
        out._backward = _backward
        return out

    def __sub__(self, other):
        out = Value(self.data - other.data, (self, other), "-")
        def _backward():
            SUB
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = Value(self.data ** n, (self,), "**")
        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return Value(other) * self ** -1

    def backward(self):
        topo, seen = [], set()
        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
'''
RIGHT_MUL = "self.grad += other.data * out.grad\n            other.grad += self.data * out.grad"
RIGHT_SUB = "self.grad += out.grad\n            other.grad += -out.grad"


def notebook(mul=RIGHT_MUL, sub=RIGHT_SUB):
    namespace = {}
    exec(STUDENT_VALUE.replace("MUL", mul).replace("SUB", sub), namespace)
    return namespace


def score(exercise_id, namespace, seed=3):
    exercise = EXERCISES[exercise_id]
    case = exercise.make_case(seed)
    return framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=False)


@pytest.mark.parametrize("exercise_id,mul,sub,earned", [
    ("4.1", RIGHT_MUL, RIGHT_SUB, 3),
    ("4.1", "self.grad += other.data\n            other.grad += self.data", RIGHT_SUB, 1),  # no * out.grad
    ("4.1", "self.grad = other.data * out.grad\n            other.grad = self.data * out.grad", RIGHT_SUB, 2),  # =
    ("4.6", RIGHT_MUL, RIGHT_SUB, 2),
    ("4.6", RIGHT_MUL, "self.grad += out.grad\n            other.grad += out.grad", 1),  # the wrong sign
])
def test_classic_mistakes_lose_points(exercise_id, mul, sub, earned):
    for seed in range(5):  # whatever the case, the same verdict
        assert score(exercise_id, notebook(mul, sub), seed)["earned"] == earned


def test_a_first_hint_says_where_to_look_and_shows_numbers_only_the_second_time(capsys):
    namespace = notebook(mul="self.grad += other.data\n            other.grad += self.data")
    exec("def run():\n    check('4.1', seed=5)\n", {**namespace, "check": framework.check}, namespace)
    framework._FAILED_ATTEMPTS.pop("4.1", None)
    namespace["run"]()
    first = capsys.readouterr().out
    namespace["run"]()
    second = capsys.readouterr().out
    assert "1/3 points" in first and "multiply each local derivative by out.grad" in first
    assert "expected" not in first and "from the second try on" in first
    assert "expected" in second and "got" in second


def test_a_failure_caused_by_an_earlier_exercise_names_it():
    broken = notebook(mul="pass")  # 4.1 unfinished: mul passes no gradient
    exercise = EXERCISES["4.5"]
    case = exercise.make_case(1)
    result = framework.judge(exercise, case, framework.run_probes(exercise, case, broken), failing_after=["4.1"])
    assert result["earned"] < result["points"]
    assert "builds on 4.1 (_backward of mul)" in result["note"]


def test_an_unfinished_earlier_exercise_is_named_in_the_hint():
    namespace = notebook(mul='raise NotImplementedError("Exercise 4.1: _backward of mul")')
    result = score("4.4", namespace)
    assert "not done yet: Exercise 4.1 still raises NotImplementedError" in result["tests"][1]["hint"]


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
