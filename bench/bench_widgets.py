"""Benchmark: how long a student waits after moving a control of an explorer or the playground.

Run with ``make bench`` (after bench.py) or ``python bench/bench_widgets.py``.
Each row moves one control through a sequence of values a student would
try, one notch at a time, and times the widget's recompute and redraw
(PNG encoding included; sending it to the browser is not). It prints the
median and the worst move, and flags a median over the 100 ms budget.
Nothing here asserts a time: timings belong to the machine, not the code.
"""

import statistics
import sys
import time

from micrograd_course import Value
from micrograd_course.explore import backprop_stepper, derivative_explorer, step_size_explorer, wiggle_explorer
from micrograd_course.playground import training_playground

BUDGET_MS = 100.0


def timed(action, arguments):
    """Milliseconds for action(argument), for each argument."""
    times = []
    for argument in arguments:
        start = time.perf_counter()
        action(argument)
        times.append(1e3 * (time.perf_counter() - start))
    return times


def setter(control):
    def move(value):
        control.value = value
    return move


def notches(slider, start, count):
    """``count`` neighbouring values of a selection slider, from ``start`` upwards."""
    values = [value for _label, value in slider.options]
    i = values.index(start)
    return values[i:i + count]


def uncached(widget, move):
    """The same move, but the whole figure redrawn (what every redraw cost before caching)."""
    def move_and_redraw_all(value):
        widget._canvas._layout = None
        move(value)
    return move_and_redraw_all


def explorer_moves(moves):
    """(name, widget, move, values) for each explorer control a student drags."""
    derivative = derivative_explorer()
    wiggle = wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    one_d = step_size_explorer(steps=30)
    mlp = step_size_explorer(steps=30, problem="MLP on the toy set")
    nudges = [0.02 * (i + 1) for i in range(moves)]
    return [
        ("derivative: move x", derivative, setter(derivative.x_slider), [2.0 + 0.01 * i for i in range(moves)]),
        ("derivative: move h", derivative, setter(derivative.h_slider),
         [10 ** (-1 - 0.25 * i) for i in range(moves)]),
        ("wiggle: move h of the plotted leaf", wiggle, setter(wiggle.sliders["a"]), nudges),
        ("wiggle: move h of another leaf", wiggle, setter(wiggle.sliders["f"]), nudges),
        ("step size, 1-D, 30 steps: move lr", one_d, setter(one_d.lr_slider),
         notches(one_d.lr_slider, 0.01, moves)),
        ("step size, MLP, 30 steps: move lr", mlp, setter(mlp.lr_slider), notches(mlp.lr_slider, 0.01, moves)),
    ]


def rows(moves=12):
    for name, widget, move, values in explorer_moves(moves):
        reference = statistics.median(timed(uncached(widget, move), values))
        move(values[0] / 2)  # start each timed run from the same state
        yield name, timed(move, values), reference

    x = Value(0.5, label="x")
    stepper = backprop_stepper(((x * 2 + 1).tanh() * x - x.exp() / (x + 2)) ** 2)
    yield "backprop stepper: one step", timed(lambda _: stepper.step(), range(min(moves, len(stepper.order)))), None

    playground = training_playground()  # moons, MLP(2, [16, 16, 1]), 150 training points
    noises = [0.1 + 0.01 * (i + 1) for i in range(moves)]
    reference = statistics.median(timed(uncached(playground, setter(playground.noise)), noises))
    yield "playground: move the noise slider", timed(setter(playground.noise), noises[::-1]), reference
    yield "playground: redraw after a step", timed(lambda _: playground._update(), range(moves)), None
    # The engine's share (bench.py times it against micrograd); its target is progress within 1 s.
    yield "playground: one training step + redraw*", timed(lambda _: playground.step(1), range(moves // 2)), None


def main():
    print(f"Python {sys.version.split()[0]}: widget redraw after one control move, in ms "
          f"(budget {BUDGET_MS:.0f} ms for the median)\n")
    print("'full redraw' times the same moves with the whole figure redrawn every time, in the same")
    print("process: the ratio is what caching the axes saves, whatever the machine's load.\n")
    print(f"  {'':40s} {'median':>7s} {'worst':>7s} {'full redraw':>12s} {'ratio':>6s}")
    over = []
    for name, times, reference in rows():
        median = statistics.median(times)
        budget = 1000.0 if name.endswith("*") else BUDGET_MS
        flag = "  OVER BUDGET" if median > budget else ""
        if flag:
            over.append(name)
        compared = f"{reference:12.1f} {reference / median:5.1f}x" if reference else " " * 19
        print(f"  {name:40s} {median:7.1f} {max(times):7.1f} {compared}{flag}")
    print("\n* budget 1,000 ms: a training step is the engine's work, timed against micrograd in bench.py")
    print("all medians within budget" if not over else f"over budget: {', '.join(over)}")


if __name__ == "__main__":
    main()
