"""Gradebook exports for Canvas and Moodle: one row per student, one column per notebook."""

import csv

from micrograd_course.coursework import grade, lms


def report(notebook, score, max_score):
    return {"assignment": f"solutions/{notebook}.ipynb", "notebook": f"x/{notebook}.ipynb", "score": score,
            "max_score": max_score, "exercises": [], "graded_at": "2026-12-03T12:00:00+00:00", "seed": 1,
            "checks": "abc", "notes": [], "cell_errors": [], "unavailable": 0}


REPORTS = [("alice", report("02_value", 13, 13)), ("alice", report("04_autograd", 9, 18)),
           ("bob", report("02_value", 4, 13)), ("=HYPERLINK(\"x\")", report("02_value", 1, 13)),
           ("alice", report("02_value", 7, 13))]          # a second copy: the higher score counts
PROBLEMS = [("carol", "carol/02_value.ipynb", "not a notebook"), ("bob", "bob/04_autograd.ipynb", "empty")]


def rows(path):
    with open(path, newline="") as file:
        return list(csv.reader(file))


def test_canvas_layout_points_possible_and_one_row_per_student(tmp_path):
    lms.write_canvas_csv(tmp_path / "canvas.csv", REPORTS, PROBLEMS)
    header, possible, *students = rows(tmp_path / "canvas.csv")
    # Canvas reads these five columns to find a student; everything after them is an assignment.
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "micrograd-course 02_value", "micrograd-course 04_autograd"]
    assert possible == ["Points Possible", "", "", "", "", "13", "18"]
    by_name = {row[0]: row for row in students}
    assert by_name["alice"] == ["alice", "", "", "alice", "", "13", "9"]
    assert by_name["bob"] == ["bob", "", "", "bob", "", "4", ""]        # ungraded: empty, not 0
    assert by_name["carol"] == ["carol", "", "", "carol", "", "", ""]
    assert "'=HYPERLINK(\"x\")" in by_name and all(not row[0].startswith("=") for row in students)
    assert len(students) == 4


def test_moodle_layout_username_then_a_column_per_notebook(tmp_path):
    lms.write_moodle_csv(tmp_path / "moodle.csv", REPORTS, PROBLEMS)
    header, *students = rows(tmp_path / "moodle.csv")
    assert header == ["Username", "micrograd-course 02_value", "micrograd-course 04_autograd"]
    assert students[0] == ["alice", "13", "9"] and students[1] == ["bob", "4", ""]
    assert ["carol", "", ""] in students and all(not row[0][:1] in "=+-@" for row in students)


def test_grade_out_writes_all_three_gradebooks(tmp_path):
    grade.write_gradebook(tmp_path, REPORTS[:3], PROBLEMS)
    assert {p.name for p in tmp_path.iterdir()} >= {"gradebook.csv", "canvas.csv", "moodle.csv", "feedback"}
    assert rows(tmp_path / "canvas.csv")[2][5] == "13" and len(rows(tmp_path / "gradebook.csv")) == 1 + 3 + 2
