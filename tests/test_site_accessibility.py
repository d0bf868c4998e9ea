"""The course site is accessible: axe-core finds no serious or critical violation on any page,
and the layout works on a phone.

axe-core (npm, pinned below) is fetched once with `npm pack` into .cache/axe/ and injected
into every page of the built site, served on localhost to Debian's chromium through
Playwright; every request that leaves the machine is blocked (as in tests/test_site.py).
The site is the one tests/test_site.py builds (or MICROGRAD_COURSE_SITE).
"""

import json
import pathlib
import shutil
import subprocess
import tarfile

import pytest

from test_site import (ALL_WIDGETS_DRAWN, ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LOCAL, WIDGET_VIEW,  # noqa: F401
                       html_pages, site, static_server)

ROOT = pathlib.Path(__file__).resolve().parent.parent
AXE_VERSION = "4.11.0"
AXE_CACHE = ROOT / ".cache" / "axe"
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def axe_js():
    """The text of axe.min.js from axe-core's npm tarball (packed once, then cached)."""
    script = AXE_CACHE / f"axe-{AXE_VERSION}.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            pytest.fail(f"npm is not installed, so axe-core@{AXE_VERSION} cannot be fetched; install npm "
                        f"or put axe.min.js from axe-core {AXE_VERSION} at {script}")
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        tarball = AXE_CACHE / f"axe-core-{AXE_VERSION}.tgz"
        if not tarball.exists():
            done = subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(AXE_CACHE),
                                   f"axe-core@{AXE_VERSION}"], capture_output=True, text=True)
            if done.returncode != 0 or not tarball.exists():
                pytest.fail(f"`npm pack axe-core@{AXE_VERSION}` failed (is the npm registry reachable?):\n"
                            f"{done.stderr.strip()}")
        with tarfile.open(tarball) as tar:
            script.write_bytes(tar.extractfile("package/axe.min.js").read())
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (needs root: apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (make test installs the browser extra)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, chromium_sandbox=False)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def served(site):
    missing = []
    with static_server(site, missing) as base:
        yield base


def new_page(browser, viewport):
    page = browser.new_page(viewport=viewport)
    page.route("**/*", lambda route: route.continue_() if LOCAL.match(route.request.url) else route.abort())
    return page


def axe_violations(page, axe_js):
    """[(rule id, impact, [selectors])] for every serious or critical violation on the page."""
    page.add_script_tag(content=axe_js)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


def load(page, url, path):
    page.goto(url, wait_until="load", timeout=60_000)
    if WIDGET_VIEW in path.read_text(encoding="utf-8"):
        page.wait_for_function(ALL_WIDGETS_DRAWN, timeout=30_000)
    if page.locator("mjx-container").count() or "\\(" in path.read_text(encoding="utf-8"):
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")


def test_axe_finds_no_serious_or_critical_violation_on_any_page(site, served, browser, axe_js):
    page = new_page(browser, DESKTOP)
    counts, failures = {}, []
    for path in html_pages(site):
        relative = path.relative_to(site).as_posix()
        load(page, served + relative, path)
        found = axe_violations(page, axe_js)
        counts[relative] = {v["id"]: len(v["nodes"]) for v in found}
        for v in found:
            for selector in v["nodes"][:5]:
                failures.append(f"{relative}: {v['id']} ({v['impact']}: {v['help']}) at {selector}")
    page.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-axe-counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True) + "\n")
    assert not failures, f"{len(failures)} serious/critical axe violations:\n" + "\n".join(failures[:40])


def test_on_a_phone_the_menu_opens_the_sidebar_and_nothing_scrolls_sideways(site, served, browser):
    page = new_page(browser, PHONE)
    page.goto(served + "notebooks/03_manual_backprop.html", wait_until="load", timeout=60_000)
    # On a phone the theme shows the sidebar in a dialog once the menu button is pressed.
    sidebar = page.locator("#pst-primary-sidebar-modal")
    assert not sidebar.is_visible()
    page.locator("button.primary-toggle >> visible=true").first.click()
    page.wait_for_timeout(500)
    box = sidebar.bounding_box()
    assert sidebar.is_visible() and box and box["x"] >= -1 and box["width"] > 100, \
        "the menu button did not open the sidebar at 390 px"
    assert sidebar.locator("a[href*='01_derivatives']").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-phone-390-menu.png"))
    page.keyboard.press("Escape")
    problems = []
    for path in html_pages(site):
        relative = path.relative_to(site).as_posix()
        page.goto(served + relative, wait_until="load", timeout=60_000)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{relative}: page is {width[0]} px wide in a {width[1]} px window")
        cut = page.evaluate("""() => [...document.querySelectorAll('.prev-next-area a')]
            .filter(a => { const r = a.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; })
            .map(a => a.textContent.trim().slice(0, 40))""")
        problems.extend(f"{relative}: Previous/Next cut off: {t}" for t in cut)
    page.goto(served + "notebooks/03_manual_backprop.html", wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "site-phone-390.png"))
    page.close()
    wide = new_page(browser, DESKTOP)
    wide.goto(served + "notebooks/03_manual_backprop.html", wait_until="load")
    wide.screenshot(path=str(ARTIFACTS / "site-desktop-1400.png"))
    wide.close()
    assert not problems, "\n".join(problems[:20])


def test_images_have_alt_text_and_graph_drawings_scale_to_the_column(site, served, browser):
    page = new_page(browser, PHONE)
    missing = []
    for path in html_pages(site):
        relative = path.relative_to(site).as_posix()
        if not relative.startswith("notebooks/"):
            continue
        page.goto(served + relative, wait_until="load", timeout=60_000)
        missing.extend(f"{relative}: {src}" for src in page.evaluate(
            "() => [...document.querySelectorAll('.cell_output img')].filter(i => !i.alt.trim()).map(i => i.src)"))
        # Wider than the column only past a readable minimum, and then inside a box that scrolls.
        overflow = page.evaluate("""() => [...document.querySelectorAll('.cell_output img, .cell_output svg')]
            .filter(e => {
                const column = e.closest('.cell_output').getBoundingClientRect().width;
                if (e.getBoundingClientRect().width <= column + 1) return false;
                for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
                    if (/auto|scroll/.test(getComputedStyle(box).overflowX)
                        && box.getBoundingClientRect().width <= column + 1) return false;
                }
                return true;
            }).length""")
        assert overflow == 0, f"{relative}: {overflow} figures are wider than their column at 390 px"
    page.close()
    assert not missing, "images without alt text:\n" + "\n".join(missing[:20])
