"""Grade a notebook: run it in a fresh kernel and read the self-check results.

    python -m micrograd_course.grade NOTEBOOK [NOTEBOOK ...] [--timeout 60] [--json FILE]

The notebook file is only read, never written: it runs from an in-memory
copy. Every cell gets ``--timeout`` seconds; a cell that raises or runs too
long is interrupted, recorded, and the run goes on, so one broken exercise
costs only its own points. After the notebook's own cells, the grader runs
each exercise's check itself, from a freshly loaded checks module, and reads
only those results: what the notebook printed does not count. The result is
a table per exercise (pass/fail, points, hint) and, with ``--json``, the same
as JSON for a gradebook.

Exit status: 0 when every exercise passed, 1 otherwise, 2 for a file that
cannot be read.
"""

import argparse
import json
import pathlib
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from .checks import CALLS, EXERCISES
from .coursework import EXERCISE_HEADER, META_KEY

RESULT = re.compile(r"^(PASS|FAIL) Exercise (\d+\.\d+) \((.*?)\) \[(\d+)/(\d+) points\](?:: (.*))?$", re.M)


def _cell_text(cell):
    """All the text a code cell printed (stdout and plain-text results)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def _error(output, timeout):
    """(name, message) of an error output. The grader interrupts a cell only when
    it runs out of time, so a KeyboardInterrupt (or nbclient's Timeout) is a timeout."""
    name, message = output.get("ename", "?"), output.get("evalue", "")
    if name in ("KeyboardInterrupt", "Timeout"):
        return "Timeout", f"ran longer than {timeout} s and was stopped (an endless loop?)"
    return name, message


def _cell_errors(cells, timeout):
    """(cell index, error name, message) for every cell that raised, in order."""
    return [(index, *_error(output, timeout))
            for index, cell in enumerate(cells)
            for output in cell.get("outputs", []) if output.get("output_type") == "error"]


def expected_exercises(nb):
    """The exercises a notebook should contain: from its metadata, else from its check cells."""
    listed = nb.metadata.get(META_KEY, {}).get("exercises")
    if listed:
        return list(listed)
    return [match.group(1) for cell in nb.cells for match in EXERCISE_HEADER.finditer(cell.source)]


def _grader_cell(exercise):
    """The cell the grader runs after the student's cells: that exercise's check, freshly loaded.

    Reloading the checks module undoes any change a notebook made to it, and
    only this cell's output is read, so a printed "PASS" line earns nothing.
    """
    return (
        "import importlib as _importlib, micrograd_course.checks as _mc_checks\n"
        "_mc_checks = _importlib.reload(_mc_checks)\n"
        "try:\n"
        f"    _mc_checks.{CALLS[exercise]}\n"
        "except NameError as _error:\n"
        f"    print(_mc_checks.result_line({exercise!r}, False, f'not done: {{_error}}; run its cell "
        "(and keep the names the exercise asks for).'))\n"
    )


def _grader_result(exercise, cell, timeout):
    """(passed, hint) from the output of one grader cell."""
    found = [m for m in RESULT.finditer(_cell_text(cell)) if m.group(2) == exercise]
    if found:
        last = found[-1]  # the check prints its verdict last, after anything the student's code printed
        return last.group(1) == "PASS", last.group(6) or ""
    errors = _cell_errors([cell], timeout)
    if not errors:
        return False, "its check printed no result"
    _index, name, message = errors[0]
    return False, f"its check {message}" if name == "Timeout" else f"its check crashed: {name}: {message}"


def grade_notebook(path, timeout=60, kernel_name="python3"):
    """Run ``path`` in a fresh kernel and return a report dict (see module docstring)."""
    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "Timeout", "evalue": f"cell ran longer than {timeout} s and was stopped",
                          "traceback": []},
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    exercises = expected_exercises(nb)
    grader_cells = {e: nbformat.v4.new_code_cell(_grader_cell(e)) for e in exercises if e in CALLS}
    student_cells = len(nb.cells)
    nb.cells.extend(grader_cells.values())  # in memory only; nbclient executes cells by position
    problem = None
    with client.setup_kernel():
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
        except DeadKernelError:
            problem = "the kernel died (a cell crashed Python or used too much memory); later cells did not run"

    rows = []
    for exercise in exercises:
        title, points = EXERCISES.get(exercise, ("(unknown exercise)", 0))
        if exercise not in grader_cells:
            passed, hint = False, "not an exercise this grader knows"
        elif problem and not grader_cells[exercise].get("outputs"):
            passed, hint = False, problem
        else:
            passed, hint = _grader_result(exercise, grader_cells[exercise], timeout)
        rows.append({"exercise": exercise, "title": title, "points": points, "passed": passed,
                     "earned": points if passed else 0, "hint": "" if passed else hint})
    return {
        "notebook": str(path),
        "score": sum(r["earned"] for r in rows),
        "max_score": sum(r["points"] for r in rows),
        "exercises": rows,
        "cell_errors": [{"cell": i, "error": name, "message": msg}
                        for i, name, msg in _cell_errors(nb.cells[:student_cells], timeout)],
    }


def format_report(report):
    """A plain-text table for people."""
    lines = [f"{report['notebook']}: {report['score']}/{report['max_score']} points"]
    width = max([len(r["title"]) for r in report["exercises"]] + [5])
    for r in report["exercises"]:
        mark = "pass" if r["passed"] else "FAIL"
        lines.append(f"  {r['exercise']:>5}  {r['title']:<{width}}  {mark}  "
                     f"{r['earned']}/{r['points']}  {r['hint']}".rstrip())
    for e in report["cell_errors"]:
        lines.append(f"  note: cell {e['cell']} raised {e['error']}: {e['message']}"[:200])
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m micrograd_course.grade", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--timeout", type=int, default=60, help="seconds per cell (default 60)")
    parser.add_argument("--json", help="also write the results as JSON to this file ('-' for stdout)")
    args = parser.parse_args(argv)

    if args.json and args.json != "-" and pathlib.Path(args.json).resolve() in {p.resolve() for p in args.notebooks}:
        print("error: --json would overwrite a notebook; choose another file", file=sys.stderr)
        return 2
    reports = []
    for path in args.notebooks:
        if not path.is_file():
            print(f"error: {path} is not a notebook file", file=sys.stderr)
            return 2
        try:
            report = grade_notebook(path, timeout=args.timeout)
        except (nbformat.reader.NotJSONError, json.JSONDecodeError, nbformat.ValidationError) as error:
            print(f"error: {path} is not a readable notebook: {error}", file=sys.stderr)
            return 2
        print(format_report(report))
        reports.append(report)
    total, best = sum(r["score"] for r in reports), sum(r["max_score"] for r in reports)
    if len(reports) > 1:
        print(f"total: {total}/{best} points ({100 * total / best if best else 0:.0f}%)")
    if args.json:
        text = json.dumps({"total": total, "max_total": best, "notebooks": reports}, indent=2)
        if args.json == "-":
            print(text)
        else:
            pathlib.Path(args.json).write_text(text + "\n")
    return 0 if total == best and best > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
