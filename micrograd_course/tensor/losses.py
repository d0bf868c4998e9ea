"""Loss functions on ``Tensor``: each returns the mean over the batch as a one-element Tensor.

They are written with the Tensor ops, so their gradients come from the ops'
own rules; nothing here has a backward of its own.
"""

import numpy as np

from .engine import Tensor, _as_tensor

__all__ = ["log_softmax", "softmax", "cross_entropy", "hinge_loss", "mse_loss", "accuracy"]


def log_softmax(logits, axis=-1):
    """log(softmax(logits)) along ``axis``, via the log-sum-exp trick.

    log softmax(z)_i = z_i - log(sum_j e ** z_j). Subtracting the largest
    score m first (z - m, a constant shift) leaves the result unchanged,
    because softmax(z - m) = softmax(z), and means exp never sees a number
    above 0: nothing overflows, and the sum is at least 1, so its log is safe.
    """
    logits = _as_tensor(logits, "log_softmax")
    if logits.ndim == 0:
        raise ValueError("log_softmax needs at least one axis of scores, got a single number.")
    m = logits.data.max(axis=axis, keepdims=True)  # a plain array: a constant for the graph
    shifted = logits - m
    return shifted - shifted.exp().sum(axis=axis, keepdims=True).log()


def softmax(logits, axis=-1):
    """Scores to probabilities along ``axis``: positive, summing to 1."""
    return log_softmax(logits, axis=axis).exp()


def _class_indices(targets, logits):
    """``targets`` as an integer array with one class index per row of ``logits``, checked."""
    targets = np.asarray(targets.data if isinstance(targets, Tensor) else targets)
    if targets.dtype.kind not in "iu":
        if targets.dtype.kind == "f" and targets.size and (targets == np.round(targets)).all():
            targets = targets.astype(np.int64)
        else:
            raise TypeError(
                f"cross_entropy: targets must be integer class indices (0 to {logits.shape[-1] - 1}), "
                f"got dtype {targets.dtype}. Pass the labels themselves, e.g. np.array([2, 0, 1]), "
                f"not one-hot rows or probabilities."
            )
    expected = logits.shape[:-1]
    if targets.shape != expected:
        raise ValueError(
            f"cross_entropy: logits of shape {logits.shape} need one target per row, i.e. targets "
            f"of shape {expected}; got shape {targets.shape}."
        )
    classes = logits.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= classes):
        bad = targets[(targets < 0) | (targets >= classes)].flat[0]
        raise ValueError(
            f"cross_entropy: target class {bad} is out of range for {classes} scores (0 to {classes - 1})."
        )
    return targets


def cross_entropy(logits, targets):
    """Mean of -log softmax(logits)[target] over a batch.

    ``logits`` has shape (batch, classes) (or (classes,) for one sample);
    ``targets`` holds each sample's class index. The picking is a product
    with a one-hot array followed by a sum, so its gradient is the one-hot
    pattern: only the target's log-probability is pushed up.
    """
    logits = _as_tensor(logits, "cross_entropy")
    if logits.ndim == 0:
        raise ValueError("cross_entropy needs scores with a class axis, got a single number.")
    targets = _class_indices(targets, logits)
    if logits.ndim > 1 and logits.shape[0] == 0:
        raise ValueError("cross_entropy: no samples given (an empty batch).")
    one_hot = np.zeros(logits.shape)
    np.put_along_axis(one_hot, targets[..., np.newaxis], 1.0, axis=-1)
    picked = (log_softmax(logits) * one_hot).sum(axis=-1)
    return -picked.mean()


def _matching(predictions, targets, name):
    """``targets`` as an array of the predictions' shape (the same number of entries required)."""
    predictions = _as_tensor(predictions, name)
    t = np.asarray(targets.data if isinstance(targets, Tensor) else targets, dtype=np.float64)
    if t.size != predictions.size:
        raise ValueError(
            f"{name}: got {predictions.size} predictions (shape {predictions.shape}) but "
            f"{t.size} targets (shape {t.shape}); they must pair up one to one."
        )
    if predictions.size == 0:
        raise ValueError(f"{name}: no samples given (empty).")
    # Reshaping (not broadcasting): scores (n, 1) against labels (n,) would broadcast to (n, n).
    return predictions, t.reshape(predictions.shape)


def hinge_loss(scores, labels):
    """SVM max-margin loss: mean of relu(1 - label * score), labels in {-1, +1}."""
    scores, labels = _matching(scores, labels, "hinge_loss")
    if not np.isin(labels, (-1.0, 1.0)).all():
        raise ValueError("hinge_loss: labels must be -1 or +1 (convert 0/1 labels with 2 * y - 1).")
    return (1.0 - labels * scores).relu().mean()


def mse_loss(predictions, targets):
    """Mean squared error: mean of (prediction - target) ** 2."""
    predictions, targets = _matching(predictions, targets, "mse_loss")
    return ((predictions - targets) ** 2).mean()


def accuracy(logits, targets):
    """Fraction of rows whose largest score is the target class (a plain float, no gradient)."""
    logits = _as_tensor(logits, "accuracy")
    targets = _class_indices(targets, logits)
    return float((logits.data.argmax(axis=-1) == targets).mean())
