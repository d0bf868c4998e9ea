"""A small Sphinx extension for the course site: fixes for console errors the stock themes make.

build_site.py copies it next to the book's sources and lists it in _config.yml.
"""


def default_to_automatic_mode(app, config):
    # Without a default, pydata-sphinx-theme logs "Got invalid theme mode" on a first visit.
    config.html_context.setdefault("default_mode", "auto")


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
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)  # after the themes' own
    return {"parallel_read_safe": True, "parallel_write_safe": True}
