"""Notebook 8: classification."""

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


# ----------------------------------------------------------------------
softmax = Exercise("8.2", "a softmax that never overflows", uses=("softmax",))


@softmax.cases
def _(rng):
    return {"small": [round(rng.uniform(-3, 3), 3) for _ in range(rng.randint(2, 5))],
            "huge": [round(rng.uniform(990, 1000), 2), round(rng.uniform(990, 1000), 2), -5.0],
            "pair": [round(rng.uniform(-1, 1), 3), round(rng.uniform(-1, 1), 3)]}


@softmax.probe
def _(got, case, softmax):
    from micrograd_course.engine import Value

    got["small"] = [p.data for p in softmax([Value(z) for z in case["small"]])]


@softmax.probe
def _(got, case, softmax):
    from micrograd_course.engine import Value

    got["huge"] = [p.data for p in softmax([Value(z) for z in case["huge"]])]


@softmax.probe
def _(got, case, softmax):
    from micrograd_course.engine import Value

    zs = [Value(z) for z in case["pair"]]
    softmax(zs)[0].backward()
    got["grad"] = zs[0].grad


def _softmax(logits):
    m = max(logits)
    exps = [math.exp(z - m) for z in logits]
    return [e / sum(exps) for e in exps]


@softmax.test("probabilities")
def _(case, got):
    for i, (p, e) in enumerate(zip(got["small"], _softmax(case["small"]))):
        expect(p, e, "exponentiate each logit and divide by the sum of all of them", f"softmax({case['small']})[{i}]")


@softmax.test("no overflow for logits near 1000")
def _(case, got):
    if "huge" not in got and any(e.get("error") == "OverflowError" for e in got.errors):
        raise Fail("exp(1000) overflowed: subtract the largest logit before exponentiating (the result is the same)")
    for i, (p, e) in enumerate(zip(got["huge"], _softmax(case["huge"]))):
        expect(p, e, "subtract the largest logit before exponentiating", f"softmax({case['huge']})[{i}]")


@softmax.test("gradient through the softmax")
def _(case, got):
    p0 = _softmax(case["pair"])[0]
    expect(got["grad"], p0 * (1 - p0), "build the probabilities from Value operations (the max may be a plain "
           "number) so backward() reaches the logits", f"d p0 / d z0 for logits {case['pair']}")


# ----------------------------------------------------------------------
accuracy = Exercise("8.3", "accuracy for several classes", uses=("multiclass_accuracy",))


@accuracy.cases
def _(rng):
    scores = [[round(rng.uniform(-3, 3), 2) for _ in range(3)] for _ in range(rng.randint(4, 8))]
    labels = [rng.randrange(3) for _ in scores]
    return {"scores": scores, "labels": labels}


@accuracy.probe
def _(got, case, multiclass_accuracy):
    got["numbers"] = multiclass_accuracy(case["scores"], case["labels"])


@accuracy.probe
def _(got, case, multiclass_accuracy):
    from micrograd_course.engine import Value

    got["values"] = multiclass_accuracy([[Value(s) for s in row] for row in case["scores"]], case["labels"])


def _accuracy(case):
    right = sum(row.index(max(row)) == label for row, label in zip(case["scores"], case["labels"]))
    return right / len(case["labels"])


@accuracy.test("scores as numbers")
def _(case, got):
    expect(got["numbers"], _accuracy(case), "a prediction is the class with the highest score (argmax); accuracy "
           "is the fraction of samples where it equals the label", f"accuracy of {case['scores']} vs {case['labels']}")


@accuracy.test("scores as Values")
def _(case, got):
    expect(got["values"], _accuracy(case), "with Value scores compare their .data", "the same scores as Values")


# ----------------------------------------------------------------------
batches = Exercise("8.4", "mini-batches that cover every sample once", uses=("minibatches",))


@batches.cases
def _(rng):
    return {"n": rng.randint(7, 20), "size": rng.randint(2, 5), "seed": rng.randint(0, 1000)}


@batches.probe
def _(got, case, minibatches):
    got["batches"] = [list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"])]
    got["again"] = [list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"])]
    got["others"] = [[list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"] + k)] for k in (1, 2)]


@batches.test("every index exactly once")
def _(case, got):
    flat = sorted(i for batch in got["batches"] for i in batch)
    expect_equal(flat, list(range(case["n"])), "the batches together should hold each index 0..n-1 exactly once",
                 f"all indices in minibatches({case['n']}, {case['size']})")


@batches.test("batch sizes")
def _(case, got):
    n, size = case["n"], case["size"]
    expected = [size] * (n // size) + ([n % size] if n % size else [])
    expect_equal([len(b) for b in got["batches"]], expected, "full batches of batch_size, then one smaller batch "
                 "with what is left", f"batch sizes for n={n}, batch_size={size}")


@batches.test("shuffled, and repeatable with the seed")
def _(case, got):
    expect_equal(got["again"], got["batches"], "the same seed must give the same batches (random.Random(seed))",
                 "two calls with the same seed")
    if all(other == got["batches"] for other in got["others"]):
        raise Fail("the batches are the same for every seed: shuffle the indices first")
