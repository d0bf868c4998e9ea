"""Explorers: move a control from code and check what the widget now shows."""

import html
import re

import pytest

from micrograd_course import Value
from micrograd_course import explore


def cell(widget_html, name):
    """The text of the table cell or paragraph tagged data-name=name."""
    match = re.search(rf'data-name="{re.escape(name)}">([^<]*)<', widget_html)
    assert match, f"no {name!r} in the readout"
    return html.unescape(match.group(1))


def lecture_L(a, b, c, f):
    return (a * b + c) * f


# ---------------------------------------------------------------- derivative

def test_derivative_explorer_finds_the_zero_slope_point():
    ex = explore.derivative_explorer()
    ex.x_slider.value = 2 / 3
    assert abs(ex.state()["slope"]) < 1e-12
    assert float(cell(ex.readout.value, "slope")) == pytest.approx(0.0, abs=1e-6)


def test_derivative_explorer_says_when_h_is_too_large_or_too_small():
    ex = explore.derivative_explorer()
    ex.x_slider.value = 3.0
    ex.h_slider.value = 0.1
    s = ex.state()
    assert s["slope"] == pytest.approx(14.0)
    assert s["secant"] == pytest.approx(14.0 + 3 * 0.1)  # for 3x^2 the secant is off by 3h
    assert "too large" in cell(ex.readout.value, "verdict")
    ex.h_slider.value = 1e-7
    assert "good" in cell(ex.readout.value, "verdict")
    ex.h_slider.value = 1e-15
    assert "too small" in cell(ex.readout.value, "verdict")


def test_derivative_explorer_redraws_its_plot():
    ex = explore.derivative_explorer()
    before = bytes(ex.plot.value)
    assert before.startswith(b"\x89PNG")
    ex.x_slider.value = 0.0
    assert bytes(ex.plot.value) != before


def test_derivative_explorer_accepts_any_value_function():
    ex = explore.derivative_explorer(lambda x: x.tanh() if isinstance(x, Value) else __import__("math").tanh(x),
                                     x=0.0, name="tanh")
    assert ex.state()["slope"] == pytest.approx(1.0)


# ---------------------------------------------------------------- wiggle

def test_wiggle_prediction_is_exact_for_a_single_linear_nudge():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0)
    assert ex.state()["grads"] == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    ex.sliders["a"].value = 0.1
    readout = ex.readout.value
    assert float(cell(readout, "actual")) == pytest.approx(0.6)
    assert float(cell(readout, "predicted")) == pytest.approx(0.6)
    assert float(cell(readout, "difference")) == pytest.approx(0.0, abs=1e-9)


def test_wiggle_difference_is_the_second_order_term():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0)
    ex.sliders["a"].value = 0.5
    ex.sliders["f"].value = 0.3
    s = ex.state()
    assert s["actual"] == pytest.approx(((2.5 * -3 + 10) * -1.7) - (-8.0))
    assert s["predicted"] == pytest.approx(6.0 * 0.5 + 4.0 * 0.3)
    assert s["difference"] == pytest.approx(0.5 * -3.0 * 0.3)  # h_a * b * h_f
    assert float(cell(ex.readout.value, "difference")) == pytest.approx(-0.45)


def test_wiggle_graph_shows_nudged_values_and_highlights_the_leaf():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0)
    ex.sliders["c"].value = 1.0
    svg = ex.graph.value
    assert svg.startswith("<svg") and "data 11.0000" in svg
    assert svg.count('fill="gold"') == 1
    assert not re.search(r"0x[0-9a-f]{6,}", svg)


def test_wiggle_plot_follows_the_selected_leaf():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0, show_graph=False)
    first = bytes(ex.plot.value)
    ex.selected.value = "f"
    assert bytes(ex.plot.value) != first


def test_wiggle_needs_leaves_and_a_value_result():
    with pytest.raises(ValueError, match="at least one leaf"):
        explore.wiggle_explorer(lecture_L)
    with pytest.raises(TypeError, match="must return a Value"):
        explore.wiggle_explorer(lambda a: 3.0, a=1.0)


def test_wiggle_plot_survives_leaving_the_domain():
    ex = explore.wiggle_explorer(lambda a: a.log(), a=0.5)
    ex.sliders["a"].value = 0.2  # the curve spans a - 1 .. a + 1, partly below 0
    assert float(cell(ex.readout.value, "actual")) == pytest.approx(__import__("math").log(0.7 / 0.5))


# ---------------------------------------------------------------- step size

@pytest.mark.parametrize("lr,verdict", [
    (0.001, "slow crawl"),
    (0.05, "converging"),
    (0.2, "converged (zig-zagging)"),
    (0.3, "oscillating"),
    (0.34, "diverging"),
    (10.0, "diverged"),
])
def test_step_size_verdicts_on_the_parabola(lr, verdict):
    ex = explore.step_size_explorer(steps=30)
    ex.lr_slider.value = lr
    assert ex.state()["verdict"] == verdict
    assert cell(ex.readout.value, "verdict") == verdict


def test_step_size_reaches_the_minimum_at_two_thirds():
    ex = explore.step_size_explorer(lr=0.1, steps=100)
    assert ex.state()["xs"][-1] == pytest.approx(2 / 3)
    assert ex.state()["verdict"] == "converged"


def test_step_size_mlp_converges_and_diverges_without_crashing():
    ex = explore.step_size_explorer(problem="MLP on the toy set", steps=30)
    ex.lr_slider.value = 0.05
    good = ex.state()
    assert good["losses"][-1] < good["losses"][0] / 100
    ex.lr_slider.value = 10.0
    assert ex.state()["verdict"] == "diverged"
    assert cell(ex.readout.value, "verdict") == "diverged"
    ex.problem.value = "1-D function"
    assert ex.state()["xs"] is not None


def test_describe_run_reports_nan_and_inf_as_diverged():
    assert explore.describe_run([1.0, float("nan")], [1.0, 1.0]) == "diverged"
    assert explore.describe_run([1.0, 2.0], [1.0, float("inf")]) == "diverged"
    assert explore.describe_run([1.0, 0.5, 0.25], [1.0, 0.5, 1e-6]) == "converged"


# ---------------------------------------------------------------- stepper

def lecture_graph():
    a, b, c, f = (Value(x, label=n) for x, n in [(2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")])
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, (a, b, c, f)


def test_stepper_walks_the_backward_pass_one_node_at_a_time():
    L, (a, b, c, f) = lecture_graph()
    stepper = explore.backprop_stepper(L)
    assert "step 0 of 3" in cell(stepper.readout.value, "step")
    assert stepper.back_button.disabled
    stepper.step_button.click()
    assert "node <b>L</b> (*)" in stepper.readout.value
    assert (f.grad, a.grad) == (4.0, 0.0)  # only L's rule has run
    stepper.step_button.click()
    stepper.step_button.click()
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    assert stepper.step_button.disabled
    assert "a.grad += -3.000000 × -2.000000 → 6.000000" in cell(stepper.readout.value, "writes")


def test_stepper_back_and_reset_replay_from_the_start():
    L, (a, b, c, f) = lecture_graph()
    stepper = explore.backprop_stepper(L)
    for _ in range(3):
        stepper.step()
    stepper.back_button.click()
    assert stepper.position == 2 and a.grad == 0.0 and c.grad == -2.0
    stepper.reset_button.click()
    assert stepper.position == 0 and L.grad == 1.0 and c.grad == 0.0


def test_stepper_highlights_the_node_and_the_children_it_writes():
    L, _ = lecture_graph()
    stepper = explore.backprop_stepper(L)
    stepper.step()
    svg = stepper.graph.value
    assert svg.count('fill="gold"') == 1 and svg.count('fill="lightblue"') == 2


def test_stepper_matches_backward_on_a_larger_graph():
    x = Value(0.3, label="x")
    y = ((x * 2 + 1).tanh() * x - x.exp() / (x + 2)) ** 2
    stepper = explore.backprop_stepper(y)
    while not stepper.step_button.disabled:
        stepper.step()
    stepped = x.grad
    x.grad = 0.0
    for v in explore.topological_order(y):
        v.grad = 0.0
    y.backward()
    assert stepped == pytest.approx(x.grad)
