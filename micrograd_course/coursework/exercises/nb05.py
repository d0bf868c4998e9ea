"""Notebook 5: neural networks.

5.1 count an MLP's parameters (easy).
5.2 named_parameters of a weight-matrix layer, ``Affine`` (easy).
5.3 a training loop that recovers a plane from data (medium; builds on 5.2).
5.4 a Module that finds its parameters by itself (stretch).
"""

import math
import random

from ..framework import Exercise, Fail, expect, expect_equal, is_number

# ----------------------------------------------------------------------
count = Exercise("5.1", "count an MLP's parameters", uses=("count_parameters",))


@count.cases
def _(rng):
    # nin differs from the last layer's size in both cases: one bias per *input* then gives a wrong count.
    nin = rng.randint(1, 6)
    return {"single": [nin, [rng.choice([n for n in range(1, 7) if n != nin])]],
            "deep": [rng.randint(2, 6), [rng.randint(2, 16) for _ in range(rng.randint(2, 4))] + [1]]}


@count.probe
def _(got, case, count_parameters):
    for key in ("single", "deep"):
        nin, nouts = case[key]
        got[key] = count_parameters(nin, nouts)


def _count(nin, nouts, bias_per_input=False):
    sizes = [nin] + nouts
    if bias_per_input:  # the classic slip: sizes[i] * (sizes[i + 1] + 1)
        return sum(sizes[i] * (sizes[i + 1] + 1) for i in range(len(nouts)))
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))


def _not_per_input(got, nin, nouts):
    if got == _count(nin, nouts, bias_per_input=True) != _count(nin, nouts):
        raise Fail("that count gives each layer one bias per input; a bias belongs to a neuron: one bias per "
                   "neuron, not per input", f"count_parameters({nin}, {nouts}): got {got!r}")


@count.test("one layer")
def _(case, got):
    nin, nouts = case["single"]
    _not_per_input(got["single"], nin, nouts)
    expect_equal(got["single"], _count(nin, nouts), "each neuron has one weight per input and one bias",
                 f"count_parameters({nin}, {nouts})")


@count.test("several layers")
def _(case, got):
    nin, nouts = case["deep"]
    _not_per_input(got["deep"], nin, nouts)
    expect_equal(got["deep"], _count(nin, nouts), "a layer's inputs are the previous layer's outputs "
                 "(the first layer's are nin)", f"count_parameters({nin}, {nouts})")


# ----------------------------------------------------------------------
named = Exercise("5.2", "named_parameters of Affine", uses=("Affine",))


@named.cases
def _(rng):
    return {"nin": rng.randint(2, 4), "nout": rng.randint(2, 3), "seed": rng.randint(0, 99)}


@named.probe
def _(got, case, Affine):
    layer = Affine(case["nin"], case["nout"], seed=case["seed"])
    pairs = list(layer.named_parameters())
    got["swapped"] = bool(pairs) and all(isinstance(value, str) and not isinstance(name, str) for name, value in pairs)
    if got["swapped"]:
        pairs = [(value, name) for name, value in pairs]
    got["names"] = [name for name, _ in pairs]
    every = [w for row in layer.weight for w in row] + list(layer.bias)
    where = {id(p): k for k, p in enumerate(every)}
    # For each pair, which of the layer's own parameters it holds (row by row, then the biases), or -1.
    got["objects"] = [where.get(id(value), -1) for _, value in pairs]
    got["parameters_found"] = [where.get(id(p), -1) for p in layer.parameters()]
    for p in every:  # set on the layer's own lists, so a parameter that named_parameters() misses keeps it
        p.grad = 1.5
    layer.zero_grad()
    got["grads_after_zero_grad"] = [p.grad for p in every]


def _affine_names_from(nin, nout, first):
    return ([f"weight.{i + first}.{j + first}" for i in range(nout) for j in range(nin)]
            + [f"bias.{i + first}" for i in range(nout)])


def _affine_names(nin, nout):
    return _affine_names_from(nin, nout, 0)


@named.test("names, in order: weight.i.j row by row, then bias.i", points=2)
def _(case, got):
    names = got["names"]
    expected = _affine_names(case["nin"], case["nout"])
    if got["swapped"] is True:
        raise Fail("each pair comes out as (value, name): yield the name first, then the Value")
    if names == expected:
        return
    where = f"Affine({case['nin']}, {case['nout']})"
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Fail("yield (name, value) pairs, the name a string", f"{where}: got {names!r}")
    one_based = _affine_names_from(case["nin"], case["nout"], 1)
    weights_from_1 = sorted(n for n in names if n.startswith("weight.")) == sorted(
        n for n in one_based if n.startswith("weight."))
    biases_from_1 = sorted(n for n in names if n.startswith("bias.")) == sorted(
        n for n in one_based if n.startswith("bias."))
    if sorted(names) == sorted(one_based) or weights_from_1 or biases_from_1:
        raise Fail("the names count from 1; like Python's indices, rows, columns and biases count from 0",
                   f"{where}: the first name is {names[0]!r}")
    missing = [n for n in expected if n not in names]
    extra = [n for n in names if n not in expected]
    if sorted(names) == sorted(expected):
        raise Fail("the right names in the wrong order: all weights row by row (output i, then input j), "
                   "then the biases", f"{where}: the first name out of place is {next(g for g, e in zip(names, expected) if g != e)!r}")
    if not any(n.startswith("bias.") for n in names) and missing:
        look = "no bias has a name: named_parameters() yields the weights only"
    elif not any(n.startswith("weight.") for n in names) and missing:
        look = "no weight has a name: named_parameters() yields the biases only"
    elif extra:
        look = "some names are not of the form 'weight.<row>.<column>' or 'bias.<index>', counted from 0"
    else:
        look = "some parameters have no name: yield one pair per weight and per bias"
    # From the second try: the first wrong name only, never the whole list.
    detail = f"{where}: {len(names)} names, " + (f"for example {extra[0]!r} is not expected" if extra
                                                  else f"for example {missing[0]!r} is missing")
    raise Fail(look, detail)


@named.test("each name with its own Value")
def _(case, got):
    objects, names = got["objects"], got["names"]
    if -1 in objects:
        raise Fail("yield the parameter objects themselves (self.weight[i][j], self.bias[i]), each with its own "
                   "name; not copies, not their .data")
    # Each name with the object it names; names counted from 1 (a mistake test 1 names) are read as such.
    for first in (0, 1):
        position = {n: k for k, n in enumerate(_affine_names_from(case["nin"], case["nout"], first))}
        if all(n in position for n in names):
            if any(position[n] != k for n, k in zip(names, objects)):
                raise Fail("some names come with another parameter's Value: 'weight.i.j' is self.weight[i][j] "
                           "(output i, input j), 'bias.i' is self.bias[i]")
            return


@named.test("parameters() and zero_grad() work through it")
def _(case, got):
    if got["swapped"] is True:
        raise Fail("parameters() hands out the names, not the Values: named_parameters() yields (value, name) "
                   "pairs, and Module takes the second of each")
    found, every = got["parameters_found"], len(_affine_names(case["nin"], case["nout"]))
    if sorted(found) != list(range(every)) or any(g != 0 for g in got["grads_after_zero_grad"]):
        raise Fail("parameters() and zero_grad() from Module see only what named_parameters() yields, and some "
                   "weight or bias is missing from it: yield every one, each once")


# ----------------------------------------------------------------------
train = Exercise("5.3", "recover a plane", uses=("train_affine", "Affine"), after=("5.2",))


@train.cases
def _(rng):
    weights = [round(rng.uniform(-3, 3), 2) for _ in range(2)]
    bias = round(rng.uniform(-2, 2), 2)
    xs = [[round(rng.uniform(-1, 1), 3) for _ in range(2)] for _ in range(16)]
    ys = [sum(w * x for w, x in zip(weights, point)) + bias for point in xs]
    return {"xs": xs, "ys": ys, "weights": weights, "bias": bias, "steps": rng.randint(150, 200),
            "learning_rate": rng.choice([0.2, 0.25, 0.3])}


@train.probe
def _(got, case, train_affine, Affine):
    try:  # 5.2's pairs the wrong way round would reach this loop as parameters() handing out names
        first = next(iter(Affine(2, 1).named_parameters()), None)
        got["pairs_swapped"] = isinstance(first, tuple) and len(first) == 2 and isinstance(first[1], str)
    except Exception:
        pass
    model, losses = train_affine(case["xs"], case["ys"], steps=case["steps"], learning_rate=case["learning_rate"])
    got["losses"] = list(losses)
    got["final_grads"] = [w.grad for w in model.weight[0]] + [model.bias[0].grad]
    got["weights"] = [w.data for w in model.weight[0]]
    got["bias"] = model.bias[0].data


def _reference_losses(case, clear_gradients=True, move_bias=True):
    """Gradient descent on the mean squared error of y = w . x + b, in plain floats.

    The flags reproduce two classic mistakes, so that a hint can name the one
    a student's losses match: gradients never cleared (they add up from step
    to step) and a bias that is not among the parameters (it never moves).
    """
    rng = random.Random(0)  # Affine(2, 1, seed=0) draws its weights like this, bias 0
    w, b = [rng.uniform(-1, 1) for _ in range(2)], 0.0
    xs, ys, n = case["xs"], case["ys"], len(case["xs"])
    losses, total_w, total_b = [], [0.0, 0.0], 0.0
    for _ in range(case["steps"]):
        errors = [sum(wj * xj for wj, xj in zip(w, x)) + b - y for x, y in zip(xs, ys)]
        losses.append(sum(e * e for e in errors) / n)
        grad_w = [2 * sum(e * x[j] for e, x in zip(errors, xs)) / n for j in range(2)]
        grad_b = 2 * sum(errors) / n
        if not clear_gradients:
            total_w = [t + g for t, g in zip(total_w, grad_w)]
            total_b += grad_b
            grad_w, grad_b = total_w, total_b
        w = [wj - case["learning_rate"] * g for wj, g in zip(w, grad_w)]
        if move_bias:
            b -= case["learning_rate"] * grad_b
    return losses


def _initial_gradient(case):
    """dL/dw0, dL/dw1, dL/db of the mean squared error at Affine(2, 1, seed=0)'s starting point."""
    rng = random.Random(0)
    w = [rng.uniform(-1, 1) for _ in range(2)]
    xs, ys, n = case["xs"], case["ys"], len(case["xs"])
    errors = [sum(wj * xj for wj, xj in zip(w, x)) - y for x, y in zip(xs, ys)]
    return [2 * sum(e * x[j] for e, x in zip(errors, xs)) / n for j in range(2)] + [2 * sum(errors) / n]


def _swapped_pairs(got):
    if got.values.get("pairs_swapped") is True:
        raise Fail("5.2's named_parameters() yields (value, name) pairs, so parameters() hands your loop the "
                   "names, not the Values: fix 5.2 first")


def _matches(losses, reference):
    with_numbers = [x for x in reference if math.isfinite(x)]
    return len(losses) == len(reference) and all(
        (not math.isfinite(e)) or abs(g - e) <= 1e-6 * max(1.0, abs(e)) for g, e in zip(losses, reference)
    ) and bool(with_numbers)


@train.test("one loss per step")
def _(case, got):
    _swapped_pairs(got)
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != case["steps"] or not all(is_number(x) for x in losses):
        raise Fail("return the model and a list with one loss (a number: loss.data) per step",
                   f"train_affine(steps={case['steps']}) returned "
                   f"{len(losses) if isinstance(losses, list) else losses!r} losses")


@train.test("the losses of a correct loop", points=2)
def _(case, got):
    _swapped_pairs(got)
    expected = _reference_losses(case)
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != len(expected) or not all(is_number(x) for x in losses):
        raise Fail("return one loss per step")
    first_wrong = next((k for k, (g, e) in enumerate(zip(losses, expected)) if abs(g - e) > 1e-6 * max(1.0, abs(e))),
                       None)
    if first_wrong is None:
        return
    detail = (f"loss at step {first_wrong}, learning rate {case['learning_rate']}: "
              f"got {losses[first_wrong]:.6g}, a correct loop {expected[first_wrong]:.6g}")
    if first_wrong == 0 and math.isclose(losses[0], len(case["ys"]) * expected[0], rel_tol=1e-6):
        raise Fail("your loss is the sum of the squared errors over the samples; the exercise asks for their mean",
                   detail)
    if first_wrong == 0:
        raise Fail("the very first loss is off, before any update: check the model you start from and the loss "
                   "you compute", detail)
    if len(set(losses)) == 1:
        grads, start = got["final_grads"], _initial_gradient(case)
        if isinstance(grads, list) and grads and all(g == 0 for g in grads):
            raise Fail("the loss never changes, and when the loop ends every gradient is 0: they are cleared "
                       "after they are computed and before the parameters move, so every step moves by 0", detail)
        if isinstance(grads, list) and len(grads) == 3 and all(is_number(g) for g in grads) and any(
                all(math.isclose(g, k * e, rel_tol=1e-6, abs_tol=1e-9) for g, e in zip(grads, start))
                for k in (1, case["steps"])):
            raise Fail("the loss never changes although the gradients are there: the update never reaches the "
                       "model's own Values (giving a name a new Value leaves the parameter it named as it was)",
                       detail)
        raise Fail("the loss never changes: the parameters are never moved", detail)
    if _matches(losses, _reference_losses(case, move_bias=False)):
        raise Fail("your losses are those of a loop in which the bias never moves: it is not among the "
                   "parameters your loop updates (does parameters() see it? see 5.2)", detail)
    if _matches(losses, _reference_losses(case, clear_gradients=False)):
        raise Fail("your losses are those of a loop in which gradients add up from step to step: they are "
                   "never set back to 0", detail)
    right = "the first loss is" if first_wrong == 1 else f"the first {first_wrong} losses are"
    raise Fail(f"{right} right, then yours part from plain gradient descent on the "
               "mean squared error: compare what one step of your loop changes with what the text asks for",
               detail)


@train.test("it found the plane")
def _(case, got):
    _swapped_pairs(got)
    look = "after training, the weights and bias should be close to the plane that made the data"
    for j, (g, w) in enumerate(zip(got["weights"], case["weights"])):
        expect(g, w, look, f"weight {j}", tol=1e-2)
    expect(got["bias"], case["bias"], look, "bias", tol=1e-2)


# ----------------------------------------------------------------------
auto = Exercise("5.4", "a Module that finds its parameters", uses=("AutoModule", "Value"), own=("AutoModule",))


@auto.cases
def _(rng):
    return {"numbers": [round(rng.uniform(-2, 2), 3) for _ in range(13)]}


@auto.probe
def _(got, case, AutoModule, Value):
    numbers = iter(case["numbers"])

    class Pair(AutoModule):
        def __init__(self):
            self.scale = Value(next(numbers))
            self.size = 2  # not a parameter
            self.shift = [Value(next(numbers))]

    class Net(AutoModule):
        def __init__(self):
            self.name = "net"  # not a parameter
            self.gain = Value(next(numbers))
            self.biases = [Value(next(numbers)), Value(next(numbers))]
            self.first = Pair()
            self.blocks = [Pair(), Pair()]
            self.grid = [[Value(next(numbers)), Value(next(numbers))], []]
            self.ends = (Value(next(numbers)), Value(next(numbers)))  # a tuple, handled like a list

    net = Net()
    pairs = list(net.named_parameters())
    got["names"] = [name for name, _ in pairs]
    got["values"] = [value.data if isinstance(value, Value) else repr(value) for _, value in pairs]
    got["distinct"] = len({id(value) for _, value in pairs}) == len(pairs)
    for p in net.parameters():
        p.grad = 1.0
    net.zero_grad()
    got["grads"] = [net.first.scale.grad, net.blocks[1].shift[0].grad, net.grid[0][1].grad]


_AUTO_NAMES = ["gain", "biases.0", "biases.1", "first.scale", "first.shift.0", "blocks.0.scale", "blocks.0.shift.0", "blocks.1.scale",
               "blocks.1.shift.0", "grid.0.0", "grid.0.1", "ends.0", "ends.1"]


@auto.test("Values and lists of Values")
def _(case, got):
    names = got["names"]
    for name in ("gain", "biases.0", "biases.1"):
        if name not in names:
            raise Fail("look through vars(self): a Value attribute is a parameter named after the attribute; "
                       "a list of Values gives names attribute.0, attribute.1, ...", f"{name!r} missing from {names}")


@auto.test("modules inside modules, and lists of modules")
def _(case, got):
    names = got["names"]
    for name in ("first.scale", "first.shift.0", "blocks.0.scale", "blocks.1.shift.0"):
        if name not in names:
            raise Fail("an attribute that is itself a Module contributes its own named_parameters(), each "
                       "name prefixed with the attribute's name and a dot; likewise each Module in a list",
                       f"{name!r} missing from {names}")


@auto.test("lists of lists (nested to any depth)")
def _(case, got):
    names = got["names"]
    if "grid.0.1" not in names:
        raise Fail("a list can hold lists: handle an element the same way as an attribute (recursion), "
                   "adding its index to the name", f"'grid.0.1' missing from {names}")
    if "ends.1" not in names:
        raise Fail("a tuple of Values is handled like a list: attribute.0, attribute.1, ...",
                   f"'ends.1' missing from {names}")


@auto.test("exactly the parameters, in attribute order, each once", points=2)
def _(case, got):
    expect_equal(got["names"], _AUTO_NAMES, "skip attributes that hold no Values (strings, numbers); keep the "
                 "order in which the attributes were set (vars(self) keeps it)", "all names")
    if got["distinct"] is not True or got["values"] != case["numbers"]:
        raise Fail("each name must come with its own parameter object (the Value itself, not a copy)")


@auto.test("zero_grad() resets them all")
def _(case, got):
    if any(g != 0 for g in got["grads"]):
        raise Fail("Module.zero_grad() goes through parameters(), which goes through named_parameters(): "
                   "a parameter it misses keeps its gradient")
