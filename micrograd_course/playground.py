"""The training playground (the code lives in ``micrograd_course.widgets.playground``).

``training_playground()`` trains an MLP on moons, circles or a spiral with a
live decision boundary and train/test loss curves; ``numpy_forward`` runs a
model on many points at once with numpy, for drawing.
"""

from .widgets.playground import (BLOWN_UP, DATASETS, TrainingPlayground, numpy_forward, parse_sizes,
                                 training_playground)

__all__ = ["training_playground", "TrainingPlayground", "DATASETS", "numpy_forward", "parse_sizes",
           "BLOWN_UP"]
