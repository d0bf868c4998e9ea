"""SGD for Tensors: the course's ``optim.SGD``, with gradients reset to arrays."""

import numpy as np

from .. import optim
from .engine import Tensor

__all__ = ["SGD"]


class SGD(optim.SGD):
    """Plain stochastic gradient descent: ``p.data -= lr * p.grad`` for every parameter.

    ``step`` is ``micrograd_course.optim.SGD.step`` unchanged: on arrays,
    ``-=`` updates every entry in place. ``zero_grad`` resets each gradient
    to an array of zeros of the parameter's shape (the scalar SGD's 0.0
    would lose the shape).
    """

    def __init__(self, parameters, lr):
        super().__init__(parameters, lr)
        for p in self.parameters:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"micrograd_course.tensor.SGD optimises Tensors, got a {type(p).__name__}. "
                    f"For a model made of Values use micrograd_course.SGD."
                )

    def zero_grad(self):
        """Reset gradients to zeros before the next backward pass."""
        for p in self.parameters:
            p.grad = np.zeros_like(p.data)
