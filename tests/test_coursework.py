"""exercises/ is generated from solutions/, and regenerating never destroys a student's work."""

import pathlib

import nbformat
import pytest

from micrograd_course.coursework import generate as coursework
from micrograd_course.coursework.__main__ import main as coursework_main

ROOT = pathlib.Path(__file__).resolve().parent.parent


def solution_notebook(*sources):
    nb = nbformat.v4.new_notebook()
    for source in sources:
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = [nbformat.v4.new_output("stream", text="old output\n")]
        cell.execution_count = 3
        nb.cells.append(cell)
    return nb


def test_exercises_directory_is_up_to_date():
    stale = coursework.stale(ROOT / "solutions", ROOT / "exercises")
    assert not stale, f"run `make exercises`: {[p.name for p in stale]} differ from solutions/"


def test_every_solution_notebook_has_a_matching_exercise_and_lecture():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert solutions == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    lectures = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert lectures <= set(solutions), "every lecture notebook needs an exercise notebook"


def test_solution_blocks_become_stubs_at_the_same_indentation():
    nb = solution_notebook(
        "# Exercise 9.1: add two numbers\n"
        "def add(a, b):\n"
        "    ### BEGIN SOLUTION\n"
        "    return a + b\n"
        "    ### END SOLUTION\n"
        "\n"
        "add.checked = True\n",
        "print('not an exercise')",
    )
    out = coursework.make_exercise_notebook(nb, "09.ipynb")
    exercise, plain = out.cells
    assert exercise.source == (
        "# Exercise 9.1: add two numbers\n"
        "def add(a, b):\n"
        "    # YOUR CODE HERE\n"
        '    raise NotImplementedError("Exercise 9.1: add two numbers")\n'
        "\n"
        "add.checked = True"
    )
    assert "return a + b" not in exercise.source
    assert exercise.metadata["tags"] == ["raises-exception"]
    assert "tags" not in plain.metadata and plain.source == "print('not an exercise')"
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells)
    assert out.metadata["micrograd_course"]["exercises"] == ["9.1"]
    assert nb.cells[0].outputs, "the solution notebook itself must not be changed"


@pytest.mark.parametrize("source,message", [
    ("# Exercise 1.1: x\n### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("# Exercise 1.1: x\nx = 1\n### END SOLUTION\n", "without a"),
    ("# Exercise 1.1: x\n### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside another"),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "needs a header comment"),
])
def test_malformed_solutions_are_reported(source, message):
    with pytest.raises(coursework.SolutionFormatError, match=message):
        coursework.make_exercise_notebook(solution_notebook(source), "bad.ipynb")


def write_solution(directory, text="return 1"):
    directory.mkdir(exist_ok=True)
    nb = solution_notebook(f"# Exercise 1.1: one\ndef one():\n    ### BEGIN SOLUTION\n    {text}\n    ### END SOLUTION\n")
    nbformat.write(nb, directory / "01_one.ipynb")


def test_generate_never_overwrites_an_edited_exercise(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    write_solution(solutions)
    assert coursework.generate(solutions, exercises, out=open("/dev/null", "w")) == []
    target = exercises / "01_one.ipynb"

    student = nbformat.read(target, as_version=4)
    student.cells[0].source = student.cells[0].source.replace('raise NotImplementedError("Exercise 1.1: one")',
                                                                "return 1  # my answer")
    nbformat.write(student, target)
    before = target.read_bytes()

    write_solution(solutions, text="return 1.0")  # the solution changes upstream
    assert coursework.was_edited(nbformat.read(target, as_version=4))
    kept = coursework.generate(solutions, exercises, out=open("/dev/null", "w"))
    assert kept == [target]
    assert target.read_bytes() == before, "the student's notebook was modified"

    coursework.generate(solutions, exercises, force=True, out=open("/dev/null", "w"))
    assert "my answer" not in target.read_text()


def test_generate_refreshes_an_unedited_exercise(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    write_solution(solutions)
    coursework.generate(solutions, exercises, out=open("/dev/null", "w"))
    write_solution(solutions, text="return 2")
    (solutions / "01_one.ipynb").write_text((solutions / "01_one.ipynb").read_text().replace("def one", "def uno"))
    assert coursework.stale(solutions, exercises)
    assert coursework.generate(solutions, exercises, out=open("/dev/null", "w")) == []
    assert "def uno" in (exercises / "01_one.ipynb").read_text()
    assert not coursework.stale(solutions, exercises)


def test_check_command_exit_codes(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    write_solution(solutions)
    args = ["--solutions", str(solutions), "--exercises", str(exercises)]
    assert coursework_main(["outdated", *args]) == 1
    assert "out of date" in capsys.readouterr().out
    assert coursework_main(["generate", *args]) == 0
    assert coursework_main(["outdated", *args]) == 0


def test_generated_notebooks_keep_the_solutions_metadata():
    """kernelspec and the kernel's language_info are copied, so opening an exercise does not mark it modified."""
    for solution in sorted((ROOT / "solutions").glob("*.ipynb")):
        source = nbformat.read(solution, as_version=4).metadata
        generated = nbformat.read(ROOT / "exercises" / solution.name, as_version=4).metadata
        assert "language_info" in source, f"{solution.name}: run tools/execute_notebooks.py on it"
        for key in ("kernelspec", "language_info"):
            assert generated[key] == source[key], f"{solution.name}: {key}"


def test_a_test_that_needs_a_missing_module_is_unavailable_not_failed():
    from micrograd_course.coursework import framework

    exercise = framework.Exercise("99.9", "needs a module", uses=())
    try:
        @exercise.test("runs anywhere")
        def _(case, got):
            pass

        @exercise.test("needs a module nobody has", points=2, needs=("a_module_nobody_has",))
        def _(case, got):
            raise AssertionError("must not run where its module is missing")

        result = framework.judge(exercise, {}, {"values": {}, "errors": []})
    finally:
        del framework.EXERCISES["99.9"]
    assert result["earned"] == 1 and result["points"] == 3
    assert framework.unavailable_points(result) == 2
    row = result["tests"][1]
    assert row["unavailable"] == "needs a_module_nobody_has (not installed)" and row["earned"] == 0
    assert "n/a  needs a module nobody has" in framework.format_result(result)
    assert "FAIL" not in framework.format_result(result)


class _StudentValue:
    """A student's Value before exercises 4.1 and 4.2: abs still a stub, log not yet defined (its cell not run)."""

    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, set(_children), _op
        self._backward = lambda: None

    def abs(self):
        raise NotImplementedError("Exercise 4.1: abs with its gradient")


def _feedback(exercise_id):
    from micrograd_course.coursework import framework
    exercise = framework.load_all()[exercise_id]
    return framework.format_result(framework._self_check(exercise, {"Value": _StudentValue}, seed=1))


def test_an_unfinished_exercise_says_so_once_and_does_not_name_itself():
    text = _feedback("4.1")
    assert text.count("NotImplementedError") == 1, text
    assert "write that one first" not in text  # 4.1 is this exercise, not an earlier one
    assert "FAIL 5 tests (" in text


def test_checking_before_the_exercise_cell_ran_says_run_the_cell_above_once():
    text = _feedback("4.2")
    assert text.count("run the cell above") == 1 and "AttributeError" not in text, text
