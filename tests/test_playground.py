"""The training playground: reproducible, learns, survives bad settings, stays asynchronous."""

import asyncio
import re

import numpy as np
import pytest

from micrograd_course import MLP
from micrograd_course.playground import numpy_forward, parse_sizes, training_playground


def shown(pg, name):
    return re.search(rf'data-name="{name}">([^<]*)<', pg.status.value).group(1)


def small(**settings):
    defaults = dict(n_samples=80, hidden="8,8", lr=0.3)
    defaults.update(settings)
    return training_playground(**defaults)


def test_numpy_forward_matches_the_engine():
    model = MLP(2, [5, 4, 1], activation="tanh", seed=3)
    points = [[0.3, -1.2], [2.0, 0.5], [-0.7, 0.1]]
    assert numpy_forward(model, points) == pytest.approx([model(p).data for p in points], abs=1e-12)


def test_numpy_forward_keeps_every_output_of_a_multi_class_model():
    model = MLP(2, [6, 3], seed=4)
    points = [[0.1, 0.2], [-1.0, 0.4]]
    got = numpy_forward(model, points)
    assert got.shape == (2, 3)
    assert got.ravel().tolist() == pytest.approx([v.data for p in points for v in model(p)], abs=1e-12)


def test_training_improves_train_and_test_accuracy():
    pg = small()
    before = pg.accuracies()
    pg.step(40)
    train_acc, test_acc = pg.accuracies()
    assert pg.steps_done == 40 and len(pg.train_losses) == 41
    assert pg.train_losses[-1] < pg.train_losses[0] / 2
    assert train_acc >= 0.85 and test_acc >= 0.75 and train_acc > before[0]
    assert shown(pg, "steps") == "40"


def test_same_seed_same_run_and_reset_restarts():
    first, second = small(batch_size=16), small(batch_size=16)
    first.step(10)
    second.step(10)
    assert first.train_losses == second.train_losses
    first.reset()
    assert first.steps_done == 0 and len(first.train_losses) == 1
    first.seed.value = 5  # a new seed resets with new data and weights
    assert first.train_losses[0] != second.train_losses[0]


def test_mini_batches_draw_from_the_training_set():
    pg = small(batch_size=10)
    pg.step(5)
    assert pg.steps_done == 5
    assert pg.train_losses[-1] != pg.train_losses[0]


@pytest.mark.parametrize("dataset", ["moons", "circles", "spiral (2 arms)"])
def test_every_dataset_and_activation_runs(dataset):
    for activation in ("relu", "tanh", "sigmoid"):
        pg = small(dataset=dataset, activation=activation)
        pg.step(2)
        assert np.isfinite(pg.train_losses[-1])
        assert bytes(pg.plot.value).startswith(b"\x89PNG")


def test_bad_hidden_sizes_say_how_to_fix_them():
    pg = small()
    pg.hidden.value = "sixteen"
    assert "like 16,16" in pg.status.value
    assert pg.step(3) != pg.step(3) or pg.model is None  # stepping does nothing, raises nothing
    with pytest.raises(ValueError, match="one to four hidden layers"):
        parse_sizes("0")


def test_a_huge_learning_rate_is_reported_not_raised():
    pg = small(activation="relu", lr=10.0, hidden="16,16")
    pg.l2.value = 0.1
    pg.step(30)  # the weights blow up: this must neither raise nor draw garbage
    assert pg.diverged
    assert shown(pg, "state") == "diverged: lower the learning rate and reset"
    steps = pg.steps_done
    pg.step(5)
    assert pg.steps_done == steps  # a diverged run does not keep stepping
    assert bytes(pg.plot.value).startswith(b"\x89PNG")


def test_async_training_runs_in_chunks_and_can_be_stopped():
    pg = small()

    async def run_and_pause():
        task = asyncio.ensure_future(pg.train_async(max_steps=6))
        await task

    asyncio.run(run_and_pause())
    assert pg.steps_done == 6
    assert pg.train_button.description == "▶ train"
