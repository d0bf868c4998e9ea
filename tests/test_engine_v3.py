"""Engine v3 (issue 17), the parts that need no PyTorch: gradients blocked by relu,
comparisons, the collector pause across threads, copying and pickling deep graphs."""

import copy
import gc
import math
import pickle
import sys
import threading

import pytest

from micrograd_course import MLP, Value
from micrograd_course.engine import cycle_collection_paused

nan = math.nan


def test_the_issue_relu_example():
    a = Value(-1.0)
    (a.relu() * Value(1000.0).exp()).backward()
    assert a.grad == 0.0


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
