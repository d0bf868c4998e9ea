"""Shared pieces for the Tensor tests: the ops, shapes that broadcast, finite differences.

Every op is written once as a function of its inputs, using only syntax that
means the same for a ``micrograd_course.tensor.Tensor`` and a ``torch.Tensor``
(so the torch tests run the very same function on both).
"""

import itertools

import numpy as np

from micrograd_course.tensor import Tensor


def _positive(x):
    return np.abs(x) + 0.5


def _away_from_zero(x):
    return np.where(x >= 0, x + 0.5, x - 0.5)


def _away_from_kink(x):
    return _away_from_zero(x)  # relu's slope jumps at 0; finite differences need a margin


# name: (function, input shapes, how to make each input valid for the function)
UNARY = {
    "neg": (lambda a: -a, None),
    "relu": (lambda a: a.relu(), _away_from_kink),
    "tanh": (lambda a: a.tanh(), None),
    "sigmoid": (lambda a: a.sigmoid(), None),
    "exp": (lambda a: a.exp(), None),
    "log": (lambda a: a.log(), _positive),
    "square": (lambda a: a ** 2, None),
    "cube": (lambda a: a ** 3, None),
    "sqrt": (lambda a: a ** 0.5, _positive),
    "reciprocal_power": (lambda a: a ** -1.5, _positive),
    "power_zero": (lambda a: a ** 0, None),
    "transpose": (lambda a: a.T, None),
    "reshape": (lambda a: a.reshape(-1), None),
    "reshape_tuple": (lambda a: a.reshape((a.shape[-1], -1)), None),
    "number_plus": (lambda a: 2.5 + a, None),
    "minus_number": (lambda a: a - 2.5, None),
    "number_minus": (lambda a: 2.5 - a, None),
    "number_times": (lambda a: 3.0 * a, None),
    "times_number": (lambda a: a * -0.5, None),
    "over_number": (lambda a: a / 4.0, None),
    "number_over": (lambda a: 2.0 / a, _away_from_zero),
    "index_row": (lambda a: a[1], None),
    "index_slice": (lambda a: a[:, 1:3], None),
    "index_repeated_rows": (lambda a: a[[0, 1, 0, 0]], None),
    "index_pairs": (lambda a: a[[0, 1, 1], [2, 0, 0]], None),
    "index_mask": (lambda a: a[a.data > 0], _away_from_zero),
}

BINARY = {
    "add": (lambda a, b: a + b, None),
    "sub": (lambda a, b: a - b, None),
    "mul": (lambda a, b: a * b, None),
    "div": (lambda a, b: a / b, _away_from_zero),
}

# Reductions differ in keyword names (numpy's axis/keepdims, torch's dim/keepdim):
# each entry gives (axis, keepdims); the tests call the right spelling.
REDUCTIONS = [(None, False), (0, False), (1, False), (-1, True), ((0, 2), False), ((0, 2), True), (None, True)]

MATMUL_SHAPES = [
    ((3, 4), (4, 2)),      # a layer: (batch, in) @ (in, out)
    ((1, 4), (4, 1)),
    ((4,), (4, 3)),        # a vector on the left is a row
    ((3, 4), (4,)),        # a vector on the right is a column
    ((4,), (4,)),          # the dot product
    ((2, 3, 4), (4, 5)),   # stacked matrices times one matrix: the matrix's gradient sums the stack
    ((5, 4), (2, 4, 3)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),  # stacked axes that broadcast
]


def shapes_up_to_3d(full=(2, 3, 4)):
    """Every shape of rank 0 to 3 that broadcasts to (a suffix of) ``full``: each axis full size or 1."""
    shapes = []
    for rank in range(len(full) + 1):
        tail = full[len(full) - rank:]
        for ones in itertools.product((False, True), repeat=rank):
            shapes.append(tuple(1 if one else size for size, one in zip(tail, ones)))
    return shapes


def broadcast_pairs():
    """Every pair (a shape, b shape) from ``shapes_up_to_3d``: all rank pairs 0-3 x 0-3."""
    shapes = shapes_up_to_3d()
    return [(a, b) for a in shapes for b in shapes]


def random_inputs(rng, shapes, fix=None):
    arrays = [rng.normal(size=shape) for shape in shapes]
    if fix is not None:
        arrays = [fix(x) for x in arrays]
    return arrays


def tensor_value_and_grads(f, arrays, upstream_seed=0):
    """f on Tensors, reduced to a scalar by a random weighting; (value, grads of the inputs)."""
    inputs = [Tensor(x) for x in arrays]
    out = f(*inputs)
    weights = np.random.default_rng(upstream_seed).normal(size=out.shape)
    loss = (out * weights).sum()
    loss.backward()
    return out.data, [t.grad for t in inputs]


def numeric_grads(f, arrays, upstream_seed=0, h=1e-6):
    """Central differences of sum(f(arrays) * weights) for every entry of every input."""
    def loss(xs):
        out = f(*[Tensor(x) for x in xs]).data
        weights = np.random.default_rng(upstream_seed).normal(size=out.shape)
        return float((out * weights).sum())

    grads = []
    for k, x in enumerate(arrays):
        grad = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[k][index] += h
            minus[k][index] -= h
            grad[index] = (loss(plus) - loss(minus)) / (2 * h)
        grads.append(grad)
    return grads
