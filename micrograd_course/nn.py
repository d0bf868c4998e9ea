"""Neurons, layers and multi-layer perceptrons built from ``Value``.

The names follow PyTorch where they can: ``parameters()``,
``named_parameters()`` and ``zero_grad()`` mean the same thing there.
"""

import numbers
import random

from .engine import Value, _weighted_sum_of_values

__all__ = ["Module", "Neuron", "Layer", "MLP"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


class Module:
    """Base class: anything that owns parameters (learnable Values).

    Parameters are found by looking at the attributes, in the order they were
    set: a ``Value``, a list of Values, a ``Module`` or a list of Modules.
    ``micrograd_course.tensor.Module`` is the same with ``Tensor`` parameters.
    """

    parameter_type = Value  # what counts as a parameter

    def named_parameters(self, prefix=""):
        """Yield ``(name, value)`` pairs with dotted names, e.g. ``layers.0.neurons.1.w.0``."""
        for attr, item in vars(self).items():
            if attr.startswith("_"):
                continue
            name = f"{prefix}{attr}"
            if isinstance(item, self.parameter_type):
                yield name, item
            elif isinstance(item, Module):
                yield from item.named_parameters(name + ".")
            elif isinstance(item, (list, tuple)):
                for i, element in enumerate(item):
                    if isinstance(element, self.parameter_type):
                        yield f"{name}.{i}", element
                    elif isinstance(element, Module):
                        yield from element.named_parameters(f"{name}.{i}.")

    def parameters(self):
        """All learnable Values, in a fixed order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Reset every parameter's gradient to 0 (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}."
        )


def _rng_from(seed, rng):
    """Where the initial weights come from: ``rng`` if given, else a generator of its own for
    ``seed``, else (no seed) the ``random`` module, so that ``random.seed(1337)`` before
    building a model makes the run reproducible, as in karpathy's micrograd demo."""
    if rng is not None:
        return rng
    if seed is None:
        return random  # the module's shared generator: random.uniform, seeded by random.seed
    return random.Random(seed)


def _input_values(x, neuron):
    """``x`` as a list of Values, checked against what ``neuron`` expects.

    A single number or Value counts as one input (the output of a
    one-neuron layer); plain numbers become leaf Values.
    """
    if isinstance(x, (Value, numbers.Real)):
        x = [x]
    if len(x) != len(neuron.w):
        raise ValueError(f"{neuron!r} expects {len(neuron.w)} inputs, got {len(x)}.")
    return [xi if isinstance(xi, Value) else Value(xi) for xi in x]


class Neuron(Module):
    """One neuron: ``activation(w · x + b)``.

    ``nonlin=False`` is the same as ``activation="linear"`` (the lecture's
    name for an output neuron). Weights start uniform in [-1, 1], bias at 0;
    they are labelled ``w0, w1, ...`` and ``b`` for drawings.

    ``w · x + b`` is a single node (``engine.weighted_sum``, op "w·x+b")
    rather than n products and a sum: the same numbers, a fifth of the nodes.
    """

    def __init__(self, nin, nonlin=True, activation="relu", seed=None, rng=None):
        _check_activation(activation)
        rng = _rng_from(seed, rng)
        self.w = [Value(rng.uniform(-1, 1), label=f"w{i}") for i in range(nin)]
        self.b = Value(0.0, label="b")
        self.activation = activation if nonlin else "linear"

    def __call__(self, x):
        return self._forward(_input_values(x, self))

    def _forward(self, x):
        """The output for ``x``, a list of Values of the right length."""
        act = _weighted_sum_of_values(self.w, x, self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def __repr__(self):
        name = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
        return f"{name[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs."""

    def __init__(self, nin, nout, seed=None, rng=None, **neuron_kwargs):
        rng = _rng_from(seed, rng)
        self.neurons = [Neuron(nin, rng=rng, **neuron_kwargs) for _ in range(nout)]

    def __call__(self, x):
        x = _input_values(x, self.neurons[0])  # once, so all neurons share the input leaves
        out = [n._forward(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(3, [4, 4, 1])`` maps 3 inputs to 1 output.

    Hidden layers use ``activation``; the last layer is linear, so its outputs
    are raw scores that any loss can take. ``seed`` makes the initial weights
    reproducible with a generator of their own, leaving ``random``'s global
    state alone; without it they are drawn from the ``random`` module, so
    ``random.seed(1337)`` before ``MLP(...)`` reproduces them too.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None):
        _check_activation(activation)
        rng = _rng_from(seed, None)
        sizes = [nin] + list(nouts)
        self.layers = [
            Layer(sizes[i], sizes[i + 1], rng=rng,
                  activation=activation, nonlin=i != len(nouts) - 1)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
