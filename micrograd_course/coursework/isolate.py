"""Probes out of the student's kernel: the grader's side of the probe process (see probe_child.py).

The kernel runs the whole notebook, as the student wrote it, for its outputs
and its time limits; it no longer decides anything. The points come from a
second, fresh interpreter that runs only:

- the lecture's given code cells, as solutions/ has them (a student's edit of
  a given cell is not run);
- the student's answer cells (those that start with ``# Exercise N.M:``);
- the exercises' probes, cut down to probe code (probe_code.py).

Cells the student added, ``check()`` cells and everything the kernel did are
not there. Its replies come back through a pipe the grader opened, as
``marshal`` data, read here with a size cap and checked to be plain data.

A cell that hangs or kills the process costs the exercise it belongs to: the
process is started again without that cell, and the exercises not yet probed
are probed there.
"""

import ast
import builtins
import marshal
import os
import pathlib
import secrets
import select
import signal
import subprocess
import symtable
import sys
import time

from .generate import EXERCISE_HEADER

CHILD_SOURCE = (pathlib.Path(__file__).resolve().parent / "probe_child.py").read_text()
MESSAGE_CAP = 4 * 2 ** 20  # bytes in one reply at most
INTERRUPT_GRACE = 3  # seconds a probe process gets to answer after a Ctrl-C, before it is killed
RESTARTS = 4  # fresh probe processes per notebook at most (each after a cell that hung or crashed)
FILE_SIZE = 64 * 2 ** 20


def _source(cell):
    return str(cell.get("source", ""))


def _answer_ids(source):
    return [m.group(1) for m in EXERCISE_HEADER.finditer(source)]


def _is_check(source):
    return source.strip().startswith("check(") and "\n" not in source.strip()


def probe_steps(solution_cells, student_cells, ids, cases):
    """The probe process's steps: ("cell", index, source) and ("probe", exercise id, case), in order.

    Given code comes from ``solution_cells``; each answer cell is replaced by
    the student's cell(s) with the same exercise header (all of them, in their
    order, as the kernel would run them). An exercise is probed once its own
    part has run: just before the next answer cell, or at the end.
    """
    answers = {}
    for index, cell in enumerate(student_cells):
        if cell.get("cell_type") == "code":
            for exercise_id in dict.fromkeys(_answer_ids(_source(cell))):
                answers.setdefault(exercise_id, []).append((index, _source(cell)))
    steps, waiting, probed = [], [], set()
    for index, cell in enumerate(solution_cells):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        own = [x for x in _answer_ids(source) if x in ids]
        if own:
            for exercise_id in waiting:
                steps.append(("probe", exercise_id, cases[exercise_id]))
                probed.add(exercise_id)
            waiting = []
            for exercise_id in own:
                for student_index, student_source in answers.get(exercise_id, []):
                    steps.append(("cell", f"answer {exercise_id} (cell {student_index})", student_source))
                waiting.append(exercise_id)
        elif not _is_check(source):
            steps.append(("cell", f"given cell {index}", source))
    for exercise_id in list(waiting) + [x for x in ids if x not in probed and x not in waiting]:
        steps.append(("probe", exercise_id, cases[exercise_id]))
    return steps


DISPLAY = {"print", "display", "plt", "fig", "ax", "axes", "draw_graph", "draw", "draw_network"}


def _loads(node):
    """The global names ``node`` reads: a function's own parameters and locals do not count (symtable)."""
    try:
        table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError):
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    names, todo = set(), [table]
    while todo:
        scope = todo.pop()
        todo.extend(scope.get_children())
        for symbol in scope.get_symbols():
            if not symbol.is_referenced():
                continue
            kind = scope.get_type()
            if kind == "module" or symbol.is_global() or (kind == "class" and not symbol.is_assigned()
                                                          and not symbol.is_parameter()):
                names.add(symbol.get_name())
    return names


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


def _stores(node):
    """The global names a top-level statement binds (not those of the functions or comprehensions in it)."""
    names, todo = set(), [node]
    while todo:
        current = todo.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(current.name)
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in current.names}
        elif isinstance(current, ast.Name) and isinstance(current.ctx, ast.Store):
            names.add(current.id)
        if current is node or not isinstance(current, _SCOPES):
            todo.extend(ast.iter_child_nodes(current))
    return names


def _changes(node):
    """(names whose objects ``node`` surely changes, names whose objects it may change).

    Surely: the roots of its attribute and item targets (``Value.__sub__ = sub``).
    Maybe: every name a call or a loop in it reads (a call may change its arguments).
    """
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return set(), set()
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        roots = set()
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
            while isinstance(target, (ast.Attribute, ast.Subscript, ast.Starred)):
                target = target.value
            if isinstance(target, ast.Name) and not isinstance(target.ctx, ast.Store):
                roots.add(target.id)
        calls = node.value is not None and any(isinstance(n, ast.Call) for n in ast.walk(node.value))
        return roots, (_loads(node.value) if calls else set())
    return set(), _loads(node)


def _display_only(node):
    """A statement that only shows something: print(...), plt.plot(...), display(...)."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.Name, ast.Attribute))
    func = node.value.func
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
        func = func.value if not isinstance(func, ast.Call) else func.func
    return isinstance(func, ast.Name) and func.id in DISPLAY


def slice_given_cells(steps, uses):
    """``steps`` with each given cell cut to the statements that what follows may need.

    A conservative backward slice over top-level statements: one is kept when
    it defines a name used later (by an answer cell, a probe's ``uses`` or a
    kept statement), or may change the object behind such a name (an
    attribute set on it, or a call or loop that reads it: a training loop),
    unless it only shows something (print, plots) or is an assert. Reading a
    module, function or class the given cells define does not count as
    changing it. What a lecture draws or prints, the probes never need: this
    keeps the probe process from redoing the notebook's plots.
    """
    fixed = set(dir(builtins))  # builtins, and the modules, functions and classes the given cells define:
    # using one does not change it
    for step in steps:
        if step[0] == "cell" and step[1].startswith("given "):
            try:
                body = ast.parse(step[2]).body
            except (SyntaxError, ValueError):
                continue
            for node in body:
                if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    fixed |= _stores(node)
    needed, before = set(uses), None
    while needed != before:  # again, until nothing more is needed: a method set on a class defined earlier
        before, surely_needed = set(needed), set(needed)
        out = _slice_pass(steps, needed, fixed, surely_needed)
    return out


def _slice_pass(steps, needed, fixed, known):
    """One backward pass of ``slice_given_cells``; grows ``needed``. ``known``: names needed anywhere,
    from the pass before (a statement that sets an attribute on one is kept wherever it stands)."""
    out = []
    for step in reversed(steps):
        if step[0] != "cell":
            out.append(step)
            continue
        try:
            tree = ast.parse(step[2])
        except (SyntaxError, ValueError):
            out.append(step)
            continue
        if not step[1].startswith("given "):
            needed |= _loads(tree)
            out.append(step)
            continue
        kept = []
        for node in reversed(tree.body):
            if isinstance(node, ast.Assert) or _display_only(node):
                continue
            surely, maybe = _changes(node)
            if _stores(node) & needed or surely & (needed | known) or maybe & (needed - fixed):
                kept.append(node)
                needed |= _loads(node)
        source = ast.unparse(ast.Module(body=kept[::-1], type_ignores=[])) if kept else ""
        out.append(("cell", step[1], source + "\n"))
    return out[::-1]


def _is_plain(value, depth=0):
    if depth > 40:
        return False
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) in (list, tuple):
        return all(_is_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_plain(v, depth + 1) for k, v in value.items())
    return False


class _Child:
    """One probe process, fed a job on stdin, answering on a pipe."""

    def __init__(self, job, workdir, env, prefix, watch=None):
        self.watch, self.over = watch, None  # watch(): a reason to stop the process (its folder too big), or None
        read_end, write_end = os.pipe()
        argv = list(prefix) + [sys.executable, "-I", "-B", "-c", CHILD_SOURCE, str(write_end)]  # -B: no .pyc written
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd=str(workdir), env=env,
                                        pass_fds=(write_end,), start_new_session=True)
        os.close(write_end)
        self.reader, self.buffer = read_end, b""
        try:
            self.process.stdin.write(marshal.dumps(job))
            self.process.stdin.close()
        except OSError:
            pass

    def message(self, timeout):
        """The next message, or "timeout", or "dead" (the process exited or sent something unreadable)."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 8:
                size = int.from_bytes(self.buffer[:8], "big")
                if size > MESSAGE_CAP:
                    return "dead"
                if len(self.buffer) >= 8 + size:
                    data, self.buffer = self.buffer[8:8 + size], self.buffer[8 + size:]
                    try:
                        message = marshal.loads(data)
                    except (EOFError, ValueError, TypeError):
                        return "dead"
                    return message if _is_plain(message) and type(message) is tuple and len(message) == 3 else "dead"
            if self.watch and (reason := self.watch()):
                self.over = reason
                return "dead"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            ready, _, _ = select.select([self.reader], [], [], min(remaining, 0.25))
            if ready:
                chunk = os.read(self.reader, 1 << 16)
                if not chunk:
                    return "dead"
                self.buffer += chunk

    def interrupt(self, descendants):
        """SIGINT to the process (and, inside bubblewrap, to the Python under it)."""
        for pid in [self.process.pid] + descendants(self.process.pid):
            try:
                os.kill(pid, signal.SIGINT)
            except (ProcessLookupError, PermissionError):
                pass

    def close(self, kill_tree):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        kill_tree(self.process.pid)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        os.close(self.reader)


def run_probes_isolated(steps, modules, workdir, env, prefix, limits, readable, hidden, timeout,
                        probe_timeout, budget, kill_tree, descendants, watch=None):
    """Run ``steps`` in fresh probe processes; return ({exercise id: reply}, {cell label: its error}, notes).

    ``modules``: the probe code, from ``probe_code.probe_modules``. ``watch()``, called about
    twice a second, returns a reason to stop the process (its folder has grown too big) or None.
    A step that runs past its time gets a Ctrl-C (KeyboardInterrupt), as in the
    notebook. A cell that ignores it, or ends the process, is left out and the
    process started again for what is left, at most RESTARTS times, within
    ``budget`` seconds in all.
    """
    started = time.monotonic()
    replies, failed_cells, notes = {}, {}, []
    skipped = set()
    for _attempt in range(RESTARTS + 1):
        todo = [s for s in steps if (s[0] == "cell" and s[1] not in skipped) or (s[0] == "probe" and s[1] not in replies)]
        if not any(s[0] == "probe" for s in todo):
            break
        job = {"package": f"_grader_{secrets.token_hex(8)}", "modules": modules, "steps": todo, "limits": limits,
               "readable": readable, "writable": [str(workdir)], "hidden": hidden}
        child = _Child(job, workdir, env, prefix, watch)
        restart = False
        try:
            for step in todo:
                left = budget - (time.monotonic() - started)
                if left <= 0:
                    notes.append(f"the probes' time budget ({budget:g} s) ran out")
                    return replies, failed_cells, notes
                wait = min(timeout if step[0] == "cell" else probe_timeout, left)
                message = child.message(wait)
                interrupted = message == "timeout"
                if interrupted:  # Ctrl-C first, as in the notebook: a probe records the interrupt and goes on
                    child.interrupt(descendants)
                    message = child.message(INTERRUPT_GRACE)
                if isinstance(message, tuple) and message[:2] == (step[0], step[1]):
                    if step[0] == "probe":
                        replies[step[1]] = message[2] if isinstance(message[2], dict) else {}
                    elif message[2]:
                        failed_cells[step[1]] = message[2]
                    elif interrupted:
                        notes.append(f"{step[1]} ran longer than {wait:.3g} s and was stopped")
                    continue
                why = (f"ran longer than {wait:.3g} s and was stopped (an endless loop?)" if message == "timeout"
                       else f"was stopped: {child.over}" if child.over
                       else "ended the grader's probe process (a crash, os._exit, or too much memory)")
                if step[0] == "cell":
                    skipped.add(step[1])
                    failed_cells[step[1]] = why
                    notes.append(f"{step[1]} {why}; it was left out and the rest probed again")
                    owner = step[1].split()[1] if step[1].startswith("answer ") else None
                    if owner and owner not in replies:  # its exercise is graded on what its cell did: nothing
                        replies[owner] = {"values": {}, "errors": [{"error": "Timeout" if message == "timeout"
                                                                    else "DeadProbe", "message": why}]}
                else:
                    replies[step[1]] = {"values": {}, "errors": [{"error": "Timeout" if message == "timeout"
                                                                   else "DeadProbe", "message": why}]}
                restart = True
                break
        finally:
            child.close(kill_tree)
        if not restart:
            break
    return replies, failed_cells, notes
