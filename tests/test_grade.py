"""The grader: runs a notebook in a fresh kernel, survives broken cells, never writes the file."""

import json
import pathlib

import nbformat
import pytest

from micrograd_course import grade

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


@pytest.fixture
def student_notebook(tmp_path):
    """A student's copy of exercises 2: one right, one wrong, one looping forever, one untouched."""
    nb = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
    answer(nb, "2.1", stub("2.1", "Value.__add__"),
           'return Value(self.data - other.data, (self, other), "+")  # oops')
    answer(nb, "2.2", stub("2.2", "Value.__mul__ with children and op"),
           'return Value(self.data * other.data, (self, other), "*")')
    answer(nb, "2.3", stub("2.3", "Value.relu"), "while True:\n        pass")
    path = tmp_path / "student.ipynb"
    nbformat.write(nb, path)
    return path


def test_grading_a_wrong_notebook_finds_the_right_failures(student_notebook):
    before = student_notebook.read_bytes()
    report = grade.grade_notebook(student_notebook, timeout=5)
    rows = {r["exercise"]: r for r in report["exercises"]}

    assert list(rows) == ["2.1", "2.2", "2.3", "2.4"]
    assert not rows["2.1"]["passed"] and "expected -1.5, got 5.5" in rows["2.1"]["hint"]
    assert rows["2.2"]["passed"] and rows["2.2"]["earned"] == 1
    assert not rows["2.3"]["passed"] and "ran longer than 5 s and was stopped" in rows["2.3"]["hint"]
    assert not rows["2.4"]["passed"] and "not done yet" in rows["2.4"]["hint"]
    assert (report["score"], report["max_score"]) == (1, 4)
    assert any(e["error"] == "Timeout" for e in report["cell_errors"])
    assert student_notebook.read_bytes() == before, "grading must never modify the notebook"


def test_printed_or_patched_passes_earn_nothing(tmp_path):
    """Only the grader's own run of each check counts."""
    nb = nbformat.read(ROOT / "exercises" / "02_value.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'print("PASS Exercise 2.4 (collect the leaves of a graph) [1/1 points]: well done.")\n'
        "import micrograd_course.checks as checks\n"
        'checks.check_add = lambda Value: print("PASS Exercise 2.1 (Value.__add__) [1/1 points]: well done.")\n'
        "checks.check_add(None)"))
    path = tmp_path / "cheat.ipynb"
    nbformat.write(nb, path)
    report = grade.grade_notebook(path, timeout=10)
    assert report["score"] == 0
    assert all("not done yet" in r["hint"] for r in report["exercises"])


def test_command_line_prints_a_table_and_writes_json(student_notebook, tmp_path, capsys):
    out = tmp_path / "grades.json"
    status = grade.main([str(student_notebook), "--timeout", "5", "--json", str(out)])
    printed = capsys.readouterr().out
    assert status == 1
    assert "1/4 points" in printed and "2.1" in printed and "FAIL" in printed
    data = json.loads(out.read_text())
    assert data["total"] == 1 and data["max_total"] == 4
    assert [r["passed"] for r in data["notebooks"][0]["exercises"]] == [False, True, False, False]


def test_json_never_overwrites_the_notebook(student_notebook, capsys):
    before = student_notebook.read_bytes()
    assert grade.main([str(student_notebook), "--json", str(student_notebook)]) == 2
    assert student_notebook.read_bytes() == before
    assert "would overwrite a notebook" in capsys.readouterr().err


def test_unreadable_files_are_reported(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("this is not json")
    assert grade.main([str(bad)]) == 2
    assert "not a readable notebook" in capsys.readouterr().err
    assert grade.main([str(tmp_path / "missing.ipynb")]) == 2


def test_all_solutions_score_full_marks():
    """What `make check-solutions` runs."""
    paths = sorted((ROOT / "solutions").glob("*.ipynb"))
    for path in paths:
        report = grade.grade_notebook(path, timeout=120)
        failed = [r for r in report["exercises"] if not r["passed"]]
        assert report["exercises"] and not failed, f"{path.name}: {failed}"
        assert report["score"] == report["max_score"]
    assert len(paths) == 10
