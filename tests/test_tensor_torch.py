"""Tensor against PyTorch (float64): every op, broadcasting on every rank pair, random compositions.

Values and gradients must agree to 1e-10. Skipped, with the reason printed,
when torch is not installed; CI installs the CPU build so these always run there.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs torch==2.13.0)")

from micrograd_course.tensor import MLP, Tensor, cross_entropy, hinge_loss, log_softmax, mse_loss, softmax  # noqa: E402

from tensor_cases import (BINARY, MATMUL_SHAPES, REDUCTIONS, UNARY, broadcast_pairs,  # noqa: E402
                          random_inputs)
from test_tensor import SMOOTH_STEPS, programs, run_program  # noqa: E402

TOL = dict(rtol=1e-10, atol=1e-10)


def both(f, arrays, seed=0):
    """f on our Tensors and on torch float64 tensors, reduced by the same random weights.

    Returns ((value, grads), (torch value, torch grads)) as numpy arrays.
    """
    ours = [Tensor(x) for x in arrays]
    out = f(*ours)
    weights = np.random.default_rng(seed).normal(size=out.shape)
    (out * weights).sum().backward()

    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in arrays]
    t_out = f(*theirs)
    (t_out * torch.tensor(weights)).sum().backward()
    t_grads = [t.grad.numpy() if t.grad is not None else np.zeros(t.shape) for t in theirs]
    return (out.data, [t.grad for t in ours]), (t_out.detach().numpy(), t_grads)


def assert_same(f, arrays, seed=0):
    (value, grads), (t_value, t_grads) = both(f, arrays, seed)
    assert value.shape == t_value.shape
    np.testing.assert_allclose(value, t_value, **TOL)
    for got, expected in zip(grads, t_grads):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, **TOL)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_torch(name):
    f, fix = UNARY[name]
    assert_same(f, random_inputs(np.random.default_rng(1), [(3, 4)], fix))


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_matches_torch(name):
    f, fix = BINARY[name]
    a, b = random_inputs(np.random.default_rng(2), [(3, 4), (3, 4)])
    assert_same(f, [a, fix(b) if fix else b])


@pytest.mark.parametrize("axis, keepdims", REDUCTIONS)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_reduction_matches_torch(reduction, axis, keepdims):
    x = np.random.default_rng(3).normal(size=(2, 3, 4))
    assert_same(lambda a: getattr(a, reduction)(axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("a_shape, b_shape", MATMUL_SHAPES)
def test_matmul_matches_torch(a_shape, b_shape):
    assert_same(lambda a, b: a @ b, random_inputs(np.random.default_rng(4), [a_shape, b_shape]))


@pytest.mark.parametrize("name", BINARY)
def test_broadcasting_matches_torch_on_every_rank_pair(name):
    f, fix = BINARY[name]
    rng = np.random.default_rng(5)
    for a_shape, b_shape in broadcast_pairs():
        a, b = random_inputs(rng, [a_shape, b_shape])
        assert_same(f, [a, fix(b) if fix else b])


def test_saturation_matches_torch():
    x = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    for op in ("tanh", "sigmoid", "relu"):
        assert_same(lambda a: getattr(a, op)(), [x])


@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4)])
def test_log_softmax_and_softmax_match_torch(shape):
    x = np.random.default_rng(6).normal(size=shape) * 10
    x.flat[0] = 700.0  # exp(700) alone would overflow a naive softmax's sum
    assert_same(lambda z: torch.log_softmax(z, dim=-1) if isinstance(z, torch.Tensor) else log_softmax(z), [x])
    assert_same(lambda z: torch.softmax(z, dim=-1) if isinstance(z, torch.Tensor) else softmax(z), [x])


def test_cross_entropy_matches_torch():
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(6, 4)) * 5
    logits[0, 0] = 900.0
    targets = np.array([0, 3, 1, 1, 2, 0])
    ours = Tensor(logits)
    loss = cross_entropy(ours, targets)
    loss.backward()
    theirs = torch.tensor(logits, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(theirs, torch.tensor(targets))
    t_loss.backward()
    np.testing.assert_allclose(loss.item(), t_loss.item(), **TOL)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), **TOL)


def test_hinge_and_mse_match_torch():
    rng = np.random.default_rng(8)
    scores = rng.normal(size=(10, 1))
    labels = rng.choice([-1.0, 1.0], size=10)
    for ours_f, torch_f in [
        (lambda s: hinge_loss(s, labels),
         lambda s: torch.relu(1 - torch.tensor(labels).reshape(-1, 1) * s).mean()),
        (lambda s: mse_loss(s, labels),
         lambda s: torch.nn.functional.mse_loss(s, torch.tensor(labels).reshape(-1, 1))),
    ]:
        s = Tensor(scores)
        loss = ours_f(s)
        loss.backward()
        t_s = torch.tensor(scores, requires_grad=True)
        t_loss = torch_f(t_s)
        t_loss.backward()
        np.testing.assert_allclose(loss.item(), t_loss.item(), **TOL)
        np.testing.assert_allclose(s.grad, t_s.grad.numpy(), **TOL)


def test_mlp_matches_a_torch_network():
    model = MLP(3, [5, 4, 2], activation="tanh", seed=3)
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4), torch.nn.Tanh(),
                              torch.nn.Linear(4, 2)).double()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for layer, linear in zip(model.layers, linears):
            linear.weight.copy_(torch.tensor(layer.W.data.T))  # torch stores (out, in)
            linear.bias.copy_(torch.tensor(layer.b.data))
    x = np.random.default_rng(9).normal(size=(7, 3))
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    loss = cross_entropy(model(x), y)
    loss.backward()
    t_loss = torch.nn.functional.cross_entropy(net(torch.tensor(x)), torch.tensor(y))
    t_loss.backward()
    np.testing.assert_allclose(loss.item(), t_loss.item(), **TOL)
    for layer, linear in zip(model.layers, linears):
        np.testing.assert_allclose(layer.W.grad, linear.weight.grad.numpy().T, **TOL)
        np.testing.assert_allclose(layer.b.grad, linear.bias.grad.numpy(), **TOL)


@settings(max_examples=80, deadline=None)
@given(programs(SMOOTH_STEPS + ["relu"]), st.integers(0, 2 ** 32 - 1))
def test_random_compositions_match_torch(program, seed):
    arrays = random_inputs(np.random.default_rng(seed), [(3, 4), (4,), (3, 1), (4, 4)])
    assert_same(lambda a, b, c, W: run_program(program, [a, b, c], W), arrays, seed)
