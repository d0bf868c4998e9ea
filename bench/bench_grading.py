"""Benchmark: how fast the grader grades a class, and what its separate probe process costs.

Run with ``make bench`` (after bench.py) or ``python bench/bench_grading.py [N]``.
A batch of N submissions (default 40: the solution notebooks, round robin)
is graded with ``--jobs 2``, plainly and, where bubblewrap is installed,
under ``--sandbox``. The reference, run in the same process just before, is
the same batch with the probe process switched off: the kernel alone. That
is less than grading was before the probes moved out of the kernel (its
check() cells ran the checks there, and the probes ran there too), so the
ratio is an upper bound on the price of the separate process; the goal
(issue 20) is at most 1.25 against the grading before it.
Nothing here asserts a time: timings belong to the machine, not the code.
"""

import contextlib
import pathlib
import shutil
import sys
import tempfile
import time
from unittest import mock

from micrograd_course.coursework import grade, isolate

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL = 1.25


def batch(folder, size):
    """``size`` students, each with one solution notebook (round robin over solutions/)."""
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    for number in range(size):
        student = folder / f"student{number:03d}"
        student.mkdir()
        shutil.copyfile(solutions[number % len(solutions)], student / solutions[number % len(solutions)].name)


def timed_batch(folder, sandbox, probes=True):
    """(seconds, points earned, points possible) for grading ``folder``."""
    no_probes = mock.patch.object(isolate, "run_probes_isolated", lambda *a, **k: ({}, {}, []))
    start = time.perf_counter()
    with (contextlib.nullcontext() if probes else no_probes):
        reports, problems = grade.grade_batch([folder], jobs=2, echo=lambda *a, **k: None, seed=1, sandbox=sandbox)
    seconds = time.perf_counter() - start
    assert not problems, problems
    return seconds, sum(r["score"] for _, r in reports), sum(r["max_score"] for _, r in reports)


def main(size):
    modes = [("plain", False)] + ([("--sandbox", True)] if grade.sandbox_available() else [])
    print(f"Grading {size} submissions with --jobs 2 (the solution notebooks, round robin)")
    print(f"{'mode':<10} {'kernel only':>12} {'with probes':>12} {'ratio':>6} {'s/notebook':>11} {'notebooks/min':>14}"
          "  points")
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        batch(folder, size)
        for name, sandbox in modes:
            reference, _, _ = timed_batch(folder, sandbox, probes=False)
            seconds, earned, possible = timed_batch(folder, sandbox)
            ratio = seconds / reference
            flag = "" if ratio <= GOAL else f"  (over the {GOAL:.2f} goal)"
            print(f"{name:<10} {reference:>11.1f}s {seconds:>11.1f}s {ratio:>6.2f} {seconds / size:>10.2f}s "
                  f"{60 * size / seconds:>14.1f}  {earned}/{possible}{flag}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
