"""Notebook 9: several classes (softmax, cross-entropy, mini-batches)."""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal


def _softmax(logits):
    m = max(logits)
    exps = [math.exp(z - m) for z in logits]
    return [e / sum(exps) for e in exps]


# ----------------------------------------------------------------------
onehot = Exercise("9.1", "one-hot targets and accuracy", uses=("one_hot", "accuracy_one_hot"))


@onehot.cases
def _(rng):
    classes = rng.randint(3, 5)
    scores = [[round(rng.uniform(-3, 3), 2) for _ in range(classes)] for _ in range(rng.randint(4, 8))]
    return {"classes": classes, "label": rng.randrange(classes), "scores": scores,
            "labels": [rng.randrange(classes) for _ in scores]}


@onehot.probe
def _(got, case, one_hot, accuracy_one_hot):
    got["one_hot"] = list(one_hot(case["label"], case["classes"]))


@onehot.probe
def _(got, case, one_hot, accuracy_one_hot):
    targets = [[1 if k == label else 0 for k in range(case["classes"])] for label in case["labels"]]
    got["accuracy"] = accuracy_one_hot(case["scores"], targets)


@onehot.test("one_hot(label, classes)")
def _(case, got):
    expected = [1 if k == case["label"] else 0 for k in range(case["classes"])]
    expect_equal(got["one_hot"], expected, "a list of `classes` numbers: 1 at position `label`, 0 everywhere else",
                 f"one_hot({case['label']}, {case['classes']})")


@onehot.test("accuracy against one-hot targets")
def _(case, got):
    right = sum(row.index(max(row)) == label for row, label in zip(case["scores"], case["labels"]))
    expect(got["accuracy"], right / len(case["labels"]), "a sample is right when the position of its largest "
           "score is the position of the 1 in its target; return the fraction of such samples",
           f"accuracy_one_hot({case['scores']}, one-hot of {case['labels']})")


# ----------------------------------------------------------------------
likelihood = Exercise("9.2", "cross-entropy from the likelihood", uses=("cross_entropy_from_probabilities",))


def _random_distribution(rng, classes):
    weights = [rng.uniform(0.05, 1) for _ in range(classes)]
    return [w / sum(weights) for w in weights]


@likelihood.cases
def _(rng):
    small = [_random_distribution(rng, 3) for _ in range(rng.randint(3, 6))]
    p = round(rng.uniform(0.2, 0.6), 3)
    return {"small": small, "small_labels": [rng.randrange(3) for _ in small],
            "many": 3000, "p_true": p}


@likelihood.probe
def _(got, case, cross_entropy_from_probabilities):
    got["small"] = cross_entropy_from_probabilities(case["small"], case["small_labels"])


@likelihood.probe
def _(got, case, cross_entropy_from_probabilities):
    p = case["p_true"]
    rows = [[p, (1 - p) / 2, (1 - p) / 2]] * case["many"]
    got["many"] = cross_entropy_from_probabilities(rows, [0] * case["many"])


@likelihood.test("a few samples")
def _(case, got):
    n = len(case["small"])
    expected = -sum(math.log(row[c]) for row, c in zip(case["small"], case["small_labels"])) / n
    if close(got["small"], n * expected):
        raise Fail("your answer is exactly n times too big: you summed over the samples but did not divide by "
                   "their number (cross-entropy is a mean)", f"cross-entropy of {n} samples")
    expect(got["small"], expected, "take the probability each sample gives its TRUE class, then: log, sum, "
           "negate, divide by the number of samples", f"cross-entropy of {len(case['small'])} samples")


@likelihood.test("3,000 samples: no underflow", points=2)
def _(case, got):
    if "many" not in got and any(e.get("error") in ("ValueError", "ZeroDivisionError") for e in got.errors):
        raise Fail("the product of 3,000 probabilities underflows to 0.0: add their logs instead of "
                   "multiplying them")
    if close(got["many"], -case["many"] * math.log(case["p_true"])):
        raise Fail("your answer is exactly 3,000 times too big: you summed over the samples but did not divide "
                   "by their number", f"3,000 samples that each give the true class {case['p_true']}")
    expect(got["many"], -math.log(case["p_true"]), "for many samples the answer is off: work with the logs "
           "of the probabilities, never with their product",
           f"3,000 samples that each give the true class {case['p_true']}")


# ----------------------------------------------------------------------
lse = Exercise("9.3", "log-sum-exp on Values", uses=("logsumexp",))


@lse.cases
def _(rng):
    return {"small": [round(rng.uniform(-3, 3), 3) for _ in range(rng.randint(2, 5))],
            "huge": [round(rng.uniform(900, 1000), 2) for _ in range(3)] + [round(rng.uniform(-10, 0), 2)]}


@lse.probe
def _(got, case, logsumexp):
    from micrograd_course.engine import Value

    zs = [Value(z) for z in case["small"]]
    out = logsumexp(zs)
    out.backward()
    got["small"], got["grads"] = out.data, [z.grad for z in zs]


@lse.probe
def _(got, case, logsumexp):
    from micrograd_course.engine import Value

    got["huge"] = logsumexp([Value(z) for z in case["huge"]]).data


def _logsumexp(logits):
    m = max(logits)
    return m + math.log(sum(math.exp(z - m) for z in logits))


@lse.test("the value ln(sum of e^z)")
def _(case, got):
    expect(got["small"], _logsumexp(case["small"]), "exponentiate each logit, add them up, take the log",
           f"logsumexp({case['small']})")


@lse.test("no overflow near 1000")
def _(case, got):
    overflowed = any(e.get("error") == "OverflowError" for e in got.errors) if "huge" not in got \
        else not (isinstance(got["huge"], float) and math.isfinite(got["huge"]))
    if overflowed:
        raise Fail("exp(1000) overflowed: pull the largest logit m out first, ln sum e^z = m + ln sum e^(z - m)")
    expect(got["huge"], _logsumexp(case["huge"]), "subtract the largest logit m inside, add it back outside",
           f"logsumexp({case['huge']})")


@lse.test("its gradient is the softmax")
def _(case, got):
    for k, (g, p) in enumerate(zip(got["grads"], _softmax(case["small"]))):
        expect(g, p, "build the result from Value operations (m may be a plain number) so backward() reaches "
               "every logit", f"d logsumexp / d z[{k}] for {case['small']}")


# ----------------------------------------------------------------------
batches = Exercise("9.4", "mini-batches that cover every sample once", uses=("minibatches",))


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


# ----------------------------------------------------------------------
def _softmax_regression_step(W, x, label, lr):
    p = _softmax([sum(w * xi for w, xi in zip(row, x)) for row in W])
    return [[w - lr * (p[k] - (1 if k == label else 0)) * xi for w, xi in zip(row, x)] for k, row in enumerate(W)]


regression = Exercise("9.5", "one step of softmax regression by hand", uses=("softmax_regression_step",))


@regression.cases
def _(rng):
    classes, inputs = rng.randint(3, 4), 3
    W = [[round(rng.uniform(-1, 1), 3) for _ in range(inputs)] for _ in range(classes)]
    x = [round(rng.uniform(-2, 2), 3) for _ in range(inputs - 1)] + [1.0]  # the last input is the bias's 1
    return {"W": W, "x": x, "label": rng.randrange(classes), "lr": round(rng.uniform(0.1, 1), 2)}


@regression.probe
def _(got, case, softmax_regression_step):
    W = [list(row) for row in case["W"]]
    got["W"] = [list(row) for row in softmax_regression_step(W, case["x"], case["label"], case["lr"])]


def _rows(case, got, true_class):
    expected = _softmax_regression_step(case["W"], case["x"], case["label"], case["lr"])
    if not (isinstance(got["W"], list) and len(got["W"]) == len(expected)):
        raise Fail("return the new weights as a list with one row per class")
    for k, (row, want) in enumerate(zip(got["W"], expected)):
        if (k == case["label"]) == true_class:
            for j, (g, e) in enumerate(zip(row, want)):
                yield k, j, g, e


@regression.test("the true class's row moves towards x")
def _(case, got):
    for k, j, g, e in _rows(case, got, True):
        expect(g, e, "the true class's row moves the wrong way or by the wrong amount: after the step its score "
               "must be higher; use the lecture's gradient of the loss with respect to the scores, times x",
               f"new W[{k}][{j}] (true class) for W={case['W']}, x={case['x']}, lr={case['lr']}")


@regression.test("the other rows move away from x")
def _(case, got):
    for k, j, g, e in _rows(case, got, False):
        if g == case["W"][k][j] != e:
            raise Fail("every other class's row was left as it was: each had some probability, so each moves too "
                       "(away from x)", f"new W[{k}][{j}] for W={case['W']}, x={case['x']}, label={case['label']}")
        expect(g, e, "every other class's row must move away from x, by more the more probability it had; "
               "take the probabilities from the weights BEFORE any row changes",
               f"new W[{k}][{j}] for W={case['W']}, x={case['x']}, label={case['label']}, lr={case['lr']}")
