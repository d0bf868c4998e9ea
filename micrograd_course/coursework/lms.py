"""Gradebook files that a learning-management system imports: Canvas and Moodle.

``gradebook.csv`` has one row per graded notebook, with every exercise. An LMS
wants one row per **student** and one column per **assignment** (here: per
notebook), holding that student's points. Both files are written next to
``gradebook.csv`` by ``grade --out``:

- ``canvas.csv``: Canvas's gradebook import layout. The first five columns are
  the ones Canvas reads to find the student (Student, ID, SIS User ID, SIS Login
  ID, Section); the student id of the batch (the file or folder name) goes in
  *Student* and *SIS Login ID*, so name the submissions by login. A "Points
  Possible" row follows the header. Each notebook becomes a new assignment
  column, e.g. ``micrograd-course 02_value``.
- ``moodle.csv``: for Moodle's "Import grades: CSV file". The first column,
  *Username*, is the one to map to "username" when importing; each notebook is a
  column of points to map to a grade item.

A notebook that could not be graded leaves its cell empty: both systems then
keep whatever grade they had, rather than recording a 0 nobody earned. If a
student has two graded copies of one notebook, the higher score is exported.
"""

import csv
import pathlib

CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _text_cell(value):
    """A cell a spreadsheet shows as text, never runs as a formula (the same rule as gradebook.csv)."""
    from .grade import _cell  # one rule for every CSV the grader writes

    return _cell(value)


def assignment_name(notebook):
    """The LMS column for a notebook: 'micrograd-course 02_value'."""
    return f"micrograd-course {pathlib.PurePath(str(notebook)).stem}"


def scores_by_student(reports):
    """(students in order, assignment columns in order, {(student, column): (score, max_score)})."""
    students, columns, scores = [], [], {}
    for student, report in reports:
        column = assignment_name(report["assignment"])
        if student not in students:
            students.append(student)
        if column not in columns:
            columns.append(column)
        best = scores.get((student, column))
        if best is None or report["score"] > best[0]:
            scores[(student, column)] = (report["score"], report["max_score"])
    return students, columns, scores


def _points_possible(columns, scores):
    return [max((top for (_, c), (_, top) in scores.items() if c == column), default="") for column in columns]


def write_canvas_csv(path, reports, problems=()):
    """Canvas's gradebook import file; see the module docstring."""
    students, columns, scores = scores_by_student(reports)
    students += [student for student, *_ in problems if student not in students]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CANVAS_ID_COLUMNS + columns)
        writer.writerow(["Points Possible", "", "", "", "", *_points_possible(columns, scores)])
        for student in students:
            cells = [scores[(student, c)][0] if (student, c) in scores else "" for c in columns]
            writer.writerow([_text_cell(student), "", "", _text_cell(student), "", *cells])


def write_moodle_csv(path, reports, problems=()):
    """A file for Moodle's CSV grade import; see the module docstring."""
    students, columns, scores = scores_by_student(reports)
    students += [student for student, *_ in problems if student not in students]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Username", *columns])
        for student in students:
            cells = [scores[(student, c)][0] if (student, c) in scores else "" for c in columns]
            writer.writerow([_text_cell(student), *cells])
