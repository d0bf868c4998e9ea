"""Notebook 3's checks: a first hint names the mistake made, never the rule it broke or the number.

Each classic mistake is fed to the checks in-process; its hint is read as on a first try
(``reveal=False``) and as on a second (``reveal=True``, when the rule may be shown too).
"""

import re

import pytest

from notebook_cells import judge_cell

RIGHT_31 = dict(L=1.0, d=-6.0, e=-2.0, a=-6.0, b=-6.0, c=3.0, f=-8.0)


def hints(exercise_id, code, seed=0, reveal=False):
    result = judge_cell(exercise_id, "import math\n" + code, seed, reveal)
    assert result["earned"] < result["points"], "the mistake must lose points"
    return " | ".join(row["hint"] for row in result["tests"] if row["earned"] < row["points"])


def numbers_in(text):
    return {float(token) for token in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", text)}


def grads_31(**changes):
    return "grads = " + repr({**RIGHT_31, **changes})


# ---------------------------------------------------------------- 3.1: L = (a + b)*(c*f)

LECTURE_GRADS = "grads = dict(L=1.0, d=-2.0, f=4.0, e=-2.0, c=-2.0, a=6.0, b=-4.0)"

MISTAKES_31 = [
    ("the lecture's numbers", LECTURE_GRADS, "these are the lecture's gradients"),
    ("own value in the last product", grads_31(d=-2.0, e=-6.0), "that is d's own value"),
    ("a sum's 1 for the last product", grads_31(d=1.0, e=1.0), "what a sum would pass on"),
    ("only the local slope of the sum", grads_31(a=1.0, b=1.0), "only the local slope of d = a + b"),
    ("the sum treated as a product", grads_31(a=30.0, b=-18.0), "treated d = a + b as a product"),
    ("only the local derivative of e", grads_31(c=-1.5, f=4.0), "only the local derivative de/dc"),
    ("own value in e = c*f", grads_31(c=-8.0, f=3.0), "you used c's own value"),
    ("the gradient at d, not at e", grads_31(c=9.0, f=-24.0), "multiplied by the gradient at d"),
]


@pytest.mark.parametrize("code,phrase", [m[1:] for m in MISTAKES_31], ids=[m[0] for m in MISTAKES_31])
def test_3_1_a_first_hint_names_the_mistake_without_rule_or_number(code, phrase):
    text = hints("3.1", code)
    assert phrase in text, text
    assert "other input" not in text and "passes" not in text, text  # the rules wait for the second try
    assert not numbers_in(text) & {v for v in RIGHT_31.values() if v != 1.0}, text


def test_3_1_the_second_try_shows_the_rule_and_the_students_number_but_not_the_answer():
    text = hints("3.1", grads_31(c=-8.0, f=3.0), reveal=True)
    assert "gives c the other input" in text and "got -8" in text and "expected" not in text, text


def test_3_1_the_right_answer_gets_every_point():
    result = judge_cell("3.1", grads_31(), 0, True)
    assert result["earned"] == result["points"] == 4, result


# ---------------------------------------------------------------- 3.2: g = (a + b)*a

@pytest.mark.parametrize("code,phrase", [
    ("twice_grads = dict(g=1.0, s=1.0, a=4.0, b=3.0)", "that is s's own value"),
    ("twice_grads = dict(g=1.0, s=3.0, a=1.0, b=3.0)", "you have one of them"),
    ("twice_grads = dict(g=1.0, s=3.0, a=4.0, b=1.0)", "what does a sum do"),
])
def test_3_2_a_first_hint_names_the_mistake_without_rule_or_number(code, phrase):
    text = hints("3.2", code)
    assert phrase in text and "other input" not in text and "passes" not in text, text
    assert not numbers_in(text) & {3.0, 4.0}, text


# ---------------------------------------------------------------- 3.3: a ReLU neuron

RELU_SWAPPED = ("def relu_neuron_grads(x1, x2, w1, w2, b):\n    n = x1 * w1 + x2 * w2 + b\n"
                "    s = 1.0 if n > 0 else 0.0\n    return dict(x1=x1 * s, w1=w1 * s, x2=x2 * s, w2=w2 * s, b=s)")


def test_3_3_swapped_inputs_are_named_and_the_rule_waits_for_the_second_try():
    for seed in range(3):
        first = hints("3.3", RELU_SWAPPED, seed)
        assert "are swapped" in first and "other input" not in first and "expected" not in first, first
        second = hints("3.3", RELU_SWAPPED, seed, reveal=True)
        assert "receives the other input" in second and "expected" in second, second


def test_3_3_a_dead_neuron_hint_does_not_say_what_the_gradients_are():
    code = ("def relu_neuron_grads(x1, x2, w1, w2, b):\n    n = x1 * w1 + x2 * w2 + b\n"
            "    s = 1.0 if n > 0 else 0.5\n    return dict(x1=w1 * s, w1=x1 * s, x2=w2 * s, w2=x2 * s, b=s)")
    text = hints("3.3", code)
    assert "does o move?" in text and "slope is 0" not in text and "else 0" not in text, text


# ---------------------------------------------------------------- 3.4: two neurons in a row

TWO = '''def two_neuron_grads(x, w1, b1, w2, b2):
    n1 = w1 * x + b1
    h = n1 if n1 > 0 else 0.0
    n2 = w2 * h + b2
    o = math.tanh(n2)
    dn2 = 1 - o**2
    dh = w2 * dn2
    dn1 = dh * (1.0 if n1 > 0 else 0.0)
    return {"w2": h * dn2, "b2": dn2, "w1": x * dn1, "b1": dn1}
'''

MISTAKES_34 = [
    ("1 - n**2", TWO.replace("dn2 = 1 - o**2", "dn2 = 1 - n2**2"), "written with its input n2"),
    ("no tanh slope", TWO.replace("dn2 = 1 - o**2", "dn2 = 1.0"), "the tanh is missing"),
    ("w2 left out", TWO.replace("dh = w2 * dn2", "dh = dn2"), "as if h entered n2 through a sum"),
    ("ReLU not in the backward pass", TWO.replace("(1.0 if n1 > 0 else 0.0)", "1.0"),
     "the ReLU's part in the backward pass is missing"),
    ("ReLU left out", TWO.replace("n1 if n1 > 0 else 0.0", "n1").replace("(1.0 if n1 > 0 else 0.0)", "1.0"),
     "your h is w1*x + b1 itself"),
    ("own values", TWO.replace('"w2": h * dn2', '"w2": w2 * dn2').replace('"w1": x * dn1', '"w1": w1 * dn1'),
     "w2 got its own value"),
    ("w2's own value only", TWO.replace('"w2": h * dn2', '"w2": w2 * dn2'), "w2 got its own value"),
    ("w1's own value only", TWO.replace('"w1": x * dn1', '"w1": w1 * dn1'), "w1 got its own value"),
    ("1 - n**2 and w2 left out", TWO.replace("dn2 = 1 - o**2", "dn2 = 1 - n2**2").replace("dh = w2 * dn2", "dh = dn2"),
     "written with its input n2"),
]
RULES_34 = ["1 - o**2", "w2 times", "passes 0", "w2 gets h", "w1 gets x"]


@pytest.mark.parametrize("code,phrase", [m[1:] for m in MISTAKES_34], ids=[m[0] for m in MISTAKES_34])
def test_3_4_a_first_hint_names_the_mistake_without_the_rule(code, phrase):
    for seed in range(3):
        text = hints("3.4", code, seed)
        assert phrase in text, (seed, text)
        assert not any(rule in text for rule in RULES_34) and "expected" not in text, (seed, text)


def test_3_4_the_tanh_slope_in_n_is_named_in_every_failing_test_not_w2_or_the_relu():
    code = MISTAKES_34[0][1]
    for seed in range(5):
        result = judge_cell("3.4", "import math\n" + code, seed, False)
        failing = [row for row in result["tests"] if row["earned"] < row["points"]]
        assert any(row["test"] == "a first neuron that is off" for row in failing), result
        for row in failing:
            assert "written with its input n2" in row["hint"] and "w2's gradient" not in row["hint"], row
        second = hints("3.4", code, seed, reveal=True)
        assert "1 - o**2" in second and "expected" in second, second


def test_3_4_an_unclassified_miss_is_named_by_its_first_wrong_entry():
    code = TWO.replace('"b2": dn2', '"b2": 2 * dn2')
    text = hints("3.4", code)
    assert text.startswith("do/db2 is off") and "1 - o**2" not in text, text


def test_3_4_one_weight_with_its_own_value_is_named_alone():
    """Only w2 wrong: the hint must not blame w1 too (a blind reader's case)."""
    code = TWO.replace('"w2": h * dn2', '"w2": w2 * dn2')
    for seed in range(3):
        text = hints("3.4", code, seed)
        assert "w2 got its own value" in text and "w1 got" not in text, (seed, text)
