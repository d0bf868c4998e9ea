"""Notebook 7's exercise checks on the classic mistakes: the hint names the mistake, never the weights.

- 7.2: the lecture's neither/both network has XOR's outputs, but its hidden units are not the OR and
  NAND the exercise asks for: it loses the hidden-unit test.
- A weighted sum of exactly 0 does not fire a step unit (u(0) is 0), nor does exactly 0.5 or 1.5 fire
  the bump: the hint says at which inputs the sum lands on the threshold.
- 7.3's first try names the symptom (which counts of inputs on fire), not the recipe.
"""

import pytest

from notebook_cells import failing, judge_cell

PREAMBLE = "def u(z):\n    return 1 if z > 0 else 0\n"
AND_NOT = "and_not_weights = (1, -1, -0.5)\n"
LECTURE_XOR = "def xor(x1, x2):\n    h1 = u(0.5 - x1 - x2)\n    h2 = u(x1 + x2 - 1.5)\n    return u(0.5 - h1 - h2)"
PARITY = "def parity3(a, b, c):\n    n = a + b + c\n    return u(u(n - B1) - u(n - B2) + u(n - B3) - 0.5)"


def result(exercise_id, code, seed=0, reveal=False):
    return judge_cell(exercise_id, PREAMBLE + code, seed, reveal)


def both_tries(exercise_id, code):
    """The failing tests' hints on a first try and on a second (numbers shown), for a few seeds."""
    return [(reveal, result(exercise_id, code, seed, reveal)) for seed in range(3) for reveal in (False, True)]


# ---------------------------------------------------------------- 7.2: the hidden units are checked

@pytest.mark.parametrize("code", [
    "def xor(x1, x2):\n    return u(u(x1 + x2 - 0.5) + u(-x1 - x2 + 1.5) - 1.5)",
    "def xor(x1, x2):\n    h_nand = u(1.5 - x1 - x2)\n    h_or = u(x1 + x2 - 0.5)\n    return u(h_nand + h_or - 1.5)",
    "def xor(x1, x2):\n    return u(2 * u(2 * x1 + 2 * x2 - 1) + 2 * u(3 - 2 * x1 - 2 * x2) - 3)",
])
def test_7_2_or_and_nand_hidden_units_in_any_order_or_scale_score_full_marks(code):
    for seed in range(3):
        res = result("7.2", code, seed)
        assert res["earned"] == res["points"], failing(res)


def test_7_2_the_lecture_network_loses_the_hidden_unit_test_and_is_told_why():
    for reveal, res in both_tries("7.2", LECTURE_XOR):
        hints = failing(res)
        assert list(hints) == ["the hidden units are OR and NAND"] and res["earned"] == res["points"] - 1
        hint = hints["the hidden units are OR and NAND"]
        assert "lecture's network" in hint and "not the one asked for" in hint
        for weights in ("x1 + x2", "- 0.5", "1.5 -", "(1, 1, ", "(-1, -1"):  # no unit's weights, first try or second
            assert weights not in hint, (weights, hint)
        assert ("[1, 0, 0, 0], [0, 0, 0, 1]" in hint) == reveal  # the second try shows the student's own units


def test_7_2_a_nand_unit_whose_sum_is_exactly_0_is_named():
    code = "def xor(x1, x2):\n    return u(u(x1 + x2 - 0.5) + u(-x1 - x2 + 1) - 1.5)"  # NAND with b = 1
    for reveal, res in both_tries("7.2", code):
        hint = failing(res)["the hidden units are OR and NAND"]
        assert "NAND unit" in hint and "exactly 0 for (0, 1) and (1, 0)" in hint and "u(0) is 0" in hint, hint
        assert "1.5" not in hint and "x1" not in hint


def test_7_2_an_output_unit_whose_sum_is_exactly_0_is_named():
    code = "def xor(x1, x2):\n    return u(u(x1 + x2 - 0.5) + u(-x1 - x2 + 1.5) - 2)"  # AND with b = -2
    for reveal, res in both_tries("7.2", code):
        hints = failing(res)
        assert list(hints) == ["the outputs are XOR"]
        hint = hints["the outputs are XOR"]
        assert "output unit's weighted sum is exactly 0" in hint and "(0, 1) and (1, 0)" in hint, hint
        assert "1.5" not in hint


@pytest.mark.parametrize("code", ["def xor(x1, x2):\n    return int(x1 != x2)",
                                  "def xor(x1, x2):\n    return (x1 + x2) % 2"])
def test_7_2_no_neurons_scores_nothing(code):
    res = result("7.2", code)
    assert res["earned"] == 0 and all("step units" in h for h in failing(res).values())


# ---------------------------------------------------------------- 7.1: a sum of exactly 0

def test_7_1_nand_with_a_sum_of_exactly_0_is_told_which_inputs_land_on_the_threshold():
    for reveal, res in both_tries("7.1", "nand_weights = (-1, -1, 1)\n" + AND_NOT):
        hints = failing(res)
        assert list(hints) == ["NAND"]
        hint = hints["NAND"]
        assert "for (0, 1) and (1, 0) your weighted sum is exactly 0" in hint and "u(0) is 0" in hint, hint
        assert "1.5" not in hint and "-1.0, -1.0" not in hint


def test_7_1_and_not_with_a_sum_of_exactly_0_is_told_too():
    hint = failing(result("7.1", "nand_weights = (-1, -1, 1.5)\nand_not_weights = (1, -1, -1)"))["x1 and not x2"]
    assert "for (1, 0) your weighted sum is exactly 0" in hint and "-0.5" not in hint


# ---------------------------------------------------------------- 7.3: symptoms, not the recipe

RECIPE = ("(1, 1, 1, -1)", "[1, 1, 1, -1]", "1.0, 1.0, 1.0, -1.0", "b = -1", "b=-1", "shift", "equal weights",
          "count of 2 lands")


@pytest.mark.parametrize("b,symptom", [
    ("-1.5", "with two inputs on ((0, 1, 1), (1, 0, 1) and (1, 1, 0)) your weighted sum is exactly 0.5"),
    ("0", "it fires when only one input is on"),
    ("-2", "it fires with all three on ((1, 1, 1))"),
])
def test_7_3_a_wrong_bias_is_told_its_symptom_and_never_the_weights(b, symptom):
    for reveal, res in both_tries("7.3", f"exactly_two_weights = (1, 1, 1, {b})"):
        hint = failing(res)["fires for exactly two inputs on"]
        assert symptom in hint, hint
        for giveaway in RECIPE:
            assert giveaway not in hint, (giveaway, hint)
        assert ("expected [0, 0, 0, 1, 0, 1, 1, 0]" in hint) == reveal  # the truth table, from the second try on


def test_7_3_unequal_weights_are_told_that_which_inputs_are_on_matters():
    hint = failing(result("7.3", "exactly_two_weights = (1, 1, 2, -1)"))["fires for exactly two inputs on"]
    assert "it fires for (1, 1, 0) but not for (0, 1, 1) and (1, 0, 1)" in hint and "not which" in hint, hint
    for giveaway in RECIPE:
        assert giveaway not in hint, (giveaway, hint)


def test_7_3_asks_why_one_step_neuron_cannot_and_answers_it():
    import json
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    for folder in ("solutions", "exercises"):
        cells = json.loads((root / folder / "07_xor.ipynb").read_text(encoding="utf-8"))["cells"]
        statement = next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("## Exercise 7.3"))
        assert "cannot do this: why not?" in statement
        answer = statement.split("<details><summary>Answer</summary>", 1)[1]
        assert "contradiction" in answer and "</details>" in answer


# ---------------------------------------------------------------- 7.4: a sum of exactly 0

def test_7_4_biases_on_the_counts_themselves_are_told_about_u_of_0():
    code = PARITY.replace("B1", "1").replace("B2", "2").replace("B3", "3")
    for reveal, res in both_tries("7.4", code):
        hints = failing(res)
        assert set(hints) == {"odd counts give 1", "even counts give 0"}
        for hint in hints.values():
            assert "for (0, 0, 1), (0, 1, 1) and (1, 1, 1) (one, two and three inputs on)" in hint, hint
            assert "exactly 0" in hint and "u(0) is 0" in hint
            for giveaway in ("0.5", "1.5", "2.5", "at least", "subtract"):
                assert giveaway not in hint, (giveaway, hint)


def test_7_4_a_sum_of_0_meant_as_a_threshold_is_not_flagged_when_the_answer_is_right():
    code = PARITY.replace("B1", "0.5").replace("B2", "1").replace("B3", "2.5")  # u(n - 1) fires from two on
    for seed in range(3):
        res = result("7.4", code, seed)
        assert res["earned"] == res["points"], failing(res)


def test_7_4_percent_two_scores_nothing():
    res = result("7.4", "def parity3(a, b, c):\n    return (a + b + c) % 2")
    assert res["earned"] == 0 and all("step units" in h for h in failing(res).values())
