"""Benchmark: micrograd_course against karpathy's micrograd 0.1.0, in one process.

Run with ``make bench``. Prints absolute numbers and ratios; nothing here
asserts a time, because timings belong to the machine, not to the code.
"""

import gc
import random
import statistics
import sys
import time
import tracemalloc

import micrograd_course as ours
from micrograd_course.datasets import make_moons, to_plus_minus

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


def time_steps(step, n):
    times = []
    for k in range(n):
        t0 = time.perf_counter()
        step(k)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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
    t0 = time.perf_counter()
    root = wide_graph(Value, n_terms)
    root.backward()
    seconds = time.perf_counter() - t0
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
    t0 = time.perf_counter()
    try:
        y.backward()
    except RecursionError:
        return "RecursionError"
    ok = x.grad == 1.0
    return f"{time.perf_counter() - t0:.2f} s, grad {'correct' if ok else 'WRONG'}"


def main():
    quick = "--quick" in sys.argv
    print(f"Python {sys.version.split()[0]}; reference: micrograd 0.1.0 (PyPI)\n")

    random.seed(0)  # micrograd's MLP draws from the global random state
    ref_step = moons_step_factory(ref_engine.Value, ref_nn.MLP,
                                  lambda: ref_nn.MLP(2, [16, 16, 1]))
    our_step = moons_step_factory(ours.Value, ours.MLP,
                                  lambda: ours.MLP(2, [16, 16, 1], seed=0))
    ref_t = time_steps(ref_step, 3 if quick else 8)
    our_t = time_steps(our_step, 10 if quick else 40)
    print("moons training step (MLP(2,[16,16,1]), 100 samples, hinge + L2), median:")
    print(f"  micrograd        {1e3 * ref_t:8.1f} ms")
    print(f"  micrograd_course {1e3 * our_t:8.1f} ms   speed-up {ref_t / our_t:5.1f}x  (target >= 10x)")

    n_terms = 25_000
    r_nodes, r_us, r_bytes = graph_cost(ref_engine.Value, n_terms)
    o_nodes, o_us, o_bytes = graph_cost(ours.Value, n_terms)
    print(f"\nbuild + backward of a {o_nodes:,}-node graph:")
    print(f"  micrograd        {r_us:6.2f} us/node  {r_bytes:6.0f} bytes/node")
    print(f"  micrograd_course {o_us:6.2f} us/node  {o_bytes:6.0f} bytes/node"
          f"   speed-up {r_us / o_us:4.1f}x, memory {o_bytes / r_bytes:4.2f}x  (target <= 200 bytes/node)")

    n_chain = 200_000 if quick else 1_000_000
    print(f"\nbackward through a {n_chain:,}-node chain:")
    print(f"  micrograd        {deep_chain(ref_engine.Value, min(n_chain, 20_000))} (20,000 nodes)")
    print(f"  micrograd_course {deep_chain(ours.Value, n_chain)}")

    print("\nexplorer redraw after a control moves (median of 10; target < 100 ms;")
    print("the playground's target is progress within 1,000 ms):")
    for name, ms in explorer_redraws():
        print(f"  {name:34s} {ms:6.1f} ms")


def explorer_redraws(moves=10):
    """Time what a student waits for: set a control, the widget recomputes and redraws."""
    from micrograd_course import explore

    def timed(control, values):
        times = []
        for value in values:
            t0 = time.perf_counter()
            control.value = value
            times.append(time.perf_counter() - t0)
        return 1e3 * statistics.median(times)

    nudges = [0.05 * (i + 1) for i in range(moves)]
    lrs = [10 ** (-3 + 3 * i / moves) for i in range(moves)]
    derivative = explore.derivative_explorer()
    wiggle = explore.wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    one_d = explore.step_size_explorer(steps=30)
    mlp = explore.step_size_explorer(steps=30, problem="MLP on the toy set")
    rows = [
        ("derivative: move x", timed(derivative.x_slider, nudges)),
        ("wiggle (L = (a*b + c)*f): move h_a", timed(wiggle.sliders["a"], nudges)),
        ("step size, 1-D, 30 steps: move lr", timed(one_d.lr_slider, lrs)),
        ("step size, MLP, 30 steps: move lr", timed(mlp.lr_slider, lrs)),
    ]
    x = ours.Value(0.5, label="x")
    y = ((x * 2 + 1).tanh() * x - x.exp() / (x + 2)) ** 2
    stepper = explore.backprop_stepper(y)
    times = []
    for _ in range(min(moves, len(stepper.order))):
        t0 = time.perf_counter()
        stepper.step()
        times.append(time.perf_counter() - t0)
    rows.append(("backprop stepper: one step", 1e3 * statistics.median(times)))

    from micrograd_course.playground import training_playground

    playground = training_playground()  # moons, MLP(2, [16, 16, 1]), 150 training points
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        playground.step(playground.steps_per_update)  # what one chunk of "train" does
        times.append(time.perf_counter() - t0)
    rows.append(("playground: first update after train", 1e3 * statistics.median(times)))
    return rows


if __name__ == "__main__":
    main()
