"""Notebook 8: binary classification."""

import math

from ..framework import Exercise, Fail, expect, expect_equal

# ----------------------------------------------------------------------
hinge = Exercise("8.1", "hinge loss of one sample", uses=("hinge",))


@hinge.cases
def _(rng):
    label = rng.choice([-1, 1])
    return {"samples": [[round(label * rng.uniform(-0.9, 0.9), 3), label],      # inside the margin
                        [round(-label * rng.uniform(1.1, 3), 3), -label],       # far on the right side
                        [round(-label * rng.uniform(0.1, 2), 3), label]]}       # wrong side


@hinge.probe
def _(got, case, hinge):
    from micrograd_course.engine import Value

    losses, grads = [], []
    for score, label in case["samples"]:
        s = Value(score)
        out = hinge(s, label)
        losses.append(out.data)
        out.backward()
        grads.append(s.grad)
    got["losses"], got["grads"] = losses, grads


@hinge.test("the loss max(0, 1 - label * score)")
def _(case, got):
    for (score, label), loss in zip(case["samples"], got["losses"]):
        expect(loss, max(0.0, 1 - label * score), "the hinge loss is 0 beyond the margin (label * score >= 1) "
               "and grows linearly inside it", f"hinge(score={score}, label={label})")


@hinge.test("its gradient")
def _(case, got):
    for (score, label), grad in zip(case["samples"], got["grads"]):
        expected = -label if 1 - label * score > 0 else 0.0
        expect(grad, expected, "build the loss from Value operations (relu of 1 - label * score) so "
               "backward() reaches the score", f"d hinge / d score at score={score}, label={label}")


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _bce_with_logits(score, label):
    softplus = score + math.log1p(math.exp(-score)) if score > 0 else math.log1p(math.exp(score))
    return softplus - label * score


# ----------------------------------------------------------------------
bce = Exercise("8.2", "binary cross-entropy from the score", uses=("bce_with_logits",))


@bce.cases
def _(rng):
    return {"moderate": [[round(rng.uniform(-4, 4), 3), rng.choice([0, 1])] for _ in range(3)],
            # |s| >= 1000: exp overflows a float above about 709.8, so a naive formula fails on every case
            "extreme": [[round(rng.uniform(1000, 2000), 1), 0], [round(-rng.uniform(1000, 2000), 1), 1]]}


@bce.probe
def _(got, case, bce_with_logits):
    from micrograd_course.engine import Value

    losses, grads = [], []
    for score, label in case["moderate"]:
        s = Value(score)
        out = bce_with_logits(s, label)
        out.backward()
        losses.append(out.data)
        grads.append(s.grad)
    got["losses"], got["grads"] = losses, grads


@bce.probe
def _(got, case, bce_with_logits):
    from micrograd_course.engine import Value

    got["extreme"] = [bce_with_logits(Value(score), label).data for score, label in case["extreme"]]


@bce.test("the loss for ordinary scores")
def _(case, got):
    for (score, label), loss in zip(case["moderate"], got["losses"]):
        expect(loss, _bce_with_logits(score, label), "the loss is -ln p for label 1 and -ln(1 - p) for label 0, "
               "with p = sigmoid(score); in terms of the score: ln(1 + e^s) - label * s",
               f"bce_with_logits(score={score}, label={label})")


@bce.test("its gradient is sigmoid(score) - label")
def _(case, got):
    for (score, label), grad in zip(case["moderate"], got["grads"]):
        expect(grad, _sigmoid(score) - label, "build the loss from Value operations (exp, log, +, *) so "
               "backward() reaches the score", f"d loss / d score at score={score}, label={label}")


@bce.test("confident mistakes: finite, no overflow", points=2)
def _(case, got):
    # The engine gives inf for exp(1000) and -inf for log(0), as PyTorch does; an engine
    # that raises instead (a student's own) leaves an error and no result.
    raised = "extreme" not in got and any(e.get("error") in ("OverflowError", "ValueError") for e in got.errors)
    if raised or not all(isinstance(loss, float) and math.isfinite(loss) for loss in got.values.get("extreme", ())):
        raise Fail("a score of a thousand overflowed exp or took log(0), so the loss came out inf "
                   "or nan: for s > 0 write ln(1 + e^s) as s + ln(1 + e^-s), so exp only ever sees a "
                   "negative number")
    for (score, label), loss in zip(case["extreme"], got["extreme"]):
        expect(loss, _bce_with_logits(score, label), "a score of a thousand overflows exp (to inf) or rounds "
               "the probability to exactly 0 or 1: never form e^s or p for a large |s|; for s > 0 use "
               "s + ln(1 + e^-s)", f"bce_with_logits(score={score}, label={label})")


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
