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
    assert 'label="a | data 2.0000 | grad 6.0000"' in source  # stacked: left to right, fields go top down
    assert 'label="L | data -8.0000 | grad 1.0000"' in source
    assert source.count("shape=record") == 7
    assert source.count('label="*"') == 2 and source.count('label="+"') == 1
    assert "rankdir=LR" in source


def test_node_names_come_from_traversal_order_not_ids():
    L, _ = lecture_expression()
    names = set(re.findall(r"^\s*(\w+) \[", draw_graph(L).source, re.M)) - {"graph", "node", "edge"}
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


def fused_neuron(n_inputs=3):
    """A neuron as one node, the way the package's nn.Neuron builds it: w·x+b with children w, x, b."""
    ws = [Value(0.5 - 0.25 * i, label=f"w{i}") for i in range(n_inputs)]
    xs = [Value(1.0 + i, label=f"x{i}") for i in range(n_inputs)]
    b = Value(0.1, label="b")
    data = sum(w.data * x.data for w, x in zip(ws, xs)) + b.data
    local = [x.data for x in xs] + [w.data for w in ws] + [1.0]
    return Value(data, tuple(ws) + tuple(xs) + (b,), "w·x+b", tuple(local)), ws, xs, b


def test_a_fused_neuron_node_is_one_labelled_oval_fed_by_every_input():
    act, ws, xs, b = fused_neuron()
    out = act.tanh()
    out.label = "out"
    out.backward()
    source = draw_graph(out).source
    assert source.count('label="w·x+b"') == 1
    op = re.search(r'(\w+) \[label="w·x\+b"', source).group(1)
    assert len(re.findall(rf"-> {op}\b", source)) == 7  # w0..w2, x0..x2 and b
    for name in ("w0", "w1", "w2", "x0", "x2", "b"):
        assert f'label="{name} | data' in source
    assert f"grad {xs[1].grad:.4f}" in source  # the weights' and inputs' grads are drawn
    svg = draw_graph(out).pipe(format="svg").decode()
    assert svg.count('class="node"') == 9 + 2  # 9 values, the fused op and tanh


def test_unlabelled_values_can_be_named_for_the_drawing():
    w, x = Value(0.5), Value(2.0, label="x")
    y = w * x
    source = draw_graph(y, labels={w: "w0", x: "ignored"}).source
    assert 'label="w0 | data 0.5000' in source
    assert 'label="x | data 2.0000' in source  # a value's own label wins
    assert w.label == ""  # the Value itself is not changed


def svg_size(svg):
    width, height = re.match(r'<svg width="(\d+)px" height="(\d+)px"', svg).groups()
    natural = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    return int(width), int(height), float(natural[0]) * 4 / 3


def chain(n):
    y = Value(0.5, label="x")
    for _ in range(n):
        y = (y * 0.9).tanh()
    return y


def test_a_notebook_shows_a_small_graph_at_its_natural_size():
    small = Value(2.0, label="a") * Value(3.0, label="b")
    width, height, natural = svg_size(draw_graph(small)._repr_image_svg_xml())
    assert natural < graph.FIT_WIDTH and width == pytest.approx(natural, abs=1)


def test_a_wide_graph_is_shrunk_to_the_page_but_text_stays_readable():
    x = Value(0.5, label="x")
    wide = draw_graph((x * 0.9).tanh() + x)._repr_image_svg_xml()
    width, _, natural = svg_size(wide)
    assert natural > graph.FIT_WIDTH and width <= graph.FIT_WIDTH
    assert width >= graph.MIN_SCALE * natural - 1
    huge = draw_graph(chain(30)).svg()
    width, _, natural = svg_size(huge)
    assert width == pytest.approx(graph.MIN_SCALE * natural, abs=1)  # wider than the page: it scrolls
    inline = draw_graph(chain(30)).svg(inline=True)
    assert inline.startswith('<div class="mgc-graph" style="overflow-x:auto') and "<?xml" not in inline


def test_draws_any_value_like_class_without_a_label_attribute():
    class Bare:  # a student's early Value: no label yet
        def __init__(self, data, children=(), op=""):
            self.data, self.grad, self._prev, self._op = data, 0.0, set(children), op

    a, b = Bare(2.0), Bare(3.0)
    c = Bare(6.0, (a, b), "*")
    source = draw_graph(c).source
    assert source.count("shape=record") == 3 and 'label="*"' in source


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


def test_an_inline_drawing_follows_the_column_between_a_readable_minimum_and_its_natural_size():
    """Widgets show graphs inline: width 100 % of the column, never wider than natural, never below MIN_SCALE."""
    svg = draw_graph(chain(3)).svg(inline=True)
    natural = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg).group(1)) * 4 / 3
    style = re.search(r'<svg width="100%" preserveAspectRatio="xMinYMin meet" style="([^"]+)"', svg).group(1)
    assert f"max-width:{natural:.0f}px" in style
    assert f"min-width:{natural * graph.MIN_SCALE:.0f}px" in style and "height:auto" in style


def test_drawings_are_laid_out_for_a_590_px_column():
    assert graph.FIT_WIDTH == 590  # JupyterLab at 1024 px with the file browser open
    svg = draw_graph(chain(2)).svg()
    assert 'style="max-width:100%;height:auto"' in svg and "viewBox=" in svg


def test_every_drawing_carries_a_title_and_a_summary_for_screen_readers():
    from micrograd_course.diagrams import draw_network

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b + 7.0).relu()  # 1 after the ReLU: the gradients get through
    out.backward()
    svg = draw_graph(out).svg()
    title = re.search(r"<title>([^<]*)</title>", svg)
    desc = re.search(r"<desc>([^<]*)</desc>", svg)
    assert 'role="img"' in svg[:svg.index(">")] and title and desc
    assert title.group(1) == "Computation graph of n3"
    # the expression, step by step, and every value with its gradient
    assert desc.group(1).startswith("n1 = a * b; n2 = n1 + k1; n3 = ReLU(n2). Values: "), desc.group(1)
    assert "a = 2 (grad -3)" in desc.group(1) and "b = -3 (grad 2)" in desc.group(1)
    assert "grad" not in draw_graph(out, show_grad=False).summary
    network = draw_network([2, 1], weights=[[[1.0, -1.0]]], biases=[[0.5]], names=[["x1", "x2"], ["y"]],
                           activations=["step"]).svg()
    assert "<title>A 2-1 network: inputs x1, x2</title>" in network and "<desc>y = step(" in network


def test_a_notebook_gets_the_drawing_as_an_html_image_with_alt_text_and_as_svg():
    """JupyterLab shows a notebook's stored SVG outputs only once it has run the notebook itself, and never
    gives them alt text; the HTML form is an <img> of the same SVG, shown in both cases, with the summary."""
    import base64
    import html as html_module

    L, _ = lecture_expression()
    L.backward()
    drawing = draw_graph(L)
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml"}
    assert bundle["image/svg+xml"] == drawing.svg()
    tag = re.fullmatch(r'<div class="mgc-graph" tabindex="0" style="overflow-x:auto;max-width:100%">'
                       r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)" style="([^"]+)"></div>',
                       bundle["text/html"])
    assert tag, bundle["text/html"][:200]
    assert base64.b64decode(tag.group(1)).decode("utf-8") == drawing.svg()
    alt = html_module.unescape(tag.group(2))
    assert alt.startswith("Computation graph of L. ") and "a = 2 (grad 6)" in alt and alt.endswith(".")
    natural = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', drawing.svg()).group(1)) * 4 / 3
    assert tag.group(3) == (f"width:100%;max-width:{natural:.0f}px;min-width:{natural * graph.MIN_SCALE:.0f}px;"
                            "height:auto")
    # IPython asks for some types only
    assert set(drawing._repr_mimebundle_(include=["image/svg+xml"])) == {"image/svg+xml"}
    assert set(drawing._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/html"}


def test_a_label_with_quotes_or_angle_brackets_cannot_break_out_of_the_alt_attribute():
    x = Value(1.0, label='"><script>alert(1)</script>')
    html_form = draw_graph(x * 2).html()
    assert "<script>" not in html_form and html_form.count('"') == 12  # the attributes' own quotes only
