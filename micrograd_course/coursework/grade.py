"""Grade a student's notebook: run it in a fresh kernel, probe each exercise there, judge here.

    python -m micrograd_course.coursework grade NOTEBOOK [NOTEBOOK ...] [--timeout 60] [--json FILE]

The notebook file is only read, never written. Which exercises it has, their
points and order come from the matching notebook in ``solutions/`` (same file
name, or the ``generated_from`` name that ``make exercises`` records, checked
against ``solutions/``), never from the student's metadata alone.

The student's cells run first, each with ``--timeout`` seconds; a cell that
raises or runs too long is interrupted and recorded, and the run goes on.
Then for each exercise the grader draws a case from this run's seed, asks the
kernel to run the exercise's *probe* on it and reads the reply through the
kernel's ``user_expressions`` (a channel that printed text cannot reach), and
scores it with the exercise's *tests* here, in the grader's own process.

Exit status: 0 when every exercise passed, 1 otherwise, 2 for input that
cannot be graded.
"""

import ast
import json
import pathlib
import queue
import random
import time

import nbformat
from jupyter_client import KernelManager

from . import framework
from .generate import EXERCISE_HEADER, META_KEY

COURSE_ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SOLUTIONS = COURSE_ROOT / "solutions"
OUTPUT_CAP = 20_000  # characters of printed output kept per cell


class GradingError(Exception):
    """Input that cannot be graded (not a notebook, no matching assignment): a one-line reason."""


def assignment(nb, path, solutions_dir=SOLUTIONS):
    """(solution file name, exercise ids in order) for the notebook at ``path``, from solutions/."""
    solutions_dir = pathlib.Path(solutions_dir)
    candidates = [pathlib.Path(path).name]
    recorded = nb.metadata.get(META_KEY, {}).get("generated_from") if isinstance(nb.metadata, dict) else None
    if isinstance(recorded, str):
        candidates.append(pathlib.PurePosixPath(recorded).name)
    for name in candidates:
        solution = solutions_dir / name
        if name.endswith(".ipynb") and solution.is_file():
            source = nbformat.read(solution, as_version=4)
            ids = [m.group(1) for cell in source.cells for m in EXERCISE_HEADER.finditer(cell.source)]
            return name, list(dict.fromkeys(ids))
    raise GradingError(f"{path} matches no notebook in {solutions_dir} (by file name or by the course id it "
                       "was generated with)")


def read_notebook(path):
    """The notebook at ``path`` as nbformat v4, or GradingError saying why it cannot be read."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, binary, a JSON list, ...: all one answer
        raise GradingError(f"{path} is not a readable notebook ({type(error).__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise GradingError(f"{path} is not a readable notebook (no cells)")
    return nb


class Kernel:
    """A fresh kernel running in ``cwd``, driven one request at a time with a deadline."""

    def __init__(self, cwd, kernel_name="python3"):
        self.manager = KernelManager(kernel_name=kernel_name)
        self.manager.start_kernel(cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.alive = True

    def run(self, code, timeout, user_expressions=None):
        """Run ``code``; return (printed text, error (name, message) or None, user_expressions reply)."""
        msg_id = self.client.execute(code, silent=False, store_history=False, allow_stdin=False,
                                     user_expressions=user_expressions or {})
        deadline = time.monotonic() + timeout
        printed, error, interrupted = [], None, False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not interrupted:
                self.manager.interrupt_kernel()
                interrupted, deadline = True, time.monotonic() + 5
                error = ("Timeout", f"ran longer than {timeout:g} s and was stopped (an endless loop?)")
                continue
            if remaining <= 0:
                self.alive = False
                return "".join(printed), ("Timeout", "the kernel ignored the interrupt and was stopped"), {}
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 1))
            except queue.Empty:
                if not self.manager.is_alive():
                    self.alive = False
                    return "".join(printed), ("DeadKernel", "the kernel died (a crash, or too much memory)"), {}
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and sum(map(len, printed)) < OUTPUT_CAP:
                printed.append(content.get("text", "")[:OUTPUT_CAP])
            elif kind == "error" and error is None:
                error = (content.get("ename", "?"), content.get("evalue", ""))
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        reply = self._reply(msg_id)
        return "".join(printed), error, reply.get("user_expressions", {}) if reply else {}

    def _reply(self, msg_id):
        while True:
            try:
                msg = self.client.get_shell_msg(timeout=5)
            except queue.Empty:
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def _probe_expression(exercise, case):
    return (f"__import__('micrograd_course.coursework.framework', fromlist=['probe_reply'])"
            f".probe_reply({exercise.id!r}, {json.dumps(case)!r}, globals())")


def _parse_reply(expressions):
    """The probe's reply from ``user_expressions``, or None when the kernel sent something else."""
    result = expressions.get("reply", {}) if isinstance(expressions, dict) else {}
    if result.get("status") != "ok":
        return None
    try:
        return json.loads(ast.literal_eval(result["data"]["text/plain"]))
    except (KeyError, TypeError, ValueError, SyntaxError):
        return None


def grade_notebook(path, timeout=60, seed=None, solutions_dir=SOLUTIONS, kernel_name="python3"):
    """Run ``path`` in a fresh kernel and return a report dict (see the module docstring)."""
    path = pathlib.Path(path)
    nb = read_notebook(path)
    solution, ids = assignment(nb, path, solutions_dir)
    exercises = framework.load_all()
    seed = random.SystemRandom().randrange(2 ** 32) if seed is None else seed
    cell_errors, results = [], {}
    kernel = Kernel(path.parent.resolve(), kernel_name)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") == "code" and kernel.alive:
                _printed, error, _ = kernel.run(str(cell.get("source", "")), timeout)
                if error:
                    cell_errors.append({"cell": index, "error": error[0], "message": str(error[1])[:200]})
        for exercise_id in ids:
            exercise = exercises.get(exercise_id)
            if exercise is None:
                continue
            case = exercise.make_case(seed)
            reply = None
            if kernel.alive:
                _printed, _error, expressions = kernel.run("", timeout, {"reply": _probe_expression(exercise, case)})
                reply = _parse_reply(expressions)
            results[exercise_id] = framework.judge(exercise, case, reply)
    finally:
        kernel.close()
    rows = []
    for exercise_id in ids:
        result = results.get(exercise_id)
        if result is None:
            known = exercises.get(exercise_id)
            result = {"exercise": exercise_id, "title": known.title if known else "(no check)",
                      "points": known.points if known else 0, "earned": 0, "tests": [], "note": "not graded"}
        failing = [dep for dep in exercises[exercise_id].after
                   if dep in results and results[dep]["earned"] < results[dep]["points"]] if exercise_id in exercises else []
        if failing and result["earned"] < result["points"]:
            result["note"] = framework.after_note(failing)
        rows.append(result)
    return {"notebook": str(path), "assignment": f"solutions/{solution}", "seed": seed,
            "score": sum(r["earned"] for r in rows), "max_score": sum(r["points"] for r in rows),
            "exercises": rows, "cell_errors": cell_errors}


def format_report(report):
    """A plain-text table for people."""
    lines = [f"{report['notebook']}: {report['score']}/{report['max_score']} points "
             f"(assignment {report['assignment']}, seed {report['seed']})"]
    for r in report["exercises"]:
        mark = "pass" if r["earned"] == r["points"] else "FAIL"
        lines.append(f"  {r['exercise']:>5}  {mark}  {r['earned']}/{r['points']}  {r['title']}")
        for row in r["tests"]:
            if row["earned"] < row["points"]:
                lines.append(f"           - {row['test']}: {row['hint']}")
        if r["note"]:
            lines.append(f"           note: {r['note']}")
    for e in report["cell_errors"]:
        lines.append(f"  note: cell {e['cell']} raised {e['error']}: {e['message']}"[:200])
    return "\n".join(lines)
