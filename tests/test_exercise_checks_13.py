"""Notebook 13's exercise checks, in-process: right answers score full marks, classic mistakes lose points."""

import pytest

pytest.importorskip("numpy")
pytest.importorskip("sklearn", reason="the digits come from scikit-learn (the course extra installs it)")

from micrograd_course.coursework import framework  # noqa: E402

EXERCISES = framework.load_all()

PREAMBLE = '''
import numpy as np
from micrograd_course.datasets import load_digits
from micrograd_course.tensor import MLP, SGD, accuracy, cross_entropy

def train(model, X, y, epochs, lr=0.1, batch_size=32, seed=0):
    optimizer = SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss = cross_entropy(model(X[batch] / 16), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model

def shift(images, dx, dy):
    src = images.reshape(-1, 8, 8)
    out = np.zeros_like(src)
    out[:, max(dy, 0):8 + min(dy, 0), max(dx, 0):8 + min(dx, 0)] = \\
        src[:, max(-dy, 0):8 + min(-dy, 0), max(-dx, 0):8 + min(-dx, 0)]
    return out.reshape(len(src), 64)
'''


def earned(exercise_id, code, seed, namespace=None):
    if namespace is None:
        namespace = {}
        exec(PREAMBLE + code, namespace)
    exercise = EXERCISES[exercise_id]
    case = exercise.make_case(seed)
    result = framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=False)
    return result["earned"], result["points"], " ".join(t["hint"] or "" for t in result["tests"])


PER_CLASS_RIGHT = '''
def per_class_accuracy(confusion):
    return np.diag(confusion) / confusion.sum(axis=1)
'''
PER_CLASS_COLUMNS = '''
def per_class_accuracy(confusion):
    with np.errstate(invalid="ignore", divide="ignore"):  # a never-predicted class: 0 / 0
        return np.diag(confusion) / confusion.sum(axis=0)
'''
PER_CLASS_LOOPS = '''
def per_class_accuracy(confusion):
    return [row[k] / sum(row) for k, row in enumerate(confusion.tolist())]
'''
STEP = '''
def sgd_step(model, X_batch, y_batch, lr):
    ZERO
    loss = cross_entropy(model(X_batch), y_batch)
    loss.backward()
    for p in model.parameters():
        p.data SIGN lr * p.grad
    return loss.item()
'''
STEP_RIGHT = STEP.replace("ZERO", "model.zero_grad()").replace("SIGN", "-=")
STEP_NO_ZERO = STEP.replace("ZERO", "pass").replace("SIGN", "-=")
STEP_UPHILL = STEP.replace("ZERO", "model.zero_grad()").replace("SIGN", "+=")
STEP_LOSS_AFTER = STEP_RIGHT.replace("return loss.item()", "return cross_entropy(model(X_batch), y_batch).item()")
SWEEP = '''
def hidden_size_sweep(sizes, data, epochs, seed):
    X_tr, y_tr, X_te, y_te = data
    results = {}
    for h in sizes:
        model = train(MLP(64, [h, 10], seed=seed, init="scaled"), X_tr, y_tr, epochs=EPOCHS, seed=seed)
        results[h] = accuracy(model(X_EVAL / 16), Y_EVAL)
    return results
'''
SWEEP_RIGHT = SWEEP.replace("EPOCHS", "epochs").replace("X_EVAL", "X_te").replace("Y_EVAL", "y_te")
SWEEP_ON_TRAINING = SWEEP.replace("EPOCHS", "epochs").replace("X_EVAL", "X_tr").replace("Y_EVAL", "y_tr")
SWEEP_UNTRAINED = SWEEP.replace("EPOCHS", "0").replace("X_EVAL", "X_te").replace("Y_EVAL", "y_te")
ROBUST = '''
X_train, y_train, X_test, y_test = load_digits()
moves = MOVES
X_aug = np.concatenate([shift(X_train, dx, dy) for dx, dy in moves])
model = train(MLP(64, [64, 10], seed=0, init="scaled"), X_aug, np.tile(y_train, len(moves)), epochs=EPOCHS)

def predict_robust(images):
    return model(np.asarray(images) / 16).data.argmax(axis=1)
'''
ROBUST_RIGHT = ROBUST.replace("MOVES", "[(dx, dy) for dx in range(-2, 3) for dy in range(-1, 2)]").replace(
    "EPOCHS", "4")
ROBUST_PLAIN = ROBUST.replace("MOVES", "[(0, 0)]").replace("EPOCHS", "20")


@pytest.fixture(scope="module")
def robust_namespaces():
    namespaces = {}
    for name, code in (("right", ROBUST_RIGHT), ("plain", ROBUST_PLAIN)):
        namespaces[name] = {}
        exec(PREAMBLE + code, namespaces[name])
    return namespaces


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("exercise_id,code", [
    ("13.1", PER_CLASS_RIGHT), ("13.1", PER_CLASS_LOOPS), ("13.2", STEP_RIGHT), ("13.3", SWEEP_RIGHT)])
def test_right_answers_score_full_marks(exercise_id, code, seed):
    got, points, hints = earned(exercise_id, code, seed)
    assert got == points, hints


@pytest.mark.parametrize("seed", range(3))
def test_a_robust_model_scores_full_marks_on_any_shifts(robust_namespaces, seed):
    got, points, hints = earned("13.4", "", seed, robust_namespaces["right"])
    assert got == points, hints


@pytest.mark.parametrize("exercise_id,code,expected,words", [
    ("13.1", PER_CLASS_COLUMNS, 1, "divided by a column sum"),
    ("13.2", STEP_NO_ZERO, 3, "backward() adds to .grad"),
    ("13.2", STEP_UPHILL, 1, "moved uphill"),
    ("13.2", STEP_LOSS_AFTER, 3, "computed before the parameters move"),
    ("13.3", SWEEP_ON_TRAINING, 3, "judge each model on the TEST images"),
    ("13.3", SWEEP_UNTRAINED, 2, "train each MLP"),
])
def test_classic_mistakes_lose_points(exercise_id, code, expected, words):
    got, points, hints = earned(exercise_id, code, seed=11)
    assert got == expected < points and words in hints, hints


def test_a_model_trained_on_centred_digits_only_fails_the_shifted_tests(robust_namespaces):
    got, points, hints = earned("13.4", "", 4, robust_namespaces["plain"])
    assert got == 2 and "data augmentation" in hints  # one label per image; still reads centred digits


def test_a_wrong_number_of_labels_is_named():
    got, points, hints = earned("13.4", "def predict_robust(images):\n    return [0]\n", 1)
    assert got == 0 and "one label (0 to 9) per image" in hints


def test_the_earlier_batch_always_leaves_gradients_a_correct_step_must_clear():
    """A correct sgd_step once lost a point on a seed (2110151746) where the earlier batch's gradients were
    exactly 0 (dead relus, three different labels): the stale step then looked right. Never again."""
    from micrograd_course.coursework.exercises import nb13

    step = framework.load_all()["13.2"]
    for seed in [2110151746, *range(400)]:
        case = step.make_case(seed)
        assert not nb13._same(nb13._reference(case, stale=True)[1], nb13._reference(case)[1]), seed
