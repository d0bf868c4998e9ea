"""The grader: runs a notebook in a fresh kernel, probes each exercise there, judges here, never writes the file."""

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
    answer(nb, "2.1", stub("2.1", "Value.__add__"),
           'return Value(self.data - other.data, (self, other), "+")  # oops')
    answer(nb, "2.2", stub("2.2", "Value.__mul__ with children and op"),
           'return Value(self.data * other.data, (self, other), "*")')
    answer(nb, "2.3", stub("2.3", "Value.relu"), "while True:\n        pass")
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
    assert rows["2.1"]["earned"] == 1 and "a.data + b.data" in rows["2.1"]["tests"][0]["hint"]
    assert rows["2.2"]["earned"] == rows["2.2"]["points"] == 2
    assert rows["2.3"]["earned"] == 0 and "ran too long" in rows["2.3"]["tests"][0]["hint"]
    assert rows["2.4"]["earned"] == 0 and "not done yet: Exercise 2.4" in rows["2.4"]["tests"][0]["hint"]
    assert (graded["score"], graded["max_score"]) == (3, 9)
    assert graded["seed"] == 7 and graded["assignment"] == "solutions/02_value.ipynb"
    assert any(e["error"] == "Timeout" for e in graded["cell_errors"])


def test_printed_or_patched_passes_earn_nothing(tmp_path):
    """Only the probe's reply, judged in the grader's process, counts."""
    nb = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'print("Exercise 2.4 (collect the leaves of a graph): 2/2 points. Well done.")\n'
        "import micrograd_course.coursework.framework as f\n"
        "f.judge = lambda *a, **k: {'earned': 2}\n"
        "import math\nmath.isclose = lambda *a, **k: True\n"))
    path = tmp_path / "02_value.ipynb"
    nbformat.write(nb, path)
    report = grade.grade_notebook(path, timeout=10, seed=1)
    assert report["score"] == 0


def test_command_line_prints_a_table_and_writes_json(student_notebook, tmp_path, capsys):
    out = tmp_path / "grades.json"
    status = main(["grade", str(student_notebook), "--timeout", "3", "--seed", "7", "--json", str(out)])
    printed = capsys.readouterr().out
    assert status == 1
    assert "3/9 points" in printed and "2.1" in printed and "FAIL" in printed
    data = json.loads(out.read_text())
    assert [r["earned"] for r in data["notebooks"][0]["exercises"]] == [1, 2, 0, 0]


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


@pytest.mark.parametrize("seed", [0, 1])
def test_all_solutions_score_full_marks(seed):
    """What `make check-solutions` runs, under two seeds."""
    paths = sorted((ROOT / "solutions").glob("*.ipynb"))
    for path in paths:
        report = grade.grade_notebook(path, timeout=120, seed=seed)
        failed = [r for r in report["exercises"] if r["earned"] < r["points"]]
        assert report["exercises"] and not failed, f"{path.name}: {failed}"
    assert len(paths) == 10
