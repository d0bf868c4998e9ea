"""The coursework commands.

    python -m micrograd_course.coursework generate [--force]   exercises/ from solutions/
    python -m micrograd_course.coursework outdated             list exercise notebooks that need regenerating
    python -m micrograd_course.coursework grade NB [NB ...] [--timeout S] [--seed N] [--json FILE]
"""

import argparse
import json
import pathlib
import sys

from . import generate as generator
from . import grade as grader


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
    if args.json and args.json != "-" and pathlib.Path(args.json).resolve() in {p.resolve() for p in args.notebooks}:
        print("error: --json would overwrite a notebook; choose another file", file=sys.stderr)
        return 2
    reports, unreadable = [], False
    for path in args.notebooks:
        try:
            if not path.is_file():
                raise grader.GradingError(f"{path} is not a notebook file")
            report = grader.grade_notebook(path, timeout=args.timeout, seed=args.seed, solutions_dir=args.solutions)
        except grader.GradingError as error:
            print(f"error: {error}", file=sys.stderr)
            unreadable = True
            continue
        print(grader.format_report(report))
        reports.append(report)
    if args.json:
        text = json.dumps({"notebooks": reports}, indent=2)
        if args.json == "-":
            print(text)
        else:
            pathlib.Path(args.json).write_text(text + "\n")
    if unreadable:
        return 2
    return 0 if reports and all(r["score"] == r["max_score"] for r in reports) else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m micrograd_course.coursework", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("generate", "outdated"):
        command = commands.add_parser(name)
        command.add_argument("--solutions", default="solutions")
        command.add_argument("--exercises", default="exercises")
        command.add_argument("--force", action="store_true", help="overwrite exercise notebooks even if edited")
        command.set_defaults(run=_generate)
    command = commands.add_parser("grade")
    command.add_argument("notebooks", nargs="+", type=pathlib.Path)
    command.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    command.add_argument("--seed", type=int, default=None, help="the cases' seed (default: a fresh one, reported)")
    command.add_argument("--solutions", type=pathlib.Path, default=grader.SOLUTIONS)
    command.add_argument("--json", help="also write the results as JSON to this file ('-' for stdout)")
    command.set_defaults(run=_grade)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
