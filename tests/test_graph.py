"""Graph drawings: content, stability, and a clear error without a renderer."""

import re

import pytest

from micrograd_course import Value, draw_graph
from micrograd_course import graph


def lecture_expression():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L, (a, b, c, e, d, f)


def test_drawing_shows_labels_data_grad_and_ops():
    L, _ = lecture_expression()
    L.backward()
    source = draw_graph(L).source
    assert "{ a | data 2.0000 | grad 6.0000 }" in source
    assert "{ L | data -8.0000 | grad 1.0000 }" in source
    assert source.count("shape=record") == 7
    assert source.count('label="*"') == 2 and source.count('label="+"') == 1
    assert "rankdir=LR" in source


def test_node_names_come_from_traversal_order_not_ids():
    L, _ = lecture_expression()
    names = set(re.findall(r"^\s*(\w+) \[", draw_graph(L).source, re.M)) - {"graph", "node"}
    assert names == {f"v{i}" for i in range(7)} | {"v2op", "v4op", "v6op"}


def test_same_expression_gives_the_same_svg():
    first = draw_graph(lecture_expression()[0]).pipe(format="svg")
    second = draw_graph(lecture_expression()[0]).pipe(format="svg")
    assert first == second
    assert first.startswith(b"<?xml") and b"</svg>" in first


def test_highlight_and_hidden_grad():
    L, (a, *_rest) = lecture_expression()
    source = draw_graph(L, highlight=[a], show_grad=False).source
    assert source.count("fillcolor=gold") == 1
    assert "grad" not in source


def test_labels_with_record_characters_are_escaped():
    v = Value(1.0, label="{x|y}")
    assert r"\{x\|y\}" in draw_graph(v).source
    draw_graph(v).pipe(format="svg")  # and the renderer accepts it


def test_a_few_hundred_nodes_render():
    x = Value(0.5, label="x")
    y = x
    for _ in range(100):
        y = (y * 0.9 + 0.1).tanh()
    svg = draw_graph(y).pipe(format="svg")
    assert svg.count(b'class="node"') == len(graph.topological_order(y)) + 300


def test_missing_renderer_is_one_clear_error(monkeypatch):
    monkeypatch.delenv(graph.ENV_VARIABLE, raising=False)
    monkeypatch.setattr(graph.shutil, "which", lambda _name: None)
    with pytest.raises(graph.GraphvizNotFoundError) as info:
        draw_graph(Value(1.0))
    message = str(info.value)
    assert "pip install graphviz-pure" in message and "apt install graphviz" in message


def test_bad_override_path_names_the_variable(monkeypatch):
    monkeypatch.setenv(graph.ENV_VARIABLE, "/nonexistent/dot")
    with pytest.raises(graph.GraphvizNotFoundError, match="MICROGRAD_COURSE_DOT is set to '/nonexistent/dot'"):
        draw_graph(Value(1.0))
