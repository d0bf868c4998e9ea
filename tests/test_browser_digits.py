"""The draw-a-digit widget in a real browser: Playwright draws a "1" and a "0" with the mouse.

Voila serves a notebook that trains lecture 13's MLP on the digits (tensor
engine, a few seconds) and shows ``draw_digit`` with it. The test draws with
the mouse as a student would, checks that the bars change while the pen is
still down, that the drawings are read as 1 and 0, that the 8x8 preview
shows ink, and that the clear button empties everything. Screenshots at 1400
and 1024 px go to test-artifacts/.

Needs what tests/test_browser.py needs (Debian's chromium, voila, playwright)
and skips in the same way without them.
"""

import math

import pytest

from test_browser import ARTIFACTS, OVERFLOW, WAIT, screenshot, voila_page

pytest.importorskip("anywidget", reason="the widget is an anywidget (the widgets extra installs it)")
pytest.importorskip("sklearn", reason="the digits come from scikit-learn (the course extra installs it)")

CELLS = [
    "from micrograd_course.datasets import load_digits\n"
    "from micrograd_course.tensor import MLP, SGD, cross_entropy, softmax\n"
    "from micrograd_course.widgets import draw_digit\n"
    "import numpy as np\n"
    "X_train, y_train, X_test, y_test = load_digits()\n"
    "model = MLP(64, [64, 10], seed=0, init='scaled')\n"
    "optimizer = SGD(model.parameters(), lr=0.1)\n"
    "rng = np.random.default_rng(0)\n"
    "for epoch in range(40):\n"
    "    order = rng.permutation(len(y_train))\n"
    "    for start in range(0, len(order), 32):\n"
    "        batch = order[start:start + 32]\n"
    "        loss = cross_entropy(model(X_train[batch] / 16), y_train[batch])\n"
    "        optimizer.zero_grad()\n"
    "        loss.backward()\n"
    "        optimizer.step()",
    "pad = draw_digit(lambda pixels: softmax(model(pixels / 16)).data)\n"
    "pad",
]

CANVAS = ".mgc-draw-digit-canvas"
PREDICTION = ".mgc-draw-digit [data-name='prediction']"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with voila_page(tmp_path_factory.mktemp("voila-digits"), CELLS, {"width": 1400, "height": 900},
                    [CANVAS]) as page:
        yield page


def bars(page):
    """The probabilities the bars show, read from the page (class name -> value)."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.mgc-draw-digit-row')].map(
        row => [row.querySelector('.mgc-draw-digit-label').innerText.trim(),
                Number(row.querySelector('[role=meter]').dataset.value)]))""")


def stroke(page, points, lift=True):
    """Draw through ``points`` (fractions of the canvas, 0..1) with the mouse button held."""
    box = page.locator(CANVAS).bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=3)
    if lift:
        page.mouse.up()


def clear(page):
    page.get_by_role("button", name="clear the drawing").click()
    page.wait_for_function(f"() => document.querySelector(\"{PREDICTION}\").innerText.includes('nothing drawn')",
                           timeout=WAIT)
    assert all(v == 0 for v in bars(page).values())


def read_as(page, digit):
    page.wait_for_function(f"() => document.querySelector(\"{PREDICTION}\").innerText.includes('it reads: {digit}')",
                           timeout=WAIT)
    shown = bars(page)
    assert max(shown, key=shown.get) == str(digit)
    assert sum(shown.values()) == pytest.approx(1, abs=1e-6)
    pixels = [int(v) for v in page.locator(".mgc-draw-digit-preview").get_attribute("data-pixels").split(",")]
    assert len(pixels) == 64 and max(pixels) >= 12 and 200 < sum(pixels) < 420  # about the data's ink
    return shown


def test_the_widget_is_labelled_and_starts_empty(page):
    assert page.get_by_role("img", name="drawing area: draw one digit with the mouse, a pen or a finger").count() == 1
    assert page.get_by_role("img", name="the drawing as the model sees it: 8 by 8 pixels").count() == 1
    assert page.get_by_role("meter", name="probability of 7").count() == 1
    assert "nothing drawn yet" in page.locator(PREDICTION).inner_text()
    assert set(bars(page)) == {str(k) for k in range(10)}


def test_a_one_drawn_with_the_mouse_is_read_as_1(page):
    clear(page)
    stroke(page, [(0.42, 0.3), (0.52, 0.15), (0.52, 0.5), (0.51, 0.85)])
    shown = read_as(page, 1)
    assert shown["1"] > 0.5
    page.locator(".mgc-draw-digit").screenshot(path=str(ARTIFACTS / "draw-digit-1.png"))


def test_the_bars_follow_a_zero_while_it_is_drawn(page):
    clear(page)
    ring = [(0.5 + 0.25 * math.sin(t), 0.5 - 0.36 * math.cos(t))
            for t in [2 * math.pi * i / 40 for i in range(41)]]
    stroke(page, ring[:22], lift=False)  # the pen is still down: the bars already show something
    page.wait_for_function("() => [...document.querySelectorAll('.mgc-draw-digit [role=meter]')]"
                           ".some(m => Number(m.dataset.value) > 0)", timeout=WAIT)
    half = bars(page)
    for x, y in ring[22:]:
        box = page.locator(CANVAS).bounding_box()
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=3)
    page.mouse.up()
    shown = read_as(page, 0)
    assert shown != half, "the bars changed as the drawing grew"
    page.locator(".mgc-draw-digit").screenshot(path=str(ARTIFACTS / "draw-digit-0.png"))
    screenshot(page, "draw-digit-1400.png")


def test_clear_empties_the_canvas_and_the_bars(page):
    clear(page)
    blank = page.locator(CANVAS).evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 0; i < d.length; i += 4) if (d[i] < 250) return false; return true; }")
    assert blank
    assert page.locator(".mgc-draw-digit-preview").get_attribute("data-pixels") == ",".join(["0"] * 64)


def test_narrow_window_keeps_the_widget_whole(page):
    stroke(page, [(0.42, 0.3), (0.52, 0.15), (0.52, 0.85)])
    read_as(page, 1)
    for width in (1024, 900):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        assert page.evaluate(OVERFLOW) == []
        right = page.evaluate("() => Math.max(...[...document.querySelectorAll('.mgc-draw-digit *')]"
                              ".map(e => e.getBoundingClientRect().right))")
        assert right <= page.evaluate("() => document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1024, "height": 900})
    screenshot(page, "draw-digit-1024.png")
