"""micrograd_course.tensor: the course's autograd on numpy arrays.

    >>> from micrograd_course.tensor import Tensor
    >>> x = Tensor([1.0, 2.0, 3.0])
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad                 # dy/dx = 2x
    array([2., 4., 6.])

``Tensor`` works like ``Value`` (each op beside its local gradient rule,
an iterative backward), with numpy broadcasting and ``@``. ``Linear``,
``MLP``, the losses and ``SGD`` mirror ``micrograd_course.nn``, ``losses``
and ``optim``. Needs numpy (installed with the course).
"""

from .engine import Tensor, unbroadcast
from .nn import Module, Linear, MLP
from .losses import log_softmax, softmax, cross_entropy, hinge_loss, mse_loss, accuracy
from .optim import SGD

__all__ = [
    "Tensor", "unbroadcast", "Module", "Linear", "MLP",
    "log_softmax", "softmax", "cross_entropy", "hinge_loss", "mse_loss", "accuracy", "SGD",
]
