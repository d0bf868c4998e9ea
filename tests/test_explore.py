"""Explorers: move a control from code and check what the widget now shows."""

import html
import math
import re

import pytest

from micrograd_course import Value
from micrograd_course import explore


def png_size(png):
    """(width, height) from a PNG header."""
    assert png.startswith(b"\x89PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def plot_numbers(plot_html, attribute):
    match = re.search(rf'data-{attribute}="([^"]*)"', plot_html)
    assert match, f"no data-{attribute} on the plot"
    return [float(v) for v in match.group(1).split(",")]


def assert_data_inside(plot_html, panel):
    """The data drawn in a panel lies within that panel's axis limits (as sent to the page)."""
    x0, x1, y0, y1 = plot_numbers(plot_html, f"axes{panel}")
    dx0, dx1, dy0, dy1 = plot_numbers(plot_html, f"data{panel}")
    assert x0 <= dx0 and dx1 <= x1, f"x data {dx0}..{dx1} outside the axis {x0}..{x1}"
    assert y0 <= dy0 and dy1 <= y1, f"y data {dy0}..{dy1} outside the axis {y0}..{y1}"


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


def test_derivative_explorer_redraws_its_plot_sharply():
    ex = explore.derivative_explorer()
    before = ex.plot.value
    assert before.startswith('<img class="mgc-plot"') and "data:image/png;base64," in before
    ex.x_slider.value = 0.0
    assert ex.plot.value != before
    # Twice as many pixels as the image takes on the page, so it stays sharp on HiDPI screens.
    width, height = png_size(ex._canvas.last_png)
    assert (width, height) == (2 * ex._canvas.width, 2 * ex._canvas.height)
    assert f'width="{ex._canvas.width}"' in ex.plot.value and ex._canvas.width <= 820


def test_derivative_explorer_keeps_both_secant_points_and_the_error_marker_in_view():
    ex = explore.derivative_explorer()
    for x in (-1.0, 3.0, 4.0):
        for h in (1e-16, 1e-8, 1.0):  # both ends of the h slider
            ex.x_slider.value = x
            ex.h_slider.value = h
            assert_data_inside(ex.plot.value, 0)  # x + h = 5 at the far end is still on the plot
            assert_data_inside(ex.plot.value, 1)
            low, high = ex._canvas.axes[1].get_xlim()
            # The marker sits at h; its whole disc needs room to either side on the log axis.
            assert low <= h / 3 and high >= h * 3


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


def test_wiggle_shows_round_off_as_zero():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0)
    ex.sliders["c"].value = 0.05  # (10.05 - 6) * -2 - -8 is -0.1 only up to round-off
    assert cell(ex.readout.value, "difference") == "0.000000"


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
    assert "<svg" in svg and "data 11.0000" in svg
    assert svg.count('fill="gold"') == 1
    assert not re.search(r"0x[0-9a-f]{6,}", svg)


def test_wiggle_plot_follows_the_selected_leaf():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0, show_graph=False)
    first = ex.plot.value
    ex.selected.value = "f"
    assert ex.plot.value != first
    assert "h of f" in ex._canvas.axes[0].get_xlabel()


def test_wiggle_plot_table_and_graph_tell_the_same_story():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0)
    ex.selected.value = "a"
    ex.sliders["c"].value = 0.5  # another leaf's nudge must move the plotted point too
    ex.sliders["a"].value = 0.3
    s = ex.state()
    output_after = float(cell(ex.readout.value, "output"))
    assert output_after == pytest.approx((2.3 * -3 + 10.5) * -2.0)
    # The marker on the curve is the table's "output after", the cross on the dashed line its prediction.
    assert ex._marker.get_ydata()[0] == pytest.approx(output_after)
    assert ex._predicted_marker.get_ydata()[0] == pytest.approx(s["base"] + float(cell(ex.readout.value, "predicted")))
    # The curve at the current h, with the other nudges held, passes through that point.
    hs, outputs = ex._curve.get_data()
    i = min(range(len(hs)), key=lambda k: abs(hs[k] - 0.3))
    assert hs[i] == pytest.approx(0.3) and outputs[i] == pytest.approx(output_after)
    assert_data_inside(ex.plot.value, 0)
    # The graph shows the nudged point and says that its grads are not the table's.
    assert "data 10.5000" in ex.graph.value
    assert "base point" in ex.children[-2].value


def test_wiggle_prediction_stays_visible_over_a_linear_output():
    ex = explore.wiggle_explorer(lecture_L, a=2.0, b=-3.0, c=10.0, f=-2.0, show_graph=False)
    ex.selected.value = "c"  # L is linear in c: curve and prediction coincide exactly
    hs, outputs = ex._curve.get_data()
    assert list(ex._prediction.get_ydata()) == pytest.approx(list(outputs))
    # A broad pale curve under a thin dashed line: both remain visible where they coincide.
    assert ex._curve.get_linewidth() >= 2 * ex._prediction.get_linewidth()
    assert ex._prediction.get_linestyle() == "--"
    animated = ex._canvas._animated
    assert animated.index(ex._prediction) > animated.index(ex._curve)  # drawn on top
    legend = ex._canvas.axes[0].get_legend()
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 9


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
    (0.3, "converging (zig-zagging)"),  # |1 - 6 lr| = 0.8: the zig-zags shrink
    (0.33, "oscillating"),  # |1 - 6 lr| = 0.98: they hardly do
    (0.34, "diverging"),
    (10.0, "diverged"),
])
def test_step_size_verdicts_on_the_parabola(lr, verdict):
    ex = explore.step_size_explorer(steps=30)
    ex.lr_slider.value = lr
    assert ex.state()["verdict"] == verdict
    assert cell(ex.readout.value, "verdict") == verdict


def test_step_size_default_learning_rate_reads_exactly():
    ex = explore.step_size_explorer()
    assert ex.lr_slider.value == 0.05 and ex.lr_slider.label == "0.05"
    assert cell(ex.readout.value, "lr") == "0.05"


def visible_log_ticks(ax):
    low, high = ax.get_ylim()
    return [t for t in ax.yaxis.get_majorticklocs() if low <= t <= high]


@pytest.mark.parametrize("problem", explore.StepSizeExplorer.PROBLEMS)
def test_step_size_loss_axis_is_labelled_and_holds_the_data(problem):
    ex = explore.step_size_explorer(problem=problem, steps=30)
    for lr in (0.001, 0.05, 0.3, 0.34, 10.0):  # crawl, converge, zig-zag, diverge, blow up
        ex.lr_slider.value = lr
        right = ex._canvas.axes[1]
        assert len(visible_log_ticks(right)) >= 3, lr
        assert right.get_ylabel() and right.get_xlabel() == "step"
        assert_data_inside(ex.plot.value, 1)
        assert all(float(t).is_integer() for t in right.xaxis.get_majorticklocs())


def test_step_size_plots_the_distance_to_the_minimum():
    ex = explore.step_size_explorer(lr=0.1, steps=60)
    s = ex.state()
    assert ex.f_min == pytest.approx(11 / 3, abs=1e-12)  # 3x^2 - 4x + 5 at x = 2/3
    assert s["gaps"][0] == pytest.approx(12.0 - 11 / 3)  # f(-1) = 12
    assert s["gaps"][-1] < 1e-12  # converged: the curve falls through many decades, not flat at 3.67
    assert "min f" in ex._canvas.axes[1].get_ylabel()


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


def slider_ends(slider):
    """The first and last value a slider offers (a SelectionSlider's options, an IntSlider's min and max)."""
    if hasattr(slider, "options"):
        values = [value for _label, value in slider.options]
        return values[0], values[-1]
    return slider.min, slider.max


def step_size_extremes():
    """Every pair of slider ends, for each problem: lr min/max x steps min/max."""
    ex = explore.step_size_explorer()
    return [(problem, lr, steps) for problem in explore.StepSizeExplorer.PROBLEMS
            for lr in slider_ends(ex.lr_slider) for steps in slider_ends(ex.steps_slider)]


@pytest.mark.filterwarnings("error")  # an overflow warning from matplotlib or numpy fails too
@pytest.mark.parametrize("problem, lr, steps", step_size_extremes())
def test_step_size_explorer_survives_every_slider_extreme(problem, lr, steps):
    """Moving the controls runs the widget's callbacks; any exception in them reaches this test.

    The controls are set in both orders (lr first, steps first) from the other
    problem, so each extreme is also reached from a different earlier state.
    """
    other = [p for p in explore.StepSizeExplorer.PROBLEMS if p != problem][0]
    for order in ("lr first", "steps first"):
        ex = explore.step_size_explorer(problem=other)
        ex.problem.value = problem
        moves = [(ex.lr_slider, lr), (ex.steps_slider, steps)]
        for slider, value in (moves if order == "lr first" else moves[::-1]):
            slider.value = value
        s = ex.state()
        assert cell(ex.readout.value, "verdict") == s["verdict"] == ex._verdict.get_text()
        assert_data_inside(ex.plot.value, 1)
        assert ex._canvas.axes[1].get_xlim()[1] >= steps  # the steps asked for, so an early stop shows
        stopped = len(s["losses"]) - 1 < steps or not math.isfinite(s["losses"][-1])
        marker_x, _ = ex._blowup.get_data()
        assert (len(marker_x) == 1) == stopped, "a run that stops early is marked where it stopped"
        if stopped:
            assert ex._stop_note.get_text().startswith(f"stopped at step {s['stopped_at']}")


def test_step_size_plot_says_diverged_when_the_mlp_blows_up_after_a_good_run():
    """The reported crash: MLP, 200 steps, lr 10, after a run that converged."""
    ex = explore.step_size_explorer(problem="MLP on the toy set", lr=0.1, steps=200)
    assert ex._verdict.get_text().startswith("converg")
    ex.lr_slider.value = 10.0
    assert cell(ex.readout.value, "verdict") == "diverged" == ex._verdict.get_text()
    assert "stopped at step" in ex._stop_note.get_text()


def test_step_size_marks_iterates_that_leave_the_panel():
    ex = explore.step_size_explorer(lr=10.0, steps=200)
    s = ex.state()
    lo, hi = ex.x_range
    off = sum(1 for x in s["xs"] if not lo <= x <= hi)
    assert off > 0
    assert ex._escaped_note.get_text().startswith(f"{off} of {len(s['xs'])} iterates off the panel")
    marked = len(ex._escaped.get_data()[0]) + len(ex._escaped_left.get_data()[0])
    assert marked == (any(x > hi for x in s["xs"])) + (any(x < lo for x in s["xs"]))
    assert s["stopped_at"] == len(s["xs"]) - 1 < 200  # |x| grew past 1e150: the run stopped, and says so
    assert "1e150" in ex._stop_note.get_text()
    ex.lr_slider.value = 0.05
    assert ex._escaped_note.get_text() == "" and len(ex._escaped.get_data()[0]) == 0


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
    assert "<b>L = d · f</b> (*)" in stepper.readout.value
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


def test_stepper_names_every_node_readably_and_the_same_in_the_graph():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    stepper = explore.backprop_stepper((x1 * w1 + x2 * w2 + b).tanh())
    heights = {stepper.readout.layout.height}
    formulas, writes = [], ""
    while not stepper.step_button.disabled:
        stepper.step()
        formulas.append(re.search(r"<b>(.*?)</b>", stepper.readout.value).group(1))
        writes += stepper.readout.value
        heights.add(stepper.readout.layout.height)
        assert "[" not in stepper.readout.value  # no more "[+]" or "[*].grad"
    assert formulas == ["n5 = tanh(n4)", "n4 = n3 + b", "n3 = n1 + n2", "n2 = x2 · w2", "n1 = x1 · w1"]
    assert "n1.grad += 1.000000 × 0.500000 → 0.500000" in writes
    assert len(heights) == 1  # the readout never changes height, so nothing below it jumps
    for name in ("n1", "n2", "n3", "n4", "n5"):
        assert f">{name}</text>" in stepper.graph.value


def test_stepper_names_constants_and_describes_an_n_ary_node():
    a, b = Value(3.0, label="a"), Value(4.0, label="b")
    fused = Value(a.data * b.data + 1.0, (a, b, Value(1.0)), "w·x+b", (b.data, a.data, 1.0))
    stepper = explore.backprop_stepper(fused * 2)
    stepper.step()
    stepper.step()
    assert "n1 = w·x+b(a, b, k1)" in html.unescape(stepper.readout.value)
    assert "each weight gets its input × out.grad" in html.unescape(stepper.readout.value)
    assert len(re.findall('data-name="writes"', stepper.readout.value)) == 3
    assert "k1.grad += 1.000000 × 2.000000 → 2.000000" in html.unescape(stepper.readout.value)


def test_readout_tables_pad_their_cells():
    ex = explore.derivative_explorer()
    assert re.search(r"th,\.mgc-table td\{padding:[^}]*12px", ex.readout.value)


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


def test_stepper_says_done_after_the_last_step_and_only_then():
    L, leaves = lecture_graph()
    stepper = explore.backprop_stepper(L)
    while stepper.position < len(stepper.order):
        assert 'data-name="done"' not in stepper.readout.value
        stepper.step()
    assert cell(stepper.readout.value, "done").startswith("done")
    expected = [v.grad for v in leaves]
    for v in leaves:
        v.grad = 0.0  # leaves accumulate; start backward() from zero to compare
    L.backward()
    assert [v.grad for v in leaves] == expected  # what "done" claims
    stepper.back()
    assert 'data-name="done"' not in stepper.readout.value


def test_step_size_controls_at_every_extreme_record_no_widget_error():
    """Every problem x every control's min and max, moved as the page moves them; no error anywhere.

    An exception raised while a slider moves in the browser goes to the kernel's log, not the cell;
    the explorer also keeps it in ``errors`` and shows it, so this test sees what the log would.
    """
    ex = explore.step_size_explorer()
    rates = [rate for _, rate in ex.lr_slider.options]
    for problem in ex.PROBLEMS:
        ex.problem.value = problem
        for steps in (ex.steps_slider.min, ex.steps_slider.max):
            ex.steps_slider.value = steps
            for lr in (rates[0], rates[-1]):
                ex.lr_slider.value = lr
                assert ex.errors == [], (problem, steps, lr)
                assert ex._verdict.get_text() == ex.state()["verdict"]
    assert ex.error_note.layout.display == "none"


def test_step_size_an_error_in_the_redraw_is_shown_and_kept(monkeypatch):
    ex = explore.step_size_explorer()

    def broken(_state):
        raise UnboundLocalError("cannot access local variable 'top'")

    monkeypatch.setattr(ex, "_draw", broken)
    with pytest.raises(UnboundLocalError):
        ex.lr_slider.value = 10.0
    assert ex.errors == ["UnboundLocalError: cannot access local variable 'top'"]
    assert ex.error_note.layout.display is None and "top" in ex.error_note.value


def test_step_size_mlp_behaviours_are_the_ones_lecture_6_names():
    """Lecture 6 'Try it': at 200 steps the MLP crawls below 0.01, converges up to 0.4, diverges from 0.5, no zig-zag."""
    ex = explore.step_size_explorer(problem="MLP on the toy set", steps=200)
    seen = {}
    for _, lr in ex.lr_slider.options:
        ex.lr_slider.value = lr
        seen[lr] = ex.state()["verdict"]
    assert all(v == "slow crawl" for lr, v in seen.items() if lr < 0.01)
    assert all(v.startswith("converg") for lr, v in seen.items() if 0.01 <= lr <= 0.4)
    assert all(v == "diverged" for lr, v in seen.items() if lr >= 0.5)
    assert not any("zig-zag" in v or v == "oscillating" for v in seen.values())


def test_stepper_draws_the_graph_right_under_its_buttons():
    L, _ = lecture_graph()
    stepper = explore.backprop_stepper(L)
    assert stepper.children.index(stepper.graph) == 2 < stepper.children.index(stepper.readout)
    for _ in range(len(stepper.order) - 1):
        stepper.step_button.click()
        assert 'data-name="done"' not in stepper.readout.value
    stepper.step_button.click()
    assert 'data-name="done"' in stepper.readout.value


def test_wiggle_markers_at_the_slider_ends_sit_inside_the_frame():
    """At h = ±1 the two points the plot is about are drawn whole, not half-clipped on the frame."""
    ex = explore.wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    ax = ex._canvas.axes[0]
    for name, slider in ex.sliders.items():
        ex.selected.value = name
        for h in (slider.min, slider.max):
            slider.value = h
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            for marker in (ex._marker, ex._predicted_marker):
                (x,), (y,) = marker.get_data()
                assert x0 + 0.02 * (x1 - x0) < x < x1 - 0.02 * (x1 - x0), (name, h)
                assert y0 + 0.02 * (y1 - y0) < y < y1 - 0.02 * (y1 - y0), (name, h)
        slider.value = 0.0
    assert ex.errors == []


def test_wiggle_graph_names_every_box_as_the_stepper_does():
    ex = explore.wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    svg = ex.graph.value
    for name in ("a", "b", "c", "f", "n1", "n2", "n3"):
        assert f">{name}</text>" in svg, name


def test_for_the_mlp_the_top_panel_shows_the_gradient_size_at_each_step():
    """The MLP has no curve to walk on; instead of an empty panel, |gradient| per step (and the 1-D view hides it)."""
    ex = explore.step_size_explorer()
    ex.problem.value = ex.PROBLEMS[1]
    s = ex.state()
    top = ex._mlp_axes
    assert top.get_visible() and not ex._canvas.axes[0].axison
    shown = list(ex._grad_line.get_ydata())
    assert len(shown) == len(s["grads"]) and all(abs(a - b) <= 1e-12 * b for a, b in zip(shown, s["grads"]))
    low, high = top.get_ylim()
    assert low <= min(shown) and max(shown) <= high
    ex.problem.value = ex.PROBLEMS[0]
    assert not top.get_visible() and not ex._grad_line.get_visible() and ex._canvas.axes[0].axison
