"""The same expressions in PyTorch (float64): values and gradients must agree.

Skipped, with the reason printed, when torch is not installed; CI installs
the CPU build so these always run there.
"""

import pytest
from hypothesis import given, settings, strategies as st

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs torch==2.13.0)")

from micrograd_course import MLP, Value  # noqa: E402
from micrograd_course import losses  # noqa: E402

reals = st.floats(-3, 3).filter(lambda x: abs(x) > 0.05)


def both(f, numbers):
    """Run f on Values and on float64 tensors; return (values, grads) of each."""
    ours = [Value(x) for x in numbers]
    out = f(*ours)
    out.backward()
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in numbers]
    t_out = f(*theirs)
    t_out.backward()
    return (out.data, [v.grad for v in ours]), (t_out.item(), [t.grad.item() for t in theirs])


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
