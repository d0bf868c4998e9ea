"""The course's interactive widgets, one module each (built on ipywidgets; draw_digit on anywidget).

- ``derivative``: ``derivative_explorer``, the slope of f at x by a secant of width h.
- ``wiggle``: ``wiggle_explorer``, nudge the leaves of an expression and compare the
  output's change with the gradient's prediction.
- ``step_size``: ``step_size_explorer``, gradient descent under a learning-rate slider.
- ``stepper``: ``backprop_stepper``, the backward pass one node at a time.
- ``playground``: ``training_playground``, train an MLP on 2-D data with live pictures.
- ``digit_canvas``: ``draw_digit``, draw a digit with the mouse and see a trained model's
  class probabilities live (an anywidget: the page side is ``digit_canvas.js``).
- ``common``: what they share (sharp plots, tables, number formatting).

Every widget keeps its controls as attributes, so a notebook, a test or a
benchmark can move a slider from code and read what the widget shows. The
notebooks import them from ``micrograd_course.explore`` and
``micrograd_course.playground``, which re-export these.
"""

from .derivative import DerivativeExplorer, derivative_explorer
from .digit_canvas import DrawDigit, draw_digit
from .playground import TrainingPlayground, training_playground
from .step_size import StepSizeExplorer, describe_run, step_size_explorer
from .stepper import BackpropStepper, backprop_stepper
from .wiggle import WiggleExplorer, wiggle_explorer

__all__ = [
    "derivative_explorer", "wiggle_explorer", "step_size_explorer", "backprop_stepper",
    "training_playground", "describe_run", "draw_digit",
    "DerivativeExplorer", "DrawDigit", "WiggleExplorer", "StepSizeExplorer", "BackpropStepper", "TrainingPlayground",
]
