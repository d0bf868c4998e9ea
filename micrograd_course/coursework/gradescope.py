"""A Gradescope autograder: the bundle (``make gradescope``) and what runs in Gradescope's container.

    python -m micrograd_course.coursework gradescope-bundle [--solutions DIR] [--out build/gradescope]
    python -m micrograd_course.coursework gradescope-run        (what run_autograder calls)

Gradescope unpacks ``autograder.zip`` into ``/autograder/source``, runs
``setup.sh`` once per image, then ``run_autograder`` for each submission, which
finds the student's notebooks in ``/autograder/submission`` and must write
``/autograder/results/results.json``. Each submission runs in its own
container, so a class of any size grades in parallel. The environment
variable ``AUTOGRADER_ROOT`` replaces ``/autograder`` (the tests use it);
``AUTOGRADER_SANDBOX=0`` grades without bubblewrap even where it is installed
(the tests, whose kernels import the checkout's package, not the bundle's).
"""

import json
import os
import pathlib
import zipfile

from . import grade as grader

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder's image.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m venv /opt/micrograd-course
/opt/micrograd-course/bin/pip install "/autograder/source[course]"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission; it writes $ROOT/results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-/opt/micrograd-course/bin/python}"
mkdir -p "$ROOT/results"
cd "$ROOT/source" && exec "$PYTHON" -m micrograd_course.coursework gradescope-run
"""


def bundle(out_dir, solutions_dir=grader.SOLUTIONS):
    """Write ``out_dir/autograder.zip``: setup.sh, run_autograder, the package and the solutions; return its path."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "autograder.zip"
    root = grader.COURSE_ROOT
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
            if (root / name).is_file():
                archive.write(root / name, name)
        for path in sorted(grader.PACKAGE_DIR.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                archive.write(path, path.relative_to(root).as_posix())
        for path in sorted(pathlib.Path(solutions_dir).glob("*.ipynb")):
            archive.write(path, f"solutions/{path.name}")
    return target


def results(report):
    """Gradescope's results.json for one graded notebook: a test per exercise, the hint as its output."""
    tests = []
    for row in report["exercises"]:
        failing = [f"{t['test']}: {t['hint']}" for t in row["tests"] if t["earned"] < t["points"]]
        lines = failing + ([row["note"]] if row["note"] and failing else []) or ["Well done."]
        tests.append({"name": f"{row['exercise']} {row['title']}", "score": row["earned"],
                      "max_score": row["points"], "output": "\n".join(map(grader.printable, lines))})
    notes = [grader.printable(f"cell {e['cell']} raised {e['error']}: {e['message']}") for e in report["cell_errors"]]
    notes += [grader.printable(note) for note in report["notes"]]
    return {"score": report["score"], "max_score": report["max_score"], "tests": tests,
            "output": "\n".join(notes) if notes else f"Graded with seed {report['seed']}.",
            "visibility": "visible", "stdout_visibility": "hidden"}


def _failure(reason, max_score=0):
    return {"score": 0, "max_score": max_score, "output": grader.printable(reason), "tests": [],
            "visibility": "visible", "stdout_visibility": "hidden"}


def run(root=None):
    """Grade the submission under ``root`` (default $AUTOGRADER_ROOT or /autograder); write results.json."""
    root = pathlib.Path(root or os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    solutions = root / "source" / "solutions"
    notebooks = sorted((root / "submission").glob("*.ipynb"))
    names = sorted(p.stem for p in solutions.glob("*.ipynb"))
    sandbox = grader.sandbox_available() and os.environ.get("AUTOGRADER_SANDBOX") != "0"
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not notebooks:
        data = _failure("No notebook was submitted: upload your .ipynb file.")
    else:
        graded = []
        for path in notebooks:
            # One assignment in the bundle: every notebook answers it, whatever the student named the file.
            name = names[0] if len(names) == 1 else None
            try:
                graded.append(grader.grade_notebook(path, solutions_dir=solutions, assignment_name=name,
                                                    trust_metadata=False, sandbox=sandbox))
            except grader.GradingError as error:
                graded.append(_failure(f"{path.name}: {error}".replace(str(root), "")))
            except Exception as error:  # noqa: BLE001 -- Gradescope must always get valid JSON
                graded.append(_failure(f"{path.name} could not be graded ({type(error).__name__})"))
        parts = [results(r) if "exercises" in r else r for r in graded]
        data = {"score": sum(p["score"] for p in parts), "max_score": sum(p["max_score"] for p in parts),
                "tests": [t for p in parts for t in p["tests"]], "output": "\n".join(p["output"] for p in parts),
                "visibility": "visible", "stdout_visibility": "hidden"}
    out.write_text(json.dumps(data, indent=2) + "\n")
    return data


def main_bundle(args):
    target = bundle(args.out, args.solutions)
    print(f"wrote {target}: upload it as the assignment's autograder (Gradescope: Configure Autograder, zip file)")
    return 0


def main_run(args):
    run()
    return 0

