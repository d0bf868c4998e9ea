"""Loss functions over lists of ``Value`` (or plain numbers for targets).

Every loss returns the mean over the samples, as a single ``Value`` you can
call ``backward()`` on.
"""

import math

from .engine import Value

__all__ = [
    "mse_loss", "hinge_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "softmax", "log_softmax",
    "cross_entropy", "l2_penalty", "accuracy",
]


def _check_pairs(predictions, targets, name):
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}: got {len(predictions)} predictions but {len(targets)} targets; "
            f"they must pair up one to one."
        )
    if not predictions:
        raise ValueError(f"{name}: no samples given (empty list).")


def _mean(terms):
    total = sum(terms)
    if not isinstance(total, Value):  # every term was a plain number
        total = Value(total)
    return total * (1.0 / len(terms))


def mse_loss(predictions, targets):
    """Mean squared error: mean of (prediction - target) ** 2.

    Always a Value, even when every prediction is a plain number.
    """
    _check_pairs(predictions, targets, "mse_loss")
    return _mean([(p - t) ** 2 for p, t in zip(predictions, targets)])


def hinge_loss(scores, labels):
    """SVM max-margin loss: mean of relu(1 - label * score), labels in {-1, +1}."""
    _check_pairs(scores, labels, "hinge_loss")
    for y in labels:
        if y not in (-1, 1):
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {y!r}.")
    return _mean([(1 - y * s).relu() for s, y in zip(scores, labels)])


# PyTorch's limits for binary cross-entropy on probabilities.
_LOG_FLOOR = -100.0      # each log is clamped here, so p = 0 costs 100, not infinity
_SLOPE_EPSILON = 1e-12   # the slope's denominator p (1 - p) is kept at least this big


def binary_cross_entropy(probabilities, targets):
    """-mean(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1], targets y in [0, 1].

    Computed as PyTorch's ``binary_cross_entropy`` does: each log is clamped
    at -100, so a certain wrong answer (p = 0 for y = 1) costs 100 rather
    than infinity, and the slope is (p - y) / p(1 - p) with the denominator
    kept at least 1e-12, so that answer still gets a strong push the right
    way. Prefer ``binary_cross_entropy_with_logits`` when you have the raw
    score: it needs no clamping at all.
    """
    _check_pairs(probabilities, targets, "binary_cross_entropy")
    return _mean([_bce_term(p if isinstance(p, Value) else Value(p), y)
                  for p, y in zip(probabilities, targets)])


def _bce_term(p, y):
    """One sample's -(y log p + (1 - y) log(1 - p)) as a single node."""
    y = y.data if isinstance(y, Value) else y  # a target is a constant
    if not 0.0 <= p.data <= 1.0:
        raise ValueError(
            f"binary_cross_entropy: {p.data} is not a probability (0 to 1). Pass "
            f"sigmoid outputs, or use binary_cross_entropy_with_logits on the raw scores."
        )
    loss = -(y * _clamped_log(p.data) + (1 - y) * _clamped_log(1.0 - p.data))
    slope = (p.data - y) / max(p.data * (1.0 - p.data), _SLOPE_EPSILON)
    return Value(loss, (p,), "bce", (slope,))


def _clamped_log(x):
    """max(log x, -100), with log 0 counted as -infinity."""
    return max(math.log(x), _LOG_FLOOR) if x > 0 else _LOG_FLOOR


def _softplus(z):
    """log(1 + e**z), without overflow: for z > 0 use z + log(1 + e**-z)."""
    if z.data > 0:
        return z + ((-z).exp() + 1).log()
    return (z.exp() + 1).log()


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy of sigmoid(logit) against y in {0, 1}, computed stably.

    Uses loss = softplus(z) - y*z, the same quantity as
    -(y log sigmoid(z) + (1-y) log(1 - sigmoid(z))) without ever taking log(0).
    """
    _check_pairs(logits, targets, "binary_cross_entropy_with_logits")
    return _mean([_softplus(z) - y * z for z, y in zip(logits, targets)])


def log_softmax(logits):
    """log(softmax(logits)) via the log-sum-exp trick.

    Subtracting the largest logit m (a constant) first means exp never sees a
    number above 0, so nothing overflows; the result is unchanged because
    softmax(z - m) = softmax(z).
    """
    m = max(z.data if isinstance(z, Value) else z for z in logits)
    shifted = [z - m for z in logits]
    log_sum = sum(s.exp() for s in shifted).log()
    return [s - log_sum for s in shifted]


def softmax(logits):
    """Turn scores into probabilities that are positive and sum to 1."""
    return [lp.exp() for lp in log_softmax(logits)]


def cross_entropy(batch_logits, targets):
    """Mean of -log softmax(logits)[target] over a batch.

    ``batch_logits`` is a list of per-sample score lists; ``targets`` holds
    each sample's class index.
    """
    _check_pairs(batch_logits, targets, "cross_entropy")
    terms = []
    for logits, t in zip(batch_logits, targets):
        if not 0 <= t < len(logits):
            raise ValueError(
                f"cross_entropy: target class {t} is out of range for {len(logits)} scores."
            )
        terms.append(-log_softmax(logits)[t])
    return _mean(terms)


def l2_penalty(parameters, alpha):
    """alpha * sum of p ** 2: weight decay, discourages large weights."""
    return alpha * sum(p * p for p in parameters)


def accuracy(scores, labels, threshold=0.0):
    """Fraction of samples where the score is on the label's side of ``threshold``.

    Labels may be in {-1, +1} or {0, 1}.
    """
    _check_pairs(scores, labels, "accuracy")
    hits = 0
    for s, y in zip(scores, labels):
        s = s.data if isinstance(s, Value) else s
        hits += (s > threshold) == (y > 0)
    return hits / len(labels)
