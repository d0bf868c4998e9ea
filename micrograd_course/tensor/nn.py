"""Layers and multi-layer perceptrons built from ``Tensor``.

The same models as ``micrograd_course.nn``, one array per layer instead of
one ``Value`` per weight. A layer is ``x @ W + b``: ``x`` holds one sample
per row (shape (batch, nin)), ``W`` has shape (nin, nout) (column j holds
the weights of neuron j) and ``b`` has shape (nout,), broadcast over the rows.

With the same ``seed``, ``MLP`` draws exactly the weights that
``micrograd_course.nn.MLP`` draws, so the two engines can be compared
number for number; ``MLP.from_scalar`` copies them from an existing model.
"""

import random

import numpy as np

from .. import nn as scalar_nn
from .engine import Tensor, _as_tensor

__all__ = ["Module", "Linear", "MLP"]

ACTIVATIONS = scalar_nn.ACTIVATIONS
INITS = ("uniform", "scaled")


class Module(scalar_nn.Module):
    """Base class: anything that owns parameters (learnable Tensors).

    The same as ``micrograd_course.nn.Module``: parameters are found by looking
    at the attributes, in the order they were set (a ``Tensor``, a ``Module`` or
    a list of them), with dotted names such as ``layers.0.W``.
    """

    parameter_type = Tensor

    def zero_grad(self):
        """Reset every parameter's gradient to zeros (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = np.zeros_like(p.data)


def _check_choice(value, choices, what):
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}.")


class Linear(Module):
    """One fully connected layer: ``x @ W + b``, no activation (like ``torch.nn.Linear``).

    ``init="uniform"`` (the default) draws every weight uniformly from [-1, 1]
    in the order ``micrograd_course.nn.Neuron`` does (neuron by neuron);
    ``init="scaled"`` divides those draws by sqrt(nin), which keeps the
    outputs of a wide layer at the size of its inputs (PyTorch's default
    range). Biases start at 0.
    """

    def __init__(self, nin, nout, seed=None, rng=None, init="uniform"):
        _check_choice(init, INITS, "init")
        rng = rng if rng is not None else random.Random(seed)
        rows = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)]  # one row per neuron
        W = np.array(rows, dtype=np.float64).reshape(nout, nin).T
        if init == "scaled":
            W = W / np.sqrt(nin)
        self.W = Tensor(np.ascontiguousarray(W), label="W")
        self.b = Tensor(np.zeros(nout), label="b")

    @property
    def nin(self):
        return self.W.shape[0]

    @property
    def nout(self):
        return self.W.shape[1]

    def __call__(self, x):
        x = _as_tensor(x, "Linear")
        if x.ndim == 0 or x.shape[-1] != self.nin:
            raise ValueError(
                f"{self!r} expects inputs with {self.nin} features in the last axis "
                f"(shape (batch, {self.nin})), got shape {x.shape}."
            )
        return x @ self.W + self.b

    def __repr__(self):
        return f"Linear({self.nin}, {self.nout})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` maps 2 inputs to 1 output.

    Hidden layers use ``activation`` (relu, tanh, sigmoid or linear); the last
    layer is linear, so its outputs are raw scores. The input is an array of
    shape (batch, nin), one sample per row; the output has shape (batch, nout).
    ``seed`` makes the initial weights reproducible, and the same seed gives
    the same weights as ``micrograd_course.nn.MLP``.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None, init="uniform"):
        _check_choice(activation, ACTIVATIONS, "activation")
        _check_choice(init, INITS, "init")
        rng = random.Random(seed)
        sizes = [nin] + list(nouts)
        self.layers = [Linear(sizes[i], sizes[i + 1], rng=rng, init=init) for i in range(len(nouts))]
        self.activation = activation

    @classmethod
    def from_scalar(cls, model):
        """The same network as ``model``, a ``micrograd_course.nn.MLP``, with its current weights."""
        if not isinstance(model, scalar_nn.MLP):
            raise TypeError(f"MLP.from_scalar expects a micrograd_course.nn.MLP, got {type(model).__name__}.")
        first = model.layers[0].neurons[0]
        activation = first.activation
        sizes = [len(first.w)] + [len(layer.neurons) for layer in model.layers]
        tensor_model = cls(sizes[0], sizes[1:], activation=activation)
        for layer, scalar_layer in zip(tensor_model.layers, model.layers):
            layer.W.data[...] = np.array([[w.data for w in n.w] for n in scalar_layer.neurons]).T
            layer.b.data[...] = [n.b.data for n in scalar_layer.neurons]
        return tensor_model

    def __call__(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = layer(x)
            if self.activation != "linear":
                x = getattr(x, self.activation)()
        return last(x)

    def __repr__(self):
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}], activation={self.activation!r}"
