"""Data sets: shapes, labels, reproducibility, no global random state."""

import math
import random

import pytest

from micrograd_course import datasets


@pytest.mark.parametrize("make,kwargs,classes", [
    (datasets.make_moons, {"n": 60}, {0, 1}),
    (datasets.make_circles, {"n": 60}, {0, 1}),
    (datasets.make_spiral, {"n_per_class": 20, "classes": 3}, {0, 1, 2}),
])
def test_classification_sets(make, kwargs, classes):
    xs, ys = make(seed=3, **kwargs)
    assert len(xs) == len(ys) == 60
    assert all(len(x) == 2 and all(isinstance(c, float) for c in x) for x in xs)
    assert set(ys) == classes
    assert make(seed=3, **kwargs) == (xs, ys)
    assert make(seed=4, **kwargs) != (xs, ys)


def test_moons_without_noise_lie_on_their_half_circles():
    xs, ys = datasets.make_moons(40, noise=0.0, seed=0)
    for (x, y), label in zip(xs, ys):
        cx, cy = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x - cx, y - cy) == pytest.approx(1.0)
        assert (y >= 0) if label == 0 else (y <= 0.5 + 1e-12)


def test_circles_radii():
    xs, ys = datasets.make_circles(40, noise=0.0, factor=0.3)
    for (x, y), label in zip(xs, ys):
        assert math.hypot(x, y) == pytest.approx(0.3 if label else 1.0)


def test_quadratic_follows_its_curve():
    xs, ys = datasets.make_quadratic(40, noise=0.0)
    assert len(xs) == 40
    for (x,), y in zip(xs, ys):
        assert y == pytest.approx(x * x + 3 * x)


def test_toy_and_xor():
    xs, ys = datasets.toy_dataset()
    assert len(xs) == 4 and all(len(x) == 3 for x in xs) and ys == [1.0, -1.0, -1.0, 1.0]
    xs, ys = datasets.xor_dataset()
    assert ys == [int(a) ^ int(b) for a, b in xs]


def test_global_random_state_is_untouched():
    random.seed(5)
    expected = random.random()
    random.seed(5)
    datasets.make_moons(50)
    datasets.make_spiral(10)
    assert random.random() == expected


def test_plus_minus_labels_and_bad_sizes():
    assert datasets.to_plus_minus([0, 1, 1]) == [-1, 1, 1]
    with pytest.raises(ValueError, match="n must be a whole number >= 2"):
        datasets.make_moons(1)


# ---------------------------------------------------------------- handwritten digits

def test_digits_split_is_fixed_stratified_and_disjoint():
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn", reason="the digits come from scikit-learn (the course extra installs it)")
    X_train, y_train, X_test, y_test = datasets.load_digits()
    assert X_train.shape == (len(y_train), 64) and X_test.shape == (len(y_test), 64)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert len(y_train) + len(y_test) == 1797
    assert 0.24 < len(y_test) / 1797 < 0.26
    assert X_train.min() == 0 and X_train.max() == 16
    # Every class is in both sets, in proportion to its size.
    assert set(y_train) == set(y_test) == set(range(10))
    for label in range(10):
        total = (y_train == label).sum() + (y_test == label).sum()
        assert (y_test == label).sum() == round(0.25 * total)
    # The two sets share no image (as whole rows of pixels, with their labels).
    train_rows = {(tuple(x), y) for x, y in zip(X_train, y_train)}
    assert not any((tuple(x), y) in train_rows for x, y in zip(X_test, y_test))
    # The same seed gives the same split; another seed another one.
    again = datasets.load_digits()
    assert all((a == b).all() for a, b in zip(again, (X_train, y_train, X_test, y_test)))
    other = datasets.load_digits(seed=1)
    assert not (other[3] == y_test).all()
    # Labels are shuffled, not sorted by class.
    assert (np.diff(y_train) != 0).sum() > len(y_train) / 2


@pytest.mark.parametrize("fraction", [0, 1, -0.5, "0.2", None])
def test_digits_refuses_a_test_fraction_outside_0_and_1(fraction):
    with pytest.raises(ValueError, match="test_fraction must be a number between 0 and 1"):
        datasets.load_digits(test_fraction=fraction)
