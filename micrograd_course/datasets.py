"""Small data sets as plain Python lists, reproducible from a seed.

Each ``make_*`` function returns ``(xs, ys)``: ``xs`` a list of input lists,
``ys`` a list of targets. Nothing here touches ``random``'s global state.
"""

import math
import random

__all__ = [
    "toy_dataset", "xor_dataset", "make_moons", "make_circles",
    "make_spiral", "make_quadratic", "to_plus_minus",
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
