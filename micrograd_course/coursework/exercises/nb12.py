"""Notebook 12: from scalars to tensors.

12.1 sums a broadcast add's gradient back to each operand's shape; 12.2 writes sum(axis) as a
Tensor op; 12.3 matmul's backward for any shapes; 12.4 softmax cross-entropy as one fused op
whose gradient is (p - y) / n; 12.5 (stretch) max(axis) with its gradient, ties shared.

Every op exercise (12.2-12.5) must build its output with ``Tensor.from_op`` and a rule the
student wrote: an output made by the package's own op (t.sum(), a @ b) scores 0.
"""

from ..framework import Fail, Exercise, comes_from_package, error_hint

TOL = 1e-9


def _np():
    import numpy as np
    return np


def _array(rng, shape, low=-2.0, high=2.0):
    """Nested lists of the given shape, values rounded to 3 decimals."""
    if not shape:
        return round(rng.uniform(low, high), 3)
    return [_array(rng, shape[1:], low, high) for _ in range(shape[0])]


def _same(got, expected, look, what):
    """Fail unless ``got`` (nested lists) has ``expected``'s shape and numbers."""
    np = _np()
    try:
        got_array = np.array(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise Fail(look, f"{what}: the answer is not an array of numbers") from None
    expected = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected.shape:
        raise Fail(look, f"{what}: expected shape {expected.shape}, got shape {got_array.shape}")
    if not np.allclose(got_array, expected, rtol=TOL, atol=TOL, equal_nan=True):
        worst = np.unravel_index(np.argmax(np.abs(got_array - expected)), expected.shape) if expected.shape else ()
        raise Fail(look, f"{what}: at index {tuple(int(i) for i in worst)} expected "
                         f"{expected[worst]:.6g}, got {got_array[worst]:.6g}")


OWN_RULE = ("build the output with Tensor.from_op(data, (input,), op, backward) and a backward rule you "
            "wrote; the package's own op does not count here")


def _record(got, key, out, inputs, upstream=None):
    """Store an op's output and, after backward with ``upstream``, its inputs' gradients."""
    from micrograd_course.tensor import Tensor

    np = _np()
    if not isinstance(out, Tensor):
        got[key] = {"not_a_tensor": type(out).__name__}
        return
    own = out._backward is not None and not comes_from_package(out._backward)
    got[key] = {"data": out.data.tolist(), "shape": list(out.shape), "own": own}
    if upstream is None:
        out.backward()
    else:
        out.backward(np.array(upstream, dtype=np.float64).reshape(out.shape))
    got[f"{key}/grads"] = [t.grad.tolist() for t in inputs]  # apart: a backward that raises loses only this


def _grads(got, key, look):
    """The gradients a probe stored under ``key``; when backward raised, the hint plus the error."""
    if key not in got and got.errors:
        raise Fail(f"{look}; {error_hint(got.errors[-1])}")
    return got[key]


def _result(got, key):
    result = got[key]
    if "not_a_tensor" in result:
        raise Fail(f"return a Tensor (made with Tensor.from_op), not a {result['not_a_tensor']}")
    if not result["own"]:
        raise Fail(OWN_RULE)
    return result


# ----------------------------------------------------------------------
add = Exercise("12.1", "the gradient of a broadcast add", uses=("add_grads",))

ADD_KINDS = ("same", "bias", "stretched", "scalar")


@add.cases
def _(rng):
    n, m, k = rng.randint(2, 4), rng.randint(2, 4), rng.randint(2, 3)
    pairs = {
        "same": [[n, m], [n, m]],
        "bias": rng.choice([[[n, m], [m]], [[k, n, m], [n, m]], [[m], [k, n, m]]]),
        "stretched": rng.choice([[[n, 1], [1, m]], [[k, 1, m], [n, 1]], [[k, n, m], [k, 1, 1]]]),
        "scalar": rng.choice([[[n, m], []], [[], [k, n, m]]]),
    }
    case = {}
    for kind, (a_shape, b_shape) in pairs.items():
        out_shape = [max(x, y) for x, y in zip([1] * (3 - len(a_shape)) + a_shape, [1] * (3 - len(b_shape)) + b_shape)]
        out_shape = out_shape[3 - max(len(a_shape), len(b_shape)):]
        case[kind] = {"a_shape": a_shape, "b_shape": b_shape, "g": _array(rng, out_shape)}
    return case


@add.probe
def _(got, case, add_grads):
    np = _np()
    for kind in ADD_KINDS:
        c = case[kind]
        grad_a, grad_b = add_grads(np.array(c["g"], dtype=np.float64), tuple(c["a_shape"]), tuple(c["b_shape"]))
        got[kind] = [np.asarray(grad_a).tolist(), np.asarray(grad_b).tolist()]


def _add_expected(c):
    from micrograd_course.tensor import unbroadcast

    np = _np()
    g = np.array(c["g"], dtype=np.float64)
    return unbroadcast(g, tuple(c["a_shape"])), unbroadcast(g, tuple(c["b_shape"]))


def _add_test(kind, look):
    def judge(case, got):
        c = case[kind]
        for name, answer, expected, shape in zip("ab", got[kind], _add_expected(c), (c["a_shape"], c["b_shape"])):
            _same(answer, expected, look, f"grad_{name} for shapes {tuple(c['a_shape'])} + {tuple(c['b_shape'])}, "
                                          f"grad_{name} must have shape {tuple(shape)}")
    return judge


add.test("same shapes: g passes through to both")(_add_test(
    "same", "d(a + b)/da is 1 for every entry, so each input gets g itself"))
add.test("an operand with fewer axes (a bias)")(_add_test(
    "bias", "numpy lined the shapes up from the right and added the missing axes on the left: sum g over "
            "those leading axes"))
add.test("an operand with size-1 axes, stretched", points=2)(_add_test(
    "stretched", "an axis of size 1 was copied along the other operand's axis: sum g over it and keep it, "
                 "with size 1 (keepdims=True)"))
add.test("a scalar operand (shape ())")(_add_test(
    "scalar", "a single number was added to every entry, so its gradient collects all of g"))


# ----------------------------------------------------------------------
summing = Exercise("12.2", "sum(axis) as a Tensor op", uses=("tensor_sum",))

SUM_VARIANTS = {  # name: (axis, keepdims)
    "all": (None, False),
    "axis": (1, False),
    "keepdims": (0, True),
    "negative": (-1, False),
    "several": ([0, 2], False),
}


@summing.cases
def _(rng):
    shape = [rng.randint(2, 3), rng.randint(2, 4), rng.randint(2, 4)]
    case = {"x": _array(rng, shape), "shape": shape}
    for name, (axis, keepdims) in SUM_VARIANTS.items():
        out_shape = _reduced_shape(shape, axis, keepdims)
        case[name] = {"axis": axis, "keepdims": keepdims, "g": _array(rng, out_shape, 0.5, 2.0)}
    return case


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return tuple(sorted(a % ndim for a in axes))


def _reduced_shape(shape, axis, keepdims):
    axes = _axes(axis, len(shape))
    return [1 if i in axes else n for i, n in enumerate(shape) if keepdims or i not in axes]


def _sum_probe(name):
    def probe(got, case, tensor_sum):
        from micrograd_course.tensor import Tensor

        np = _np()
        axis, keepdims = case[name]["axis"], case[name]["keepdims"]
        x = Tensor(np.array(case["x"], dtype=np.float64))
        out = tensor_sum(x, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)
        _record(got, name, out, (x,), case[name]["g"])
    return probe


for _name in SUM_VARIANTS:
    summing.probe(_sum_probe(_name))


def _sum_expected(case, name):
    np = _np()
    axis, keepdims = case[name]["axis"], case[name]["keepdims"]
    axes = _axes(axis, len(case["shape"]))
    x = np.array(case["x"], dtype=np.float64)
    g = np.array(case[name]["g"], dtype=np.float64)
    if not keepdims:
        g = np.expand_dims(g, axes)
    return x.sum(axis=axes, keepdims=keepdims), np.broadcast_to(g, x.shape)


def _sum_test(names, look, forward=False):
    def judge(case, got):
        for name in names:
            result = _result(got, name)
            value, grad = _sum_expected(case, name)
            axis, keepdims = case[name]["axis"], case[name]["keepdims"]
            what = f"tensor_sum(x of shape {tuple(case['shape'])}, axis={axis}, keepdims={keepdims})"
            if forward:
                _same(result["data"], value, look, what)
            else:
                _same(_grads(got, f"{name}/grads", look)[0], grad, look, f"x.grad after {what}.backward(g)")
    return judge


summing.test("the sums themselves")(_sum_test(
    list(SUM_VARIANTS), "compute the forward pass with numpy's own x.sum(axis=..., keepdims=...)", forward=True))
summing.test("axis=None: every entry gets the same gradient")(_sum_test(
    ["all"], "every entry went into the one sum with slope 1: each gets g (times 1), spread over x's shape"))
summing.test("one axis summed away: put it back, then spread", points=2)(_sum_test(
    ["axis", "negative"], "g has lost the summed axis: put it back with size 1 (np.expand_dims), then spread it "
                          "over x's shape (np.broadcast_to); a negative axis counts from the end"))
summing.test("keepdims=True and several axes")(_sum_test(
    ["keepdims", "several"], "with keepdims=True g already has the axis, with size 1; for a tuple of axes, "
                             "put every one of them back"))


# ----------------------------------------------------------------------
matmul = Exercise("12.3", "matmul backward for any shapes", uses=("matmul",))

MATMUL_CASES = {  # name: shapes built from n, k, m, s
    "matrices": lambda n, k, m, s: ([n, k], [k, m]),
    "vector_left": lambda n, k, m, s: ([k], [k, m]),
    "vector_right": lambda n, k, m, s: ([n, k], [k]),
    "stack_times_matrix": lambda n, k, m, s: ([s, n, k], [k, m]),
    "stack_times_stack": lambda n, k, m, s: ([s, n, k], [s, k, m]),
}


@matmul.cases
def _(rng):
    n, k, m, s = rng.randint(2, 4), rng.randint(2, 4), rng.randint(2, 4), rng.randint(2, 3)
    case = {}
    for name, shapes in MATMUL_CASES.items():
        a_shape, b_shape = shapes(n, k, m, s)
        out_shape = _matmul_shape(a_shape, b_shape)
        case[name] = {"a": _array(rng, a_shape), "b": _array(rng, b_shape),
                      "g": _array(rng, out_shape, 0.5, 2.0), "a_shape": a_shape, "b_shape": b_shape}
    return case


def _matmul_shape(a_shape, b_shape):
    np = _np()
    return list((np.zeros(a_shape) @ np.zeros(b_shape)).shape)


def _matmul_probe(name):
    def probe(got, case, matmul):
        from micrograd_course.tensor import Tensor

        np = _np()
        c = case[name]
        a, b = Tensor(np.array(c["a"], dtype=np.float64)), Tensor(np.array(c["b"], dtype=np.float64))
        _record(got, name, matmul(a, b), (a, b), c["g"])
    return probe


for _name in MATMUL_CASES:
    matmul.probe(_matmul_probe(_name))


def _matmul_test(names, look):
    def judge(case, got):
        from micrograd_course.tensor import Tensor

        np = _np()
        for name in names:
            result = _result(got, name)
            c = case[name]
            a, b = Tensor(np.array(c["a"], dtype=np.float64)), Tensor(np.array(c["b"], dtype=np.float64))
            out = a @ b
            out.backward(np.array(c["g"], dtype=np.float64).reshape(out.shape))
            what = f"{tuple(c['a_shape'])} @ {tuple(c['b_shape'])}"
            _same(result["data"], out.data, "compute the forward pass with numpy's a.data @ b.data", what)
            grads = _grads(got, f"{name}/grads", look)
            _same(grads[0], a.grad, look, f"a.grad for {what}")
            _same(grads[1], b.grad, look, f"b.grad for {what}")
    return judge


matmul.test("two matrices: dA = G @ B.T, dB = A.T @ G", points=2)(_matmul_test(
    ["matrices"], "out[i, j] = sum_k A[i, k] B[k, j]: A[i, k] meets row k of B, so dA[i, k] = sum_j G[i, j] B[k, j]; "
                  "check each result's shape against its input's"))
matmul.test("a vector on either side")(_matmul_test(
    ["vector_left", "vector_right"], "numpy treats a vector on the left as a row (1, k) and on the right as a "
                                     "column (k, 1), then drops that axis: put it back in G, apply the matrix "
                                     "rule, and give each gradient its input's shape"))
matmul.test("stacks of matrices (a batch axis in front)", points=2)(_matmul_test(
    ["stack_times_matrix", "stack_times_stack"], "the rule works on the last two axes (np.swapaxes(b, -1, -2) "
                                                 "for the transpose); a matrix shared by a whole stack was "
                                                 "used once per matrix of the stack, so sum its gradient over "
                                                 "the stack axis"))


# ----------------------------------------------------------------------
fused = Exercise("12.4", "softmax cross-entropy as one tensor op", uses=("softmax_cross_entropy",))


@fused.cases
def _(rng):
    n, k = rng.randint(3, 6), rng.randint(3, 5)
    big = [[round(rng.uniform(995, 1005), 2) for _ in range(k)] for _ in range(n)]
    return {"logits": _array(rng, [n, k], -3, 3), "targets": [rng.randrange(k) for _ in range(n)],
            "big": big, "scale": round(rng.uniform(1.5, 3.0), 3)}


def _fused_record(got, key, softmax_cross_entropy, logits, targets, scale=None):
    from micrograd_course.tensor import Tensor

    np = _np()
    z = Tensor(np.array(logits, dtype=np.float64))
    out = softmax_cross_entropy(z, list(targets))
    if not isinstance(out, Tensor):
        got[key] = {"not_a_tensor": type(out).__name__}
        return
    got[key] = {"value": out.data.reshape(-1)[0] if out.data.size == 1 else out.data.tolist(),
                "size": int(out.data.size), "one_op": tuple(out._prev) == (z,),
                "own": out._backward is not None and not comes_from_package(out._backward)}
    loss = out if scale is None else out * scale
    loss.sum().backward()
    got[f"{key}/grad"] = z.grad.tolist()


@fused.probe
def _(got, case, softmax_cross_entropy):
    _fused_record(got, "plain", softmax_cross_entropy, case["logits"], case["targets"])


@fused.probe
def _(got, case, softmax_cross_entropy):
    _fused_record(got, "scaled", softmax_cross_entropy, case["logits"], case["targets"], case["scale"])


@fused.probe
def _(got, case, softmax_cross_entropy):
    _fused_record(got, "big", softmax_cross_entropy, case["big"], case["targets"])


def _fused_expected(logits, targets):
    np = _np()
    z = np.array(logits, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(targets))
    one_hot = np.zeros_like(z)
    one_hot[rows, targets] = 1.0
    return -log_p[rows, targets].mean(), (np.exp(log_p) - one_hot) / len(targets)


def _fused_result(got, key):
    result = got[key]
    if "not_a_tensor" in result:
        raise Fail(f"return a Tensor (made with Tensor.from_op), not a {result['not_a_tensor']}")
    if not result["own"]:
        raise Fail(OWN_RULE)
    if result["size"] != 1:
        raise Fail("return the mean loss over the batch: a Tensor with a single number")
    return result


@fused.test("the loss: mean of -log softmax(z)[target]")
def _(case, got):
    result = _fused_result(got, "plain")
    value, _ = _fused_expected(case["logits"], case["targets"])
    _same(result["value"], value, "-log p_target = -z_target + log(sum_j e^z_j), averaged over the rows",
          f"the loss for logits of shape ({len(case['logits'])}, {len(case['logits'][0])})")


@fused.test("its gradient: (softmax(z) - one_hot) / n", points=2)
def _(case, got):
    result = _fused_result(got, "plain")
    _, grad = _fused_expected(case["logits"], case["targets"])
    _same(got["plain/grad"], grad, "each row's gradient is its probabilities minus the one-hot target; the mean over "
                                "n rows divides it by n", "d loss / d logits")


@fused.test("times the upstream gradient")
def _(case, got):
    result = _fused_result(got, "scaled")
    _, grad = _fused_expected(case["logits"], case["targets"])
    _same(got["scaled/grad"], grad * case["scale"], "the rule gets g = d(final)/d(loss): multiply your gradient by it "
                                                "(here the loss was scaled before backward)",
          f"d (loss * {case['scale']}) / d logits")


@fused.test("large logits (around 1000): no overflow")
def _(case, got):
    result = _fused_result(got, "big")
    value, grad = _fused_expected(case["big"], case["targets"])
    look = "e^1000 overflows to inf: subtract each row's largest logit before exponentiating (log-sum-exp)"
    _same(result["value"], value, look, "the loss for logits near 1000")
    _same(got["big/grad"], grad, look, "the gradient for logits near 1000")


@fused.test("one op: the logits are its only input")
def _(case, got):
    if not _fused_result(got, "plain")["one_op"]:
        raise Fail("make the loss a single node: Tensor.from_op(value, (logits,), ...), with the whole gradient "
                   "in its backward rule, not a chain of smaller ops")


# ----------------------------------------------------------------------
maximum = Exercise("12.5", "Tensor.max(axis) with its gradient", uses=("tensor_max",))

MAX_VARIANTS = {"all": (None, False), "rows": (1, False), "columns": (0, True)}


@maximum.cases
def _(rng):
    n, m = rng.randint(3, 5), rng.randint(3, 5)
    distinct = rng.sample(range(-50, 50), n * m)
    x = [[distinct[i * m + j] / 10 for j in range(m)] for i in range(n)]
    ties = [[float(rng.randint(0, 2)) for _ in range(m)] for _ in range(n)]
    ties[0] = [2.0] * m  # at least one row of ties, and several 2s in the column maxima
    case = {"x": x, "ties": ties}
    for name, (axis, keepdims) in MAX_VARIANTS.items():
        shape = _reduced_shape([n, m], axis, keepdims)
        case[name] = {"axis": axis, "keepdims": keepdims, "g": _array(rng, shape, 0.5, 2.0)}
    return case


def _max_probe(name, data_key):
    def probe(got, case, tensor_max):
        from micrograd_course.tensor import Tensor

        np = _np()
        x = Tensor(np.array(case[data_key], dtype=np.float64))
        axis, keepdims = case[name]["axis"], case[name]["keepdims"]
        _record(got, f"{data_key}/{name}", tensor_max(x, axis=axis, keepdims=keepdims), (x,), case[name]["g"])
    return probe


for _name in MAX_VARIANTS:
    for _data in ("x", "ties"):
        maximum.probe(_max_probe(_name, _data))


def _max_expected(case, name, data_key):
    np = _np()
    x = np.array(case[data_key], dtype=np.float64)
    axis, keepdims = case[name]["axis"], case[name]["keepdims"]
    axes = _axes(axis, 2)
    top = x.max(axis=axes, keepdims=True)
    winners = (x == top).astype(np.float64)
    share = winners / winners.sum(axis=axes, keepdims=True)
    g = np.array(case[name]["g"], dtype=np.float64)
    if not keepdims:
        g = np.expand_dims(g, axes)
    return x.max(axis=axes, keepdims=keepdims), share * g


def _max_test(data_key, look, forward=False):
    def judge(case, got):
        for name in MAX_VARIANTS:
            result = _result(got, f"{data_key}/{name}")
            value, grad = _max_expected(case, name, data_key)
            what = f"tensor_max(x, axis={case[name]['axis']}, keepdims={case[name]['keepdims']})"
            if forward:
                _same(result["data"], value, look, what)
            else:
                _same(_grads(got, f"{data_key}/{name}/grads", look)[0], grad, look, f"x.grad after {what}.backward(g)")
    return judge


maximum.test("the maxima")(_max_test("x", "compute the forward pass with numpy's x.max(axis=..., keepdims=...)",
                                     forward=True))
maximum.test("the gradient goes to the largest entry only", points=2)(_max_test(
    "x", "the max moves with its largest entry (slope 1) and ignores the others (slope 0): a mask "
         "x == max, with the max kept at size 1 so it lines up, times g put back to that shape"))
maximum.test("ties share the gradient equally")(_max_test(
    "ties", "when several entries are equal to the max, divide the mask by how many there are along the "
            "reduced axes, so the shares add up to g"))
