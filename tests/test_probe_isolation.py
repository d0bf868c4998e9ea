"""The probe process, piece by piece: what it is sent, what it refuses, and how copies are told apart.

tests/test_adversarial.py grades whole hostile notebooks; these tests pin each
mechanism down on its own, including the cases where it must *not* fire.
"""

import ast
import inspect
import json
import pathlib
import sys
import tempfile
import textwrap
import types

import nbformat
import pytest

from micrograd_course import engine
from micrograd_course.coursework import framework, grade, isolate, probe_code, probing, provenance

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in probe_code.EXERCISES_DIR.glob("nb*.py"))


# ----------------------------------------------------------------------
# What the probe process is sent: probes, never tests, case makers or references.
# ----------------------------------------------------------------------

def _load(modules, package):
    for suffix, filename, is_package, source in modules:
        name = package + suffix
        module = types.ModuleType(name)
        module.__file__, module.__package__ = filename, name if is_package else name.rpartition(".")[0]
        if is_package:
            module.__path__ = []
        sys.modules[name] = module
        exec(compile(source, filename, "exec"), module.__dict__)
    try:
        return sys.modules[package + ".probing"]
    finally:
        for name in [n for n in sys.modules if n.startswith(package)]:
            del sys.modules[name]


def test_the_shipped_code_has_every_probe_and_no_test():
    shipped = _load(probe_code.probe_modules(MODULES), "_test_shipped")
    exercises = framework.load_all()
    assert set(shipped.EXERCISES) == set(exercises)
    for exercise_id, exercise in exercises.items():
        mine = shipped.EXERCISES[exercise_id]
        assert len(mine.probes) == len(exercise.probes) > 0, exercise_id
        assert mine.tests == [] and mine.make_case(1) == {}, exercise_id  # no judge, no case maker
        assert (mine.uses, mine.own, mine.after) == (exercise.uses, exercise.own, exercise.after)


@pytest.mark.parametrize("stem", MODULES)
def test_no_test_or_case_function_and_no_framework_judge_is_shipped(stem):
    source, _ = probe_code.probe_source(probe_code.EXERCISES_DIR / f"{stem}.py")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", []):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            assert not (isinstance(target, ast.Attribute) and target.attr in ("test", "cases")), ast.unparse(node)[:80]
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not used & {"expect", "expect_equal", "expect_fixed", "judge", "Fail"}, used


def test_helpers_only_the_tests_use_are_left_out():
    full = (probe_code.EXERCISES_DIR / "nb12.py").read_text()
    source, _ = probe_code.probe_source(probe_code.EXERCISES_DIR / "nb12.py")
    for reference in ("_sum_expected", "_max_expected", "_max_test"):  # they compute the right answers
        assert f"def {reference}(" in full and f"def {reference}(" not in source
    assert "def _sum_probe(" in source and "def _max_probe(" in source  # the probes' own factories stay


def test_a_probe_that_needs_a_judge_helper_is_refused_here(tmp_path):
    module = tmp_path / "nb99.py"
    module.write_text(textwrap.dedent('''
        from ..framework import Exercise, expect
        ex = Exercise("99.1", "t", uses=("f",))

        @ex.probe
        def _(got, case, f):
            expect(f(1), 2, "look", "what")
    '''))
    with pytest.raises(ValueError, match="probe side"):
        probe_code.probe_source(module)


# ----------------------------------------------------------------------
# The audit hook: each refusal, and what stays allowed.
# ----------------------------------------------------------------------

REFUSED = {
    "read solutions/": "open({solution!r}).read()",
    "read the checks": "open({checks!r}).read()",
    "list the checkout": "import os; os.listdir({root!r})",
    "write outside its folder": "open('/tmp/zz_probe_isolation_test', 'w')",
    "start a process": "import subprocess; subprocess.run(['true'])",
    "fork": "import os; os.fork()",
    "signal another process": "import os; os.kill(1, 0)",
    "open a socket": "import socket; socket.socket()",
    "call libc through ctypes": "import ctypes; ctypes.CDLL(None).getpid()",
    "list every object": "import gc; gc.get_objects()",
    "trace the probes": "import sys; sys.settrace(lambda *a: None)",
}
ALLOWED = {
    "write in its own folder": "open('mine.txt', 'w').write('x')",
    "import numpy and the package": "import numpy, micrograd_course; micrograd_course.Value(1.0) * 2",
    "read the package's engine": "import micrograd_course.engine as e; open(e.__file__).read()",
    # not an allowance but a promise: no .pyc into the package (a fresh clone's tree would change)
    "write no bytecode": "import sys; assert sys.dont_write_bytecode",
}


@pytest.fixture(scope="module")
def cell_errors():
    cells = {**REFUSED, **ALLOWED}
    paths = {"solution": str(ROOT / "solutions" / "02_value.ipynb"),
             "checks": str(probe_code.EXERCISES_DIR / "nb02.py"), "root": str(ROOT)}
    steps = [("cell", name, code.format(**paths)) for name, code in cells.items()]
    steps.append(("probe", "2.1", {"a": 3.0, "b": 1.0}))
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        replies, errors, notes = isolate.run_probes_isolated(
            steps, probe_code.probe_modules(["nb02"]), folder, grade._kernel_env(folder), [], {"memory": 2 ** 31, "cpu": 60, "file_size": 2 ** 20},
            grade._readable_folders(), grade._hidden_folders(ROOT / "solutions"), 20, 10, 120,
            grade._kill_descendants, grade._descendants)
        wrote = (folder / "mine.txt").exists()
    assert not notes, notes
    assert replies["2.1"] == {"missing": "Value"}  # the probe ran, after every cell
    return errors, wrote


@pytest.mark.parametrize("what", list(REFUSED))
def test_the_probe_process_refuses(cell_errors, what):
    errors, _ = cell_errors
    assert what in errors, f"{what} was allowed"
    assert errors[what]["error"] == "PermissionError" and "grading does not allow" in errors[what]["message"], errors[what]


@pytest.mark.parametrize("what", list(ALLOWED))
def test_the_probe_process_allows(cell_errors, what):
    errors, wrote = cell_errors
    assert what not in errors, errors.get(what)
    assert wrote
    assert not pathlib.Path("/tmp/zz_probe_isolation_test").exists()


# ----------------------------------------------------------------------
# "Write your own": copies of the package's code, told apart from honest answers.
# ----------------------------------------------------------------------

def _answer_cells():
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and cell.source.startswith("# Exercise "):
                yield path.name, cell.source


def test_no_solution_is_called_a_copy():
    answers = list(_answer_cells())
    assert len(answers) >= 50
    assert [(name, provenance.copied_functions(source)) for name, source in answers
            if provenance.copied_functions(source)] == []


def test_the_package_code_renamed_is_a_copy_and_a_one_liner_never_is():
    source = textwrap.dedent(inspect.getsource(engine.Value.__pow__))
    assert provenance.copied_functions(source) == [("__pow__", "micrograd_course.engine.__pow__")]
    renamed = source.replace("__pow__", "power").replace("exponent", "e").replace("slope", "s").replace("x =", "y =")
    renamed = renamed.replace("x,", "y,").replace("(x", "(y").replace("x ", "y ")
    assert provenance.copied_functions(renamed)[0][1] == "micrograd_course.engine.__pow__"
    assert provenance.copied_functions("def neg(self):\n    return self * -1\n") == []
    changed = renamed.replace("n - 1", "n - 2")  # the same shape with another literal is still a copy ...
    assert provenance.copied_functions(changed)
    assert "    n = float(e)\n" in renamed
    extended = renamed.replace("    n = float(e)\n", "    n = float(e)\n    n = n + 0\n")  # ... new code is not
    assert provenance.copied_functions(extended) == []


def test_a_package_function_under_another_file_name_still_comes_from_the_package():
    original = engine.Value.__pow__
    moved = types.FunctionType(original.__code__.replace(co_filename="<my cell>"), {"__name__": "__main__"}, "power")
    assert moved.__module__ == "__main__" and probing.comes_from_package(moved)

    def power(self, exponent):  # written here: not the package's
        return self
    assert not probing.comes_from_package(power)


def test_plain_data_cannot_be_faked_by_class():
    class Liar:
        __class__ = str  # isinstance(Liar(), str) is True

    class Text(str):
        def __str__(self):
            return "forged"

    out = probing.plain({"a": Liar(), "b": Text("real"), "c": (1, 2.5, True)})
    assert out == {"a": {"__type__": "Liar"}, "b": "real", "c": [1, 2.5, True]}
    assert json.loads(json.dumps(out)) == out


# ----------------------------------------------------------------------
# The kernel without the sandbox: an audit hook keeps it from what the sandbox would hide.
# ----------------------------------------------------------------------

KERNEL_ATTEMPTS = {
    "reads solutions/": f"print(open({str(ROOT / 'solutions' / '02_value.ipynb')!r}).read()[:50])",
    "reads the checks' judges": f"print(open({str(probe_code.EXERCISES_DIR / 'nb02.py')!r}).read()[:50])",
    "writes into the venv": f"open({str(pathlib.Path(sys.prefix) / 'zz_planted_by_a_kernel.pth')!r}, 'w')",
    "starts a shell": "import subprocess; subprocess.run(['sh', '-c', 'true'])",
    "forks": "import os; os.fork()",
}


def test_a_kernel_without_the_sandbox_is_refused_what_the_sandbox_would_hide(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "03_manual_backprop.ipynb", as_version=4)  # it draws graphs: dot runs
    first = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in KERNEL_ATTEMPTS.values()]
    path = tmp_path / "03_manual_backprop.ipynb"
    nbformat.write(nb, path)
    report = grade.grade_notebook(path, timeout=20, seed=2, sandbox=False)
    errors = {e["cell"]: e for e in report["cell_errors"]}
    assert report["score"] == report["max_score"] == 18, grade.format_report(report)
    assert sorted(errors) == list(range(first, first + len(KERNEL_ATTEMPTS))), errors  # the drawings ran
    for index, what in enumerate(KERNEL_ATTEMPTS, start=first):
        assert errors[index]["error"] == "PermissionError" and "grading does not allow" in errors[index]["message"], what
    assert not (pathlib.Path(sys.prefix) / "zz_planted_by_a_kernel.pth").exists()


def _hidden_behind_a_metaclass():
    class Hiding(type):
        @property
        def __mro__(cls):
            return (cls, object)

    return Hiding("Value", (engine.Value,), {})


def _method_through(wrap):
    klass = type("Value", (), {})
    klass.__sub__ = wrap(engine.Value.__sub__)
    return klass


@pytest.mark.parametrize("make", [
    lambda: _method_through(__import__("functools").partialmethod),
    lambda: _method_through(staticmethod),
    lambda: _method_through(property),
    lambda: _method_through(lambda f: __import__("functools").wraps(f)(lambda *a: f(*a))),
    _hidden_behind_a_metaclass,
    lambda: type("Value", (), {"__add__": engine.Value.__add__}),
], ids=["partialmethod", "staticmethod", "property", "functools.wraps", "metaclass __mro__", "a copied method"])
def test_package_methods_behind_wrappers_still_come_from_the_package(make):
    assert probing.comes_from_package(make())


def test_a_class_written_here_does_not_come_from_the_package():
    class Value:
        def __init__(self, data):
            self.data = data

        def __sub__(self, other):
            return Value(self.data - other.data)
    assert not probing.comes_from_package(Value)


# ----------------------------------------------------------------------
# The given cells the probe process re-runs: what the answers need, no plots.
# ----------------------------------------------------------------------

GIVEN = '''import matplotlib.pyplot as plt
import random

class Net:
    def __init__(self):
        self.w = 0.0

net = Net()
for step in range(3):
    net.w += 1.0
Net.double = lambda self: 2 * self.w
unused = [random.random() for _ in range(5)]
plt.plot([1, 2])
print(net.w)
assert net.w == 3.0
'''


def test_the_given_cells_keep_what_the_answers_need_and_drop_what_they_show():
    steps = [("cell", "given cell 1", GIVEN), ("cell", "answer 9.1 (cell 2)", "def answer(x):\n    return net.double()\n"),
             ("probe", "9.1", {})]
    cut = isolate.slice_given_cells(steps, {"answer"})
    kept = cut[0][2]
    for needed in ("class Net", "net = Net()", "net.w += 1.0", "Net.double ="):  # the loop changes net: kept
        assert needed in kept, kept
    for dropped in ("matplotlib", "plt.plot", "print(", "assert", "unused", "import random"):
        assert dropped not in kept, kept
    assert cut[1:] == steps[1:]  # answer cells and probes are never cut
    namespace = {}
    exec(kept + steps[1][2], namespace)
    assert namespace["answer"](0) == 6.0


@pytest.mark.skipif(not grade.sandbox_available(), reason="bubblewrap is not installed (apt-get install bubblewrap)")
def test_a_sandboxed_kernel_sees_the_package_but_not_the_checks_tests(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "02_value.ipynb", as_version=4)
    first = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(f"open({str(probe_code.EXERCISES_DIR / 'nb02.py')!r})"),
                 nbformat.v4.new_code_cell("import micrograd_course.engine as e; open(e.__file__).read()")]
    path = tmp_path / "02_value.ipynb"
    nbformat.write(nb, path)
    report = grade.grade_notebook(path, timeout=20, seed=2, sandbox=True)
    assert report["score"] == 13, grade.format_report(report)
    errors = {e["cell"]: e["error"] for e in report["cell_errors"]}
    assert errors == {first: "FileNotFoundError"}, report["cell_errors"]
