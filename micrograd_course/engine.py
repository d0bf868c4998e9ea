"""A scalar automatic-differentiation engine: the finished ``Value`` of the course.

Every ``Value`` remembers the numbers it was made from (``_prev``), the
operation that made it (``_op``) and, for each of those children, the local
derivative d(this)/d(child) at the moment it was made (``_local_grads``).
``backward()`` then walks the graph from the output back to the leaves and
applies the chain rule: ``child.grad += local_grad * node.grad``.

In the lectures each op stores a ``_backward`` closure instead. Storing the
local derivatives as plain numbers computes exactly the same gradients, but
a closure that mentions ``out`` while living on ``out`` is a reference cycle,
so every node of every training step had to wait for Python's cycle
collector. Plain numbers make no cycles: a graph is freed as soon as the loss
goes out of scope, and training runs an order of magnitude faster.
"""

import contextlib
import gc
import math
import numbers

__all__ = ["Value", "value_sum", "weighted_sum", "topological_order", "cycle_collection_paused"]

# Local-derivative tuples that many nodes share: one allocation fewer per node.
_BOTH_ONE = (1.0, 1.0)  # a + b passes the gradient through unchanged to both sides
_ONE = (1.0,)
_ZERO = (0.0,)


def _is_number(x):
    """True for ints, floats and other real numbers such as numpy's, but not bools."""
    return x.__class__ in (float, int) or (
        isinstance(x, numbers.Real) and not isinstance(x, bool)
    )


def _as_number(data):
    """Return ``data`` as a float, or raise a TypeError that says what to do."""
    if _is_number(data):
        return float(data)
    if isinstance(data, Value):
        raise TypeError(
            "Value(...) got a Value; it already is one. Use it as it is, or "
            "Value(v.data) for a new leaf with the same number."
        )
    if isinstance(data, str):
        raise TypeError(
            f"Value expects a number (int or float), got the string {data!r}. "
            f"Convert it first, e.g. Value(float({data!r}))."
        )
    raise TypeError(
        f"Value expects a number (int or float), got {type(data).__name__}: {data!r}."
    )


def _as_value(other, op):
    """Wrap a plain number so it can take part in ``op``; refuse anything else."""
    if isinstance(other, Value):
        return other
    if _is_number(other):
        return Value(float(other))
    raise TypeError(
        f"unsupported operand for {op}: Value and {type(other).__name__} "
        f"({other!r}). Only Values and plain numbers (int, float) can be combined."
    )


class Value:
    """One scalar in a computation graph, with its gradient.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad     # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)

    Attributes keep the lecture's names:
    ``data`` (the number), ``grad`` (dOutput/dThis after ``backward()``),
    ``label`` (a name for drawings), ``_prev`` (the children, in order) and
    ``_op`` (the operation that produced this value, '' for a leaf).
    """

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_local_grads")

    def __init__(self, data, _children=(), _op="", _local_grads=(), label=""):
        self.data = data if data.__class__ is float else _as_number(data)
        self.grad = 0.0
        self.label = label
        self._prev = _children if _children.__class__ is tuple else tuple(_children)
        self._op = _op
        # _local_grads[i] is d(self)/d(_prev[i]), fixed when self was computed.
        self._local_grads = _local_grads

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f}{label})"

    # ------------------------------------------------------------------
    # Basic operations. Each one computes the output and, right beside it,
    # the local derivative of the output with respect to each input.
    # ------------------------------------------------------------------

    def __add__(self, other):
        """out = a + b;  d(out)/da = 1,  d(out)/db = 1."""
        other = other if isinstance(other, Value) else _as_value(other, "+")
        return Value(self.data + other.data, (self, other), "+", _BOTH_ONE)

    def __mul__(self, other):
        """out = a * b;  d(out)/da = b,  d(out)/db = a."""
        other = other if isinstance(other, Value) else _as_value(other, "*")
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent):
        """out = a ** n for a plain number n;  d(out)/da = n * a ** (n - 1)."""
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a plain "
                "number (int or float), e.g. x ** 2. For a learnable exponent b "
                "write (b * a.log()).exp(), which is a ** b for a > 0."
            )
        if not _is_number(exponent):
            raise TypeError(
                f"the exponent must be a plain number (int or float), "
                f"got {type(exponent).__name__}: {exponent!r}."
            )
        n = float(exponent)
        try:
            data = self.data ** n
        except ZeroDivisionError:
            raise ZeroDivisionError(
                f"{self.data} ** {exponent}: zero cannot be raised to a negative power."
            ) from None
        except OverflowError:
            raise OverflowError(
                f"{self.data} ** {exponent} is too large for a float; the values "
                f"are probably diverging (try a smaller learning rate)."
            ) from None
        if isinstance(data, complex):
            raise ValueError(
                f"{self.data} ** {exponent} is not a real number: a negative base "
                f"needs a whole-number exponent."
            )
        return Value(data, (self,), f"**{exponent}", (_power_derivative(self.data, n),))

    def __rpow__(self, base):
        """out = c ** a for a plain number c > 0;  d(out)/da = c ** a * ln(c)."""
        if not _is_number(base):
            raise TypeError(
                f"number ** Value needs a plain number (int or float) as the base, "
                f"got {type(base).__name__}: {base!r}."
            )
        if base <= 0:
            raise ValueError(
                f"number ** Value needs a positive number as the base, so that "
                f"the gradient c ** a * ln(c) exists; got {base!r}."
            )
        try:
            data = base ** self.data
        except OverflowError:  # like exp: too large becomes inf
            data = math.inf
        return Value(data, (self,), f"{base}**", (data * math.log(base),))

    def __truediv__(self, other):
        """out = a / b;  d(out)/da = 1 / b,  d(out)/db = -a / b**2.

        Its own operation rather than a * b**-1: one rounding instead of two,
        so 49 / 49 is exactly 1, and no b**-2 to overflow when b is tiny.
        """
        other = other if isinstance(other, Value) else _as_value(other, "/")
        if other.data == 0:
            raise ZeroDivisionError(
                f"{self.data} / 0: dividing by a Value that is 0. Check where the "
                f"denominator comes from (add a small epsilon if it may be 0)."
            )
        data = self.data / other.data
        # -a / b**2 written as -(a / b) / b, as PyTorch does: b**2 may underflow to 0.
        return Value(data, (self, other), "/", (1.0 / other.data, -data / other.data))

    # ------------------------------------------------------------------
    # Activation functions and friends.
    # ------------------------------------------------------------------

    def relu(self):
        """out = max(0, a);  d(out)/da = 1 if a > 0 else 0.

        nan stays nan (and passes its gradient on), as in PyTorch: a run that
        has diverged must not show a tidy loss of 0.
        """
        if self.data <= 0:  # False for nan
            return Value(0.0, (self,), "ReLU", _ZERO)
        return Value(self.data, (self,), "ReLU", _ONE)

    def tanh(self):
        """out = tanh(a);  d(out)/da = 1 - tanh(a) ** 2."""
        t = math.tanh(self.data)  # math.tanh saturates to +-1, never overflows
        return Value(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self):
        """out = 1 / (1 + e ** -a);  d(out)/da = out * (1 - out)."""
        # Only ever exponentiate a non-positive number, so nothing overflows.
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        return Value(s, (self,), "sigmoid", (s * (1.0 - s),))

    def exp(self):
        """out = e ** a;  d(out)/da = e ** a (the output itself)."""
        try:
            e = math.exp(self.data)
        except OverflowError:  # like PyTorch: too large becomes inf
            e = math.inf
        return Value(e, (self,), "exp", (e,))

    def log(self):
        """out = ln(a) for a > 0;  d(out)/da = 1 / a.  (nan gives nan, as in PyTorch.)"""
        if self.data <= 0:
            raise ValueError(
                f"log is only defined for positive numbers, got {self.data}. "
                f"Make sure the input is > 0 (e.g. add a small epsilon, or use "
                f"a log-sum-exp / log-sigmoid form that never takes log of 0)."
            )
        return Value(math.log(self.data), (self,), "log", (1.0 / self.data,))

    # ------------------------------------------------------------------
    # Derived operations: written in terms of the ones above, so their
    # gradients come for free from the chain rule.
    # ------------------------------------------------------------------

    def __neg__(self):         # -a
        return self * -1

    def __radd__(self, other):  # other + a, e.g. sum() starts from 0
        return self + other

    def __sub__(self, other):  # a - b; note d/db is -1, via the * -1
        return self + (-_as_value(other, "-"))

    def __rsub__(self, other):  # other - a
        return _as_value(other, "-") + (-self)

    def __rmul__(self, other):  # other * a
        return self * other

    def __rtruediv__(self, other):  # other / a
        return _as_value(other, "/") / self

    # ------------------------------------------------------------------
    # Backpropagation.
    # ------------------------------------------------------------------

    def _backward(self):
        """Chain rule for this one node: push self.grad down to the children.

        ``backward()`` does exactly this for every node in reverse topological
        order (with the loop written out, to save a call per node); calling it
        by hand, as in the lecture, runs the same one step.
        """
        for child, local in zip(self._prev, self._local_grads):
            child.grad += local * self.grad

    def backward(self):
        """Fill in ``grad`` for every value this one depends on.

        Visits the nodes in reverse topological order, so each node passes
        its grad on only after everything that uses it has added its share.

        What is reset and what accumulates (the same as PyTorch's
        ``backward(retain_graph=True)``):

        - every inner node (one made by an operation) starts again from 0, so
          its ``grad`` afterwards is d(self)/d(node) for this call alone;
        - leaves (values you made yourself: inputs and parameters) accumulate
          with ``+=``. Calling ``backward()`` twice doubles their gradients,
          which is why a training step starts with ``zero_grad()``.

        While it runs, Python's cycle collector is paused (see
        ``cycle_collection_paused``); it is back as it was when this returns.
        """
        with cycle_collection_paused():
            topo = topological_order(self)
            for node in topo:
                if node._prev:
                    node.grad = 0.0
            self.grad += 1.0  # d(self)/d(self); a leaf keeps what it had
            for node in reversed(topo):
                grad = node.grad
                for child, local in zip(node._prev, node._local_grads):
                    child.grad += local * grad


@contextlib.contextmanager
def cycle_collection_paused():
    """Pause Python's cycle collector inside a ``with`` block, then restore it.

    Python frees most objects as soon as the last reference goes; the cycle
    collector exists for objects that refer to each other in a loop. It runs
    whenever enough new objects have been made, and then checks every
    object the program holds. The engine makes no such loops, but a
    training step makes tens of thousands of nodes, so collections keep
    firing and, in a process that holds many objects (a Jupyter kernel with
    matplotlib loaded, a test run), they cost a large part of each step. A
    graph is still freed the moment it is no longer used; only objects
    caught in loops wait until the block ends.

    ``Value.backward()`` uses it around the backward pass. Use it around a
    whole training step for more::

        with cycle_collection_paused():
            loss = loss_function(model, data)
            model.zero_grad()
            loss.backward()
            optimizer.step()

    This changes a global setting of the interpreter (``gc.disable()``) for
    the duration of the block, for every thread; it is restored even if the
    block raises.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _power_derivative(x, n):
    """n * x ** (n - 1), also where Python's own ** would raise.

    PyTorch's answers: x ** 0 is the constant 1, slope 0 (even at x = 0);
    0 ** n for 0 < n < 1 (a square root, say) has an infinite slope at 0;
    a slope too large for a float is infinite.
    """
    if n == 0:
        return 0.0
    if x == 0 and n < 1:
        return math.inf
    try:
        return n * x ** (n - 1)
    except OverflowError:
        negative = x < 0 and (n - 1) % 2 == 1  # an odd power of a negative number
        return math.copysign(math.inf, -n if negative else n)


def value_sum(terms):
    """out = t1 + t2 + ... + tn as a single node;  d(out)/dti = 1 for every i.

    The same number as Python's ``sum(terms)``, but one node instead of a
    chain of n - 1 additions: a neuron's weighted sum stays small in memory
    and in drawings. Plain numbers among the terms are wrapped as Values.
    """
    terms = tuple(terms)
    if not terms:
        raise ValueError("value_sum needs at least one term.")
    data = 0.0
    for t in terms:
        if not isinstance(t, Value):  # rare: wrap the plain numbers, then start again
            return value_sum([_as_value(t, "value_sum") for t in terms])
        data += t.data
    return Value(data, terms, "+", (1.0,) * len(terms))


WEIGHTED_SUM_OP = "w·x+b"


def weighted_sum(weights, inputs, bias):
    """out = w0*x0 + w1*x1 + ... + b as ONE node: a neuron before its activation.

    The children are the weights, then the inputs, then the bias:
    ``(w0, ..., wn-1, x0, ..., xn-1, b)``, with the local derivatives
    d(out)/dwi = xi, d(out)/dxi = wi and d(out)/db = 1. The op is "w·x+b".

    It computes the same numbers, bit for bit, as ``b + w0*x0 + w1*x1 + ...``
    built from ``*`` and ``+`` nodes (added up in that order), with one node
    where those make 2n: a training step makes a fifth of the nodes and runs
    several times faster. Plain numbers among the inputs become leaf Values.
    """
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs.")
    inputs = [x if isinstance(x, Value) else _as_value(x, WEIGHTED_SUM_OP) for x in inputs]
    return _weighted_sum_of_values(weights, inputs, bias)


def _weighted_sum_of_values(weights, inputs, bias):
    """``weighted_sum`` without the checks, for callers that already made every input a Value."""
    w_data = [w.data for w in weights]
    x_data = [x.data for x in inputs]
    data = bias.data
    for w, x in zip(w_data, x_data):  # left to right, as the chain of + nodes would
        data += w * x
    return Value(data, (*weights, *inputs, bias), WEIGHTED_SUM_OP, (*x_data, *w_data, 1.0))


def topological_order(root):
    """Every value ``root`` depends on, children before parents, ``root`` last.

    The lecture's recursive ``build_topo``, written with an explicit stack so
    that a graph of millions of nodes never hits Python's recursion limit.
    Each stack entry is a node and an iterator over the children it has not
    looked at yet; a node is finished (appended) once that iterator runs out.
    The order is deterministic: children are explored in the order stored.
    """
    topo = []
    visited = {root}
    stack = [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in visited:
                visited.add(child)
                if child._prev:  # go deeper; come back to `node` later
                    stack.append((child, iter(child._prev)))
                    break
                topo.append(child)  # a leaf is finished at once
        else:  # every child is finished
            stack.pop()
            topo.append(node)
    return topo
