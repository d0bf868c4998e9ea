"""Notebook 4's exercises: each classic mistake gets a hint that names it, and a first hint holds the formula back.

Each case takes the exercise notebook's own solution cells (solutions/04_autograd.ipynb), puts one
classic mistake in, and judges the exercise in-process, as on a first try (no numbers) and a second.
"""

import json
import pathlib
import re

import pytest

from notebook_cells import judge_cell

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _solution_code():
    cells = json.loads((ROOT / "solutions" / "04_autograd.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    code = code.replace("from micrograd_course.coursework import check", "check = lambda *args: None")
    return code.replace("\ngradient_check(", "\nNone and gradient_check(")  # the printed checks are not needed


SOLUTION = _solution_code()
ABS = "slope = 1.0 if self.data > 0 else (-1.0 if self.data < 0 else 0.0)"
LOG = "self.grad += (1 / self.data) * out.grad"
WRAP = "    other = other if isinstance(other, Value) else Value(other)\n    out = Value(self.data**other.data"
EXPONENT = "other.grad += out.data * math.log(self.data) * out.grad"

# (exercise, what the student did, solution text, the mistake in its place, a phrase the hint must have)
MISTAKES = [
    ("4.1", "slope +1 at exactly 0", ABS, "slope = 1.0 if self.data >= 0 else -1.0", "from the right of 0"),
    ("4.1", "slope -1 at exactly 0", ABS, "slope = 1.0 if self.data > 0 else -1.0", "from the left of 0"),
    ("4.1", "the sign flipped", ABS, "slope = -1.0 if self.data > 0 else (1.0 if self.data < 0 else 0.0)",
     "wrong sign"),
    ("4.2", "the output's data for x", LOG, "self.grad += (1 / out.data) * out.grad", "used the output's data"),
    ("4.2", "times x instead of over x", LOG, "self.grad += self.data * out.grad", "multiplied by the input's data"),
    ("4.4", "the lecture's a + (-b)", "Value.__sub__ = sub\n", "Value.__sub__ = lambda self, other: self + (-other)\n",
     "built from other operations"),
    ("4.4", "the given bug", "other.grad += -out.grad", "other.grad += out.grad", "wrong sign"),
    ("4.5", "a number exponent not wrapped", WRAP, "    out = Value(self.data**other.data", "wrap it in a Value"),
    ("4.5", "the exponent's a**b factor left out", EXPONENT, "other.grad += math.log(self.data) * out.grad",
     "missing a factor"),
    ("4.5", "the exponent's ln(a) left out", EXPONENT, "other.grad += out.data * out.grad", "missing the logarithm"),
    ("4.5", "the exponent forgotten", EXPONENT, "pass", "the exponent got no gradient"),
    ("4.5", "= in the exponent's line", EXPONENT, EXPONENT.replace("+=", "="), "overwrote"),
]
# Formulas a first hint must not give (the statement has them; the hint names the mistake instead).
FORMULAS = ["1/x", "1 / x", "ln(a)", "a**b * ln", "b * a**(b-1)", "x**(n-1)", "sign(x)", "+1 for x > 0"]


def _hints(result):
    return " | ".join(row["hint"] for row in result["tests"] if row["earned"] < row["points"])


@pytest.mark.parametrize("exercise_id,what,old,new,phrase", MISTAKES, ids=[f"{m[0]}-{m[1]}" for m in MISTAKES])
def test_a_classic_mistake_in_04_is_named_and_the_first_hint_gives_no_formula_or_number(
        exercise_id, what, old, new, phrase):
    assert old in SOLUTION, what
    code = SOLUTION.replace(old, new, 1)
    for seed in range(3):
        first = judge_cell(exercise_id, code, seed, reveal=False)
        text = _hints(first)
        assert first["earned"] < first["points"] and phrase in text, (seed, text)
        assert not re.search(r"\d\.\d", text) and "expected" not in text, (seed, text)
        for formula in FORMULAS:
            assert formula not in text, (formula, text)
        assert "run the cell above" not in text and "both lines of _backward must add" not in text or \
            phrase == "overwrote", text


def test_the_solutions_earn_every_point():
    for exercise_id in ("4.1", "4.2", "4.4", "4.5"):
        result = judge_cell(exercise_id, SOLUTION, seed=1)
        assert result["earned"] == result["points"], _hints(result)


def test_a_second_try_shows_the_numbers_and_the_rule():
    code = SOLUTION.replace(EXPONENT, "other.grad += math.log(self.data) * out.grad", 1)
    text = _hints(judge_cell("4.5", code, seed=0, reveal=True))
    assert "got" in text and "d(a**b)/db = a**b * ln(a)" in text, text
