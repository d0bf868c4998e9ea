"""Tensor: every op's value and gradient against numpy and finite differences; broadcasting's backward.

The torch comparisons are in test_tensor_torch.py; the modules, losses and
error messages in test_tensor_nn.py.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from micrograd_course.tensor import Tensor, unbroadcast

from tensor_cases import (BINARY, MATMUL_SHAPES, REDUCTIONS, UNARY, broadcast_pairs, numeric_grads,
                          random_inputs, tensor_value_and_grads)

FD_TOL = dict(rtol=1e-6, atol=1e-7)


def assert_matches_finite_differences(f, arrays, seed=0):
    _, grads = tensor_value_and_grads(f, arrays, seed)
    for got, expected in zip(grads, numeric_grads(f, arrays, seed)):
        np.testing.assert_allclose(got, expected, **FD_TOL)


# ----------------------------------------------------------------------
# Construction
# ----------------------------------------------------------------------

def test_data_is_a_float64_array_and_grad_zeros_of_its_shape():
    for data in (3, 2.5, [1, 2, 3], [[1.0, 2.0], [3.0, 4.0]], np.ones((2, 3), dtype=np.float32)):
        t = Tensor(data)
        assert isinstance(t.data, np.ndarray) and t.data.dtype == np.float64
        assert isinstance(t.grad, np.ndarray) and t.grad.shape == t.data.shape
        assert not t.grad.any()
    assert Tensor([[1, 2], [3, 4]]).shape == (2, 2)
    np.testing.assert_array_equal(Tensor([1, 2]).data, [1.0, 2.0])


def test_a_float64_array_is_kept_as_it_is_and_a_float32_one_is_converted():
    x = np.ones(3)
    assert Tensor(x).data is x  # no copy: a Tensor is a view on the student's array
    assert Tensor(x.astype(np.float32)).data.dtype == np.float64


def test_outputs_of_ops_are_arrays_even_when_zero_dimensional():
    a, b = Tensor(2.0), Tensor(3.0)
    for out in (a * b, a + b, a / b, (a * b).sum(), a.tanh(), a ** 2):
        assert isinstance(out.data, np.ndarray) and out.data.shape == ()
        assert isinstance(out.grad, np.ndarray)


def test_shape_ndim_size_item_len_and_repr():
    t = Tensor(np.zeros((2, 3)))
    assert (t.shape, t.ndim, t.size, len(t)) == ((2, 3), 2, 6, 2)
    assert Tensor([4.5]).item() == 4.5 and isinstance(Tensor(4.5).item(), float)
    assert repr(Tensor([1.0, 2.5])) == "Tensor([1. , 2.5])"
    assert repr(Tensor(1.0, label="x")) == "Tensor(1., label='x')"


# ----------------------------------------------------------------------
# Each op: value against numpy, gradient against finite differences
# ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_gradient_matches_finite_differences(name, shape):
    f, fix = UNARY[name]
    rng = np.random.default_rng(1)
    assert_matches_finite_differences(f, random_inputs(rng, [shape], fix))


NUMPY_UNARY = {
    "relu": lambda x: np.maximum(x, 0), "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "exp": np.exp, "log": np.log, "square": lambda x: x * x, "sqrt": np.sqrt, "transpose": lambda x: x.T,
}


@pytest.mark.parametrize("name", NUMPY_UNARY)
def test_unary_op_value_matches_numpy(name):
    f, fix = UNARY[name]
    (x,) = random_inputs(np.random.default_rng(2), [(3, 4)], fix)
    np.testing.assert_allclose(f(Tensor(x)).data, NUMPY_UNARY[name](x), rtol=1e-14)


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_gradient_matches_finite_differences(name):
    f, fix = BINARY[name]
    rng = np.random.default_rng(3)
    a, b = random_inputs(rng, [(3, 4), (3, 4)])
    if fix is not None:
        b = fix(b)
    assert_matches_finite_differences(f, [a, b])


@pytest.mark.parametrize("axis, keepdims", REDUCTIONS)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_reduction_value_and_gradient(reduction, axis, keepdims):
    x = np.random.default_rng(4).normal(size=(2, 3, 4))

    def f(a):
        return getattr(a, reduction)(axis=axis, keepdims=keepdims)

    np.testing.assert_allclose(f(Tensor(x)).data, getattr(x, reduction)(axis=axis, keepdims=keepdims), rtol=1e-14)
    assert_matches_finite_differences(f, [x])


def test_sum_of_everything_sends_one_to_every_entry():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    x.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


def test_mean_divides_the_gradient_by_the_count():
    x = Tensor(np.zeros((2, 5)))
    x.mean(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 5), 0.2))


@pytest.mark.parametrize("a_shape, b_shape", MATMUL_SHAPES)
def test_matmul_value_and_gradient_for_any_shapes(a_shape, b_shape):
    a, b = random_inputs(np.random.default_rng(5), [a_shape, b_shape])
    out = Tensor(a) @ Tensor(b)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-14)
    assert_matches_finite_differences(lambda x, y: x @ y, [a, b])


def test_matmul_gradient_is_the_matrix_rule():
    A, B = random_inputs(np.random.default_rng(6), [(3, 4), (4, 2)])
    G = np.random.default_rng(7).normal(size=(3, 2))
    a, b = Tensor(A), Tensor(B)
    (a @ b).backward(G)
    np.testing.assert_allclose(a.grad, G @ B.T, rtol=1e-14)
    np.testing.assert_allclose(b.grad, A.T @ G, rtol=1e-14)


def test_matmul_with_an_array_on_either_side():
    A = np.random.default_rng(8).normal(size=(3, 4))
    w = Tensor(np.ones((4, 2)))
    (A @ w).sum().backward()  # ndarray @ Tensor reaches Tensor.__rmatmul__
    np.testing.assert_allclose(w.grad, A.T @ np.ones((3, 2)))


def test_numpy_arrays_and_numbers_combine_from_either_side():
    x = Tensor([1.0, 2.0])
    for out, expected in [(np.array([1.0, 1.0]) + x, [2, 3]), (np.array([3.0, 3.0]) - x, [2, 1]),
                          (np.array([2.0, 2.0]) * x, [2, 4]), (np.array([2.0, 2.0]) / x, [2, 1]),
                          (1 + x, [2, 3]), (1 - x, [0, -1]), (2 * x, [2, 4]), (2 / x, [2, 1])]:
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, expected)


def test_pow_zero_has_zero_gradient_and_sqrt_at_zero_an_infinite_one():
    x = Tensor([0.0, 2.0])
    (x ** 0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    x = Tensor([0.0, 4.0])
    (x ** 0.5).sum().backward()
    assert x.grad[0] == np.inf and x.grad[1] == 0.25


def test_saturating_ops_do_not_overflow():
    x = Tensor([-800.0, 800.0])
    np.testing.assert_array_equal(x.sigmoid().data, [0.0, 1.0])
    np.testing.assert_array_equal(x.tanh().data, [-1.0, 1.0])
    assert x.exp().data[1] == np.inf


# ----------------------------------------------------------------------
# Broadcasting's backward: every rank pair up to 3-D
# ----------------------------------------------------------------------

def test_unbroadcast_sums_added_and_stretched_axes():
    g = np.ones((2, 3, 4))
    np.testing.assert_array_equal(unbroadcast(g, (4,)), np.full(4, 6.0))
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), np.full((3, 1), 8.0))
    np.testing.assert_array_equal(unbroadcast(g, ()), np.array(24.0))
    np.testing.assert_array_equal(unbroadcast(g, (2, 1, 4)), np.full((2, 1, 4), 3.0))
    assert unbroadcast(g, (2, 3, 4)) is g


PAIRS = broadcast_pairs()


def test_the_shape_pairs_cover_every_rank_pair():
    assert {(len(a), len(b)) for a, b in PAIRS} == {(i, j) for i in range(4) for j in range(4)}
    assert len(PAIRS) == 15 * 15


@pytest.mark.parametrize("name", BINARY)
def test_broadcast_backward_on_every_rank_pair(name):
    f, fix = BINARY[name]
    rng = np.random.default_rng(9)
    for a_shape, b_shape in PAIRS:
        a, b = random_inputs(rng, [a_shape, b_shape])
        if fix is not None:
            b = fix(b)
        out, (ga, gb) = tensor_value_and_grads(f, [a, b])
        np.testing.assert_allclose(out, f(a, b), rtol=1e-14)
        assert ga.shape == a_shape and gb.shape == b_shape, (a_shape, b_shape)
        for got, expected in zip((ga, gb), numeric_grads(f, [a, b])):
            np.testing.assert_allclose(got, expected, **FD_TOL, err_msg=f"{a_shape} {name} {b_shape}")


def test_broadcast_add_gradient_counts_the_copies():
    x = Tensor(np.zeros((5, 3)))
    b = Tensor(np.zeros(3))
    (x + b).sum().backward()
    np.testing.assert_array_equal(b.grad, [5.0, 5.0, 5.0])  # b was used by all 5 rows


# ----------------------------------------------------------------------
# backward(): accumulation, reuse, order, depth
# ----------------------------------------------------------------------

def test_leaves_accumulate_and_inner_nodes_restart():
    x = Tensor([1.0, 2.0])
    y = x * x
    loss = y.sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])  # twice 2x
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])  # once


def test_a_tensor_used_twice_gets_both_gradients():
    x = Tensor([3.0])
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(x.grad, [7.0])


def test_backward_with_an_explicit_gradient():
    x = Tensor([1.0, 2.0, 3.0])
    (x * 2).backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -2.0])


def test_backward_on_a_one_element_tensor_of_any_rank():
    x = Tensor([[2.0]])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[4.0]])


def test_a_deep_graph_needs_no_recursion():
    x = Tensor(np.ones(2))
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


# ----------------------------------------------------------------------
# Random compositions against finite differences (smooth ops only: no kinks)
# ----------------------------------------------------------------------

SMOOTH_STEPS = ["add", "sub", "mul", "div", "tanh", "sigmoid", "exp_tanh", "log1p_square", "square", "matmul",
                "sum0", "mean_keep"]


def run_program(program, inputs, W):
    """Apply the steps in ``program`` to a pool that starts with ``inputs`` (shapes (3, 4), (4,), (3, 1))."""
    pool = list(inputs)
    for step, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if step == "add":
            out = a + b
        elif step == "sub":
            out = a - b
        elif step == "mul":
            out = a * b
        elif step == "div":
            out = a / (b * b + 1.0)
        elif step == "tanh":
            out = a.tanh()
        elif step == "sigmoid":
            out = a.sigmoid()
        elif step == "relu":
            out = a.relu()
        elif step == "exp_tanh":
            out = a.tanh().exp()
        elif step == "log1p_square":
            out = (a * a + 1.0).log()
        elif step == "square":
            out = a ** 2
        elif step == "matmul":
            out = a @ W if a.shape[-1] == 4 else a * 2.0
        elif step == "sum0":
            out = a.sum(0) if len(a.shape) == 2 and a.shape[0] == 3 else a
        elif step == "mean_keep":
            out = a.mean(-1, keepdims=True) if len(a.shape) == 2 else a
        pool.append(out)
    return pool[-1]


def programs(steps):
    index = st.integers(0, 20)
    return st.lists(st.tuples(st.sampled_from(steps), index, index), min_size=1, max_size=7)


@settings(max_examples=60, deadline=None)
@given(programs(SMOOTH_STEPS), st.integers(0, 2 ** 32 - 1))
def test_random_compositions_match_finite_differences(program, seed):
    rng = np.random.default_rng(seed)
    arrays = random_inputs(rng, [(3, 4), (4,), (3, 1), (4, 4)])
    arrays = [np.clip(x, -2, 2) for x in arrays]

    def f(a, b, c, W):
        out = run_program(program, [a, b, c], W)
        return out * 1.0 if out.shape else out.reshape(1)

    _, grads = tensor_value_and_grads(f, arrays, seed)
    for got, expected in zip(grads, numeric_grads(f, arrays, seed)):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
