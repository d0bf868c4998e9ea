"""Grade a notebook: run it in a fresh kernel and read the self-check results.

    python -m micrograd_course.grade NOTEBOOK [NOTEBOOK ...] [--timeout 60] [--json FILE]

The notebook file is only read, never written: it runs from an in-memory
copy. Every cell gets ``--timeout`` seconds; a cell that raises or runs too
long is interrupted, recorded, and the run goes on, so one broken exercise
costs only its own points. The result is a table per exercise (pass/fail,
points, hint) and, with ``--json``, the same as JSON for a gradebook.

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

from . import checks
from .checks import EXERCISES

# check function name -> exercise id, to blame a crashed or stopped check cell on its exercise.
CHECK_EXERCISE = {name: fn.exercise for name, fn in vars(checks).items()
                  if name.startswith("check_") and hasattr(fn, "exercise")}

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


def _cell_errors(nb, timeout):
    """(cell index, error name, message) for every cell that raised, in order.

    The grader interrupts a cell only when it runs out of time, so a
    KeyboardInterrupt is reported as a timeout.
    """
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                name, message = output.get("ename", "?"), output.get("evalue", "")
                if name == "KeyboardInterrupt":
                    name, message = "Timeout", f"ran longer than {timeout} s and was stopped (an endless loop?)"
                errors.append((index, name, message))
    return errors


def _blame_check_cells(nb, errors):
    """Exercise id -> why its check cell produced no result, for check cells that raised."""
    by_cell = {}
    for index, name, message in errors:
        by_cell.setdefault(index, f"its check cell failed: {name}: {message}")
    blamed = {}
    for index, cell in enumerate(nb.cells):
        if index in by_cell:
            for function in re.findall(r"\b(check_\w+)\s*\(", cell.source):
                if function in CHECK_EXERCISE:
                    blamed[CHECK_EXERCISE[function]] = by_cell[index]
    return blamed


def expected_exercises(nb):
    """The exercises a notebook should contain: from its metadata, else from its check cells."""
    listed = nb.metadata.get("micrograd_course", {}).get("exercises")
    if listed:
        return list(listed)
    found = []
    for cell in nb.cells:
        for match in re.finditer(r"^#\s*Exercise\s+(\d+\.\d+)", cell.source, re.M):
            found.append(match.group(1))
    return found


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
    problem = None
    try:
        client.execute()
    except DeadKernelError:
        problem = "the kernel died (a cell crashed Python or used too much memory); later cells did not run"

    errors = _cell_errors(nb, timeout)
    blamed = _blame_check_cells(nb, errors)
    results = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for m in RESULT.finditer(_cell_text(cell)):
            results[m.group(2)] = {"passed": m.group(1) == "PASS", "earned": int(m.group(4)),
                                   "points": int(m.group(5)), "hint": m.group(6) or ""}

    rows = []
    for exercise in expected_exercises(nb):
        title, points = EXERCISES.get(exercise, ("(unknown exercise)", 0))
        row = {"exercise": exercise, "title": title, "points": points,
               "passed": False, "earned": 0, "hint": "its check did not run (was the check cell deleted?)"}
        if problem:
            row["hint"] = problem
        elif exercise in blamed:
            row["hint"] = blamed[exercise]
        if exercise in results:
            found = results[exercise]
            row.update(passed=found["passed"], earned=found["earned"] if found["passed"] else 0,
                       hint="" if found["passed"] else found["hint"])
        rows.append(row)
    return {
        "notebook": str(path),
        "score": sum(r["earned"] for r in rows),
        "max_score": sum(r["points"] for r in rows),
        "exercises": rows,
        "cell_errors": [{"cell": i, "error": name, "message": msg} for i, name, msg in errors],
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
