"""Every lecture figure is stored sharp: a PNG at twice the pixels of the size it is shown at.

set_matplotlib_formats("retina") in a lecture's first cell makes matplotlib
draw at 2x and record the display size in the output's metadata; a HiDPI
screen then shows every pixel. A figure stored at 1x (no metadata, or
pixels equal to the display size) is blurry there, beside the widgets'
plots, which are drawn at 2x already.
"""

import base64
import json
import pathlib
import struct

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LECTURES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def stored_pngs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                data = base64.b64decode(png)
                assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} cell {index}: not a PNG"
                width, height = struct.unpack(">II", data[16:24])
                yield index, (width, height), output.get("metadata", {}).get("image/png", {})


def test_the_png_reader_measures_a_real_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(3, 2), dpi=50)
    fig.savefig(tmp_path / "f.png")
    plt.close(fig)
    data = (tmp_path / "f.png").read_bytes()
    assert struct.unpack(">II", data[16:24]) == (150, 100)


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_lecture_figures_are_stored_at_twice_their_display_size(path):
    for index, (width, height), shown in stored_pngs(path):
        assert shown.get("width"), f"{path.name} cell {index}: a 1x PNG; the first cell must call set_matplotlib_formats('retina')"
        assert abs(width - 2 * shown["width"]) <= 2 and abs(height - 2 * shown["height"]) <= 2, \
            f"{path.name} cell {index}: {width}x{height} pixels shown at {shown['width']}x{shown['height']}"


# JupyterLab at 1024 px with the file browser open leaves a column of about 590 px; a wider
# figure is shrunk to fit and its 10 pt labels drop to 5-7 px. Lay wide figures out in rows.
COLUMN = 600


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_lecture_figures_fit_a_590_px_column(path):
    too_wide = [f"cell {index} ({shown.get('width', size[0])} px)" for index, size, shown in stored_pngs(path)
                if shown.get("width", size[0]) > COLUMN]
    assert not too_wide, f"{path.name}: figures wider than {COLUMN} px: {', '.join(too_wide)}; use figsize width <= 5.9 in"
