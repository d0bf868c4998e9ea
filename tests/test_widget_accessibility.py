"""Accessibility of every widget page, in a real browser: axe-core, the keyboard alone, the dark theme.

Each explorer (and the playground, and the draw-a-digit pad) gets its own
Voila page. On each, axe-core 4.11 runs in Chromium and the test fails on
any serious or critical violation, naming the rule and the elements. A second
test works each explorer with the keyboard only (Tab to a control, arrow keys
on sliders, Enter or Space on buttons) and checks that its readout changes.
tests/test_widget_dark_theme.py does the same in JupyterLab's dark theme.
Screenshots go to test-artifacts/.

axe-core comes from the npm registry (`npm pack axe-core@4.11.0`), fetched once
into .cache/axe/ and read from the tarball; nothing is vendored.

Needs what tests/test_browser.py needs, and skips in the same way without it.
"""

import pathlib
import shutil
import subprocess
import tarfile

import pytest

from test_browser import WAIT, screenshot, voila_page

AXE_VERSION = "4.11.0"
CACHE = pathlib.Path(__file__).resolve().parent.parent / ".cache" / "axe"

SETUP = ("from micrograd_course.explore import backprop_stepper, derivative_explorer, step_size_explorer, "
         "wiggle_explorer\nfrom micrograd_course.playground import training_playground\n"
         "from micrograd_course import Value")
STEPPER = ("x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')\n"
           "w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')\n"
           "b = Value(6.8813735870195432, label='b')\n"
           "backprop_stepper((x1 * w1 + x2 * w2 + b).tanh())")
DIGITS = ("from micrograd_course.tensor import MLP, softmax\n"
          "from micrograd_course.widgets import draw_digit\n"
          "model = MLP(64, [16, 10], seed=0, init='scaled')\n"
          "draw_digit(lambda pixels: softmax(model(pixels / 16)).data)")

# page name -> (cells, the selector that says the widget is on the page)
PAGES = {
    "derivative": ([SETUP, "derivative_explorer()"], ".mgc-derivative-explorer img.mgc-plot"),
    "wiggle": ([SETUP, "wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)"],
               ".mgc-wiggle-explorer img.mgc-plot"),
    "step_size": ([SETUP, "step_size_explorer()"], ".mgc-step-size-explorer img.mgc-plot"),
    # and a static drawing below it, which Voila (like JupyterLab) shows as HTML: an <img> with alt text
    "stepper": ([SETUP, STEPPER, "from micrograd_course import draw_graph\ndraw_graph(x1 * w1 + b)"],
                ".mgc-backprop-stepper svg .node"),
    "playground": ([SETUP, "training_playground(n_samples=80, hidden='8,8')"], ".mgc-playground img.mgc-plot"),
    "digit_canvas": ([DIGITS], ".mgc-draw-digit-canvas"),
}


@pytest.fixture(scope="session")
def axe_source():
    """axe.min.js from npm's axe-core tarball, packed once into .cache/axe/."""
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not installed: axe-core is fetched with `npm pack axe-core@%s`" % AXE_VERSION)
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}"], cwd=CACHE, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0 or not tarball.exists():
            pytest.fail(f"`npm pack axe-core@{AXE_VERSION}` failed in {CACHE} (is the npm registry reachable?):\n"
                        + done.stderr[-2000:])
    with tarfile.open(tarball) as archive:
        return archive.extractfile("package/axe.min.js").read().decode("utf-8")


@pytest.fixture(scope="module", params=list(PAGES))
def widget_page(request, tmp_path_factory):
    name = request.param
    cells, ready = PAGES[name]
    with voila_page(tmp_path_factory.mktemp(f"voila-{name}"), cells, {"width": 1400, "height": 1000},
                    [ready]) as page:
        page.wait_for_timeout(500)
        yield name, page


RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
}"""


def axe_violations(page, axe_source):
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE)


def describe(violations):
    return "\n".join(f"{v['impact']} {v['id']} ({v['count']} elements: {v['help']}): " + "; ".join(v["targets"])
                     for v in violations)


def test_axe_finds_no_serious_or_critical_violation(widget_page, axe_source):
    name, page = widget_page
    violations = axe_violations(page, axe_source)
    counts = {v["id"]: v["count"] for v in violations}
    print(f"axe {name}: {sum(counts.values())} serious+critical {counts}")
    assert violations == [], f"axe-core on the {name} page:\n" + describe(violations)


# ---------------------------------------------------------------- the keyboard alone

def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches ``selector`` (as a student without a mouse would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{limit} presses of Tab never reached {selector}; focus is on "
                + page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)"))


def cell(page, selector):
    return page.locator(selector).first.inner_text().strip()


def changes(page, selector, keys):
    """Press ``keys`` on the focused element and wait until the text of ``selector`` changes."""
    before = cell(page, selector)
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_function(
        "([s, old]) => { const e = document.querySelector(s); return e && e.innerText.trim() !== old; }",
        arg=[selector, before], timeout=WAIT)
    return before, cell(page, selector)


def plot_changes(page, widget, keys):
    img = f".mgc-{widget} img.mgc-plot"
    before = page.locator(img).first.get_attribute("src")
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_function("([s, old]) => document.querySelector(s).src !== old", arg=[img, before], timeout=WAIT)


def drive_derivative(page):
    tab_to(page, ".mgc-derivative-explorer-x .noUi-handle")
    changes(page, ".mgc-derivative-explorer td[data-name='x']", ["ArrowRight"] * 3)
    tab_to(page, ".mgc-derivative-explorer-h .noUi-handle", limit=3)  # the next control (past x's readout)
    before, after = changes(page, ".mgc-derivative-explorer td[data-name='h']", ["ArrowLeft"])
    assert float(after) < float(before)


def drive_wiggle(page):
    tab_to(page, ".mgc-wiggle-explorer-h-a .noUi-handle")
    changes(page, ".mgc-wiggle-explorer td[data-name='output']", ["ArrowRight"] * 3)
    tab_to(page, ".mgc-wiggle-explorer-leaf select")
    plot_changes(page, "wiggle-explorer", ["ArrowDown"])


def drive_step_size(page):
    tab_to(page, ".mgc-step-size-explorer-problem button")
    page.keyboard.press("Tab")  # the second problem
    plot_changes(page, "step-size-explorer", ["Space"])
    assert "MLP" in page.locator(".mgc-step-size-explorer img.mgc-plot").get_attribute("data-run")
    tab_to(page, ".mgc-step-size-explorer-lr .noUi-handle")
    changes(page, ".mgc-step-size-explorer td[data-name='lr']", ["ArrowRight"])
    tab_to(page, ".mgc-step-size-explorer-steps .noUi-handle")
    changes(page, ".mgc-step-size-explorer td[data-name='steps']", ["ArrowLeft"] * 2)


def drive_stepper(page):
    step = ".mgc-backprop-stepper [data-name='step']"
    tab_to(page, ".mgc-backprop-stepper-step")
    changes(page, step, ["Enter"])
    changes(page, step, ["Space"])
    tab_to(page, ".mgc-backprop-stepper-back")
    changes(page, step, ["Enter"])


def drive_playground(page):
    tab_to(page, ".mgc-playground-noise .noUi-handle")
    plot_changes(page, "playground", ["ArrowRight"])
    tab_to(page, ".mgc-playground-lr .noUi-handle")
    changes(page, ".mgc-playground-lr .widget-readout", ["ArrowLeft"])
    tab_to(page, ".mgc-playground-step")
    changes(page, ".mgc-playground [data-name='steps']", ["Enter"])
    changes(page, ".mgc-playground [data-name='steps']", ["Space"])


def drive_digit_canvas(page):
    # Drawing needs a pointer; the keyboard reaches the clear button, and Space clears.
    tab_to(page, ".mgc-draw-digit button")


KEYBOARD = {"derivative": drive_derivative, "wiggle": drive_wiggle, "step_size": drive_step_size,
            "stepper": drive_stepper, "playground": drive_playground, "digit_canvas": drive_digit_canvas}


def test_every_control_works_with_the_keyboard_alone(widget_page):
    name, page = widget_page
    page.locator("body").focus()
    KEYBOARD[name](page)
    screenshot(page, f"keyboard-{name}.png")
