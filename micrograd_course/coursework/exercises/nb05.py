"""Notebook 5: neural networks."""

import math

from ..framework import Exercise, Fail, expect, expect_equal, is_number

# ----------------------------------------------------------------------
neuron = Exercise("5.1", "Neuron forward pass", uses=("Neuron",))


@neuron.cases
def _(rng):
    nin = rng.randint(2, 4)
    return {"w": [round(rng.uniform(-1, 1), 3) for _ in range(nin)], "b": round(rng.uniform(-0.5, 0.5), 3),
            "x": [round(rng.uniform(-1.5, 1.5), 3) for _ in range(nin)]}


@neuron.probe
def _(got, case, Neuron):
    n = Neuron(len(case["w"]))
    for w, value in zip(n.w, case["w"]):
        w.data = value
    n.b.data = case["b"]
    out = n(case["x"])
    got["out"] = out.data
    out.backward()
    got["w_grads"] = [w.grad for w in n.w]


def _activation(case):
    return math.tanh(sum(w * x for w, x in zip(case["w"], case["x"])) + case["b"])


@neuron.test("forward: tanh(w . x + b)")
def _(case, got):
    expect(got["out"], _activation(case), "the neuron computes tanh(w1*x1 + ... + wn*xn + b): "
           "check the sum (every weight times its input, plus the bias) and the tanh", f"Neuron with w={case['w']}, "
           f"b={case['b']} on x={case['x']}")


@neuron.test("gradients reach the weights")
def _(case, got):
    o = _activation(case)
    for x, g in zip(case["x"], got["w_grads"]):
        expect(g, x * (1 - o ** 2), "build the output from Value operations (no .data inside the sum), "
               "so backward() can reach every weight", f"w.grad for input {x}")


# ----------------------------------------------------------------------
count = Exercise("5.2", "count an MLP's parameters", uses=("count_parameters",))


@count.cases
def _(rng):
    return {"single": [rng.randint(1, 6), [rng.randint(1, 6)]],
            "deep": [rng.randint(1, 6), [rng.randint(2, 16) for _ in range(rng.randint(2, 4))] + [1]]}


@count.probe
def _(got, case, count_parameters):
    for key in ("single", "deep"):
        nin, nouts = case[key]
        got[key] = count_parameters(nin, nouts)


def _count(nin, nouts):
    sizes = [nin] + nouts
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))


@count.test("one layer")
def _(case, got):
    nin, nouts = case["single"]
    expect_equal(got["single"], _count(nin, nouts), "each neuron has one weight per input and one bias",
                 f"count_parameters({nin}, {nouts})")


@count.test("several layers")
def _(case, got):
    nin, nouts = case["deep"]
    expect_equal(got["deep"], _count(nin, nouts), "a layer's inputs are the previous layer's outputs "
                 "(the first layer's are nin)", f"count_parameters({nin}, {nouts})")


# ----------------------------------------------------------------------
mse = Exercise("5.3", "mean squared error", uses=("mse",))


@mse.cases
def _(rng):
    n = rng.randint(3, 6)
    return {"preds": [round(rng.uniform(-2, 2), 3) for _ in range(n)],
            "targets": [round(rng.uniform(-2, 2), 3) for _ in range(n)]}


@mse.probe
def _(got, case, mse):
    from micrograd_course.engine import Value

    preds = [Value(p) for p in case["preds"]]
    loss = mse(preds, case["targets"])
    got["loss"] = loss.data
    loss.backward()
    got["grads"] = [p.grad for p in preds]


@mse.test("the loss")
def _(case, got):
    n = len(case["preds"])
    expected = sum((p - y) ** 2 for p, y in zip(case["preds"], case["targets"])) / n
    expect(got["loss"], expected, "square each difference, then take the mean (divide by the number of samples)",
           f"mse({case['preds']}, {case['targets']})")


@mse.test("gradients of the predictions")
def _(case, got):
    n = len(case["preds"])
    for p, y, g in zip(case["preds"], case["targets"], got["grads"]):
        expect(g, 2 * (p - y) / n, "build the loss from Value operations so backward() reaches each prediction",
               f"grad of prediction {p} (target {y})")


# ----------------------------------------------------------------------
train = Exercise("5.4", "a training loop that works", uses=("train",))


@train.cases
def _(rng):
    return {"steps": rng.randint(40, 60), "learning_rate": rng.choice([0.04, 0.05, 0.06])}


@train.probe
def _(got, case, train):
    got["losses"] = list(train(steps=case["steps"], learning_rate=case["learning_rate"]))


def _reference_losses(steps, learning_rate):
    from micrograd_course import MLP
    from micrograd_course.datasets import toy_dataset
    from micrograd_course.losses import mse_loss

    model = MLP(3, [4, 4, 1], activation="tanh", seed=42)
    xs, ys = toy_dataset()
    losses = []
    for _ in range(steps):
        loss = mse_loss([model(x) for x in xs], ys)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return losses


@train.test("one loss per step")
def _(case, got):
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != case["steps"] or not all(is_number(x) for x in losses):
        raise Fail("train() should return a list with one number per step: append loss.data each step",
                   f"train(steps={case['steps']}) returned {len(losses) if isinstance(losses, list) else losses!r} items")


@train.test("the losses of a correct loop", points=2)
def _(case, got):
    expected = _reference_losses(case["steps"], case["learning_rate"])
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != len(expected):
        raise Fail("train() should return one loss per step")
    for step, (g, e) in enumerate(zip(losses, expected)):
        expect(g, e, "each step: forward, zero the gradients, backward, then p.data -= learning_rate * p.grad "
               "(did you zero the gradients every step, and step against the gradient?)",
               f"loss at step {step} with learning rate {case['learning_rate']}", tol=1e-6)
