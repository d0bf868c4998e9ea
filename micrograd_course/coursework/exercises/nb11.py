"""Notebook 11: PyTorch side by side."""

from ..framework import Exercise, Fail, expect_equal

# ----------------------------------------------------------------------
load = Exercise("11.1", "load nn.Linear-style weights into a Layer", uses=("load_linear",))


@load.cases
def _(rng):
    nin, nout = rng.randint(2, 4), rng.randint(2, 3)
    return {"weight": [[round(rng.uniform(-2, 2), 3) for _ in range(nin)] for _ in range(nout)],
            "bias": [round(rng.uniform(-1, 1), 3) for _ in range(nout)]}


@load.probe
def _(got, case, load_linear):
    from micrograd_course.engine import Value
    from micrograd_course.nn import Layer

    layer = Layer(len(case["weight"][0]), len(case["weight"]), seed=0)
    load_linear(layer, case["weight"], case["bias"])
    got["weight"] = [[w.data for w in n.w] for n in layer.neurons]
    got["bias"] = [n.b.data for n in layer.neurons]
    got["still_values"] = all(type(p) is Value for n in layer.neurons for p in n.w + [n.b])


@load.test("weights: row = neuron, column = input")
def _(case, got):
    expect_equal(got["weight"], case["weight"], "weight[i][j] belongs to neuron i and input j: set "
                 "neuron.w[j].data", "the layer's weights after load_linear")


@load.test("biases")
def _(case, got):
    expect_equal(got["bias"], case["bias"], "bias[i] belongs to neuron i: set neuron.b.data", "the layer's biases")


@load.test("parameters stay Values")
def _(case, got):
    if got["still_values"] is not True:
        raise Fail("set w.data on the existing Values; do not replace them with numbers")


# ----------------------------------------------------------------------
names = Exercise("11.2", "from a PyTorch parameter name back to ours", uses=("our_name",))


@names.cases
def _(rng):
    weights = [[f"{2 * layer}.weight", rng.randint(0, 7), rng.randint(0, 7)] for layer in rng.sample(range(4), 2)]
    biases = [[f"{2 * layer}.bias", rng.randint(0, 7), None] for layer in rng.sample(range(4), 2)]
    return {"weights": weights, "biases": biases}


@names.probe
def _(got, case, our_name):
    got["weights"] = [our_name(*args) for args in case["weights"]]
    got["biases"] = [our_name(*args) for args in case["biases"]]


def _ours(key, row, column):
    position, kind = key.split(".")
    layer = int(position) // 2
    return f"layers.{layer}.neurons.{row}.w.{column}" if kind == "weight" else f"layers.{layer}.neurons.{row}.b"


@names.test("weights")
def _(case, got):
    expect_equal(got["weights"], [_ours(*args) for args in case["weights"]], "nn.Sequential counts the activations "
                 "too (Linear, Tanh, Linear, ...), so its module 2k is our layer k", f"our_name for {case['weights']}")


@names.test("biases")
def _(case, got):
    expect_equal(got["biases"], [_ours(*args) for args in case["biases"]], "a bias belongs to neuron `row` and has "
                 "no column: ...neurons.{row}.b", f"our_name for {case['biases']}")
