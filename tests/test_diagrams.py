"""Network diagrams (micrograd_course.diagrams): the text in each unit is the unit's real weighted sum."""

import random
import re

import pytest

from micrograd_course.diagrams import draw_network, linear_text


@pytest.mark.parametrize("weights,names,bias,text", [
    ([-1, -1], ["x1", "x2"], 0.5, "0.5 - x1 - x2"),
    ([1, 1], ["x1", "x2"], -1.5, "x1 + x2 - 1.5"),
    ([2.5, 0, -1], ["a", "b", "c"], 0, "2.5*a - c"),
    ([-2], ["a"], 0, "-2*a"),
    ([0, 0], ["a", "b"], 0, "0"),
    ([0, 0], ["a", "b"], -3, "-3"),
])
def test_linear_text_reads_as_written_by_hand(weights, names, bias, text):
    assert linear_text(weights, names, bias) == text


def test_linear_text_evaluates_to_the_weighted_sum():
    rng = random.Random(0)
    for _ in range(200):
        n = rng.randint(1, 4)
        weights = [rng.choice([0, 1, -1, round(rng.uniform(-3, 3), 2)]) for _ in range(n)]
        bias = rng.choice([0, round(rng.uniform(-3, 3), 2)])
        names = [f"x{i}" for i in range(n)]
        values = {name: rng.uniform(-2, 2) for name in names}
        text = linear_text(weights, names, bias)
        assert text.isascii()  # Graphviz measures only ASCII; anything else is drawn too narrow
        expected = sum(w * values[name] for w, name in zip(weights, names)) + bias
        assert eval(text, {}, values) == pytest.approx(expected)


def test_the_xor_network_shows_every_weight_and_both_stages():
    weights, biases = [[[-1, -1], [1, 1]], [[-1, -1]]], [[0.5, -1.5], [0.5]]
    dot = draw_network([2, 2, 1], weights, biases, names=[["x1", "x2"], ["h1", "h2"], ["f"]], activations=["u", "u"])
    source = dot.source
    assert source.count("->") == 2 * 2 + 2 * 1
    assert len(re.findall(r'label=-?1\b', source)) == 6
    for text in ("excitation z = 0.5 - x1 - x2", "excitation z = x1 + x2 - 1.5", "activation h2 = u(z)",
                 "excitation z = 0.5 - h1 - h2", "activation f = u(z)"):
        assert text in source, text
    assert "<svg" in dot.svg()


def test_the_shape_alone_and_softmax_outputs():
    source = draw_network([2, 3, 3], activations=["tanh", "softmax"]).source
    assert source.count("->") == 2 * 3 + 3 * 3
    assert "activation p2 = softmax(z)[2]" in source and "activation h1 = tanh(z)" in source  # classes from 0
    assert "excitation z0 = sum(w * input) + b" in source and "softmax(z)[3]" not in source
    assert "sum(w * input) + b" in source
    deep = draw_network([2, 2, 2, 1]).source
    assert "h1_1" in deep and "h2_2" in deep and "y1" in deep


def test_units_are_drawn_top_to_bottom_in_their_order():
    # Graphviz reorders a rank to cut crossings unless told to keep the order: h3, h4, h1, h2 was drawn.
    svg = draw_network([2, 4, 3], activations=["tanh", "softmax"]).pipe(format="svg", encoding="utf-8")
    heights = {name: float(y) for name, y in re.findall(
        r'<title>\d\.(\w+)</title>.*?<text[^>]*y="([-\d.]+)"', svg, re.S)}
    for layer in (["x1", "x2"], ["h1", "h2", "h3", "h4"], ["p0", "p1", "p2"]):
        ys = [heights[name] for name in layer]
        assert ys == sorted(ys), (layer, ys)  # SVG y grows downwards


def test_subscripts_name_each_units_excitation():
    source = draw_network([2, 2, 3], activations=["tanh", "softmax"], subscripts=True).source
    assert "excitation z_h1 = sum(w * input) + b" in source and "activation h2 = tanh(z_h2)" in source
    assert "excitation z1 = sum(w * input) + b" in source and "activation p1 = softmax(z)[1]" in source


@pytest.mark.parametrize("call,message", [
    (lambda: draw_network([2]), "at least two layer widths"),
    (lambda: draw_network([2, 0, 1]), "positive int"),
    (lambda: draw_network([2, 2], weights=[[[1, 2, 3], [1, 2, 3]]], biases=[[0, 0]]), "2 rows (one per unit) of 2"),
    (lambda: draw_network([2, 2], weights=[[[1, 2], [1, 2]]], biases=[[0]]), "2 numbers, one per unit"),
    (lambda: draw_network([2, 1], activations=["u", "u"]), "one activation per layer"),
    (lambda: draw_network([2, 1], names=[["a", "b"], ["c", "d"]]), "but it has 1 unit"),
])
def test_bad_shapes_say_what_is_expected(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
