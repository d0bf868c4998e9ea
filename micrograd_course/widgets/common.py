"""Helpers shared by the explorers and the playground: sharp plots, tables, numbers, graphs.

Plots are drawn with matplotlib's Agg canvas (no pyplot, no global state)
at twice the size they are shown at, so they stay sharp on HiDPI screens,
and are sent to the page as an ``<img>`` inside an HTML widget. The image
carries ``data-`` attributes with each panel's axis limits and data range,
so a test (or a curious student with the browser's inspector) can check
that what is drawn lies inside the axes.
"""

import base64
import functools
import html
import io
import math
import pathlib

import anywidget
import ipywidgets as widgets
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, LogLocator, MaxNLocator, NullFormatter, NullLocator

from ..graph import draw_graph

# The width the widgets are laid out for: the column JupyterLab leaves a notebook's outputs at
# 1024 px with the file browser open (590 px, the same as graph.FIT_WIDTH). Two panels are
# stacked, not side by side, so their text keeps its size there; a narrower column shrinks them.
PAGE_WIDTH = 590
# Pixels per CSS pixel in the plot images: 2 keeps lines and text sharp on HiDPI screens.
DENSITY = 2
FONT_SIZE = 10  # points, at 100 dpi: about 13 CSS pixels, like the notebook's text


class Canvas:
    """A matplotlib figure drawn once and afterwards only updated.

    Axes, tick labels and legends are most of matplotlib's cost, yet a slider
    move usually changes only a few lines. The artists passed to ``animate``
    are redrawn every time on top of a cached picture of everything else;
    the cache is renewed only when an axis' limits, title or labels change.
    That keeps a redraw well under 100 ms even at twice the display density.
    ``width`` and ``height`` are the size on the page, in CSS pixels; ``panels``
    axes are stacked top to bottom.
    """

    def __init__(self, width, height, panels=1, margins=None, alt="a plot"):
        self.width, self.height = width, height
        self.alt = alt  # what the picture shows, for screen readers (the image's alt text)
        self.figure = Figure(figsize=(width / 100, height / 100), dpi=100 * DENSITY)
        self.figure.subplots_adjust(**(margins or {}))
        axes = self.figure.subplots(panels, 1)
        self.axes = list(axes) if panels > 1 else [axes]
        for ax in self.axes:
            ax.tick_params(labelsize=FONT_SIZE - 1)
            ax.xaxis.label.set_size(FONT_SIZE)
            ax.yaxis.label.set_size(FONT_SIZE)
        self._canvas = FigureCanvasAgg(self.figure)
        self._animated = []
        self._background, self._layout = None, None
        self.overlays = []  # axes drawn over a panel, for a view that replaces it (see overlay)
        self.full_draws = 0  # how often the cached background had to be redrawn (for tests)
        self.widget = widgets.HTML(layout={"width": "100%", "max_width": f"{width}px"})

    def animate(self, *artists):
        """Artists that change from one redraw to the next (lines, markers, images, notes)."""
        for artist in artists:
            artist.set_animated(True)
        self._animated.extend(artists)

    def overlay(self, index):
        """New axes exactly over panel ``index``, hidden: show one or the other with ``set_visible``."""
        ax = self.figure.add_axes(self.axes[index].get_position(), label=f"overlay of panel {index}")
        ax.tick_params(labelsize=FONT_SIZE - 1)
        ax.xaxis.label.set_size(FONT_SIZE)
        ax.yaxis.label.set_size(FONT_SIZE)
        ax.set_visible(False)
        self.overlays.append(ax)
        return ax

    def _layout_key(self):
        return tuple((ax.get_xlim(), ax.get_ylim(), ax.axison, ax.get_visible(), ax.get_title(),
                      ax.title.get_color(), ax.get_xlabel(), ax.get_ylabel()) for ax in self.axes + self.overlays)

    def png(self):
        """The figure as PNG bytes, at DENSITY times the page size."""
        layout = self._layout_key()
        if layout != self._layout:
            self._canvas.draw()  # everything but the animated artists
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            self._layout = layout
            self.full_draws += 1
        else:
            self._canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        rgba = self._canvas.buffer_rgba()
        image = PIL.Image.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        # The page is opaque white, so alpha is dropped; light compression is 4x faster than the default.
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def show(self, data_ranges=None, captions=None):
        """Render the figure into the widget; returns the PNG bytes.

        ``data_ranges`` maps a panel index to (xmin, xmax, ymin, ymax) of the
        data plotted there; it is written next to the axis limits so tests
        can check that the data fits. ``captions`` maps a name to a short text
        that the picture shows (a verdict, the settings drawn), written as
        ``data-NAME``, so a browser test can tell which picture is on the page.
        """
        png = self.png()
        attributes = [f'data-{name}="{html.escape(str(text))}"' for name, text in (captions or {}).items()]
        for i, ax in enumerate(self.axes):
            if not ax.axison:
                continue
            limits = (*ax.get_xlim(), *ax.get_ylim())
            attributes.append(f'data-axes{i}="{_numbers(limits)}"')
            if data_ranges and data_ranges.get(i):
                attributes.append(f'data-data{i}="{_numbers(data_ranges[i])}"')
        source = base64.b64encode(png).decode("ascii")
        self.last_png = png
        # The alt text says what the plot shows and, with the captions, what it shows now.
        alt = "; ".join([self.alt] + [f"{name}: {text}" for name, text in (captions or {}).items()])
        self.widget.value = (
            f'<img class="mgc-plot" alt="{html.escape(alt)}" width="{self.width}" height="{self.height}" '
            'style="max-width:100%;height:auto" '
            f'{" ".join(attributes)} src="data:image/png;base64,{source}">')
        return png


def error_note():
    """A hidden line for a widget's own errors; ``shows_errors`` fills it and makes it visible."""
    return widgets.HTML(layout=widgets.Layout(display="none"))


def shows_errors(method):
    """Wrap a widget's callback so that an exception in it cannot vanish.

    ipywidgets sends an exception raised while a slider moves (or a button is
    clicked) in the browser to the kernel's log, where a student never looks,
    and the picture silently stays as it was. Here the exception is also kept
    in ``widget.errors`` (tests assert that list stays empty) and shown in red
    in ``widget.error_note``; then it is raised again as before.
    """
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            self.errors.append(message)
            self.error_note.value = (f"<span style='color:var(--jp-error-color1,#b00020)'>The widget hit an error and its picture may be "
                                     f"out of date: {html.escape(message)}</span>")
            self.error_note.layout.display = None
            raise
    return guarded


def mark(widget, name, live=(), **controls):
    """CSS classes for a widget and its controls (mgc-NAME, mgc-NAME-CONTROL), for styling and browser tests.

    ``live`` are the readouts that change as the controls move: they become polite
    aria-live regions, so a screen reader announces the new numbers. A widget with
    sliders gets a SliderNames helper, which names each slider's handle after its label.
    """
    widget.add_class(f"mgc-{name}")
    for control_name, control in controls.items():
        control.add_class(f"mgc-{name}-{control_name}")
    for readout in live:
        readout.add_class("mgc-live")
    if live or any(isinstance(c, SLIDERS) for c in controls.values()):
        with_slider_names(widget)


def _numbers(values):
    return ",".join(f"{v:.6g}" for v in values)


def data_range(xs, ys):
    """(xmin, xmax, ymin, ymax) of the finite points, or None if there are none."""
    points = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
    if not points:
        return None
    px, py = zip(*points)
    return min(px), max(px), min(py), max(py)


def nice_ceiling(x):
    """The smallest of 1, 2, 5, 10, 20, 50, ... (times a power of ten) that is >= x > 0.

    Axis limits snapped to these change only now and then, so the cached
    background (axes, ticks) can be reused for most redraws.
    """
    power = 10.0 ** math.floor(math.log10(x))
    for step in (1, 2, 5, 10):
        if step * power >= x * (1 - 1e-12):
            return step * power
    return 10 * power


def round_limits(low, high, ticks=5):
    """Linear-axis limits around [low, high], rounded outward to a multiple of a nice tick step."""
    if not high > low:
        low, high = low - 0.5, high + 0.5
    step = nice_ceiling((high - low) / ticks)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def decade_limits(low, high):
    """Log-axis limits: whole powers of ten around [low, high] with a little room."""
    return 10.0 ** math.floor(math.log10(low) - 0.1), 10.0 ** math.ceil(math.log10(high) + 0.1)


def plain_log_labels(axis, numticks=6):
    """Label a log axis as 1e-05 rather than with mathtext, no minor ticks.

    Tick labels are most of what a redraw costs; this keeps it fast. Every
    power of ten gets a label when the axis spans few decades, so even a
    short range shows at least two labels.
    """
    axis.set_major_locator(LogLocator(numticks=numticks))
    axis.set_major_formatter(LogFormatter(labelOnlyBase=True))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def integer_ticks(axis):
    """Only whole numbers on an axis that counts steps."""
    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))


def graph_box():
    """The HTML widget a graph drawing goes in: as wide as the column and no wider.

    Without ``min_width: 0`` and its own scrolling the widget grows to the drawing's readable minimum
    width and pushes the whole explorer past the page; with them, the drawing
    scrolls sideways instead.
    """
    # tabbable: a region that scrolls must be reachable with the keyboard (Tab, then the arrow keys).
    return widgets.HTML(layout=widgets.Layout(min_width="0", max_width="100%", overflow="auto"), tabbable=True)


def graph_svg(root, **kwargs):
    """The drawing of ``root`` as inline SVG that shrinks to the widget's width."""
    return draw_graph(root, **kwargs).svg(inline=True)


def fmt(x):
    """A number for people: six decimals, or scientific notation when tiny or huge (nan/inf as words)."""
    x = x + 0.0  # turns -0.0 into 0.0, so a zero never prints as "-0.000000"
    if x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e6):
        return f"{x:.4e}"
    return f"{x:.6f}"


TABLE_STYLE = (
    '<style>.mgc-table{border-collapse:collapse;font-family:monospace;margin:4px 0}'
    ".mgc-table th,.mgc-table td{padding:2px 12px 2px 0;text-align:left;white-space:nowrap}"
    ".mgc-table th{font-family:sans-serif;font-weight:600;border-bottom:1px solid #ccc}</style>")


def table(rows, header):
    """A small HTML table with padded cells; every cell gets a data-name so tests can find it."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ""
    for row in rows:
        cells = "".join(
            f'<td data-name="{html.escape(str(name))}">{html.escape(str(value))}</td>'
            for name, value in row
        )
        body += f"<tr>{cells}</tr>"
    return f'{TABLE_STYLE}<table class="mgc-table"><tr>{head}</tr>{body}</table>'


def slider_layout(width=280):
    """Sliders wide enough that the track never collapses to a bare handle."""
    return {"width": f"{width}px", "min_width": f"{width}px"}


WIDE_LABEL = {"description_width": "initial"}  # the label takes the room it needs
SHORT_LABEL = {"description_width": "30px"}  # for one-letter labels such as x and h


# ipywidgets' "primary" and "success" buttons put white text on colours too light for it
# (axe-core: contrast below 4.5:1). These darker ones pass: white on them is 5.7:1 and 5.1:1.
BUTTON_COLOURS = {"primary": "#1565c0", "success": "#2e7d32"}


def strong_button(description, kind):
    """A highlighted button whose text keeps a 4.5:1 contrast (WCAG AA)."""
    button = widgets.Button(description=description)
    button.style.button_color = BUTTON_COLOURS[kind]
    button.style.text_color = "white"
    return button


SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider)


class SliderNames(anywidget.AnyWidget):
    """An invisible helper that names every slider handle on the page after its label.

    ipywidgets 8's slider handle (a noUiSlider div with role="slider") has no
    accessible name; ``slider_names.js`` copies the visible label onto it as
    ``aria-label`` and the readout as ``aria-valuetext`` (a log slider's handle
    otherwise reports the exponent). It also makes every element with the
    class ``mgc-live`` a polite aria-live region. One per page would do; each
    explorer carries one so that it works on its own.
    """
    _esm = pathlib.Path(__file__).with_name("slider_names.js")


def with_slider_names(widget):
    """Put a SliderNames helper beside the widget's first child (its title), keeping the children's order."""
    title, *rest = widget.children
    widget.children = (widgets.HBox([title, SliderNames()]), *rest)
