"""The grader: runs a notebook in a fresh kernel, probes each exercise there, judges here, never writes the file."""

import csv
import json
import pathlib

import nbformat
import pytest

from micrograd_course.coursework import grade
from micrograd_course.coursework.__main__ import main

ROOT = pathlib.Path(__file__).resolve().parent.parent


def answer(nb, exercise, old, new):
    """Replace text in the exercise cell whose header names ``exercise``."""
    for cell in nb.cells:
        if cell.source.startswith(f"# Exercise {exercise}:"):
            assert old in cell.source, f"{old!r} not in exercise {exercise}"
            cell.source = cell.source.replace(old, new)
            return
    raise AssertionError(f"no cell for exercise {exercise}")


STUB = 'raise NotImplementedError("Exercise {}")'


def stub(exercise, title):
    return f"# YOUR CODE HERE\n    {STUB.format(f'{exercise}: {title}')}"


@pytest.fixture(scope="module")
def student_notebook(tmp_path_factory):
    """A student's copy of exercises 2: one wrong, one right, one looping forever, one untouched."""
    nb = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
    answer(nb, "2.1", stub("2.1", "Value.__sub__"),
           'return Value(other.data - self.data, (self, other), "-")  # oops')
    answer(nb, "2.2", stub("2.2", "Value.__pow__ with a number exponent"),
           'return Value(self.data**exponent, (self,), f"**{exponent}")')
    answer(nb, "2.3", stub("2.3", "the leaves of a graph"), "while True:\n        pass")
    path = tmp_path_factory.mktemp("student") / "02_value.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(student_notebook):
    before = student_notebook.read_bytes()
    report = grade.grade_notebook(student_notebook, timeout=3, seed=7)
    assert student_notebook.read_bytes() == before, "grading must never modify the notebook"
    return report


def test_grading_a_wrong_notebook_finds_the_right_failures(graded):
    rows = {r["exercise"]: r for r in graded["exercises"]}
    assert list(rows) == ["2.1", "2.2", "2.3", "2.4"]
    assert rows["2.1"]["earned"] == 2 and "self minus other" in rows["2.1"]["tests"][0]["hint"]
    assert rows["2.2"]["earned"] == rows["2.2"]["points"] == 3
    assert rows["2.3"]["earned"] == 0 and "ran too long" in rows["2.3"]["tests"][0]["hint"]
    assert rows["2.4"]["earned"] == 0 and "not done yet: replace the `raise NotImplementedError`" in rows["2.4"]["tests"][0]["hint"]
    assert (graded["score"], graded["max_score"]) == (5, 13)
    assert graded["seed"] == 7 and graded["assignment"] == "solutions/02_value.ipynb"
    # The loop is met by the probe process (the hint above), not the kernel: there check() only says
    # "graded by the grader". What the kernel reports are the demo cells that use the wrong answers.
    assert not any(e["error"] == "Timeout" for e in graded["cell_errors"])
    assert any("check Exercises 2.1 and 2.2" in e["message"] for e in graded["cell_errors"])


def test_an_endless_loop_in_an_exercise_with_several_probes_costs_only_that_exercise(tmp_path, monkeypatch):
    """One interrupt stops the exercise's remaining probes: a timeout for it, and the later exercises are graded."""
    nb = nbformat.read(ROOT / "solutions" / "04_autograd.ipynb", as_version=4)
    answer(nb, "4.3", "self.grad = 1.0\n    for node in reversed(topological_order(self)):\n        node._backward()",
           "while True:  # never ends\n        pass")
    nb.cells = [cell for cell in nb.cells if not cell.source.startswith("check(")]  # probes only: cheaper
    path = tmp_path / "04_autograd.ipynb"
    nbformat.write(nb, path)
    # 12 s: long enough for a probe that ends to finish on a busy machine (5 s was not, under make test),
    # short enough for the ones that never do.
    monkeypatch.setattr(grade, "PROBE_TIMEOUT", 12)
    # After the Ctrl-C the probe process must still send what it recorded; under make test's load (a
    # browser test on the other worker) 3 s of grace was not always enough.
    from micrograd_course.coursework import isolate
    monkeypatch.setattr(isolate, "INTERRUPT_GRACE", 15)
    report = grade.grade_notebook(path, timeout=30, seed=7)
    rows = {r["exercise"]: r for r in report["exercises"]}
    assert not report["notes"], report["notes"]  # no "kernel died or hung"
    # 4.3 has three probes: topological_order passes, the two that call backward() time out.
    timed_out = [t for t in rows["4.3"]["tests"] if t["earned"] == 0]
    assert rows["4.3"]["earned"] == 1 and len(timed_out) == 2
    assert all("ran too long and was stopped" in t["hint"] for t in timed_out)
    assert [rows[i]["earned"] for i in ("4.1", "4.2", "4.4")] == [rows[i]["points"] for i in ("4.1", "4.2", "4.4")]
    # 4.5's last probe (x ** x) uses backward() too: it times out alone; the kernel still answers.
    failing = [t for t in rows["4.5"]["tests"] if t["earned"] < t["points"]]
    assert [t["test"] for t in failing] == ["x ** x through backward()"]
    assert "ran too long" in failing[0]["hint"] and "builds on 4.3" in rows["4.5"]["note"]


def test_command_line_prints_a_table_and_writes_json(tmp_path, capsys):
    nb = nbformat.read(ROOT / "solutions" / "07_xor.ipynb", as_version=4)
    answer(nb, "7.1", "nand_weights = (-1.0, -1.0, 1.5)", "nand_weights = (1.0, 1.0, -1.5)  # AND, not NAND")
    path = tmp_path / "07_xor.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "grades.json"
    status = main(["grade", str(path), "--timeout", "10", "--seed", "7", "--json", str(out)])
    printed = capsys.readouterr().out
    assert status == 1
    assert "9/10 points" in printed and "seed 7" in printed and "FAIL" in printed and "NAND" in printed
    data = json.loads(out.read_text())
    assert [r["earned"] for r in data["notebooks"][0]["exercises"]] == [1, 2, 2, 4]


def test_json_never_overwrites_the_notebook(student_notebook, capsys):
    before = student_notebook.read_bytes()
    assert main(["grade", str(student_notebook), "--json", str(student_notebook)]) == 2
    assert student_notebook.read_bytes() == before
    assert "would overwrite a submission" in capsys.readouterr().err


def test_unreadable_files_are_reported(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("this is not json")
    assert main(["grade", str(bad)]) == 2
    assert "not a readable notebook" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2


def write_odd_inputs(folder):
    """Files a grader meets in a submissions folder that are not gradable notebooks."""
    (folder / "json_list.ipynb").write_text("[1, 2, 3]")
    (folder / "binary.ipynb").write_bytes(bytes(range(256)) * 4)
    (folder / "empty_file.ipynb").write_text("")
    (folder / "not_json.ipynb").write_text("this is not json")
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1", "language": "python", "outputs": []}]}]}
    (folder / "old_v3.ipynb").write_text(json.dumps(v3))
    nbformat.write(nbformat.v4.new_notebook(), folder / "empty_notebook.ipynb")


def test_odd_inputs_get_a_reason_and_exit_2_without_a_traceback(tmp_path, capsys):
    write_odd_inputs(tmp_path)
    assert main(["grade", str(tmp_path), "--timeout", "3"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    errors = captured.err.strip().splitlines()
    assert len(errors) == 6, errors  # one line per file: none matches an assignment or is readable
    for name in ["json_list", "binary", "empty_file", "not_json"]:
        assert any(f"{name}.ipynb is not a readable notebook" in line for line in errors), name
    assert any("old_v3.ipynb matches no assignment" in line for line in errors)
    assert any("empty_notebook.ipynb matches no assignment" in line for line in errors)


def test_an_empty_notebook_for_an_assignment_scores_zero(tmp_path, capsys):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "alice.ipynb")
    assert main(["grade", str(tmp_path / "alice.ipynb"), "--assignment", "07_xor", "--out", str(tmp_path / "out")]) == 1
    assert "0/10 points" in capsys.readouterr().out
    gradebook = (tmp_path / "out" / "gradebook.csv").read_text().splitlines()
    assert gradebook[0].startswith("student,notebook,7.1,7.2,7.3,7.4,total,max,graded_at,seed,checks")
    assert gradebook[1].startswith("alice,solutions/07_xor.ipynb,0,0,0,0,0,10,")
    feedback = (tmp_path / "out" / "feedback" / "alice.md").read_text()
    assert "0/10 points" in feedback and "`nand_weights` is not defined" in feedback


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path)]) == 2  # an empty folder
    assert "no notebooks found" in capsys.readouterr().err
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "x.ipynb")
    assert main(["grade", str(tmp_path / "x.ipynb"), "--assignment", "99_nothing"]) == 2
    assert "no assignment '99_nothing'" in capsys.readouterr().err


def test_make_grade_never_runs_a_file_name(tmp_path):
    """`make grade NB=...` hands the name to the grader as data: quotes, $(shell) and backticks stay text."""
    import subprocess

    name = f'{tmp_path}/a"; touch {tmp_path}/PWNED1; "$(shell touch {tmp_path}/PWNED2)`touch {tmp_path}/PWNED3`.ipynb'
    result = subprocess.run(["make", "--no-print-directory", "grade", f"NB={name}", f"OUT={tmp_path}/out"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "is not a file" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["out"])


def test_a_change_to_the_course_files_stops_grading_with_exit_2(tmp_path, monkeypatch, capsys):
    """Without --sandbox the grader cannot prevent writes; it compares the checks and solutions before and after."""
    states = iter([{"framework.py": "before"}, {"framework.py": "after"}])
    monkeypatch.setattr(grade, "_course_state", lambda solutions_dir: next(states))
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "07_xor.ipynb")
    assert main(["grade", str(tmp_path / "07_xor.ipynb"), "--timeout", "5"]) == 2
    assert "changed the course package or its solutions" in capsys.readouterr().err


def test_every_solution_scores_full_marks_through_the_grader(tmp_path, capsys):
    """What `make check-solutions` runs: the grader's own path (probe in a fresh kernel, judged here)."""
    out = tmp_path / "reports.json"
    assert main(["grade", str(ROOT / "solutions"), "--json", str(out), "--out", str(tmp_path / "grades")]) == 0
    graded = json.loads(out.read_text())
    assert graded["problems"] == []
    assert len(graded["notebooks"]) == len(list((ROOT / "solutions").glob("*.ipynb")))
    for report in graded["notebooks"]:
        assert report["score"] == report["max_score"] > 0, report["notebook"]
        assert report["unavailable"] == 0, "make test installs PyTorch: every test must run"


# Makes `torch` unimportable in the grader and in every kernel it starts (both read PYTHONPATH).
HIDE_TORCH = """
import importlib.abc, sys

class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)", name=name)
        return None

sys.meta_path.insert(0, _NoTorch())
"""


def grade_without_torch(tmp_path, *notebooks):
    import os
    import subprocess
    import sys

    hide = tmp_path / "hide-torch"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(HIDE_TORCH)
    env = dict(os.environ, PYTHONPATH=str(hide))
    return subprocess.run([sys.executable, "-m", "micrograd_course.coursework", "grade", "--seed", "11",
                           "--json", str(tmp_path / "reports.json"), *map(str, notebooks)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_without_torch_check_solutions_reports_what_needs_it_apart_and_exits_0(tmp_path):
    result = grade_without_torch(tmp_path, ROOT / "solutions" / "10_polynomial.ipynb",
                                 ROOT / "solutions" / "11_pytorch.ipynb")
    assert result.returncode == 0, result.stdout + result.stderr
    reports = {pathlib.Path(r["notebook"]).stem: r for r in json.loads((tmp_path / "reports.json").read_text())["notebooks"]}
    # 10.4's two tests, 11.4's last, and all of 11.6 (a real nn.Module) need PyTorch.
    for name, needing in [("10_polynomial", {"10.4": 3}), ("11_pytorch", {"11.4": 1, "11.6": 11})]:
        report = reports[name]
        points = sum(needing.values())
        assert report["unavailable"] == points and report["score"] == report["max_score"] - points
        rows = {r["exercise"]: r for r in report["exercises"]}
        for exercise, unavailable in needing.items():
            marked = [t for t in rows[exercise]["tests"] if "unavailable" in t]
            assert [t["unavailable"] for t in marked] == ["needs PyTorch (not installed)"] * len(marked)
            assert sum(t["points"] for t in marked) == unavailable
            line = next(line for line in result.stdout.splitlines() if line.strip().startswith(exercise))
            assert " n/a " in line and "FAIL" not in line
        assert all(r["earned"] == r["points"] for e, r in rows.items() if e not in needing)
    assert "needs PyTorch (not installed): pip install torch==2.13.0" in result.stdout
    assert "FAIL" not in result.stdout


def test_without_torch_a_real_failure_still_fails(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "10_polynomial.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("# Exercise 10.1:"):
            cell.source += "\n\nnumerical_gradient = lambda *args, **kwargs: [0.0]"
            break
    else:
        raise AssertionError("no cell for exercise 10.1")
    path = tmp_path / "10_polynomial.ipynb"
    nbformat.write(nb, path)
    result = grade_without_torch(tmp_path, path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "10.1  FAIL" in result.stdout and "10.4   n/a" in result.stdout.replace("10.4  n/a", "10.4   n/a")


# ----------------------------------------------------------------------
# The sandbox (bubblewrap). CI runs as root: these tests are meant to run as root.
# ----------------------------------------------------------------------

NEEDS_BWRAP = pytest.mark.skipif(not grade.sandbox_available(),
                                 reason="bubblewrap is not installed (needs root: apt-get install bubblewrap)")

INSIDE_THE_SANDBOX = r"""
import ctypes, json, os, pathlib, subprocess, sys
import micrograd_course
found = {"uid": os.getuid(), "capabilities": open("/proc/self/status").read().split("CapEff:")[1].split()[0]}
libc = ctypes.CDLL(None, use_errno=True)
found["umount2 /tmp"] = libc.umount2(b"/tmp", 2)  # MNT_DETACH
found["umount -l /tmp"] = subprocess.run(["umount", "-l", "/tmp"], capture_output=True).returncode
found["remount / rw"] = subprocess.run(["mount", "-o", "remount,rw", "/"], capture_output=True).returncode
found["remount the package rw"] = libc.mount(None, os.path.dirname(micrograd_course.__file__).encode(), None,
                                             0x20 | 0x1000, None)  # MS_REMOUNT | MS_BIND, without MS_RDONLY
found["new user namespace"] = subprocess.run(["unshare", "-U", "-r", "true"], capture_output=True).returncode
writes = {}
for target in [micrograd_course.__file__, os.path.join(os.path.dirname(micrograd_course.__file__), "planted.py"),
               os.path.join(sys.prefix, "planted.pth"), os.path.join(sys.base_prefix, "planted"), "/usr/planted",
               "/etc/planted"]:
    try:
        with open(target, "a") as file:
            file.write("# planted\n")
        writes[target] = "written"
    except OSError as error:
        writes[target] = type(error).__name__
found["writes"] = writes
course = pathlib.Path(micrograd_course.__file__).resolve().parent.parent
found["checkout"] = sorted(p.name for p in course.iterdir())
found["other readable"] = [p for p in sys.argv[1:] if os.path.exists(p)]
open("/dev/shm/planted", "w").write("x")
found["/dev/shm size"] = os.statvfs("/dev/shm").f_blocks * os.statvfs("/dev/shm").f_frsize
print(json.dumps(found))
"""


def run_in_sandbox(tmp_path, *look_for):
    import subprocess
    import sys

    work, runtime = tmp_path / "work", tmp_path / "runtime"
    work.mkdir()
    runtime.mkdir()
    result = subprocess.run(grade._bwrap_prefix(work, runtime) + [sys.executable, "-c", INSIDE_THE_SANDBOX,
                                                                  *map(str, look_for)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@NEEDS_BWRAP
def test_root_is_powerless_inside_the_sandbox(tmp_path):
    """As root (like CI), bwrap alone keeps every capability: umount /tmp, remount / rw, then write the package."""
    import os

    found = run_in_sandbox(tmp_path)
    assert int(found["capabilities"], 16) == 0
    assert found["umount2 /tmp"] == -1 and found["umount -l /tmp"] != 0 and found["remount / rw"] != 0
    assert found["remount the package rw"] == -1
    assert found["new user namespace"] != 0
    assert set(found["writes"].values()) <= {"OSError", "PermissionError", "FileNotFoundError"}, found["writes"]
    assert not (ROOT / "micrograd_course" / "planted.py").exists()
    print("grader uid", os.getuid(), "sandbox uid", found["uid"])


@NEEDS_BWRAP
def test_the_sandbox_shows_the_package_but_not_the_checkout_around_it(tmp_path):
    """Only micrograd_course/ (and a venv inside the checkout) of the checkout: no solutions/, exercises/, tests/."""
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    found = run_in_sandbox(tmp_path, ROOT / "solutions" / "02_value.ipynb", ROOT / "exercises", submissions,
                           pathlib.Path.home() / ".ssh", pathlib.Path.home() / ".bash_history")
    assert set(found["checkout"]) <= {"micrograd_course", ".venv"}, found["checkout"]
    assert found["other readable"] == []
    assert found["/dev/shm size"] == grade.SANDBOX_SHM_BYTES
    assert not pathlib.Path("/dev/shm/planted").exists()  # the sandbox's own, gone with it


def test_the_sandbox_refuses_to_show_the_solutions(tmp_path, monkeypatch):
    """Solutions inside a folder the kernel needs (here: on PYTHONPATH) would be readable: refuse, say why."""
    private = tmp_path / "private"
    (private / "solutions").mkdir(parents=True)
    monkeypatch.setenv("PYTHONPATH", str(private))
    with pytest.raises(grade.GradingError, match="would show .*solutions.* to the students' kernels"):
        grade.check_sandbox_hides(private / "solutions")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # a checkout on PYTHONPATH shows its solutions/
    with pytest.raises(grade.GradingError, match="--solutions DIR"):
        grade.check_sandbox_hides(ROOT / "solutions")
    monkeypatch.delenv("PYTHONPATH")
    grade.check_sandbox_hides(ROOT / "solutions", private / "solutions")  # the normal case: hidden


@NEEDS_BWRAP
def test_a_private_solutions_folder_is_the_assignment_and_unreadable_from_the_kernel(tmp_path, capsys):
    """`--solutions DIR`: the instructor's own copy, outside the students' repository; the kernel cannot open it."""
    private = tmp_path / "instructor" / "solutions"
    private.mkdir(parents=True)
    nb = nbformat.read(ROOT / "solutions" / "02_value.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if not c.source.startswith("# Exercise 2.4:")]  # this term: no 2.4
    nbformat.write(nb, private / "02_value.ipynb")
    student = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
    for cell in student.cells:  # each answer cell ends by running the solution's cell for that exercise
        if cell.source.startswith("# Exercise "):
            header = cell.source.split(":")[0]
            cell.source += ("\nimport json\ntry:\n"
                            f"    solution = json.load(open({str(private / '02_value.ipynb')!r}))\n"
                            f"    exec(next(''.join(c['source']) for c in solution['cells'] if ''.join(c['source'])"
                            f".startswith({header!r})))\n"
                            "except (OSError, StopIteration) as error:\n    print('no solutions:', error)\n")
    path = tmp_path / "alice" / "02_value.ipynb"
    path.parent.mkdir()
    nbformat.write(student, path)
    status = main(["grade", str(path), "--solutions", str(private), "--sandbox", "--seed", "5", "--timeout", "10",
                   "--json", str(tmp_path / "report.json")])
    report = json.loads((tmp_path / "report.json").read_text())["notebooks"][0]
    assert status == 1
    assert [r["exercise"] for r in report["exercises"]] == ["2.1", "2.2", "2.3"]  # from DIR, not the checkout
    assert report["score"] == 0 and report["max_score"] == 9, grade.format_report(report)
    # Without --sandbox too: the probe process's audit hook refuses to open them (this once scored 9/9).
    assert main(["grade", str(path), "--solutions", str(private), "--seed", "5", "--timeout", "10",
                 "--json", str(tmp_path / "plain.json")]) == 1
    assert json.loads((tmp_path / "plain.json").read_text())["notebooks"][0]["score"] == 0


# ----------------------------------------------------------------------
# The command line against crafted names and folders.
# ----------------------------------------------------------------------

def test_links_out_of_a_submissions_folder_are_refused(tmp_path, capsys):
    """A link to solutions/ (a notebook or a whole student folder) would score full marks: refused, with a reason."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "mallory.ipynb").symlink_to(ROOT / "solutions" / "02_value.ipynb")
    (folder / "eve").symlink_to(ROOT / "solutions")
    (folder / "trudy").mkdir()
    (folder / "trudy" / "02_value.ipynb").symlink_to(ROOT / "solutions" / "02_value.ipynb")
    out = tmp_path / "out"
    assert main(["grade", str(folder), "--assignment", "02_value", "--out", str(out)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 + len(list((ROOT / "solutions").glob("*.ipynb"))) - 1, errors  # eve: one per notebook
    assert all("leads outside" in line and "refused" in line for line in errors), errors
    rows = list(csv.reader((out / "gradebook.csv").open()))[1:]
    assert rows and all(row[-1].endswith("copy the notebook in instead") and row[-3] == "" for row in rows)
    assert not list((out / "feedback").iterdir())


def test_a_flat_folder_of_submissions_needs_the_assignment_named(tmp_path, capsys):
    """In a folder, alice.ipynb's own metadata ("generated from solutions/07_xor.ipynb") does not choose its assignment."""
    nb = nbformat.read(ROOT / "solutions" / "07_xor.ipynb", as_version=4)
    nb.metadata["micrograd_course"] = {"generated_from": "solutions/07_xor.ipynb"}
    nbformat.write(nb, tmp_path / "alice.ipynb")
    assert main(["grade", str(tmp_path)]) == 2
    assert "matches no assignment" in (err := capsys.readouterr().err) and "--assignment" in err


def test_feedback_files_one_per_student_and_notebook_and_collisions_fail(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ["Alice", "alice"]:  # one file on a case-insensitive disk
        nbformat.write(nbformat.v4.new_notebook(), folder / f"{name}.ipynb")
    assert main(["grade", str(folder), "--assignment", "07_xor", "--out", str(tmp_path / "out")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all("would both write feedback/" in line and "rename one" in line for line in errors)
    assert not list((tmp_path / "out" / "feedback").iterdir())


FORGED_LINE = "mallory.ipynb: 13/13 points (assignment solutions/07_xor.ipynb, seed 1)"


def test_crafted_student_names_and_messages_stay_text(tmp_path, capsys):
    """Spaces, formulas, newlines and terminal escapes in names and error messages: one line each, no formula,
    no two students sharing a feedback file."""
    folder = tmp_path / "class"
    folder.mkdir()
    forger = nbformat.v4.new_notebook()
    forger.cells = [nbformat.v4.new_code_cell(f"raise ValueError('\\x1b[2K\\r\\n{FORGED_LINE}\\n\\x1b[32mpass')")]
    names = {"a b": nbformat.v4.new_notebook(), "a_b": nbformat.v4.new_notebook(),
             '=HYPERLINK("x.invalid","1")': nbformat.v4.new_notebook(), "bob\n..": forger}
    for name, nb in names.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    out = tmp_path / "out"
    assert main(["grade", str(folder), "--assignment", "07_xor", "--out", str(out), "--timeout", "10",
                 "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "\x1b" not in printed and not any(line.startswith(FORGED_LINE) for line in printed.splitlines())
    assert printed.count("0/10 points") == 4
    feedback = sorted(p.name for p in (out / "feedback").iterdir())
    assert len(feedback) == 4 and "a_b.md" in feedback and "a%20b.md" in feedback, feedback
    assert all("\x1b" not in p.read_text() for p in (out / "feedback").iterdir())
    rows = list(csv.reader((out / "gradebook.csv").open()))[1:]
    students = sorted(row[0] for row in rows)
    assert students == ["'=HYPERLINK(\"x.invalid\",\"1\")", "a b", "a_b", "bob .."], students


# ----------------------------------------------------------------------
# One submission's resources never cost another student points.
# ----------------------------------------------------------------------

HOLDER = "876543219"  # `time.sleep(HOLDER)` in children that must not outlive grading

MEMORY_HOG = f"""
import subprocess, sys, time
# Three children of 900 MB each: every one under the kernel's address-space limit, together over it.
child = "import time; b = bytearray(900 * 2 ** 20); print('held', flush=True); time.sleep({HOLDER})"
hogs = [subprocess.Popen([sys.executable, '-c', child], stdout=subprocess.PIPE) for _ in range(3)]
for hog in hogs:  # on a loaded machine the children take a while: wait until all three hold their memory
    hog.stdout.readline()
time.sleep(8)
"""

FORKER = f"""
import os, time
for _ in range(400):
    if os.fork() == 0:
        time.sleep({HOLDER})
        os._exit(0)
"""

WRITER = """
import time
for number in range(8):  # 8 files of 60 MiB: each under the 64 MiB file limit, together over the folder's cap
    with open(f'big{number}.bin', 'wb') as file:
        file.write(b'x' * (60 * 2 ** 20))
time.sleep(3)
"""


def holders():
    found = []
    for cmdline in pathlib.Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if HOLDER.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def test_a_memory_hog_a_fork_bomb_and_a_disk_filler_are_stopped_and_their_neighbour_keeps_every_point(tmp_path):
    """Limits over the whole process tree: memory held by all its processes together (the address-space rlimit
    is per process), and the number of processes; the honest notebook graded beside them scores 13/13."""
    folder = tmp_path / "class"
    solution = nbformat.read(ROOT / "solutions" / "02_value.ipynb", as_version=4)
    for student, extra in [("hog", MEMORY_HOG), ("forker", FORKER), ("writer", WRITER), ("honest", None)]:
        nb = nbformat.from_dict(solution)
        if extra:
            nb.cells.append(nbformat.v4.new_code_cell(extra))  # a cell of its own: the kernel runs it, the probes do not
        (folder / student).mkdir(parents=True)
        nbformat.write(nb, folder / student / "02_value.ipynb")
    reports, problems = grade.grade_batch([folder], jobs=2, echo=lambda *a, **k: None, timeout=20, seed=3,
                                          memory_mb=2048, sandbox=grade.sandbox_available())
    assert not problems, problems
    reports = dict(reports)
    assert reports["honest"]["score"] == 13, grade.format_report(reports["honest"])
    # The points come from the probe process, which never runs a cell the student added: each keeps all 13,
    # and the kernel that broke a limit is stopped with the reason in its notes.
    hog = reports["hog"]
    assert hog["score"] == 13 and any("of memory together" in note for note in hog["notes"]), grade.format_report(hog)
    forker = reports["forker"]
    assert forker["score"] == 13, grade.format_report(forker)
    writer = reports["writer"]
    assert writer["score"] == 13 and any("MiB of files" in note for note in writer["notes"]), grade.format_report(writer)
    assert not holders()


# ----------------------------------------------------------------------
# The Gradescope autograder, run in a temporary tree laid out as /autograder.
# ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """autograder.zip for one assignment (07_xor), unpacked as Gradescope does, into source/."""
    import zipfile

    from micrograd_course.coursework import gradescope

    tmp = tmp_path_factory.mktemp("gradescope")
    (tmp / "solutions").mkdir()
    (tmp / "solutions" / "07_xor.ipynb").write_bytes((ROOT / "solutions" / "07_xor.ipynb").read_bytes())
    archive = gradescope.bundle(tmp / "build", tmp / "solutions")
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert {"setup.sh", "run_autograder", "pyproject.toml", "solutions/07_xor.ipynb",
                "micrograd_course/coursework/grade.py"} <= set(names)
        assert zipped.getinfo("run_autograder").external_attr >> 16 & 0o111
        zipped.extractall(tmp / "autograder" / "source")
    return tmp / "autograder"


def run_autograder(root, notebook_bytes, name="my_homework.ipynb"):
    import os
    import shutil
    import subprocess
    import sys

    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    (root / "submission" / name).write_bytes(notebook_bytes)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable, AUTOGRADER_SANDBOX="0")
    result = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads((root / "results" / "results.json").read_text())


def _notebook_bytes(nb):
    return nbformat.writes(nb).encode()


def test_gradescope_full_marks_for_the_solution(autograder):
    results = run_autograder(autograder, (ROOT / "solutions" / "07_xor.ipynb").read_bytes())
    assert (results["score"], results["max_score"]) == (10, 10)
    assert [t["name"].split()[0] for t in results["tests"]] == ["7.1", "7.2", "7.3", "7.4"]
    assert all(t["score"] == t["max_score"] and t["output"] == "Well done." for t in results["tests"])


def test_gradescope_zero_for_untouched_exercises(autograder):
    results = run_autograder(autograder, (ROOT / "exercises" / "07_xor.ipynb").read_bytes())
    assert results["score"] == 0 and results["max_score"] == 10
    assert all(t["score"] == 0 and "not done yet" in t["output"] for t in results["tests"]), results["tests"]


def test_gradescope_honest_partial_score_with_hints_not_answers(autograder):
    nb = nbformat.read(ROOT / "solutions" / "07_xor.ipynb", as_version=4)
    answer(nb, "7.1", "nand_weights = (-1.0, -1.0, 1.5)", "nand_weights = (1.0, 1.0, -1.5)  # AND, not NAND")
    results = run_autograder(autograder, _notebook_bytes(nb))
    assert results["score"] == 9 and [t["score"] for t in results["tests"]] == [1, 2, 2, 4]
    failing = results["tests"][0]
    assert "NAND" in failing["output"] and "(-1.0, -1.0, 1.5)" not in json.dumps(results)


def test_gradescope_gets_valid_json_for_a_broken_notebook(autograder):
    results = run_autograder(autograder, b"this is not a notebook {")
    assert results["score"] == 0 and results["tests"] == []
    assert "not a readable notebook" in results["output"] and str(autograder) not in results["output"]
