"""Tensor modules, losses and SGD: the same network as the scalar engine's, number for number; error messages."""

import numpy as np
import pytest

from micrograd_course import SGD as ScalarSGD, Value, losses
from micrograd_course import nn as scalar_nn
from micrograd_course.tensor import (MLP, SGD, Linear, Module, Tensor, accuracy, cross_entropy, hinge_loss,
                                     log_softmax, mse_loss, softmax)

EXACT = dict(rtol=1e-12, atol=1e-12)


def scalar_grads(model):
    """Gradients of a scalar MLP laid out like the tensor MLP's: (W as (nin, nout), b) per layer."""
    out = []
    for layer in model.layers:
        out.append(np.array([[w.grad for w in n.w] for n in layer.neurons]).T)
        out.append(np.array([n.b.grad for n in layer.neurons]))
    return out


def test_import_names_of_the_issue():
    from micrograd_course.tensor import Tensor, Linear, MLP, cross_entropy, log_softmax, SGD  # noqa: F401


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_same_seed_same_weights_as_the_scalar_mlp(activation):
    scalar = scalar_nn.MLP(3, [4, 5, 2], activation=activation, seed=11)
    tensor = MLP(3, [4, 5, 2], activation=activation, seed=11)
    for layer, scalar_layer in zip(tensor.layers, scalar.layers):
        assert layer.W.shape == (len(scalar_layer.neurons[0].w), len(scalar_layer.neurons))
        np.testing.assert_array_equal(layer.W.data, np.array([[w.data for w in n.w] for n in scalar_layer.neurons]).T)
        np.testing.assert_array_equal(layer.b.data, [n.b.data for n in scalar_layer.neurons])


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_hinge_loss_and_gradients_equal_the_scalar_engine(activation):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    y = rng.choice([-1.0, 1.0], size=12)
    scalar = scalar_nn.MLP(2, [8, 8, 1], activation=activation, seed=5)
    tensor = MLP(2, [8, 8, 1], activation=activation, seed=5)

    loss = losses.hinge_loss([scalar(list(x)) for x in X], list(y))
    loss.backward()
    t_loss = hinge_loss(tensor(X), y)
    t_loss.backward()

    np.testing.assert_allclose(t_loss.item(), loss.data, **EXACT)
    for got, expected in zip([p.grad for p in tensor.parameters()], scalar_grads(scalar)):
        np.testing.assert_allclose(got, expected, **EXACT)


def test_cross_entropy_and_gradients_equal_the_scalar_engine():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(9, 4))
    y = rng.integers(0, 3, size=9)
    scalar = scalar_nn.MLP(4, [6, 3], seed=2)
    tensor = MLP.from_scalar(scalar)

    loss = losses.cross_entropy([scalar(list(x)) for x in X], [int(t) for t in y])
    loss.backward()
    t_loss = cross_entropy(tensor(X), y)
    t_loss.backward()
    np.testing.assert_allclose(t_loss.item(), loss.data, **EXACT)
    for got, expected in zip([p.grad for p in tensor.parameters()], scalar_grads(scalar)):
        np.testing.assert_allclose(got, expected, **EXACT)


def test_training_steps_stay_equal_to_the_scalar_engine():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(10, 2))
    y = rng.normal(size=10)
    scalar = scalar_nn.MLP(2, [5, 1], activation="tanh", seed=4)
    tensor = MLP(2, [5, 1], activation="tanh", seed=4)
    scalar_opt, tensor_opt = ScalarSGD(scalar.parameters(), lr=0.1), SGD(tensor.parameters(), lr=0.1)
    for _ in range(5):
        scalar_opt.zero_grad()
        loss = losses.mse_loss([scalar(list(x)) for x in X], list(y))
        loss.backward()
        scalar_opt.step()
        tensor_opt.zero_grad()
        t_loss = mse_loss(tensor(X), y)
        t_loss.backward()
        tensor_opt.step()
        np.testing.assert_allclose(t_loss.item(), loss.data, **EXACT)
    np.testing.assert_allclose(MLP.from_scalar(scalar).layers[0].W.data, tensor.layers[0].W.data, **EXACT)


def test_from_scalar_copies_the_current_weights_and_activation():
    scalar = scalar_nn.MLP(2, [3, 1], activation="tanh", seed=0)
    scalar.layers[0].neurons[1].w[0].data = 42.0
    tensor = MLP.from_scalar(scalar)
    assert tensor.activation == "tanh" and tensor.layers[0].W.data[0, 1] == 42.0
    with pytest.raises(TypeError, match="micrograd_course.nn.MLP"):
        MLP.from_scalar(tensor)


def test_parameters_names_and_zero_grad():
    model = MLP(3, [4, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b"]
    assert [p.shape for p in model.parameters()] == [(3, 4), (4,), (4, 1), (1,)]
    assert sum(p.size for p in model.parameters()) == len(scalar_nn.MLP(3, [4, 1], seed=0).parameters())
    model(np.ones((2, 3))).sum().backward()
    assert any(p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad.shape == p.shape and not p.grad.any() for p in model.parameters())


def test_a_module_finds_tensors_modules_and_lists():
    class Net(Module):
        def __init__(self):
            self.scale = Tensor(1.0)
            self.body = Linear(2, 2, seed=0)
            self.heads = [Linear(2, 1, seed=1), Tensor([0.0])]
            self._hidden = Tensor(5.0)

    assert [n for n, _ in Net().named_parameters()] == ["scale", "body.W", "body.b", "heads.0.W", "heads.0.b",
                                                       "heads.1"]


def test_seed_is_reproducible_without_global_state():
    import random
    random.seed(1)
    before = random.random()
    random.seed(1)
    a, b = MLP(2, [3, 1], seed=7), MLP(2, [3, 1], seed=7)
    assert random.random() == before
    np.testing.assert_array_equal(a.layers[0].W.data, b.layers[0].W.data)
    assert not np.array_equal(a.layers[0].W.data, MLP(2, [3, 1], seed=8).layers[0].W.data)


def test_scaled_init_divides_by_the_square_root_of_the_fan_in():
    plain, scaled = Linear(16, 4, seed=3), Linear(16, 4, seed=3, init="scaled")
    np.testing.assert_allclose(scaled.W.data, plain.W.data / 4.0)
    with pytest.raises(ValueError, match="init"):
        Linear(2, 2, init="xavier")


def test_linear_is_x_at_w_plus_b_and_accepts_one_sample():
    layer = Linear(2, 3, seed=0)
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    np.testing.assert_allclose(layer(x).data, x @ layer.W.data + layer.b.data)
    assert layer(np.array([1.0, 2.0])).shape == (3,)
    assert repr(layer) == "Linear(2, 3)"
    assert repr(MLP(2, [3, 1])) == "MLP of [Linear(2, 3), Linear(3, 1)], activation='relu'"


def test_sgd_steps_against_the_gradient_and_refuses_values():
    w = Tensor([1.0, -2.0])
    opt = SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.0, 0.0])
    opt.zero_grad()
    assert w.grad.shape == (2,) and not w.grad.any()
    with pytest.raises(TypeError, match="micrograd_course.SGD"):
        SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="positive"):
        SGD([w], lr=0)


def test_softmax_rows_sum_to_one_and_log_softmax_is_stable():
    z = Tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    np.testing.assert_allclose(softmax(z).data.sum(axis=1), [1.0, 1.0])
    assert np.isfinite(log_softmax(z).data).all()
    assert log_softmax(z).data[0, 0] == 0.0


def test_accuracy_counts_the_argmax():
    assert accuracy(Tensor([[1.0, 2.0], [3.0, 0.0], [0.0, 1.0]]), [1, 0, 0]) == pytest.approx(2 / 3)


# ----------------------------------------------------------------------
# Bad input: each error names the problem and the fix
# ----------------------------------------------------------------------

def test_shapes_that_do_not_broadcast_name_both_shapes():
    for op in (lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a / b):
        with pytest.raises(ValueError, match=r"shapes \(3, 2\) and \(4,\) do not broadcast"):
            op(Tensor(np.ones((3, 2))), Tensor(np.ones(4)))


def test_matmul_shapes_that_do_not_fit_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 2\) @ \(3, 2\).*Transpose"):
        Tensor(np.ones((3, 2))) @ Tensor(np.ones((3, 2)))
    with pytest.raises(ValueError, match="use \\* instead"):
        Tensor(np.ones(2)) @ Tensor(2.0)


def test_backward_on_a_non_scalar_says_how_to_reduce_it():
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*\.sum\(\) or \.mean\(\)"):
        Tensor(np.ones((2, 3))).backward()
    with pytest.raises(ValueError, match="must match"):
        Tensor(np.ones(3)).backward(np.ones(2))


@pytest.mark.parametrize("array", [np.arange(3), np.array([True, False]), np.array([1, 2], dtype=np.uint8)])
def test_integer_and_boolean_arrays_are_refused_with_the_conversion(array):
    with pytest.raises(TypeError, match=r"astype\(np.float64\)"):
        Tensor(array)
    with pytest.raises(TypeError, match=r"astype\(np.float64\)"):
        Tensor(np.ones(array.shape)) * array


def test_object_arrays_are_refused():
    with pytest.raises(TypeError, match="object array.*dtype=np.float64"):
        Tensor(np.array([1.0, "a"], dtype=object))
    with pytest.raises(TypeError, match="equal-length"):
        Tensor([[1.0], [2.0, 3.0]])


def test_a_value_mixed_in_is_refused():
    for make in (lambda: Tensor(Value(1.0)), lambda: Tensor([Value(1.0), 2.0]),
                 lambda: Tensor(np.array([Value(1.0)], dtype=object)),
                 lambda: Tensor([1.0]) + Value(2.0), lambda: Tensor([1.0]) * Value(2.0)):
        with pytest.raises(TypeError, match="Value .*cannot be mixed into a Tensor"):
            make()
    with pytest.raises(TypeError, match="Value and Tensor. The two engines do not mix"):
        Value(2.0) + Tensor([1.0])  # the scalar engine refuses too, naming both


def test_other_bad_inputs():
    with pytest.raises(TypeError, match="already is one"):
        Tensor(Tensor(1.0))
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Tensor([1.0]) ** Tensor([2.0])
    with pytest.raises(ValueError, match="positive numbers"):
        Tensor([1.0, 0.0]).log()
    with pytest.raises(ZeroDivisionError, match="1 zero"):
        Tensor([1.0, 2.0]) / Tensor([1.0, 0.0])
    with pytest.raises(ValueError, match="whole-number exponent"):
        Tensor([-1.0]) ** 0.5
    with pytest.raises(ValueError, match="number of entries"):
        Tensor(np.ones(6)).reshape(4, 2)
    with pytest.raises(ValueError, match="out of range"):
        Tensor(np.ones((2, 2))).sum(axis=2)
    with pytest.raises(TypeError, match=r"shape \(2,\) is ambiguous"):
        bool(Tensor([1.0, 2.0]))
    assert bool(Tensor([[2.0]])) and not Tensor(0.0)
    with pytest.raises(IndexError, match=r"shape \(2,\)"):
        Tensor([1.0, 2.0])[5]


def test_a_backward_rule_with_the_wrong_shape_is_caught():
    x = Tensor(np.ones(3))
    bad = Tensor.from_op(x.data.sum(), (x,), "mysum", lambda g: (g,))  # forgot to spread g back
    with pytest.raises(ValueError, match=r"'mysum' returned a gradient of shape \(\) for an input of shape \(3,\)"):
        bad.backward()


def test_model_input_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match=r"expects inputs with 2 features.*got shape \(4, 3\)"):
        MLP(2, [3, 1], seed=0)(np.ones((4, 3)))
    with pytest.raises(ValueError, match="unknown activation"):
        MLP(2, [1], activation="gelu")


def test_loss_inputs_are_checked():
    with pytest.raises(ValueError, match=r"target class 3 is out of range for 3 scores"):
        cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(ValueError, match=r"targets of shape \(2,\)"):
        cross_entropy(Tensor(np.zeros((2, 3))), [0, 1, 2])
    with pytest.raises(TypeError, match="integer class indices"):
        cross_entropy(Tensor(np.zeros((2, 3))), np.array([[0.2, 0.8, 0.0], [1, 0, 0]]))
    with pytest.raises(ValueError, match="pair up"):
        hinge_loss(Tensor(np.zeros((3, 1))), [1, -1])
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        hinge_loss(Tensor(np.zeros(2)), [0, 1])


def test_a_backward_rule_must_return_one_gradient_per_input():
    x = Tensor(np.ones(3))
    for rule in (lambda g: 2 * g, lambda g: (g, g)):
        with pytest.raises(TypeError, match=r"'twice' must return a tuple with one gradient per input \(1 here"):
            Tensor.from_op(2 * x.data, (x,), "twice", rule).sum().backward()


def test_from_op_makes_a_new_op_that_backward_runs():
    x = Tensor([1.0, -2.0])
    out = Tensor.from_op(np.abs(x.data), (x,), "abs", lambda g: (g * np.sign(x.data),))
    assert out.data.dtype == np.float64 and out._prev == (x,) and out._op == "abs"
    (out * out).sum().backward()  # d/dx |x|^2 = 2x
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])
    assert Tensor.from_op(3, (), "three", None).data.shape == ()
