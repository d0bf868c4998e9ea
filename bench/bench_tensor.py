"""Benchmark: the tensor engine against PyTorch (CPU, float64) and the scalar engine, in one process.

Run with ``make bench`` (it is called from bench/bench.py) or on its own:
``python bench/bench_tensor.py [--quick]``. Two workloads:

- the moons step of lecture 12: MLP(2,[16,16,1]) on 100 points, hinge loss
  + 1e-4 L2, one SGD step (the same step bench.py times for the scalar engine);
- one epoch of a digits-sized network: MLP(64,[32,10]) on 1,437 samples of
  64 features (the training part of scikit-learn's 8x8 digits; random data
  of that shape), mini-batches of 32, cross-entropy, SGD.

Every engine starts from the same weights, and the first step's losses are
checked to agree before anything is timed. Times are the median CPU time of
this process (``time.process_time``) over alternating blocks, so drift of a
shared machine hits all engines alike; torch runs on one thread, as numpy's
small matrix products do. Nothing asserts a time: the ratios are printed.
"""

import gc
import statistics
import sys
import time

import numpy as np

import micrograd_course as scalar
from micrograd_course import tensor as T
from micrograd_course.datasets import make_moons, to_plus_minus
from micrograd_course.engine import cycle_collection_paused

try:
    import torch
except ImportError:  # torch is optional: pip install torch (the CPU build)
    torch = None

MOONS_SIZES = (2, [16, 16, 1])
DIGITS_SIZES = (64, [32, 10])
DIGITS_TRAIN, BATCH = 1437, 32


# ----------------------------------------------------------------------
# The moons step, three ways
# ----------------------------------------------------------------------

def moons_data():
    xs, labels = make_moons(100, noise=0.1, seed=1)
    return np.array(xs), np.array(to_plus_minus(labels), dtype=np.float64)


def lr_at(k, total=100):
    return 1.0 - 0.9 * (k % total) / total


def scalar_moons_step():
    X, y = moons_data()
    xs, ys = X.tolist(), y.tolist()
    model = scalar.MLP(*MOONS_SIZES, seed=0)
    params = model.parameters()

    def step(k):
        with cycle_collection_paused():  # the scalar engine's fastest setting
            scores = [model([scalar.Value(a), scalar.Value(b)]) for a, b in xs]
            data_loss = sum((1 + -yi * s).relu() for yi, s in zip(ys, scores)) * (1.0 / len(ys))
            loss = data_loss + 1e-4 * sum(p * p for p in params)
            for p in params:
                p.grad = 0.0
            loss.backward()
            lr = lr_at(k)
            for p in params:
                p.data -= lr * p.grad
            return loss.data

    return step


def tensor_moons_step():
    X, y = moons_data()
    y = y.reshape(-1, 1)
    model = T.MLP(*MOONS_SIZES, seed=0)
    params = model.parameters()
    optimizer = T.SGD(params, lr=1.0)

    def step(k):
        scores = model(X)
        data_loss = (1.0 - y * scores).relu().mean()
        loss = data_loss + 1e-4 * sum((p * p).sum() for p in params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = lr_at(k)
        optimizer.step()
        return loss.item()

    return step


def torch_net(tensor_model):
    """A torch.nn network (float64) with the same weights as a tensor-engine MLP."""
    layers = []
    for i, layer in enumerate(tensor_model.layers):
        linear = torch.nn.Linear(*layer.W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W.data.T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.b.data.copy()))
        layers.append(linear)
        if i < len(tensor_model.layers) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_moons_step():
    X, y = moons_data()
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    net = torch_net(T.MLP(*MOONS_SIZES, seed=0))
    params = list(net.parameters())
    optimizer = torch.optim.SGD(params, lr=1.0)

    def step(k):
        scores = net(X)
        data_loss = torch.relu(1.0 - y * scores).mean()
        loss = data_loss + 1e-4 * sum((p * p).sum() for p in params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.param_groups[0]["lr"] = lr_at(k)
        optimizer.step()
        return loss.item()

    return step


# ----------------------------------------------------------------------
# One digits-sized epoch, two ways (the scalar engine is timed on a few batches)
# ----------------------------------------------------------------------

def digits_data():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 17, size=(DIGITS_TRAIN, 64)) / 16.0  # the digits' pixels are 0..16
    y = rng.integers(0, 10, size=DIGITS_TRAIN)
    return X, y


def batches(n, epoch):
    order = np.random.default_rng(epoch).permutation(n)
    return [order[i:i + BATCH] for i in range(0, n, BATCH)]


def tensor_digits_epoch():
    X, y = digits_data()
    model = T.MLP(*DIGITS_SIZES, seed=0, init="scaled")
    optimizer = T.SGD(model.parameters(), lr=0.1)

    def epoch(k):
        for idx in batches(len(X), k):
            loss = T.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return loss.item()

    return epoch


def torch_digits_epoch():
    X, y = digits_data()
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    net = torch_net(T.MLP(*DIGITS_SIZES, seed=0, init="scaled"))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    cross_entropy = torch.nn.functional.cross_entropy

    def epoch(k):
        for idx in batches(len(X), k):
            idx = torch.from_numpy(idx)
            loss = cross_entropy(net(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return loss.item()

    return epoch


def scalar_digits_batches(n_batches):
    """The scalar engine on the first ``n_batches`` mini-batches of an epoch (a whole one takes too long)."""
    X, y = digits_data()
    model = scalar.MLP(*DIGITS_SIZES, seed=0)
    optimizer = scalar.SGD(model.parameters(), lr=0.1)

    def run(k):
        with cycle_collection_paused():
            for idx in batches(len(X), k)[:n_batches]:
                loss = scalar.losses.cross_entropy([model(list(X[i])) for i in idx], [int(y[i]) for i in idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        return loss.data

    return run


# ----------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------

def timed(step, k):
    t0 = time.process_time()
    step(k)
    return time.process_time() - t0


def alternating_medians(steps, rounds, per_block):
    """Median CPU seconds per call of each step, timed in alternating blocks after one untimed call."""
    times = {name: [] for name in steps}
    for k in range(rounds):
        for name, step in steps.items():
            gc.collect()
            step(k)
            for _ in range(per_block[name]):
                times[name].append(timed(step, k))
    return {name: statistics.median(ts) for name, ts in times.items()}


def agree(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def main(quick=False):
    rounds = 3 if quick else 6
    print("\nTensor engine (micrograd_course.tensor) against PyTorch CPU float64 and the scalar engine")
    if torch is None:
        print("  torch is not installed: only the scalar comparison runs (pip install torch, the CPU build).")
    else:
        torch.set_num_threads(1)
        print(f"  torch {torch.__version__}, 1 thread; numpy {np.__version__}")

    steps = {"scalar": scalar_moons_step(), "tensor": tensor_moons_step()}
    if torch is not None:
        steps["torch"] = torch_moons_step()
    first = {name: step(0) for name, step in steps.items()}
    if not all(agree(first["tensor"], loss) for loss in first.values()):
        sys.exit(f"the engines' first moons losses differ: {first}")
    steps = {"scalar": scalar_moons_step(), "tensor": tensor_moons_step(),
             **({"torch": torch_moons_step()} if torch is not None else {})}
    median = alternating_medians(steps, rounds, {"scalar": 2, "tensor": 200, "torch": 200})
    print("\nmoons step (MLP(2,[16,16,1]), 100 points, hinge + L2, SGD), median CPU time per step:")
    for name in steps:
        print(f"  {name:8s} {1e3 * median[name]:9.3f} ms")
    print(f"  tensor is {median['scalar'] / median['tensor']:,.0f}x faster than the scalar engine")
    if torch is not None:
        ratio = median["tensor"] / median["torch"]
        print(f"  tensor / torch = {ratio:.2f}  (target <= 3){'' if ratio <= 3 else '  MISSED'}")

    n_scalar = 2
    epochs = {"tensor": tensor_digits_epoch(), "scalar": scalar_digits_batches(n_scalar)}
    if torch is not None:
        epochs["torch"] = torch_digits_epoch()
        t_loss, o_loss = epochs["torch"](0), epochs["tensor"](0)
        if not agree(t_loss, o_loss):
            sys.exit(f"the digits epoch's losses differ: tensor {o_loss}, torch {t_loss}")
    median = alternating_medians(epochs, max(2, rounds // 2), {"tensor": 5, "torch": 5, "scalar": 1})
    n_batches = len(batches(DIGITS_TRAIN, 0))
    scalar_epoch = median["scalar"] * n_batches / n_scalar
    print(f"\ndigits-sized epoch (MLP(64,[32,10]), {DIGITS_TRAIN} samples, {n_batches} batches of {BATCH}, "
          f"cross-entropy, SGD), median CPU time per epoch:")
    print(f"  tensor   {1e3 * median['tensor']:9.1f} ms")
    if torch is not None:
        print(f"  torch    {1e3 * median['torch']:9.1f} ms")
    print(f"  scalar   {1e3 * scalar_epoch:9.1f} ms  (from {n_scalar} batches)")
    print(f"  tensor is {scalar_epoch / median['tensor']:,.0f}x faster than the scalar engine")
    if torch is not None:
        ratio = median["tensor"] / median["torch"]
        print(f"  tensor / torch = {ratio:.2f}  (target <= 3){'' if ratio <= 3 else '  MISSED'}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
