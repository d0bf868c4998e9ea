"""Small data sets as plain Python lists, reproducible from a seed.

Each ``make_*`` function returns ``(xs, ys)``: ``xs`` a list of input lists,
``ys`` a list of targets. Nothing here touches ``random``'s global state.

``load_digits`` is the exception: real data (scikit-learn's 8x8 handwritten
digits), returned as numpy arrays because lecture 13 trains on them with the
tensor engine. It needs numpy and scikit-learn, imported only when called.
"""

import math
import random

__all__ = [
    "toy_dataset", "xor_dataset", "make_moons", "make_circles",
    "make_spiral", "make_quadratic", "to_plus_minus", "load_digits",
]


def toy_dataset():
    """The lecture's four samples of three inputs, with targets +1 / -1."""
    xs = [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0]
    return xs, ys


def xor_dataset():
    """The four corners of the unit square; the label is x1 XOR x2 (0 or 1)."""
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [0, 1, 1, 0]
    return xs, ys


def _check_count(n, name):
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"{name}: n must be a whole number >= 2, got {n!r}.")


def _jitter(rng, point, noise):
    return [c + rng.gauss(0.0, noise) for c in point] if noise else list(point)


def make_moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles; labels 0 (upper moon) and 1 (lower moon)."""
    _check_count(n, "make_moons")
    rng = random.Random(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    xs, ys = [], []
    for i in range(n_upper):
        t = math.pi * i / (n_upper - 1)
        xs.append(_jitter(rng, (math.cos(t), math.sin(t)), noise))
        ys.append(0)
    for i in range(n_lower):
        t = math.pi * i / (n_lower - 1)
        xs.append(_jitter(rng, (1 - math.cos(t), 0.5 - math.sin(t)), noise))
        ys.append(1)
    return _shuffled(rng, xs, ys)


def make_circles(n=100, noise=0.05, factor=0.5, seed=0):
    """A small circle (label 1) inside a larger one (label 0)."""
    _check_count(n, "make_circles")
    rng = random.Random(seed)
    n_outer = n // 2
    xs, ys = [], []
    for i in range(n):
        outer = i < n_outer
        count = n_outer if outer else n - n_outer
        t = 2 * math.pi * (i if outer else i - n_outer) / count
        r = 1.0 if outer else factor
        xs.append(_jitter(rng, (r * math.cos(t), r * math.sin(t)), noise))
        ys.append(0 if outer else 1)
    return _shuffled(rng, xs, ys)


def make_spiral(n_per_class=50, classes=3, noise=0.2, seed=0):
    """``classes`` interleaved spiral arms; labels 0 .. classes - 1."""
    _check_count(n_per_class, "make_spiral")
    rng = random.Random(seed)
    xs, ys = [], []
    for c in range(classes):
        for i in range(n_per_class):
            r = i / (n_per_class - 1)
            t = c * 2 * math.pi / classes + 4 * r + rng.gauss(0.0, noise)
            xs.append([r * math.sin(t), r * math.cos(t)])
            ys.append(c)
    return _shuffled(rng, xs, ys)


def make_quadratic(n=40, low=-4.0, high=1.0, noise=0.5, seed=0):
    """Regression data on the curve y = x**2 + 3x, plus Gaussian noise."""
    _check_count(n, "make_quadratic")
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        x = low + (high - low) * i / (n - 1)
        xs.append([x])
        ys.append(x * x + 3 * x + rng.gauss(0.0, noise))
    return xs, ys


def to_plus_minus(labels):
    """Map 0/1 labels to -1/+1 (what the hinge loss wants)."""
    return [1 if y else -1 for y in labels]


def _shuffled(rng, xs, ys):
    order = list(range(len(xs)))
    rng.shuffle(order)
    return [xs[i] for i in order], [ys[i] for i in order]


def load_digits(test_fraction=0.25, seed=0):
    """scikit-learn's 1,797 handwritten digits, split into a fixed train and test set.

    Each image is 8x8 pixels, flattened to 64 numbers from 0 (white) to 16
    (black): the number of inked pixels in a 4x4 block of a 32x32 scan. The
    data ship inside scikit-learn, so nothing is downloaded.

    The split is stratified: from every class, ``test_fraction`` of its images
    (rounded) go to the test set, chosen by a ``numpy`` generator seeded with
    ``seed``; both sets are then shuffled. The same arguments always give the
    same split.

    Returns ``(X_train, y_train, X_test, y_test)``: ``X`` float64 arrays of
    shape (n, 64), ``y`` int64 arrays of labels 0..9.
    """
    if not isinstance(test_fraction, (int, float)) or not 0 < test_fraction < 1:
        raise ValueError(f"load_digits: test_fraction must be a number between 0 and 1, got {test_fraction!r}.")
    try:
        import numpy as np
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as error:
        raise ImportError("load_digits needs numpy and scikit-learn: pip install numpy scikit-learn "
                          "(or pip install 'micrograd-course[course]').") from error
    digits = sklearn_digits()
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[:round(test_fraction * len(members))]] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    test_order = rng.permutation(np.flatnonzero(test))
    return X[train_order], y[train_order], X[test_order], y[test_order]
