"""Optimizers: turn gradients into parameter updates."""

__all__ = ["SGD"]


class SGD:
    """Plain stochastic gradient descent: ``p.data -= lr * p.grad``.

    ``lr`` is an ordinary attribute, so a schedule can change it between steps.
    """

    def __init__(self, parameters, lr):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("SGD got no parameters to optimise (an empty list).")
        if not lr > 0:
            raise ValueError(f"SGD learning rate must be positive, got {lr!r}.")
        self.lr = lr

    def step(self):
        """Move every parameter a small step against its gradient."""
        lr = self.lr
        for p in self.parameters:
            p.data -= lr * p.grad

    def zero_grad(self):
        """Reset gradients to 0 before the next backward pass."""
        for p in self.parameters:
            p.grad = 0.0
