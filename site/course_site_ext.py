"""A small Sphinx extension for the course site: fixes for console errors the stock themes make,
and for accessibility and small screens.

build_site.py copies it (and the folder course_static/) next to the book's sources and lists it
in _config.yml.
"""

import pathlib

STATIC = pathlib.Path(__file__).resolve().parent / "course_static"


def default_to_automatic_mode(app, config):
    # Without a default, pydata-sphinx-theme logs "Got invalid theme mode" on a first visit.
    config.html_context.setdefault("default_mode", "auto")
    # course_site.css: figures and graph drawings fit the column, Previous/Next fit a phone.
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]
    # Screen readers get each formula as MathML beside MathJax's visual rendering.
    mathjax = dict(config.mathjax3_config or {})
    options = dict(mathjax.get("options", {}))
    options["enableAssistiveMml"] = True
    menu = dict(options.get("menuOptions", {}))
    menu["settings"] = {**menu.get("settings", {}), "assistiveMml": True}
    options["menuOptions"] = menu
    mathjax["options"] = options
    config.mathjax3_config = mathjax


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    # Under Jupyter Book 1, sphinx-thebe registers its inline `const THEBE_JS_URL = ...`
    # twice, and declaring a const twice is a SyntaxError on every page.
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", str(script)) or "",  # an inline script's is None or ""
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


def setup(app):
    app.connect("config-inited", default_to_automatic_mode)
    app.add_css_file("course_site.css", priority=900)
    app.add_js_file("course_site.js")  # accessible names for the widgets' slider handles
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)  # after the themes' own
    return {"parallel_read_safe": True, "parallel_write_safe": True}
