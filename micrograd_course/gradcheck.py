"""Gradient checking: compare backprop with central finite differences.

The nudge-and-see idea from the first lecture, made into a tool: if
backprop is right, (f(x + h) - f(x - h)) / 2h should agree with x.grad.
"""

from .engine import Value

__all__ = ["numerical_gradient", "analytic_gradient", "gradient_errors"]


def _evaluate(f, numbers):
    out = f(*[Value(x) for x in numbers])
    return out.data if isinstance(out, Value) else float(out)


def numerical_gradient(f, numbers, h=1e-6):
    """Central-difference estimate of df/dx_i for each input.

    ``f`` takes one Value per number and returns a Value. The error of a
    central difference shrinks like h**2, against h for the one-sided
    (f(x + h) - f(x)) / h of the first lecture.
    """
    grads = []
    for i in range(len(numbers)):
        up = list(numbers)
        down = list(numbers)
        up[i] += h
        down[i] -= h
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2 * h))
    return grads


def analytic_gradient(f, numbers):
    """The gradient that ``backward()`` computes, one entry per input."""
    leaves = [Value(x) for x in numbers]
    f(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def gradient_errors(f, numbers, h=1e-6):
    """For each input: (backprop gradient, numerical gradient, relative error).

    The relative error is |a - n| / max(1, |a|, |n|), so tiny gradients are
    compared absolutely and large ones relatively.
    """
    rows = []
    for a, n in zip(analytic_gradient(f, numbers), numerical_gradient(f, numbers, h)):
        rows.append((a, n, abs(a - n) / max(1.0, abs(a), abs(n))))
    return rows
