"""A training playground: pick data and a network, press Train, watch it learn.

``training_playground()`` returns a widget with the data set, its noise,
hidden layer sizes, activation, learning rate, L2 strength and batch size,
plus Train / Step / Reset buttons. It shows the decision boundary with the
training and test points, the train and test loss curves, and (as the
TensorFlow Playground does) a small picture of what every hidden neuron
computes over the input plane.

Training runs in small steps as an asyncio task on the kernel's event loop,
so the page stays responsive (Pause works) and the pictures update after
every few steps. Only one playground trains at a time: a new one (say, the
cell run again) stops the earlier ones, and closing a widget stops it.
Everything is reproducible from the seed. The same object can be driven
from code: ``step(n)``, ``reset()``, and its controls as attributes;
``training_playground(steps=40)`` starts with 40 steps taken, so that a
stored notebook shows a trained run.
"""

import asyncio
import base64
import html
import io
import math
import random
import time
import weakref

import ipywidgets as widgets
import matplotlib
import numpy as np
import PIL.Image
from matplotlib.lines import Line2D

from .. import datasets
from ..losses import accuracy, hinge_loss, l2_penalty
from ..nn import MLP
from .common import (DENSITY, PAGE_WIDTH, mark, WIDE_LABEL, Canvas, data_range, integer_ticks, nice_ceiling,
                     slider_layout, strong_button)

# A training loss above this many times the starting loss (at least 1, a classifier that
# says 0 everywhere) means the run has blown up: it is reported as diverged and stops.
DIVERGED_FACTOR = 10.0
BLOWN_UP = 1e12  # kept for code that imported it: far beyond any loss that counts as diverged

DATASETS = {
    "moons": lambda n, noise, seed: datasets.make_moons(n, noise=noise, seed=seed),
    "circles": lambda n, noise, seed: datasets.make_circles(n, noise=noise, factor=0.5, seed=seed),
    "spiral (2 arms)": lambda n, noise, seed: datasets.make_spiral(n // 2, classes=2, noise=noise, seed=seed),
}

TRAIN_LABEL, PAUSE_LABEL = "▶ train", "❚❚ pause"
RUN_STEPS = 1000  # what one press of Train runs, at most
SLOW_RUN_SECONDS = 60  # a run estimated to take longer than this gets a warning


def slow_run_warning(step_seconds, steps=RUN_STEPS):
    """A warning when ``steps`` steps at the measured ``step_seconds`` would take minutes, else ''."""
    if step_seconds is None or step_seconds * steps <= SLOW_RUN_SECONDS:
        return ""
    return (f"slow: {step_seconds:.2g} s per step, so {steps:,} steps take about "
            f"{step_seconds * steps / 60:.0f} min; fewer or smaller hidden layers, or a batch, train faster")

# Every playground made in this kernel; a new one stops the others (see module docstring).
_PLAYGROUNDS = weakref.WeakSet()


def parse_sizes(text):
    """'16, 16' -> [16, 16]; raises ValueError with a readable message otherwise."""
    try:
        sizes = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValueError(f"hidden layers must be whole numbers separated by commas, like 16,16; got {text!r}") from None
    if not sizes or any(s < 1 or s > 64 for s in sizes) or len(sizes) > 4:
        raise ValueError("use one to four hidden layers of 1 to 64 neurons, like 16,16")
    return sizes


def scale_initial_weights(model):
    """Shrink each neuron's starting weights to variance 1/fan_in (LeCun), never growing them.

    The MLP starts every weight uniform in [-1, 1] (variance 1/3), which is fine for
    2 inputs but makes a 64-wide layer's sums about 5 times larger than its inputs:
    four such layers start with outputs in the thousands and diverge at the first step.
    Scaled by sqrt(3 / fan_in), a layer keeps the size of what goes through it.
    """
    for layer in model.layers:
        for neuron in layer.neurons:
            scale = min(1.0, math.sqrt(3 / len(neuron.w)))
            for w in neuron.w:
                w.data *= scale


def numpy_forward(model, points):
    """The MLP's outputs for many points at once, with numpy (for drawing only).

    One row per point; a model with a single output gives a flat array of scores.
    """
    x = np.asarray(points, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model may overflow: that is shown, not raised
        return _numpy_layers(model, x)


def numpy_activations(model, points):
    """Every layer's outputs for many points at once: a list of (points, neurons) arrays."""
    x = np.asarray(points, dtype=float)
    outputs = []
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in model.layers:
            x = _numpy_layer(layer, x)
            outputs.append(x)
    return outputs


def _numpy_layers(model, x):
    for layer in model.layers:
        x = _numpy_layer(layer, x)
    return x[:, 0] if x.shape[1] == 1 else x


def _numpy_layer(layer, x):
    """One layer of the MLP on a (points, inputs) array; the output layer is linear."""
    weights = np.array([[w.data for w in n.w] for n in layer.neurons])
    biases = np.array([n.b.data for n in layer.neurons])
    x = x @ weights.T + biases
    activation = layer.neurons[0].activation
    if activation == "relu":
        return np.maximum(x, 0.0)
    if activation == "tanh":
        return np.tanh(x)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))
    return x


class NeuronThumbnails:
    """What each hidden neuron computes: one small picture per neuron over the input plane.

    A row per hidden layer, at most ``per_row`` neurons each (a note says how
    many more there are). Each picture is shaded by the neuron's output,
    scaled to its own largest size: white where it is 0, purple where it is
    positive and orange where it is negative (PuOr, which colour-blind
    readers tell apart). A neuron that is 0 everywhere (a dead ReLU) is plain
    white. The pictures are put together with numpy, not drawn by
    matplotlib: that keeps the redraw after a step to a few milliseconds.
    """

    SIZE = 46        # CSS pixels a side
    GRID = 28        # samples a side: enough to see a neuron's line or bend
    GAP = 4          # CSS pixels between pictures

    def __init__(self, per_row=12):
        self.per_row = per_row
        self.widget = widgets.HTML(layout={"width": "100%", "max_width": f"{PAGE_WIDTH}px"})
        self._colours = (matplotlib.colormaps["PuOr"](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)

    def _tile(self, values):
        scale = float(np.max(np.abs(values)))
        levels = np.rint((values / scale if scale > 0 else values) * 127.5 + 127.5).astype(int)
        rgb = self._colours[np.clip(levels, 0, 255)][::-1]  # row 0 is the bottom of the plane
        side = self.SIZE * DENSITY
        tile = PIL.Image.fromarray(rgb).resize((side, side), PIL.Image.BILINEAR)
        framed = PIL.Image.new("RGB", (side + 2, side + 2), (128, 128, 128))
        framed.paste(tile, (1, 1))
        return framed

    def _row_image(self, tiles):
        side = self.SIZE * DENSITY + 2
        gap = self.GAP * DENSITY
        strip = PIL.Image.new("RGB", (len(tiles) * (side + gap) - gap, side), (255, 255, 255))
        for k, tile in enumerate(tiles):
            strip.paste(tile, (k * (side + gap), 0))
        buffer = io.BytesIO()
        strip.save(buffer, format="png", compress_level=1)
        return strip.width // DENSITY, side // DENSITY, base64.b64encode(buffer.getvalue()).decode("ascii")

    def show(self, model, lo, hi):
        """Redraw for ``model`` over the box lo..hi; returns ((layer, neuron), values) per picture."""
        hidden = model.layers[:-1]
        if not hidden:
            self.widget.value = ""
            return []
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], self.GRID), np.linspace(lo[1], hi[1], self.GRID))
        layers = numpy_activations(model, np.c_[gx.ravel(), gy.ravel()])[:-1]
        shown, rows = [], []
        for row, outputs in enumerate(layers):
            count = outputs.shape[1]
            tiles = []
            for column in range(min(count, self.per_row)):
                values = np.nan_to_num(outputs[:, column]).reshape(gx.shape)
                shown.append(((row, column), values))
                tiles.append(self._tile(values))
            width, height, source = self._row_image(tiles)
            dead = sum(1 for (r, _), v in shown if r == row and not np.any(v))
            more = f" +{count - self.per_row} more" if count > self.per_row else ""
            alt = f"layer {row + 1}: {count} neurons" + (f", {dead} of those shown are 0 everywhere" if dead else "")
            rows.append(f'<div style="display:flex;align-items:center;gap:8px;margin:2px 0">'
                        f'<span style="width:64px;flex:none">layer {row + 1}</span>'
                        f'<img class="mgc-neurons-row" alt="{html.escape(alt)}" width="{width}" height="{height}" '
                        f'style="max-width:calc(100% - 140px);height:auto" src="data:image/png;base64,{source}">'
                        f'<span>{more}</span></div>')
        self.widget.value = ('<div class="mgc-neurons" role="group" aria-label="what each hidden neuron computes">'
                             '<div style="margin:4px 0">What each hidden neuron computes over the plane '
                             '(purple: positive, orange: negative, white: 0)</div>' + "".join(rows) + "</div>")
        return shown


def _row(*children):
    """A row of controls that wraps onto the next line in a narrow window."""
    return widgets.HBox(list(children), layout={"flex_flow": "row wrap", "align_items": "center"})


class TrainingPlayground(widgets.VBox):
    """See the module docstring."""

    step_seconds = None  # the last training step's time, for the slow-run warning

    def __init__(self, dataset="moons", noise=0.1, hidden="16,16", activation="relu", lr=0.1,
                 l2=1e-4, batch_size=0, seed=0, n_samples=200, steps_per_update=1, steps=0):
        for other in list(_PLAYGROUNDS):
            other.stop()  # the cell was run again, or a second playground opened: one trains at a time
        _PLAYGROUNDS.add(self)
        self.dataset = widgets.Dropdown(options=list(DATASETS), value=dataset, description="data",
                                        layout={"width": "240px"})
        self.noise = widgets.FloatSlider(value=noise, min=0.0, max=0.5, step=0.01, description="noise",
                                         layout=slider_layout())
        self.hidden = widgets.Text(value=hidden, description="hidden layers", style=WIDE_LABEL,
                                   layout={"width": "240px"})
        self.activation = widgets.Dropdown(options=["relu", "tanh", "sigmoid"], value=activation,
                                           description="activation", style=WIDE_LABEL,
                                           layout={"width": "200px"})
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1,
                                         description="learning rate", style=WIDE_LABEL,
                                         readout_format=".3g", layout=slider_layout(340))
        self.use_l2 = widgets.Checkbox(value=l2 > 0, description="use L2", indent=False,
                                       layout={"width": "80px"})
        self.l2 = widgets.FloatLogSlider(value=max(l2, 1e-6), base=10, min=-6, max=-1, step=0.5,
                                         description="L2 strength", style=WIDE_LABEL,
                                         readout_format=".0e", layout=slider_layout(300))
        # Step 1: every batch size from 1 up can be chosen (or typed) and none snaps to 0 (= all).
        self.batch_size = widgets.IntSlider(value=batch_size, min=0, max=n_samples, step=1,
                                            description="batch (0 = all)", style=WIDE_LABEL,
                                            layout=slider_layout(340))
        self.seed = widgets.IntText(value=seed, description="seed", layout={"width": "160px"})
        self.train_button = strong_button(TRAIN_LABEL, "success")
        self.step_button = widgets.Button(description="step")
        self.reset_button = widgets.Button(description="reset")
        self.status = widgets.HTML(layout={"min_height": "24px"})
        self.show_neurons = widgets.Checkbox(value=True, description="show each neuron", indent=False,
                                             layout={"width": "160px"})
        self.neurons = NeuronThumbnails()
        self.n_samples = n_samples
        self.steps_per_update = steps_per_update
        self._task = None
        self.model = None
        self._setup_plot()
        self.plot = self._canvas.widget
        controls = widgets.VBox([
            _row(self.dataset, self.noise, self.seed),
            _row(self.hidden, self.activation),
            _row(self.lr, self.batch_size),
            _row(self.use_l2, self.l2),
            _row(self.train_button, self.step_button, self.reset_button, self.show_neurons),
        ])
        super().__init__([widgets.HTML("<b>Training playground</b>"), controls, self.status, self.plot,
                          self.neurons.widget])
        mark(self, "playground", live=(self.status,), dataset=self.dataset, noise=self.noise, hidden=self.hidden,
             activation=self.activation, lr=self.lr, l2=self.l2, use_l2=self.use_l2, batch=self.batch_size,
             seed=self.seed, train=self.train_button, step=self.step_button, reset=self.reset_button,
             status=self.status, show_neurons=self.show_neurons)
        self.show_neurons.observe(lambda _change: self._update() if self.model is not None else None, names="value")
        self.train_button.on_click(lambda _b: self.toggle_training())
        self.step_button.on_click(lambda _b: self.step(1))
        self.reset_button.on_click(lambda _b: self.reset())
        for control in (self.dataset, self.noise, self.hidden, self.activation, self.seed):
            control.observe(lambda _change: self.reset(), names="value")
        self.reset()
        if steps:
            self.step(steps, redraw=False)
            # Those steps ran before the widget was shown, perhaps on the machine that stored the
            # notebook: their time says nothing about this one. The reader's first step measures it.
            self.step_seconds = None
            self._update()

    # -------------------------------------------------------------- state

    def reset(self):
        """New data and a freshly initialised network from the current settings and seed.

        An invalid "hidden layers" entry leaves no model: the message says how
        to fix it, and Train and Step are disabled until it is fixed.
        """
        self.stop()
        try:
            sizes = parse_sizes(self.hidden.value)
        except ValueError as error:
            self.model = None
            self.train_button.disabled = self.step_button.disabled = True
            self.status.value = f'<span style="color:var(--jp-error-color1,#b00)" data-name="error">{html.escape(str(error))}</span>'
            self._draw_nothing()
            return
        self.train_button.disabled = self.step_button.disabled = False
        seed = self.seed.value
        xs, labels = DATASETS[self.dataset.value](self.n_samples, self.noise.value, seed)
        ys = datasets.to_plus_minus(labels)
        n_test = len(xs) // 4
        self.x_test, self.y_test = xs[:n_test], ys[:n_test]  # the data sets come shuffled
        self.x_train, self.y_train = xs[n_test:], ys[n_test:]
        self.model = MLP(2, sizes + [1], activation=self.activation.value, seed=seed)
        scale_initial_weights(self.model)
        self.rng = random.Random(seed)
        self.steps_done = 0
        self.step_seconds = None  # measured by the first step
        self.train_losses, self.test_losses = [], []
        self.diverged = False
        self._record()
        self._update()

    def _loss(self, xs, ys):
        """The training objective: hinge loss, plus the L2 penalty when it is switched on."""
        loss = hinge_loss([self.model(x) for x in xs], ys)
        if self.use_l2.value:
            loss = loss + l2_penalty(self.model.parameters(), self.l2.value)
        return loss

    def _record(self):
        """Hinge loss on all training and test points, computed with numpy: cheap enough for every step."""
        for xs, ys, history in ((self.x_train, self.y_train, self.train_losses),
                                (self.x_test, self.y_test, self.test_losses)):
            margins = 1.0 - np.asarray(ys) * numpy_forward(self.model, xs)
            history.append(float(np.mean(np.maximum(margins, 0.0))))

    def _blew_up(self):
        """True once the weights or the loss have left the range of a run that is still learning."""
        limit = DIVERGED_FACTOR * max(self.train_losses[0], 1.0)
        latest = self.train_losses[-1]
        return not (math.isfinite(latest) and latest <= limit) or not all(
            math.isfinite(p.data) for p in self.model.parameters())

    def step(self, n=1, redraw=True):
        """Run n steps of (mini-batch) gradient descent; returns the last training loss."""
        if self.model is None:
            return math.nan
        params = self.model.parameters()
        for _ in range(n):
            if self.diverged:
                break
            batch = self.batch_size.value
            if batch and batch < len(self.x_train):
                chosen = self.rng.sample(range(len(self.x_train)), batch)
                xs = [self.x_train[i] for i in chosen]
                ys = [self.y_train[i] for i in chosen]
            else:
                xs, ys = self.x_train, self.y_train
            try:
                started = time.perf_counter()
                loss = self._loss(xs, ys)
                self.model.zero_grad()
                loss.backward()
                for p in params:
                    p.data -= self.lr.value * p.grad
                self.step_seconds = time.perf_counter() - started  # the warning's measurement
                self.steps_done += 1
                self._record()
            except (OverflowError, ValueError):
                self.diverged = True
            self.diverged = self.diverged or self._blew_up()
        if redraw:
            self._update()
        return self.train_losses[-1]

    # -------------------------------------------------------------- training loop

    @property
    def training(self):
        """True while a training task is running."""
        return self._task is not None

    async def train_async(self, max_steps=None):
        """Train in chunks, yielding to the event loop between them so the widget stays live."""
        start = self.steps_done
        try:
            while (self.model is not None and not self.diverged
                   and (max_steps is None or self.steps_done - start < max_steps)):
                chunk = self.steps_per_update
                if max_steps is not None:
                    chunk = min(chunk, max_steps - (self.steps_done - start))
                self.step(chunk)
                await asyncio.sleep(0.01)
        finally:
            self._task = None
            self.train_button.description = TRAIN_LABEL

    def toggle_training(self):
        """Start training (up to 1,000 steps), or pause it if it is running.

        Does nothing while the settings are invalid (no model) or the run has diverged.
        """
        if self._task is not None:
            self.stop()
            return
        if self.model is None or self.diverged:
            return
        for other in list(_PLAYGROUNDS):
            if other is not self:
                other.stop()
        self.train_button.description = PAUSE_LABEL
        self._task = asyncio.get_event_loop().create_task(self.train_async(max_steps=RUN_STEPS))

    def stop(self):
        """Pause training, if it is running."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.train_button.description = TRAIN_LABEL

    def close(self):
        """Closing the widget stops its training."""
        self.stop()
        _PLAYGROUNDS.discard(self)
        super().close()

    # -------------------------------------------------------------- drawing

    def _setup_plot(self):
        self._canvas = Canvas(PAGE_WIDTH, 640, panels=2,
                              margins=dict(left=0.12, right=0.97, bottom=0.08, top=0.95, hspace=0.32),
                              alt=("the decision boundary over the training points (dots) and test points (squares), "
                                   "shaded by the score (top), and the train and test loss against the step (below)"))
        boundary, curves = self._canvas.axes
        # The shade is the score, clipped to [-1, 1]: white on the boundary, full colour where the
        # hinge loss is satisfied (margin 1). Bilinear smoothing hides the 60 x 60 grid's blocks.
        self._image = boundary.imshow(np.zeros((2, 2)), origin="lower", cmap="coolwarm", alpha=0.35,
                                      vmin=-1, vmax=1, aspect="auto", interpolation="bilinear")
        self._train_points = boundary.scatter([], [], s=18, edgecolors="black", linewidths=0.4)
        # Test points: hollow squares, so they stand apart from the filled training dots.
        self._test_points = boundary.scatter([], [], s=34, marker="s", facecolors="none", linewidths=1.6)
        boundary.set(xlabel="x₁", ylabel="x₂")
        boundary.set_title("boundary, shaded by score", fontsize=10, loc="left")
        grey = {"color": "none", "markeredgecolor": "0.25"}
        boundary.legend(handles=[
            Line2D([], [], marker="o", markerfacecolor="0.6", label="train", **grey),
            Line2D([], [], marker="s", markerfacecolor="none", markeredgewidth=1.6, label="test", **grey)],
            # Above the panel, beside the title: inside it, the legend would cover points.
            fontsize=9, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False,
            borderaxespad=0.1, handletextpad=0.3, columnspacing=1.0)
        self._train_curve, = curves.plot([], [], label="train")
        self._test_curve, = curves.plot([], [], label="test")
        self._blowup, = curves.plot([], [], "^", color="tab:red", ms=10, clip_on=False)
        self._blowup_note = curves.text(0.5, 0.5, "", transform=curves.transAxes, ha="center",
                                        color="tab:red", fontsize=10)
        self._canvas.animate(self._image, self._train_points, self._test_points, self._train_curve,
                             self._test_curve, self._blowup, self._blowup_note)
        curves.set(xlabel="step", ylabel="hinge loss")
        integer_ticks(curves.xaxis)
        curves.legend(fontsize=9, loc="upper right")
        self._message = boundary.text(0.5, 0.5, "", transform=boundary.transAxes, ha="center",
                                      va="center", fontsize=11, color="tab:red")
        self._canvas.animate(self._message)

    def accuracies(self):
        """(train accuracy, test accuracy) of the current model."""
        train = accuracy(numpy_forward(self.model, self.x_train).tolist(), self.y_train)
        test = accuracy(numpy_forward(self.model, self.x_test).tolist(), self.y_test)
        return train, test

    def _update(self):
        train_acc, test_acc = self.accuracies()
        state = "diverged: lower the learning rate and reset" if self.diverged else "ok"
        colour = "color:var(--jp-error-color1,#b00);font-weight:bold" if self.diverged else ""
        self.status.value = (
            f'<span data-name="steps">{self.steps_done}</span> {"step" if self.steps_done == 1 else "steps"} · '
            f'train loss <span data-name="train_loss">{self.train_losses[-1]:.4g}</span> · '
            f'test loss <span data-name="test_loss">{self.test_losses[-1]:.4g}</span> · '
            f'train accuracy <span data-name="train_acc">{train_acc:.0%}</span> · '
            f'test accuracy <span data-name="test_acc">{test_acc:.0%}</span> · '
            f'<span style="{colour}"><span data-name="state">{state}</span></span>')
        warning = slow_run_warning(self.step_seconds)
        if warning:
            self.status.value += f' · <span style="color:var(--jp-error-color1,#b00020)" data-name="warning">{html.escape(warning)}</span>'
        self._draw()

    def _draw_nothing(self):
        """No model (invalid settings): empty panels and the reason, instead of a stale picture."""
        boundary, _curves = self._canvas.axes
        for artist in (self._image, self._train_points, self._test_points, self._train_curve,
                       self._test_curve, self._blowup):
            artist.set_visible(False)
        self._message.set_text("no network: fix “hidden layers”")
        self.neurons.widget.value = ""
        self._blowup_note.set_text("")
        self._canvas.show()

    def _draw(self):
        boundary, curves = self._canvas.axes
        for artist in (self._image, self._train_points, self._test_points, self._train_curve,
                       self._test_curve):
            artist.set_visible(True)
        self._message.set_text("")
        points = np.array(self.x_train + self.x_test)
        # Half a unit of margin, rounded out to half units: limits (and so the cached axes)
        # stay put while noise or seed change the points a little.
        lo = np.floor(2 * points.min(axis=0) - 1) / 2
        hi = np.ceil(2 * points.max(axis=0) + 1) / 2
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60))
        scores = numpy_forward(self.model, np.c_[gx.ravel(), gy.ravel()])
        self._image.set_data(np.clip(np.nan_to_num(scores), -1, 1).reshape(gx.shape))
        self._image.set_extent((lo[0], hi[0], lo[1], hi[1]))
        colour = {1: "tab:red", -1: "tab:blue"}
        self._train_points.set_offsets(np.array(self.x_train))
        self._train_points.set_facecolors([colour[y] for y in self.y_train])
        self._test_points.set_offsets(np.array(self.x_test))
        self._test_points.set_edgecolors([colour[y] for y in self.y_test])
        boundary.set_xlim(lo[0], hi[0])
        boundary.set_ylim(lo[1], hi[1])
        if self.show_neurons.value:
            self.neuron_pictures = self.neurons.show(self.model, lo, hi)
        else:
            self.neurons.widget.value, self.neuron_pictures = "", []
        return self._canvas.show({0: (*points.min(axis=0), *points.max(axis=0)),
                                  1: self._draw_losses(curves)})

    def _draw_losses(self, curves):
        """Loss curves on an axis rescaled to them at every redraw; returns their data range.

        A loss that is no longer a finite number is not drawn: a red marker at
        the top edge shows the step where the run blew up.
        """
        steps = range(len(self.train_losses))
        self._train_curve.set_data(steps, self.train_losses)
        self._test_curve.set_data(steps, self.test_losses)
        finite = [v for v in self.train_losses + self.test_losses if math.isfinite(v)]
        top = nice_ceiling(max(finite + [1e-3]) * 1.05)
        blown = [k for k, (a, b) in enumerate(zip(self.train_losses, self.test_losses))
                 if not (math.isfinite(a) and math.isfinite(b))]
        self._blowup.set_visible(self.diverged)
        self._blowup.set_data(([blown[0]], [top]) if blown else ([steps[-1]], [self.train_losses[-1]])
                              if self.diverged else ([], []))
        self._blowup_note.set_text("diverged" if self.diverged else "")
        curves.set_xlim(0, nice_ceiling(max(10, self.steps_done)))
        curves.set_ylim(0, top)
        return data_range(list(steps) * 2, self.train_losses + self.test_losses)


def training_playground(**settings):
    """A widget to train an MLP on 2-D data with live pictures; see ``TrainingPlayground``."""
    return TrainingPlayground(**settings)
