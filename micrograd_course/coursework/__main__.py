"""The coursework commands.

    python -m micrograd_course.coursework generate [--force]   exercises/ from solutions/
    python -m micrograd_course.coursework outdated             list exercise notebooks that need regenerating
    python -m micrograd_course.coursework grade PATH [PATH ...] [--out DIR] [--sandbox] [--json FILE] ...
    python -m micrograd_course.coursework progress [exercises]   a student's own table, read-only
    python -m micrograd_course.coursework gradescope-bundle [--out build/gradescope] [--solutions DIR]
    python -m micrograd_course.coursework gradescope-run         inside Gradescope (run_autograder calls it)
"""

import argparse
import json
import pathlib
import sys

from . import generate as generator
from . import grade as grader
from . import gradescope, hub


def _generate(args):
    try:
        if args.command == "generate":
            return 1 if generator.generate(args.solutions, args.exercises, args.force) else 0
        outdated = generator.stale(args.solutions, args.exercises)
    except generator.SolutionFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for target in outdated:
        print(f"out of date: {target} (run `make exercises`)")
    return 1 if outdated else 0


def _grade(args):
    outputs = [pathlib.Path(p).resolve() for p in (args.json, args.out) if p and p != "-"]
    inputs = {p.resolve() for p in args.paths}
    if any(out in inputs for out in outputs):
        print("error: --json/--out would overwrite a submission; choose another file", file=sys.stderr)
        return 2
    options = dict(timeout=args.timeout, budget=args.budget, seed=args.seed, solutions_dir=args.solutions,
                   assignment_name=args.assignment, memory_mb=args.memory_mb, sandbox=args.sandbox)
    if not grader.submissions(args.paths):
        print("error: no notebooks found in " + ", ".join(map(str, args.paths)), file=sys.stderr)
        return 2
    reports, problems = grader.grade_batch(args.paths, args.out, args.jobs, **options)
    if args.json:
        text = json.dumps({"notebooks": [report for _, report in reports],
                           "problems": [{"student": s, "path": str(p), "reason": r} for s, p, r in problems]},
                          indent=2)
        if args.json == "-":
            print(text)
        else:
            pathlib.Path(args.json).write_text(text + "\n")
    if problems:
        return 2
    # Exit 0 when every point was earned or could not be checked here (a test that needs
    # PyTorch, without it); the report lists the latter apart, as "n/a".
    return 0 if all(r["score"] + r.get("unavailable", 0) == r["max_score"] for _, r in reports) else 1


def _progress(args):
    """A student's own table: every notebook in exercises/, graded read-only."""
    paths = sorted(pathlib.Path(args.folder).glob("*.ipynb"))
    if not paths:
        print(f"error: no notebooks in {args.folder}", file=sys.stderr)
        return 2
    reports, problems = grader.grade_batch(paths, None, None, echo=lambda *a, **k: None, timeout=args.timeout,
                                           budget=args.timeout * 5)
    print(f"{'notebook':<28} {'points':>8}  exercises (. passed, x not yet)")
    for _, report in sorted(reports, key=lambda item: item[1]["notebook"]):
        marks = " ".join(f"{r['exercise']}{'.' if r['earned'] == r['points'] else 'x'}" for r in report["exercises"])
        print(f"{pathlib.Path(report['notebook']).name:<28} {report['score']:>3}/{report['max_score']:<4}  {marks}")
    for student, path, problem in problems:
        print(f"{path.name:<28}  could not be graded: {problem}")
    return 2 if problems else 0  # a table to read, not a verdict: unfinished work is not an error


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m micrograd_course.coursework", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("generate", "outdated"):
        command = commands.add_parser(name)
        command.add_argument("--solutions", default="solutions")
        command.add_argument("--exercises", default="exercises")
        command.add_argument("--force", action="store_true", help="overwrite exercise notebooks even if edited")
        command.set_defaults(run=_generate)
    command = commands.add_parser("grade", help="grade notebooks or folders of submissions")
    command.add_argument("paths", nargs="+", type=pathlib.Path, help="notebooks, or folders of them")
    command.add_argument("--out", type=pathlib.Path, help="write gradebook.csv and feedback/<student>[+<notebook>].md here")
    command.add_argument("--json", help="also write the reports as JSON to this file ('-' for stdout)")
    command.add_argument("--assignment", help="the solutions/ notebook these submissions answer (e.g. 04_autograd)")
    command.add_argument("--sandbox", action="store_true", help="run kernels under bubblewrap (read-only, no network)")
    command.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: the cores)")
    command.add_argument("--timeout", type=float, default=30, help="seconds per cell and per exercise's probe (default 30)")
    command.add_argument("--budget", type=float, default=300, help="seconds per notebook in all (default 300)")
    command.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of a kernel (default 4096)")
    command.add_argument("--seed", type=int, default=None, help="the cases' seed (default: a fresh one, reported)")
    command.add_argument("--solutions", type=pathlib.Path, default=grader.SOLUTIONS)
    command.set_defaults(run=_grade)
    command = commands.add_parser("progress", help="a student's own table for exercises/ (read-only)")
    command.add_argument("folder", nargs="?", default="exercises")
    command.add_argument("--timeout", type=float, default=20, help="seconds per cell and per exercise's probe (default 20)")
    command.set_defaults(run=_progress)
    command = commands.add_parser("gradescope-bundle", help="build autograder.zip for Gradescope")
    command.add_argument("--out", type=pathlib.Path, default=pathlib.Path("build/gradescope"))
    command.add_argument("--solutions", type=pathlib.Path, default=grader.SOLUTIONS)
    command.set_defaults(run=gradescope.main_bundle)
    command = commands.add_parser("gradescope-run", help="grade /autograder/submission (or $AUTOGRADER_ROOT)")
    command.set_defaults(run=gradescope.main_run)
    command = commands.add_parser("hub-link", help="print the nbgitpuller link that opens the course on a JupyterHub")
    command.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    command.add_argument("--repo", required=True, help="the course repository's address (https)")
    command.add_argument("--branch", default="main")
    command.set_defaults(run=hub.main)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
