"""The widget pages in JupyterLab's dark theme (voila --theme=dark), in a real browser.

Every plot and graph drawing keeps an opaque light background, so its black
text stays readable on the dark page (checked on the pixels of each picture's
corners), and axe-core finds no serious or critical violation there either
(text contrast included). Screenshots go to test-artifacts/dark-*.png.
A separate module from tests/test_widget_accessibility.py, whose light pages
must be closed first (one Playwright session at a time).
"""

import io

import pytest

from test_browser import screenshot, voila_page
from test_widget_accessibility import PAGES, axe_source, axe_violations, describe  # noqa: F401 (a fixture)


@pytest.fixture(scope="module", params=list(PAGES))
def dark_page(request, tmp_path_factory):
    name = request.param
    cells, ready = PAGES[name]
    with voila_page(tmp_path_factory.mktemp(f"voila-dark-{name}"), cells, {"width": 1400, "height": 1000},
                    [ready], args=["--theme=dark"]) as page:
        page.wait_for_timeout(500)
        yield name, page


def lightness(png):
    """The mean grey level (0-255) of each corner's 4x4 pixels of a screenshot."""
    PIL = pytest.importorskip("PIL.Image")
    image = PIL.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    corners = [(1, 1), (w - 5, 1), (1, h - 5), (w - 5, h - 5)]
    return [sum(image.getpixel((x + i, y + j)) for i in range(4) for j in range(4)) / 16 for x, y in corners]


def test_plots_and_graphs_keep_an_opaque_light_background_in_the_dark_theme(dark_page, axe_source):
    name, page = dark_page
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page_grey = lightness(page.screenshot(clip={"x": 0, "y": 0, "width": 20, "height": 20}))[0]
    assert page_grey < 80, f"the page is not dark ({background}): was the theme applied?"
    pictures = page.locator("img.mgc-plot, .mgc-graph > svg, .mgc-graph > img, .mgc-draw-digit canvas").all()
    assert pictures or name == "digit_canvas", "no plot or graph on the page"
    for picture in pictures:
        picture.scroll_into_view_if_needed()
        corners = lightness(picture.screenshot())
        assert min(corners) > 200, f"{name}: a picture's corners are dark {corners}: its background is transparent"
    screenshot(page, f"dark-{name}.png")
    violations = axe_violations(page, axe_source)
    assert violations == [], f"axe-core on the {name} page in the dark theme:\n" + describe(violations)
