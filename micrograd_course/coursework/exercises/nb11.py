"""Notebook 11: PyTorch side by side.

11.1 and 11.2 lay numbers and names out as PyTorch does; 11.3 writes dropout (train/eval);
11.4 writes our MLP's state_dict in PyTorch's layout (its last test loads it into PyTorch);
11.5 (stretch) runs backward the way PyTorch's engine does, by counting dependencies;
11.6 writes, trains and evaluates a real torch.nn.Module (every test needs PyTorch).
"""

import math

from ..framework import Exercise, Fail, close, expect, expect_equal

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
    before = [id(p) for p in layer.parameters()]
    try:
        load_linear(layer, case["weight"], case["bias"])
    except IndexError:  # rows read as columns run off the end when the layer is not square
        got["index_error"] = True
    got["weight"] = [[w.data for w in n.w] for n in layer.neurons]
    got["bias"] = [n.b.data for n in layer.neurons]
    got["still_values"] = all(type(p) is Value for n in layer.neurons for p in n.w + [n.b])
    # the same objects: an optimizer made before loading holds these, and must see the new numbers
    got["same_objects"] = [id(p) for p in layer.parameters()] == before


def _transposed_where_defined(got, weight):
    """Every number of ``got`` that has a mirror in ``weight`` is that mirror: rows and columns swapped."""
    pairs = [(got[i][j], weight[j][i]) for i in range(len(got)) for j in range(len(got[i]))
             if j < len(weight) and i < len(weight[j])]
    return bool(pairs) and all(a == b for a, b in pairs) and got != weight


@load.test("weights: row = neuron, column = input")
def _(case, got):
    weight, answer = case["weight"], got["weight"]
    rule = "weight[i][j] belongs to neuron i and input j, that is neuron.w[j] of layer.neurons[i]"
    what = f"the layer's weights after load_linear: expected {weight!r}, got {answer!r}"
    if answer == weight:
        return
    if ("index_error" in got) or _transposed_where_defined(answer, weight):
        raise Fail("rows and columns are swapped: a neuron got a column of weight (one number per neuron) "
                   "where it needs a row" + (" (an IndexError: the loop ran off the end of a row)"
                                             if ("index_error" in got) else ""), f"{rule}; {what}")
    raise Fail("some weights are not where weight puts them: compare your layer's numbers with weight, row by row",
               f"{rule}; {what}")


@load.test("biases")
def _(case, got):
    if "index_error" in got and got["bias"] != case["bias"]:
        raise Fail("fix the weights first (the test above): its IndexError stopped load_linear before every bias "
                   "was set")
    expect_equal(got["bias"], case["bias"], "the biases are not bias's numbers in order: one bias per neuron",
                 "bias[i] goes to layer.neurons[i].b; the layer's biases")


@load.test("parameters stay the same Values")
def _(case, got):
    if got["still_values"] is not True:
        raise Fail("set w.data on the existing Values; do not replace them with numbers")
    if got["same_objects"] is not True:
        raise Fail("the layer holds new Value objects now: an optimizer built before loading still holds the old "
                   "ones and would never see the loaded weights; set .data on the Values that are there")


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


def _ours(key, row, column, halve=True, swap=False, bias_column=False):
    """Our name for PyTorch's ``key`` at (row, column); the flags make the classic mistakes instead."""
    position, kind = key.split(".")
    layer = int(position) // 2 if halve else int(position)
    if swap:
        row, column = column, row
    if kind == "weight":
        return f"layers.{layer}.neurons.{row}.w.{column}"
    return f"layers.{layer}.neurons.{row}.b" + (f".{column}" if bias_column else "")


NAME_MISTAKES = {  # which classic mistake a wrong answer matches, and the hint that names it
    "halve": "the layer number is the Sequential position itself: nn.Sequential also counts the Tanh modules "
             "between the Linear ones, so its positions run ahead of our layer numbers",
    "swap": "row and column have changed places: the neuron number and the input number are swapped",
    "bias_column": "a bias name ends in a column: a bias has no input, so its name stops at the neuron's b",
}
NAME_RULE = ("module 2k of the Sequential is our layer k; row is the neuron, column the input; "
             "a bias is ...neurons.{row}.b")


def _name_test(args_list, answer, what):
    expected = [_ours(*args) for args in args_list]
    if answer == expected:
        return
    detail = f"{NAME_RULE}; our_name for {args_list}: expected {expected!r}, got {answer!r}"
    import itertools

    for size in (1, 2, 3):
        for combo in itertools.combinations(NAME_MISTAKES, size):
            flags = {"halve": "halve" not in combo, "swap": "swap" in combo, "bias_column": "bias_column" in combo}
            if answer == [_ours(*args, **flags) for args in args_list]:
                raise Fail("; and ".join(NAME_MISTAKES[m] for m in combo), detail)
    raise Fail(f"the {what} names are not ours: print a few of MLP(3, [4, 4, 1]).named_parameters() and compare",
               detail)


@names.test("weights")
def _(case, got):
    _name_test(case["weights"], got["weights"], "weight")


@names.test("biases")
def _(case, got):
    _name_test(case["biases"], got["biases"], "bias")


# ----------------------------------------------------------------------
TORCH_MISSING = ("this test needs PyTorch, which this kernel cannot import: install it "
                 "(pip install torch==2.13.0, the CPU build) and restart the kernel")

drop = Exercise("11.3", "dropout in training and evaluation mode", uses=("dropout",))


@drop.cases
def _(rng):
    # never p = 0.5: there 1 / p and 1 / (1 - p) are both 2, and scaling by the wrong one would pass
    return {"p": rng.choice([0.2, 0.25, 0.3, 0.7]), "seed": rng.randrange(10 ** 6),
            "values": [round(rng.uniform(0.5, 2), 3) * rng.choice([-1, 1]) for _ in range(2000)]}


def _draws(seed, n):
    """The numbers ``random.Random(seed).random()`` gives, n of them: what a right dropout compares with p."""
    import random

    rng = random.Random(seed)
    return [rng.random() for _ in range(n)]


@drop.probe
def _(got, case, dropout):
    import random

    values, p = case["values"], case["p"]
    got["eval"] = [float(v) for v in dropout(list(values), p, random.Random(case["seed"]), training=False)]
    # The global random module is seeded with another seed: a dropout that draws from it, and not from the
    # rng it is given, shows up as a mask made from the global module's numbers.
    saved = random.getstate()
    try:
        random.seed(case["seed"] + 1)
        got["train"] = [float(v) for v in dropout(list(values), p, random.Random(case["seed"]), training=True)]
    finally:
        random.setstate(saved)


@drop.test("evaluation mode: every value passes unchanged")
def _(case, got):
    changed = [(v, out) for v, out in zip(case["values"], got["eval"]) if v != out]
    if changed or len(got["eval"]) != len(case["values"]):
        raise Fail("with training=False dropout does nothing: return the values as they are",
                   f"p={case['p']}: {len(changed)} of {len(case['values'])} values changed, e.g. {changed[:2]}")


@drop.test("training mode: each value is dropped (0) or scaled by 1 / (1 - p)", points=2)
def _(case, got):
    p, train = case["p"], got["train"]
    if len(train) != len(case["values"]):
        raise Fail("return one output per input value")
    kept = [(v, out) for v, out in zip(case["values"], train) if out != 0]
    if kept and all(abs(out - v / p) < 1e-12 for v, out in kept):
        raise Fail("a value that survives is divided by p, the probability of dropping it, not by the "
                   "probability of keeping it", f"p={p}: value {kept[0][0]} came out as {kept[0][1]}")
    wrong = [(v, out) for v, out in kept if abs(out - v / (1 - p)) > 1e-12]
    if not wrong:
        return
    detail = f"a survivor is divided by 1 - p, the probability of keeping it; p={p}: value {wrong[0][0]} came out as {wrong[0][1]}"
    if all(out == v for v, out in kept):
        raise Fail("the values that survive come out unchanged: without scaling them up, the average shrinks by "
                   "the share dropped", detail)
    if all(abs(out - v * (1 - p)) < 1e-12 for v, out in kept):
        raise Fail("a value that survives is multiplied by 1 - p instead of divided by it: that shrinks the "
                   "survivors, where they must grow to make up for the ones dropped", detail)
    raise Fail("the values that survive are not scaled as the statement says, so that the average stays the same",
               detail)


@drop.test("training mode: value i is dropped exactly when the given rng's i-th rng.random() < p")
def _(case, got):
    p, train, n = case["p"], got["train"], len(case["values"])
    if len(train) != n:
        raise Fail("return one output per input value")
    mask = [out == 0 for out in train]
    if mask == [r < p for r in _draws(case["seed"], n)]:
        return
    if mask == [r < p for r in _draws(case["seed"] + 1, n)]:
        raise Fail("the values were dropped with the random module's own generator (random.random()), not with "
                   "the rng you are given: call rng.random(), so that the same rng gives the same mask again")
    if mask == [r >= p for r in _draws(case["seed"], n)]:
        raise Fail("the mask is the wrong way round: a value is dropped when rng.random() < p and kept otherwise")
    dropped = sum(mask)
    if abs(dropped - p * n) <= 1:
        raise Fail("exactly a fraction p of the values was dropped, chosen all at once (rng.sample or a shuffle?): "
                   "decide for each value on its own, in order, with one rng.random() < p per value, so that the "
                   "number dropped varies from run to run as in nn.Dropout",
                   f"p={p}: {dropped} of {n} values came out 0")
    raise Fail("drop each value on its own, in order, with one draw per value: rng.random() < p, on the rng you "
               "are given (no other draws from it)", f"p={p}: {dropped} of {n} values came out 0")


# ----------------------------------------------------------------------
state = Exercise("11.4", "our MLP's state_dict in PyTorch's layout", uses=("our_state_dict",))


@state.cases
def _(rng):
    sizes = [rng.randint(2, 4) for _ in range(rng.randint(2, 3))] + [1]
    return {"nin": rng.randint(2, 4), "nouts": sizes, "seed": rng.randrange(1000),
            "x": [round(rng.uniform(-1, 1), 3) for _ in range(4)]}


@state.probe
def _(got, case, our_state_dict):
    from micrograd_course.nn import MLP

    model = MLP(case["nin"], case["nouts"], activation="tanh", seed=case["seed"])
    state_dict = our_state_dict(model)
    got["keys"] = list(state_dict)
    got["values"] = {key: value for key, value in state_dict.items()}


@state.probe
def _(got, case, our_state_dict):
    try:
        import torch
    except ImportError:
        got["torch_missing"] = True
        return
    from micrograd_course.nn import MLP

    model = MLP(case["nin"], case["nouts"], activation="tanh", seed=case["seed"])
    sizes = [case["nin"]] + case["nouts"]
    layers = []
    for i in range(len(case["nouts"])):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]).double())
        if i < len(case["nouts"]) - 1:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    tensors = {key: torch.tensor(value, dtype=torch.float64) for key, value in our_state_dict(model).items()}
    try:
        net.load_state_dict(tensors)
    except RuntimeError as error:  # PyTorch's own message, not a line inside torch
        got["load_error"] = str(error)[:600]
        return
    x = case["x"][: case["nin"]]
    got["torch_gap"] = abs(net(torch.tensor(x, dtype=torch.float64)).item() - model(x).data)


def _reference(case):
    from micrograd_course.nn import MLP

    model = MLP(case["nin"], case["nouts"], activation="tanh", seed=case["seed"])
    expected = {}
    for k, layer in enumerate(model.layers):
        expected[f"{2 * k}.weight"] = [[w.data for w in neuron.w] for neuron in layer.neurons]
        expected[f"{2 * k}.bias"] = [neuron.b.data for neuron in layer.neurons]
    return expected


def _layer_keys(keys, kind):
    """The keys ending in .weight (or .bias), in the order of their number; None when one is not a number."""
    picked = [key for key in keys if isinstance(key, str) and key.endswith("." + kind)]
    try:
        return sorted(picked, key=lambda key: int(key.rsplit(".", 1)[0]))
    except ValueError:
        return None


@state.test("the keys nn.Sequential has (in any order: a dict loads by name)")
def _(case, got):
    keys, expected = got["keys"], list(_reference(case))
    if sorted(map(str, keys)) == sorted(expected):
        return
    detail = (f"nn.Sequential(Linear, Tanh, Linear, ...) numbers every module, the Tanh ones too; the keys for "
              f"MLP({case['nin']}, {case['nouts']}): expected {expected!r}, got {keys!r}")
    layers = len(case["nouts"])
    if sorted(map(str, keys)) == sorted(f"{k}.{kind}" for k in range(layers) for kind in ("weight", "bias")):
        raise Fail("your keys number the Linear layers one after the other: nn.Sequential numbers the Tanh "
                   "modules between them too", detail)
    raise Fail("the keys are not the ones nn.Sequential gives its parameters: a weight and a bias for each Linear "
               "module, named by the module's position in the Sequential", detail)


def _matched(case, got):
    """The student's values by our key: by name when the keys are right, else the i-th weight (bias) key in the
    order of its number for our i-th; None when the layers cannot be told apart."""
    reference, values = _reference(case), got["values"]
    if all(key in values for key in reference):
        return {key: values[key] for key in reference}
    layers = len(case["nouts"])
    weights, biases = _layer_keys(list(values), "weight"), _layer_keys(list(values), "bias")
    if weights is None or biases is None or len(weights) != layers or len(biases) != layers:
        return None
    matched = {}
    for k in range(layers):
        matched[f"{2 * k}.weight"], matched[f"{2 * k}.bias"] = values[weights[k]], values[biases[k]]
    return matched


@state.test("weights as rows of neurons, biases as a list", points=2)
def _(case, got):
    matched = _matched(case, got)
    if matched is None:
        raise Fail("fix the keys first (the test above): this test finds each layer's weight and bias by its key")
    for key, value in _reference(case).items():
        answer = matched[key]
        detail = (f"weight[i][j] is neuron i's weight for input j (neuron.w[j].data); bias[i] is neuron i's b; "
                  f"{key} for MLP({case['nin']}, {case['nouts']}): expected {value!r}, got {answer!r}")
        if answer == value:
            continue
        if key.endswith("weight") and isinstance(answer, list) and answer == [list(c) for c in zip(*value)]:
            raise Fail(f"{key} is transposed: one row per input where PyTorch wants one row per neuron", detail)
        if key.endswith("weight"):
            raise Fail(f"{key} is not the layer's weights laid out as nn.Linear holds them", detail)
        raise Fail(f"{key} is not the layer's biases as a flat list, one number per neuron", detail)


@state.test("PyTorch loads it and computes our output", needs=("torch",))
def _(case, got):
    if "torch_missing" in got:
        raise Fail(TORCH_MISSING)
    if "load_error" in got:
        lines = [line.strip() for line in str(got["load_error"]).splitlines() if line.strip()]
        more = f" (and {len(lines) - 2} more like it)" if len(lines) > 2 else ""
        raise Fail("PyTorch's load_state_dict refused your dict; its message names the key or shape it did not "
                   f"accept: {' '.join(lines[:2])}{more}")
    if not got["torch_gap"] < 1e-12:
        raise Fail("load_state_dict took the numbers but the outputs differ: check rows (neurons) against "
                   "columns (inputs)", f"output gap {got['torch_gap']:.3g}")


# ----------------------------------------------------------------------
counting = Exercise("11.5", "backward by counting dependencies", uses=("backward_by_counting",))


@counting.cases
def _(rng):
    case = {name: _signed(rng) for name in "abc"}
    case.update(extra=rng.randint(0, 3), factor=round(rng.uniform(1.00005, 1.0002), 6))
    return case


def _signed(rng):
    return rng.choice([-1, 1]) * round(rng.uniform(0.3, 1.5), 3)


def _graph(Value, case):
    """A graph with reuse: a feeds three nodes, b and e are multiplied by themselves, d is used again."""
    a, b, c = Value(case["a"]), Value(case["b"]), Value(case["c"])
    d = a * b
    e = a + c
    f = d * e
    root = f * a + e.tanh() + b * b + e * e
    for _ in range(case["extra"]):  # a case-dependent number of extra uses of d and c
        root = root + d * c
    return root, (a, b, c)


@counting.probe
def _(got, case, backward_by_counting):
    from micrograd_course.engine import Value, topological_order

    root, leaves = _graph(Value, case)
    calls = {}
    original = Value._backward

    def counted(node):
        calls[id(node)] = calls.get(id(node), 0) + 1
        original(node)

    Value._backward = counted
    try:
        backward_by_counting(root)
    finally:
        Value._backward = original
    got["grads"] = [leaf.grad for leaf in leaves]
    got["calls"] = [calls.get(id(node), 0) for node in topological_order(root) if node._prev]


@counting.probe
def _(got, case, backward_by_counting):
    from micrograd_course.engine import Value

    x = Value(case["a"])
    y = x
    for _ in range(3000):
        y = y * case["factor"]
    backward_by_counting(y)
    got["chain_grad"] = x.grad


def _two_chains(Value, case):
    """root = x3 * y3 over two chains of three operations each: the order of the run tells counting from a sort."""
    u, w = Value(case["a"]), Value(case["b"])
    x1 = u * case["c"]
    x2 = x1.tanh()
    x3 = x2 + 0.5
    y1 = w * 1.5
    y2 = y1.tanh()
    y3 = y2 * case["c"]
    root = x3 * y3
    return root, {"root": root, "x3": x3, "x2": x2, "x1": x1, "y3": y3, "y2": y2, "y1": y1}


# The orders the operations of _two_chains run in. A queue of ready nodes (first in, first out) takes the
# two chains a step at a time; a depth-first topological sort, or a stack of ready nodes, runs one whole
# chain and then the other.
QUEUE_ORDERS = (["root", "x3", "y3", "x2", "y2", "x1", "y1"], ["root", "y3", "x3", "y2", "x2", "y1", "x1"])
DEPTH_FIRST_ORDERS = (["root", "x3", "x2", "x1", "y3", "y2", "y1"], ["root", "y3", "y2", "y1", "x3", "x2", "x1"])


@counting.probe
def _(got, case, backward_by_counting):
    from micrograd_course.engine import Value

    root, named = _two_chains(Value, case)
    names = {id(node): name for name, node in named.items()}
    order = []
    original = Value._backward

    def recorded(node):
        if id(node) in names:
            order.append(names[id(node)])
        original(node)

    Value._backward = recorded
    try:
        backward_by_counting(root)
    finally:
        Value._backward = original
    got["order"] = list(order)


@counting.test("the gradients of a graph with reuse", points=2)
def _(case, got):
    from micrograd_course.engine import Value

    root, leaves = _graph(Value, case)
    root.backward()
    for name, g, leaf in zip("abc", got["grads"], leaves):
        expect(g, leaf.grad, "a node may pass its gradient on only when its count reaches 0, that is, after every "
               "consumer has sent its share; start from root.grad = 1", f"d(root)/d{name} for {case}", tol=1e-9)


def _used_twice(Value, case):
    """root = u * u + chain(u): u's first consumer has it twice in _prev and runs long before the chain's end."""
    a, c = Value(case["a"]), Value(case["c"])
    u = a + c
    chain = ((u * 2.0 + 1.0).tanh() * 3.0).tanh()
    return u * u + chain, (a, c)


@counting.probe
def _(got, case, backward_by_counting):
    from micrograd_course.engine import Value

    root, leaves = _used_twice(Value, case)
    backward_by_counting(root)
    got["twice_grads"] = [leaf.grad for leaf in leaves]


@counting.test("a node used twice by one consumer (u * u), with a longer path besides")
def _(case, got):
    from micrograd_course.engine import Value

    root, leaves = _used_twice(Value, case)
    root.backward()
    if all(g == 0 for g in got["twice_grads"]):
        raise Fail("u never ran: its count never reached 0. u * u has u twice in its _prev and was counted twice, "
                   "but lowered u's count fewer times (once per distinct child?)",
                   "root = u * u + tanh(3 tanh(2u + 1)), u = a + c: a.grad and c.grad stayed 0")
    for name, g, leaf in zip("ac", got["twice_grads"], leaves):
        expect(g, leaf.grad, "u * u has u twice in its _prev and lowers u's count twice, but u's count does not "
               "say 2 for it: a count made over set(_prev), or over distinct children, lets u run before the "
               "longer path has sent its share", f"root = u * u + tanh(3 tanh(2u + 1)), u = a + c; d(root)/d{name}",
               tol=1e-9)


@counting.test("every operation's _backward runs exactly once")
def _(case, got):
    calls = got["calls"]
    if any(n != 1 for n in calls):
        raise Fail("call node._backward() once per node, when it becomes ready; a node reached by two paths "
                   "must not run twice", f"calls per operation node: {calls}")


@counting.test("a chain of 3000 operations (no recursion)")
def _(case, got):
    look = ("walk the graph with a loop and a list (a stack or a queue), not with recursion, which stops at "
            "Python's recursion limit")
    if any(error.get("error") == "RecursionError" for error in got.errors):
        raise Fail(look, "RecursionError on a chain of 3000 multiplications")
    expect(got["chain_grad"], case["factor"] ** 3000, look, f"dy/dx for y = x * {case['factor']} ** 3000",
           tol=1e-9)


@counting.test("ready nodes run first in, first out: counting, not a sort")
def _(case, got):
    order = got["order"]
    if sorted(order) != sorted(QUEUE_ORDERS[0]):
        raise Fail("call node._backward() once for every operation node, when its count reaches 0",
                   "root = x3 * y3, two chains of three operations: the operations that ran, in order: "
                   + " -> ".join(order))
    if order in QUEUE_ORDERS:
        return
    what = "root = x3 * y3 over two chains x1 -> x2 -> x3 and y1 -> y2 -> y3: your order " + " -> ".join(order)
    if order in DEPTH_FIRST_ORDERS:
        raise Fail("the nodes ran one whole chain after the other, the order a depth-first topological sort gives "
                   "(or a stack of ready nodes, list.pop()): count each node's consumers and keep the ready nodes "
                   "in a queue, taking the one that became ready first (collections.deque, popleft())", what)
    raise Fail("run the ready nodes in the order they became ready, a queue: first in, first out", what)


# ----------------------------------------------------------------------
module = Exercise("11.6", "a real nn.Module, trained and evaluated", uses=("MoonNet", "train_steps", "predict"))
PARTS = {"hidden.weight": "hidden", "hidden.bias": "hidden", "out.weight": "out", "out.bias": "out"}


@module.cases
def _(rng):
    return {"hidden": rng.choice([3, 4, 5, 6]), "n": rng.choice([24, 32, 40]), "data_seed": rng.randrange(1000),
            "torch_seed": rng.randrange(1000), "steps": rng.randint(4, 8), "lr": rng.choice([0.3, 0.5, 0.8]),
            "p": rng.choice([0.2, 0.5])}


def _moons(case, torch):
    from micrograd_course.datasets import make_moons

    xs, ys = make_moons(n=case["n"], noise=0.1, seed=case["data_seed"])
    return torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64)


def _state(model):
    return {name: value.tolist() for name, value in model.state_dict().items()}


@module.probe
def _(got, case, MoonNet, train_steps, predict):
    try:
        import torch
    except ImportError:
        got["torch_missing"] = True
        return
    torch.manual_seed(case["torch_seed"])
    model = MoonNet(case["hidden"], 0.0).double()
    got["shapes"] = {name: list(p.shape) for name, p in model.named_parameters()}
    inputs, targets = _moons(case, torch)
    model.eval()
    with torch.no_grad():
        got["logits"] = model(inputs[:5]).reshape(-1).tolist()
    got["start"] = _state(model)
    got["losses"] = [float(loss) for loss in train_steps(model, inputs, targets, case["steps"], case["lr"])]


@module.probe
def _(got, case, MoonNet, train_steps, predict):
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(case["torch_seed"] + 1)
    model = MoonNet(case["hidden"], 0.5).double()
    inputs, _ = _moons(case, torch)
    model.train()
    first, second = predict(model, inputs), predict(model, inputs)
    got["predict_type"] = type(first).__name__
    got["predict_shape"] = list(first.shape) if isinstance(first, torch.Tensor) else None
    got["predict_repeats"] = [float(p) for p in first] == [float(p) for p in second]
    got["predictions"] = [float(p) for p in first]
    got["predict_state"] = _state(model)


@module.probe
def _(got, case, MoonNet, train_steps, predict):
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(case["torch_seed"] + 2)
    model = MoonNet(case["hidden"], 0.5).double()
    inputs, targets = _moons(case, torch)
    model.eval()  # as predict() leaves it
    train_steps(model, inputs, targets, 1, case["lr"])
    got["training_in_train_steps"] = model.training


@module.probe
def _(got, case, MoonNet, train_steps, predict):
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(case["torch_seed"] + 3)
    inputs, _ = _moons(case, torch)
    model = MoonNet(case["hidden"], case["p"]).double()
    got["dropout_state"] = _state(model)
    with torch.no_grad():
        model.train()
        got["train_outputs"] = [model(inputs).reshape(-1).tolist() for _ in range(2)]
        model.eval()
        got["eval_outputs"] = [model(inputs).reshape(-1).tolist() for _ in range(2)]
        no_dropout = MoonNet(case["hidden"], 0.0).double()
        no_dropout.train()
        got["p0_train"] = no_dropout(inputs).reshape(-1).tolist()
        no_dropout.eval()
        got["p0_eval"] = no_dropout(inputs).reshape(-1).tolist()


def _tensors(torch, state, requires_grad=False):
    return {name: torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)
            for name, value in state.items()}


def _logits(torch, t, inputs):
    """The scores of MoonNet (dropout off) with parameters ``t``, a dict of tensors by state_dict name."""
    hidden = torch.tanh(inputs @ t["hidden.weight"].T + t["hidden.bias"])
    return (hidden @ t["out.weight"].T + t["out.bias"]).reshape(-1)


def _replay(case, start, zero_grad=True):
    """Full-batch SGD on BCEWithLogitsLoss from ``start``: the losses a right train_steps returns."""
    import torch

    inputs, targets = _moons(case, torch)
    params = _tensors(torch, start, requires_grad=True)
    losses = []
    for _ in range(case["steps"]):
        if zero_grad:
            for p in params.values():
                p.grad = None
        loss = torch.nn.functional.binary_cross_entropy_with_logits(_logits(torch, params, inputs), targets)
        loss.backward()
        with torch.no_grad():
            for p in params.values():
                p -= case["lr"] * p.grad
        losses.append(loss.item())
    return losses


def _torch_ready(got):
    if "torch_missing" in got:
        raise Fail(TORCH_MISSING)


@module.test("the parts are registered: hidden and out", needs=("torch",))
def _(case, got):
    _torch_ready(got)
    h = case["hidden"]
    expected = {"hidden.weight": [h, 2], "hidden.bias": [h], "out.weight": [1, h], "out.bias": [1]}
    shapes = got["shapes"]
    if not shapes:
        raise Fail("named_parameters() is empty: call super().__init__() first, then assign each layer to an "
                   "attribute of self (a layer kept in a plain list or local variable is not registered)")
    if sorted(shapes) != sorted(expected):
        raise Fail("store the layers as self.hidden = nn.Linear(2, hidden) and self.out = nn.Linear(hidden, 1), "
                   "and the dropout as its own attribute", f"named_parameters(): {sorted(shapes)}")
    expect_equal(shapes, expected, "nn.Linear(n_in, n_out) has a weight of shape (n_out, n_in)",
                 f"parameter shapes of MoonNet({h}, 0.0)")


def _sigmoid_in_forward(case, got):
    """True when forward returns sigmoid(score): the tests after the forward test would then all fail with it."""
    import torch

    if "torch_missing" in got or sorted(got["start"] if "start" in got else {}) != sorted(PARTS):
        return False
    inputs, _ = _moons(case, torch)
    right = _logits(torch, _tensors(torch, got["start"]), inputs[:5]).tolist()
    answer = got["logits"]
    return len(answer) == len(right) and all(close(a, 1 / (1 + math.exp(-r)), 1e-9) for a, r in zip(answer, right))


FIX_FORWARD_FIRST = ("forward applies a sigmoid, and this test compares with the scores: fix the test above "
                     "(forward returns the score) first")


def _forward_ready(case, got):
    _torch_ready(got)
    if _sigmoid_in_forward(case, got):
        raise Fail(FIX_FORWARD_FIRST)


@module.test("forward returns the score (logit), not a probability", needs=("torch",))
def _(case, got):
    import torch

    _torch_ready(got)
    inputs, _ = _moons(case, torch)
    right = _logits(torch, _tensors(torch, got["start"]), inputs[:5]).tolist()
    answer = got["logits"]
    if _sigmoid_in_forward(case, got):
        raise Fail("forward applies the sigmoid: return the score itself; BCEWithLogitsLoss applies the sigmoid "
                   "inside, where it can do so without overflow (lecture 8)")
    for a, r in zip(answer, right):
        expect(a, r, "forward: hidden layer, tanh, dropout, then the output layer, nothing after it",
               f"model(x) for the first five points, MoonNet({case['hidden']}, 0.0) in eval mode", tol=1e-9)


def _dropout_state(torch, got):
    """The p > 0 model's parameters as tensors, or Fail when its layers are not where the statement puts them."""
    state = got["dropout_state"]
    if sorted(state) != sorted(PARTS):
        raise Fail("store the layers as self.hidden = nn.Linear(2, hidden) and self.out = nn.Linear(hidden, 1), "
                   "and the dropout as its own attribute", f"state_dict(): {sorted(state)}")
    return _tensors(torch, state)


def _all_masks_match(torch, t, inputs, outputs, scale):
    """Every output is out(m * scale * tanh(hidden(x))) for some 0/1 mask m of the hidden units."""
    import itertools

    shares = torch.tanh(inputs @ t["hidden.weight"].T + t["hidden.bias"]) * t["out.weight"].reshape(-1)
    masks = torch.tensor(list(itertools.product([0.0, 1.0], repeat=shares.shape[1])), dtype=torch.float64)
    candidates = scale * shares @ masks.T + t["out.bias"]  # (N, masks)
    return len(outputs) == len(inputs) and all(
        any(close(y, c, 1e-9) for c in row) for y, row in zip(outputs, candidates.tolist()))


NO_DROPOUT = ("dropout is never applied in training mode: build self.dropout = nn.Dropout(p) in __init__ (keep it as "
              "an attribute) and apply it in forward, to tanh's output, before self.out")
DROPOUT_IN_EVAL = ("dropout is applied in eval mode too: build it once in __init__ as an attribute, "
                   "self.dropout = nn.Dropout(p), and call self.dropout(...) in forward; model.eval() switches off only "
                   "the modules the model holds (an nn.Dropout made inside forward, or F.dropout without "
                   "training=self.training, stays on)")


@module.test("dropout in training mode: each hidden unit dropped with probability p, the rest scaled by 1/(1-p)",
             points=2, needs=("torch",))
def _(case, got):
    import torch

    _forward_ready(case, got)
    first, second = got["train_outputs"]
    what = f"two calls of model(x) in training mode, MoonNet({case['hidden']}, {case['p']})"
    if all(close(a, b, 1e-12) for a, b in zip(first, second)):
        raise Fail(NO_DROPOUT, f"{what}: the same outputs")
    t = _dropout_state(torch, got)
    inputs, _ = _moons(case, torch)
    if all(_all_masks_match(torch, t, inputs, out, 1 / (1 - case["p"])) for out in (first, second)):
        return
    if all(_all_masks_match(torch, t, inputs, out, 1.0) for out in (first, second)):
        raise Fail("the hidden units that survive dropout are not scaled by 1/(1-p): use nn.Dropout(p), which "
                   "scales them, so that evaluation mode needs no change", what)
    raise Fail("in training mode nn.Dropout(p) zeroes each hidden activation with probability p and multiplies the "
               "others by 1/(1-p): apply self.dropout, an nn.Dropout with the p MoonNet was given, to tanh's output, "
               "before self.out, and nowhere else", what)


@module.test("no dropout in evaluation mode, nor at p = 0", needs=("torch",))
def _(case, got):
    import torch

    _forward_ready(case, got)
    first, second = got["eval_outputs"]
    if not all(close(a, b, 1e-12) for a, b in zip(first, second)):
        raise Fail(DROPOUT_IN_EVAL, f"two calls of model(x) in evaluation mode, MoonNet({case['hidden']}, "
                   f"{case['p']}): different outputs")
    inputs, _ = _moons(case, torch)
    right = _logits(torch, _dropout_state(torch, got), inputs).tolist()
    if len(first) != len(right) or not all(close(a, r, 1e-9) for a, r in zip(first, right)):
        raise Fail("in evaluation mode dropout passes everything through unchanged, nothing dropped and nothing "
                   "scaled: nn.Dropout(p) does that after model.eval()",
                   f"model(x) in evaluation mode, MoonNet({case['hidden']}, {case['p']})")
    if not all(close(a, b, 1e-12) for a, b in zip(got["p0_train"], got["p0_eval"])):
        raise Fail("MoonNet(hidden, 0.0) still drops units in training mode: pass the p it is given on to "
                   "nn.Dropout(p)", f"MoonNet({case['hidden']}, 0.0): training and evaluation outputs differ")


@module.test("train_steps: full-batch SGD on BCEWithLogitsLoss, zeroing the gradients each step", points=2,
             needs=("torch",))
def _(case, got):
    _forward_ready(case, got)
    answer, right = got["losses"], _replay(case, got["start"])
    what = f"the losses of {case['steps']} steps at lr {case['lr']}"
    if len(answer) != len(right):
        raise Fail("return one loss per step (loss.item()), in order", f"{what}: got {len(answer)} numbers")
    if all(close(a, b, 1e-9) for a, b in zip(answer, _replay(case, got["start"], zero_grad=False))) \
            and not all(close(a, b, 1e-9) for a, b in zip(answer, right)):
        raise Fail("the first losses are right and the later ones drift: the gradients pile up from step to step. "
                   "Clear them every step (optimizer.zero_grad()) before backward()", what)
    if close(answer[0], right[0], 1e-9) and all(close(a, answer[0], 1e-12) for a in answer):
        raise Fail("the loss never changes: call optimizer.step() after loss.backward(), on model.parameters()",
                   what)
    for k, (a, b) in enumerate(zip(answer, right)):
        expect(a, b, "each step: zero the gradients, forward, BCEWithLogitsLoss of the scores (squeezed to "
               "shape (N,)) against the targets, backward, optimizer.step(); record the loss before the step",
               f"{what}: step {k}", tol=1e-9)


@module.test("predict: evaluation mode, probabilities", points=2, needs=("torch",))
def _(case, got):
    import torch

    _forward_ready(case, got)
    if not got["predict_repeats"] and "eval_outputs" in got \
            and not all(close(a, b, 1e-12) for a, b in zip(*got["eval_outputs"])):
        raise Fail("two calls of predict on the same inputs gave different answers: " + DROPOUT_IN_EVAL)
    if not got["predict_repeats"]:
        raise Fail("two calls of predict on the same inputs gave different answers: dropout is still on. "
                   "Put the model in evaluation mode (model.eval()) before computing")
    inputs, _ = _moons(case, torch)
    logits = _logits(torch, _tensors(torch, got["predict_state"]), inputs)
    answer = got["predictions"]
    if len(answer) == len(logits) and all(close(a, s, 1e-9) for a, s in zip(answer, logits.tolist())):
        raise Fail("predict returns the scores: turn them into probabilities with torch.sigmoid")
    right = torch.sigmoid(logits).tolist()
    if len(answer) == len(logits) and all(a in (0.0, 1.0) for a in answer) \
            and not all(close(a, p, 1e-9) for a, p in zip(answer, right)):
        raise Fail("predict returns labels (0 or 1): return the probabilities themselves, torch.sigmoid of the "
                   "scores; the caller thresholds them")
    for a, p in zip(answer, right):
        expect(a, p, "predict: model.eval(), then the sigmoid of the model's scores, one probability per row",
               "predict(model, inputs) for a MoonNet with dropout 0.5", tol=1e-9)


@module.test("predict: one probability per input, a tensor of shape (N,)", needs=("torch",))
def _(case, got):
    _torch_ready(got)
    shape, n = got["predict_shape"], case["n"]
    if shape is None:
        raise Fail(f"predict returns a {got['predict_type']}: return a tensor, torch.sigmoid of the scores",
                   f"predict on {n} inputs")
    if shape == [n, 1]:
        raise Fail("predict returns shape (N, 1), the model's own output shape: squeeze the last axis "
                   "(model(inputs).squeeze(1)) to get one probability per input, shape (N,)", f"shape {shape}")
    if shape != [n]:
        raise Fail("predict should return one probability per input: a tensor of shape (N,)",
                   f"predict on {n} inputs: shape {shape}")


@module.test("train_steps puts the model back in training mode", needs=("torch",))
def _(case, got):
    _torch_ready(got)
    if got["training_in_train_steps"] is not True:
        raise Fail("after predict() the model is in evaluation mode, and train_steps trained it that way "
                   "(dropout off): call model.train() at the start of train_steps")