"""The draw-a-digit widget's Python side: strokes -> 32x32 bitmap -> 8x8 image like the data -> probabilities.

The page side (drawing with a real mouse) is driven in tests/test_browser.py.
"""

import math

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("anywidget", reason="the widget is an anywidget (the widgets extra installs it)")
pytest.importorskip("sklearn", reason="the digits come from scikit-learn (the course extra installs it)")

from micrograd_course.datasets import load_digits  # noqa: E402
from micrograd_course.widgets import digit_canvas as dd  # noqa: E402

CIRCLE = np.linspace(0, 2 * math.pi, 60)
ONE = [[[100, 40], [100, 190]]]
ZERO = [np.c_[110 + 45 * np.sin(CIRCLE), 110 - 75 * np.cos(CIRCLE)].tolist()]
SEVEN = [[[60, 40], [160, 40], [90, 190]]]


@pytest.fixture(scope="module")
def softmax_regression():
    """Class probabilities from a softmax regression trained on the digits (numpy, 400 steps)."""
    X_train, y_train, X_test, y_test = load_digits()
    X = np.c_[X_train / 16, np.ones(len(X_train))]
    W = np.zeros((65, 10))
    for _ in range(400):
        z = X @ W
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        W -= 0.5 * X.T @ (p - np.eye(10)[y_train]) / len(X)

    def probabilities(image):
        z = np.r_[np.asarray(image) / 16, 1.0] @ W
        e = np.exp(z - z.max())
        return e / e.sum()
    return probabilities


# ---------------------------------------------------------------- the data's own facts, which the design copies

def test_the_data_fill_every_row_and_have_the_same_ink_in_every_class():
    X_train, y_train, X_test, y_test = load_digits()
    images = np.r_[X_train, X_test].reshape(-1, 8, 8)
    labels = np.r_[y_train, y_test]
    assert (images[:, 0, :].max(axis=1) > 0).all() and (images[:, 7, :].max(axis=1) > 0).all()
    ink = images.sum(axis=(1, 2))  # inked pixels of the 32x32 scan
    assert abs(ink.mean() - dd.INK_PIXELS) < 1
    per_class = [ink[labels == k].mean() for k in range(10)]
    assert max(per_class) / min(per_class) < 1.1, "a '1' has as much ink as an '8': the stroke width was normalised"


# ---------------------------------------------------------------- downsampling

def test_downsample_counts_the_inked_pixels_of_each_4x4_block():
    bitmap = np.zeros((32, 32), dtype=bool)
    bitmap[5, 9] = True  # block (1, 2)
    bitmap[28:32, 0:4] = True  # block (7, 0), full
    bitmap[0, 31] = bitmap[3, 28] = True  # block (0, 7), two pixels
    image = dd.downsample(bitmap)
    assert image.shape == (8, 8)
    assert image[1, 2] == 1 and image[7, 0] == 16 and image[0, 7] == 2
    assert image.sum() == bitmap.sum() == 19
    assert (dd.downsample(np.ones((32, 32))) == 16).all()


def test_downsample_refuses_another_size():
    with pytest.raises(ValueError, match="32x32 bitmap, got shape"):
        dd.downsample(np.zeros((28, 28)))


# ---------------------------------------------------------------- normalising the drawing

def test_the_drawing_is_centred_and_stretched_to_the_full_height():
    (placed,) = dd.normalise([[[10, 50], [30, 150]]])  # 20 wide, 100 high
    assert placed[:, 1].min() == pytest.approx(2) and placed[:, 1].max() == pytest.approx(30)
    assert placed[:, 0].min() + placed[:, 0].max() == pytest.approx(32)  # centred
    assert placed[:, 0].max() - placed[:, 0].min() == pytest.approx(20 * 28 / 100)  # a narrow digit keeps its shape


def test_a_wide_drawing_is_squeezed_to_the_widest_the_data_have():
    (placed,) = dd.normalise([[[0, 0], [300, 0], [300, 100]]])
    assert placed[:, 0].max() - placed[:, 0].min() == pytest.approx(dd.SKELETON_WIDTH)
    assert placed[:, 1].max() - placed[:, 1].min() == pytest.approx(dd.SKELETON_HEIGHT)


def test_where_and_how_big_the_digit_is_drawn_does_not_matter():
    image = dd.digit_from_strokes(ZERO)
    moved = [(np.array(ZERO[0]) * 0.3 + [7, 150]).tolist()]
    # Equal up to round-off at the pen's edge: a pixel at exactly the radius may flip.
    assert np.abs(dd.digit_from_strokes(moved) - image).max() <= 1


def test_a_flat_stroke_and_a_dot_are_drawn_in_the_middle():
    dash = dd.bitmap_from_strokes([[[10, 40], [90, 40]]])
    rows = np.flatnonzero(dash.any(axis=1))
    assert rows.min() + rows.max() == 31  # centred vertically
    dot = dd.bitmap_from_strokes([[[5, 5]]])
    assert dot[15:17, 15:17].all()
    assert dot.sum() < dd.INK_PIXELS / 2, "the pen's radius is capped: a dot stays a dot"


def test_the_pen_is_thickened_to_the_datas_amount_of_ink():
    for strokes in (ONE, ZERO, SEVEN):
        assert abs(dd.bitmap_from_strokes(strokes).sum() - dd.INK_PIXELS) <= 10
    image = dd.digit_from_strokes(ONE).reshape(8, 8)
    assert image.dtype == np.float64 and image.min() == 0 and image.max() == 16
    assert (image[:, 0] == 0).all() and (image[:, 7] == 0).all() and (image[:, 3:5] == 16).all()


def test_an_empty_drawing_is_a_blank_image():
    assert (dd.digit_from_strokes([]) == 0).all()
    assert (dd.digit_from_strokes([[], []]) == 0).all()


@pytest.mark.parametrize("strokes", [[[1, 2, 3]], [[[1, 2, 3]]], [[[0, float("nan")]]], "abc", [5], [[["a", "b"]]]])
def test_malformed_strokes_are_refused(strokes):
    with pytest.raises(ValueError, match="strokes? .*must be a list"):
        dd.digit_from_strokes(strokes)


def test_drawn_digits_are_read_like_the_data(softmax_regression):
    for strokes, label in ((ONE, 1), (ZERO, 0), (SEVEN, 7)):
        assert softmax_regression(dd.digit_from_strokes(strokes)).argmax() == label


# ---------------------------------------------------------------- the widget, driven from code

def test_the_widget_follows_its_strokes_and_clears(softmax_regression):
    widget = dd.draw_digit(softmax_regression)
    assert widget.classes == [str(k) for k in range(10)]
    assert widget.prediction == -1 and widget.probabilities == [] and widget.pixels == [0] * 64
    widget.strokes = ZERO
    assert widget.prediction == 0 and widget.error == ""
    assert len(widget.probabilities) == 10 and math.isclose(sum(widget.probabilities), 1)
    assert widget.pixels == [int(v) for v in dd.digit_from_strokes(ZERO)]
    widget.strokes = ONE
    assert widget.prediction == 1
    widget.clear()
    assert widget.strokes == [] and widget.prediction == -1 and widget.probabilities == []
    assert widget.pixels == [0] * 64


def test_the_widget_accepts_a_model_that_returns_a_row_or_a_tensor_like():
    class Holder:
        def __init__(self, data):
            self.data = data

    for wrap in (lambda p: p.reshape(1, -1), Holder):
        widget = dd.draw_digit(lambda image, wrap=wrap: wrap(np.full(10, 0.1)))
        widget.strokes = ONE
        assert widget.error == "" and len(widget.probabilities) == 10


def test_a_model_that_returns_scores_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="applies softmax"):
        dd.draw_digit(lambda image: np.arange(10.0))
    with pytest.raises(TypeError, match="needs a model"):
        dd.draw_digit("model.pkl")
    with pytest.raises(ValueError, match="3 class names for a model with 10 classes"):
        dd.draw_digit(lambda image: np.full(10, 0.1), classes="abc")


def test_a_failure_while_drawing_is_shown_on_the_widget():
    def fragile(image):
        if image.any():
            raise RuntimeError("the model broke")
        return np.full(10, 0.1)

    widget = dd.draw_digit(fragile)
    widget.strokes = ONE
    assert widget.error == "RuntimeError: the model broke"
    widget.strokes = [[[0, 0, 0]]]
    assert "must be a list of [x, y] points" in widget.error
