"""Engine v3 (issue 17): IEEE inf and nan as in PyTorch float64, gradients at the edges,
backward twice, comparisons, the collector pause across threads, copying and pickling."""

import copy
import gc
import math
import pickle
import sys
import threading

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_course import MLP, Value
from micrograd_course.engine import cycle_collection_paused

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs torch==2.13.0)")

import dag_vs_torch as dags  # noqa: E402  (tests/ is on the path: see conftest.py)

inf, nan = math.inf, math.nan


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


def test_the_issue_relu_example():
    a = Value(-1.0)
    (a.relu() * Value(1000.0).exp()).backward()
    assert a.grad == 0.0


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


# ----------------------------------------------------------------------
# Comparisons compare the numbers; == is identity.
# ----------------------------------------------------------------------

def test_order_comparisons_compare_data_and_return_bools():
    a, b = Value(1.0), Value(2.0)
    results = [a < b, a <= b, a > b, a >= b, a < 1.5, 1.5 < b, a >= 1, 2 <= b, b > 1.99]
    assert results == [True, True, False, False, True, True, True, True, True]
    assert all(type(r) is bool for r in results)
    best, loss = Value(0.5), Value(0.25)
    assert loss < best  # `if loss < best:` in a training loop
    assert sorted([b, a])[0] is a and max([a, b]) is b
    assert not (Value(nan) < 1.0) and not (Value(nan) >= 1.0)


def test_order_comparison_with_a_non_number_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1.0) < "2"
    with pytest.raises(TypeError):
        None >= Value(1.0)


def test_equality_is_identity_so_values_key_dicts_and_sets():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and not (a == 1.0)
    assert a <= b and a >= b  # equal numbers, different nodes
    assert len({a, b, a}) == 2
    grads = {a: "first", b: "second"}
    assert grads[a] == "first" and grads[b] == "second"
    assert hash(a) != hash(b)


# ----------------------------------------------------------------------
# The collector pause is safe across threads.
# ----------------------------------------------------------------------

def test_pause_from_two_threads_with_a_forced_interleaving():
    """A enters, B enters, A leaves (still paused: B is inside), B leaves (collector back).

    The old version had each block remember gc.isenabled() at its start: here B
    would have remembered "disabled" and left the collector off for good.
    """
    assert gc.isenabled()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with cycle_collection_paused():
            a_in.set()
            b_in.wait(5)
        seen["after A left"] = gc.isenabled()
        a_out.set()

    def thread_b():
        a_in.wait(5)
        with cycle_collection_paused():
            b_in.set()
            a_out.wait(5)
            seen["B inside, A gone"] = gc.isenabled()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after A left": False, "B inside, A gone": False}
    assert gc.isenabled()


def test_pause_hammered_by_threads_leaves_the_collector_on():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        def work():
            for _ in range(2000):
                with cycle_collection_paused():
                    pass
                (Value(1.0) * 2).backward()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert gc.isenabled()


def test_pause_keeps_a_disabled_collector_disabled_across_threads():
    gc.disable()
    try:
        t = threading.Thread(target=lambda: (Value(2.0) * 3).backward())
        t.start()
        t.join()
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


# ----------------------------------------------------------------------
# Copying and pickling deep graphs.
# ----------------------------------------------------------------------

def chain(n_nodes):
    x = Value(0.5, label="x")
    y = x
    with cycle_collection_paused():
        for _ in range(n_nodes // 2):
            y = y + 1.0  # two nodes per step
    return x, y


def test_pickle_a_200k_node_chain():
    x, y = chain(200_000)
    y.backward()
    x2, y2 = pickle.loads(pickle.dumps((x, y)))
    assert y2.data == y.data == 100_000.5 and y2.grad == 1.0
    assert x2.label == "x" and x2.grad == 1.0
    node = y2
    while node._prev:  # the same leaf object at the bottom: sharing is kept
        node = node._prev[0]
    assert node is x2
    x2.grad = 0.0
    y2.backward()
    assert x2.grad == 1.0


def test_deepcopy_a_200k_node_chain_keeps_sharing():
    x, y = chain(200_000)
    x2, y2 = copy.deepcopy([x, y])
    assert y2 is not y and y2.data == y.data
    node = y2
    while node._prev:
        node = node._prev[0]
    assert node is x2 and node is not x
    y2.backward()
    assert x2.grad == 1.0 and x.grad == 0.0  # the copy is independent


def test_pickle_and_copy_keep_shared_nodes_and_local_derivatives():
    a, b = Value(3.0), Value(1e-310)
    shared = a / b
    out = (shared * 0.0 + shared.relu() * 0.0 + (a ** 0) * 0.0) * 2
    for copied in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out)):
        copied.backward()
        leaves = [n for n in _nodes(copied) if not n._prev and n.data in (3.0, 1e-310)]
        a2 = next(n for n in leaves if n.data == 3.0)
        assert a2.grad == 0.0  # the special local derivatives survived the copy
        assert len([n for n in _nodes(copied) if n._op == "/"]) == 1  # still shared
    model = MLP(2, [3, 1], seed=0)
    twin = pickle.loads(pickle.dumps(model))
    assert [p.data for p in twin.parameters()] == [p.data for p in model.parameters()]
    assert twin([1.0, 2.0]).data == model([1.0, 2.0]).data


def _nodes(root):
    from micrograd_course import topological_order
    return topological_order(root)


def test_shallow_copy_shares_the_children():
    a = Value(2.0)
    b = a * 3
    c = copy.copy(b)
    assert c is not b and c._prev == b._prev and c.data == 6.0
