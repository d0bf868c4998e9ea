"""Stored notebook outputs must reproduce on any machine, so they must not show round-off.

nbval re-runs every notebook and compares its outputs with the stored ones,
text for text. A number that only round-off produces (the difference of two
ways to compute the same thing, 4.44e-16 here and 1.1e-16 on a CPU with
other vector instructions, another BLAS or thread count) makes that test
fail on someone else's machine. So does "-0.0000", a tiny negative number
rounded for printing. Notebooks print a verdict instead ("agree to within
1e-12") and assert the bound.

This test reads every stored output (printed text, displayed values, HTML,
graph SVGs) of every notebook in notebooks/, solutions/ and exercises/ and
fails on:

- a number below 1e-12 in magnitude written with digits (4.44e-16, 1.0e-17,
  2.220446049250313e-16, 0.0000000000000004); a bare power of ten such as
  1e-15 is how a bound or a step size is written, and passes;
- a negative zero: -0.0, -0.0000, -0.00e+00, -0.

The only exemption is a cell tagged ``roundoff-demo``: a cell whose point is
round-off itself and whose numbers come only from IEEE-754 double
arithmetic on plain Python floats (+, -, *, / and the correctly rounded
literals), which gives the same bits on every CPU; no numpy, no BLAS, no
threads, no math-library functions such as exp or tanh, whose last bit may
differ between platforms. A tagged cell must still not print a negative zero.
"""

import glob
import os
import re

import nbformat
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(
    os.path.relpath(path, ROOT)
    for folder in ("notebooks", "solutions", "exercises")
    for path in glob.glob(os.path.join(ROOT, folder, "*.ipynb"))
)
EXEMPT_TAG = "roundoff-demo"
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml")

# A number in scientific notation (mantissa, exponent), not part of a word or a hex address.
SCIENTIFIC = re.compile(r"(?<![\w.])[-+]?(\d+(?:\.\d*)?|\.\d+)[eE]([-+]?\d+)(?![\w.])")
# A decimal with at least twelve zeros after the point before its first digit.
TINY_DECIMAL = re.compile(r"(?<![\w.])[-+]?0?\.0{12,}[1-9]\d*")
# -0, -0.0, -0.0000, -0.00e+00: a minus sign in front of a zero with nothing else.
NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0*)?(?:[eE][-+]?\d+)?(?![\w.])")


def round_off_numbers(text):
    """The numbers in ``text`` that look like round-off."""
    found = []
    for match in SCIENTIFIC.finditer(text):
        mantissa, exponent = match.group(1), int(match.group(2))
        value = float(match.group(0))
        if value != 0 and abs(value) < 1e-12 and mantissa != "1":
            found.append(match.group(0))
    found.extend(match.group(0) for match in TINY_DECIMAL.finditer(text))
    return found


def negative_zeros(text):
    return [match.group(0) for match in NEGATIVE_ZERO.finditer(text)]


def output_texts(cell):
    """Every piece of text a code cell's stored outputs show."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield output.get("text", "")
        for mime in TEXT_TYPES:
            data = output.get("data", {}).get(mime)
            if data:
                yield data if isinstance(data, str) else "".join(data)


def test_the_scan_catches_round_off_and_negative_zeros():
    assert round_off_numbers("differ by at most 1.0e-17") == ["1.0e-17"]
    assert round_off_numbers("error 4.44e-16, also 2.220446049250313e-16") == [
        "4.44e-16", "2.220446049250313e-16"]
    assert round_off_numbers("0.00000000000000044") == ["0.00000000000000044"]
    assert round_off_numbers("agree to within 1e-12; h = 1e-15; 3.0e-07; 0x7fe2e-17a") == []
    assert negative_zeros("data -0.0000 | grad -0.0 | -0.00e+00 | x = -0") == [
        "-0.0000", "-0.0", "-0.00e+00", "-0"]
    assert negative_zeros("-0.5 -0.0001 -10.0 a-0.0 1e-05") == []


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_stored_outputs_show_no_round_off(path):
    notebook = nbformat.read(os.path.join(ROOT, path), as_version=4)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        exempt = EXEMPT_TAG in cell.metadata.get("tags", [])
        for text in output_texts(cell):
            bad = negative_zeros(text) + ([] if exempt else round_off_numbers(text))
            if bad:
                problems.append(f"cell {index}: {', '.join(sorted(set(bad)))}")
    assert not problems, (
        f"{path} stores output that depends on the machine's round-off:\n  "
        + "\n  ".join(problems)
        + "\nPrint a verdict (e.g. 'agree to within 1e-12') and assert the bound instead; "
        f"see {os.path.basename(__file__)} for the '{EXEMPT_TAG}' tag."
    )


# The fields a Python kernel reports as ``language_info``. JupyterLab writes them
# into a notebook when its kernel starts; a notebook stored without them shows
# as modified seconds after it is opened, with no edit (and asks to be saved).
KERNEL_LANGUAGE_INFO = {"codemirror_mode", "file_extension", "mimetype", "name",
                        "nbconvert_exporter", "pygments_lexer", "version"}


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_stores_the_kernels_language_info(path):
    info = nbformat.read(os.path.join(ROOT, path), as_version=4).metadata.get("language_info", {})
    missing = KERNEL_LANGUAGE_INFO - set(info)
    assert not missing, (f"{path}: language_info lacks {sorted(missing)}; re-run it with "
                         "tools/execute_notebooks.py (or make exercises for exercises/)")


def test_widget_state_is_stored_only_for_widgets_the_notebook_shows():
    """State left over from a widget cell that was removed would load dead widgets on the site."""
    import json
    import pathlib
    for path in sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        views = sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                    for cell in nb["cells"] for output in cell.get("outputs", []))
        state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
        assert bool(state) == bool(views), (path.name, len(state), views)


def test_every_answer_is_hidden_behind_a_question_and_renders_as_markdown():
    """A reveal comes after a question in its cell; blank lines around the answer keep its markdown
    (maths, lists) rendered and keep the next paragraph out of the fold."""
    import json
    import pathlib
    import re
    root = pathlib.Path(__file__).parent.parent
    problems = []
    for path in sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "solutions").glob("*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            text = "".join(cell["source"])
            if cell["cell_type"] != "markdown":
                continue
            start = 0
            for block in re.finditer(r"<details>(.*?)</details>", text, re.S):
                if "?" not in text[start:block.start()]:
                    problems.append(f"{path.name} cell {index}: an answer with no question before it")
                if not re.fullmatch(r"<summary>[^<]+</summary>\n\n.*\S\n\n", block.group(1), re.S):
                    problems.append(f"{path.name} cell {index}: put a blank line after <summary> and before </details>")
                if text[block.end():block.end() + 1] not in ("", "\n") or re.match(r"\n[^\n]", text[block.end():]):
                    problems.append(f"{path.name} cell {index}: put a blank line after </details>")
                start = block.end()
    assert not problems, problems
