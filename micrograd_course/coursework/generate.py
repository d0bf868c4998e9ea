"""Generate ``exercises/`` from ``solutions/``: the solutions are the single source.

In a solution notebook, an exercise cell starts with a comment
``# Exercise 2.1: title`` and marks its answer with nbgrader-style lines::

    ### BEGIN SOLUTION
    ...the answer...
    ### END SOLUTION

The exercise notebook gets, in place of each such block, the line
``# YOUR CODE HERE`` and ``raise NotImplementedError("Exercise 2.1: title")``
at the same indentation; every output is cleared. Exercise cells are tagged
``raises-exception`` so that nbval runs the whole notebook even though they
raise until a student fills them in.

Students work in ``exercises/``. So that regenerating never destroys their
work, each generated notebook records a fingerprint of its cells; a notebook
whose cells no longer match it has been edited and is left alone.

    python -m micrograd_course.coursework generate [--force]
    python -m micrograd_course.coursework outdated
"""

import copy
import hashlib
import json
import pathlib
import re
import sys

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
EXERCISE_HEADER = re.compile(r"^#\s*Exercise\s+(\d+\.\d+)\s*:\s*(.+?)\s*$", re.M)
META_KEY = "micrograd_course"


class SolutionFormatError(ValueError):
    """A solution notebook's markers do not pair up, or an exercise has no header."""


def _strip_block(source, exercise, where):
    """Replace each BEGIN/END SOLUTION block in ``source`` with a stub."""
    out, inside, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise SolutionFormatError(f"{where}, line {number}: {BEGIN} inside another solution block.")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if not inside:
                raise SolutionFormatError(f"{where}, line {number}: {END} without a {BEGIN}.")
            inside = False
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f'{indent}raise NotImplementedError("{exercise}")')
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionFormatError(f"{where}: {BEGIN} is never closed by {END}.")
    return "\n".join(out)


def _fingerprint(nb):
    """A hash of what a person edits: the cells' types and sources."""
    cells = [(cell.cell_type, cell.source) for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()


def make_exercise_notebook(solution, name="notebook"):
    """Return the exercise version of a solution notebook (the input is not changed)."""
    nb = copy.deepcopy(solution)
    exercises = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        if BEGIN not in cell.source and END not in cell.source:
            continue
        header = EXERCISE_HEADER.search(cell.source)
        if not header:
            raise SolutionFormatError(
                f"{name}, cell {index}: a solution block needs a header comment "
                f"'# Exercise N.M: title' in the same cell.")
        exercise = f"Exercise {header.group(1)}: {header.group(2)}"
        exercises.append(header.group(1))
        cell.source = _strip_block(cell.source, exercise, f"{name}, cell {index}")
        tags = cell.metadata.setdefault("tags", [])
        if cell.cell_type == "code" and "raises-exception" not in tags:
            tags.append("raises-exception")
    nb.metadata.pop("widgets", None)  # saved widget views belong to outputs, which are cleared
    nb.metadata[META_KEY] = {"exercises": exercises, "generated_from": f"solutions/{name}"}
    nb.metadata[META_KEY]["fingerprint"] = _fingerprint(nb)
    return nb


def was_edited(nb):
    """True when a generated notebook's cells differ from what was generated."""
    recorded = nb.metadata.get(META_KEY, {}).get("fingerprint")
    return recorded is None or recorded != _fingerprint(nb)


def _render(nb):
    return nbformat.writes(nb) + "\n"


def plan(solutions_dir, exercises_dir):
    """Yield (solution path, exercise path, generated text) for every solution notebook."""
    for path in sorted(pathlib.Path(solutions_dir).glob("*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        yield path, pathlib.Path(exercises_dir) / path.name, _render(make_exercise_notebook(solution, path.name))


def generate(solutions_dir="solutions", exercises_dir="exercises", force=False, out=sys.stdout):
    """Write the exercise notebooks; never overwrite one a person has edited unless ``force``.

    Returns the list of notebooks that were left alone because they were edited.
    """
    pathlib.Path(exercises_dir).mkdir(parents=True, exist_ok=True)
    kept = []
    for _source, target, text in plan(solutions_dir, exercises_dir):
        if target.exists():
            if target.read_text(encoding="utf-8") == text:
                print(f"up to date  {target}", file=out)
                continue
            if not force and was_edited(nbformat.read(target, as_version=4)):
                kept.append(target)
                print(f"KEPT        {target}: it was edited after it was generated (your work?). "
                      f"Copy it somewhere safe, then delete it or run with --force.", file=out)
                continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote       {target}", file=out)
    return kept


def stale(solutions_dir="solutions", exercises_dir="exercises"):
    """The exercise notebooks that are missing or differ from what generate() would write."""
    return [target for _source, target, text in plan(solutions_dir, exercises_dir)
            if not target.exists() or target.read_text(encoding="utf-8") != text]
