"""Engine v3 (issue 17) against PyTorch float64: IEEE inf and nan instead of errors,
gradients at the edges, random expression DAGs, backward twice.

The rest of issue 17 (comparisons, the collector pause across threads, copying
and pickling, the relu example) needs no torch: tests/test_engine_v3.py."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_course import Value

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make install installs torch==2.13.0)")

import dag_vs_torch as dags  # noqa: E402  (tests/ is on the path: see conftest.py)
from test_torch import both  # noqa: E402  (the same Value/torch pair of runs)

inf, nan = math.inf, math.nan



def same(ours, theirs):
    """The same float, nan equal to nan, and the sign of a zero or an infinity counted."""
    if math.isnan(theirs):
        return math.isnan(ours)
    return ours == theirs and math.copysign(1, ours) == math.copysign(1, theirs)


def same_grad(ours, theirs):
    """As ``same``, but 0.0 and -0.0 count as one: a grad starts at 0.0 and adds (0.0 + -0.0 is 0.0)."""
    return math.isnan(ours) if math.isnan(theirs) else ours == theirs


# (f, inputs, our expected value, our expected grads): each checked against torch too.
CASES = {
    "1 / 0": (lambda a, b: a / b, [1.0, 0.0], inf, [inf, -inf]),
    "0 / 0": (lambda a, b: a / b, [0.0, 0.0], nan, [inf, nan]),
    "1 / -0": (lambda a, b: a / b, [1.0, -0.0], -inf, [-inf, -inf]),
    "-1 / 0": (lambda a, b: a / b, [-1.0, 0.0], -inf, [inf, inf]),
    "number over zero": (lambda a: 2.0 / a, [0.0], inf, [-inf]),
    "1 / Value(-0.)": (lambda a: 1.0 / a, [-0.0], -inf, [-inf]),
    "log(0)": (lambda a: a.log(), [0.0], -inf, [inf]),
    "log(-0)": (lambda a: a.log(), [-0.0], -inf, [-inf]),
    "log(-1)": (lambda a: a.log(), [-1.0], nan, [-1.0]),
    "log(inf)": (lambda a: a.log(), [inf], inf, [0.0]),
    "0 ** -1": (lambda a: a ** -1, [0.0], inf, [-inf]),
    "-0 ** -1": (lambda a: a ** -1, [-0.0], -inf, [-inf]),
    "0 ** -2": (lambda a: a ** -2, [0.0], inf, [-inf]),
    "(-1) ** 0.5": (lambda a: a ** 0.5, [-1.0], nan, [nan]),
    "(-8) ** (1/3)": (lambda a: a ** (1 / 3), [-8.0], nan, [nan]),
    "1e200 ** 2": (lambda a: a ** 2, [1e200], inf, [2e200]),
    "1e200 ** 3": (lambda a: a ** 3, [1e200], inf, [inf]),
    "(-1e200) ** 3": (lambda a: a ** 3, [-1e200], -inf, [inf]),
    "1e155 ** -2 (x * x overflows)": (lambda a: a ** -2, [1e155], 0.0, [-0.0]),
    "(-inf) ** 0.5": (lambda a: a ** 0.5, [-inf], nan, [nan]),
    "(-inf) ** -0.5": (lambda a: a ** -0.5, [-inf], nan, [-0.0]),
    "(-inf) ** 1.5": (lambda a: a ** 1.5, [-inf], inf, [nan]),
    "-0 ** 0.5": (lambda a: a ** 0.5, [-0.0], -0.0, [-inf]),
    "nan ** 0": (lambda a: a ** 0, [nan], 1.0, [0.0]),
    "x * x at 1e200": (lambda a: a * a, [1e200], inf, [2e200]),  # 1e200 + 1e200
    "exp(1000)": (lambda a: a.exp(), [1000.0], inf, [inf]),
    "sigmoid(-800)": (lambda a: a.sigmoid(), [-800.0], 0.0, [0.0]),
    "relu(-0)": (lambda a: a.relu(), [-0.0], -0.0, [0.0]),
    "relu(nan)": (lambda a: a.relu(), [nan], nan, [1.0]),
    "2 ** x at 2000": (lambda a: 2.0 ** a, [2000.0], inf, [inf]),
    "0 ** x at 0": (lambda a: 0.0 ** a, [0.0], 1.0, [0.0]),
    "0 ** x at -1": (lambda a: 0.0 ** a, [-1.0], inf, [-inf]),
    "(-2) ** x at 1": (lambda a: (-2.0) ** a, [1.0], -2.0, [nan]),
    "(-8) ** x at 1/3": (lambda a: (-8.0) ** a, [1 / 3], nan, [nan]),
    "inf - inf": (lambda a, b: a - b, [inf, inf], nan, [1.0, -1.0]),
}


@pytest.mark.parametrize("name", CASES)
def test_ieee_result_and_gradient_match_pytorch(name):
    f, numbers, value, grads = CASES[name]
    (ours, our_grads), (theirs, their_grads) = both(f, numbers)
    assert same(ours, value) and all(map(same_grad, our_grads, grads)), (ours, our_grads)
    assert same(ours, theirs), (ours, theirs)
    assert all(map(same_grad, our_grads, their_grads)), (our_grads, their_grads)


GRADIENT_EDGES = {
    # relu's slope 0 meets an infinite upstream gradient: 0, not 0 * inf = nan
    "dead relu times inf": (lambda a, b: a.relu() * b.exp(), [-1.0, 1000.0], [0.0, nan]),
    "dead relu times nan": (lambda a, b: a.relu() * b, [-1.0, nan], [0.0, 0.0]),
    "x ** 0 times inf": (lambda a, b: (a ** 0) * b.exp(), [3.0, 1000.0], [0.0, inf]),
    # a subnormal denominator: upstream 0 / b is 0 for a; torch's -0 * inf is nan for b
    "(a / b) * 0, b subnormal": (lambda a, b: (a / b) * 0.0, [1.0, 1e-310], [0.0, nan]),
    "log(b) * 0, b subnormal": (lambda a, b: b.log() * 0.0 + a, [1.0, 1e-310], [1.0, 0.0]),
    # a small upstream gradient over a tiny denominator stays finite (1 / b alone overflows)
    "tiny upstream over subnormal": (lambda a, b: (a / b) * 1e-300, [1.0, 1e-310], [1e10, -inf]),
    "tiny upstream through log": (lambda a: a.log() * 1e-300, [1e-310], [1e10]),
    "sqrt at 0 times 0": (lambda a: (a ** 0.5) * 0.0, [0.0], [nan]),
    "tanh saturated times inf": (lambda a, b: a.tanh() * b.exp(), [800.0, 1000.0], [nan, inf]),
}


@pytest.mark.parametrize("name", GRADIENT_EDGES)
def test_gradient_edge_case_matches_pytorch(name):
    f, numbers, grads = GRADIENT_EDGES[name]
    (_, our_grads), (_, their_grads) = both(f, numbers)
    assert all(math.isclose(g, e) or same_grad(g, e) for g, e in zip(our_grads, grads)), our_grads
    assert all(math.isclose(g, t) or same_grad(g, t) for g, t in zip(our_grads, their_grads)), their_grads


# ----------------------------------------------------------------------
# Random DAGs against torch: hypothesis draws the leaves and the steps.
# ----------------------------------------------------------------------

numbers = st.one_of(
    st.sampled_from(dags.SPECIAL),
    st.floats(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e-300, 1e-300),  # subnormals among them
)
steps = st.lists(
    st.tuples(st.sampled_from(dags.KINDS), st.lists(st.integers(0, 63), min_size=2, max_size=2),
              st.integers(0, 100)),
    min_size=1, max_size=12)


def with_parameters(drawn):
    """Turn each step's integer into an exponent, a base or a constant, by kind."""
    pools = {"pow": dags.EXPONENTS, "rpow": dags.BASES}
    return [(kind, picks, pools.get(kind, dags.CONSTANTS)[k % len(pools.get(kind, dags.CONSTANTS))])
            for kind, picks, k in drawn]


@settings(max_examples=300, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=4), steps)
def test_random_dag_matches_pytorch(leaves, drawn):
    """Never raises where torch gives a number; equal values and grads wherever torch's are finite."""
    verdict, problem = dags.compare(torch, leaves, with_parameters(drawn))
    assert problem is None, problem
    assert verdict["raised"] == 0


def test_the_dag_comparison_catches_a_wrong_gradient(monkeypatch):
    """The round-off allowance is tight: a tanh slope off by 1e-12 is caught."""
    leaves, steps = [0.3, -1.2], [("tanh", [0, 0], 0), ("mul", [2, 1], 0), ("tanh", [3, 0], 0)]
    assert dags.compare(torch, leaves, steps)[1] is None
    real_tanh = Value.tanh

    def sloppy_tanh(self):
        out = real_tanh(self)
        out._local_grads = (out._local_grads[0] * (1 + 1e-12),)
        return out

    monkeypatch.setattr(Value, "tanh", sloppy_tanh)
    verdict, problem = dags.compare(torch, leaves, steps)
    assert verdict["finite_grad_mismatch"] >= 1 and "grad of leaf" in problem


# ----------------------------------------------------------------------
# Backward twice, and two outputs sharing a node.
# ----------------------------------------------------------------------

def test_backward_twice_accumulates_like_torch_with_retain_grad():
    def build(a, b):
        shared = a * b
        return shared, (shared + a).tanh() * shared

    ours_a, ours_b = Value(0.7), Value(-1.3)
    shared, out = build(ours_a, ours_b)
    t_a, t_b = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.7, -1.3))
    t_shared, t_out = build(t_a, t_b)
    t_shared.retain_grad()
    t_out.retain_grad()
    for _ in range(2):
        out.backward()
        t_out.backward(retain_graph=True)
        got = [ours_a.grad, ours_b.grad, shared.grad, out.grad]
        want = [t.grad.item() for t in (t_a, t_b, t_shared, t_out)]
        assert got == pytest.approx(want, rel=1e-14)


def test_a_node_shared_by_two_outputs_adds_both_shares_as_in_torch():
    a = Value(1.5)
    shared = a * a
    first, second = shared * 3, shared * 5
    first.backward()
    second.backward()
    t = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    t_shared = t * t
    t_shared.retain_grad()
    (t_shared * 3).backward(retain_graph=True)
    (t_shared * 5).backward()
    assert shared.grad == t_shared.grad.item() == 8.0  # not 5, the last call's alone
    assert a.grad == t.grad.item() == 8.0 * 3.0
