"""No figure asks a reader to tell two colours apart that a colour-blind reader cannot.

Every notebook cell and every widget module is searched for the colours it
passes to matplotlib (color=, c=, colors=, facecolor=, cmap=, and names such
as COLOURS). Each pair used together is simulated for deuteranopia and
protanopia (Machado, Oliveira and Fernandes 2009, severity 1) and must stay
apart by a CIE76 colour difference: MARKS for lines and points, TINTS when
both colours are pale region shadings (the points drawn on them carry the
class as well). A colour map is checked by its two ends.
"""

import ast
import itertools
import json
import pathlib

import numpy as np
import pytest

mcolors = pytest.importorskip("matplotlib.colors")
import matplotlib  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKS = 15.0   # Delta E of two full colours; red vs green under deuteranopia is about 7
TINTS = 10.0   # Delta E of two pale shadings (CIE lightness above PALE)
PALE = 80.0
COLOUR_KEYWORDS = {"color", "c", "colors", "facecolor", "facecolors", "fillcolor",
                   "markerfacecolor", "cmap", "button_color"}

# Machado et al. 2009, severity 1.0, acting on linear RGB.
SIMULATIONS = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def linear(rgb):
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb):
    xyz = SRGB_TO_XYZ @ np.clip(linear_rgb, 0, 1) / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour, simulation=None):
    """CIE Lab of a matplotlib colour, as a reader with the given deficiency sees it."""
    rgb = linear(mcolors.to_rgb(colour))
    return lab(rgb if simulation is None else SIMULATIONS[simulation] @ rgb)


def closest_pair_distance(a, b):
    """Smallest Delta E between a and b over the simulated deficiencies."""
    return min(float(np.linalg.norm(seen(a, s) - seen(b, s))) for s in SIMULATIONS)


def colour_map_ends(name):
    """The two ends of a colour map: the colours a reader must tell apart on it."""
    cmap = matplotlib.colormaps[name]
    return {mcolors.to_hex(cmap(0.0)), mcolors.to_hex(cmap(1.0))}


def palette_colour(node):
    """palette.BLUE and friends, read from micrograd_course.palette."""
    from micrograd_course import palette
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "palette":
        value = getattr(palette, node.attr, None)
        return [value] if isinstance(value, str) else []
    return []


def resolve(name, cycle):
    """Colours a name stands for: 'C3' is the cycle's entry; a colour map counts separately."""
    if name in matplotlib.colormaps:
        return []
    if len(name) == 2 and name[0] == "C" and name[1].isdigit():
        return [cycle[int(name[1]) % len(cycle)]]
    if mcolors.is_color_like(name) and not name.replace(".", "").isdigit() or _grey_level(name):
        return [name]
    return []


def _grey_level(name):
    try:
        return 0.0 <= float(name) <= 1.0
    except ValueError:
        return False


def colours_used(tree, cycle):
    """The groups of colours a piece of code shows together: its colours, and each colour map's ends."""
    found = set()
    maps = []

    def take(node):
        for n in ast.walk(node):
            found.update(palette_colour(n))
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                found.update(resolve(n.value, cycle))
                if n.value in matplotlib.colormaps:
                    maps.append(colour_map_ends(n.value))

    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in COLOUR_KEYWORDS:
            take(node.value)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and ("COLOU" in t.id.upper() or "COLOR" in t.id.upper())
                   for t in node.targets):
                take(node.value)
    return [found, *maps]


def too_close(colours):
    """Pairs among colours that a deuteranope or protanope could confuse."""
    bad = []
    for a, b in itertools.combinations(sorted(colours, key=str), 2):
        if mcolors.to_hex(a) == mcolors.to_hex(b):
            continue
        pale = seen(a)[0] > PALE and seen(b)[0] > PALE
        distance = closest_pair_distance(a, b)
        if distance < (TINTS if pale else MARKS):
            bad.append(f"{a} vs {b} (Delta E {distance:.1f})")
    return bad


def notebook_cells():
    for folder in ("notebooks", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for index, cell in enumerate(cells):
                if cell["cell_type"] == "code":
                    lines = "".join(cell["source"]).splitlines()
                    code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
                    yield f"{folder}/{path.name} cell {index}", code


def widget_modules():
    for path in sorted((ROOT / "micrograd_course").rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def course_cycle(code):
    """The colour cycle a notebook sets (palette.CYCLE) or matplotlib's default."""
    from micrograd_course import palette
    if "palette.CYCLE" in code:
        return list(palette.CYCLE)
    return matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"]


def test_the_check_catches_red_against_green_and_passes_the_palette():
    from micrograd_course import palette
    assert too_close({"tab:red", "tab:green"}), "red vs green must fail under deuteranopia"
    assert too_close({resolve(c, matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"])[0]
                      for c in ("C2", "C3")}), "matplotlib's default green and red must fail"
    assert not too_close(colour_map_ends("RdBu_r")) and too_close({"#ff0000", "#00a000"} | {"#ffffff"})
    assert not too_close({"tab:red", "tab:blue"})
    assert not too_close(set(palette.CYCLE)), too_close(set(palette.CYCLE))
    assert not too_close({palette.BLUE_TINT, palette.ORANGE_TINT, palette.GREEN_TINT, "white"})
    # The simulation itself: a grey is unchanged, red and green collapse onto one hue.
    assert np.allclose(seen("0.5", "deuteranopia"), seen("0.5"), atol=0.5)
    assert closest_pair_distance("tab:red", "tab:green") < 10 < np.linalg.norm(seen("tab:red") - seen("tab:green"))


def test_lectures_set_the_course_colour_cycle():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if "plt." in code:
            first_plot = next(i for i, c in enumerate(cells)
                              if c["cell_type"] == "code" and "plt." in "".join(c["source"]))
            before = "".join("".join(c["source"]) for c in cells[:first_plot + 1] if c["cell_type"] == "code")
            assert "palette.CYCLE" in before, f"{path.name}: set axes.prop_cycle to palette.CYCLE before the first plot"


@pytest.mark.parametrize("where,code", list(notebook_cells()) + list(widget_modules()),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 80 else "")
def test_colours_used_together_stay_apart_in_simulated_colour_blindness(where, code):
    try:
        tree = ast.parse(code)
    except SyntaxError:
        pytest.fail(f"{where}: does not parse")
    cycle = course_cycle(code) if where.startswith("notebooks") or where.startswith("solutions") \
        else matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    # A module's colours are compared within each function: one figure is drawn by one function.
    scopes = [tree] if not where.endswith(".py") else [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] or [tree]
    for scope in scopes:
        bad = [pair for group in colours_used(scope, cycle) for pair in too_close(group)]
        assert not bad, f"{where}: hard to tell apart with colour blindness: {'; '.join(bad)}; use micrograd_course.palette"
