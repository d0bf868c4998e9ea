"""Build the course site: static HTML pages of the lectures and exercises (what `make site` runs).

    python site/build_site.py [--repository URL] [--out build/site]

Pages show the outputs stored in the notebooks; nothing is executed. The table
of contents is generated from the folders: every ``notebooks/NN_*.ipynb`` is a
lecture, in the order of its number, and ``exercises/`` holds the exercise
notebook of the same name. The home page's course map is the README's table,
with each row linked to its lecture and exercises.

Jupyter Book needs a folder it can own, so the sources are assembled under
``<out>/src`` (copies of the notebooks with a few notes added: a widget needs a
live kernel, the exercises for this lecture), and the HTML goes to
``<out>/_build/html``. Both are generated: never edit or commit them.

The widgets' stored state is drawn by the standalone widget manager
(@jupyter-widgets/html-manager, with require.js) and formulas by MathJax; all
three come from the npm registry at pinned versions, are checked against their
published sha512 and served from the site itself, so pages work offline. Without
``npm`` the pages load them from a CDN instead (a note is printed).
"""

import argparse
import base64
import copy
import hashlib
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import time

import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
HERE = ROOT / "site"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# npm package -> (version, sha512 of the tarball as npm publishes it, the script pages load,
# a pattern for every file the site serves from the package).
JAVASCRIPT = {
    "@jupyter-widgets/html-manager": (
        "1.0.15",
        "5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        "dist/embed-amd.js",
        r"dist/(embed-amd\.js|\w+\.(woff2?|ttf|eot|svg))"),  # the script and its icon fonts
    "requirejs": (
        "2.3.7",
        "DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        "require.js",
        r"require\.js"),
    "mathjax": (
        "3.2.2",
        "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        "es5/tex-chtml.js",
        r"es5/(tex-chtml\.js|output/chtml/fonts/woff-v2/.*|input/tex/extensions/.*)"),
}

# The widget manager finds its fonts next to its AMD module's URL, which require.js
# derives from the module's name: map that name to its folder in this site's _static/.
WIDGET_ASSETS_JS = """\
// Where the widget manager (the next script) and its fonts are: a folder in this site's _static/.
var widgetManagerDist = new URL("jupyter-widgets-html-manager/dist", document.currentScript.src).href;
window.__jupyter_widgets_assets_path__ = widgetManagerDist + "/";
require.config({paths: {"@jupyter-widgets/html-manager/dist": widgetManagerDist}});

// The widget manager typesets labels with MathJax 2's API (MathJax.Hub.Queue); these pages
// load MathJax 3, so hand those calls to MathJax 3 (this runs before the widgets are drawn).
document.addEventListener("DOMContentLoaded", function () {
    if (window.MathJax && !window.MathJax.Hub) {
        window.MathJax.Hub = {Queue: function (...calls) {
            const elements = calls.map(call => call[2]).filter(Boolean);
            window.MathJax.startup.promise.then(() => window.MathJax.typesetPromise(elements));
        }};
    }
});
"""


# ---------------------------------------------------------------- the course's files

def lecture_number(path):
    match = re.match(r"(\d+)_", pathlib.Path(path).name)
    if not match:
        raise ValueError(f"{path}: a lecture's file name must start with its number, e.g. 01_derivatives.ipynb")
    return int(match.group(1))


def lectures(root=ROOT):
    """The lecture notebooks in course order (by the number their name starts with)."""
    return sorted((root / "notebooks").glob("[0-9]*.ipynb"), key=lecture_number)


def exercise_for(lecture, root=ROOT):
    """The exercise notebook that goes with a lecture (same file name), or None."""
    path = root / "exercises" / lecture.name
    return path if path.exists() else None


def notebook_title(nb, path):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    raise ValueError(f"{path}: a lecture needs a '# Title' heading in a markdown cell")


# ---------------------------------------------------------------- notes added to the pages

def widget_note(launch_buttons):
    where = ("with the rocket button at the top of this page (Binder or Colab), or "
             if launch_buttons else "")
    return ("```{note}\nThis is a snapshot of an interactive widget: its sliders and buttons "
            "move nothing here, because they need a running Python kernel. To use it, open this "
            f"lecture live: {where}run `make lab` in your copy of the course.\n```")


def exercises_note(exercise_page, title):
    return (f"## Exercises for this lecture\n\nPractise what this lecture taught in "
            f"[{title}]({exercise_page}): each exercise has a check that marks each test `ok` or `FAIL`, with a hint. "
            "Open it live to run the checks.")


def has_widget(cell):
    return any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))


def drop_anywidget_views(nb):
    """Replace anywidget views (and drop their state and every reference to it): their ES module lives in
    the kernel's package.

    The page's widget manager would look for an "anywidget" module next to the
    page and fail; the view becomes a line of text (the widget note follows it).
    """
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    models = {key for key, model in state.items() if model.get("model_module") == "anywidget"}
    for key in models:
        del state[key]
    # A box that holds one (the explorers' invisible slider-name helper) would point at a model that
    # is gone, and the page would fail with "widget model not found": drop it from the box's children.
    gone = {f"IPY_MODEL_{key}" for key in models}
    for model in state.values():
        children = model.get("state", {}).get("children")
        if isinstance(children, list) and gone.intersection(children):
            model["state"]["children"] = [child for child in children if child not in gone]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id") in models:
                output["data"] = {"text/plain": "(an interactive canvas: it is drawn only in a live notebook)"}


def prepare_lecture(nb, exercise_link, launch_buttons):
    """A copy of a lecture with a note under every widget and a link to its exercises at the end."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code" and has_widget(cell):
            cells.append(nbformat.v4.new_markdown_cell(widget_note(launch_buttons)))
    drop_anywidget_views(nb)
    if exercise_link:
        cells.append(nbformat.v4.new_markdown_cell(exercises_note(*exercise_link)))
    # New cells get random ids; a page needs none, and without them each build is the same.
    for cell in cells:
        cell.pop("id", None)
    nb.cells = cells
    nb.nbformat_minor = 4  # the notebook format before cell ids
    return nb


# ---------------------------------------------------------------- the home page

def readme_course_rows(readme):
    """The README's course table, as {lecture number: (lecture cell, exercises cell)}."""
    rows = {}
    for line in readme.splitlines():
        match = re.match(r"^\|\s*(\d+)\.\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$", line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


def course_map(readme, lecture_pages):
    """A markdown table: every lecture (linked), what it covers, its exercises (linked)."""
    rows = readme_course_rows(readme)
    lines = ["| lecture | exercises |", "| --- | --- |"]
    for number, title, page, exercise_page in lecture_pages:
        covers, practice = rows.get(number, ("", ""))
        summary = covers.split(":", 1)[1].strip() if ":" in covers else covers
        lecture_cell = f"**[{title}]({page})**" + (f"<br>{summary}" if summary else "")
        exercise_cell = (f"[exercises]({exercise_page})" + (f": {practice}" if practice else "")
                         if exercise_page else "")
        lines.append(f"| {lecture_cell} | {exercise_cell} |")
    return "\n".join(lines)


def home_page(readme, lecture_pages):
    template = (HERE / "home.md").read_text()
    return template.replace("{{ course_map }}", course_map(readme, lecture_pages))


# ---------------------------------------------------------------- Jupyter Book's configuration

def site_config(base, repository_url=None, scripts=None):
    """The book's _config.yml: launch buttons only when a repository URL is set."""
    config = copy.deepcopy(base)
    url = (repository_url if repository_url is not None else config.get("repository", {}).get("url", "")) or ""
    url = url.strip().rstrip("/")
    if url:
        config["repository"]["url"] = url
        config["repository"]["path_to_book"] = ""
        config["html"]["use_repository_button"] = True
        config["launch_buttons"] = {k: v for k, v in config.get("launch_buttons", {}).items() if v}
    else:
        config.pop("repository", None)
        config.pop("launch_buttons", None)
        config["html"]["use_repository_button"] = False
    config.setdefault("sphinx", {})["local_extensions"] = {"course_site_ext": "./"}
    sphinx_config = config["sphinx"].setdefault("config", {})
    if scripts:
        sphinx_config["html_static_path"] = ["_vendor"]  # copied into the site's _static/
        sphinx_config["mathjax_path"] = scripts["mathjax"]
        sphinx_config["nb_ipywidgets_js"] = {scripts["requirejs"]: {},
                                             "widget-assets.js": {},
                                             scripts["@jupyter-widgets/html-manager"]: {
                                                 "data-jupyter-widgets-cdn": "",
                                                 "crossorigin": "anonymous"}}
    return config


def table_of_contents(lecture_pages):
    lecture_files = [{"file": page.removesuffix(".ipynb")} for _, _, page, _ in lecture_pages]
    exercise_files = [{"file": ex.removesuffix(".ipynb")} for *_, ex in lecture_pages if ex]
    parts = [{"caption": "Lectures", "numbered": False, "chapters": lecture_files}]
    if exercise_files:
        parts.append({"caption": "Exercises", "chapters": exercise_files})
    return {"format": "jb-book", "root": "index", "parts": parts}


# ---------------------------------------------------------------- JavaScript served by the site

def npm_tarball(package, version, sha512, cache):
    name = package.lstrip("@").replace("/", "-")
    tarball = cache / f"{name}-{version}.tgz"
    if not tarball.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(cache), f"{package}@{version}"],
                       check=True, stdout=subprocess.DEVNULL)
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != sha512:
        tarball.unlink()
        raise RuntimeError(f"{package}@{version}: the downloaded tarball's sha512 does not match the "
                           "pinned one in site/build_site.py; run `make site` again, and if it persists, "
                           "check the npm registry you use")
    return tarball


def vendor_javascript(static, cache):
    """Unpack the pinned scripts into static (served as the site's _static/); {package: path} or None without npm."""
    if shutil.which("npm") is None:
        print("note: npm not found, so the pages load MathJax and the widget manager from a CDN "
              "(they need internet to show formulas and widgets)")
        return None
    scripts = {}
    for package, (version, sha512, script, pattern) in JAVASCRIPT.items():
        target = static / package.lstrip("@").replace("/", "-")
        with tarfile.open(npm_tarball(package, version, sha512, cache)) as tar:
            for member in tar.getmembers():
                inner = member.name.removeprefix("package/")
                if member.isfile() and re.fullmatch(pattern, inner):
                    member.name = inner
                    tar.extract(member, target, filter="data")
        scripts[package] = f"{target.name}/{script}"
    (static / "widget-assets.js").write_text(WIDGET_ASSETS_JS)
    return scripts


# ---------------------------------------------------------------- putting it together

def write_sources(src, repository_url=None, root=ROOT, cache=None):
    """Assemble the book's sources in src (emptied first); returns the number of pages."""
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks").mkdir(parents=True)
    # Not in _static: Jupyter Book adds every script found there to every page.
    vendor = src / "_vendor"
    vendor.mkdir()
    scripts = vendor_javascript(vendor, cache or src.parent / "npm-cache")
    config = site_config(yaml.safe_load((HERE / "_config.yml").read_text()), repository_url, scripts)
    launch = "launch_buttons" in config

    lecture_pages = []
    for lecture in lectures(root):
        nb = nbformat.read(lecture, as_version=4)
        title = notebook_title(nb, lecture)
        exercise = exercise_for(lecture, root)
        exercise_page = f"exercises/{exercise.name}" if exercise else None
        if exercise:
            (src / "exercises").mkdir(exist_ok=True)
            exercise_nb = nbformat.read(exercise, as_version=4)
            nbformat.write(exercise_nb, src / exercise_page)
            link = (f"../{exercise_page}", notebook_title(exercise_nb, exercise))
        else:
            link = None
        nbformat.write(prepare_lecture(nb, link, launch), src / "notebooks" / lecture.name)
        lecture_pages.append((lecture_number(lecture), title, f"notebooks/{lecture.name}", exercise_page))
    if not lecture_pages:
        raise SystemExit(f"no lecture notebooks (NN_name.ipynb) in {root / 'notebooks'}")

    shutil.copy(HERE / "course_site_ext.py", src)
    shutil.copytree(HERE / "course_static", src / "course_static", dirs_exist_ok=True)
    (src / "index.md").write_text(home_page((root / "README.md").read_text(), lecture_pages))
    (src / "_toc.yml").write_text(yaml.safe_dump(table_of_contents(lecture_pages), sort_keys=False))
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return 1 + len(lecture_pages) + sum(1 for *_, ex in lecture_pages if ex)


def build(out, repository_url=None, root=ROOT):
    """Write the sources under out/src and build the HTML into out/_build/html; returns its path."""
    out = pathlib.Path(out).resolve()
    start = time.perf_counter()
    pages = write_sources(out / "src", repository_url, root, cache=out / "npm-cache")
    html_dir = out / "_build" / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)  # no stale pages from lectures that were renamed
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(out / "src"), "--path-output", str(out),
               "--builder", "html", "--warningiserror", "--keep-going", "--quiet"]
    subprocess.run(command, check=True)
    print(f"built {pages} pages in {time.perf_counter() - start:.0f} s: {html_dir / 'index.html'}")
    return html_dir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"),
                        help="output folder (default: build/site; the HTML goes to OUT/_build/html)")
    parser.add_argument("--repository", default=None,
                        help="repository URL for the launch buttons (default: repository.url in site/_config.yml)")
    args = parser.parse_args(argv)
    try:
        build(args.out, args.repository or None)
    except subprocess.CalledProcessError as error:
        sys.exit(f"the site build failed (exit {error.returncode}); the messages above name the page")


if __name__ == "__main__":
    main()
