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

Floating-point results follow IEEE 754 and PyTorch (float64): ``1 / 0`` is
``inf``, ``0 / 0`` and ``log(-1)`` are ``nan``, a power too large for a float
is ``inf``. Nothing raises in the middle of a diverging run; the run shows
inf and nan, as PyTorch's would. To stop at the first operation that turns
finite numbers into inf or nan, with its name and inputs in the message,
run the code inside ``with detect_anomaly():`` or call ``check_finite()`` on
a result afterwards.
"""

import copy
import gc
import math
import numbers
import threading

__all__ = [
    "Value", "value_sum", "weighted_sum", "topological_order", "cycle_collection_paused",
    "detect_anomaly", "AnomalyError",
]

_INF = math.inf
_NAN = math.nan


# ----------------------------------------------------------------------
# IEEE arithmetic where Python's own raises.
# ----------------------------------------------------------------------

def _divide(a, b):
    """a / b as IEEE 754 has it: x / 0 is +-inf, 0 / 0 and nan / 0 are nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return _NAN
        # The sign is the product of the signs, and 0.0 and -0.0 have signs too.
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _c_pow(x, n):
    """x ** n as C's pow() has it, where Python raises or returns a complex number."""
    try:
        return math.pow(x, n)
    except OverflowError:  # too large for a float: +-inf
        odd = n % 2 == 1
        return -_INF if x < 0 and odd else _INF
    except ValueError:
        if x == 0:  # 0 ** negative: inf, with the sign of 0 for an odd whole power
            return math.copysign(_INF, x) if n % 2 == 1 else _INF
        return _NAN  # a negative base with a fractional exponent


def _square_root(x):
    """sqrt(x), nan below 0 (also for -inf), and sqrt(-0.0) = -0.0."""
    return _NAN if x < 0 else math.sqrt(x)


def _power(x, n):
    """x ** n for floats, as PyTorch computes a tensor to a number's power.

    PyTorch uses x * x for n = 2, x * x * x for n = 3, 1 / x for n = -1,
    1 / (x * x) for n = -2, a square root for n = 0.5 and 1 / sqrt for
    n = -0.5, and C's pow() otherwise. The answers differ at the edges:
    (-inf) ** 0.5 is nan (a square root), pow() says inf; 1e155 ** -2 is 0
    (x * x overflows), pow() says 1e-310.
    """
    if n == 2:
        return x * x
    if n == 3:
        return x * x * x
    if n == 0.5:
        return _square_root(x)
    if n == -0.5:
        return _divide(1.0, _square_root(x))
    if n == -1:
        return _divide(1.0, x)
    if n == -2:
        return _divide(1.0, x * x)
    return _c_pow(x, n)


def _isfinite(x):
    return x - x == 0.0  # False for inf (inf - inf is nan) and for nan


# ----------------------------------------------------------------------
# Two kinds of local derivative that are still floats, but apply
# themselves to the upstream gradient the way PyTorch does.
# ----------------------------------------------------------------------

class _Reciprocal(float):
    """The local derivative 1 / d, applied as ``upstream / d`` instead of ``(1 / d) * upstream``.

    For a tiny d (|d| < 5.6e-309, a subnormal), 1 / d overflows to inf, and inf * 0
    is nan; 0 / d is 0. So ``(a / b) * 0`` gives ``a`` the gradient 0, as in
    PyTorch, and a small upstream gradient over a tiny d stays finite. As a
    number (in drawings, the stepper) it is 1 / d.
    """

    __slots__ = ("denominator",)

    def __new__(cls, denominator):
        self = float.__new__(cls, _divide(1.0, denominator))
        self.denominator = denominator
        return self

    def __mul__(self, upstream):
        return _divide(upstream, self.denominator)

    __rmul__ = __mul__

    def __reduce__(self):
        return (_Reciprocal, (self.denominator,))


class _Blocked(float):
    """The local derivative 0 of relu (input <= 0) and of x ** 0: nothing passes, ever.

    Multiplying would give 0 * inf = nan for an infinite upstream gradient;
    PyTorch selects 0 instead, and so does this.
    """

    __slots__ = ()

    def __mul__(self, upstream):
        return 0.0

    __rmul__ = __mul__

    def __reduce__(self):
        return "_BLOCKED"  # the one instance below, by name


_BLOCKED = _Blocked(0.0)

# Local-derivative tuples that many nodes share: one allocation fewer per node.
_BOTH_ONE = (1.0, 1.0)  # a + b passes the gradient through unchanged to both sides
_ONE = (1.0,)
_NONE_PASSES = (_BLOCKED,)


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
    if isinstance(data, (list, tuple)):
        raise TypeError(
            f"Value holds one number, got a {type(data).__name__} of {len(data)}: {data!r}. "
            f"Make one Value per number, e.g. [Value(x) for x in {data!r}]."
        )
    if hasattr(data, "shape"):  # a numpy array or a Tensor
        raise TypeError(
            f"Value holds one number, got {type(data).__name__} of shape {tuple(data.shape)}. "
            "For arrays use micrograd_course.tensor.Tensor; for one element, Value(float(x))."
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
    if type(other).__module__.startswith("micrograd_course.tensor"):
        raise TypeError(
            f"unsupported operand for {op}: Value and Tensor. The two engines do not mix: "
            "wrap the number as a Tensor (Tensor(value.data)) or keep to Values."
        )
    raise TypeError(
        f"unsupported operand for {op}: Value and {type(other).__name__} "
        f"({other!r}). Only Values and plain numbers (int, float) can be combined."
    )


def _data_of(other):
    """The number to compare with: a Value's data or a plain number; None for anything else."""
    if isinstance(other, Value):
        return other.data
    if _is_number(other):
        return other
    return None


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

    Comparing: ``<``, ``<=``, ``>`` and ``>=`` compare ``data`` (with another
    Value or a plain number) and return a bool, so ``if loss < best:`` works;
    they are not operations of the graph and have no gradient. ``==`` is
    identity, as for any Python object: ``Value(1.0) == Value(1.0)`` is False,
    and that is what lets Values be keys of dicts and members of sets (the
    backward pass keeps its visited nodes in a set). Compare ``a.data == b.data``
    for the numbers.
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
        """out = a ** n for a plain number n;  d(out)/da = n * a ** (n - 1).

        As in PyTorch: 0 ** -1 is inf, (-8) ** (1/3) is nan (a negative base
        needs a whole-number exponent), 1e200 ** 2 is inf; x ** 0 is the
        constant 1, whose slope 0 blocks even an infinite upstream gradient.
        """
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
        x = self.data
        slope = _BLOCKED if n == 0 else n * _power(x, n - 1)
        return Value(_power(x, n), (self,), f"**{exponent}", (slope,))

    def __rpow__(self, base):
        """out = c ** a for a plain number c;  d(out)/da = c ** a * ln(c).

        A base c <= 0 gives what PyTorch gives: (-2) ** 1 is -2, but its slope
        needs ln(c), which is nan for c < 0 (the slope at c = 0 is 0 for a >= 0).
        """
        if not _is_number(base):
            raise TypeError(
                f"number ** Value needs a plain number (int or float) as the base, "
                f"got {type(base).__name__}: {base!r}."
            )
        c = float(base)
        data = _c_pow(c, self.data)
        if c > 0:
            slope = data * math.log(c)
        elif c == 0:
            slope = 0.0 if self.data >= 0 else data * -_INF
        else:
            slope = _NAN
        return Value(data, (self,), f"{base}**", (slope,))

    def __truediv__(self, other):
        """out = a / b;  d(out)/da = 1 / b,  d(out)/db = -a / b**2.

        Its own operation rather than a * b**-1: one rounding instead of two,
        so 49 / 49 is exactly 1, and no b**-2 to overflow when b is tiny.
        Dividing by 0 gives inf (or nan for 0 / 0), as in PyTorch.
        """
        other = other if isinstance(other, Value) else _as_value(other, "/")
        b = other.data
        try:
            data = self.data / b
        except ZeroDivisionError:
            data = _divide(self.data, b)
        # -a / b**2 written as -(a / b) / b, as PyTorch does: b**2 may underflow to 0.
        return Value(data, (self, other), "/", (_Reciprocal(b), _divide(-data, b)))

    # ------------------------------------------------------------------
    # Activation functions and friends.
    # ------------------------------------------------------------------

    def relu(self):
        """out = max(0, a);  d(out)/da = 1 if a > 0 else 0.

        nan stays nan (and passes its gradient on), as in PyTorch: a run that
        has diverged must not show a tidy loss of 0. relu(-0.0) is -0.0.
        """
        x = self.data
        if x <= 0:  # False for nan
            return Value(x if x == 0 else 0.0, (self,), "ReLU", _NONE_PASSES)
        return Value(x, (self,), "ReLU", _ONE)

    def tanh(self):
        """out = tanh(a);  d(out)/da = 1 - tanh(a) ** 2."""
        t = math.tanh(self.data)  # math.tanh saturates to +-1, never overflows
        return Value(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self):
        """out = 1 / (1 + e ** -a);  d(out)/da = out * (1 - out).

        Computed as PyTorch does, bit for bit: below a = -709, e ** -a is too
        large for a float, becomes inf, and out is 0.
        """
        try:
            s = 1.0 / (1.0 + math.exp(-self.data))
        except OverflowError:
            s = 0.0
        return Value(s, (self,), "sigmoid", (s * (1.0 - s),))

    def exp(self):
        """out = e ** a;  d(out)/da = e ** a (the output itself)."""
        try:
            e = math.exp(self.data)
        except OverflowError:  # like PyTorch: too large becomes inf
            e = _INF
        return Value(e, (self,), "exp", (e,))

    def log(self):
        """out = ln(a);  d(out)/da = 1 / a.

        As in PyTorch: log(0) is -inf (with the slope inf), log of a negative
        number is nan. The gradient is applied as upstream / a, so a zero
        upstream gradient stays 0 even when a is tiny.
        """
        x = self.data
        if x > 0:
            out = math.log(x)
        else:
            out = -_INF if x == 0 else _NAN
        return Value(out, (self,), "log", (_Reciprocal(x),))

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
    # Comparisons: of the numbers, not graph operations. == stays identity.
    # ------------------------------------------------------------------

    def __lt__(self, other):
        x = _data_of(other)
        return NotImplemented if x is None else self.data < x

    def __le__(self, other):
        x = _data_of(other)
        return NotImplemented if x is None else self.data <= x

    def __gt__(self, other):
        x = _data_of(other)
        return NotImplemented if x is None else self.data > x

    def __ge__(self, other):
        x = _data_of(other)
        return NotImplemented if x is None else self.data >= x

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
        """Add d(self)/d(node) to ``grad`` of every value this one depends on.

        Visits the nodes in reverse topological order, so each node passes
        its grad on only after everything that uses it has added its share.

        Every ``grad`` accumulates with ``+=``, leaves and inner nodes alike:
        the same as PyTorch's ``backward(retain_graph=True)`` with
        ``retain_grad()`` on every inner node. Calling ``backward()`` twice
        doubles every gradient, which is why a training step starts with
        ``zero_grad()``; two outputs that share a node add both their shares
        into it. Each call computes its own pass from scratch: what a node
        had before the call is put aside and added back at the end, so it is
        never pushed down to the children a second time.

        While it runs, Python's cycle collector is paused (see
        ``cycle_collection_paused``); it is back as it was when this returns.
        """
        with _GC_PAUSE:
            topo = topological_order(self)
            # Inner nodes that already hold a gradient (an earlier call): set it aside.
            earlier = [(node, node.grad) for node in topo if node._prev and node.grad]
            for node, _ in earlier:
                node.grad = 0.0
            self.grad += 1.0  # d(self)/d(self)
            for node in reversed(topo):
                grad = node.grad
                for child, local in zip(node._prev, node._local_grads):
                    child.grad += local * grad
            for node, grad in earlier:
                node.grad += grad

    # ------------------------------------------------------------------
    # Finding where inf or nan first appeared.
    # ------------------------------------------------------------------

    def check_finite(self):
        """Raise ``AnomalyError`` at the first inf or nan in this graph; return self if none.

        Looks at the values from the leaves up: the first operation whose
        result is inf or nan although its inputs were finite is named in the
        message, with its inputs. Then at the gradients (after ``backward()``),
        from this value down: the first place where a finite gradient turns
        into inf or nan. A leaf that is itself inf or nan is reported too.
        """
        topo = topological_order(self)
        for node in topo:
            if not _isfinite(node.data):
                if not node._prev:
                    raise AnomalyError(f"the input {node!r} is {node.data} already.")
                if all(_isfinite(child.data) for child in node._prev):
                    raise AnomalyError(_forward_anomaly(node))
        for node in reversed(topo):
            _check_gradient_step(node, after_the_fact=True)
        return self

    # ------------------------------------------------------------------
    # Copying and pickling, without recursion: a chain of a million nodes
    # would overflow Python's stack in the default ones.
    # ------------------------------------------------------------------

    def __copy__(self):
        """A new node with the same numbers and the same children (not copies of them)."""
        twin = Value.__new__(Value)
        _set_fields(twin, self.data, self.grad, self.label, self._op, self._local_grads, self._prev)
        return twin

    def __deepcopy__(self, memo):
        """A copy of the whole graph below this value, children before parents (no recursion).

        Nodes already copied in the same ``deepcopy`` call (``memo``) are
        reused, so shared nodes stay shared, as ``copy.deepcopy`` promises.
        """
        for node in topological_order(self):
            if id(node) in memo:
                continue
            twin = Value.__new__(Value)
            children = tuple(memo[id(child)] for child in node._prev)
            _set_fields(twin, node.data, node.grad, copy.deepcopy(node.label, memo),
                        node._op, node._local_grads, children)
            memo[id(node)] = twin
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        """How ``pickle`` stores a Value: its fields, and first the nodes below it.

        pickle stores an object's children inside the object, one level of
        recursion each, so a deep chain would exceed the recursion limit. The
        first Value pickled therefore lists every node below it, children
        first: when pickle reaches a node, its children are stored already
        and are referred to, not descended into.
        """
        pending = _pending_pickles()
        if id(self) in pending:  # listed by a node above: its children are stored
            pending.discard(id(self))
            below = ()
        else:
            pending.clear()
            below = topological_order(self)[:-1] if self._prev else ()
            pending.update(map(id, below))
        # `below` comes first: pickle stores a tuple's items in order.
        state = (below, self.data, self.grad, self.label, self._op, self._local_grads, self._prev)
        return (_blank_value, (), state)

    def __setstate__(self, state):
        _set_fields(self, *state[1:])


def _blank_value():
    return Value.__new__(Value)


def _set_fields(node, data, grad, label, op, local_grads, prev):
    node.data, node.grad, node.label = data, grad, label
    node._op, node._local_grads, node._prev = op, local_grads, prev


_pickling = threading.local()


def _pending_pickles():
    """Ids of the nodes that the Value being pickled in this thread has listed below it."""
    try:
        return _pickling.pending
    except AttributeError:
        _pickling.pending = set()
        return _pickling.pending


# ----------------------------------------------------------------------
# Process-wide switches that nest and are safe to flip from several threads.
# ----------------------------------------------------------------------

class _NestedSwitch:
    """A ``with`` block that turns something on at the first entry and off at the last exit.

    A lock guards a depth counter: however the ``with`` blocks of different
    threads interleave, ``turn_on`` runs when the depth goes from 0 to 1 and
    ``turn_off`` when it comes back to 0, with what ``turn_on`` returned.
    """

    def __init__(self, turn_on, turn_off):
        self._turn_on, self._turn_off = turn_on, turn_off
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = None

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._saved = self._turn_on()
            self._depth += 1
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self._turn_off(self._saved)
        return False


def _pause_collector():
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def _restore_collector(was_enabled):
    if was_enabled:
        gc.enable()


_GC_PAUSE = _NestedSwitch(_pause_collector, _restore_collector)


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

    The collector is a setting of the whole interpreter (``gc.disable()``),
    shared by every thread. The blocks nest and may overlap across threads:
    a lock and a count of open blocks make the collector come back exactly
    when the last open block ends (even if it raises), and only if it was
    enabled when the first one began.
    """
    return _GC_PAUSE


# ----------------------------------------------------------------------
# Anomaly detection: an early, clear error, for those who ask for it.
# ----------------------------------------------------------------------

class AnomalyError(FloatingPointError):
    """An operation turned finite numbers into inf or nan (raised only when asked for)."""


_DIVERGING = ("too large for a float; the values are probably diverging "
              "(try a smaller learning rate).")


def _show(x):
    """A number for a message: at most 6 significant digits."""
    return f"{x:.6g}"


def _formula(node):
    """The operation and its inputs as a formula, e.g. '1 / 0' or 'log(-1)'."""
    op, xs = node._op, [_show(c.data) for c in node._prev]
    if op in ("+", "*", "/") and len(xs) == 2:
        return f"{xs[0]} {op} {xs[1]}"
    if op == "+":
        return "sum(" + ", ".join(xs) + ")"
    if op.startswith("**"):
        base = xs[0] if node._prev[0].data >= 0 else f"({xs[0]})"
        return f"{base} {op[:2]} {op[2:]}"
    if op.endswith("**"):
        return f"{op[:-2]} ** {xs[0]}"
    return f"{op}(" + ", ".join(xs) + ")"


def _why(node):
    """What made ``node`` (with finite inputs) inf or nan, and what to do about it."""
    op, xs = node._op, [c.data for c in node._prev]
    if op == "/" and xs[1] == 0:
        return ("dividing by a Value that is 0. Check where the denominator comes from "
                "(add a small epsilon if it may be 0).")
    if op == "log":
        return ("log is only defined for positive numbers. Make sure the input is > 0 "
                "(e.g. add a small epsilon, or use a log-sum-exp / log-sigmoid form that "
                "never takes log of 0).")
    powers = op.startswith("**") or op.endswith("**")
    if powers and xs[0] == 0 and op.startswith("**"):
        return "zero cannot be raised to a negative power."
    if powers and node.data != node.data:  # nan from finite numbers: a negative base
        return ("not a real number: a negative base needs a whole-number exponent "
                "(and the slope of c ** a, c ** a * ln(c), needs c > 0).")
    return _DIVERGING


def _forward_anomaly(node):
    return f"{_formula(node)} = {node.data} (op {node._op!r}): {_why(node)}"


def _check_gradient_step(node, after_the_fact=False):
    """Raise if pushing node's finite gradient down makes an inf or nan.

    ``after_the_fact`` (for ``check_finite``): only where the child's grad
    shows it, so a graph that never ran ``backward()`` (all grads 0) passes.
    """
    grad = node.grad
    if not _isfinite(grad):
        return
    for i, (child, local) in enumerate(zip(node._prev, node._local_grads)):
        if after_the_fact and _isfinite(child.grad):
            continue
        if not _isfinite(local * grad):
            raise AnomalyError(
                f"backward through {_formula(node)} (op {node._op!r}): the gradient {grad:.6g} "
                f"times the local derivative d(out)/d(input {i}) = {float(local)} gives "
                f"{local * grad}. The forward pass was finite here; the slope is not "
                f"(e.g. sqrt or log at 0, or an overflow).")


def _checked_init(self, data, _children=(), _op="", _local_grads=(), label=""):
    _plain_init(self, data, _children, _op, _local_grads, label)
    if (self._prev and not _isfinite(self.data)
            and all(_isfinite(child.data) for child in self._prev)):
        raise AnomalyError(_forward_anomaly(self))


def _checked_backward(self):
    """``backward()`` that checks every step of the chain rule on the way down."""
    with _GC_PAUSE:
        topo = topological_order(self)
        earlier = [(node, node.grad) for node in topo if node._prev and node.grad]
        for node, _ in earlier:
            node.grad = 0.0
        self.grad += 1.0
        for node in reversed(topo):
            _check_gradient_step(node)
            node._backward()
        for node, grad in earlier:
            node.grad += grad


_plain_init = Value.__init__
_plain_backward = Value.backward


def _anomaly_on():
    Value.__init__ = _checked_init
    Value.backward = _checked_backward


def _anomaly_off(_):
    Value.__init__ = _plain_init
    Value.backward = _plain_backward


_ANOMALY = _NestedSwitch(_anomaly_on, _anomaly_off)


def detect_anomaly():
    """Inside ``with detect_anomaly():``, stop at the first op that makes inf or nan.

    Without it, the engine does what PyTorch does: ``Value(1) / 0`` is inf,
    ``Value(0).log()`` is -inf, and a diverging run goes on with inf and nan.
    With it, an operation whose inputs are finite but whose result is not
    raises ``AnomalyError`` naming the operation, its inputs and a likely fix::

        with detect_anomaly():
            Value(1.0) / Value(0.0)
        # AnomalyError: 1 / 0 = inf (op '/'): dividing by a Value that is 0. ...

    and ``backward()`` checks each step of the chain rule the same way. It
    costs time, so it is off by default (like PyTorch's
    ``torch.autograd.detect_anomaly``). It is a switch of the whole
    interpreter, for every thread, while any such block is open; the blocks
    nest. ``value.check_finite()`` makes the same search afterwards.
    """
    return _ANOMALY


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
