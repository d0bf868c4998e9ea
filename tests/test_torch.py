"""The same expressions in PyTorch (float64): values and gradients must agree.

`make install` and `make test` install the CPU build (torch==2.13.0), so these
run; a bare pytest without torch skips them with the reason printed.
"""

import math

import pytest
from hypothesis import given, settings, strategies as st

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make install installs torch==2.13.0)")

from micrograd_course import MLP, Value  # noqa: E402
from micrograd_course import losses  # noqa: E402

reals = st.floats(-3, 3).filter(lambda x: abs(x) > 0.05)


def both(f, numbers):
    """f on Values and on float64 tensors: (value, grads) of each; an unused leaf has grad 0."""
    ours = [Value(x) for x in numbers]
    out = f(*ours)
    out.backward()
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in numbers]
    t_out = f(*theirs)
    t_out.backward()
    t_grads = [0.0 if t.grad is None else t.grad.item() for t in theirs]
    return (out.data, [v.grad for v in ours]), (t_out.item(), t_grads)


EXPRESSIONS = {
    "arithmetic": lambda a, b: (a * b + 2.0 - b / a) * (a - 3.0),
    "reflected": lambda a, b: 2.0 - a + 3.0 * b + 1.0 / (b * b + 1.0),
    "powers": lambda a, b: (a * a + 1.0) ** 1.5 - b ** 3 + (a * b) ** -2,
    "activations": lambda a, b: a.tanh() * b.sigmoid() + (a * b).relu() - (b - a).tanh(),
    "exp_log": lambda a, b: (a.exp() + b.exp()).log() - (a * a + 0.5).log() * b,
    "reuse": lambda a, b: (a * b) * (a + b) + a * a * a,
}


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_expression_matches_pytorch(name):
    f = EXPRESSIONS[name]

    @settings(max_examples=40, deadline=None)
    @given(reals, reals)
    def check(a, b):
        (value, grads), (t_value, t_grads) = both(f, [a, b])
        assert value == pytest.approx(t_value, rel=1e-12, abs=1e-12)
        assert grads == pytest.approx(t_grads, rel=1e-9, abs=1e-12)

    check()


@pytest.mark.parametrize("x", [-800.0, 800.0])
def test_saturation_matches_pytorch(x):
    for op in ("tanh", "sigmoid", "exp"):
        (value, grads), (t_value, t_grads) = both(lambda a: getattr(a, op)(), [x])
        assert value == t_value
        assert grads == t_grads


def test_mlp_forward_and_gradients_match_a_torch_network():
    model = MLP(3, [4, 4, 1], seed=0)
    layers = []
    for i, layer in enumerate(model.layers):
        linear = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        layers.append(linear)
        if i < len(model.layers) - 1:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)

    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    loss = losses.mse_loss([model(x) for x in xs], ys)
    loss.backward()
    t_loss = torch.nn.functional.mse_loss(
        net(torch.tensor(xs, dtype=torch.float64)).squeeze(1), torch.tensor(ys, dtype=torch.float64))
    t_loss.backward()

    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    ours = [w.grad for n in model.layers[0].neurons for w in n.w]
    assert ours == pytest.approx(net[0].weight.grad.flatten().tolist(), rel=1e-9, abs=1e-12)
    assert [n.b.grad for n in model.layers[-1].neurons] == pytest.approx(net[-1].bias.grad.tolist())


def test_cross_entropy_matches_pytorch():
    batch = [[1.0, -2.0, 0.5], [30.0, 31.0, -5.0]]
    targets = [2, 0]
    logits = [[Value(x) for x in row] for row in batch]
    loss = losses.cross_entropy(logits, targets)
    loss.backward()
    t_logits = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(targets))
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    assert [v.grad for row in logits for v in row] == pytest.approx(t_logits.grad.flatten().tolist(), abs=1e-12)


def test_bce_with_logits_matches_pytorch():
    zs, ys = [3.0, -0.5, 40.0, -40.0], [1.0, 0.0, 0.0, 1.0]
    values = [Value(z) for z in zs]
    loss = losses.binary_cross_entropy_with_logits(values, ys)
    loss.backward()
    t_z = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(t_z, torch.tensor(ys, dtype=torch.float64))
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    assert [v.grad for v in values] == pytest.approx(t_z.grad.tolist(), abs=1e-12)


def same(ours, theirs):
    """Equal as numbers, with nan equal to nan and infinities compared exactly."""
    if math.isnan(theirs) or math.isinf(theirs) or theirs == 0:
        return (math.isnan(ours) and math.isnan(theirs)) or ours == theirs
    return ours == pytest.approx(theirs, rel=1e-15)


EDGE_CASES = {
    "zero to the power zero": (lambda a: a ** 0, [0.0]),
    "square root of zero": (lambda a: a ** 0.5, [0.0]),
    "overflowing slope of a power": (lambda a: a ** -1, [-1e-200]),
    "relu of nan": (lambda a: a.relu(), [math.nan]),
    "relu of zero": (lambda a: a.relu(), [0.0]),
    "tiny over tiny": (lambda a, b: a / b, [1e-200, 1e-200]),
    "49 over 49": (lambda a, b: a / b, [49.0, 49.0]),
    "number over value": (lambda a: 49.0 / a, [49.0]),
    "0.3 over 0.1": (lambda a, b: a / b, [0.3, 0.1]),
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_case_matches_pytorch(name):
    f, numbers = EDGE_CASES[name]
    (value, grads), (t_value, t_grads) = both(f, numbers)
    assert same(value, t_value), (value, t_value)
    assert all(same(g, t) for g, t in zip(grads, t_grads)), (grads, t_grads)


def test_backward_twice_matches_retain_graph():
    a = Value(2.0)
    c = (a * 3) ** 2
    c.backward()
    c.backward()
    t_a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    t_c = (t_a * 3) ** 2
    t_c.backward(retain_graph=True)
    t_c.backward()
    assert a.grad == t_a.grad.item() == 72.0


def test_zero_grad_then_backward_again_matches_pytorch():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    params = model.parameters()
    t_params = [torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in params]

    def loss_of(ws, x):  # the same network written out on either kind of number
        hidden = [(ws[3 * i] * x[0] + ws[3 * i + 1] * x[1] + ws[3 * i + 2]).tanh() for i in range(3)]
        return (ws[9] * hidden[0] + ws[10] * hidden[1] + ws[11] * hidden[2] + ws[12]) ** 2

    x = [0.5, -1.5]
    assert loss_of(params, x).data == pytest.approx(model(x).data ** 2, rel=1e-15)
    loss, t_loss = loss_of(params, x), loss_of(t_params, x)
    for _ in range(2):
        model.zero_grad()
        for t in t_params:
            t.grad = None
        loss.backward()
        t_loss.backward(retain_graph=True)
        assert [p.grad for p in params] == pytest.approx([t.grad.item() for t in t_params], rel=1e-12)


def test_bce_on_probabilities_matches_pytorch_including_the_clamp():
    ps = [0.0, 1.0, 1e-60, 0.3, 0.9, 1.0, 0.0, 0.5]
    ys = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.2]
    values = [Value(p) for p in ps]
    loss = losses.binary_cross_entropy(values, ys)
    loss.backward()
    t_p = torch.tensor(ps, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy(t_p, torch.tensor(ys, dtype=torch.float64))
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    # PyTorch keeps its 1e-12 as a C float (9.99999996e-13), hence rel=1e-8 at the clamp.
    assert [v.grad for v in values] == pytest.approx(t_p.grad.tolist(), rel=1e-8, abs=1e-15)
