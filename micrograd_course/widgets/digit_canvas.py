"""Draw a digit with the mouse and watch a trained model read it: ``draw_digit(model)``.

The widget is an anywidget: the drawing happens in a small ES module
(``digit_canvas.js``, no build step) that sends the pen's strokes to Python.
Python turns the strokes into an 8x8 image the way scikit-learn's digits were
made, asks the model for class probabilities and sends back the image and the
probabilities, which the page shows as bars.

How the digits data were made (its description in scikit-learn): NIST's
programs cut each handwritten digit out of a form and normalised it into a
32x32 black-and-white bitmap; the bitmap is cut into 4x4 blocks and each of
the 8x8 blocks counts its inked pixels, 0 to 16. What the data show about that
normalisation, and what ``digit_from_strokes`` therefore does:

1. every image fills all 8 rows and most use columns 1 to 6: the digit's
   bounding box is stretched to the full height and centred, and its width
   is at most about 20 of the 32 pixels (a narrow "1" keeps its shape);
2. every class has about the same amount of ink (313 inked pixels out of
   1,024 on average, for a "1" as for an "8"): the stroke width was
   normalised too, so the pen is thickened until the drawing has that much ink.

The strokes are lists of ``[x, y]`` points in any units (the page sends CSS
pixels; y grows downwards). Only their shape matters.
"""

import pathlib

import anywidget
import numpy as np
import traitlets

SCAN = 32  # pixels per side of the normalised bitmap
BLOCK = 4  # the 8x8 image counts the inked pixels of 4x4 blocks: 0..16
SKELETON_HEIGHT = 28  # the pen's path spans rows 2..30; its thickness reaches the edges
SKELETON_WIDTH = 18  # at most; the thickened ink then spans about columns 4..28
INK_PIXELS = 313  # the data's average number of inked pixels per 32x32 bitmap
PEN_RADIUS = (1.0, 5.0)  # the thickened pen's radius stays within these (pixels of the bitmap)


def _points(strokes):
    """The strokes as a list of (k, 2) float arrays; a clear error for anything else."""
    if not isinstance(strokes, (list, tuple)):
        raise ValueError(f"strokes must be a list of strokes, each a list of [x, y] points; got {type(strokes).__name__}")
    arrays = []
    for number, stroke in enumerate(strokes):
        try:
            array = np.asarray(stroke, dtype=float)
        except (TypeError, ValueError):
            array = None
        if array is not None and array.size == 0:
            continue  # an empty stroke draws nothing
        if array is None or array.ndim != 2 or array.shape[1] != 2 or not np.isfinite(array).all():
            raise ValueError(f"stroke {number} must be a list of [x, y] points (finite numbers); "
                             f"got {str(stroke)[:60]}")
        arrays.append(array)
    return arrays


def normalise(strokes):
    """The strokes moved and scaled into the 32x32 frame: bounding box centred, full height.

    The box is scaled so its height spans SKELETON_HEIGHT pixels. A box that
    would then be wider than SKELETON_WIDTH is squeezed horizontally to that
    width (the data's wide digits still fill every row). A flat stroke (no
    height) is scaled by its width; a single dot lands in the centre.
    """
    arrays = _points(strokes)
    if not arrays:
        return []
    every = np.concatenate(arrays)
    low, high = every.min(axis=0), every.max(axis=0)
    width, height = high - low
    scale_y = SKELETON_HEIGHT / height if height > 0 else None
    if width > 0 and (scale_y is None or width * scale_y > SKELETON_WIDTH):
        scale_x = SKELETON_WIDTH / width
    else:
        scale_x = scale_y or 1.0
    scale = np.array([scale_x, scale_y or scale_x])
    centre = (low + high) / 2
    return [SCAN / 2 + (array - centre) * scale for array in arrays]


def _distances_to_strokes(strokes, size=SCAN):
    """For every pixel centre of a size x size grid, its distance to the nearest stroke segment."""
    starts = np.concatenate([s[:-1] if len(s) > 1 else s for s in strokes])
    ends = np.concatenate([s[1:] if len(s) > 1 else s for s in strokes])
    centres = np.stack(np.meshgrid(np.arange(size) + 0.5, np.arange(size) + 0.5), axis=-1).reshape(-1, 1, 2)
    direction = ends - starts  # (segments, 2)
    length2 = (direction ** 2).sum(axis=1)
    # Where along each segment the closest point lies: t in [0, 1] (0 for a zero-length segment).
    t = ((centres - starts) * direction).sum(axis=2) / np.where(length2 > 0, length2, 1.0)
    closest = starts + np.clip(t, 0.0, 1.0)[..., None] * direction
    return np.sqrt(((centres - closest) ** 2).sum(axis=2)).min(axis=1).reshape(size, size)


def bitmap_from_strokes(strokes):
    """The 32x32 black-and-white bitmap (bool array; rows top to bottom) of a drawing.

    The strokes are normalised (see ``normalise``), then drawn with a round
    pen whose radius is chosen so that about INK_PIXELS pixels are inked, the
    data's average; the radius stays within PEN_RADIUS, so a lone dot does
    not become a blob and a long scribble stays visible.
    """
    placed = normalise(strokes)
    if not placed:
        return np.zeros((SCAN, SCAN), dtype=bool)
    distance = _distances_to_strokes(placed)
    radius = np.clip(np.sort(distance, axis=None)[INK_PIXELS - 1], *PEN_RADIUS)
    return distance <= radius


def downsample(bitmap):
    """Count the inked pixels of each 4x4 block of a 32x32 bitmap: an 8x8 array of ints 0..16."""
    bitmap = np.asarray(bitmap)
    if bitmap.shape != (SCAN, SCAN):
        raise ValueError(f"downsample needs a {SCAN}x{SCAN} bitmap, got shape {bitmap.shape}")
    side = SCAN // BLOCK
    return (bitmap != 0).reshape(side, BLOCK, side, BLOCK).sum(axis=(1, 3))


def digit_from_strokes(strokes):
    """A drawing as the data set would store it: 64 float64 numbers from 0 to 16, row by row."""
    return downsample(bitmap_from_strokes(strokes)).reshape(-1).astype(np.float64)


def class_probabilities(model, image):
    """``model(image)`` as a flat float array, checked to be probabilities (a clear error if not)."""
    out = model(image)
    if not isinstance(out, np.ndarray) and hasattr(out, "data"):  # a Tensor
        out = out.data
    p = np.asarray(out, dtype=float).reshape(-1)
    if p.size < 2 or not np.isfinite(p).all() or (p < 0).any() or abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"the model must return class probabilities (at least two numbers >= 0 that sum to 1); "
                         f"it returned {p.size} numbers summing to {p.sum():.4g}. If it returns scores (logits), "
                         f"pass a function that applies softmax to them.")
    return p


class DrawDigit(anywidget.AnyWidget):
    """A canvas to draw on, the 8x8 image the model sees, and the model's probabilities as bars.

    ``strokes`` (set by the page, or from code) is the drawing; ``pixels`` (64
    ints), ``probabilities`` (one per class, empty while nothing is drawn) and
    ``prediction`` (the most likely class, -1 while nothing is drawn) follow it.
    ``clear()`` empties the canvas, as the page's clear button does.
    """

    _esm = pathlib.Path(__file__).with_name("digit_canvas.js")
    _css = pathlib.Path(__file__).with_name("digit_canvas.css")

    strokes = traitlets.List().tag(sync=True)
    pixels = traitlets.List([0] * 64).tag(sync=True)
    probabilities = traitlets.List().tag(sync=True)
    prediction = traitlets.Int(-1).tag(sync=True)
    classes = traitlets.List().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, model, classes=None, **kwargs):
        if not callable(model):
            raise TypeError(f"draw_digit needs a model: a function from 64 pixel values (0 to 16) to class "
                            f"probabilities; got {type(model).__name__}")
        self.model = model
        blank = class_probabilities(model, np.zeros(64))  # fails now, not at the first stroke
        classes = [str(c) for c in (range(blank.size) if classes is None else classes)]
        if len(classes) != blank.size:
            raise ValueError(f"{len(classes)} class names for a model with {blank.size} classes")
        super().__init__(classes=classes, **kwargs)

    @traitlets.observe("strokes")
    def _update(self, change=None):
        try:
            image = digit_from_strokes(self.strokes)
            drawn = image.any()
            p = class_probabilities(self.model, image) if drawn else np.zeros(0)
        except Exception as error:  # shown on the page: an observer's exception would vanish
            self.error = f"{type(error).__name__}: {error}"
            return
        self.error = ""
        self.pixels = [int(v) for v in image]
        self.probabilities = [float(v) for v in p]
        self.prediction = int(p.argmax()) if drawn else -1

    def clear(self):
        """Empty the drawing (and the bars)."""
        self.strokes = []


def draw_digit(model, classes=None):
    """A canvas to draw a digit on, read live by ``model``.

    ``model`` maps 64 pixel values (a float array of shape (64,), row by row,
    0 = white to 16 = black, like ``datasets.load_digits``) to the probability
    of each class. ``classes`` names the classes (default 0, 1, 2, ...).
    """
    return DrawDigit(model, classes=classes)
