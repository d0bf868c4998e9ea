"""The shape of an exercise check: a probe that runs the student's code, a judge that scores it.

One ``Exercise`` definition serves two places:

- the **probe** runs where the student's code lives (the notebook's kernel). It
  calls the student's functions on the inputs of one *case* and records what
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
the probe in the kernel and the judge at home.
"""

import contextlib
import importlib
import importlib.util
import io
import json
import math
import numbers
import pathlib
import pkgutil
import random
import re
import sys
import textwrap
import traceback

EXERCISES = {}  # exercise id ("4.1") -> Exercise, filled by importing the exercise modules
_PRELOADED = False  # True in a grader's private copy, whose exercise modules were all loaded from its sources
_PACKAGE_DIR = str(pathlib.Path(__file__).resolve().parent.parent)  # micrograd_course/
_COURSEWORK_DIR = str(pathlib.Path(__file__).resolve().parent)


class Fail(Exception):
    """A test's verdict "wrong", with what to look at and, separately, the numbers.

    ``look`` is always shown: where to look, never the expected number.
    ``detail`` (inputs, expected, got) is shown from the second failed attempt
    at the same exercise on, and in the grader's report.
    """

    def __init__(self, look, detail=""):
        super().__init__(look)
        self.look, self.detail = look, detail


class Test:
    """One scored question about an exercise: ``judge(case, got)`` raises Fail when wrong.

    ``needs``: modules the test cannot run without (``("torch",)``). Where one
    is not installed the test is *unavailable*: it earns nothing, and its row
    says what to install, apart from the tests that really fail.
    ``after``: the earlier exercises this test relies on (None: all of its
    exercise's ``after``). Only a failing test that relies on a failing
    earlier exercise earns the "builds on ... fix that first" note.
    """

    def __init__(self, name, points, judge, needs=(), after=None):
        self.name, self.points, self.judge, self.needs = name, points, judge, tuple(needs)
        self.after = None if after is None else tuple(after)


class Exercise:
    """An exercise: its id and title, the notebook names it uses, a case maker, probes and tests.

    ``uses``: names looked up in the notebook (``("Value",)``), passed to the
    probes as keyword arguments. ``own``: those of them the student must
    write; one that comes from the micrograd_course package scores 0 (default:
    all of ``uses``). ``after``: ids of earlier exercises this one builds on;
    when this one fails while one of those fails too, the hint names it.
    """

    def __init__(self, id, title, uses, after=(), own=None):
        if id in EXERCISES:
            raise ValueError(f"exercise {id} is defined twice")
        self.id, self.title, self.uses, self.after = id, title, tuple(uses), tuple(after)
        self.own = tuple(uses if own is None else own)
        self._make_case = lambda rng: {}
        self.probes, self.tests = [], []
        EXERCISES[id] = self

    def cases(self, make):
        """Decorator: ``make(rng)`` returns one case, a dict of plain data drawn from ``rng``."""
        self._make_case = make
        return make

    def probe(self, run):
        """Decorator: ``run(got, case, **uses)`` stores what the student's code returns in ``got``.

        An exercise may have several probes; each runs on its own, so one that
        crashes does not lose what the others recorded.
        """
        self.probes.append(run)
        return run

    def test(self, name, points=1, needs=(), after=None):
        """Decorator: ``judge(case, got)`` raises Fail when the answer is wrong.

        ``needs``: modules the test needs (see Test); checked where the
        verdict is made, never by asking the student's kernel. ``after``: the
        earlier exercises this test relies on (default: the exercise's own).
        """
        def register(judge):
            if after is not None and not set(after) <= set(self.after):
                raise ValueError(f"a test of {self.id} relies on {after}, but the exercise builds only on {self.after}")
            self.tests.append(Test(name, points, judge, needs, after))
            return judge
        return register

    @property
    def points(self):
        return sum(test.points for test in self.tests)

    def make_case(self, seed):
        """The case for this exercise under ``seed``, as plain (JSON) data."""
        rng = random.Random(f"{seed}/{self.id}")
        return json.loads(json.dumps(self._make_case(rng)))


# ----------------------------------------------------------------------
# The probe side: runs in the student's kernel, returns plain data only.
# ----------------------------------------------------------------------

def plain(value, depth=0):
    """``value`` as JSON-able data: numbers, strings, lists, dicts; anything else becomes its type's name."""
    if depth > 30:
        return {"__type__": "too deeply nested"}
    if value is None or isinstance(value, (bool, str)) or type(value).__name__ == "bool_":
        return value if isinstance(value, (str, type(None))) else bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dict):
        return {str(key): plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        if not isinstance(items, list):  # a numpy scalar
            return plain(items, depth + 1)
        return [plain(item, depth + 1) for item in items]
    return {"__type__": type(value).__name__}


def comes_from_package(obj):
    """True when ``obj`` (a class or function) was written in micrograd_course rather than the notebook."""
    def written_in_package(thing):
        module = getattr(thing, "__module__", None) or ""
        code = getattr(thing, "__code__", None)
        filename = getattr(code, "co_filename", "") or ""
        return module.split(".")[0] == "micrograd_course" or filename.startswith(_PACKAGE_DIR)

    if isinstance(obj, type):
        for klass in obj.__mro__:
            if written_in_package(klass) or any(written_in_package(member) for member in vars(klass).values()
                                                if callable(member)):
                return True
        return False
    target = getattr(obj, "__func__", obj)
    return callable(target) and (written_in_package(target) or written_in_package(getattr(target, "__wrapped__", None)))


def describe_error(error):
    """Plain data about an exception the student's code raised: name, message, the student's line."""
    student_frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                      if not frame.filename.startswith(_COURSEWORK_DIR)]
    where = student_frames[-1] if student_frames else None
    return {"error": type(error).__name__, "message": str(error)[:300],
            "line": where.lineno if where else None, "code": (where.line or "")[:200] if where else ""}


def run_probes(exercise, case, namespace):
    """Run an exercise's probes against the notebook ``namespace``; return plain data.

    The reply is ``{"values": {...}, "errors": [...]}``, or a single key that
    says why the probes did not run: ``missing``, ``none`` or ``imported``.
    A KeyboardInterrupt (Ctrl-C, or the grader's time limit) stops the
    remaining probes too: one interrupt ends the whole check of an endless loop.
    """
    uses = {}
    for name in exercise.uses:
        if name not in namespace:
            return {"missing": name}
        if namespace[name] is None:
            return {"none": name}
        if name in exercise.own and comes_from_package(namespace[name]):
            return {"imported": name}
        uses[name] = namespace[name]
    got, errors = {}, []
    for probe in exercise.probes:
        try:
            probe(got, case, **uses)
        except KeyboardInterrupt as error:  # the time ran out: the next probe would likely loop again
            errors.append(describe_error(error))
            break
        except BaseException as error:  # noqa: B036 -- SystemExit and the like count as a crash
            errors.append(describe_error(error))
    return json.loads(json.dumps({"values": plain(got), "errors": errors}))


def probe_reply(exercise_id, case_json, namespace):
    """What the grader evaluates in the kernel: the probes' reply as a JSON string."""
    load_all()
    return json.dumps(run_probes(EXERCISES[exercise_id], json.loads(case_json), namespace))


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


def error_hint(error):
    """A sentence about an exception from the student's code, naming an unfinished exercise if that is the cause."""
    name, message = str(error.get("error", "?")), str(error.get("message", ""))
    if name == "NotImplementedError" and message.startswith("Exercise "):
        return f"not done yet: {message.split(':')[0]} still raises NotImplementedError; write that one first"
    if name == "NotImplementedError":
        return "not done yet: replace the `raise NotImplementedError` with your code"
    if name == "KeyboardInterrupt":
        return "your code ran too long and was stopped (an endless loop?)"
    missing = re.fullmatch(r"'(\w+)' object has no attribute '(\w+)'", message)
    if name == "AttributeError" and missing:
        return (f"`{missing[1]}` has no `{missing[2]}` yet: run the cell above that defines it "
                f"(the exercise's cell), then check again")
    where = f" (line {error['line']}: {error.get('code', '')!r})" if error.get("line") else ""
    return f"your code raised {name}: {message}{where}"


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def close(got, expected, tol=1e-6):
    """``got`` is a number within ``tol`` (relative and absolute) of ``expected``."""
    return is_number(got) and math.isclose(got, expected, rel_tol=tol, abs_tol=tol)


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

    if _PRELOADED:
        return EXERCISES
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
