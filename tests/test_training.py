"""End-to-end: the networks actually learn."""

from micrograd_course import MLP, SGD
from micrograd_course.datasets import make_moons, to_plus_minus, toy_dataset
from micrograd_course.engine import cycle_collection_paused
from micrograd_course.losses import accuracy, hinge_loss, l2_penalty, mse_loss


def test_toy_set_loss_falls_to_near_zero():
    xs, ys = toy_dataset()
    model = MLP(3, [4, 4, 1], activation="tanh", seed=42)
    opt = SGD(model.parameters(), lr=0.05)
    history = []
    for _ in range(100):
        loss = mse_loss([model(x) for x in xs], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.data)
    assert history[-1] < 0.01 < history[0]
    assert all(later <= earlier * 1.5 for earlier, later in zip(history, history[1:]))
    assert accuracy([model(x) for x in xs], ys) == 1.0


def test_forgetting_zero_grad_trains_worse():
    """The lecture's classic bug: gradients pile up across steps."""
    xs, ys = toy_dataset()

    def final_loss(zero_each_step):
        model = MLP(3, [4, 4, 1], activation="tanh", seed=42)
        opt = SGD(model.parameters(), lr=0.05)
        for _ in range(30):
            loss = mse_loss([model(x) for x in xs], ys)
            if zero_each_step:
                opt.zero_grad()
            loss.backward()
            opt.step()
        return mse_loss([model(x) for x in xs], ys).data

    assert final_loss(True) < final_loss(False)


def test_moons_reaches_97_percent_training_accuracy():
    """The lecture demo: MLP(2,[16,16,1]), hinge loss + 1e-4 L2, 100 steps, lr 1.0 -> 0.1."""
    xs, labels = make_moons(100, noise=0.1, seed=0)
    ys = to_plus_minus(labels)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    first = None
    for k in range(100):
        with cycle_collection_paused():  # a quarter less time per step; the engine makes no cycles
            loss = hinge_loss([model(x) for x in xs], ys) + l2_penalty(model.parameters(), 1e-4)
            first = loss.data if first is None else first
            opt.zero_grad()
            loss.backward()
            opt.lr = 1.0 - 0.9 * k / 100
            opt.step()
    assert loss.data < first / 10
    assert accuracy([model(x) for x in xs], ys) >= 0.97
