"""Run a student's answer as a notebook cell would, and judge it with an exercise's checks, in-process."""

import linecache

from micrograd_course.coursework import framework

EXERCISES = framework.load_all()


def run_as_cell(source):
    """The namespace after ``source`` runs as a cell; its source stays readable (inspect), as in IPython."""
    filename = f"<cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def judge_cell(exercise_id, source, seed=0, reveal=True):
    """The judge's result for the cell ``source`` on the case that ``seed`` draws for the exercise."""
    namespace = run_as_cell(source)
    exercise = EXERCISES[exercise_id]
    case = exercise.make_case(seed)
    return framework.judge(exercise, case, framework.run_probes(exercise, case, namespace), reveal=reveal)


def hints(result):
    """The hints of the tests that lose points, joined: what the student reads."""
    return " | ".join(row["hint"] for row in result["tests"] if row["earned"] < row["points"])


def failing(result):
    """{test name: hint} of the tests that lose points."""
    return {row["test"]: row["hint"] for row in result["tests"] if row["earned"] < row["points"]}
