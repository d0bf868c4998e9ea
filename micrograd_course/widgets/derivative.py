"""The derivative explorer: the slope of f at x by a secant of width h."""

import html
import math

import ipywidgets as widgets

from .. import palette
from ..engine import Value
from .common import PAGE_WIDTH, SHORT_LABEL, mark, Canvas, data_range, fmt, plain_log_labels, slider_layout, table


def lecture_polynomial(x):
    return 3 * x ** 2 - 4 * x + 5


def true_slope(f, x):
    """df/dx at x by backprop (f must accept a Value)."""
    leaf = Value(x)
    f(leaf).backward()
    return leaf.grad


def secant_slope(f, x, h):
    """The first lecture's estimate: (f(x + h) - f(x)) / h, on plain floats."""
    return (f(x + h) - f(x)) / h


H_EXPONENTS = (-16, 0)  # the h slider runs from 1e-16 to 1
ERROR_FLOOR = 1e-17  # an error of exactly 0 cannot sit on a log axis; it is drawn here


class DerivativeExplorer(widgets.VBox):
    """Sliders for x and h; a plot of f with the secant and the tangent, and the error against h."""

    def __init__(self, f=lecture_polynomial, x=3.0, x_range=(-1.0, 4.0), name="f(x) = 3x² − 4x + 5"):
        self.f = f
        self.x_range = x_range
        self.x_slider = widgets.FloatSlider(
            value=x, min=x_range[0], max=x_range[1], step=0.01, description="x",
            continuous_update=True, readout_format=".2f", layout=slider_layout(390), style=SHORT_LABEL)
        self.h_slider = widgets.FloatLogSlider(
            value=0.1, base=10, min=H_EXPONENTS[0], max=H_EXPONENTS[1], step=0.25, description="h",
            readout_format=".1e", layout=slider_layout(390), style=SHORT_LABEL)
        self.readout = widgets.HTML(layout={"min_height": "90px"})
        self._setup_plot()
        self.plot = self._canvas.widget
        title = widgets.HTML(f"<b>Derivative explorer</b>: {html.escape(name)}")
        sliders = widgets.HBox([self.x_slider, self.h_slider], layout={"flex_flow": "row wrap"})
        super().__init__([title, sliders, self.readout, self.plot])
        mark(self, "derivative-explorer", live=(self.readout,), x=self.x_slider, h=self.h_slider)
        self.x_slider.observe(self._update, names="value")
        self.h_slider.observe(self._update, names="value")
        self._update()

    def state(self):
        """What the widget shows, as numbers: x, h, secant, true slope, error, verdict."""
        x, h = self.x_slider.value, self.h_slider.value
        secant = secant_slope(self.f, x, h)
        exact = true_slope(self.f, x)
        error = abs(secant - exact)
        if error <= 1e-6 * max(1.0, abs(exact)):
            verdict = "good: the secant slope matches the tangent"
        elif h >= 1e-6:
            verdict = "h too large: the secant cuts across the curve (error shrinks with h)"
        else:
            verdict = "h too small: float round-off in f(x+h) − f(x) dominates (error grows as h shrinks)"
        return {"x": x, "h": h, "secant": secant, "slope": exact, "error": error, "verdict": verdict}

    def _update(self, _change=None):
        s = self.state()
        self.readout.value = table(
            [[("x", fmt(s["x"])), ("h", f"{s['h']:.1e}"), ("secant", fmt(s["secant"])),
              ("slope", fmt(s["slope"])), ("error", f"{s['error']:.2e}")]],
            ["x", "h", "(f(x+h) − f(x)) / h", "true slope (backprop)", "|difference|"],
        ) + f'<p data-name="verdict">{html.escape(s["verdict"])}</p>'
        self._draw(s)

    def _setup_plot(self):
        f, (lo, hi) = self.f, self.x_range
        hi += 10 ** H_EXPONENTS[1]  # room for the secant's second point x + h at the largest h
        self._canvas = Canvas(PAGE_WIDTH, 520, panels=2,
                              margins=dict(left=0.12, right=0.97, bottom=0.09, top=0.95, hspace=0.42),
                              alt=("the function with its secant and tangent at x (top), and the error of the "
                                   "secant slope against h on log axes (below)"))
        curve, errors = self._canvas.axes
        grid = [lo + (hi - lo) * i / 200 for i in range(201)]
        values = [f(g) for g in grid]
        span = max(values) - min(values) or 1.0
        curve.plot(grid, values, color="black", lw=1.5, label="f")
        self._tangent, = curve.plot([], [], color=palette.GREEN, lw=1.2, label="tangent")
        self._secant, = curve.plot([], [], color=palette.VERMILLION, lw=1.2, ls="--", label="secant")
        self._points, = curve.plot([], [], "o", color=palette.VERMILLION, ms=5)
        self._canvas.animate(self._tangent, self._secant, self._points)
        curve.set_xlim(lo, hi)
        curve.set_ylim(min(values) - 0.1 * span, max(values) + 0.1 * span)
        curve.set(xlabel="x", ylabel="f(x)")
        curve.set_title("secant vs tangent", fontsize=10)
        curve.legend(loc="upper left", fontsize=9)
        self._grid = grid
        self._hs = [10 ** (e / 4) for e in range(4 * H_EXPONENTS[0], 4 * H_EXPONENTS[1] + 1)]
        self._error_curve, = errors.loglog(self._hs, [1.0] * len(self._hs), color="tab:blue", lw=1.2)
        self._error_point, = errors.loglog([1.0], [1.0], "o", color=palette.VERMILLION, ms=6, clip_on=False)
        self._canvas.animate(self._error_curve, self._error_point)
        # Half a decade of room on each side, so the marker at either end of the slider is whole.
        errors.set_xlim(10 ** (H_EXPONENTS[0] - 0.5), 10 ** (H_EXPONENTS[1] + 0.5))
        plain_log_labels(errors.xaxis)
        plain_log_labels(errors.yaxis)
        errors.set(xlabel="h", ylabel="|secant − slope|")
        errors.set_title("error of the estimate", fontsize=10)

    def _draw(self, s):
        f, x, grid = self.f, s["x"], self._grid
        curve, errors = self._canvas.axes
        fx = f(x)
        self._tangent.set_data(grid, [fx + s["slope"] * (g - x) for g in grid])
        self._secant.set_data(grid, [fx + s["secant"] * (g - x) for g in grid])
        points = ([x, x + s["h"]], [fx, f(x + s["h"])])
        self._points.set_data(*points)
        error_curve = [max(abs(secant_slope(f, x, h) - s["slope"]), ERROR_FLOOR) for h in self._hs]
        self._error_curve.set_ydata(error_curve)
        self._error_point.set_data([s["h"]], [max(s["error"], ERROR_FLOOR)])
        top = max(error_curve)
        errors.set_ylim(ERROR_FLOOR / 3, 10 ** math.ceil(math.log10(top) + 0.5))
        return self._canvas.show({0: data_range(*points), 1: data_range(self._hs, error_curve)})


def derivative_explorer(f=lecture_polynomial, x=3.0, x_range=(-1.0, 4.0), name="f(x) = 3x² − 4x + 5"):
    """Explore (f(x+h) − f(x)) / h: too large an h misses the curve, too small drowns in round-off.

    ``f`` must work on floats and on Values (write it with + - * / ** and
    Value methods), because the true slope comes from backprop.
    """
    return DerivativeExplorer(f, x, x_range, name)
