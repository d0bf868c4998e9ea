"""The training playground: reproducible, learns, survives bad settings, stays asynchronous."""

import asyncio
import re

import numpy as np
import pytest

from micrograd_course import MLP
from micrograd_course.playground import numpy_forward, parse_sizes, training_playground
from test_explore import assert_data_inside, png_size


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
        assert pg._canvas.last_png.startswith(b"\x89PNG")


def test_bad_hidden_sizes_say_how_to_fix_them_and_start_nothing():
    pg = small()
    pg.step(2)
    pg.hidden.value = "16,x"
    assert "like 16,16" in pg.status.value
    assert pg.model is None
    assert pg.train_button.disabled and pg.step_button.disabled
    pg.toggle_training()  # as if the (disabled) button were clicked anyway
    assert not pg.training and pg.train_button.description == "▶ train"
    assert np.isnan(pg.step(3))  # stepping does nothing, raises nothing
    # The old model's picture is gone; the plot says why.
    assert not pg._train_curve.get_visible() and "hidden layers" in pg._message.get_text()
    pg.hidden.value = "8"
    assert pg.model is not None and not pg.train_button.disabled
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
    assert pg._canvas.last_png.startswith(b"\x89PNG")
    assert_data_inside(pg.plot.value, 1)


def test_diverged_is_said_at_the_first_step_that_blows_up():
    pg = small(lr=10.0, activation="tanh")
    first = pg.train_losses[0]
    while not pg.diverged and pg.steps_done < 30:
        assert shown(pg, "state") == "ok"
        assert pg.train_losses[-1] <= 10 * max(first, 1.0)
        pg.step(1)
    assert pg.train_losses[-1] > 10 * max(first, 1.0)  # the step that crossed the line says so
    assert shown(pg, "state").startswith("diverged")
    assert pg._blowup.get_visible()


def test_loss_axis_rescales_at_every_redraw():
    pg = small(lr=10.0, activation="tanh")
    start_top = pg._canvas.axes[1].get_ylim()[1]
    while not pg.diverged and pg.steps_done < 30:
        pg.step(1)
        low, top = pg._canvas.axes[1].get_ylim()
        assert low == 0 and top >= max(pg.train_losses + pg.test_losses)  # never clipped
        assert_data_inside(pg.plot.value, 1)
    assert max(pg.train_losses) > start_top  # the losses rose past the first view...
    assert pg._canvas.axes[1].get_ylim()[1] > start_top  # ...and the axis followed them


def test_pictures_are_sharp_labelled_and_test_points_stand_apart():
    pg = small()
    assert png_size(pg._canvas.last_png) == (2 * pg._canvas.width, 2 * pg._canvas.height)
    assert pg._canvas.width <= 820
    boundary, curves = pg._canvas.axes
    assert boundary.get_xlabel() and boundary.get_ylabel()
    assert_data_inside(pg.plot.value, 0)
    # Training points are filled, test points hollow squares.
    assert pg._train_points.get_facecolors()[:, 3].min() == 1.0
    assert len(pg._test_points.get_facecolors()) == 0 or pg._test_points.get_facecolors()[:, 3].max() == 0.0
    pg.step(3)
    assert all(float(t).is_integer() for t in curves.xaxis.get_majorticklocs())


def test_controls_never_collapse_narrower_than_their_label():
    pg = small()
    for slider in (pg.lr, pg.l2, pg.noise, pg.batch_size):
        assert slider.layout.min_width == slider.layout.width and int(slider.layout.width[:-2]) >= 280
    rows = pg.children[1].children
    assert all(row.layout.flex_flow == "row wrap" for row in rows)  # narrow windows wrap, not squeeze
    assert any(pg.use_l2 in row.children and pg.l2 in row.children for row in rows)


def test_a_new_playground_stops_the_one_before():
    async def scenario():
        first = small()
        first.toggle_training()
        await asyncio.sleep(0.05)
        assert first.training and first.train_button.description == "❚❚ pause"
        second = small()  # the cell run again
        assert not first.training and first.train_button.description == "▶ train"
        steps = first.steps_done
        await asyncio.sleep(0.1)
        assert first.steps_done == steps
        second.toggle_training()
        await asyncio.sleep(0.05)
        assert second.training
        second.close()  # closing the widget stops it too
        assert not second.training

    asyncio.run(scenario())


def test_async_training_runs_in_chunks_and_can_be_stopped():
    pg = small()

    async def run_and_pause():
        task = asyncio.ensure_future(pg.train_async(max_steps=6))
        await task

    asyncio.run(run_and_pause())
    assert pg.steps_done == 6
    assert pg.train_button.description == "▶ train"


def test_every_batch_size_from_one_up_can_be_chosen_and_one_step_is_singular():
    pg = training_playground(n_samples=80, hidden="4")
    assert pg.batch_size.step == 1
    for size in range(1, 10):
        pg.batch_size.value = size
        assert pg.batch_size.value == size  # not rounded to a multiple of 10 (1 used to become 0: full batch)
    pg.step(1)
    assert " 1</span> step · " in pg.status.value.replace('data-name="steps">', " ")
    pg.step(1)
    assert "</span> steps · " in pg.status.value


def test_four_wide_layers_at_lr_0_1_do_not_diverge_at_the_first_step():
    pg = small(hidden="64,64,64,64", lr=0.1, n_samples=16)
    assert all(abs(w.data) <= (3 / 64) ** 0.5 for w in pg.model.layers[1].neurons[0].w)
    pg.step(2)
    assert not pg.diverged and "ok" in pg.status.value


def test_a_run_that_would_take_minutes_is_announced_from_the_measured_step_time():
    from micrograd_course.widgets.playground import slow_run_warning
    assert slow_run_warning(None) == "" and slow_run_warning(0.05) == ""  # 50 s for 1,000 steps: no warning
    assert "about 17 min" in slow_run_warning(1.0)
    pg = small()
    pg.step(1)
    assert pg.step_seconds is not None  # measured; its value depends on the machine, so it is set below
    pg.step_seconds = 0.01
    pg.step(0)
    assert 'data-name="warning"' not in pg.status.value
    pg.step_seconds = 4.4  # what 64,64,64,64 measured on the full data set
    pg.step(0)
    assert "about 73 min" in pg.status.value


def test_the_boundary_legend_sits_above_the_panel_not_on_the_points():
    pg = small()
    boundary = pg._canvas.axes[0]
    renderer = boundary.figure.canvas.get_renderer()
    legend = boundary.get_legend().get_window_extent(renderer)
    assert legend.y0 >= boundary.get_window_extent(renderer).y1 - 1  # wholly above the axes


def test_the_legend_and_the_title_do_not_overlap():
    pg = small()
    boundary = pg._canvas.axes[0]
    renderer = boundary.figure.canvas.get_renderer()
    legend = boundary.get_legend().get_window_extent(renderer)
    title = boundary._left_title.get_window_extent(renderer)
    assert title.x1 <= legend.x0 or title.y0 >= legend.y1


# ---------------------------------------------------------------- a picture per hidden neuron

def test_each_hidden_neuron_gets_a_picture_of_its_own_output():
    from micrograd_course.widgets.playground import NeuronThumbnails
    pg = small(hidden="5,3", activation="tanh")
    pictures = dict(pg.neuron_pictures)
    assert sorted(pictures) == [(0, k) for k in range(5)] + [(1, k) for k in range(3)]
    assert pg.neurons.widget.value.count("<img") == 2  # a row per hidden layer
    # The picture's bottom-left sample is the neuron's output at the lower-left corner of the plane.
    points = np.array(pg.x_train + pg.x_test)
    lo = np.floor(2 * points.min(axis=0) - 1) / 2
    hidden = pg.model.layers[0](list(map(float, lo)))
    second = pg.model.layers[1](hidden)
    for k in range(5):
        assert pictures[(0, k)][0, 0] == pytest.approx(hidden[k].data, abs=1e-12)
    for k in range(3):
        assert pictures[(1, k)][0, 0] == pytest.approx(second[k].data, abs=1e-12)
    assert pictures[(0, 0)].shape == (NeuronThumbnails.GRID, NeuronThumbnails.GRID)


def test_a_dead_relu_is_named_and_a_wide_layer_says_how_many_are_not_shown():
    pg = small(hidden="16", activation="relu")
    neuron = pg.model.layers[0].neurons[2]
    for w in neuron.w:
        w.data = 0.0
    neuron.b.data = -1.0
    pg._update()
    assert not np.any(dict(pg.neuron_pictures)[(0, 2)])
    assert "layer 1: 16 neurons, 1 of those shown are 0 everywhere" in pg.neurons.widget.value
    assert "+4 more" in pg.neurons.widget.value and len(pg.neuron_pictures) == 12


def test_the_neuron_pictures_can_be_hidden_and_leave_with_an_invalid_network():
    pg = small()
    pg.show_neurons.value = False
    assert pg.neurons.widget.value == "" and pg.neuron_pictures == []
    pg.show_neurons.value = True
    assert "<img" in pg.neurons.widget.value
    pg.hidden.value = "eight"
    assert pg.neurons.widget.value == ""


# ---------------------------------------------------------------- the answers lecture 8 gives about the playground

def _run(steps, **settings):
    """A playground with the lecture's defaults and ``settings``, trained ``steps`` steps without drawing."""
    pg = training_playground(**settings)
    for _ in range(steps // 10):
        pg.step(10, redraw=False)
    pg.stop()
    return pg


def _rises(losses):
    return sum(b > a for a, b in zip(losses, losses[1:]))


def test_answer_for_the_same_work_batch_10_gets_far_lower_and_jumps():
    full, same_work = _run(40), _run(40 * 150 // 10, batch_size=10)   # 150 training points per full step
    assert len(full.x_train) == 150 and same_work.steps_done == 600
    assert same_work.train_losses[-1] < 0.2 * full.train_losses[-1]    # "below a fifth"
    assert _rises(full.train_losses) == 0                               # "falls at every step"
    assert 0.4 * 600 <= _rises(same_work.train_losses) <= 0.6 * 600      # "going up at about half of its steps"


def test_answer_learning_rate_3_jumps_but_does_not_diverge_on_the_moons():
    fast, slow = _run(60, lr=3.0), _run(60)
    assert not fast.diverged and fast.accuracies()[0] > 0.8             # "not marked diverged", "above 80 %"
    assert _rises(fast.train_losses) > 60 / 3 and _rises(slow.train_losses) == 0   # "more than a third of its steps"


def test_answer_relu_learns_the_circles_where_tanh_has_barely_started():
    relu, tanh = _run(100, dataset="circles"), _run(100, dataset="circles", activation="tanh")
    assert relu.accuracies()[0] > 0.95                                  # "above 95 %"
    assert tanh.train_losses[-1] > 0.7 and tanh.accuracies()[0] < 0.6   # "loss above 0.7", "below 60 %"


def test_answer_two_neurons_cannot_follow_the_spiral():
    two, wide = _run(100, dataset="spiral (2 arms)", hidden="2"), _run(100, dataset="spiral (2 arms)")
    assert two.accuracies()[0] < 0.8 < wide.accuracies()[0] and two.train_losses[-1] > 2 * wide.train_losses[-1]


def test_answer_noise_04_without_l2_shows_no_overfitting_in_200_steps():
    pg = _run(200, noise=0.4, l2=0)
    train, test = pg.train_losses, pg.test_losses
    assert all(te < tr for tr, te in zip(train[10:], test[10:]))   # "below the training loss from step 10 on"
    assert min(train + test) > 0.3                                 # "both stay above 0.3"
    assert test[-1] - min(test) < 0.001                            # "within 0.001 of its lowest": it never turns up


def test_a_playground_can_start_trained_and_shows_no_timing_from_that_run():
    pg = small(steps=5)
    assert pg.steps_done == 5 and shown(pg, "steps") == "5" and len(pg.train_losses) == 6
    assert pg.step_seconds is None and 'data-name="warning"' not in pg.status.value
    by_hand = small()
    by_hand.step(5)
    assert by_hand.train_losses == pg.train_losses
    pg.reset()
    assert pg.steps_done == 0


def test_the_lecture_shows_the_playground_after_question_1s_full_batch_steps():
    import json
    import pathlib
    nb = json.loads((pathlib.Path(__file__).parents[1] / "notebooks" / "08_binary_classification.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "training_playground(" in "".join(c["source"]))
    assert "training_playground(steps=40)" in "".join(cell["source"])
    models = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"].values()
    status = [m["state"]["value"] for m in models if 'data-name="steps"' in str(m["state"].get("value", ""))]
    assert len(status) == 1 and 'data-name="steps">40<' in status[0]   # the stored page shows the trained run
    assert 'data-name="warning"' not in status[0]                      # and no timing of the machine that ran it


def test_the_boundary_shading_is_smooth_not_60_by_60_blocks():
    pg = small()
    pg.step(20)
    boundary = pg._canvas.axes[0]
    figure = boundary.figure

    def distinct_shades_along_the_middle():
        import io

        import PIL.Image
        pg._train_points.set_visible(False)
        pg._test_points.set_visible(False)
        pixels = np.asarray(PIL.Image.open(io.BytesIO(pg._canvas.png())))
        box = boundary.get_window_extent()
        row = pixels[pixels.shape[0] - int((box.y0 + box.y1) / 2), int(box.x0) + 2:int(box.x1) - 2, :3]
        return len({tuple(p) for p in row})

    smooth = distinct_shades_along_the_middle()
    pg._image.set_interpolation("nearest")
    blocky = distinct_shades_along_the_middle()
    assert smooth > 2 * blocky, (smooth, blocky)
