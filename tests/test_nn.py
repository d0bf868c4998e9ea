"""Modules: parameter counts and names, reproducible initialisation, reprs."""

import random

import pytest

from micrograd_course import MLP, Layer, Module, Neuron, Value


def test_mlp_parameter_count_from_the_lecture():
    assert len(MLP(3, [4, 4, 1], seed=0).parameters()) == 41  # 16 + 20 + 5


def test_named_parameters_use_dotted_paths():
    names = [name for name, _ in MLP(3, [4, 4, 1], seed=0).named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.w.2", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.1.w.0" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert len(set(names)) == 41


def test_named_parameters_are_the_parameters():
    model = MLP(2, [3, 1], seed=0)
    assert [p for _, p in model.named_parameters()] == model.parameters()


def test_repr_lists_layers_and_neurons():
    assert repr(MLP(3, [2, 1], seed=0)) == (
        "MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3)], Layer of [LinearNeuron(2)]]"
    )
    assert repr(Neuron(2, activation="tanh")) == "TanhNeuron(2)"
    assert repr(Neuron(2, nonlin=False)) == "LinearNeuron(2)"


def test_seed_makes_initialisation_reproducible_without_global_state():
    random.seed(123)
    before = random.random()
    random.seed(123)
    a = [p.data for p in MLP(2, [8, 1], seed=7).parameters()]
    b = [p.data for p in MLP(2, [8, 1], seed=7).parameters()]
    after = random.random()
    assert a == b
    assert after == before  # building a model did not consume the global random stream
    assert a != [p.data for p in MLP(2, [8, 1], seed=8).parameters()]


def test_weights_start_in_range_and_biases_at_zero():
    model = MLP(4, [5, 1], seed=1)
    for name, p in model.named_parameters():
        if name.endswith(".b"):
            assert p.data == 0.0
        else:
            assert -1.0 <= p.data <= 1.0


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_neuron_computes_activation_of_weighted_sum():
    n = Neuron(2, activation="tanh", seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
    out = n([2.0, 3.0])
    assert out.data == pytest.approx(__import__("math").tanh(0.5 * 2 - 3 + 0.25))
    lin = Neuron(2, nonlin=False, seed=0)
    lin.w[0].data, lin.w[1].data, lin.b.data = 1.0, 1.0, 1.0
    assert lin([-5.0, 1.0]).data == -3.0  # no relu clipping at the output


def test_layer_returns_list_or_single_value():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert len(Layer(2, 3, seed=0)([1.0, 2.0])) == 3


def test_mlp_with_a_one_neuron_hidden_layer():
    model = MLP(2, [1, 3, 1], seed=0)
    assert isinstance(model([1.0, 2.0]), Value)


def test_custom_module_finds_nested_parameters():
    class Two(Module):
        def __init__(self):
            self.first = MLP(1, [1], seed=0)
            self.scale = Value(2.0)
            self._cache = Value(9.0)  # private: not a parameter

    names = [n for n, _ in Two().named_parameters()]
    assert names == ["first.layers.0.neurons.0.w.0", "first.layers.0.neurons.0.b", "scale"]


def test_neuron_parameters_have_readable_labels():
    assert [p.label for p in Neuron(3, seed=0).parameters()] == ["w0", "w1", "w2", "b"]


def test_neuron_is_one_weighted_sum_node_of_weights_inputs_and_bias():
    n = Neuron(2, nonlin=False, seed=0)
    x = [Value(0.5), Value(-2.0)]
    out = n(x)
    assert out._op == "w·x+b"
    assert out._prev == (n.w[0], n.w[1], x[0], x[1], n.b)
    assert out._local_grads == (0.5, -2.0, n.w[0].data, n.w[1].data, 1.0)


def test_a_layer_wraps_plain_inputs_once_for_all_its_neurons():
    layer = Layer(2, 3, seed=0)
    outs = layer([1.0, 2.0])
    inputs = [o._prev[0]._prev[2:4] for o in outs]  # relu -> w·x+b -> (w0, w1, x0, x1, b)
    assert inputs[0] == inputs[1] == inputs[2]
    assert [x.data for x in inputs[0]] == [1.0, 2.0]


def _unfused_forward(model, x):
    """The same MLP built from separate * and + nodes, as in the lecture."""
    for layer in model.layers:
        outs = []
        for n in layer.neurons:
            act = sum((wi * xi for wi, xi in zip(n.w, x)), n.b)
            outs.append(act if n.activation == "linear" else getattr(act, n.activation)())
        x = outs
    return x[0]


def test_fused_neuron_trains_bit_for_bit_like_products_and_a_sum():
    """The single w·x+b node is only an optimisation: every number is identical."""
    from micrograd_course.datasets import make_moons, to_plus_minus
    from micrograd_course.losses import hinge_loss, l2_penalty

    xs, labels = make_moons(30, noise=0.1, seed=2)
    ys = to_plus_minus(labels)
    fused, unfused = MLP(2, [8, 8, 1], seed=5), MLP(2, [8, 8, 1], seed=5)
    history = {}
    for model, forward in ((fused, lambda m, x: m(x)), (unfused, _unfused_forward)):
        losses = []
        for _ in range(5):
            inputs = [[Value(a), Value(b)] for a, b in xs]
            loss = hinge_loss([forward(model, x) for x in inputs], ys) + l2_penalty(model.parameters(), 1e-3)
            model.zero_grad()
            loss.backward()
            losses.append(loss.data)
            for p in model.parameters():
                p.data -= 0.5 * p.grad
        history[forward] = losses
    assert list(history.values())[0] == list(history.values())[1]
    assert [p.data for p in fused.parameters()] == [p.data for p in unfused.parameters()]
    assert [p.grad for p in fused.parameters()] == [p.grad for p in unfused.parameters()]


def test_without_a_seed_random_seed_makes_a_model_reproducible():
    random.seed(1337)
    a = [p.data for p in MLP(2, [16, 16, 1]).parameters()]
    random.seed(1337)
    b = [p.data for p in MLP(2, [16, 16, 1]).parameters()]
    assert a == b
    assert a != [p.data for p in MLP(2, [16, 16, 1]).parameters()]  # the stream moved on
    random.seed(1337)
    assert [p.data for p in Neuron(2).parameters()] == a[:3]  # w0, w1, b: Neuron and Layer too
    random.seed(1337)
    assert [p.data for p in Layer(2, 2).parameters()] == a[:6]


def test_without_a_seed_the_weights_are_karpathys():
    """random.seed(1337) then MLP(2, [16, 16, 1]): the same start as micrograd's moons demo."""
    micrograd_nn = pytest.importorskip("micrograd.nn", reason="micrograd (the bench reference) is not installed")
    random.seed(1337)
    theirs = [p.data for p in micrograd_nn.MLP(2, [16, 16, 1]).parameters()]
    random.seed(1337)
    ours = [p.data for p in MLP(2, [16, 16, 1]).parameters()]
    assert ours == theirs
