"""Notebook 13: handwritten digits.

13.1 accuracy per class from a confusion matrix (easy).
13.2 one SGD step on a mini-batch with the tensor engine (medium).
13.3 a hidden-size sweep judged on the test set (stretch).
13.4 a classifier that reads digits drawn off-centre, graded on shifted test images (stretch, open-ended).

The digits come from ``micrograd_course.datasets.load_digits`` (scikit-learn's
bundled copy), on the probe's side and, for the labels, on the judge's.
"""

import functools

from ..framework import Exercise, Fail, close, expect, expect_equal, is_number


def _shift(images, dx, dy):
    """8x8 images (rows of 64) moved dx pixels right and dy pixels down; what leaves the frame is lost."""
    import numpy as np

    src = np.asarray(images, dtype=float).reshape(-1, 8, 8)
    out = np.zeros_like(src)
    out[:, max(dy, 0):8 + min(dy, 0), max(dx, 0):8 + min(dx, 0)] = \
        src[:, max(-dy, 0):8 + min(-dy, 0), max(-dx, 0):8 + min(-dx, 0)]
    return out.reshape(len(src), 64)


@functools.lru_cache(maxsize=1)
def _digits():
    from micrograd_course.datasets import load_digits

    return load_digits()


# ----------------------------------------------------------------------
per_class = Exercise("13.1", "accuracy per class from a confusion matrix", uses=("per_class_accuracy",))


@per_class.cases
def _(rng):
    classes = rng.randint(3, 6)
    matrix = [[rng.randint(0, 6) for _ in range(classes)] for _ in range(classes)]
    for k in range(classes):
        matrix[k][k] = rng.randint(8, 30)
    matrix[0][1] += 9  # rows and columns sums differ: class 0 is often read as 1
    never = rng.randrange(1, classes)  # a class the model never predicts: its column is 0
    unpredicted = [row[:] for row in matrix]
    for row in unpredicted:
        row[never] = 0
    unpredicted[never][(never + 1) % classes] += 5  # its images go elsewhere
    return {"confusion": matrix, "unpredicted": unpredicted, "never": never}


@per_class.probe
def _(got, case, per_class_accuracy):
    import numpy as np

    got["accuracy"] = [float(a) for a in per_class_accuracy(np.array(case["confusion"]))]


@per_class.probe
def _(got, case, per_class_accuracy):
    import numpy as np

    got["unpredicted"] = [float(a) for a in per_class_accuracy(np.array(case["unpredicted"]))]


def _recalls(matrix):
    return [row[k] / sum(row) for k, row in enumerate(matrix)]


@per_class.test("one accuracy per class, in class order")
def _(case, got):
    expect_equal(len(got["accuracy"]), len(case["confusion"]), "return one number for each class (each row of "
                 "the matrix)", f"the number of accuracies for a {len(case['confusion'])}-class matrix")


@per_class.test("right answers over the class's images", points=2)
def _(case, got):
    matrix = case["confusion"]
    columns = [matrix[k][k] / sum(row[k] for row in matrix) for k in range(len(matrix))]
    if len(got["accuracy"]) == len(matrix) and all(close(a, c) for a, c in zip(got["accuracy"], columns)):
        raise Fail("you divided by a column sum: a column counts what the model PREDICTED as that class; "
                   "the images of a class are its ROW")
    for k, (a, expected) in enumerate(zip(got["accuracy"], _recalls(matrix))):
        expect(a, expected, "a class's accuracy is its diagonal entry (read right) divided by all images of "
               "that class (its row)", f"accuracy of class {k} in {matrix}")


@per_class.test("a class the model never predicts scores 0")
def _(case, got):
    accuracies = got["unpredicted"]
    if len(accuracies) != len(case["unpredicted"]):
        raise Fail("return one number for each class (each row of the matrix)")
    for k, (a, expected) in enumerate(zip(accuracies, _recalls(case["unpredicted"]))):
        expect(a, expected, "when a class is never predicted, its column is all 0: divide by its row, "
               "which still holds its images", f"accuracy of class {k} in {case['unpredicted']}")


# ----------------------------------------------------------------------
step = Exercise("13.2", "one SGD step on a mini-batch", uses=("sgd_step",))


@step.cases
def _(rng):
    nin, hidden, classes, batch = rng.randint(3, 6), rng.randint(3, 5), rng.randint(3, 4), rng.randint(4, 7)
    return {"sizes": [nin, hidden, classes], "seed": rng.randint(0, 10_000), "lr": round(rng.uniform(0.05, 0.5), 3),
            "X": [[round(rng.uniform(0, 1), 3) for _ in range(nin)] for _ in range(batch)],
            "y": [rng.randrange(classes) for _ in range(batch)],
            "old_X": [[round(rng.uniform(0, 1), 3) for _ in range(nin)] for _ in range(3)],
            # One class for the whole earlier batch: its output-bias gradient, mean(p) - onehot, is never 0.
            # (Three different labels could cancel it exactly when the relus are dead: a stale step looked right.)
            "old_y": [rng.randrange(classes)] * 3}


def _model(case):
    from micrograd_course.tensor import MLP

    nin, hidden, classes = case["sizes"]
    return MLP(nin, [hidden, classes], seed=case["seed"])


def _batch(case, old=False):
    import numpy as np

    return np.array(case["old_X" if old else "X"]), np.array(case["old_y" if old else "y"])


@step.probe
def _(got, case, sgd_step):
    model = _model(case)
    loss = sgd_step(model, *_batch(case), case["lr"])
    got["loss"] = float(loss.item() if hasattr(loss, "item") else loss)
    got["parameters"] = [p.data.tolist() for p in model.parameters()]


@step.probe
def _(got, case, sgd_step):
    from micrograd_course.tensor import cross_entropy

    model = _model(case)
    X_old, y_old = _batch(case, old=True)
    cross_entropy(model(X_old), y_old).backward()  # an earlier step's gradients, still in .grad
    sgd_step(model, *_batch(case), case["lr"])
    got["after_old_gradients"] = [p.data.tolist() for p in model.parameters()]


def _reference(case, stale=False, sign=-1):
    """The parameters after one step (stale: with the earlier batch's gradients left in; sign=+1: uphill)."""
    from micrograd_course.tensor import cross_entropy

    model = _model(case)
    if stale:
        cross_entropy(model(_batch(case, old=True)[0]), _batch(case, old=True)[1]).backward()
    loss = cross_entropy(model(_batch(case)[0]), _batch(case)[1])
    loss.backward()
    return loss.item(), [(p.data + sign * case["lr"] * p.grad).tolist() for p in model.parameters()]


def _same(got, expected):
    import numpy as np

    try:
        return len(got) == len(expected) and all(np.allclose(np.array(g, dtype=float), e, rtol=1e-7, atol=1e-9)
                                                 for g, e in zip(got, expected))
    except (TypeError, ValueError):
        return False


@step.test("returns the batch's loss before the step")
def _(case, got):
    before, _ = _reference(case)
    expect(got["loss"], before, "return the mean cross-entropy of this batch, computed before the parameters move",
           "the loss sgd_step returned", tol=1e-9)


@step.test("every parameter moves by -lr times its gradient", points=2)
def _(case, got):
    if _same(got["parameters"], _reference(case, sign=+1)[1]):
        raise Fail("the parameters moved uphill: subtract lr * grad (step against the gradient)")
    if not _same(got["parameters"], _reference(case)[1]):
        raise Fail("forward the batch, take the cross-entropy, backward(), then p.data -= lr * p.grad for every "
                   "parameter of the model", "the parameters after one step differ from the expected ones")


@step.test("gradients left over from an earlier step are cleared first")
def _(case, got):
    if _same(got["after_old_gradients"], _reference(case, stale=True)[1]):
        raise Fail("backward() adds to .grad: clear the old gradients (model.zero_grad() or the optimizer's "
                   "zero_grad) before this batch's backward()")
    if not _same(got["after_old_gradients"], _reference(case)[1]):
        raise Fail("with old gradients in .grad the step must be the same as without: zero them, then backward")


# ----------------------------------------------------------------------
sweep = Exercise("13.3", "a hidden-size sweep judged on the test set", uses=("hidden_size_sweep",),
                 after=("13.2",))

SWEEP_TRAIN, SWEEP_TEST = 300, 149  # 149 is prime: a training accuracy (k/300) is never a multiple of 1/149


@sweep.cases
def _(rng):
    return {"sizes": [1, rng.choice([24, 32, 48])], "seed": rng.randint(0, 1000), "epochs": 15,
            "offset": rng.randint(0, 1347 - SWEEP_TRAIN)}


@sweep.probe
def _(got, case, hidden_size_sweep):
    X_train, y_train, X_test, y_test = _digits()
    start = case["offset"]
    data = (X_train[start:start + SWEEP_TRAIN], y_train[start:start + SWEEP_TRAIN],
            X_test[:SWEEP_TEST], y_test[:SWEEP_TEST])
    results = hidden_size_sweep(case["sizes"], data, epochs=case["epochs"], seed=case["seed"])
    got["results"] = {str(size): results[size] for size in results}


def _results(case, got):
    results = got["results"]
    if not isinstance(results, dict) or sorted(results) != sorted(str(s) for s in case["sizes"]):
        raise Fail("return a dict with one entry per hidden size asked for: {size: test accuracy}",
                   f"keys {sorted(results) if isinstance(results, dict) else results}, sizes {case['sizes']}")
    if not all(is_number(v) for v in results.values()):
        raise Fail("each value is an accuracy: a number between 0 and 1")
    return {int(k): v for k, v in results.items()}


@sweep.test("one accuracy per hidden size")
def _(case, got):
    _results(case, got)


@sweep.test("accuracies measured on the test set")
def _(case, got):
    for size, value in _results(case, got).items():
        counted = value * SWEEP_TEST
        if not (0 < value < 1 and abs(counted - round(counted)) < 1e-6):
            raise Fail("judge each model on the TEST images and labels (the last two items of data), as the "
                       "fraction of them it reads right", f"hidden size {size}: accuracy {value}")


@sweep.test("a wide hidden layer reads far more digits than a single unit", points=2)
def _(case, got):
    results = _results(case, got)
    narrow, wide = results[1], results[max(case["sizes"])]
    if not (wide >= 0.5 and wide >= narrow + 0.3):
        raise Fail("train each MLP(64, [size, 10]) for the given epochs (pixels divided by 16, mini-batches, "
                   "SGD) before measuring it: one hidden unit is a bottleneck, dozens are not",
                   f"accuracies {results}")


# ----------------------------------------------------------------------
robust = Exercise("13.4", "reading digits drawn off-centre", uses=("predict_robust",))

SHIFTS = [(dx, dy) for dx in range(-2, 3) for dy in range(-1, 2) if (dx, dy) != (0, 0)]


@robust.cases
def _(rng):
    return {"shifts": [list(rng.choice(SHIFTS)) for _ in range(450)]}


def _shifted_test_images(case):
    import numpy as np

    X_test = _digits()[2]
    return np.concatenate([_shift(x[None], dx, dy) for x, (dx, dy) in zip(X_test, case["shifts"])])


@robust.probe
def _(got, case, predict_robust):
    got["shifted"] = [int(label) for label in predict_robust(_shifted_test_images(case))]


@robust.probe
def _(got, case, predict_robust):
    got["centred"] = [int(label) for label in predict_robust(_digits()[2].copy())]


def _accuracy(got, key):
    y_test = _digits()[3]
    labels = got[key]
    if not isinstance(labels, list) or len(labels) != len(y_test):
        raise Fail("predict_robust(images) returns one label (0 to 9) per image: an array of len(images)",
                   f"{len(labels) if isinstance(labels, list) else labels} labels for {len(y_test)} images")
    return sum(int(a == b) for a, b in zip(labels, y_test.tolist())) / len(y_test)


HINT = ("a model trained on centred digits only has never seen a shifted one: train it on shifted copies of the "
        "training images too (data augmentation), or move each image's ink to the middle before reading it")


@robust.test("one label per image")
def _(case, got):
    _accuracy(got, "shifted")


@robust.test("reads more than half of the shifted test digits")
def _(case, got):
    accuracy = _accuracy(got, "shifted")
    if accuracy <= 0.5:
        raise Fail(HINT, f"accuracy on 450 shifted test images: {accuracy:.3f}")


@robust.test("reads at least 75 % of the shifted test digits", points=2)
def _(case, got):
    accuracy = _accuracy(got, "shifted")
    if accuracy < 0.75:
        raise Fail(HINT + "; more shifts, or more epochs, may be what is missing",
                   f"accuracy on 450 shifted test images: {accuracy:.3f}")


@robust.test("still reads at least 85 % of the centred test digits")
def _(case, got):
    accuracy = _accuracy(got, "centred")
    if accuracy < 0.85:
        raise Fail("robust to shifts, but now worse on ordinary digits: keep the unshifted images in the training "
                   "set too", f"accuracy on the 450 centred test images: {accuracy:.3f}")
