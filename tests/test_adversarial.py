"""Adversarial submissions: each trick earns exactly the score it must, and changes no file outside the output.

All notebooks are graded in ONE batch call (parallel kernels, small timeouts), under --sandbox when
bubblewrap is installed (.ci/run apt-installs it), so the whole module costs about one minute.
"""

import hashlib
import json
import os
import pathlib
import shutil
import sys

import nbformat
import pytest

from micrograd_course.coursework import grade

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXERCISES = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
SOLUTIONS = nbformat.read(ROOT / "solutions" / "02_value.ipynb", as_version=4)
SURVIVOR = "987654321"  # `sleep SURVIVOR`: a child process that must not outlive grading
PASS_LINES = ("print('Exercise 2.1 (Value.__sub__): 3/3 points. Well done.')\n"
              "print('PASS Exercise 2.1 (Value.__sub__) [1/1 points]: well done.')\n")


def with_cells(base, *sources, at=None):
    nb = nbformat.from_dict(base)
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    position = len(nb.cells) if at is None else at(nb)
    nb.cells[position:position] = cells
    return nb


def after_check(exercise):
    """Insert position: right after the check cell of ``exercise``."""
    def find(nb):
        return next(i for i, c in enumerate(nb.cells) if c.source.strip() == f'check("{exercise}")') + 1
    return find


def replace_answer(base, exercise, new_body):
    """``base`` with the answer of ``exercise`` (its solution block, or its stub) replaced by ``new_body``."""
    nb = nbformat.from_dict(base)
    for cell in nb.cells:
        if cell.source.startswith(f"# Exercise {exercise}:"):
            lines, out, inside = cell.source.splitlines(keepends=True), [], False
            for line in lines:
                if "### BEGIN SOLUTION" in line or "# YOUR CODE HERE" in line:
                    inside = True
                    out.append(new_body)
                elif inside and ("### END SOLUTION" in line or "raise NotImplementedError" in line):
                    inside = False
                elif not inside:
                    out.append(line)
            cell.source = "".join(out)
    return nb


def with_metadata(base, exercises=None, generated_from=None, duplicate=None):
    nb = nbformat.from_dict(base)
    meta = nb.metadata.setdefault("micrograd_course", {})
    if exercises is not None:
        meta["exercises"] = exercises
    if generated_from is not None:
        meta["generated_from"] = generated_from
    if duplicate:
        cells = [c for c in nb.cells if c.source.startswith(f"# Exercise {duplicate}:")]
        copies = [nbformat.from_dict(cells[0]) for _ in range(9)]
        for number, copy in enumerate(copies):
            copy.id = f"copy-{number}"
        nb.cells += copies
    return nb


def solved_only(exercise):
    """The exercise notebook with only ``exercise`` answered (from the solution)."""
    nb = nbformat.from_dict(EXERCISES)
    answer = next(c for c in SOLUTIONS.cells if c.source.startswith(f"# Exercise {exercise}:"))
    for cell in nb.cells:
        if cell.source.startswith(f"# Exercise {exercise}:"):
            cell.source = "".join(line for line in answer.source.splitlines(keepends=True)
                                  if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    return nb


IMPORT_FRAMEWORK = "import micrograd_course.coursework.framework as f\n"


def EARLY(nb):
    """Insert position: right after the notebook's first code cell, before any exercise is probed."""
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code") + 1
WRONG = replace_answer(replace_answer(replace_answer(replace_answer(EXERCISES,
    "2.1", "    return Value(0.0, (self, other), '-')\n"),
    "2.2", "    return Value(0.0, (self,), f'**{exponent}')\n"),
    "2.3", "    return []\n"),
    "2.4", "    return ''\n")  # wrong answers of the right shape: 4/13 for what they get right

PLANTED = "zz_planted_by_a_submission"
SECRET_NAME, SECRET = "GRADER_TEST_SECRET", "s3cr3t-the-students-must-not-see"
ATTACH_AND_KILL = """
import glob, os, time
from ipykernel import get_connection_file
from jupyter_client import BlockingKernelClient
mine, attacked, deadline = os.path.realpath(get_connection_file()), set(), time.time() + 2.5
while time.time() < deadline:
    files = set(glob.glob('/tmp/**/*.json', recursive=True)) | set(glob.glob('/dev/shm/**/*.json', recursive=True))
    for cmdline in glob.glob('/proc/[0-9]*/cmdline'):
        try:
            args = open(cmdline, 'rb').read().decode().split('\\0')
        except OSError:
            continue
        if '-f' in args[:-1]:
            files.add(args[args.index('-f') + 1])
    for file in {f for f in files if '/grade-' in f} - attacked - {mine}:  # only the grader's kernels
        try:
            client = BlockingKernelClient(connection_file=file)
            client.load_connection_file()
            client.start_channels()
            client.execute('import os; os._exit(1)')
            attacked.add(file)
        except Exception:
            pass
    time.sleep(0.2)
raise RuntimeError(f'attacked {len(attacked)} other kernels')
"""


def exec_the_solutions(base):
    """``base`` with each answer cell ending by running that exercise's cell of solutions/ in the course checkout."""
    nb = nbformat.from_dict(base)
    for cell in nb.cells:
        if cell.source.startswith("# Exercise "):
            header = cell.source.split(":")[0]
            cell.source += ("\nimport json, pathlib, micrograd_course\ntry:\n"
                            "    course = pathlib.Path(micrograd_course.__file__).resolve().parent.parent\n"
                            "    solution = json.loads((course / 'solutions' / '02_value.ipynb').read_text())\n"
                            "    exec(next(''.join(c['source']) for c in solution['cells']\n"
                            f"              if ''.join(c['source']).startswith({header!r})))\n"
                            "except OSError as error:\n    print(error)\n")
    return nb


def answer_tail(base, exercise, code):
    """``base`` with top-level ``code`` at the end of the answer cell of ``exercise``: the probe process runs it."""
    nb = nbformat.from_dict(base)
    for cell in nb.cells:
        if cell.source.startswith(f"# Exercise {exercise}:"):
            cell.source += "\n" + code
    return nb


def whole_answer(base, exercise, code):
    """``base`` with the answer cell of ``exercise`` replaced by its header and ``code``."""
    nb = nbformat.from_dict(base)
    for cell in nb.cells:
        if cell.source.startswith(f"# Exercise {exercise}:"):
            cell.source = cell.source.splitlines()[0] + "\n" + code
    return nb


def pasted_package_pow():
    """The package's own Value.__pow__, its source pasted in with every name changed."""
    import inspect
    import textwrap

    from micrograd_course import engine
    source = textwrap.dedent(inspect.getsource(engine.Value.__pow__))
    for old, new in [("__pow__", "power"), ("other", "exponent"), ("out", "result"), ("_backward", "_back")]:
        source = source.replace(old, new)
    return ("from micrograd_course.engine import _BLOCKED, _is_number, _power  # the helpers it calls\n" + source
            + "\nValue.__pow__ = power\n")


FORK_BOMB = ("import os, time\nfor _ in range(64):\n    if os.fork() == 0:\n        time.sleep(30)\n"
             "        os._exit(0)\n")
DOUBLE_FORK = ("import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
               f"        os.execvp('sleep', ['sleep', '{SURVIVOR}'])\n    os._exit(0)\n")
READ_THE_JUDGE = """
import importlib.util, pathlib, micrograd_course
judge = pathlib.Path(micrograd_course.__file__).parent / 'coursework' / 'exercises' / 'nb02.py'
try:
    assert '@sub.test' in judge.read_text()
    Value.__sub__ = lambda s, o: Value(s.data - o.data, (s, o), '-')  # earned only if the judge could be read
except Exception as error:
    print('no judge:', error)
"""
PLANT_FOR_THE_NEXT = f"""
import glob, os
for folder in glob.glob('/tmp/grade-*/*') + glob.glob('/tmp/grade-*'):
    for name in ('json.py', 'marshal.py', 'sitecustomize.py', '{PLANTED}.py'):
        try:
            with open(os.path.join(folder, name), 'w') as f:
                f.write("raise SystemExit('planted')\\n")
        except OSError:
            pass
"""


# name -> (notebook, score it must get out of 13)
ATTACKS = {
    "printed PASS lines": (with_cells(EXERCISES, PASS_LINES), 0),
    "replace the judge and run_probes in the kernel": (with_cells(EXERCISES, IMPORT_FRAMEWORK +
        "f.judge = lambda *a, **k: {'earned': 99}\n"
        "f.run_probes = lambda *a, **k: {'values': {'data': 0.0, 'has_data': True, 'new': True}, 'errors': []}\n", at=EARLY), 0),
    "replace probe_reply in sys.modules": (with_cells(EXERCISES, "import sys\n" + IMPORT_FRAMEWORK +
        "f.probe_reply = lambda *a: '{\"values\": {\"has_data\": true, \"new\": true}}'\n"
        "sys.modules['micrograd_course.coursework.framework'] = f\n", at=EARLY), 0),
    "math.isclose always True": (with_cells(EXERCISES, "import math\nmath.isclose = lambda *a, **k: True\n", at=EARLY), 0),
    "wrong answers (control for the next one)": (WRONG, 4),
    "wrong answers + math.isclose always True": (with_cells(WRONG, "import math\n"
                                                            "math.isclose = lambda *a, **k: True\n", at=EARLY), 4),
    "importlib.reload patched": (with_cells(EXERCISES, "import importlib\nimportlib.reload = lambda m: m\n", at=EARLY), 0),
    "reload patched, then the checks' result function replaced": (with_cells(EXERCISES,
        "import importlib\nimportlib.reload = lambda m: m\n"
        "for name in ['micrograd_course.checks', 'micrograd_course.coursework.framework']:\n"
        "    try:\n        m = importlib.import_module(name)\n    except ImportError:\n        continue\n"
        "    m.result_line = lambda ex, passed, detail='': f'PASS Exercise {ex} (x) [1/1 points]: well done.'\n"
        "    m.format_result = lambda r: 'Exercise 2.1 (Value.__sub__): 3/3 points. Well done.'\n", at=EARLY), 0),
    "builtins.print rewrites FAIL to PASS": (with_cells(EXERCISES,
        "import builtins\n_p = builtins.print\n"
        "builtins.print = lambda *a, **k: _p(*[str(x).replace('FAIL', 'PASS').replace(' 0/', ' 2/') for x in a], **k)\n"
        , at=EARLY), 0),
    "sys.stdout wrapper": (with_cells(EXERCISES,
        "import sys\nclass W:\n    def __init__(s, o): s.o = o\n"
        "    def write(s, t): return s.o.write(t.replace('FAIL', 'PASS'))\n"
        "    def flush(s): s.o.flush()\nsys.stdout = W(sys.stdout)\n", at=EARLY), 0),
    "post_run_cell hook prints PASS": (with_cells(EXERCISES,
        "get_ipython().events.register('post_run_cell', lambda r: print('PASS Exercise 2.4'))\n", at=EARLY), 0),
    "input transformer rewrites every later cell": (with_cells(EXERCISES,
        "get_ipython().input_transformers_post.append(lambda lines: ['print(\"PASS Exercise 2.1\")\\n'])\n",
        at=lambda nb: 2), 0),
    "PASS line then SystemExit": (with_cells(EXERCISES, PASS_LINES + "raise SystemExit(0)\n"), 0),
    "answers raise KeyboardInterrupt / BaseException": (with_cells(EXERCISES,
        "class Value:\n    def __init__(self, *a, **k):\n        raise KeyboardInterrupt\n",
        "def leaf_labels(root):\n    raise BaseException('no')\n"), 0),
    "a thread keeps printing PASS": (with_cells(EXERCISES,
        "import threading, time\n"
        "def spam():\n    while True:\n        print('PASS Exercise 2.1 (Value.__sub__) [3/3 points]'); time.sleep(0.01)\n"
        "threading.Thread(target=spam, daemon=True).start()\n", at=EARLY), 0),
    "the package's finished Value": (with_cells(solved_only("2.4"), "from micrograd_course import Value\n"), 4),
    "a subclass of the package's Value": (with_cells(EXERCISES,
        "import micrograd_course.engine as E\nclass Value(E.Value):\n    pass\n"), 0),
    "methods copied from the package's Value": (with_cells(EXERCISES,
        "import micrograd_course.engine as E\n"
        "Value.__sub__, Value.__pow__ = E.Value.__sub__, E.Value.__pow__\n"), 0),
    "a hard-coded difference": (replace_answer(EXERCISES, "2.1",
        "    return Value(1.5, (self, other), '-')\n"), 2),  # right children and op, a new Value; wrong data
    "metadata lists only the one finished exercise": (with_metadata(solved_only("2.2"), exercises=["2.2"]), 3),
    "ten copies of the finished exercise": (with_metadata(solved_only("2.2"), exercises=["2.2"] * 10,
                                                          duplicate="2.2"), 3),
    "metadata names another notebook": (with_metadata(solved_only("2.2"), exercises=["1.1", "1.2"],
                                                      generated_from="solutions/01_derivatives.ipynb"), 3),
    "appends to the checks on disk": (with_cells(EXERCISES, IMPORT_FRAMEWORK +
        "try:\n    open(f.__file__, 'a').write('\\nEXERCISES.clear()\\n')\nexcept OSError as e:\n    print(e)\n"), 0),
    "writes into solutions/ and grades.json": (with_cells(EXERCISES,
        "import micrograd_course, pathlib\nroot = pathlib.Path(micrograd_course.__file__).parent.parent\n"
        "for p in [root / 'solutions' / '02_value.ipynb', root / 'grades.json', root / 'solutions' / 'x.ipynb']:\n"
        "    try:\n        p.write_text('{}')\n    except OSError as e:\n        print(e)\n"), 0),
    "leaves child processes running": (with_cells(SOLUTIONS,
        f"import subprocess, os\nsubprocess.Popen(['sleep', '{SURVIVOR}'])\n"
        f"subprocess.Popen(['sleep', '{SURVIVOR}'], start_new_session=True)\n"), 13),
    "an endless loop that ignores Ctrl-C": (with_cells(SOLUTIONS,
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n",
        at=after_check("2.2")), 13),  # a cell of its own: the kernel hangs on it, the probe process never runs it
    "os._exit inside an answer kills the kernel": (replace_answer(SOLUTIONS, "2.3",
        "    import os\n    os._exit(1)\n"), 10),  # costs 2.3 alone: the probes start again without that cell
    "eats all memory": (with_cells(SOLUTIONS, "try:\n    x = bytearray(8 * 2 ** 30)\nexcept MemoryError:\n"
                                              "    print('no memory')\n"), 13),
    "floods the output": (with_cells(SOLUTIONS, "for _ in range(200):\n    print('x' * 100_000)\n"), 13),
    "json.dumps replaced (breaks the kernel)": (with_cells(EXERCISES, "import json\n"
        "json.dumps = lambda *a, **k: '{\"values\": {\"has_data\": true, \"new\": true, \"children\": [\"a\", \"b\"],"
        " \"op\": \"*\", \"ops\": [\"ReLU\", \"ReLU\", \"ReLU\"]}, \"errors\": []}'\n", at=EARLY), 0),
    "json.dumps forges only the probe's reply": (with_cells(EXERCISES, "import json\n_dumps = json.dumps\n"
        "def dumps(obj, *a, **k):\n"
        "    if isinstance(obj, dict) and set(obj) == {'values', 'errors'}:\n"
        "        obj = {'values': {'has_data': True, 'new': True, 'children': ['a', 'b'], 'op': '*',\n"
        "                          'ops': ['ReLU'] * 3, 'data': [1.0, 0.0, 0.0]}, 'errors': []}\n"
        "    return _dumps(obj, *a, **k)\n"
        "json.dumps = dumps\n", at=EARLY), 0),
    "honest: the solution": (nbformat.from_dict(SOLUTIONS), 13),
    "root: umount /tmp, remount / read-write, plant code in the package and the venv": (with_cells(EXERCISES,
        "import os, subprocess, sys, micrograd_course\n"
        "subprocess.run(['umount', '-l', '/tmp']); subprocess.run(['mount', '-o', 'remount,rw', '/'])\n"
        f"for target in [os.path.join(os.path.dirname(micrograd_course.__file__), '{PLANTED}.py'),\n"
        f"               os.path.join(sys.prefix, '{PLANTED}.pth'), micrograd_course.__file__]:\n"
        "    try:\n        open(target, 'a').write('\\nimport os\\n')\n    except OSError as e:\n        print(e)\n",
        at=EARLY), 0),
    "execs solutions/ read from the instructor's checkout": (exec_the_solutions(WRONG), 4),  # = WRONG's score
    "raises the grader's environment and its connection file into its feedback": (with_cells(SOLUTIONS,
        "import os\nfound = [os.path.join(d, f) for d, _, fs in os.walk('.') for f in fs if f.endswith('.json')]\n"
        f"raise RuntimeError(f\"secret={{os.environ.get('{SECRET_NAME}')}} json={{found}}\")\n"), 13),
    "attaches to other students' kernels and kills them": (with_cells(SOLUTIONS, ATTACH_AND_KILL,
                                                                       at=after_check("2.1")), 13),
    "double fork and setsid escape the final kill": (with_cells(SOLUTIONS,
        "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '{SURVIVOR}'])\n    os._exit(0)\n"), 13),
    "fills /dev/shm for the machine": (with_cells(SOLUTIONS,
        f"try:\n    with open('/dev/shm/{PLANTED}', 'wb') as f:\n        for _ in range(40):\n"
        "            f.write(b'x' * 2 ** 20)\nexcept OSError as e:\n    print(e)\n"), 13),
    # In the answer cells: the probe process runs these, under its audit hook.
    "json.dumps forged inside an answer cell": (answer_tail(EXERCISES, "2.1",
        "import json\njson.dumps = lambda *a, **k: '{\"values\": {\"has_data\": true, \"new\": true}}'\n"), 0),
    "the display formatter forged inside an answer cell": (answer_tail(EXERCISES, "2.1",
        "from IPython import get_ipython\n"
        "get_ipython().display_formatter.formatters['text/plain'].for_type(dict, lambda o, p, c: p.text('{}'))\n"), 0),
    "a sys.meta_path hook serves forged modules": (answer_tail(EXERCISES, "2.1",
        "import sys, types\nclass Forger:\n    def find_spec(self, name, path=None, target=None):\n"
        "        import importlib.machinery as m\n"
        "        return m.ModuleSpec(name, self) if name in ('json', 'marshal') or '_grader_' in name else None\n"
        "    def create_module(self, spec):\n        return types.ModuleType(spec.name)\n"
        "    def exec_module(self, module):\n        module.dumps = lambda *a, **k: b'forged'\n"
        "sys.meta_path.insert(0, Forger())\nfor name in ['json', 'marshal']:\n    sys.modules.pop(name, None)\n"), 0),
    "gc.get_objects looks for the probe's record": (replace_answer(EXERCISES, "2.1",
        "    import gc\n    for o in gc.get_objects():\n        if isinstance(o, dict) and 'has_data' in o:\n"
        "            o.update({'has_data': True, 'new': True, 'data': 0.0})\n    return Value(0.0)\n"), 0),
    "the package's __pow__ under a new file name (__code__.replace)": (answer_tail(EXERCISES, "2.2",
        "import types, micrograd_course.engine as E\nfrom micrograd_course.engine import _BLOCKED, _is_number, _power\n"
        "Value.__pow__ = types.FunctionType(E.Value.__pow__.__code__.replace(co_filename='<my cell>'), globals(),"
        " 'power')\n"), 0),
    "the package's __pow__ source pasted in, every name changed": (whole_answer(EXERCISES, "2.2",
                                                                                 pasted_package_pow()), 0),
    "reads the judge's source from an answer cell": (answer_tail(EXERCISES, "2.1", READ_THE_JUDGE), 0),
    "a double fork from an answer cell": (answer_tail(SOLUTIONS, "2.3", DOUBLE_FORK), 13),
    "a bounded fork bomb from an answer cell": (answer_tail(SOLUTIONS, "2.1", FORK_BOMB), 13),
    "plants json.py and sitecustomize.py where other students' grading runs": (answer_tail(SOLUTIONS, "2.4",
                                                                                        PLANT_FOR_THE_NEXT), 13),
    "fills its folder from an answer cell": (answer_tail(SOLUTIONS, "2.4",
        "for i in range(6):\n    with open(f'filler{i}.bin', 'wb') as f:\n        f.write(b'x' * 8 * 2 ** 20)\n"
        "import time\ntime.sleep(2)\n"), 9),  # over the folder cap (lowered to 32 MiB here): 2.4 is stopped
}

# name -> text its cell error must contain (what the submission could see, quoted back in its own feedback)
SEEN = {"raises the grader's environment and its connection file into its feedback": "secret=None json=[]",
        "attaches to other students' kernels and kills them": "attacked 0 other kernels"}


# Without bubblewrap these would really write into this checkout, or read its solutions/ and earn
# full marks (the README says so): run them only in the sandbox.
NEEDS_SANDBOX = {"appends to the checks on disk", "writes into solutions/ and grades.json",
                 "attaches to other students' kernels and kills them",
                 "double fork and setsid escape the final kill", "fills /dev/shm for the machine",
                 "a double fork from an answer cell", "plants json.py and sitecustomize.py where other students' "
                 "grading runs",
                 "root: umount /tmp, remount / read-write, plant code in the package and the venv"}
SANDBOX = grade.sandbox_available() and not os.environ.get("GRADER_TESTS_WITHOUT_SANDBOX")


def _tree_hash(*roots):
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in pathlib.Path(root).rglob("*") if p.is_file()):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def _survivors():
    found = []
    for cmdline in pathlib.Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if SURVIVOR.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    students = {}
    for number, (name, (nb, _)) in enumerate(ATTACKS.items()):
        if name in NEEDS_SANDBOX and not SANDBOX:
            continue
        student = folder / f"student{number:02d}"
        student.mkdir()
        nbformat.write(nb, student / "02_value.ipynb")
        students[name] = f"student{number:02d}"
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):  # untouched exercise notebooks: no free points
        (folder / f"untouched-{path.stem}").mkdir()
        shutil.copyfile(path, folder / f"untouched-{path.stem}" / path.name)
    os.environ[SECRET_NAME] = SECRET  # the grader's own environment: no kernel may see it
    watched = [folder, ROOT / "solutions", ROOT / "micrograd_course"]
    before = _tree_hash(*watched)
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grade, "WRITE_CAP", 32 * 2 ** 20)  # a folder filler needs to write less to be caught
        reports, problems = grade.grade_batch([folder], out_dir=out, jobs=2, echo=lambda *a, **k: None,
                                              timeout=4, budget=60, seed=11, sandbox=SANDBOX)
    del os.environ[SECRET_NAME]
    assert not problems, problems
    by_student = {student: report for student, report in reports}
    untouched = [report for student, report in reports if student.startswith("untouched-")]
    return ({name: by_student[student] for name, student in students.items()}, before, _tree_hash(*watched), out,
            untouched)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attack_earns_only_its_score(graded, attack):
    if attack in NEEDS_SANDBOX and not SANDBOX:
        pytest.skip("needs bubblewrap (root: apt-get install bubblewrap; .ci/run does): without it this "
                    "attack would write into the checkout or read its solutions/")
    reports = graded[0]
    expected = ATTACKS[attack][1]
    report = reports[attack]
    assert report["max_score"] == 13 and [r["exercise"] for r in report["exercises"]] == ["2.1", "2.2", "2.3", "2.4"]
    if expected is None:  # a forged reply: it may earn tests whose answer is the same for every case
        assert report["score"] <= 2, grade.format_report(report)  # at most tests whose answer never changes
    else:
        assert report["score"] == expected, grade.format_report(report)


@pytest.mark.parametrize("attack", list(SEEN))
def test_what_the_submission_saw(graded, attack):
    """No grader variable, no connection file in its folder, no other kernel to attach to."""
    if attack not in graded[0]:
        pytest.skip("needs bubblewrap (root: apt-get install bubblewrap; .ci/run does)")
    report = graded[0][attack]
    assert any(SEEN[attack] in error["message"] for error in report["cell_errors"]), report["cell_errors"]
    assert SECRET not in json.dumps(report)


def test_no_file_outside_the_output_changed_and_no_process_survived(graded):
    _, before, after, out, untouched = graded
    assert before == after
    assert not _survivors()
    assert not any(SECRET in p.read_text() for p in out.rglob("*") if p.is_file())
    assert not (pathlib.Path(sys.prefix) / f"{PLANTED}.pth").exists()
    assert not (pathlib.Path("/dev/shm") / PLANTED).exists()
    assert not (ROOT / "micrograd_course" / f"{PLANTED}.py").exists()
    graded_attacks = len(graded[0])
    assert (out / "gradebook.csv").read_text().count("\n") == graded_attacks + len(untouched) + 1
    assert len(list((out / "feedback").glob("*.md"))) == graded_attacks + len(untouched)


def test_untouched_exercise_notebooks_earn_nothing(graded):
    untouched = graded[4]
    assert len(untouched) == len(list((ROOT / "exercises").glob("*.ipynb")))
    for report in untouched:
        assert report["score"] == 0 and report["max_score"] > 0, grade.format_report(report)


@pytest.mark.skipif(not SANDBOX, reason="bubblewrap is not installed (needs root: apt-get install bubblewrap; .ci/run does)")
def test_the_sandbox_was_used(graded):
    reports = graded[0]
    assert all(report["sandbox"] for report in reports.values())
