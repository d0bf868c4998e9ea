"""Notebook 9: several classes (top-k accuracy, weighted and label-smoothed cross-entropy, temperature, mini-batches)."""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal


def _softmax(logits):
    m = max(logits)
    exps = [math.exp(z - m) for z in logits]
    return [e / sum(exps) for e in exps]


# ----------------------------------------------------------------------
topk = Exercise("9.1", "top-k accuracy", uses=("top_k_accuracy",))


def _top_k(scores, labels, k):
    right = 0
    for row, label in zip(scores, labels):
        ranked = sorted(range(len(row)), key=lambda j: -row[j])
        right += label in ranked[:k]
    return right / len(labels)


@topk.cases
def _(rng):
    classes = rng.randint(5, 7)
    # each sample's true class by its rank (0 = largest score): the rank-0 samples outnumber the
    # last-ranked ones, so ranking upwards never scores like ranking downwards
    ranks = [0, 0, 0, 1, 2, classes - 1] + [rng.choice([0, 1, 2]) for _ in range(rng.randint(2, 6))]
    rng.shuffle(ranks)
    scores, labels = [], []
    for rank in ranks:
        row = [v / 10 for v in rng.sample(range(-40, 40), classes)]  # distinct: no ties
        scores.append(row)
        labels.append(sorted(range(classes), key=lambda j: -row[j])[rank])
    return {"scores": scores, "labels": labels, "k": rng.randint(2, 3), "classes": classes}


@topk.probe
def _(got, case, top_k_accuracy):
    got["k1"] = top_k_accuracy(case["scores"], case["labels"], 1)


@topk.probe
def _(got, case, top_k_accuracy):
    got["k"] = top_k_accuracy(case["scores"], case["labels"], case["k"])


@topk.probe
def _(got, case, top_k_accuracy):
    got["all"] = top_k_accuracy(case["scores"], case["labels"], case["classes"])


def _topk_diagnosis(case, got_value, k):
    scores, labels, n = case["scores"], case["labels"], len(case["labels"])
    right = _top_k(scores, labels, k)
    if close(got_value, right):
        return
    if close(got_value, n * right):
        raise Fail("your answer is a count, not a fraction: it is n times too big", f"k={k}")
    lowest = sum(label in sorted(range(len(row)), key=lambda j: row[j])[:k] for row, label in zip(scores, labels)) / n
    if close(got_value, lowest):
        raise Fail("you counted the true class when it is among the k SMALLEST scores: rank from the largest "
                   "score down", f"k={k}")
    if close(got_value, _top_k(scores, labels, k - 1)):
        raise Fail("you took k - 1 positions, not k: with k = 1 a sample counts when its true class has the "
                   "largest score", f"k={k}")
    if k > 1 and close(got_value, _top_k(scores, labels, 1)):
        raise Fail("your answer does not change with k: you still compare with the single largest score only "
                   "(a sample whose true class comes second must count for k >= 2)", f"k={k}")


@topk.test("k = 1 is the ordinary accuracy")
def _(case, got):
    _topk_diagnosis(case, got["k1"], 1)
    expect(got["k1"], _top_k(case["scores"], case["labels"], 1), "with k = 1 a sample counts only when its "
           "true class has the largest score", "top_k_accuracy(..., k=1)")


@topk.test("k = 2 or 3 counts the runners-up", points=2)
def _(case, got):
    k = case["k"]
    _topk_diagnosis(case, got["k"], k)
    expect(got["k"], _top_k(case["scores"], case["labels"], k), "a sample counts when its true class is among "
           "its k largest scores", f"top_k_accuracy(..., k={k})")


@topk.test("k = number of classes")
def _(case, got):
    _topk_diagnosis(case, got["all"], case["classes"])
    if not close(got["all"], 1.0):
        raise Fail("when k is the number of classes every sample must count (the answer is certain); yours "
                   "does not", f"got {got['all']} for k = {case['classes']}")


# ----------------------------------------------------------------------
weighted = Exercise("9.2", "class-weighted cross-entropy", uses=("weighted_cross_entropy",))


def _weighted_ce(probabilities, labels, weights):
    total = sum(weights[c] * -math.log(row[c]) for row, c in zip(probabilities, labels))
    return total / sum(weights[c] for c in labels)


def _random_distribution(rng, classes):
    weights = [rng.uniform(0.05, 1) for _ in range(classes)]
    return [w / sum(weights) for w in weights]


@weighted.cases
def _(rng):
    small = [_random_distribution(rng, 3) for _ in range(rng.randint(5, 8))]
    labels = [0, 1, 2] + [rng.randrange(3) for _ in small[3:]]
    weights = [round(rng.uniform(2, 6), 2), round(rng.uniform(0.3, 1), 2), round(rng.uniform(1.2, 3), 2)]
    p, q = round(rng.uniform(0.2, 0.6), 3), round(rng.uniform(0.05, 0.15), 3)
    many = [[p, (1 - p) / 2, (1 - p) / 2], [(1 - q) / 2, (1 - q) / 2, q]] * 1500  # 3,000 samples
    return {"small": small, "labels": labels, "weights": weights, "many": many, "many_labels": [0, 2] * 1500}


@weighted.probe
def _(got, case, weighted_cross_entropy):
    got["small"] = weighted_cross_entropy(case["small"], case["labels"], case["weights"])


@weighted.probe
def _(got, case, weighted_cross_entropy):
    got["ones"] = weighted_cross_entropy(case["small"], case["labels"], [1.0, 1.0, 1.0])


@weighted.probe
def _(got, case, weighted_cross_entropy):
    got["scaled"] = weighted_cross_entropy(case["small"], case["labels"], [10 * w for w in case["weights"]])


@weighted.probe
def _(got, case, weighted_cross_entropy):
    got["many"] = weighted_cross_entropy(case["many"], case["many_labels"], case["weights"])


def _plain_ce(probabilities, labels):
    return -sum(math.log(row[c]) for row, c in zip(probabilities, labels)) / len(labels)


def _weighted_diagnosis(got_value, probabilities, labels, weights, what):
    right = _weighted_ce(probabilities, labels, weights)
    if close(got_value, right):
        return
    n = len(labels)
    total = sum(weights[c] * -math.log(row[c]) for row, c in zip(probabilities, labels))
    if close(got_value, -right):
        raise Fail("your loss has the wrong sign: it comes out negative, but the log of a probability is never "
                   "positive, so the cross-entropy takes MINUS the logs (a loss to be made small)", what)
    if close(got_value, total):
        raise Fail("you summed the weighted losses but did not divide", what)
    if close(got_value, total / n):
        raise Fail("your loss grows when every weight grows (you divided by the number of samples): a weighted "
                   "mean must not change when all the weights are multiplied by the same number", what)
    if close(got_value, total / sum(weights)):
        raise Fail("you normalised by the class weights counted once per class; but each SAMPLE brings its "
                   "weight, so a class with many samples counts many times", what)
    if close(got_value, _plain_ce(probabilities, labels)):
        raise Fail("the weights have no effect on your answer: each sample's loss is weighted by the weight "
                   "of ITS true class", what)


@weighted.test("all weights 1: the plain cross-entropy")
def _(case, got):
    n = len(case["labels"])
    _weighted_diagnosis(got["ones"], case["small"], case["labels"], [1.0, 1.0, 1.0], f"{n} samples, weights 1")
    expect(got["ones"], _plain_ce(case["small"], case["labels"]), "with every weight 1 this must be the "
           "lecture's cross-entropy: take each sample's probability of its TRUE class",
           f"{n} samples, weights [1, 1, 1]")


@weighted.test("the weights change the answer", points=2)
def _(case, got):
    probabilities, labels, weights = case["small"], case["labels"], case["weights"]
    _weighted_diagnosis(got["small"], probabilities, labels, weights, f"weights {weights}")
    expect(got["small"], _weighted_ce(probabilities, labels, weights), "weight each sample by the weight of "
           "its own true class (the weights are indexed by class, not by sample)", f"weights {weights}")


@weighted.test("scaling every weight by 10 changes nothing")
def _(case, got):
    if not close(got["scaled"], got["small"]):
        raise Fail("multiplying every weight by 10 changed your loss: only the weights' ratios should matter, "
                   "so normalise", "weights times 10")


@weighted.test("3,000 samples: no underflow")
def _(case, got):
    if "many" not in got and any(e.get("error") in ("ValueError", "ZeroDivisionError") for e in got.errors):
        raise Fail("for 3,000 samples your code fails: a product of 3,000 probabilities underflows to 0.0; "
                   "add logs instead")
    _weighted_diagnosis(got["many"], case["many"], case["many_labels"], case["weights"], "3,000 samples")
    expect(got["many"], _weighted_ce(case["many"], case["many_labels"], case["weights"]), "for many samples the "
           "answer is off: work with the logs of the probabilities, never with their product", "3,000 samples")


# ----------------------------------------------------------------------
temperature = Exercise("9.3", "softmax with a temperature", uses=("softmax_t",))


def _softmax_t(logits, T):
    return _softmax([z / T for z in logits])


@temperature.cases
def _(rng):
    small = [round(rng.uniform(-3, 3), 2) for _ in range(3)] + [round(rng.uniform(1.5, 3), 2)]
    while len(set(small)) < 4:
        small = [round(rng.uniform(-3, 3), 2) for _ in range(3)] + [round(rng.uniform(1.5, 3), 2)]
    rng.shuffle(small)
    return {"small": small, "T": round(rng.uniform(2.5, 4), 2),
            "huge": [round(rng.uniform(1000, 1100), 2) for _ in range(3)] + [round(rng.uniform(-5, 5), 2)]}


def _run_t(softmax_t, Value, logits, T):
    zs = [Value(z) for z in logits]
    ps = list(softmax_t(zs, T))
    return zs, ps


@temperature.probe
def _(got, case, softmax_t):
    from micrograd_course.engine import Value

    zs, ps = _run_t(softmax_t, Value, case["small"], case["T"])
    got["T"] = [p.data for p in ps]
    ps[0].backward()
    got["grads"] = [z.grad for z in zs]


@temperature.probe
def _(got, case, softmax_t):
    from micrograd_course.engine import Value

    got["T1"] = [p.data for p in _run_t(softmax_t, Value, case["small"], 1.0)[1]]


@temperature.probe
def _(got, case, softmax_t):
    from micrograd_course.engine import Value

    got["cold"] = [p.data for p in _run_t(softmax_t, Value, case["small"], 0.001)[1]]
    got["hot"] = [p.data for p in _run_t(softmax_t, Value, case["small"], 1e6)[1]]


@temperature.probe
def _(got, case, softmax_t):
    from micrograd_course.engine import Value

    got["huge"] = [p.data for p in _run_t(softmax_t, Value, case["huge"], 1.0)[1]]


def _all_close(got, want):
    return isinstance(got, list) and len(got) == len(want) and all(close(g, w) for g, w in zip(got, want))


@temperature.test("T = 1 is the ordinary softmax")
def _(case, got):
    if not _all_close(got["T1"], _softmax(case["small"])):
        if isinstance(got["T1"], list) and got["T1"] and not close(sum(got["T1"]), 1.0):
            raise Fail("your probabilities do not add up to 1: divide each exponential by their sum",
                       f"sum {sum(got['T1']):.6g}")
        raise Fail("with T = 1 this must be the lecture's softmax", f"softmax_t({case['small']}, 1)")


@temperature.test("T = 2.5 to 4 flattens the distribution")
def _(case, got):
    logits, T = case["small"], case["T"]
    if _all_close(got["T"], _softmax([z * T for z in logits])):
        raise Fail("with T > 1 your distribution got SHARPER: a high temperature must make the classes "
                   "more alike, so the logits should shrink, not grow", f"T={T}")
    if not _all_close(got["T"], _softmax_t(logits, T)):
        raise Fail("with T > 1 the probabilities are off: each logit is scaled by the temperature before "
                   "the softmax", f"softmax_t({logits}, {T})")


@temperature.test("T -> 0 and T -> infinity")
def _(case, got):
    logits = case["small"]
    cold = got["cold"] if "cold" in got else None
    if cold is None and any(e.get("error") == "OverflowError" for e in got.errors) or \
            isinstance(cold, list) and not all(isinstance(p, float) and math.isfinite(p) for p in cold):
        raise Fail("at a tiny T your code overflows (or gives nan): dividing by T = 0.001 makes the numbers you "
                   "exponentiate huge, so the shift must be the largest of THOSE numbers")
    if _all_close(cold, [1 / len(logits)] * len(logits)):
        raise Fail("your temperature acts the wrong way round: at a tiny T you get equal probabilities, which "
                   "belong to a huge T", "T=0.001")
    # Compared with the softmax at these temperatures, not with their limits: two logits 0.01 apart keep
    # e^-10 of the probability on the runner-up at T = 0.001 (a correct answer failed on 21 of 3,000 seeds).
    if not _all_close(got["cold"], _softmax_t(logits, 0.001)):
        raise Fail("at a tiny temperature the softmax must become the argmax (all probability on the largest "
                   "logit); yours does not", "T=0.001")
    if not _all_close(got["hot"], _softmax_t(logits, 1e6)):
        raise Fail("at a huge temperature every class must get nearly the same probability; yours do not",
                   "T=1e6")


@temperature.test("logits of 1000 or more do not overflow")
def _(case, got):
    if "huge" not in got or not all(isinstance(p, float) and math.isfinite(p) for p in got["huge"]):
        raise Fail("logits above 1000 overflowed (or gave nan): e^1000 is too big for a float; the softmax "
                   "does not change when you shift every logit by the same number, so shift first",
                   f"logits {case['huge']}")
    if not _all_close(got["huge"], _softmax(case["huge"])):
        raise Fail("for logits above 1000 the probabilities are off: shift every logit by the same number",
                   f"logits {case['huge']}")


@temperature.test("built from Values: backward() works")
def _(case, got):
    logits, T = case["small"], case["T"]
    if not _all_close(got["T"], _softmax_t(logits, T)):
        raise Fail("the probabilities at this T are wrong (see above), so their gradient is too: fix that first")
    p = _softmax_t(logits, T)
    for k, g in enumerate(got["grads"]):
        want = p[0] * ((1 if k == 0 else 0) - p[k]) / T
        expect(g, want, "the gradient of p[0] is off: build the probabilities from Value operations (the "
               "shift may be a plain number), so backward() reaches every logit",
               f"d p[0] / d z[{k}] at T={T}")


# ----------------------------------------------------------------------
batches = Exercise("9.4", "mini-batches that cover every sample once", uses=("minibatches",))


@batches.cases
def _(rng):
    size = rng.randint(3, 5)   # 3 or more, so that a left-over of 2 or more exists
    full = rng.randint(2, 4)
    # Besides the drawn case, always three more: n a multiple of the size, n with a left-over of 2 or more
    # (a dropped partial batch shows), and n with a left-over of exactly 1 (range(0, n - 1, size) shows).
    shapes = [[full * size, size], [full * size + rng.randint(2, size - 1), size],
              [(full + 1) * size + 1, size], [rng.randint(7, 20), rng.randint(2, 5)]]
    return {"n": rng.randint(7, 20), "size": rng.randint(2, 5), "seed": rng.randint(0, 1000), "shapes": shapes}


@batches.probe
def _(got, case, minibatches):
    got["batches"] = [list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"])]
    got["again"] = [list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"])]
    got["others"] = [[list(b) for b in minibatches(case["n"], case["size"], seed=case["seed"] + k)] for k in (1, 2)]


@batches.probe
def _(got, case, minibatches):
    got["shapes"] = [[list(b) for b in minibatches(n, size, seed=case["seed"])] for n, size in case["shapes"]]


def _batch_shapes(case, got):
    """Every (n, size) the probe tried, with the batches it got."""
    return [(case["n"], case["size"], got["batches"])] + [(n, size, b) for (n, size), b in zip(case["shapes"], got["shapes"])]


def _batch_mistake(case, got):
    """What a wrong set of batches did, read from all the shapes tried; None when nothing matches."""
    lost_partial, lost_single, other = False, False, False
    for n, size, batches in _batch_shapes(case, got):
        lengths = [len(b) for b in batches]
        right = [size] * (n // size) + ([n % size] if n % size else [])
        if lengths == right and sorted(i for b in batches for i in b) == list(range(n)):
            continue
        if lengths == [size] * (n // size) and n % size:
            if n % size == 1:
                lost_single = True
            else:
                lost_partial = True
        else:
            other = True
    if other:
        return None
    if lost_partial:
        return ("the last, smaller batch is dropped: when n is not a multiple of batch_size, the samples left "
                "after the full batches (fewer than batch_size) must still form one batch of their own")
    if lost_single:
        return ("the last sample is lost when exactly one is left over after the full batches (n = 13 with "
                "batch_size 4, say): your loop over the batch starts stops one position short of n, so the batch "
                "that would hold that last sample never starts")
    return None


@batches.test("every index exactly once")
def _(case, got):
    mistake = _batch_mistake(case, got)
    for n, size, batches in _batch_shapes(case, got):
        flat = sorted(i for batch in batches for i in batch)
        if flat != list(range(n)):
            raise Fail(mistake or "the batches together should hold each index 0..n-1 exactly once",
                       f"all indices in minibatches({n}, {size}): expected {list(range(n))!r}, got {flat!r}")


@batches.test("batch sizes")
def _(case, got):
    mistake = _batch_mistake(case, got)
    for n, size, batches in _batch_shapes(case, got):
        expected = [size] * (n // size) + ([n % size] if n % size else [])
        lengths = [len(b) for b in batches]
        if lengths != expected:
            raise Fail(mistake or "full batches of batch_size, then one smaller batch with what is left",
                       f"batch sizes for n={n}, batch_size={size}: expected {expected!r}, got {lengths!r}")


@batches.test("shuffled, and repeatable with the seed")
def _(case, got):
    expect_equal(got["again"], got["batches"], "the same seed must give the same batches (random.Random(seed))",
                 "two calls with the same seed")
    if all(other == got["batches"] for other in got["others"]):
        raise Fail("the batches are the same for every seed: shuffle the indices first")


# ----------------------------------------------------------------------
smoothing = Exercise("9.5", "label-smoothed cross-entropy", uses=("smoothed_cross_entropy",))


def _smoothed_ce(logits, label, eps):
    K = len(logits)
    p = _softmax(logits)
    q = [(1 - eps) * (k == label) + eps / K for k in range(K)]
    return -sum(qk * math.log(pk) for qk, pk in zip(q, p))


@smoothing.cases
def _(rng):
    K = rng.randint(3, 5)
    logits = [round(rng.uniform(-3, 3), 2) for _ in range(K)]
    return {"logits": logits, "label": rng.randrange(K), "eps": round(rng.uniform(0.1, 0.3), 2),
            "huge": [round(rng.uniform(1000, 1200), 1) for _ in range(K)], "huge_label": rng.randrange(K)}


@smoothing.probe
def _(got, case, smoothed_cross_entropy):
    from micrograd_course.engine import Value

    zs = [Value(z) for z in case["logits"]]
    loss = smoothed_cross_entropy(zs, case["label"], case["eps"])
    loss.backward()
    got["loss"], got["grads"] = loss.data, [z.grad for z in zs]


@smoothing.probe
def _(got, case, smoothed_cross_entropy):
    from micrograd_course.engine import Value

    got["eps0"] = smoothed_cross_entropy([Value(z) for z in case["logits"]], case["label"], 0.0).data


@smoothing.probe
def _(got, case, smoothed_cross_entropy):
    from micrograd_course.engine import Value

    got["huge"] = smoothed_cross_entropy([Value(z) for z in case["huge"]], case["huge_label"], case["eps"]).data


@smoothing.test("eps = 0 is the ordinary cross-entropy")
def _(case, got):
    plain = _smoothed_ce(case["logits"], case["label"], 0.0)
    if close(got["eps0"], -plain):
        raise Fail("your loss has the wrong sign: it must be positive, and smaller when the true class is likely")
    expect(got["eps0"], plain, "with eps = 0 this must be the lecture's cross-entropy of one sample",
           f"logits {case['logits']}, label {case['label']}")


@smoothing.test("eps > 0: the smoothed target", points=2)
def _(case, got):
    logits, label, eps = case["logits"], case["label"], case["eps"]
    K = len(logits)
    p = _softmax(logits)
    logp = [math.log(v) for v in p]
    if close(got["loss"], _smoothed_ce(logits, label, 0.0)):
        raise Fail("eps has no effect on your loss: part of the target's weight must move from the true class "
                   "to all classes")
    # eps/K only on the wrong classes: the target no longer sums to 1
    if close(got["loss"], -((1 - eps) * logp[label] + sum(eps / K * logp[k] for k in range(K) if k != label))):
        raise Fail("your target does not add up to 1: every class, the true one included, gets an equal share "
                   "of eps")
    if close(got["loss"], -((1 - eps) * logp[label] + sum(eps / (K - 1) * logp[k] for k in range(K) if k != label))):
        raise Fail("you spread eps over the other classes only; in this exercise every class, the true one "
                   "included, gets an equal share of it")
    if close(got["loss"], -((1 - eps) * logp[label] + sum(eps * logp[k] for k in range(K)))):
        raise Fail("your target adds up to more than 1: eps must be shared out among the classes, not given "
                   "to each")
    expect(got["loss"], _smoothed_ce(logits, label, eps), "the loss is off: it is the cross-entropy against "
           "the smoothed target, a mix of the one-hot target and the uniform one",
           f"logits {logits}, label {label}, eps {eps}")


def _loss_right(case, got):
    return close(got["loss"], _smoothed_ce(case["logits"], case["label"], case["eps"]))


@smoothing.test("its gradient")
def _(case, got):
    logits, label, eps = case["logits"], case["label"], case["eps"]
    if not _loss_right(case, got):
        raise Fail("the loss for eps > 0 is wrong (see above), so its gradient is too: fix that first")
    K = len(logits)
    p = _softmax(logits)
    for k, g in enumerate(got["grads"]):
        want = p[k] - ((1 - eps) * (k == label) + eps / K)
        expect(g, want, "the loss is right but its gradient is off: build the loss from Value "
               "operations so backward() reaches every logit", f"d loss / d z[{k}]")


@smoothing.test("logits of 1000 or more do not overflow")
def _(case, got):
    want = _smoothed_ce(case["huge"], case["huge_label"], case["eps"])
    if "huge" not in got or not (isinstance(got["huge"], float) and math.isfinite(got["huge"])):
        raise Fail("logits above 1000 overflowed (or gave nan): never exponentiate a logit that large; the "
                   "log of a softmax can be written with log-sum-exp and the largest logit pulled out",
                   f"logits {case['huge']}")
    if not _loss_right(case, got):
        raise Fail("the loss for eps > 0 is wrong (see above): fix that first")
    expect(got["huge"], want, "for logits above 1000 your loss is off: shift every logit by the largest one",
           f"logits {case['huge']}, label {case['huge_label']}")
