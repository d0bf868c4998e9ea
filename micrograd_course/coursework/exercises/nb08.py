"""Notebook 8: binary classification."""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal, is_number

# ----------------------------------------------------------------------
sq_hinge = Exercise("8.1", "squared hinge loss with 0/1 labels", uses=("squared_hinge",))


def _squared_hinge(score, label):
    return max(0.0, 1 - (2 * label - 1) * score) ** 2


@sq_hinge.cases
def _(rng):
    return {"samples": [[round(rng.uniform(-0.9, 0.9), 3), 1],       # label 1, inside the margin
                        [round(rng.uniform(-0.9, 0.9), 3), 0],       # label 0, inside the margin
                        [round(-rng.uniform(1.5, 3), 3), 0],         # label 0, far on the right side
                        [round(rng.uniform(1.5, 3), 3), 1],          # label 1, far on the right side
                        [round(rng.uniform(1.2, 2), 3), 0]]}         # label 0, wrong side


@sq_hinge.probe
def _(got, case, squared_hinge):
    from micrograd_course.engine import Value

    losses, grads = [], []
    for score, label in case["samples"]:
        s = Value(score)
        out = squared_hinge(s, label)
        if not hasattr(out, "backward"):  # a plain number: its loss can be judged, its gradient cannot
            got["returned"] = type(out).__name__
            losses.append(out if isinstance(out, (int, float)) else None)
            grads.append(None)
            continue
        losses.append(out.data)
        out.backward()
        grads.append(s.grad)
    got["losses"], got["grads"] = losses, grads


def _all_match(samples, losses, reference):
    """Every sample's loss is ``reference(score, label)``: the whole case shows one mistake."""
    return all(close(loss, reference(score, label)) for (score, label), loss in zip(samples, losses))


# The classic wrong versions of the loss, each with the hint that names it.
_HINGE_MISTAKES = [
    (lambda score, label: max(0.0, 1 - (1 - 2 * label) * score) ** 2,
     "your labels are flipped: label 1 counts as -1 and label 0 as +1 in your margin, so a label-1 sample "
     "with a large positive score is charged; class 1 must become +1 and class 0 -1"),
    (lambda score, label: max(0.0, 1 - label * score) ** 2,
     "every label-0 sample gets the same loss whatever its score: with labels 0/1 the product label * score "
     "is 0 for class 0, so the margin must use the label as -1 or +1"),
    (lambda score, label: max(0.0, 1 - (2 * label - 1) * score),
     "your loss grows linearly inside the margin: that is the plain hinge; this one is squared"),
    (lambda score, label: (1 - (2 * label - 1) * score) ** 2,
     "a sample far on the right side is charged: beyond the margin the loss must be 0, so clip before you square"),
]


@sq_hinge.test("the loss", points=2)
def _(case, got):
    samples, losses = case["samples"], got["losses"]
    if _all_match(samples, losses, _squared_hinge):
        return
    for reference, look in _HINGE_MISTAKES:
        if _all_match(samples, losses, reference):
            raise Fail(look, "on every sample of the check")
    for (score, label), loss in zip(samples, losses):
        if close(loss, _squared_hinge(score, label)):
            continue
        for reference, look in _HINGE_MISTAKES:
            if close(loss, reference(score, label)):
                raise Fail(look, f"squared_hinge(score={score}, label={label})")
        expect(loss, _squared_hinge(score, label), "the loss is off", f"squared_hinge(score={score}, label={label})")


@sq_hinge.test("its gradient")
def _(case, got):
    if "returned" in got:
        raise Fail(f"squared_hinge returned a {got['returned']}, not a Value, so backward() cannot reach the "
                   "score: build the loss from Value operations")
    for (score, label), loss, grad in zip(case["samples"], got["losses"], got["grads"]):
        y = 2 * label - 1
        want = -2 * y * max(0.0, 1 - y * score)
        if close(grad, want):
            continue
        _score_gradient(grad, want, close(loss, _squared_hinge(score, label)), score, label,
                        "score.data, max() or math on floats", "Value operations", "test")


def _score_gradient(grad, want, loss_right, score, label, plain, operations, tests):
    """Judge one d loss / d score against ``want``: a wrong loss first, then no gradient, then another slope."""
    what = f"d loss / d score at score={score}, label={label}"
    if not loss_right:
        raise Fail(f"your loss is off (see the loss {tests}), and this gradient is checked against the right "
                   "loss: fix the loss first, and its gradient follows", what)
    if close(grad, 0.0):
        raise Fail("the loss is right but no gradient reached the score: part of it was computed on plain "
                   f"numbers ({plain}), which backward() cannot follow; build it from {operations}", f"{what}: got 0")
    expect(grad, want, "the loss is right but backward() gives the score another slope: check any operation "
           "whose backward you wrote yourself", what)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _softplus(z):
    return z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))


def _bce_with_logits(score, label):
    return _softplus(score) - label * score


def _weighted_bce(score, label, pos_weight):
    # -(w y ln sigma(s) + (1 - y) ln(1 - sigma(s))), with -ln sigma(s) = softplus(-s), -ln(1 - sigma(s)) = softplus(s)
    return pos_weight * label * _softplus(-score) + (1 - label) * _softplus(score)


# ----------------------------------------------------------------------
bce = Exercise("8.2", "positive-weighted cross-entropy from the score", uses=("weighted_bce_with_logits",))


@bce.cases
def _(rng):
    return {"moderate": [[round(rng.uniform(-4, 4), 3), 1], [round(rng.uniform(-4, 4), 3), 0],
                         [round(rng.uniform(-4, 4), 3), rng.choice([0, 1])]],
            "w": round(rng.uniform(2, 5), 2),
            # |s| >= 1000: exp overflows a float above about 709.8, so a naive formula fails on every case
            "extreme": [[round(rng.uniform(1000, 2000), 1), 0], [round(-rng.uniform(1000, 2000), 1), 1]]}


@bce.probe
def _(got, case, weighted_bce_with_logits):
    from micrograd_course.engine import Value

    losses, grads = [], []
    for score, label in case["moderate"]:
        s = Value(score)
        out = weighted_bce_with_logits(s, label, case["w"])
        out.backward()
        losses.append(out.data)
        grads.append(s.grad)
    got["losses"], got["grads"] = losses, grads


@bce.probe
def _(got, case, weighted_bce_with_logits):
    from micrograd_course.engine import Value

    got["w1"] = [weighted_bce_with_logits(Value(score), label, 1.0).data for score, label in case["moderate"]]


@bce.probe
def _(got, case, weighted_bce_with_logits):
    from micrograd_course.engine import Value

    got["extreme"] = [weighted_bce_with_logits(Value(score), label, case["w"]).data
                      for score, label in case["extreme"]]


SIGN_SWAPPED = ("the score's sign is swapped inside the logs: your loss charges a label-1 sample less the more "
                "negative its score is; the term for class 1 must fall as the score rises, the term for class 0 "
                "must rise with it")


@bce.test("pos_weight = 1 is the lecture's loss")
def _(case, got):
    samples, losses = case["moderate"], got["w1"]
    if _all_match(samples, losses, _bce_with_logits):
        return
    if _all_match(samples, losses, lambda score, label: _bce_with_logits(-score, label)):
        raise Fail(SIGN_SWAPPED, "with pos_weight = 1, on every sample of the check")
    for (score, label), loss in zip(samples, losses):
        expect(loss, _bce_with_logits(score, label), "with pos_weight = 1 this must be the lecture's binary "
               "cross-entropy of p = sigmoid(score)", f"score={score}, label={label}, pos_weight=1")


@bce.test("the weight falls on class 1 only")
def _(case, got):
    w, samples, losses = case["w"], case["moderate"], got["losses"]
    if _all_match(samples, losses, lambda score, label: _weighted_bce(score, label, w)):
        return
    if _all_match(samples, losses, lambda score, label: _weighted_bce(-score, label, w)):
        raise Fail(SIGN_SWAPPED, f"pos_weight={w}, on every sample of the check")
    for (score, label), loss in zip(samples, losses):
        want = _weighted_bce(score, label, w)
        if close(loss, want):
            continue
        if any(close(loss2, l2 * _softplus(-s2) + w * (1 - l2) * _softplus(s2))
               for (s2, l2), loss2 in zip(samples, losses)) and close(losses[0], _bce_with_logits(*samples[0])):
            raise Fail("you weighted class 0 instead of class 1: a label-1 sample's loss does not change with "
                       "pos_weight, a label-0 sample's does", f"pos_weight={w}")
        if close(loss, w * _bce_with_logits(score, label)) and label == 0:
            raise Fail("a label-0 sample was weighted too: the weight multiplies only the class-1 term, so "
                       "with label 0 the loss must not depend on pos_weight", f"score={score}, label=0, pos_weight={w}")
        if close(loss, _bce_with_logits(score, label)) and label == 1:
            raise Fail("pos_weight has no effect on a label-1 sample", f"score={score}, label=1, pos_weight={w}")
        expect(loss, want, "the loss is off", f"score={score}, label={label}, pos_weight={w}")


@bce.test("its gradient")
def _(case, got):
    w = case["w"]
    for (score, label), loss, grad in zip(case["moderate"], got["losses"], got["grads"]):
        want = w * label * (_sigmoid(score) - 1) + (1 - label) * _sigmoid(score)
        if close(grad, want):
            continue
        _score_gradient(grad, want, close(loss, _weighted_bce(score, label, w)), score, label,
                        "score.data, math.exp or math.log", "Value operations (exp, log, +, *)", "tests")


@bce.test("confident mistakes (|score| >= 1000): finite, no overflow", points=2)
def _(case, got):
    # The engine gives inf for exp(1000) and -inf for log(0), as PyTorch does; an engine
    # that raises instead (a student's own) leaves an error and no result.
    raised = "extreme" not in got and any(e.get("error") in ("OverflowError", "ValueError") for e in got.errors)
    if raised or not all(isinstance(loss, float) and math.isfinite(loss) for loss in got.values.get("extreme", ())):
        raise Fail("a score of a thousand overflowed exp or took log(0), so the loss came out inf or nan: "
                   "never form e^s or p for a large |s|; write each log in a form where exp only ever sees a "
                   "number <= 0")
    w = case["w"]
    if _all_match(case["extreme"], got["extreme"], lambda score, label: _weighted_bce(-score, label, w)):
        raise Fail(SIGN_SWAPPED, f"pos_weight={w}, scores of a thousand")
    for (score, label), loss in zip(case["extreme"], got["extreme"]):
        expect(loss, _weighted_bce(score, label, w), "for a score of a thousand the loss is off",
               f"score={score}, label={label}, pos_weight={w}")


# ----------------------------------------------------------------------
def _logistic_case(rng, n):
    w = [round(rng.uniform(-1.5, 1.5), 3) for _ in range(2)]
    b = round(rng.uniform(-1, 1), 3)
    xs = [[round(rng.uniform(-2, 2), 3) for _ in range(2)] for _ in range(n)]
    ys = [rng.choice([0, 1]) for _ in range(n)]
    return {"w": w, "b": b, "xs": xs, "ys": ys}


def _logistic_gradients(w, b, xs, ys):
    errors = [_sigmoid(sum(wj * xj for wj, xj in zip(w, x)) + b) - y for x, y in zip(xs, ys)]
    dw = [sum(e * x[j] for e, x in zip(errors, xs)) / len(xs) for j in range(len(w))]
    return dw, sum(errors) / len(xs)


gradients = Exercise("8.3", "logistic regression's gradients by hand", uses=("logistic_gradients",))


@gradients.cases
def _(rng):
    case = _logistic_case(rng, rng.randint(4, 7))
    # Scores between 1000 and 2000 in size, of either sign: math.exp of a number above about 709.8 overflows.
    w = [round(rng.uniform(1, 2), 3), round(-rng.uniform(1, 2), 3)]
    case["extreme"] = {"w": w, "b": round(rng.uniform(-1, 1), 3),
                       "xs": [[-500.0, 500.0], [500.0, -500.0], [round(rng.uniform(-1, 1), 3), 0.5]],
                       "ys": [rng.choice([0, 1]) for _ in range(3)]}
    return case


@gradients.probe
def _(got, case, logistic_gradients):
    dw, db = logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])
    got["dw"], got["db"] = list(dw), db


@gradients.probe
def _(got, case, logistic_gradients):
    big = case["extreme"]
    dw, db = logistic_gradients(big["w"], big["b"], big["xs"], big["ys"])
    got["extreme_dw"], got["extreme_db"] = list(dw), db


def _gradient_mistake(got, expected, n, n_weights, bias):
    """The hint for a gradient (a list of numbers) that shows one of the classic mistakes, else None.

    ``expected`` is the right gradient, ``n`` the number of samples, ``bias`` the right bias gradient.
    """
    def every(values):
        return all(close(g, v) for g, v in zip(got, values))

    name = "db" if len(expected) == 1 else "dw"
    if any(abs(e) > 1e-9 for e in expected) and every([0.0] * len(expected)):
        if name == "db":
            return ("db is 0, but the bias moves every sample's score by the same amount, so every sample's "
                    "error reaches it")
        return "dw is 0: each weight moves the scores, so each gets a gradient from every sample"
    if every([-e for e in expected]):
        return (f"{name} has the right size but the wrong sign: check the sign of each sample's d loss / d score "
                "(raising a label-1 sample's score lowers its loss)")
    if every([n * e for e in expected]):
        return (f"{name} is n times too large (n = the number of samples): the loss is a mean over the samples, "
                "so its gradient is a mean too, not a sum")
    if every([n * e / n_weights for e in expected]):
        return f"{name} was divided by the number of weights; the loss averages over the samples"
    if name == "dw" and every([bias] * len(expected)) and not all(close(e, bias) for e in expected):
        return ("every weight got the bias's gradient: the score depends on w_j through the input x_j, and the "
                "chain rule multiplies by it")
    return None


def _inputs(case):
    return f"w={case['w']}, b={case['b']}, xs={case['xs']}, ys={case['ys']}"


@gradients.test("d loss / d b")
def _(case, got):
    dw, db = _logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])
    if not close(got["db"], db):
        look = _gradient_mistake([got["db"]], [db], len(case["xs"]), len(case["w"]), db)
        expect(got["db"], db, look or "db is off: work out one sample's d loss / d score from its loss, then "
               "average it over the samples", f"db for {_inputs(case)}")


@gradients.test("d loss / d w")
def _(case, got):
    expected, db = _logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])
    if not (isinstance(got["dw"], list) and len(got["dw"]) == len(expected)):
        raise Fail("return dw as a list with one gradient per weight")
    if all(close(g, e) for g, e in zip(got["dw"], expected)):
        return
    look = _gradient_mistake(got["dw"], expected, len(case["xs"]), len(case["w"]), db)
    for j, (g, e) in enumerate(zip(got["dw"], expected)):
        expect(g, e, look or "dw is off: chain each sample's d loss / d score through score = w . x + b to w_j, "
               "then average over the samples", f"dw[{j}] for {_inputs(case)}")


@gradients.test("scores beyond +-1000: no overflow")
def _(case, got):
    big = case["extreme"]
    if "extreme_db" not in got and any(e.get("error") == "OverflowError" for e in got.errors):
        raise Fail("math.exp overflowed (OverflowError) on a sample whose score is about a thousand in size: "
                   "e to the power of a large number is beyond a float; write the sigmoid so that exp only ever "
                   "sees a number <= 0 (one form for s >= 0, another for s < 0)")
    ordinary_dw, ordinary_db = _logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])
    if not (close(got["db"], ordinary_db) and isinstance(got["dw"], list)
            and len(got["dw"]) == len(ordinary_dw) and all(close(g, e) for g, e in zip(got["dw"], ordinary_dw))):
        raise Fail("fix the two tests above first: this one checks the same gradients at scores of a thousand")
    dw, db = _logistic_gradients(big["w"], big["b"], big["xs"], big["ys"])
    values = [got["extreme_db"]] + list(got["extreme_dw"])
    if not all(is_number(v) and math.isfinite(v) for v in values):
        raise Fail("with scores of a thousand your gradients came out inf or nan: the sigmoid of such a score is "
                   "0 or 1 to within rounding, and each sample's error stays between -1 and 1")
    for name, g, e in [("db", got["extreme_db"], db)] + [(f"dw[{j}]", g, e)
                                                       for j, (g, e) in enumerate(zip(got["extreme_dw"], dw))]:
        expect(g, e, "with scores of a thousand the gradients are off (the ordinary cases pass?): check your "
               "sigmoid for large scores of either sign", f"{name} for {_inputs(big)}")


# ----------------------------------------------------------------------
def _separable_case(rng, n=30):
    angle = rng.uniform(0, 2 * math.pi)
    normal, offset = (math.cos(angle), math.sin(angle)), rng.uniform(-0.5, 0.5)
    xs, ys = [], []
    while len(xs) < n:
        x = [round(rng.uniform(-2, 2), 3), round(rng.uniform(-2, 2), 3)]
        side = normal[0] * x[0] + normal[1] * x[1] - offset
        if abs(side) > 0.3:  # keep a margin around the line
            xs.append(x)
            ys.append(1 if side > 0 else 0)
    return {"xs": xs, "ys": ys, "steps": 300, "lr": 1.0}


def _train_logistic(xs, ys, steps, lr):
    w, b = [0.0, 0.0], 0.0
    for _ in range(steps):
        dw, db = _logistic_gradients(w, b, xs, ys)
        w = [wj - lr * g for wj, g in zip(w, dw)]
        b -= lr * db
    return w, b


training = Exercise("8.4", "train logistic regression", uses=("train_logistic",), after=("8.3",))


@training.cases
def _(rng):
    return _separable_case(rng)


@training.probe
def _(got, case, train_logistic):
    w, b = train_logistic(case["xs"], case["ys"], case["steps"], case["lr"])
    got["w"], got["b"] = list(w), b


@training.test("separates the training data", points=2)
def _(case, got):
    if "w" not in got and any(e.get("error") == "OverflowError" for e in got.errors):
        raise Fail("the weights grew until exp overflowed: check the sign of the update (w -= lr * gradient)")
    w, b = got["w"], got["b"]
    predictions = [1 if w[0] * x[0] + w[1] * x[1] + b > 0 else 0 for x in case["xs"]]
    wrong = sum(p != y for p, y in zip(predictions, case["ys"]))
    if wrong:
        raise Fail("the data can be split by a line, but your weights misclassify some points: check the sign "
                   "of the update (w -= lr * gradient) and that every step uses the current weights",
                   f"{wrong} of {len(case['ys'])} points on the wrong side with w={w}, b={b}")


@training.test("plain gradient descent from zero weights")
def _(case, got):
    w, b = _train_logistic(case["xs"], case["ys"], case["steps"], case["lr"])
    for name, g, e in [("w[0]", got["w"][0], w[0]), ("w[1]", got["w"][1], w[1]), ("b", got["b"], b)]:
        expect(g, e, "start from w = [0, 0], b = 0 and take exactly `steps` full-batch steps of size lr with "
               "your logistic_gradients", f"{name} after {case['steps']} steps with lr={case['lr']}", tol=1e-6)
