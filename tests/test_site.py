"""The course site (`make site`): its table of contents follows notebooks/, and every page works in Chromium.

Building the site needs the "site" extra (Jupyter Book 1.x), which `make test`
installs; the tests build it themselves into a temporary folder (about 20-30 s),
or MICROGRAD_COURSE_SITE may point at a built one.
The browser tests need Debian's chromium and playwright (the "browser" extra),
like tests/test_browser.py, and block every request that leaves this machine.
"""

import contextlib
import functools
import html.parser
import http.server
import importlib.util
import os
import pathlib
import re
import shutil
import sys
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
sys.path.insert(0, str(ROOT / "site"))
import build_site  # noqa: E402  (site/build_site.py)

sys.path.pop(0)

nbformat = pytest.importorskip("nbformat")
yaml = pytest.importorskip("yaml")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")
REPOSITORY = "https://github.com/example-owner/micrograd-course"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ALL_WIDGETS_DRAWN = f"""() => [...document.querySelectorAll('script[type="{WIDGET_VIEW}"]')]
    .every(view => view.parentElement.querySelector('.jupyter-widgets'))"""


def needs_jupyter_book():
    if importlib.util.find_spec("jupyter_book") is None:
        pytest.skip("Jupyter Book is not installed (make test installs the site extra)")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's HTML folder: CI's `make site` output, or a fresh build."""
    built = os.environ.get("MICROGRAD_COURSE_SITE")
    if built:
        path = pathlib.Path(built)
        assert (path / "index.html").exists(), f"MICROGRAD_COURSE_SITE={built} has no index.html"
        return path
    needs_jupyter_book()
    return build_site.build(tmp_path_factory.mktemp("site"))


# ---------------------------------------------------------------- without building

def test_lectures_are_found_in_number_order(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for name in ("10_pytorch", "02_value", "09_multiclass", "01_derivatives", "README"):
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text("{}")
    found = [p.name for p in build_site.lectures(tmp_path)]
    assert found == ["01_derivatives.ipynb", "02_value.ipynb", "09_multiclass.ipynb", "10_pytorch.ipynb"]


def test_table_of_contents_lists_every_lecture_then_every_exercise():
    pages = [(1, "One", "notebooks/01_a.ipynb", "exercises/01_a.ipynb"),
             (2, "Two", "notebooks/02_b.ipynb", None)]
    toc = build_site.table_of_contents(pages)
    assert toc["root"] == "index"
    assert [c["file"] for c in toc["parts"][0]["chapters"]] == ["notebooks/01_a", "notebooks/02_b"]
    assert [c["file"] for c in toc["parts"][1]["chapters"]] == ["exercises/01_a"]


def test_course_map_links_each_readme_row_to_its_lecture_and_exercises():
    readme = ("| lecture | exercises |\n| --- | --- |\n"
              "| 1. Derivatives: slope by nudging | slope, central difference |\n")
    pages = [(1, "1. Derivatives by intuition", "notebooks/01_d.ipynb", "exercises/01_d.ipynb"),
             (2, "2. New lecture", "notebooks/02_n.ipynb", None)]
    table = build_site.course_map(readme, pages).splitlines()
    assert table[2] == ("| **[1. Derivatives by intuition](notebooks/01_d.ipynb)**<br>slope by nudging "
                        "| [exercises](exercises/01_d.ipynb): slope, central difference |")
    assert table[3] == "| **[2. New lecture](notebooks/02_n.ipynb)** |  |"


def test_launch_buttons_are_off_until_a_repository_url_is_set():
    base = yaml.safe_load((ROOT / "site" / "_config.yml").read_text())
    assert base["repository"]["url"] == "", "the checked-in site must not link to a repository that may not exist"
    off = build_site.site_config(base)
    assert "launch_buttons" not in off and "repository" not in off
    on = build_site.site_config(base, REPOSITORY + "/")
    assert on["repository"]["url"] == REPOSITORY
    assert on["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert on["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert "jupyterhub_url" not in on["launch_buttons"]  # empty in _config.yml: no button
    assert on["html"]["use_repository_button"] is True


def test_every_widget_gets_a_live_kernel_note_and_the_lecture_links_its_exercises():
    nb = nbformat.read(ROOT / "notebooks" / "01_derivatives.ipynb", as_version=4)
    widgets = sum(build_site.has_widget(c) for c in nb.cells)
    assert widgets > 0
    page = build_site.prepare_lecture(nb, ("../exercises/01_derivatives.ipynb", "Exercises 1"), True)
    notes = [i for i, c in enumerate(page.cells) if "needs a running Python kernel" in c.source
             or "need a running Python kernel" in c.source]
    assert len(notes) == widgets
    assert all(build_site.has_widget(page.cells[i - 1]) for i in notes)
    assert "rocket button" in page.cells[notes[0]].source
    assert "](../exercises/01_derivatives.ipynb)" in page.cells[-1].source
    assert nbformat.read(ROOT / "notebooks" / "01_derivatives.ipynb", as_version=4) == nb  # source untouched


# ---------------------------------------------------------------- the built site

class PageParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.images = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.cache
def parse(path):
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_every_lecture_and_exercise_has_a_page_in_lecture_order(site):
    for lecture in build_site.lectures():
        assert (site / "notebooks" / lecture.with_suffix(".html").name).exists(), lecture.name
        if build_site.exercise_for(lecture):
            assert (site / "exercises" / lecture.with_suffix(".html").name).exists(), lecture.name
    # Navigation: the sidebar lists the lectures in course order.
    sidebar = [href for href in parse(site / "index.html").links if href.startswith("notebooks/")]
    expected = [f"notebooks/{p.stem}.html" for p in build_site.lectures()]
    assert list(dict.fromkeys(sidebar))[:len(expected)] == expected


def test_no_internal_link_or_image_is_broken(site):
    broken = []
    for page in html_pages(site):
        for target in parse(page).links + parse(page).images:
            url = urllib.parse.urlsplit(target)
            if url.scheme or url.netloc or target.startswith(("mailto:", "javascript:")):
                continue
            path = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
            elif url.fragment and path.suffix == ".html" and url.fragment not in parse(path).ids:
                broken.append(f"{page.relative_to(site)} -> {target} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def test_lecture_pages_show_stored_outputs_widgets_and_exercise_links(site):
    lecture3 = (site / "notebooks" / "03_manual_backprop.html").read_text()
    assert "<svg" in lecture3  # the graph drawings, as stored
    assert "application/vnd.jupyter.widget-state+json" in lecture3  # the widgets' stored state
    assert "need a running Python kernel" in lecture3
    assert 'href="../exercises/03_manual_backprop.html"' in lecture3
    plots = (site / "notebooks" / "01_derivatives.html").read_text()
    assert re.search(r'<img [^>]*src="[^"]*\.png"', plots)  # matplotlib figures
    assert (site / "search.html").exists() and (site / "searchindex.js").exists()


def test_launch_buttons_are_absent_from_the_default_build(site):
    lecture = (site / "notebooks" / "01_derivatives.html").read_text()
    assert "mybinder.org" not in lecture and "colab.research.google.com" not in lecture


def test_launch_buttons_point_at_the_repository_once_it_is_set(tmp_path, monkeypatch):
    """A one-lecture build with a repository URL: Binder and Colab open that lecture's notebook."""
    needs_jupyter_book()
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "02_value.ipynb", root / "notebooks")
    shutil.copy(ROOT / "README.md", root)
    monkeypatch.setattr(build_site, "vendor_javascript", lambda *args: None)  # not needed here
    html_dir = build_site.build(tmp_path / "out", REPOSITORY, root=root)
    page = (html_dir / "notebooks" / "02_value.html").read_text()
    assert ("https://mybinder.org/v2/gh/example-owner/micrograd-course/main?"
            "urlpath=lab/tree/notebooks/02_value.ipynb") in html.unescape(page)
    assert ("https://colab.research.google.com/github/example-owner/micrograd-course/blob/main/"
            "notebooks/02_value.ipynb") in page


# ---------------------------------------------------------------- in a real browser

@contextlib.contextmanager
def static_server(folder, missing):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def send_error(self, code, *args, **kwargs):
            missing.append(f"{code} {self.path}")
            super().send_error(code, *args, **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_every_page_loads_in_chromium_without_errors(site):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (needs root: apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs the browser extra)")
    ARTIFACTS.mkdir(exist_ok=True)
    missing, problems = [], []
    with static_server(site, missing) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, chromium_sandbox=False)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.continue_() if LOCAL.match(route.request.url)
                       else (problems.append(f"request left the machine: {route.request.url}"), route.abort()))
            page.on("console", lambda msg: msg.type == "error" and problems.append(f"{page.url}: {msg.text}"))
            page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

            # The home page first, so its screenshot shows the sidebar from the top.
            for path in sorted(html_pages(site), key=lambda p: p != site / "index.html"):
                relative = path.relative_to(site).as_posix()
                page.goto(base + relative, wait_until="load", timeout=60_000)
                if WIDGET_VIEW in path.read_text():
                    # Every widget is drawn from its stored state (before the next page, so
                    # errors while drawing are caught here).
                    page.wait_for_function(ALL_WIDGETS_DRAWN, timeout=30_000)
                broken_images = page.evaluate(
                    "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
                problems.extend(f"{relative}: image did not load: {src}" for src in broken_images)
                if relative == "index.html":
                    page.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=False)

            # Lecture 3: the widgets drawn from their stored state, the formulas typeset.
            page.goto(base + "notebooks/03_manual_backprop.html", wait_until="load")
            page.wait_for_selector(".widget-slider, .jupyter-widgets .widget-hslider", timeout=30_000)
            page.wait_for_selector("mjx-container", timeout=30_000)
            page.locator(".cell_output .jupyter-widgets").first.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -120)")
            page.screenshot(path=str(ARTIFACTS / "site-lecture-03.png"), full_page=False)

            # Search finds a lecture.
            page.goto(base + "search.html?q=topological", wait_until="load")
            page.wait_for_selector("#search-results li a", timeout=30_000)
            assert page.locator("#search-results li a[href*='04_autograd']").count() > 0
        finally:
            browser.close()
    assert not missing, missing[:20]
    assert not problems, "\n".join(problems[:20])


def test_an_anywidget_view_becomes_text_with_its_note():
    """The draw-a-digit widget's ES module is not on the site: its view is replaced, its note kept."""
    nb = nbformat.read(ROOT / "notebooks" / "13_digits.ipynb", as_version=4)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(model["model_module"] == "anywidget" for model in state.values())
    page = build_site.prepare_lecture(nb, None, False)
    kept = page.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert not any(model["model_module"] == "anywidget" for model in kept.values())
    notes = [i for i, c in enumerate(page.cells) if "need a running Python kernel" in c.source]
    assert notes and all("drawn only in a live notebook" in page.cells[i - 1].outputs[0]["data"]["text/plain"]
                         for i in notes)
