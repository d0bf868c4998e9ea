"""The probe side of an exercise: what runs next to the student's code, and nothing that judges it.

The grader ships this module, and the probe functions of the exercise modules
(no case makers, no tests, no reference answers), into a fresh interpreter
that runs the student's answer cells; see ``isolate.py``. The notebook's own
``check()`` uses it too, through ``framework``.

Everything here returns plain data (numbers, strings, lists, dicts): the
verdict is made elsewhere.
"""

import json
import math
import numbers
import pathlib
import random
import re
import traceback
import types

EXERCISES = {}  # exercise id ("4.1") -> Exercise, filled by importing the exercise modules
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


def plain(value, depth=0):
    """``value`` as JSON-able data: numbers, strings, lists, dicts; anything else becomes its type's name.

    Types are read with ``type()``, not ``isinstance``, so an object cannot
    pass for a string or a list by faking ``__class__``; subclasses become
    their plain base type.
    """
    kind = type(value)
    if depth > 30:
        return {"__type__": "too deeply nested"}
    if value is None:
        return None
    if issubclass(kind, str):
        return str.__str__(value)
    if issubclass(kind, bool) or kind.__name__ == "bool_":
        return bool(value)
    if issubclass(kind, numbers.Integral):
        return int(value)
    if issubclass(kind, numbers.Real):
        return float(value)
    if issubclass(kind, dict):
        return {plain(key, depth + 1) if issubclass(type(key), str) else str(plain(key, depth + 1)):
                plain(item, depth + 1) for key, item in dict.items(value)}
    if issubclass(kind, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        if not issubclass(type(items), list):  # a numpy scalar
            return plain(items, depth + 1)
        return [plain(item, depth + 1) for item in items]
    return {"__type__": str.__str__(str(kind.__name__))}


_PACKAGE_CODE = []


def _package_code():
    """Every code object of the package outside its coursework, compiled from its source.

    Code objects compare by their bytecode, names, constants and line table,
    not their file name: a package function whose code was copied under
    another file name (``__code__.replace(co_filename=...)``) is still found.
    """
    if not _PACKAGE_CODE:
        found, todo = set(), []
        for path in sorted(pathlib.Path(_PACKAGE_DIR).rglob("*.py")):
            if "coursework" not in path.relative_to(_PACKAGE_DIR).parts:
                try:
                    todo.append(compile(path.read_text(), str(path), "exec"))
                except (OSError, SyntaxError, ValueError):
                    continue
        while todo:
            code = todo.pop()
            found.add(code)
            todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        _PACKAGE_CODE.append(frozenset(found))
    return _PACKAGE_CODE[0]


def _underlying(thing, depth=0):
    """The functions, classes and code inside ``thing``: through bound and static methods, properties,
    ``functools.partial``/``partialmethod`` and ``functools.wraps``, so no wrapper hides where code came from."""
    if thing is None or depth > 8:
        return []
    found = [thing]
    for name in ("__func__", "func", "__wrapped__", "fget", "fset", "fdel"):
        try:
            inner = object.__getattribute__(thing, name)
        except Exception:  # noqa: BLE001 -- not there, or a getattr that misbehaves: nothing to follow
            continue
        if inner is not thing:
            found += _underlying(inner, depth + 1)
    return found


def _real_mro(klass):
    """The class's method resolution order as Python uses it, not what a metaclass says ``__mro__`` is."""
    try:
        return type.__dict__["__mro__"].__get__(klass, type(klass))
    except TypeError:
        return (klass,)


def comes_from_package(obj):
    """True when ``obj`` (a class or function) was written in micrograd_course rather than the notebook.

    Judged by what the code is, not only by where it says it is from: a code
    object equal to one of the package's (``_package_code``) counts, whatever
    its file name; so do methods behind wrappers (``partialmethod``,
    ``staticmethod``, ``property``) and bases a metaclass leaves out of ``__mro__``.
    """
    def written_in_package(thing):
        try:
            module = object.__getattribute__(thing, "__module__") or ""
        except Exception:  # noqa: BLE001
            module = ""
        try:
            code = object.__getattribute__(thing, "__code__")
        except Exception:  # noqa: BLE001
            code = None
        filename = getattr(code, "co_filename", "") if isinstance(code, types.CodeType) else ""
        return ((isinstance(module, str) and module.split(".")[0] == "micrograd_course")
                or filename.startswith(_PACKAGE_DIR)
                or (isinstance(code, types.CodeType) and code in _package_code()))

    if isinstance(obj, type):
        classes = list(_real_mro(obj))
        for base in type.__dict__["__bases__"].__get__(obj, type(obj)):
            classes += [c for c in _real_mro(base) if c not in classes]
        for klass in classes:
            if klass is object:
                continue
            if written_in_package(klass):
                return True
            for member in type.__dict__["__dict__"].__get__(klass, type(klass)).values():
                if any(written_in_package(inner) for inner in _underlying(member)):
                    return True
        return False
    return any(written_in_package(inner) for inner in _underlying(obj))


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
    try:
        return {"values": plain(got), "errors": [plain(error) for error in errors]}
    except BaseException as error:  # noqa: B036 -- an object whose conversion misbehaves: nothing recorded
        return {"values": {}, "errors": [plain(describe_error(error))]}


def error_hint(error):
    """A sentence about an exception from the student's code, naming an unfinished exercise if that is the cause."""
    name, message = str(error.get("error", "?")), str(error.get("message", ""))
    if name == "NotImplementedError" and message.startswith("Exercise "):
        return f"not done yet: {message.split(':')[0]} still raises NotImplementedError; write that one first"
    if name == "NotImplementedError":
        return "not done yet: replace the `raise NotImplementedError` with your code"
    if name in ("KeyboardInterrupt", "Timeout"):
        return "your code ran too long and was stopped (an endless loop?)"
    if name == "DeadProbe":
        return "your code ended the process that checks it (os._exit, a crash, or too much memory)"
    undefined = re.fullmatch(r"name '(\w+)' is not defined", message)
    if name == "NameError" and undefined:
        return (f"your code uses `{undefined[1]}`, which is not defined when your exercise's cell runs on its own: "
                "define it in that cell (grading runs only the exercise cells and the notebook's given code)")
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
