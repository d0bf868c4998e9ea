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
