"""A small autograd engine on numpy arrays: ``Tensor``, built the way ``Value`` is.

A ``Value`` holds one number; a ``Tensor`` holds a whole array of them, so a
layer of a network becomes one ``x @ W + b`` instead of thousands of scalar
nodes. Everything else is the same idea:

- every op computes its output and, right beside it, its local gradient
  rule: a small function ``backward(g)`` that turns the gradient of the
  output (``g``, the same shape as the output) into one gradient per input,
  each the same shape as that input;
- ``backward()`` visits the graph in reverse topological order (the same
  iterative ``topological_order`` as ``Value``) and adds each input's share
  to its ``.grad``.

The one new idea is **broadcasting**. ``x + b`` with ``x`` of shape (100, 16)
and ``b`` of shape (16,) adds ``b`` to every row: numpy copies ``b`` 100
times, in effect. A copy used 100 times collects 100 gradients, so the
gradient of ``b`` is the gradient of the output *summed over the rows*.
``unbroadcast`` does that sum, and every elementwise op calls it.

The rule functions never mention the output ``Tensor`` itself, only numpy
arrays, so a graph has no reference cycles and is freed as soon as the loss
goes out of scope.
"""

import numbers

import numpy as np

from ..engine import Value, topological_order

__all__ = ["Tensor", "unbroadcast"]


# ----------------------------------------------------------------------
# Turning input into float64 arrays, with errors that say what to do.
# ----------------------------------------------------------------------

def _as_array(data):
    """``data`` as a float64 ndarray, or a TypeError that says what to do.

    Python numbers and (nested) lists of numbers become float64. A numpy
    array must already hold floating-point numbers: an integer or boolean
    array is refused rather than silently converted, because it is usually
    a label or an index array given by mistake (convert it yourself with
    ``x.astype(np.float64)`` if you do mean the numbers).
    """
    if isinstance(data, Tensor):
        raise TypeError(
            "Tensor(...) got a Tensor; it already is one. Use it as it is, or "
            "Tensor(t.data.copy()) for a new leaf with the same numbers."
        )
    if isinstance(data, Value):
        raise TypeError(_VALUE_MIXED)
    if isinstance(data, np.ndarray):
        if data.dtype.kind == "f":
            return data.astype(np.float64, copy=data.dtype != np.float64)
        raise TypeError(_bad_dtype_message(data))
    if isinstance(data, (bool, np.bool_)):
        raise TypeError(f"Tensor expects numbers, got the boolean {data!r}. Use 1.0 or 0.0.")
    if isinstance(data, str):
        raise TypeError(f"Tensor expects numbers, got the string {data!r}. Convert it first, e.g. float(...).")
    if isinstance(data, numbers.Real):
        return np.array(float(data))
    try:
        array = np.array(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        if _contains_value(data):
            raise TypeError(_VALUE_MIXED) from None
        raise TypeError(
            f"Tensor expects an array-like of real numbers (a number, a list of numbers, "
            f"a list of equal-length lists, or a float ndarray); could not convert "
            f"{type(data).__name__} ({error})."
        ) from None
    return array


_VALUE_MIXED = (
    "A Value (micrograd_course's scalar engine) cannot be mixed into a Tensor: the two "
    "engines keep separate graphs, so the gradient would never reach the Value. Use the "
    "plain number v.data if it is a constant, or build the whole computation with one engine."
)


def _bad_dtype_message(array):
    kind = array.dtype.kind
    if kind in "iub":
        what = {"i": "an integer", "u": "an unsigned integer", "b": "a boolean"}[kind]
        return (
            f"Tensor got {what} array (dtype {array.dtype}, shape {array.shape}). Gradients "
            f"need floating-point numbers: convert it with x.astype(np.float64). If it holds "
            f"class labels or indices, pass it to the loss (cross_entropy(logits, labels)) "
            f"instead of making it a Tensor."
        )
    if kind == "O":
        if any(isinstance(x, Value) for x in array.flat):
            return _VALUE_MIXED
        return (
            f"Tensor got an object array (dtype object, shape {array.shape}): numpy could "
            f"not find one numeric type for its elements. Build a float array instead, "
            f"e.g. np.array(rows, dtype=np.float64), with every row the same length."
        )
    if kind == "c":
        return "Tensor works with real numbers only; got a complex array. Use x.real if that is what you mean."
    return f"Tensor expects a float array, got dtype {array.dtype}. Convert it with x.astype(np.float64)."


def _contains_value(data):
    """True if a (nested) list or tuple holds a Value somewhere."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, Value):
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _as_tensor(other, op):
    """Wrap a number or array so it can take part in ``op``: a constant leaf."""
    if isinstance(other, Tensor):
        return other
    if isinstance(other, Value):
        raise TypeError(f"unsupported operand for {op}: Tensor and Value. " + _VALUE_MIXED)
    return Tensor(other)


def _broadcast_shape(a, b, op):
    """The shape of ``a op b`` under numpy's broadcasting, or a ValueError naming both shapes."""
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"shapes {a.shape} and {b.shape} do not broadcast for {op}. Broadcasting lines "
            f"the shapes up from the right; each pair of sizes must be equal or one of them 1. "
            f"Reshape one side (e.g. b.reshape(-1, 1) for a column) or transpose it (.T)."
        ) from None


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the backward of broadcasting.

    Broadcasting made copies of the input; every copy passed a gradient back,
    and the input's gradient is their sum. Two kinds of copying happen:

    - axes that were added on the left (shape (16,) used as (100, 16)):
      sum them away;
    - axes of size 1 stretched to a bigger size ((100, 1) used as (100, 16)):
      sum them but keep the axis, with size 1.
    """
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _normalize_axes(axis, ndim):
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    normalized = []
    for a in axes:
        if not isinstance(a, numbers.Integral) or not -ndim <= a < ndim:
            raise ValueError(f"axis {a!r} is out of range for a tensor with {ndim} dimension(s).")
        normalized.append(int(a) % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis {axis!r} names the same axis twice.")
    return tuple(sorted(normalized))


class Tensor:
    """An array of numbers in a computation graph, with its gradient.

    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]]); x = Tensor([[1.0, -1.0]])
    >>> loss = (x @ W).sum()          # x @ W = [[-2, -2]]
    >>> loss.backward()
    >>> W.grad                        # d loss / dW[i, j] = x[0, i]
    array([[ 1.,  1.],
           [-1., -1.]])

    ``data`` is a float64 numpy array; ``grad`` has the same shape and holds
    d(output)/d(each entry) after ``backward()`` (zeros before). ``label`` is
    a name for printing; ``_prev`` are the inputs, ``_op`` the operation
    ('' for a leaf) and ``_backward`` the local gradient rule.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_backward")

    # numpy must not treat a Tensor as an array of objects: with this,
    # ndarray + Tensor calls Tensor.__radd__ instead.
    __array_ufunc__ = None

    def __init__(self, data, label=""):
        self.data = _as_array(data)
        self.grad = np.zeros_like(self.data)
        self.label = label
        self._prev = ()
        self._op = ""
        self._backward = None

    @classmethod
    def from_op(cls, data, inputs, op, backward):
        """The output of an operation: how every op above makes its result, and how you add your own.

        ``data``: the output's numbers; ``inputs``: a tuple of the Tensors it
        was computed from; ``op``: a short name; ``backward``: the local
        gradient rule, a function that takes ``g`` (d(loss)/d(output), an
        array of the output's shape) and returns a tuple with one gradient
        per input, each of that input's shape::

            def double(t):
                return Tensor.from_op(2 * t.data, (t,), "double", lambda g: (2 * g,))
        """
        if data.__class__ is not np.ndarray or data.dtype != np.float64:  # numpy gives scalars for 0-d results
            data = np.asarray(data, dtype=np.float64)
        out = cls.__new__(cls)
        out.data = data
        out.grad = np.zeros_like(data)
        out.label = ""
        out._prev = inputs
        out._op = op
        out._backward = backward
        return out

    # A few array-like conveniences.
    shape = property(lambda self: self.data.shape, doc="The shape of ``data``.")
    ndim = property(lambda self: self.data.ndim, doc="The number of dimensions.")
    size = property(lambda self: self.data.size, doc="The number of entries.")

    def item(self):
        """The single number of a one-element tensor, as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element; this one has shape {self.shape}.")
        return float(self.data.reshape(()))

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-dimensional tensor (a single number).")
        return len(self.data)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        return f"Tensor({body}{label})"

    def __bool__(self):
        if self.data.size == 1:
            return bool(self.data)
        raise TypeError(
            f"the truth value of a Tensor of shape {self.shape} is ambiguous (it holds several numbers). "
            f"Compare its numbers: (t.data > 0).all(), (t.data > 0).any(), or t.item() for one element."
        )

    # ------------------------------------------------------------------
    # Elementwise arithmetic, with broadcasting. Each rule gets g, the
    # gradient of the output, and returns one gradient per input, summed
    # back to that input's shape by unbroadcast.
    # ------------------------------------------------------------------

    def __add__(self, other):
        """out = a + b;  d(out)/da = 1, d(out)/db = 1: both get g, summed to their shape."""
        other = _as_tensor(other, "+")
        _broadcast_shape(self, other, "+")
        a_shape, b_shape = self.shape, other.shape

        def backward(g):
            return unbroadcast(g, a_shape), unbroadcast(g, b_shape)

        return Tensor.from_op(self.data + other.data, (self, other), "+", backward)

    def __mul__(self, other):
        """out = a * b;  d(out)/da = b, d(out)/db = a (entry by entry)."""
        other = _as_tensor(other, "*")
        _broadcast_shape(self, other, "*")
        a, b = self.data, other.data

        def backward(g):
            return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)

        return Tensor.from_op(a * b, (self, other), "*", backward)

    def __truediv__(self, other):
        """out = a / b;  d(out)/da = 1 / b, d(out)/db = -a / b**2 = -out / b."""
        other = _as_tensor(other, "/")
        _broadcast_shape(self, other, "/")
        a, b = self.data, other.data
        if (b == 0).any():
            raise ZeroDivisionError(
                f"dividing by a tensor that has {int((b == 0).sum())} zero(s). Check where the "
                f"denominator comes from (add a small epsilon if it may be 0)."
            )
        out = a / b

        def backward(g):
            return unbroadcast(g / b, a.shape), unbroadcast(-g * out / b, b.shape)

        return Tensor.from_op(out, (self, other), "/", backward)

    def __pow__(self, exponent):
        """out = a ** n for a plain number n;  d(out)/da = n * a ** (n - 1)."""
        if isinstance(exponent, (Tensor, Value)) or not isinstance(exponent, numbers.Real) \
                or isinstance(exponent, bool):
            raise TypeError(
                f"the exponent must be a plain number (int or float), e.g. t ** 2; got "
                f"{type(exponent).__name__}. For a learnable exponent b write (b * a.log()).exp()."
            )
        n = float(exponent)
        a = self.data
        if n < 0 and (a == 0).any():
            raise ZeroDivisionError(f"0 ** {exponent}: zero cannot be raised to a negative power.")
        if not n.is_integer() and (a < 0).any():
            raise ValueError(
                f"a negative number ** {exponent} is not a real number: a negative base needs "
                f"a whole-number exponent."
            )
        out = a ** n

        def backward(g):
            if n == 0:  # a ** 0 is the constant 1
                return (np.zeros_like(a),)
            with np.errstate(divide="ignore"):  # 0 ** (n - 1) for n < 1: an infinite slope
                return (g * n * a ** (n - 1),)

        return Tensor.from_op(out, (self,), f"**{exponent}", backward)

    # ------------------------------------------------------------------
    # Matrix multiplication.
    # ------------------------------------------------------------------

    def __matmul__(self, other):
        """out = A @ B;  dA = g @ B.T,  dB = A.T @ g.

        Why: out[i, j] = sum_k A[i, k] * B[k, j], so A[i, k] meets every
        B[k, j] of row k of B, and its gradient is sum_j g[i, j] * B[k, j],
        which is entry (i, k) of g @ B.T. The same argument for B gives
        A.T @ g. The shapes check the rule: g is (n, m), B.T is (m, k), so
        g @ B.T is (n, k), the shape of A.

        Vectors and stacks of matrices work as in numpy: a vector on the
        left is a row, on the right a column, and stacked (batch) axes
        broadcast, so their gradients are summed back with unbroadcast.
        """
        other = _as_tensor(other, "@")
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"@ needs at least one dimension on each side, got shapes {a.shape} and {b.shape}; "
                f"to scale by a number use * instead."
            )
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"shapes {a.shape} @ {b.shape} do not fit: the last axis of the left side "
                f"({a.shape[-1]}) must equal the {'second-to-last' if b.ndim > 1 else 'only'} axis "
                f"of the right side ({b.shape[-2 if b.ndim > 1 else 0]}). Transpose one side (.T) "
                f"or check which is the input and which the weights."
            )
        try:
            out = a @ b
        except ValueError:  # only the stacked axes can fail now
            raise ValueError(
                f"shapes {a.shape} @ {b.shape}: the stacked (batch) axes "
                f"{a.shape[:-2]} and {b.shape[:-2]} do not broadcast."
            ) from None

        def backward(g):
            # Make both sides at least 2-D, as numpy did: a row on the left, a column on the right.
            a2 = a if a.ndim > 1 else a[np.newaxis, :]
            b2 = b if b.ndim > 1 else b[:, np.newaxis]
            if b.ndim == 1:
                g = g[..., np.newaxis]
            if a.ndim == 1:
                g = g[..., np.newaxis, :]
            grad_a = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
            grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape)
            return grad_a, grad_b

        return Tensor.from_op(out, (self, other), "@", backward)

    # ------------------------------------------------------------------
    # Reductions and reshaping.
    # ------------------------------------------------------------------

    def sum(self, axis=None, keepdims=False):
        """out = sum of the entries along ``axis`` (all of them by default).

        Every entry that went into a sum gets the sum's gradient (d(out)/d(entry)
        is 1), so backward spreads g back over the summed axes: the reverse
        of broadcasting.
        """
        axes = _normalize_axes(axis, self.ndim)
        shape = self.shape
        out = self.data.sum(axis=axes, keepdims=keepdims)

        def backward(g):
            if not keepdims:
                g = np.expand_dims(g, axes)  # put the summed axes back, with size 1
            return (np.broadcast_to(g, shape),)

        return Tensor.from_op(np.asarray(out), (self,), "sum", backward)

    def mean(self, axis=None, keepdims=False):
        """out = the average along ``axis``: the sum divided by how many entries were summed."""
        axes = _normalize_axes(axis, self.ndim)
        count = 1
        for a in axes:
            count *= self.shape[a]
        if count == 0:
            raise ValueError(f"mean over an empty axis (shape {self.shape}) is undefined.")
        return self.sum(axis=axes, keepdims=keepdims) * (1.0 / count)

    def reshape(self, *shape):
        """The same entries in a new shape;  backward: reshape g back."""
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        old_shape = self.shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(
                f"cannot reshape a tensor of shape {old_shape} ({self.size} entries) into "
                f"{shape}: the number of entries must stay the same."
            ) from None

        def backward(g):
            return (g.reshape(old_shape),)

        return Tensor.from_op(out, (self,), "reshape", backward)

    def __getitem__(self, index):
        """out = a[index], numpy's indexing (slices, integer arrays, masks);  backward: g goes back to
        the entries it was read from, added up where an entry was picked more than once."""
        if isinstance(index, Tensor):
            index = index.data
        a_shape = self.shape
        try:
            out = self.data[index]
        except (IndexError, TypeError) as error:
            raise IndexError(f"cannot index a tensor of shape {a_shape} with {index!r}: {error}") from None

        def backward(g):
            grad = np.zeros(a_shape)
            np.add.at(grad, index, g)  # unlike grad[index] += g, counts repeated indices every time
            return (grad,)

        return Tensor.from_op(out, (self,), "[]", backward)

    @property
    def T(self):
        """The transpose (axes reversed, as numpy's .T);  backward: transpose g back."""
        def backward(g):
            return (g.T,)

        return Tensor.from_op(self.data.T, (self,), "T", backward)

    # ------------------------------------------------------------------
    # Activation functions and friends, entry by entry.
    # ------------------------------------------------------------------

    def relu(self):
        """out = max(0, a);  d(out)/da = 1 where a > 0, else 0."""
        a = self.data

        def backward(g):
            return (g * (a > 0),)

        return Tensor.from_op(np.maximum(a, 0.0), (self,), "ReLU", backward)

    def tanh(self):
        """out = tanh(a);  d(out)/da = 1 - tanh(a) ** 2."""
        t = np.tanh(self.data)

        def backward(g):
            return (g * (1.0 - t * t),)

        return Tensor.from_op(t, (self,), "tanh", backward)

    def sigmoid(self):
        """out = 1 / (1 + e ** -a);  d(out)/da = out * (1 - out)."""
        a = self.data
        e = np.exp(-np.abs(a))  # only ever e ** (a non-positive number): no overflow
        s = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

        def backward(g):
            return (g * s * (1.0 - s),)

        return Tensor.from_op(s, (self,), "sigmoid", backward)

    def exp(self):
        """out = e ** a;  d(out)/da = e ** a (the output itself)."""
        with np.errstate(over="ignore"):  # like PyTorch: too large becomes inf
            e = np.exp(self.data)

        def backward(g):
            return (g * e,)

        return Tensor.from_op(e, (self,), "exp", backward)

    def log(self):
        """out = ln(a) for a > 0;  d(out)/da = 1 / a."""
        a = self.data
        if (a <= 0).any():
            raise ValueError(
                f"log is only defined for positive numbers; {int((a <= 0).sum())} entries are <= 0 "
                f"(the smallest is {a.min()}). Make sure the input is > 0 (add a small epsilon, or "
                f"use log_softmax / cross_entropy, which never take the log of 0)."
            )

        def backward(g):
            return (g / a,)

        return Tensor.from_op(np.log(a), (self,), "log", backward)

    # ------------------------------------------------------------------
    # Derived operations, written with the ones above.
    # ------------------------------------------------------------------

    def __neg__(self):            # -a
        return self * -1.0

    def __radd__(self, other):    # other + a
        return _as_tensor(other, "+") + self

    def __sub__(self, other):     # a - b
        return self + (-_as_tensor(other, "-"))

    def __rsub__(self, other):    # other - a
        return _as_tensor(other, "-") + (-self)

    def __rmul__(self, other):    # other * a
        return _as_tensor(other, "*") * self

    def __rtruediv__(self, other):  # other / a
        return _as_tensor(other, "/") / self

    def __rmatmul__(self, other):   # other @ a
        return _as_tensor(other, "@") @ self

    # ------------------------------------------------------------------
    # Backpropagation.
    # ------------------------------------------------------------------

    def backward(self, gradient=None):
        """Fill in ``grad`` for every tensor this one depends on.

        Usually called on a loss: a tensor with a single entry, whose
        gradient with respect to itself is 1. For any other tensor pass
        ``gradient``, an array of its shape (the gradient of whatever comes
        next with respect to this tensor).

        As with ``Value``: inner nodes start again from 0, leaves (inputs
        and parameters) accumulate, so a training step starts with
        ``zero_grad()``.
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without an argument needs a tensor with one element (a loss); "
                    f"this one has shape {self.shape}. Reduce it first (e.g. .sum() or .mean()), "
                    f"or pass backward(gradient) with an array of shape {self.shape}."
                )
            gradient = np.ones_like(self.data)
        else:
            gradient = _as_array(gradient)
            if gradient.shape != self.shape:
                raise ValueError(
                    f"backward(gradient): the gradient has shape {gradient.shape} but the "
                    f"tensor has shape {self.shape}; they must match."
                )
        topo = topological_order(self)
        for node in topo:
            if node._prev:
                node.grad = np.zeros_like(node.data)
        self.grad = self.grad + gradient  # a leaf keeps what it had
        for node in reversed(topo):
            if node._backward is None:
                continue
            grads = node._backward(node.grad)
            if not isinstance(grads, (tuple, list)) or len(grads) != len(node._prev):
                raise TypeError(
                    f"the backward rule of {node._op!r} must return a tuple with one gradient per "
                    f"input ({len(node._prev)} here; for one input write `return (grad,)`), got "
                    f"{type(grads).__name__}."
                )
            for child, child_grad in zip(node._prev, grads):
                if np.shape(child_grad) != child.data.shape:
                    raise ValueError(
                        f"the backward rule of {node._op!r} returned a gradient of shape "
                        f"{np.shape(child_grad)} for an input of shape {child.data.shape}; every "
                        f"input's gradient must have that input's shape (see unbroadcast)."
                    )
                child.grad += child_grad
