"""The step-size explorer: gradient descent under a learning-rate slider."""

import math

import ipywidgets as widgets
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

from .. import palette
from ..engine import Value
from .common import (PAGE_WIDTH, mark, WIDE_LABEL, Canvas, data_range, decade_limits, error_note, fmt,
                     integer_ticks, shows_errors,
                     slider_layout, table)
from .derivative import lecture_polynomial

# Learning rates offered by the slider: round numbers, dense around the parabola's
# thresholds 1/6 (zig-zags start) and 1/3 (steps stop converging).
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.32, 0.33,
                  0.34, 0.35, 0.4, 0.5, 0.7, 1.0, 2.0, 5.0, 10.0)
GAP_FLOOR = 1e-16  # a gap of exactly 0 cannot sit on a log axis; it is drawn here
X_LIMIT = 1e150  # descend_1d stops beyond this |x|: x**2 would leave the float range


def describe_run(losses, grad_norms, moves=None, tol=1e-4):
    """Name what a gradient-descent run did, in the words the lecture uses.

    ``losses`` and ``grad_norms`` hold one entry per point visited; ``moves``
    (optional) the change of a 1-D parameter at each step, to spot zig-zags.
    Returns "diverged" (blew up), "diverging" (growing), "converged",
    "converged (zig-zagging)", "converging", "converging (zig-zagging)",
    "oscillating" (zig-zags that do not settle) or "slow crawl".
    """
    if not all(math.isfinite(v) for v in list(losses) + list(grad_norms)):
        return "diverged"
    if losses[-1] > 10 * abs(losses[0]) + 1e-12 or grad_norms[-1] > 1e3 * max(grad_norms[0], tol):
        return "diverged"
    if moves and len(moves) > 2:
        flips = sum(1 for a, b in zip(moves, moves[1:]) if a * b < 0)
        zigzag = flips >= 0.5 * (len(moves) - 1)
    else:
        zigzag = sum(1 for a, b in zip(losses, losses[1:]) if b > a) >= 0.25 * (len(losses) - 1)
    if grad_norms[-1] < tol:
        return "converged (zig-zagging)" if zigzag else "converged"
    if losses[-1] > losses[0]:
        return "diverging"
    settling = grad_norms[-1] < 0.05 * grad_norms[0]
    if zigzag:
        return "converging (zig-zagging)" if settling else "oscillating"
    return "converging" if settling else "slow crawl"


def descend_1d(f, x0, lr, steps):
    """Gradient descent on a function of one Value: iterates, losses and |grad| at each."""
    xs, losses, grads = [], [], []
    x = x0
    for k in range(steps + 1):
        leaf = Value(x)
        try:
            out = f(leaf)
            out.backward()
        except (OverflowError, ValueError, ZeroDivisionError):  # blew up, or left f's domain
            losses.append(math.inf)
            grads.append(math.inf)
            break
        xs.append(x)
        losses.append(out.data)
        grads.append(abs(leaf.grad))
        if k == steps or not math.isfinite(out.data) or abs(x) > X_LIMIT:
            break
        x = x - lr * leaf.grad
    return xs, losses, grads


def train_toy_mlp(lr, steps, seed=0):
    """MLP(3, [4, 4, 1], tanh) on the lecture's four samples with MSE: losses and grad norms."""
    from ..datasets import toy_dataset
    from ..losses import mse_loss
    from ..nn import MLP

    xs, ys = toy_dataset()
    model = MLP(3, [4, 4, 1], activation="tanh", seed=seed)
    params = model.parameters()
    losses, grads = [], []
    for k in range(steps + 1):
        try:
            loss = mse_loss([model(x) for x in xs], ys)
            model.zero_grad()
            loss.backward()
        except OverflowError:
            losses.append(math.inf)
            grads.append(math.inf)
            break
        losses.append(loss.data)
        grads.append(math.sqrt(sum(p.grad * p.grad for p in params)))
        if k == steps or not math.isfinite(loss.data):
            break
        for p in params:
            p.data -= lr * p.grad
    return losses, grads


def stop_of(losses, steps):
    """(step, reason) where a run ended before its last step or on a loss that is not a number; else (None, "")."""
    last = len(losses) - 1
    if not math.isfinite(losses[-1]):
        return last, f"the loss became {losses[-1]}"
    if last < steps:
        return last, "|x| > 1e150, f(x) would overflow"
    return None, ""


def minimum_on(f, lo, hi):
    """The smallest value of f on [lo, hi]: a grid, then golden-section search around its best point."""
    grid = [lo + (hi - lo) * i / 400 for i in range(401)]
    best = min(range(len(grid)), key=lambda i: f(grid[i]))
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if f(c) < f(d):
            b = d
        else:
            a = c
    return min(f(grid[best]), f((a + b) / 2))


def log_ticks(bottom, top, most=7):
    """Ticks at every 1st, 2nd, 5th, 10th, 20th, ... power of ten: at most ``most`` of them, evenly spaced."""
    low, high = round(math.log10(bottom)), round(math.log10(top))
    if high - low <= 1:
        return LogLocator(subs=tuple(range(1, 10)))  # one decade: 1, 2, ..., 9 times its power
    if high - low <= 3:
        return LogLocator(subs=(1.0, 2.0, 5.0))
    stride = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200) if (high - low) // s + 1 <= most)
    first = -(-low // stride) * stride  # the first multiple of stride at or above low
    return FixedLocator([10.0 ** k for k in range(first, high + 1, stride)])


def _compact(y, _position=None):
    return f"{y:g}"


class StepSizeExplorer(widgets.VBox):
    """A learning-rate slider and a step count; the run's fate in words and a plot."""

    PROBLEMS = ("1-D function", "MLP on the toy set")
    GAP_RANGE = {True: (1e-16, 1e2), False: (1e-6, 1e1)}  # the loss axis, for the 1-D problem and the MLP

    def __init__(self, f=lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function",
                 x_range=(-3.0, 4.5)):
        if problem not in self.PROBLEMS:
            raise ValueError(f"problem must be one of {self.PROBLEMS}, got {problem!r}.")
        rates = sorted(set(LEARNING_RATES) | {lr})
        self.f = f
        self.x0 = x0
        self.x_range = x_range
        self.f_min = minimum_on(f, *x_range)
        self.problem = widgets.ToggleButtons(options=self.PROBLEMS, value=problem)
        self.lr_slider = widgets.SelectionSlider(
            options=[(f"{r:g}", r) for r in rates], value=lr, description="learning rate",
            style=WIDE_LABEL, layout=slider_layout(330))
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=200, description="steps",
                                              layout=slider_layout())
        self.readout = widgets.HTML()
        self.errors, self.error_note = [], error_note()
        self._setup_plot()
        self.plot = self._canvas.widget
        super().__init__([
            widgets.HTML("<b>Step-size explorer</b>: how big a step should gradient descent take?"),
            self.problem,
            widgets.HBox([self.lr_slider, self.steps_slider], layout={"flex_flow": "row wrap"}),
            self.readout, self.error_note, self.plot])
        mark(self, "step-size-explorer", live=(self.readout,), problem=self.problem, lr=self.lr_slider, steps=self.steps_slider)
        for control in (self.problem, self.lr_slider, self.steps_slider):
            control.observe(self._update, names="value")
        self._update()

    def state(self):
        """Run descent with the current settings; return the history and its verdict.

        ``gaps`` is what the right-hand plot shows: the loss minus its smallest
        possible value (f's minimum on the plotted range; 0 for the MSE loss).
        """
        lr, steps = self.lr_slider.value, self.steps_slider.value
        if self.problem.value == self.PROBLEMS[0]:
            xs, losses, grads = descend_1d(self.f, self.x0, lr, steps)
            verdict = describe_run(losses, grads, moves=[b - a for a, b in zip(xs, xs[1:])])
            floor = min([self.f_min] + [v for v in losses if math.isfinite(v)])
        else:
            xs = None
            losses, grads = train_toy_mlp(lr, steps)
            verdict = describe_run(losses, grads, tol=1e-3)
            floor = 0.0
        gaps = [v - floor for v in losses]
        stopped_at, reason = stop_of(losses, steps)
        return {"problem": self.problem.value, "lr": lr, "steps": steps, "xs": xs, "losses": losses,
                "grads": grads, "gaps": gaps, "verdict": verdict, "final_loss": losses[-1],
                "stopped_at": stopped_at, "stop_reason": reason}

    @shows_errors
    def _update(self, _change=None):
        s = self.state()
        self.readout.value = table(
            [[("lr", f"{s['lr']:g}"), ("steps", s["steps"]), ("final_loss", fmt(s["final_loss"])),
              ("verdict", s["verdict"])]],
            ["learning rate", "steps", "final loss", "what happened"],
        )
        self._draw(s)

    def _setup_plot(self):
        self._canvas = Canvas(PAGE_WIDTH, 540, panels=2,
                              margins=dict(left=0.14, right=0.97, bottom=0.09, top=0.95, hspace=0.5),
                              alt=("gradient descent's iterates on the function, or for the MLP the size of the "
                                   "gradient at each step (top), and the distance to the minimum against the step on a "
                                   "log axis (below)"))
        left, right = self._canvas.axes
        lo, hi = self.x_range
        grid = [lo + (hi - lo) * i / 200 for i in range(201)]
        self._curve, = left.plot(grid, [self.f(g) for g in grid], color="black", lw=1.2)
        self._iterates, = left.plot([], [], "-o", color="tab:red", ms=3, lw=0.8)
        # Iterates beyond the plotted range: an arrow on the edge they left by, and a count.
        self._escaped, = left.plot([], [], ls="none", marker=">", color="tab:red", ms=9, clip_on=False)
        self._escaped_left, = left.plot([], [], ls="none", marker="<", color="tab:red", ms=9, clip_on=False)
        self._escaped_note = left.text(0.5, 0.97, "", transform=left.transAxes, ha="center", va="top",
                                       color="tab:red", fontsize=9)
        # For the MLP there is no curve to walk on: the top panel shows how big each step's gradient is.
        self._mlp_axes = self._canvas.overlay(0)
        self._grad_line, = self._mlp_axes.plot([], [], "-", color=palette.PURPLE, lw=1.4, marker=".", ms=3)
        self._mlp_axes.set_yscale("log")
        self._mlp_axes.yaxis.set_major_formatter(FuncFormatter(_compact))
        self._mlp_axes.yaxis.set_minor_locator(NullLocator())
        integer_ticks(self._mlp_axes.xaxis)
        self._mlp_axes.set(xlabel="step", ylabel="|gradient| (log scale)")
        self._mlp_axes.set_title("MLP(3, [4, 4, 1]), tanh, MSE on the lecture's 4 samples", fontsize=10)
        left.set_xlim(lo, hi)
        left.set_ylim(*left.get_ylim())  # fixed by the curve: iterates far away must not rescale it
        left.set(xlabel="x", ylabel="f(x)")
        self._gap, = right.plot([], [], "-", color="tab:blue", lw=1.4, marker=".", ms=3)
        # Where a run blew up or had to stop: a red triangle on the top edge, and why, in words.
        self._blowup, = right.plot([], [], "v", color="tab:red", ms=9, clip_on=False)
        self._stop_note = right.text(0.97, 0.04, "", transform=right.transAxes, ha="right", va="bottom",
                                     color="tab:red", fontsize=9, linespacing=1.3)
        self._verdict = right.text(0.5, 1.07, "", transform=right.transAxes, ha="center", va="bottom",
                                   fontsize=10)
        self._canvas.animate(self._curve, self._iterates, self._escaped, self._escaped_left,
                             self._escaped_note, self._grad_line, self._gap, self._blowup, self._stop_note,
                             self._verdict)
        right.set_yscale("log")
        right.yaxis.set_major_formatter(FuncFormatter(_compact))
        right.yaxis.set_minor_locator(NullLocator())
        integer_ticks(right.xaxis)
        right.set_xlabel("step")

    def _draw_iterates(self, xs, losses):
        """The iterates inside the plotted range on the curve; those outside as arrows on its edges."""
        left = self._canvas.axes[0]
        lo, hi = self.x_range
        # nan breaks the line where an iterate is off the panel, so no segment joins far-apart points
        inside = [lo <= x <= hi for x in xs]
        self._iterates.set_data([x if ok else math.nan for x, ok in zip(xs, inside)],
                                [y if ok else math.nan for y, ok in zip(losses, inside)])
        top = left.get_ylim()[1]
        right_of = sum(1 for x in xs if x > hi)
        left_of = sum(1 for x in xs if x < lo)
        self._escaped.set_data([hi] if right_of else [], [top] if right_of else [])
        self._escaped_left.set_data([lo] if left_of else [], [top] if left_of else [])
        off = right_of + left_of
        if off:
            farthest = max(abs(x) for x in xs)
            self._escaped_note.set_text(f"{off} of {len(xs)} iterates off the panel\n(|x| up to {farthest:.2g})")
        else:
            self._escaped_note.set_text("")

    @staticmethod
    def _plot_per_step(ax, line, values, steps, least_range):
        """``values`` per step on ``ax``'s log axis; returns the values drawn and the axis' (bottom, top).

        Zeros sit on GAP_FLOOR and non-numbers break the line. The y range is
        ``least_range``, grown by whole decades only when a run leaves it: the
        same picture for neighbouring learning rates, and the axes need
        redrawing only when a run blows up. The x axis spans the steps asked
        for, so a run that stopped early visibly ends short.
        """
        shown = [max(v, GAP_FLOOR) if math.isfinite(v) else math.nan for v in values]
        line.set_data(range(len(shown)), shown)
        finite = [v for v in shown if math.isfinite(v)] or [1.0]
        bottom, top = decade_limits(min(min(finite), least_range[0]), max(max(finite), least_range[1]))
        top = min(top, 1e308)  # the largest power of ten a float holds
        ax.set_ylim(bottom, top)
        ax.set_xlim(-0.5, max(steps, 1) + 0.5)
        ax.yaxis.set_major_locator(log_ticks(bottom, top))
        return shown, bottom, top

    def _draw(self, s):
        left, right = self._canvas.axes
        one_d = s["xs"] is not None
        for artist in (self._curve, self._iterates, self._escaped, self._escaped_left, self._escaped_note):
            artist.set_visible(one_d)
        left.axison = one_d
        self._mlp_axes.set_visible(not one_d)
        self._grad_line.set_visible(not one_d)  # animated artists are drawn on their own, axes or not
        if one_d:
            self._draw_iterates(s["xs"], s["losses"])
            left.set_title("iterates on the curve", fontsize=10)
            right.set_ylabel("f(x) − min f (log scale)")
        else:  # the MLP's gradient size per step, over the empty curve panel
            self._plot_per_step(self._mlp_axes, self._grad_line, s["grads"], s["steps"], (1e-4, 1e1))
            left.set_title("")
            right.set_ylabel("loss (log scale)")
        steps = list(range(len(s["gaps"])))
        gaps, bottom, top = self._plot_per_step(right, self._gap, s["gaps"], s["steps"], self.GAP_RANGE[one_d])
        stop = s["stopped_at"]
        self._blowup.set_data([stop] if stop is not None else [], [top] if stop is not None else [])
        self._stop_note.set_text(f"stopped at step {stop}:\n{s['stop_reason']}" if stop is not None else "")
        self._verdict.set_text(s["verdict"])
        self._verdict.set_color("tab:red" if s["verdict"].startswith("diverg") else "black")
        return self._canvas.show({1: data_range(steps, gaps)},
                                 {"verdict": s["verdict"], "run": f"{s['lr']:g},{s['steps']},{s['problem']}"})


def step_size_explorer(f=lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function"):
    """Gradient descent under a learning-rate slider: crawl, converge, oscillate or diverge.

    ``problem`` is "1-D function" (``f`` of one Value, from ``x0``) or
    "MLP on the toy set"; a toggle switches between them.
    """
    return StepSizeExplorer(f, x0=x0, lr=lr, steps=steps, problem=problem)
