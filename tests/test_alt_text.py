"""Every picture a notebook shows has alt text, for readers who cannot see it.

Jupyter Book 1 (MyST-NB) writes a code cell's ``metadata.mystnb.image.alt``
into the ``alt`` attribute of the images the cell outputs. This test reads
every notebook in notebooks/ and, for every code cell whose stored outputs
contain an image (an output whose ``data`` has a key starting with
``image/``: PNG plots and SVG graph drawings), requires:

- ``metadata.mystnb.image.alt`` to be a string of at least 40 characters;
- that it does not open with a label instead of a description ("Figure 1",
  "Image of", "Plot of", "Graph of": a screen reader already says "image");
- that no two such cells of one notebook share the same alt text: each
  says what its own picture shows and what to notice in it.
"""

import glob
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(os.path.relpath(path, ROOT) for path in glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
MIN_LENGTH = 40
BAD_STARTS = ("figure", "image", "plot", "graph of")


def image_cells(notebook):
    """(index, cell) for each code cell with an image among its stored outputs."""
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        if any(key.startswith("image/") for output in cell.get("outputs", []) for key in output.get("data", {})):
            yield index, cell


def alt_text(cell):
    return cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")


def test_the_notebooks_have_pictures():
    with open(os.path.join(ROOT, NOTEBOOKS[0]), encoding="utf-8") as f:
        assert list(image_cells(json.load(f))), "no image outputs found: the test would check nothing"


def problems(notebook):
    """What is wrong with the alt text of ``notebook``'s image cells, one line per problem."""
    found, seen = [], {}
    for index, cell in image_cells(notebook):
        where = f"cell {index} ({cell.get('id', 'no id')})"
        alt = alt_text(cell)
        if not isinstance(alt, str):
            found.append(f"{where}: no metadata.mystnb.image.alt")
            continue
        if len(alt.strip()) < MIN_LENGTH:
            found.append(f"{where}: alt text shorter than {MIN_LENGTH} characters: {alt!r}")
        if alt.strip().lower().startswith(BAD_STARTS):
            found.append(f"{where}: alt text starts with a label, not a description: {alt!r}")
        if alt in seen:
            found.append(f"{where}: same alt text as cell {seen[alt]}")
        seen.setdefault(alt, index)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_image_has_alt_text(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        notebook = json.load(f)
    assert not problems(notebook), "\n".join(problems(notebook))


def test_the_checks_catch_bad_alt_text():
    """The checks on made-up cells: a missing, a short, a labelled and a repeated alt text are caught."""
    good = "Loss against training step: it falls smoothly and levels off."
    svg = {"output_type": "display_data", "data": {"image/svg+xml": "<svg/>", "text/plain": "drawing"}, "metadata": {}}

    def cell(alt=None, extra=None):
        metadata = dict(extra or {})
        if alt is not None:
            metadata["mystnb"] = {"image": {"alt": alt}}
        return {"cell_type": "code", "metadata": metadata, "outputs": [svg], "source": ""}

    text_only = {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "stream", "text": "1"}]}
    assert problems({"cells": [cell(good, {"tags": ["nbval-ignore-output"]}), text_only]}) == []
    found = problems({"cells": [cell(), cell("too short"), cell("Figure 3: " + good), cell(good), cell(good)]})
    assert [line.split(":")[0] for line in found] == [
        "cell 0 (no id)", "cell 1 (no id)", "cell 2 (no id)", "cell 4 (no id)"], found
    assert "same alt text as cell 3" in found[-1]
