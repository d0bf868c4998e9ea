"""Notebook 8: binary classification."""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal

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
        losses.append(out.data)
        out.backward()
        grads.append(s.grad)
    got["losses"], got["grads"] = losses, grads


@sq_hinge.test("the loss", points=2)
def _(case, got):
    for (score, label), loss in zip(case["samples"], got["losses"]):
        want = _squared_hinge(score, label)
        if close(want, loss):
            continue
        if label == 0 and close(loss, max(0.0, 1 - label * score) ** 2):
            raise Fail("every label-0 sample gets the same loss whatever its score: with labels 0/1 the "
                       "product label * score is 0 for class 0, so the margin must use the label as -1 or +1",
                       f"squared_hinge(score={score}, label=0)")
        if close(loss, max(0.0, 1 - (2 * label - 1) * score)):
            raise Fail("your loss grows linearly inside the margin: that is the plain hinge; this one is squared",
                       f"squared_hinge(score={score}, label={label})")
        if close(loss, (1 - (2 * label - 1) * score) ** 2):
            raise Fail("a sample far on the right side is charged: beyond the margin the loss must be 0, so "
                       "clip before you square", f"squared_hinge(score={score}, label={label})")
        expect(loss, want, "the loss is off", f"squared_hinge(score={score}, label={label})")


@sq_hinge.test("its gradient")
def _(case, got):
    for (score, label), grad in zip(case["samples"], got["grads"]):
        y = 2 * label - 1
        want = -2 * y * max(0.0, 1 - y * score)
        expect(grad, want, "build the loss from Value operations so backward() reaches the score (and fix the "
               "loss test first if it fails)", f"d loss / d score at score={score}, label={label}")


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


@bce.test("pos_weight = 1 is the lecture's loss")
def _(case, got):
    for (score, label), loss in zip(case["moderate"], got["w1"]):
        expect(loss, _bce_with_logits(score, label), "with pos_weight = 1 this must be the lecture's binary "
               "cross-entropy of p = sigmoid(score)", f"score={score}, label={label}, pos_weight=1")


@bce.test("the weight falls on class 1 only")
def _(case, got):
    w = case["w"]
    for (score, label), loss in zip(case["moderate"], got["losses"]):
        want = _weighted_bce(score, label, w)
        if close(loss, want):
            continue
        if any(close(loss2, l2 * _softplus(-s2) + w * (1 - l2) * _softplus(s2))
               for (s2, l2), loss2 in zip(case["moderate"], got["losses"])) and close(got["losses"][0],
                                                                                       _bce_with_logits(*case["moderate"][0])):
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
    for (score, label), grad in zip(case["moderate"], got["grads"]):
        want = w * label * (_sigmoid(score) - 1) + (1 - label) * _sigmoid(score)
        expect(grad, want, "build the loss from Value operations (exp, log, +, *) so backward() reaches the "
               "score (and fix the loss tests first if they fail)", f"d loss / d score at score={score}, label={label}")


@bce.test("confident mistakes (|score| >= 1000): finite, no overflow", points=2)
def _(case, got):
    # The engine gives inf for exp(1000) and -inf for log(0), as PyTorch does; an engine
    # that raises instead (a student's own) leaves an error and no result.
    raised = "extreme" not in got and any(e.get("error") in ("OverflowError", "ValueError") for e in got.errors)
    if raised or not all(isinstance(loss, float) and math.isfinite(loss) for loss in got.values.get("extreme", ())):
        raise Fail("a score of a thousand overflowed exp or took log(0), so the loss came out inf or nan: "
                   "never form e^s or p for a large |s|; write each log in a form where exp only ever sees a "
                   "number <= 0")
    for (score, label), loss in zip(case["extreme"], got["extreme"]):
        expect(loss, _weighted_bce(score, label, case["w"]), "for a score of a thousand the loss is off",
               f"score={score}, label={label}, pos_weight={case['w']}")


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
    return _logistic_case(rng, rng.randint(4, 7))


@gradients.probe
def _(got, case, logistic_gradients):
    dw, db = logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])
    got["dw"], got["db"] = list(dw), db


@gradients.test("d loss / d b")
def _(case, got):
    expect(got["db"], _logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])[1],
           "per sample, d loss / d score is p - y; the bias gradient is its mean over the samples",
           f"db for w={case['w']}, b={case['b']}, xs={case['xs']}, ys={case['ys']}")


@gradients.test("d loss / d w")
def _(case, got):
    expected = _logistic_gradients(case["w"], case["b"], case["xs"], case["ys"])[0]
    if not (isinstance(got["dw"], list) and len(got["dw"]) == len(expected)):
        raise Fail("return dw as a list with one gradient per weight")
    for j, (g, e) in enumerate(zip(got["dw"], expected)):
        expect(g, e, "weight j's gradient is the mean of (p - y) times that sample's input j (chain rule "
               "through score = w . x + b)", f"dw[{j}] for w={case['w']}, b={case['b']}, xs={case['xs']}, ys={case['ys']}")


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
