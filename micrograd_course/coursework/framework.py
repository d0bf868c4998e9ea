"""The shape of an exercise check: a probe that runs the student's code, a judge that scores it.

One ``Exercise`` definition serves two places:

- the **probe** runs where the student's code lives: the notebook's kernel for
  ``check()``, a fresh probe process when grading (isolate.py). It is written
  with ``probing.py``, the probe side, and calls the student's functions on the inputs of one *case* and records what
  came back as plain data: numbers, strings, lists, dicts. It never decides
  anything.
- the **tests** (the judge) run in the grader's own process. Each test reads
  the probe's data, recomputes what it should be from the course's own
  reference, and either passes or raises ``Fail`` with a hint. Each test has
  its own points, so an exercise earns partial credit.

Cases are drawn from a seed: ``Exercise.make_case(seed)`` builds the inputs on
the judge's side and sends them to the probe as data, so a hard-coded answer
does not pay. How to write an exercise: see README.md in this folder.

In a notebook, ``check("4.1")`` runs probe and judge together for instant
feedback (see ``check``); ``python -m micrograd_course.coursework grade`` runs
the probes in a separate process that sees only the probe code (probe_code.py)
and the judge at home.
"""

import contextlib
import importlib
import io
import os
import pkgutil
import random
import sys
import textwrap

from .probing import (EXERCISES, Exercise, Fail, Test, _COURSEWORK_DIR, _PACKAGE_DIR,  # noqa: F401
                      close, comes_from_package, describe_error, error_hint, is_number, plain, run_probes)


# ----------------------------------------------------------------------
# The judge side: runs in the grader's process (or in the notebook, for a self-check).
# ----------------------------------------------------------------------

class Got:
    """The probe's values. Reading one the probe never recorded raises Fail saying why."""

    def __init__(self, reply):
        values = reply.get("values") if isinstance(reply, dict) else None
        errors = reply.get("errors") if isinstance(reply, dict) else None
        self.values = values if isinstance(values, dict) else {}
        self.errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []

    def __contains__(self, key):
        return key in self.values

    def __getitem__(self, key):
        if key in self.values:
            return self.values[key]
        if self.errors:
            raise Fail(error_hint(self.errors[0]))
        raise Fail(f"the check found no result for {key!r}")


def shown(x):
    return f"{x:.6g}" if is_number(x) and not isinstance(x, int) else repr(x)


def shown_apart(expected, got):
    """``expected`` and ``got`` as text with enough digits to show that they differ.

    Six significant digits can print a miss of 1e-7 as "expected -2.78197, got
    -2.78197", which reads like a pass.
    """
    if not (is_number(expected) and is_number(got)) or isinstance(got, int) and isinstance(expected, int):
        return shown(expected), shown(got)
    for digits in (6, 9, 12, 17):
        pair = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if pair[0] != pair[1]:
            return pair
    return pair


def expect(got, expected, look, what, tol=1e-6, show_expected=True):
    """Fail with hint ``look`` unless the number ``got`` is close to ``expected``.

    ``what`` names the quantity and its inputs; it and the numbers go into the
    detail, shown only from the second failed attempt on. ``show_expected=False``
    for an answer that is one fixed number (the same inputs every time): the
    detail then shows only what the student got, never the answer itself.
    """
    if not close(got, expected, tol):
        want, have = shown_apart(expected, got)
        raise Fail(look, f"{what}: expected {want}, got {have}" if show_expected else f"{what}: got {have}")


def expect_fixed(got, expected, look, what, tol=1e-6):
    """expect() for an answer at fixed inputs (the same every time): a miss shows what the
    student gave, never the answer, even from the second try on."""
    expect(got, expected, look, what, tol, show_expected=False)


def expect_equal(got, expected, look, what):
    """Fail with hint ``look`` unless ``got == expected`` (for lists, strings, integers)."""
    if got != expected:
        raise Fail(look, f"{what}: expected {expected!r}, got {got!r}")


def judge(exercise, case, reply, reveal=True, failing_after=()):
    """Score the probe's ``reply`` on ``case``: a result dict with one row per test.

    ``reveal`` adds each failure's detail (the numbers) to its hint.
    ``failing_after``: ids of the exercises this one builds on that do not
    pass; named in a note when a test that relies on one of them fails too.
    """
    reason = _not_run_reason(exercise, reply)
    rows = []
    for test in exercise.tests:
        row = {"test": test.name, "points": test.points, "earned": 0, "hint": reason or ""}
        missing = missing_modules(test.needs)
        if missing:
            row["unavailable"] = needs_message(missing)
            row["hint"] = row["unavailable"] + ": " + install_hint(missing)
        elif not reason:
            try:
                test.judge(case, Got(reply))
                row["earned"] = test.points
            except Fail as failure:
                row["hint"] = failure.look + (f" ({failure.detail})" if reveal and failure.detail else "")
                # An exercise's own NotImplementedError: "write that one first" would name itself.
                if row["hint"].startswith(f"not done yet: Exercise {exercise.id} still raises"):
                    row["hint"] = "not done yet: replace the `raise NotImplementedError` with your code"
                row["hidden"] = bool(failure.detail) and not reveal
            except Exception as error:  # the reply had an unexpected shape: a wrong answer, not a crash
                row["hint"] = f"your answer has an unexpected form ({type(error).__name__}: {error})"
        rows.append(row)
    earned = sum(row["earned"] for row in rows)
    relied_on = set()
    for test, row in zip(exercise.tests, rows):
        if row["earned"] < row["points"] and not row.get("unavailable"):
            relied_on.update(exercise.after if test.after is None else test.after)
    note = after_note([dep for dep in failing_after if dep in relied_on])
    return {"exercise": exercise.id, "title": exercise.title, "points": exercise.points,
            "earned": earned, "tests": rows, "note": note}


# The modules a test may need, as people call them, and how to install each.
NEEDED = {"torch": ("PyTorch", "pip install torch==2.13.0 (the CPU build), or make install")}


def missing_modules(names):
    """The modules among ``names`` that this Python cannot import (looked up, not imported)."""
    def missing(name):
        try:
            return importlib.util.find_spec(name) is None
        except (ImportError, ValueError):  # a broken or blocked install counts as missing
            return True
    return [name for name in names if missing(name)]


def needs_message(missing):
    """The verdict on a test that cannot run here: "needs PyTorch (not installed)"."""
    return "needs " + " and ".join(NEEDED.get(m, (m, ""))[0] for m in missing) + " (not installed)"


def install_hint(missing):
    return "; ".join(NEEDED.get(m, (m, f"pip install {m}"))[1] for m in missing)


def unavailable_points(result):
    """The points of ``result`` (a judge() result) whose tests could not run here."""
    return sum(row["points"] for row in result["tests"] if row.get("unavailable"))


def after_note(failing_after):
    """The note on a failing exercise whose earlier exercises ``failing_after`` fail too."""
    if not failing_after:
        return ""
    names = ", ".join(f"{dep} ({EXERCISES[dep].title})" if dep in EXERCISES else dep for dep in failing_after)
    return f"this exercise builds on {names}, which does not pass yet: fix that first"


def _not_run_reason(exercise, reply):
    if not isinstance(reply, dict):
        return "the check got no answer from the notebook"
    if "missing" in reply:
        return (f"`{reply['missing']}` is not defined: run the exercise's cell "
                f"(and keep the name the exercise asks for)")
    if "none" in reply:
        return f"not done yet: `{reply['none']}` is still None; fill it in"
    if "imported" in reply:
        return (f"`{reply['imported']}` comes from the micrograd_course package, but this exercise asks "
                f"you to write your own: it scores 0. Define it in the notebook")
    if "copied" in reply:
        name, original = reply["copied"]
        return (f"`{name}` is micrograd_course's own `{original}` with new names, but this exercise asks you "
                f"to write your own: it scores 0. Write it yourself")
    if "values" not in reply:
        return "the check got no answer from the notebook"
    return ""


def format_result(result):
    """Text for people: one line when all is well, else a line per test."""
    head = f"Exercise {result['exercise']} ({result['title']}): {result['earned']}/{result['points']} points"
    if result["earned"] == result["points"]:
        return f"{head}. Well done."
    lines = [head]
    # Tests that fail for one reason (an unfinished exercise, a cell not run) share one line.
    by_hint = {}
    for row in result["tests"]:
        failing = row["earned"] < row["points"] and not row.get("unavailable")
        if failing and row["hint"]:
            by_hint.setdefault(row["hint"], []).append(row["test"])
    said = set()
    for row in result["tests"]:
        mark = "ok  " if row["earned"] == row["points"] else "n/a " if row.get("unavailable") else "FAIL"
        names = by_hint.get(row["hint"], []) if mark == "FAIL" else []
        if len(names) > 1:
            if row["hint"] not in said:
                said.add(row["hint"])
                lines.append(f"  FAIL {len(names)} tests ({', '.join(names)}): {row['hint']}")
            continue
        lines.append(f"  {mark} {row['test']}" + (f": {row['hint']}" if row["hint"] else ""))
    if result["note"]:
        lines.append(f"  note: {result['note']}")
    if any(row.get("hidden") for row in result["tests"]):
        lines.append("  (check again after a fix: from the second try on, the hint shows the numbers)")
    return "\n".join(_wrapped(line) for line in lines)


# JupyterLab breaks a long output line anywhere, even inside a number ("-2.7" | "8197"): lines
# are wrapped here between words, to fit a 590 px column, with the test's text indented under it.
LINE_WIDTH = 76


def _wrapped(line):
    indent = " " * (len(line) - len(line.lstrip()) + (5 if line.lstrip().startswith(("FAIL", "ok", "n/a")) else 2))
    return textwrap.fill(line, width=LINE_WIDTH, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


# ----------------------------------------------------------------------
# Finding the exercises, and the self-check cell.
# ----------------------------------------------------------------------

def load_all():
    """Import every exercise module (``exercises/nbNN*.py``); returns EXERCISES."""
    from . import exercises

    for module in pkgutil.iter_modules(exercises.__path__):
        if module.name.startswith("nb"):
            importlib.import_module(f"{exercises.__name__}.{module.name}")
    return EXERCISES


_FAILED_ATTEMPTS = {}  # exercise id -> failed self-checks so far in this kernel


def _self_check(exercise, namespace, seed, reveal=False, failing_after=()):
    case = exercise.make_case(seed)
    return judge(exercise, case, run_probes(exercise, case, namespace), reveal, failing_after)


def check(exercise_id, seed=None):
    """Check exercise ``exercise_id`` against the names defined in the calling notebook; print the result.

    Each call draws a fresh seed (pass ``seed`` to repeat one), so the inputs
    change from run to run. The first failed attempt hints at what to look at;
    from the second on, the hint also shows the inputs, expected and got.
    """
    if os.environ.get("MICROGRAD_COURSE_GRADING"):  # a grader's kernel: the grader checks, elsewhere
        print(f"Exercise {exercise_id}: graded by the grader, not here.")
        return
    exercises = load_all()
    if exercise_id not in exercises:
        print(f"There is no exercise {exercise_id!r}; known: {', '.join(sorted(exercises))}.")
        return
    exercise = exercises[exercise_id]
    namespace = sys._getframe(1).f_globals  # the notebook's own variables
    seed = random.SystemRandom().randrange(2 ** 32) if seed is None else seed
    failing_after = []
    for dep in exercise.after:
        with contextlib.redirect_stdout(io.StringIO()):
            dep_result = _self_check(exercises[dep], namespace, seed)
        if dep_result["earned"] < dep_result["points"]:
            failing_after.append(dep)
    reveal = _FAILED_ATTEMPTS.get(exercise_id, 0) >= 1
    result = _self_check(exercise, namespace, seed, reveal, failing_after)
    if result["earned"] < result["points"]:
        _FAILED_ATTEMPTS[exercise_id] = _FAILED_ATTEMPTS.get(exercise_id, 0) + 1
    print(format_result(result))
