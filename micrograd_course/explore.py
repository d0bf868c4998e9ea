"""Interactive explorers for the lectures (the code lives in ``micrograd_course.widgets``).

- ``derivative_explorer``: slope of f at x by a secant of width h.
- ``wiggle_explorer``: nudge the leaves of an expression, compare the real
  change of the output with the gradient's prediction.
- ``step_size_explorer``: gradient descent with a learning-rate slider.
- ``backprop_stepper``: the backward pass one node at a time.

Each returns a widget whose controls are attributes, so code and tests can
move a slider and read what the widget now shows.
"""

from .engine import Value, topological_order
from .widgets.derivative import DerivativeExplorer, derivative_explorer, secant_slope, true_slope
from .widgets.step_size import StepSizeExplorer, describe_run, step_size_explorer
from .widgets.stepper import BackpropStepper, backprop_stepper
from .widgets.wiggle import WiggleExplorer, wiggle_explorer

__all__ = [
    "derivative_explorer", "wiggle_explorer", "step_size_explorer", "backprop_stepper",
    "DerivativeExplorer", "WiggleExplorer", "StepSizeExplorer", "BackpropStepper",
    "describe_run", "true_slope", "secant_slope",
]
