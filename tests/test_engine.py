"""The engine: every op's value and gradient, accumulation, deep graphs."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_course import Value, topological_order
from micrograd_course.engine import cycle_collection_paused, value_sum, weighted_sum
from micrograd_course.gradcheck import gradient_errors

reals = st.floats(min_value=-5, max_value=5, allow_nan=False)
positives = st.floats(min_value=0.1, max_value=5)
away_from_zero = reals.filter(lambda x: abs(x) > 0.1)

# (name, function of Values, reference on floats, strategy per input)
UNARY = [
    ("neg", lambda a: -a, lambda a: -a, reals),
    ("relu", lambda a: a.relu(), lambda a: max(0.0, a), away_from_zero),
    ("tanh", lambda a: a.tanh(), math.tanh, reals),
    ("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + math.exp(-a)), reals),
    ("exp", lambda a: a.exp(), math.exp, reals),
    ("log", lambda a: a.log(), math.log, positives),
    ("square", lambda a: a ** 2, lambda a: a ** 2, reals),
    ("cube", lambda a: a ** 3, lambda a: a ** 3, reals),
    ("inverse", lambda a: a ** -1, lambda a: 1 / a, away_from_zero),
    ("sqrt", lambda a: a ** 0.5, math.sqrt, positives),
    ("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, reals),
    ("rsub", lambda a: 2.5 - a, lambda a: 2.5 - a, reals),
    ("rmul", lambda a: 2.5 * a, lambda a: 2.5 * a, reals),
    ("rtruediv", lambda a: 2.5 / a, lambda a: 2.5 / a, away_from_zero),
    ("rpow", lambda a: 2.0 ** a, lambda a: 2.0 ** a, reals),
]

BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, reals, reals),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, reals, reals),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, reals, reals),
    ("truediv", lambda a, b: a / b, lambda a, b: a / b, reals, away_from_zero),
    ("mixed", lambda a, b: (a * b + a).tanh() * (b - 1) / (a * a + 1),
     lambda a, b: math.tanh(a * b + a) * (b - 1) / (a * a + 1), reals, reals),
]


def assert_grads_match_finite_differences(f, numbers):
    for analytic, numeric, error in gradient_errors(f, numbers, h=1e-6):
        assert error < 1e-5, f"backprop {analytic} vs finite difference {numeric} at {numbers}"


@pytest.mark.parametrize("name,f,ref,strategy", UNARY, ids=[u[0] for u in UNARY])
def test_unary_value_and_gradient(name, f, ref, strategy):
    @settings(max_examples=60, deadline=None)
    @given(strategy)
    def check(a):
        assert f(Value(a)).data == pytest.approx(ref(a), rel=1e-12, abs=1e-12)
        assert_grads_match_finite_differences(f, [a])

    check()


@pytest.mark.parametrize("name,f,ref,sa,sb", BINARY, ids=[b[0] for b in BINARY])
def test_binary_value_and_gradient(name, f, ref, sa, sb):
    @settings(max_examples=60, deadline=None)
    @given(sa, sb)
    def check(a, b):
        assert f(Value(a), Value(b)).data == pytest.approx(ref(a, b), rel=1e-12, abs=1e-12)
        assert_grads_match_finite_differences(f, [a, b])

    check()


def test_subtraction_gradient_of_right_operand_is_negative():
    a, b = Value(5.0), Value(3.0)
    (a - b).backward()
    assert (a.grad, b.grad) == (1.0, -1.0)


def test_relu_gradient_is_zero_for_negative_input():
    a = Value(-2.0)
    out = a.relu()
    out.backward()
    assert out.data == 0.0 and a.grad == 0.0


def test_gradients_accumulate_when_a_value_is_used_twice():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_lecture_example_reused_nodes():
    a, b = Value(-2.0), Value(3.0)
    f = (a * b) * (a + b)
    f.backward()
    assert f.data == -6.0
    assert (a.grad, b.grad) == (-3.0, -8.0)


def test_backward_seeds_output_grad_with_one():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_repeated_backward_accumulates_into_leaves():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0  # 2 * dy/dx, the reason zero_grad exists


def test_second_backward_accumulates_into_every_node_without_double_counting():
    """As PyTorch with retain_graph and retain_grad: every grad adds this call's share."""
    a = Value(2.0)
    b = a * 3
    c = b ** 2
    c.backward()
    assert (a.grad, b.grad, c.grad) == (36.0, 12.0, 1.0)
    c.backward()
    # 108 for a would mean b's accumulated 24 had been pushed down again.
    assert (a.grad, b.grad, c.grad) == (72.0, 24.0, 2.0)


def test_zero_grad_then_backward_again_gives_the_first_gradients():
    from micrograd_course import MLP

    model = MLP(3, [4, 4, 1], activation="tanh", seed=0)
    loss = sum((model(x) - y) ** 2 for x, y in [([2.0, 3.0, -1.0], 1.0), ([3.0, -1.0, 0.5], -1.0)])
    loss.backward()
    first = [p.grad for p in model.parameters()]
    assert any(first)
    model.zero_grad()
    loss.backward()
    assert [p.grad for p in model.parameters()] == first


def test_backward_of_a_leaf_accumulates_one():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_from_two_outputs_adds_both_into_shared_leaves():
    a = Value(3.0)
    shared = a * a           # an inner node used by both outputs
    first, second = shared * 2, shared + 1
    first.backward()
    second.backward()
    assert a.grad == 2 * 6.0 + 6.0
    assert shared.grad == 2.0 + 1.0  # d(first)/d(shared) + d(second)/d(shared)


def test_manual_backward_steps_match_backward():
    """The lecture calls _backward() node by node; the result must match backward()."""
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    L = (a * b + c).tanh()
    L.grad = 1.0
    for node in reversed(topological_order(L)):
        node._backward()
    manual = [a.grad, b.grad, c.grad]
    for v in (a, b, c):
        v.grad = 0.0
    L2 = (a * b + c).tanh()
    L2.backward()
    assert manual == [a.grad, b.grad, c.grad]


def test_neuron_from_the_lecture():
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert x1.grad == pytest.approx(-1.5)
    assert w1.grad == pytest.approx(1.0)
    assert x2.grad == pytest.approx(0.5)
    assert w2.grad == pytest.approx(0.0)


def test_tanh_built_from_exp_matches_tanh():
    x = Value(0.8813735870195432)
    e = (2 * x).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    y = Value(0.8813735870195432)
    y.tanh().backward()
    assert o.data == pytest.approx(y.tanh().data)
    assert x.grad == pytest.approx(y.grad)


def test_value_sum_matches_chained_addition():
    terms = [Value(v) for v in (0.1, 0.2, 0.3, -4.0)]
    total = value_sum(terms)
    assert total.data == sum(terms).data
    assert total._prev == tuple(terms)
    total.backward()
    assert [t.grad for t in terms] == [1.0] * 4
    assert value_sum([1, Value(2.0)]).data == 3.0


def test_zero_to_the_power_zero_is_one_with_slope_zero():
    x = Value(0.0)
    out = x ** 0
    out.backward()
    assert (out.data, x.grad) == (1.0, 0.0)
    assert_grads_match_finite_differences(lambda a: a ** 0, [0.0])


def test_square_root_of_zero_is_zero_with_an_infinite_slope():
    x = Value(0.0)
    out = x ** 0.5
    out.backward()
    assert (out.data, x.grad) == (0.0, math.inf)
    # The difference quotient from the right grows without bound as h shrinks.
    slopes = [((Value(h) ** 0.5).data - 0.0) / h for h in (1e-4, 1e-8, 1e-12)]
    assert slopes[0] < slopes[1] < slopes[2] and slopes[2] > 1e5


def test_a_power_whose_slope_overflows_has_an_infinite_slope():
    x = Value(-1e-200)
    out = x ** -1
    out.backward()
    assert out.data == -1e200 and x.grad == -math.inf  # -1 * x**-2 is too large for a float


def test_relu_of_nan_stays_nan():
    """A diverged run must not show a tidy relu (hinge) loss of 0."""
    x = Value(math.nan)
    out = x.relu()
    out.backward()
    assert math.isnan(out.data)
    assert x.grad == 1.0  # PyTorch's too: only an output <= 0 blocks the gradient


def test_nan_passes_through_log_instead_of_raising():
    assert math.isnan(Value(math.nan).log().data)


def test_division_is_one_node_with_its_own_local_derivatives():
    a, b = Value(3.0), Value(-4.0)
    out = a / b
    assert out._op == "/" and out._prev == (a, b)
    out.backward()
    assert (a.grad, b.grad) == (1 / -4.0, -3.0 / 16.0)


def test_division_rounds_once():
    assert (Value(49.0) / 49).data == 1.0          # 49 * (1/49) would be 0.9999999999999999
    assert (49.0 / Value(49.0)).data == 1.0
    assert (Value(0.3) / Value(0.1)).data == 0.3 / 0.1


def test_division_of_tiny_numbers_does_not_overflow():
    a, b = Value(1e-200), Value(1e-200)
    out = a / b
    out.backward()
    assert out.data == 1.0
    assert (a.grad, b.grad) == (1e200, -1e200)


def test_weighted_sum_value_and_gradient():
    @settings(max_examples=60, deadline=None)
    @given(st.lists(reals, min_size=7, max_size=7))
    def check(numbers):
        def f(w0, w1, w2, x0, x1, x2, b):
            return weighted_sum([w0, w1, w2], [x0, x1, x2], b)

        w, x, b = numbers[:3], numbers[3:6], numbers[6]
        assert f(*[Value(v) for v in numbers]).data == b + w[0] * x[0] + w[1] * x[1] + w[2] * x[2]
        assert_grads_match_finite_differences(f, numbers)

    check()


def test_weighted_sum_wraps_plain_inputs_and_checks_lengths():
    w, b = [Value(2.0), Value(3.0)], Value(1.0)
    out = weighted_sum(w, [10.0, Value(100.0)], b)
    assert out.data == 321.0 and all(isinstance(c, Value) for c in out._prev)
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        weighted_sum(w, [1.0], b)


@pytest.mark.parametrize("x", [800.0, -800.0, 1e6, -1e6])
def test_saturating_functions_never_overflow(x):
    t = Value(x).tanh()
    s = Value(x).sigmoid()
    e = Value(x).exp()
    assert t.data == math.copysign(1.0, x)
    assert s.data == (1.0 if x > 0 else 0.0)
    assert e.data == (math.inf if x > 0 else 0.0)
    for out in (t, s, e):
        out.backward()  # must not raise either


def test_deep_chain_of_a_million_nodes_backpropagates():
    x = Value(1.0)
    y = x
    with cycle_collection_paused():  # half the build time: nothing here is a cycle
        for _ in range(500_000):
            y = y + 1.0  # two nodes per step: the constant and the sum
    y.backward()
    assert x.grad == 1.0
    assert y.data == 500_001.0


def test_deep_chain_of_unary_ops():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y.relu()
    y.backward()
    assert x.grad == 1.0


def test_children_order_is_deterministic():
    def build():
        a, b = Value(1.0, label="a"), Value(2.0, label="b")
        c = a * b
        assert c._prev == (a, b) and c._op == "*"
        return [v.label or v._op for v in topological_order(c * a + b)]

    first = build()
    assert first[:3] == ["a", "b", "*"]
    assert all(build() == first for _ in range(5))


def test_topological_order_puts_children_first():
    a, b = Value(2.0), Value(3.0)
    d = a * b
    e = d + a
    f = e * d
    order = topological_order(f)
    position = {v: i for i, v in enumerate(order)}
    assert len(order) == 5
    for v in order:
        for child in v._prev:
            assert position[child] < position[v]
    assert order[-1] is f


def test_repr_shows_data_and_grad_but_no_address():
    v = Value(2.0, label="a")
    assert repr(v) == "Value(data=2.0000, grad=0.0000, label='a')"
    assert repr(Value(-1)) == "Value(data=-1.0000, grad=0.0000)"


def test_ints_and_numpy_numbers_are_accepted():
    numpy = pytest.importorskip("numpy")
    assert Value(3).data == 3.0 and isinstance(Value(3).data, float)
    assert Value(numpy.float32(1.5)).data == 1.5
    assert Value(numpy.int64(2)).data == 2.0
    assert (Value(1.0) * numpy.float64(2.0)).data == 2.0


def test_cycle_collection_is_paused_inside_and_restored_after():
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with cycle_collection_paused():
            assert not gc.isenabled()
            raise RuntimeError("restored even when the block raises")
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()


def test_backward_leaves_the_cycle_collector_as_it_was():
    import gc

    (Value(2.0) * 3).backward()
    assert gc.isenabled()


def test_values_have_slots_and_no_dict():
    assert not hasattr(Value(1.0), "__dict__")
