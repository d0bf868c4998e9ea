"""Benchmark: micrograd_course against karpathy's micrograd 0.1.0, in one process.

Run with ``make bench`` (``--quick`` for a shorter run). Prints absolute
numbers and ratios; nothing here asserts a time, because timings belong to
the machine, not to the code. Times are CPU time of this process
(``time.process_time``): on a shared machine the wall clock also counts the
time other processes had the CPU, which says nothing about either engine.
"""

import gc
import random
import statistics
import sys
import time
import tracemalloc

import micrograd_course as ours
from micrograd_course.datasets import make_moons, to_plus_minus
from micrograd_course.engine import cycle_collection_paused

try:
    import micrograd.engine as ref_engine
    import micrograd.nn as ref_nn
except ImportError:  # pragma: no cover - the Makefile installs it
    sys.exit("bench needs the reference engine: pip install micrograd==0.1.0")


def moons_step_factory(Value, MLP, make_model):
    """One training step of the lecture's moons demo: MLP(2,[16,16,1]), hinge loss + 1e-4 L2."""
    xs, labels = make_moons(100, noise=0.1, seed=1)
    ys = to_plus_minus(labels)
    model = make_model()
    params = model.parameters()

    def step(k, total=100):
        inputs = [[Value(a), Value(b)] for a, b in xs]
        scores = [model(x) for x in inputs]
        data_loss = sum((1 + -y * s).relu() for y, s in zip(ys, scores)) * (1.0 / len(ys))
        loss = data_loss + 1e-4 * sum(p * p for p in params)
        for p in params:
            p.grad = 0.0
        loss.backward()
        lr = 1.0 - 0.9 * k / total
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    return step


def paired_medians(ref_step, our_step, rounds, ref_per_round=2, ours_per_round=8):
    """Median CPU seconds per step of each engine, timed in alternating blocks.

    The machine's speed drifts (other processes); alternating keeps both
    engines under the same conditions. Each block starts from a clean heap,
    so neither engine pays for collecting the other's garbage (micrograd's
    graphs are reference cycles, freed only by the cycle collector), and with
    one untimed step, so that every timed step also pays for its own
    engine's garbage from the step before, as in a training loop.
    """
    ref_times, our_times = [], []
    for k in range(rounds):
        for step, times, n in ((ref_step, ref_times, ref_per_round), (our_step, our_times, ours_per_round)):
            gc.collect()
            step(k)
            for _ in range(n):
                times.append(timed(step, k))
    return statistics.median(ref_times), statistics.median(our_times)


def timed(step, k):
    """CPU seconds for one step: unlike the wall clock, not inflated by other busy processes."""
    t0 = time.process_time()
    step(k)
    return time.process_time() - t0


def paused_collection(step):
    """The same step inside ``cycle_collection_paused()``."""
    def paused_step(k):
        with cycle_collection_paused():
            return step(k)
    return paused_step


def moons_steps():
    """Both engines' moons step, fresh models, random state seeded as micrograd needs."""
    random.seed(0)  # micrograd's MLP draws from the global random state
    ref_step = moons_step_factory(ref_engine.Value, ref_nn.MLP, lambda: ref_nn.MLP(2, [16, 16, 1]))
    our_step = moons_step_factory(ours.Value, ours.MLP, lambda: ours.MLP(2, [16, 16, 1], seed=0))
    return ref_step, our_step


def report_moons(label, ref_step, our_step, rounds, target=None):
    ref_t, our_t = paired_medians(ref_step, our_step, rounds)
    goal = f"  (target >= {target}x)" if target else ""
    print(f"  {label:44s} {1e3 * ref_t:8.1f} ms {1e3 * our_t:8.1f} ms {ref_t / our_t:6.1f}x{goal}")
    return ref_t / our_t


def wide_graph(Value, n_terms):
    """Products of leaf pairs, added up pairwise in a balanced tree, then relu.

    About 4 nodes per term (two leaves, a product, a sum). Balanced, so the
    reference engine's recursive sort does not hit the recursion limit.
    """
    rng = random.Random(0)
    level = [Value(rng.uniform(-1, 1)) * Value(rng.uniform(-1, 1)) for _ in range(n_terms)]
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        level = paired + level[len(paired) * 2:]
    return level[0].relu()


def count_nodes(root):
    seen, stack = {root}, [root]
    while stack:
        for c in stack.pop()._prev:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return len(seen)


def graph_cost(Value, n_terms):
    """Microseconds per node for build + backward, and bytes per node held by the graph."""
    gc.collect()
    t0 = time.process_time()
    root = wide_graph(Value, n_terms)
    root.backward()
    seconds = time.process_time() - t0
    nodes = count_nodes(root)
    del root
    gc.collect()
    tracemalloc.start()
    root = wide_graph(Value, n_terms)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del root
    gc.collect()
    return nodes, 1e6 * seconds / nodes, held / nodes


def deep_chain(Value, n_nodes):
    """x + 1 + 1 + ...: 2 nodes per step (the constant and the sum)."""
    x = Value(0.0)
    y = x
    for _ in range(n_nodes // 2):
        y = y + 1.0
    t0 = time.process_time()
    try:
        y.backward()
    except RecursionError:
        return "RecursionError"
    ok = x.grad == 1.0
    return f"{time.process_time() - t0:.2f} s, grad {'correct' if ok else 'WRONG'}"


def main():
    quick = "--quick" in sys.argv
    rounds = 2 if quick else 4
    print(f"Python {sys.version.split()[0]}; reference: micrograd 0.1.0 (PyPI)\n")

    print("moons training step (MLP(2,[16,16,1]), 100 samples, hinge + L2), median CPU time:")
    print(f"  {'':44s} {'micrograd':>11s} {'ours':>11s} {'ratio':>7s}")
    print(f"plain process ({len(gc.get_objects()):,} objects tracked by the cycle collector):")
    report_moons("default", *moons_steps(), rounds, target=40)
    report_moons("each step in cycle_collection_paused()",
                 *map(paused_collection, moons_steps()), rounds)

    # What a Jupyter kernel holds: every object imported here is one more that
    # each full cycle collection has to look at.
    import ipywidgets  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    print(f"matplotlib and ipywidgets imported ({len(gc.get_objects()):,} objects tracked):")
    report_moons("default", *moons_steps(), rounds, target=30)
    report_moons("each step in cycle_collection_paused()",
                 *map(paused_collection, moons_steps()), rounds)
    gc.freeze()  # move everything imported so far out of the collector's sight
    report_moons("gc.freeze() after the imports", *moons_steps(), rounds)
    report_moons("gc.freeze() and cycle_collection_paused()",
                 *map(paused_collection, moons_steps()), rounds)
    gc.unfreeze()

    n_terms = 25_000
    r_nodes, r_us, r_bytes = graph_cost(ref_engine.Value, n_terms)
    o_nodes, o_us, o_bytes = graph_cost(ours.Value, n_terms)
    print(f"\nbuild + backward of a {o_nodes:,}-node graph (CPU time):")
    print(f"  micrograd        {r_us:6.2f} us/node  {r_bytes:6.0f} bytes/node")
    print(f"  micrograd_course {o_us:6.2f} us/node  {o_bytes:6.0f} bytes/node"
          f"   speed-up {r_us / o_us:4.1f}x, memory {o_bytes / r_bytes:4.2f}x  (target <= 200 bytes/node)")

    n_chain = 200_000 if quick else 1_000_000
    print(f"\nbackward through a {n_chain:,}-node chain, CPU time (target < 3 s for 1,000,000):")
    print(f"  micrograd        {deep_chain(ref_engine.Value, min(n_chain, 20_000))} (20,000 nodes)")
    print(f"  micrograd_course {deep_chain(ours.Value, n_chain)}")

    import bench_tensor  # bench/ is on the path when this file runs as a script
    bench_tensor.main(quick)
    print("\nWidget redraw timings: bench/bench_widgets.py.")


if __name__ == "__main__":
    main()
