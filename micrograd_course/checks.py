"""Self-checks for the exercises: a friendly pass, or a hint that says what went wrong.

Each ``check_...`` function runs the student's code on a few inputs and
prints one line that starts with ``PASS`` or ``FAIL``, the exercise number
and its title, then a hint: which input, what was expected, what came back.
It never lets an exception escape, so a notebook keeps running.
The grader (``micrograd_course.grade``) reads those lines back.
"""

import math
import traceback

from .engine import Value as _ReferenceValue

# Exercise id -> (title, points). The first number is the notebook.
EXERCISES = {}
# Exercise id -> the check's call, e.g. "check_add(Value)": the names it takes from the
# notebook. The grader makes these calls itself, after the student's code has run.
CALLS = {}

PASS, FAIL = "PASS", "FAIL"


class _Hint(Exception):
    """Raised inside a check to stop at the first problem, with a message for the student."""


def result_line(exercise, passed, detail=""):
    title, points = EXERCISES[exercise]
    earned = points if passed else 0
    mark = PASS if passed else FAIL
    line = f"{mark} Exercise {exercise} ({title}) [{earned}/{points} points]"
    return f"{line}: {detail}" if detail else line


def _exercise(exercise, title, points=1, args=()):
    """Register a check; its body raises _Hint(message) at the first wrong answer.

    ``args`` names the notebook variables the check is called with.
    """
    EXERCISES[exercise] = (title, points)

    def decorate(check):
        CALLS[exercise] = f"{check.__name__}({', '.join(args)})"

        def run(*args, **kwargs):
            if any(arg is None for arg in args):
                print(result_line(exercise, False, "not done yet: an answer is still None; "
                                  "fill it in in the cell above."))
                return
            try:
                check(*args, **kwargs)
            except _Hint as hint:
                print(result_line(exercise, False, str(hint)))
            except NotImplementedError:
                print(result_line(exercise, False, "not done yet: replace the "
                                  "`raise NotImplementedError` in the cell above with your code."))
            except Exception as error:  # the student's code crashed: say where, briefly
                where = traceback.extract_tb(error.__traceback__)[-1]
                print(result_line(exercise, False, f"your code raised {type(error).__name__}: {error} "
                                  f"(line {where.lineno}: {where.line!r})"))
            else:
                print(result_line(exercise, True, "well done."))

        run.__name__ = check.__name__
        run.__doc__ = check.__doc__
        return run

    return decorate


def _close(got, expected, tol=1e-6):
    try:
        return math.isclose(float(got), float(expected), rel_tol=tol, abs_tol=tol)
    except (TypeError, ValueError):
        return False


def _expect(what, got, expected, tol=1e-6):
    if not _close(got, expected, tol):
        raise _Hint(f"{what}: expected {expected!r}, got {got!r}.")


def _data(v):
    return v.data if hasattr(v, "data") else v


# ----------------------------------------------------------------------
# Notebook 1: derivatives by intuition.
# ----------------------------------------------------------------------

@_exercise("1.1", "slope by a small nudge", args=("slope",))
def check_slope(slope):
    f = lambda x: 3 * x ** 2 - 4 * x + 5  # noqa: E731
    for x, h in [(3.0, 1e-6), (-2.0, 1e-6), (0.0, 0.5)]:
        expected = (f(x + h) - f(x)) / h
        _expect(f"slope(f, {x}, h={h})", slope(f, x, h), expected, 1e-9)


@_exercise("1.2", "partial derivatives of d = a*b + c", args=("dd_da", "dd_db", "dd_dc"))
def check_partials(dd_da, dd_db, dd_dc):
    _expect("dd/da (it is b)", dd_da, -3.0)
    _expect("dd/db (it is a)", dd_db, 2.0)
    _expect("dd/dc", dd_dc, 1.0)


@_exercise("1.3", "central difference", args=("central_slope",))
def check_central_slope(central_slope):
    f = lambda x: x ** 3  # noqa: E731
    _expect("central_slope(x**3, 2.0, h=0.1)", central_slope(f, 2.0, 0.1), (2.1 ** 3 - 1.9 ** 3) / 0.2, 1e-12)
    error = abs(central_slope(f, 2.0, 1e-3) - 12.0)
    if error > 1e-5:
        raise _Hint(f"with h=1e-3 the error should be about h**2 = 1e-6, yours is {error:.2e}.")


# ----------------------------------------------------------------------
# Notebook 2: growing Value.
# ----------------------------------------------------------------------

def _make(Value, x, label=""):
    try:
        return Value(x, label=label)
    except TypeError:
        return Value(x)


@_exercise("2.1", "Value.__add__", args=("Value",))
def check_add(Value):
    a, b = _make(Value, 2.0), _make(Value, -3.5)
    out = a + b
    if not hasattr(out, "data"):
        raise _Hint(f"a + b should return a Value, got {type(out).__name__}.")
    _expect("Value(2.0) + Value(-3.5)", out.data, -1.5)
    if out is a or out is b:
        raise _Hint("a + b must return a new Value, not change an input.")
    _expect("a.data after a + b (inputs must not change)", a.data, 2.0)


@_exercise("2.2", "Value.__mul__ with children and op", args=("Value",))
def check_mul(Value):
    a, b = _make(Value, 2.0), _make(Value, -3.0)
    out = a * b
    _expect("Value(2.0) * Value(-3.0)", _data(out), -6.0)
    prev = getattr(out, "_prev", None)
    if prev is None or set(prev) != {a, b}:
        raise _Hint("out._prev should hold the two inputs (a, b).")
    if getattr(out, "_op", None) != "*":
        raise _Hint(f"out._op should be '*', got {getattr(out, '_op', None)!r}.")


@_exercise("2.3", "Value.relu", args=("Value",))
def check_relu(Value):
    for x, expected in [(3.0, 3.0), (-2.0, 0.0), (0.0, 0.0)]:
        out = _make(Value, x).relu()
        _expect(f"Value({x}).relu()", _data(out), expected)
        if getattr(out, "_op", None) not in ("ReLU", "relu"):
            raise _Hint(f"the op of relu's output should be 'ReLU', got {getattr(out, '_op', None)!r}.")


@_exercise("2.4", "collect the leaves of a graph", args=("leaf_labels",))
def check_leaves(leaf_labels):
    V = _ReferenceValue
    a, b, c, f = V(2.0, label="a"), V(-3.0, label="b"), V(10.0, label="c"), V(-2.0, label="f")
    L = (a * b + c) * f
    got = leaf_labels(L)
    if sorted(got) != ["a", "b", "c", "f"]:
        raise _Hint(f"for L = (a*b + c)*f the leaves are a, b, c, f; got {got!r}.")
    twice = a * a
    got = leaf_labels(twice)
    if list(got) != ["a"]:
        raise _Hint(f"for a*a the only leaf is a, listed once; got {got!r}.")


# ----------------------------------------------------------------------
# Notebook 3: backprop by hand.
# ----------------------------------------------------------------------

@_exercise("3.1", "gradients of L = (a*b + c)*f by hand", points=2, args=("grads",))
def check_manual_grads(grads):
    expected = {"L": 1.0, "d": -2.0, "f": 4.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}
    for name, value in expected.items():
        if name not in grads:
            raise _Hint(f"no entry for {name!r}; fill in every gradient.")
        if not _close(grads[name], value):
            rule = {"d": "dL/dd = f", "f": "dL/df = d", "c": "plus passes the gradient on: dL/dc = dL/dd",
                    "e": "dL/de = dL/dd", "a": "dL/da = dL/de * b", "b": "dL/db = dL/de * a", "L": "dL/dL"}
            raise _Hint(f"dL/d{name} should be {value}, got {grads[name]!r} (hint: {rule[name]}).")


@_exercise("3.2", "a neuron's gradients by hand", points=2, args=("neuron_grads",))
def check_neuron_grads(grads):
    expected = {"n": 0.5, "b": 0.5, "x1w1": 0.5, "x2w2": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for name, value in expected.items():
        if name not in grads:
            raise _Hint(f"no entry for {name!r}.")
        if not _close(grads[name], value, 1e-4):
            raise _Hint(f"do/d{name} should be about {value}, got {grads[name]!r} "
                        f"(hint: do/dn = 1 - o**2, then follow the chain rule).")


@_exercise("3.3", "one gradient step", args=("step",))
def check_gradient_step(step):
    V = _ReferenceValue
    a, b = V(2.0), V(-3.0)
    a.grad, b.grad = 0.5, -1.0
    step([a, b], 0.1)
    _expect("a.data after a step with grad 0.5 and learning rate 0.1 (move against the gradient)",
            a.data, 1.95)
    _expect("b.data after a step with grad -1.0 and learning rate 0.1", b.data, -2.9)
    _expect("a.grad (a step changes data, not grad)", a.grad, 0.5)


# ----------------------------------------------------------------------
# Notebook 4: automatic backprop.
# ----------------------------------------------------------------------

def _grad_of(op, *xs, Value):
    leaves = [Value(x) for x in xs]
    out = op(*leaves)
    out.grad = 1.0
    out._backward()
    return out, [leaf.grad for leaf in leaves]


@_exercise("4.1", "_backward of mul", args=("Value",))
def check_mul_backward(Value):
    out, (ga, gb) = _grad_of(lambda a, b: a * b, 3.0, -4.0, Value=Value)
    _expect("a.grad for a*b with a=3, b=-4 (it is b * out.grad)", ga, -4.0)
    _expect("b.grad (it is a * out.grad)", gb, 3.0)
    a = Value(2.0)
    out = a * a
    out.grad = 1.0
    out._backward()
    _expect("a.grad for a*a (use +=: a is both inputs)", a.grad, 4.0)


@_exercise("4.2", "_backward of tanh", args=("Value",))
def check_tanh_backward(Value):
    for x in (0.0, 0.8813735870195432, -2.0):
        _, (g,) = _grad_of(lambda a: a.tanh(), x, Value=Value)
        _expect(f"grad of tanh at {x} (it is 1 - tanh(x)**2)", g, 1 - math.tanh(x) ** 2)


@_exercise("4.3", "_backward of pow", args=("Value",))
def check_pow_backward(Value):
    for x, n in [(3.0, 2), (2.0, -1), (4.0, 0.5)]:
        _, (g,) = _grad_of(lambda a: a ** n, x, Value=Value)
        _expect(f"grad of x**{n} at x={x} (it is n * x**(n-1))", g, n * x ** (n - 1))


@_exercise("4.5", "division from mul and pow", args=("Value",))
def check_div_backward(Value):
    a, b = Value(3.0), Value(-2.0)
    out = a / b
    out.backward()
    _expect("a.grad for a/b at a=3, b=-2 (it is 1/b)", a.grad, -0.5)
    _expect("b.grad (it is -a/b**2)", b.grad, -0.75)


@_exercise("4.4", "backward() with a topological sort", points=2, args=("Value",))
def check_backward(Value):
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    _expect("f.grad (backward must seed it with 1)", f.grad, 1.0)
    _expect("a.grad for f = (a*b)*(a+b) at a=-2, b=3", a.grad, -3.0)
    _expect("b.grad", b.grad, -8.0)
    x = Value(0.5)
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0
    try:
        y.backward()
    except RecursionError:
        raise _Hint("a 3,000-node chain hit the recursion limit: build the order with a loop and a stack.") from None
    _expect("x.grad at the end of a 3,000-node chain", x.grad, 1.0)


@_exercise("4.6", "find the bug in __sub__", args=("Value",))
def check_sub_fixed(Value):
    a, b = Value(5.0), Value(3.0)
    out = a - b
    _expect("Value(5) - Value(3)", out.data, 2.0)
    out.backward()
    _expect("a.grad for a - b", a.grad, 1.0)
    _expect("b.grad for a - b (the bug made this +1)", b.grad, -1.0)


@_exercise("4.7", "exp and sigmoid with gradients", points=2, args=("Value",))
def check_exp_sigmoid(Value):
    for x in (-1.5, 0.0, 2.0):
        out, (g,) = _grad_of(lambda a: a.exp(), x, Value=Value)
        _expect(f"Value({x}).exp().data", out.data, math.exp(x))
        _expect(f"grad of exp at {x} (it is exp(x))", g, math.exp(x))
        s = 1 / (1 + math.exp(-x))
        out, (g,) = _grad_of(lambda a: a.sigmoid(), x, Value=Value)
        _expect(f"Value({x}).sigmoid().data", out.data, s)
        _expect(f"grad of sigmoid at {x} (it is s * (1 - s))", g, s * (1 - s))
    try:
        big = Value(-800.0).sigmoid().data
    except OverflowError:
        raise _Hint("sigmoid(-800) overflowed: for negative x use e**x / (1 + e**x).") from None
    _expect("sigmoid(-800)", big, 0.0)


# ----------------------------------------------------------------------
# Notebook 5: neural networks.
# ----------------------------------------------------------------------

@_exercise("5.1", "Neuron forward pass", args=("Neuron",))
def check_neuron(Neuron):
    n = Neuron(3)
    for i, w in enumerate(n.w):
        w.data = [0.5, -1.0, 2.0][i]
    n.b.data = 0.1
    out = n([1.0, 2.0, 3.0])
    _expect("tanh(0.5*1 - 1*2 + 2*3 + 0.1)", _data(out), math.tanh(4.6))
    out.backward()
    _expect("grad of w[0] (it is x[0] * (1 - out**2))", n.w[0].grad, 1.0 * (1 - math.tanh(4.6) ** 2))


@_exercise("5.2", "count an MLP's parameters", args=("count_parameters",))
def check_count(count_parameters):
    for nin, nouts, expected in [(3, [4, 4, 1], 41), (2, [16, 16, 1], 337), (1, [1], 2)]:
        got = count_parameters(nin, nouts)
        if got != expected:
            raise _Hint(f"count_parameters({nin}, {nouts}) should be {expected} "
                        f"(each neuron has nin weights and 1 bias); got {got!r}.")


@_exercise("5.3", "mean squared error", args=("mse",))
def check_mse(mse):
    V = _ReferenceValue
    preds = [V(1.0), V(-0.5), V(2.0)]
    loss = mse(preds, [1.0, 0.5, 0.0])
    _expect("mse([1, -0.5, 2], [1, 0.5, 0])", _data(loss), (0 + 1 + 4) / 3)
    loss.backward()
    _expect("grad of the second prediction (it is 2*(p - y)/n)", preds[1].grad, 2 * (-1.0) / 3)


@_exercise("5.4", "a training loop that works", points=2, args=("train",))
def check_training(train):
    losses = train()
    if not losses or len(losses) < 2:
        raise _Hint("train() should return the list of losses, one per step.")
    if not losses[-1] < 0.05:
        raise _Hint(f"the final loss is {losses[-1]:.4f}; it should get below 0.05. "
                    f"Did you zero the gradients every step, and step against the gradient?")
    if not losses[-1] < losses[0]:
        raise _Hint("the loss went up: the update should be p.data -= lr * p.grad.")


# ----------------------------------------------------------------------
# Notebook 6: training well.
# ----------------------------------------------------------------------

@_exercise("6.1", "a learning rate that converges fast", args=("lr",))
def check_learning_rate(lr):
    x = -1.0
    for _ in range(20):
        x -= lr * (6 * x - 4)
    if not math.isfinite(x) or abs(x - 2 / 3) > 1e-3:
        raise _Hint(f"with lr={lr!r}, 20 steps from x=-1 end at x={x:.4g}, not 2/3. "
                    f"Too small crawls, above 1/3 diverges.")


@_exercise("6.2", "train/test split", args=("split",))
def check_split(split):
    import numpy as np

    xs = np.arange(20.0).reshape(10, 2)
    ys = np.arange(10.0)
    x_train, x_test, y_train, y_test = split(xs, ys, test_fraction=0.3, seed=0)
    if len(x_test) != 3 or len(x_train) != 7:
        raise _Hint(f"10 samples with test_fraction=0.3 should split 7/3, got {len(x_train)}/{len(x_test)}.")
    if sorted(np.concatenate([y_train, y_test]).tolist()) != ys.tolist():
        raise _Hint("every sample must land in exactly one of train and test.")
    for x, y in zip(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])):
        if x[0] != 2 * y:
            raise _Hint("inputs and targets got separated: shuffle them with the same permutation.")
    again = split(xs, ys, test_fraction=0.3, seed=0)
    if not np.array_equal(again[3], y_test):
        raise _Hint("the same seed must give the same split (use np.random.default_rng(seed)).")
    if np.array_equal(y_test, ys[-3:]) and np.array_equal(split(xs, ys, 0.3, seed=1)[3], y_test):
        raise _Hint("the split is not shuffled: use a random permutation.")


@_exercise("6.3", "fit the quadratic with an MLP", points=2, args=("test_loss",))
def check_quadratic_fit(test_loss):
    if not isinstance(test_loss, (int, float)) or not math.isfinite(test_loss):
        raise _Hint(f"test_loss should be a number, got {test_loss!r}.")
    if test_loss > 0.5:
        raise _Hint(f"the test loss is {test_loss:.3f}; get it below 0.5 "
                    f"(more steps, a tanh hidden layer, or a smaller learning rate).")



# ----------------------------------------------------------------------
# Notebook 7: what one neuron cannot do.
# ----------------------------------------------------------------------

def _step(z):
    return 1 if z > 0 else 0


def _truth_table(gate):
    return [gate(x1, x2) for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]]


@_exercise("7.1", "OR and NAND with one step neuron", args=("or_weights", "nand_weights"))
def check_gate_weights(or_weights, nand_weights):
    for name, weights, expected in [("OR", or_weights, [0, 1, 1, 1]), ("NAND", nand_weights, [1, 1, 1, 0])]:
        try:
            w1, w2, b = weights
        except (TypeError, ValueError):
            raise _Hint(f"{name} weights should be three numbers (w1, w2, b), got {weights!r}.") from None
        got = _truth_table(lambda x1, x2: _step(w1 * x1 + w2 * x2 + b))
        if got != expected:
            raise _Hint(f"with {name} weights {weights} the outputs for (0,0), (0,1), (1,0), (1,1) "
                        f"are {got}; {name} needs {expected}.")


@_exercise("7.2", "XOR from two layers of step units", points=2, args=("xor",))
def check_xor(xor):
    got = _truth_table(xor)
    if got != [0, 1, 1, 0]:
        raise _Hint(f"xor gives {got} for (0,0), (0,1), (1,0), (1,1); XOR is [0, 1, 1, 0].")


# ----------------------------------------------------------------------
# Notebook 8: classification.
# ----------------------------------------------------------------------

@_exercise("8.1", "hinge loss of one sample", args=("hinge",))
def check_hinge(hinge):
    V = _ReferenceValue
    for score, label, expected, grad in [(0.3, 1, 0.7, -1.0), (-2.0, -1, 0.0, 0.0), (0.5, -1, 1.5, 1.0)]:
        s = V(score)
        out = hinge(s, label)
        _expect(f"hinge(score={score}, label={label})", _data(out), expected)
        out.backward()
        _expect(f"d hinge / d score at score={score}, label={label}", s.grad, grad)


@_exercise("8.2", "a softmax that never overflows", points=2, args=("softmax",))
def check_softmax(softmax):
    V = _ReferenceValue
    for logits in ([1.0, 2.0, 0.5], [1000.0, 999.0, -5.0], [-1000.0, -1001.0]):
        m = max(logits)
        expected = [math.exp(z - m) / sum(math.exp(w - m) for w in logits) for z in logits]
        try:
            got = [_data(p) for p in softmax([V(z) for z in logits])]
        except OverflowError:
            raise _Hint(f"softmax({logits}) overflowed: subtract the largest logit before exponentiating.") from None
        for i, (g, e) in enumerate(zip(got, expected)):
            _expect(f"softmax({logits})[{i}]", g, e)
    zs = [V(0.2), V(-0.4)]
    probabilities = softmax(zs)
    probabilities[0].backward()
    p0 = 1 / (1 + math.exp(-0.6))
    _expect("d p0 / d z0 (it is p0 * (1 - p0))", zs[0].grad, p0 * (1 - p0))


@_exercise("8.3", "accuracy for several classes", args=("multiclass_accuracy",))
def check_multiclass_accuracy(multiclass_accuracy):
    scores = [[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.1, 0.2], [1.0, 5.0, 2.0]]
    _expect("accuracy of 4 samples, 3 right", multiclass_accuracy(scores, [1, 0, 2, 0]), 0.75)
    V = _ReferenceValue
    as_values = [[V(s) for s in row] for row in scores]
    _expect("the same with Value scores", multiclass_accuracy(as_values, [1, 0, 2, 1]), 1.0)


@_exercise("8.4", "mini-batches that cover every sample once", args=("minibatches",))
def check_minibatches(minibatches):
    batches = minibatches(10, 3, seed=0)
    flat = [i for batch in batches for i in batch]
    if sorted(flat) != list(range(10)):
        raise _Hint(f"the batches should hold each index 0..9 exactly once; got {batches!r}.")
    if [len(b) for b in batches] != [3, 3, 3, 1]:
        raise _Hint(f"10 samples in batches of 3 should give sizes [3, 3, 3, 1], got {[len(b) for b in batches]}.")
    if minibatches(10, 3, seed=0) != batches:
        raise _Hint("the same seed must give the same batches (use random.Random(seed)).")
    if flat == list(range(10)) and minibatches(10, 3, seed=1) == batches:
        raise _Hint("the order is never shuffled: shuffle the indices first.")


# ----------------------------------------------------------------------
# Notebook 10: polynomial regression.
# ----------------------------------------------------------------------

def _cubic_data():
    import numpy as np

    x = np.linspace(-2, 2, 25)
    return x, np.sin(x)


@_exercise("10.1", "gradients of the cubic fit by hand", points=2, args=("cubic_gradients",))
def check_cubic_gradients(cubic_gradients):
    import numpy as np

    x, y = _cubic_data()
    coefficients = np.array([0.3, -0.2, 0.1, 0.05])

    def loss(c):
        return np.mean((c[0] + c[1] * x + c[2] * x ** 2 + c[3] * x ** 3 - y) ** 2)

    got = np.asarray(cubic_gradients(coefficients, x, y), dtype=float)
    if got.shape != (4,):
        raise _Hint(f"return four gradients (for a, b, c, d), got shape {got.shape}.")
    for k, name in enumerate("abcd"):
        h = np.eye(4)[k] * 1e-6
        numeric = (loss(coefficients + h) - loss(coefficients - h)) / 2e-6
        _expect(f"dL/d{name} (compare a central difference)", got[k], numeric, 1e-5)


@_exercise("10.2", "the cubic fit with Value", args=("cubic_loss",))
def check_cubic_value_loss(cubic_loss):
    import numpy as np

    x, y = _cubic_data()
    V = _ReferenceValue
    params = [V(0.3), V(-0.2), V(0.1), V(0.05)]
    loss = cubic_loss(params, x.tolist(), y.tolist())
    c = [0.3, -0.2, 0.1, 0.05]
    residual = c[0] + c[1] * x + c[2] * x ** 2 + c[3] * x ** 3 - y
    _expect("the loss (mean squared error)", _data(loss), np.mean(residual ** 2))
    loss.backward()
    _expect("dL/dd from backward()", params[3].grad, np.mean(2 * residual * x ** 3))


# ----------------------------------------------------------------------
# Notebook 11: PyTorch side by side.
# ----------------------------------------------------------------------

@_exercise("11.1", "load nn.Linear-style weights into a Layer", args=("load_linear",))
def check_load_linear(load_linear):
    from .nn import Layer

    layer = Layer(3, 2, seed=0)
    weight = [[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]
    bias = [0.5, -0.5]
    load_linear(layer, weight, bias)
    got = [[w.data for w in n.w] for n in layer.neurons]
    if got != weight:
        raise _Hint(f"weights should be {weight} (row = neuron, column = input); the layer now has {got}.")
    if [n.b.data for n in layer.neurons] != bias:
        raise _Hint(f"biases should be {bias}, got {[n.b.data for n in layer.neurons]}.")
    if not all(isinstance(w, _ReferenceValue) for n in layer.neurons for w in n.w):
        raise _Hint("set w.data on the existing Values; do not replace them with numbers.")


@_exercise("11.2", "from a PyTorch parameter name back to ours", args=("our_name",))
def check_our_name(our_name):
    cases = [
        (("0.weight", 1, 2), "layers.0.neurons.1.w.2"),
        (("2.weight", 3, 0), "layers.1.neurons.3.w.0"),
        (("4.bias", 0, None), "layers.2.neurons.0.b"),
    ]
    for (key, row, column), expected in cases:
        got = our_name(key, row, column)
        if got != expected:
            raise _Hint(f"our_name({key!r}, {row}, {column}) should be {expected!r}, got {got!r}.")


__all__ = ["EXERCISES", "CALLS", "result_line"] + sorted(n for n in dir() if n.startswith("check_"))
