"""Grade students' notebooks: run each in a fresh, limited kernel, probe its answers in a separate process, judge here.

    python -m micrograd_course.coursework grade PATH [PATH ...] [--out DIR] [--sandbox] [--jobs N] ...

PATH is a notebook or a folder of submissions (one notebook per student; the
student id is the file name, or the folder name for ``student/04_autograd.ipynb``).

What the grader guarantees (see also the course README):

- **The assignment comes from the course.** Which exercises a notebook has,
  their points and order come from the matching ``solutions/`` notebook:
  ``--assignment NAME``, else the same file name, else the name recorded by
  ``make exercises`` in the notebook (checked against ``solutions/``). The
  student's metadata never adds, removes or repeats an exercise.
- **The points come from a separate probe process** (isolate.py), a fresh
  interpreter that runs the lecture's given cells (as solutions/ has them)
  and the student's answer cells, never the cells the student added, and
  then each exercise's probe on a case drawn from this run's seed (recorded
  in the report). It is sent only probe code (probe_code.py: no tests, case
  makers or reference answers), answers on a pipe opened before any student
  code runs, and runs under an audit hook that refuses new processes,
  ctypes, sockets, reads outside Python, the package and the system (never
  the coursework, solutions/ or exercises/), and writes outside its folder.
  Tests, scores and hints run in this process. An answer that is the
  package's code, renamed or under another file name, scores 0.
- **The kernel decides nothing.** It runs the whole notebook as written, for
  the student's outputs and cell errors; its check() cells only say that the
  grader grades.
- **Isolation.** The notebook runs in a temporary copy of its folder (other
  notebooks left out), in its own process group, killed with everything it
  started when grading ends; with a time budget per cell and per notebook, an
  address-space, CPU-time and file-size limit, and a cap on captured output.
  A kernel that dies or runs out of time costs no points; an answer cell
  that hangs or kills the probe process costs its own exercise (the probe
  process starts again without it).
  A watchdog limits the kernel's whole process tree: memory held by all its
  processes together, the number of processes, the bytes in its folder;
  over a limit the tree is killed, so one submission cannot starve another.
  ``--sandbox`` runs the kernel and the probe process under bubblewrap (the
  probe process does not see the coursework either), seeing only the system,
  Python, the venv and the course package (read-only) and its temporary
  folder: not solutions/, exercises/ or other submissions; no network, its
  own pid and user namespace, no capabilities (root outside is powerless).
  Without ``--sandbox`` an audit hook in the kernel refuses what the sandbox
  would hide: opening solutions/, the checks' exercise modules or the class
  folder, writing outside its folder, starting programs other than Graphviz,
  forking, signalling other processes, ctypes calls. The grader also detects
  changes to the course package and solutions and stops with exit status 2.
- The student's file is only read, never written.

Exit status: 0 every exercise passed, 1 some failed, 2 usage error or input
that could not be graded (each gets a one-line reason, no traceback).
"""

import concurrent.futures
import csv
import datetime
import hashlib
import json
import os
import pathlib
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import nbformat
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from . import framework, isolate, launch, lms, probe_code, provenance
from .generate import EXERCISE_HEADER, META_KEY

COURSEWORK_DIR = pathlib.Path(__file__).resolve().parent
COURSE_ROOT = COURSEWORK_DIR.parent.parent
SOLUTIONS = COURSE_ROOT / "solutions"
OUTPUT_CAP = 20_000  # characters of printed output kept per cell
COPY_CAP = 50 * 2 ** 20  # files copied next to the notebook, in bytes at most
PROBE_TIMEOUT = 30  # seconds per exercise's probe at most; never more than the per-cell timeout
TREE_PROCESSES = 256  # processes in one kernel's tree at most (the watchdog's count)
WRITE_CAP = 256 * 2 ** 20  # bytes in the kernel's work folder at most, all files together
# What a kernel without the sandbox may start: Graphviz (or the graphviz-pure renderer), matplotlib's font list.
KERNEL_PROGRAMS = {"dot", "graphviz-pure", "fc-list"}
# CPython 3.11's ast module is not safe to use from several threads at once ("AST constructor recursion depth
# mismatch"); grade_batch grades in threads, so every parse and unparse of the grader goes through this lock.
_AST_LOCK = threading.Lock()
WATCH_EVERY = 0.2  # seconds between the watchdog's looks at a kernel's process tree


class GradingError(Exception):
    """Input that cannot be graded: a one-line reason."""


# ----------------------------------------------------------------------
# What to grade: the assignment from solutions/.
# ----------------------------------------------------------------------

def read_notebook(path):
    """The notebook at ``path`` as nbformat v4, or GradingError saying why it cannot be read."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not JSON, binary, a JSON list, an old format: all one answer
        raise GradingError(f"{path} is not a readable notebook ({type(error).__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not isinstance(nb.get("metadata"), dict):
        raise GradingError(f"{path} is not a readable notebook (no list of cells)")
    return nb


def _header_ids(cells):
    return [m.group(1) for cell in cells if isinstance(cell, dict)
            for m in EXERCISE_HEADER.finditer(str(cell.get("source", "")))]


def assignment(nb, path, solutions_dir=SOLUTIONS, name=None, trust_metadata=True):
    """(solution file name, exercise ids in order) for the notebook at ``path``, from solutions/."""
    solutions_dir = pathlib.Path(solutions_dir)
    recorded = nb["metadata"].get(META_KEY, {})
    recorded = recorded.get("generated_from") if isinstance(recorded, dict) else None
    candidates = [name] if name else [pathlib.Path(path).name]
    if not name and trust_metadata and isinstance(recorded, str):
        candidates.append(pathlib.PurePosixPath(recorded).name)
    for candidate in candidates:
        candidate = candidate if candidate.endswith(".ipynb") else f"{candidate}.ipynb"
        solution = solutions_dir / pathlib.PurePath(candidate).name
        if solution.is_file():
            ids = _header_ids(nbformat.read(str(solution), as_version=4).cells)
            return solution.name, list(dict.fromkeys(ids))
    if name:
        raise GradingError(f"there is no assignment {name!r} in {solutions_dir}")
    if not trust_metadata:
        raise GradingError(f"{path} matches no assignment in {solutions_dir} by its file name; name one with "
                           "--assignment (in a folder of submissions a notebook's own metadata does not choose it)")
    raise GradingError(f"{path} matches no assignment in {solutions_dir} (by file name or by the course id "
                       "it was generated with); name one with --assignment")


def _notes_on_headers(cells, ids):
    """Notes on exercise headers the assignment does not have, or has more than once."""
    found = _header_ids(cells)
    notes = [f"exercise {x} is not part of this assignment: ignored" for x in dict.fromkeys(found) if x not in ids]
    notes += [f"exercise {x} appears {found.count(x)} times: graded once, on the notebook's final state "
              f"of that part" for x in dict.fromkeys(found) if x in ids and found.count(x) > 1]
    return notes


def checks_hash():
    """A short hash of the checks' source (the coursework package), recorded in every report."""
    digest = hashlib.sha256()
    for path in sorted(COURSEWORK_DIR.rglob("*.py")):
        digest.update(path.relative_to(COURSEWORK_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _course_state(solutions_dir):
    """A hash of every module of the course package (a new one included) and every solution notebook."""
    paths = sorted(PACKAGE_DIR.rglob("*.py")) + sorted(pathlib.Path(solutions_dir).glob("*.ipynb"))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# ----------------------------------------------------------------------
# The kernel: limited, isolated, killed with everything it started.
# ----------------------------------------------------------------------

def sandbox_available():
    return shutil.which("bwrap") is not None


PACKAGE_DIR = COURSEWORK_DIR.parent  # micrograd_course/: the kernel imports it, read-only
SANDBOX_TMP_BYTES = 256 * 2 ** 20  # the sandbox's /tmp, in memory
SANDBOX_SHM_BYTES = 64 * 2 ** 20  # the sandbox's own /dev/shm, in memory
SANDBOX_PROCESSES = 256  # processes and threads per sandbox (RLIMIT_NPROC; Linux never limits root by it)


def _system_binds():
    """bwrap arguments for the system's programs, libraries and settings, read-only (/bin -> usr/bin stays a link)."""
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"):
        path = pathlib.Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    return args


def _python_folders():
    """What the kernel's Python needs, read-only: the installation, the venv, the course package, PYTHONPATH."""
    folders = [pathlib.Path(p).resolve() for p in (sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix)]
    folders.append(PACKAGE_DIR)
    folders += [pathlib.Path(p).resolve() for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return [p for p in dict.fromkeys(folders) if p.is_dir()]


def _visible_in_sandbox(path):
    """The read-only folder under which the sandbox would show ``path``, or None."""
    path = pathlib.Path(path).resolve()
    tops = [pathlib.Path(t).resolve() for t in ("/usr", "/etc")] + _python_folders()
    return next((top for top in tops if path == top or top in path.parents), None)


def check_sandbox_hides(*solution_dirs):
    """GradingError if the sandbox would let the kernel read one of ``solution_dirs``."""
    for folder in solution_dirs:
        top = _visible_in_sandbox(folder)
        if top is not None:
            raise GradingError(f"the sandbox would show {folder} to the students' kernels (it is inside {top}, "
                               "which they need read-only): keep the solutions outside it (--solutions DIR)")


def _bwrap_prefix(workdir, runtime):
    """bubblewrap's command line: only what the kernel needs is there.

    Read-only: the system's programs and libraries, Python, the venv and the
    course package, without the checks' exercise modules (not the checkout
    around it: no solutions/, exercises/ or other submissions). Writable: the
    student's temporary work folder and the kernel's private runtime folder
    (its connection file and sockets). /tmp
    and /dev/shm are small private file systems in memory. A new user
    namespace without capabilities: root outside is powerless inside
    (no mount, umount, remount or chown), and cannot make another namespace.
    """
    prefix = ["bwrap", "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--unshare-net", "--unshare-pid",
              "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]
    prefix += _system_binds()
    prefix += ["--proc", "/proc", "--dev", "/dev", "--size", str(SANDBOX_SHM_BYTES), "--tmpfs", "/dev/shm",
               "--size", str(SANDBOX_TMP_BYTES), "--tmpfs", "/tmp"]
    for folder in _python_folders():  # after --tmpfs /tmp, which would hide a venv under /tmp
        prefix += ["--ro-bind", str(folder), str(folder)]
    prefix += ["--tmpfs", str(COURSEWORK_DIR / "exercises")]  # the checks' tests: never for the student's eyes
    return prefix + ["--bind", str(workdir), str(workdir), "--bind", str(runtime), str(runtime),
                     "--chdir", str(workdir)]


def _kernel_env(workdir):
    """The kernel's whole environment: nothing of the grader's own (its variables could reach the feedback)."""
    env = {"PATH": os.pathsep.join([str(pathlib.Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
           "HOME": str(workdir), "TMPDIR": str(workdir / ".tmp"), "LANG": "C.UTF-8",
           "IPYTHONDIR": str(workdir / ".ipython"), "MPLCONFIGDIR": str(workdir / ".matplotlib"),
           "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "MICROGRAD_COURSE_GRADING": "1",
           # One thread per numeric library: --jobs kernels and probe processes already share the cores,
           # and oversubscribed BLAS threads slow every one of them down.
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("PYTHONPATH", "MICROGRAD_COURSE_DOT"):  # where the course's code and renderer are
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


class Kernel:
    """A fresh kernel in ``workdir`` under the grader's limits, driven one request at a time."""

    def __init__(self, workdir, private, memory_mb=4096, cpu_seconds=0, sandbox=False, hidden=()):
        specs = private / "kernels" / "grader"
        specs.mkdir(parents=True)
        # The connection file and sockets live outside the work folder, in a folder of their own.
        runtime = private / "runtime"
        runtime.mkdir(mode=0o700)
        (workdir / ".tmp").mkdir()
        # Without the sandbox, an audit hook in the kernel keeps it from what the sandbox would hide.
        guard = "-" if sandbox else json.dumps({"hidden": [str(p) for p in hidden],
                                                "writable": [str(workdir.resolve()), str(runtime.resolve())],
                                                "programs": sorted(KERNEL_PROGRAMS)})
        argv = [sys.executable, "-m", "micrograd_course.coursework.launch", str(memory_mb * 2 ** 20),
                str(int(cpu_seconds)), str(SANDBOX_PROCESSES if sandbox else 0), guard, "-f", "{connection_file}"]
        if sandbox:
            argv = _bwrap_prefix(workdir, runtime) + argv
        (specs / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "grader", "language": "python"}))
        self.manager = KernelManager(kernel_name="grader", kernel_spec_manager=KernelSpecManager(
            kernel_dirs=[str(private / "kernels")]), transport="ipc", ip=str(runtime / "kernel"),
            connection_file=str(runtime / "kernel.json"))
        self.manager.start_kernel(cwd=str(workdir), env=_kernel_env(workdir), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        self.pid = self.manager.provisioner.pid if self.manager.provisioner else None
        self.over = None  # why the watchdog stopped this kernel, if it did
        self._closing = threading.Event()
        if self.pid:
            threading.Thread(target=self._watch, args=(workdir, memory_mb * 2 ** 20), daemon=True).start()
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=60)
        except RuntimeError as error:
            self.close()
            raise GradingError(f"the kernel did not start: {error}") from None
        self.alive = True

    def run(self, code, timeout, user_expressions=None, silent=False):
        """Run ``code``; return (printed text, error (name, message) or None, user_expressions reply)."""
        msg_id = self.client.execute(code, silent=silent, store_history=False, allow_stdin=False,
                                     user_expressions=user_expressions or {})
        deadline = time.monotonic() + max(timeout, 0.1)
        printed, size, error, interrupted = [], 0, None, False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not interrupted:
                self.manager.interrupt_kernel()
                interrupted, deadline = True, time.monotonic() + 3
                error = ("Timeout", f"ran longer than {timeout:.3g} s and was stopped (an endless loop?)")
                continue
            if remaining <= 0:
                self.alive = False
                return "".join(printed), ("Timeout", "ignored the interrupt; the kernel was stopped"), {}
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.over or not self.manager.is_alive():
                    self.alive = False
                    if self.over:
                        return "".join(printed), ("ResourceLimit", f"the grader stopped the kernel: {self.over}"), {}
                    return "".join(printed), ("DeadKernel", "the kernel died (a crash, os._exit, or too much "
                                              "memory)"), {}
                continue
            except Exception:  # noqa: BLE001 -- a kernel whose messages cannot be read is as good as dead
                self.alive = False
                return "".join(printed), ("BrokenKernel", "the kernel sent messages the grader cannot read"), {}
            if not isinstance(msg, dict) or not isinstance(msg.get("content"), dict):
                continue
            if (msg.get("parent_header") or {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and size < OUTPUT_CAP:
                printed.append(str(content.get("text", ""))[:OUTPUT_CAP - size])
                size += len(printed[-1])
            elif kind == "error" and error is None:
                error = (str(content.get("ename", "?")), str(content.get("evalue", "")))
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        reply = self._reply(msg_id)
        return "".join(printed), error, (reply or {}).get("user_expressions", {})

    def _reply(self, msg_id):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_shell_msg(timeout=1)
            except queue.Empty:
                continue
            except Exception:  # noqa: BLE001 -- unreadable reply
                return None
            if isinstance(msg, dict) and (msg.get("parent_header") or {}).get("msg_id") == msg_id:
                return msg.get("content") if isinstance(msg.get("content"), dict) else None
        return None

    def _watch(self, workdir, memory_limit):
        """The limits no rlimit can set, over the kernel's whole process tree: its processes together may not
        hold more than ``memory_limit`` bytes (proportional set size, so pages shared after a fork count once),
        run more than TREE_PROCESSES processes, or leave more than WRITE_CAP bytes in ``workdir``.
        Over a limit, the tree is killed and the reason kept: one submission cannot starve the others."""
        looks = 0
        while not self._closing.wait(WATCH_EVERY):
            tree = [self.pid] + _descendants(self.pid)
            if len(tree) > TREE_PROCESSES:
                self.over = f"it ran more than {TREE_PROCESSES} processes at once"
            elif (used := sum(map(_memory, tree))) > memory_limit:
                self.over = (f"its processes held {used / 2 ** 20:.0f} MiB of memory together "
                             f"(the limit is {memory_limit / 2 ** 20:.0f} MiB for the whole notebook)")
            elif looks % 5 == 0 and (written := _folder_bytes(workdir)) > WRITE_CAP:
                self.over = (f"it wrote more than {WRITE_CAP / 2 ** 20:.0f} MiB of files "
                             f"({written / 2 ** 20:.0f} MiB)")
            looks += 1
            if self.over:
                self._kill_tree()
                return

    def _kill_tree(self):
        for pid in _descendants(self.pid) + [self.pid]:
            _kill(pid)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self):
        """Stop the kernel and kill its whole process group, survivors included."""
        self._closing.set()
        try:
            self.client.stop_channels()
        except Exception:  # noqa: BLE001 -- closing must not fail
            pass
        if self.pid:
            self._kill_tree()
        try:
            self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass


def _descendants(pid):
    """Every live process under ``pid`` (from /proc), even those that left its process group."""
    children = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _memory(pid):
    """Bytes of memory ``pid`` holds: its proportional set size (its RSS where that is not available), or 0."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as file:
            for line in file:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as file:
            return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _folder_bytes(folder, most_entries=20_000):
    """Bytes on disk under ``folder`` (blocks, so sparse files count what they use); past ``most_entries``
    files, more than WRITE_CAP (so many files are over the limit too)."""
    total, entries, todo = 0, 0, [str(folder)]
    while todo:
        try:
            with os.scandir(todo.pop()) as scan:
                for entry in scan:
                    entries += 1
                    if entries > most_entries:
                        return WRITE_CAP + 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
        except OSError:
            continue
    return total


def _kill_descendants(pid):
    for child in _descendants(pid):
        _kill(child)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# ----------------------------------------------------------------------
# The probe process: a fresh interpreter, away from the kernel (isolate.py).
# ----------------------------------------------------------------------

def _readable_folders():
    """What a probe process may read: the system's programs and libraries, Python, the venv, the package."""
    tops = [pathlib.Path(t) for t in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")]
    folders = [str(t.resolve()) for t in tops if t.exists()] + [str(p) for p in _python_folders()]
    return list(dict.fromkeys(folders))


def _hidden_folders(solutions_dir):
    """What a probe process may never read, even where it lies inside a readable folder."""
    return [str(pathlib.Path(p).resolve()) for p in (COURSEWORK_DIR, SOLUTIONS, solutions_dir, COURSE_ROOT / "exercises")]


def _probe_prefix(probe_dir, sandbox):
    """The probe process's bubblewrap command line (with the coursework hidden), or nothing."""
    if not sandbox:
        return []
    runtime = probe_dir.parent / "probe-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return _bwrap_prefix(probe_dir, runtime)[:-2] + ["--tmpfs", str(COURSEWORK_DIR), "--chdir", str(probe_dir)]


def _too_many_bytes(folder):
    """Why a probe process must stop because of what it wrote into ``folder``, or None."""
    written = _folder_bytes(folder)
    if written > WRITE_CAP:
        return f"it wrote more than {WRITE_CAP / 2 ** 20:.0f} MiB of files ({written / 2 ** 20:.0f} MiB)"
    return None


def _copies(steps, exercises):
    """{exercise id: (function, package function)} for answers that are the package's code renamed."""
    found = {}
    for step in steps:
        if step[0] == "cell" and step[1].startswith("answer "):
            exercise_id = step[1].split()[1]
            if exercise_id in exercises and exercises[exercise_id].own:
                copies = provenance.copied_functions(step[2])
                if copies and exercise_id not in found:
                    found[exercise_id] = copies[0]
    return found


def _exercise_modules(exercises, ids):
    """The exercise modules (``nb04``) whose probes ``ids`` need."""
    stems = []
    for exercise_id in ids:
        if exercise_id in exercises:
            for probe in exercises[exercise_id].probes:
                stem = (getattr(probe, "__module__", "") or "").rpartition(".")[2]
                if stem.startswith("nb") and stem not in stems:
                    stems.append(stem)
    return stems


# ----------------------------------------------------------------------
# Grading one notebook.
# ----------------------------------------------------------------------

def _copy_folder(source_dir, notebook, target):
    """Copy ``source_dir``'s files (not other notebooks, not hidden or big ones) into ``target``."""
    target.mkdir()
    budget = COPY_CAP
    for path in sorted(source_dir.iterdir()):
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        if path.suffix == ".ipynb" and path != notebook:
            continue
        size = path.stat().st_size
        if size <= budget:
            shutil.copyfile(path, target / path.name)
            budget -= size


def grade_notebook(path, timeout=30, budget=300, seed=None, solutions_dir=SOLUTIONS, assignment_name=None,
                   memory_mb=4096, sandbox=False, trust_metadata=True):
    """Grade the notebook at ``path``; return a report dict. GradingError for input that cannot be graded.

    ``trust_metadata=False`` (a notebook found in a folder of submissions): the
    assignment comes from the file name or ``assignment_name`` only, never from
    what the notebook says it was generated from.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise GradingError(f"{path} is not a file")
    # The student's own folder, and the folder of the whole class when it is one: no kernel may read them.
    submission_roots = [path.parent.resolve()] + ([path.parent.parent.resolve()] if not trust_metadata else [])
    nb = read_notebook(path)
    solution, ids = assignment(nb, path, solutions_dir, assignment_name, trust_metadata)
    if sandbox and not sandbox_available():
        raise GradingError("--sandbox needs bubblewrap (`apt-get install bubblewrap`)")
    if sandbox:
        check_sandbox_hides(solutions_dir, SOLUTIONS)
    exercises = framework.load_all()
    seed = secrets.randbelow(2 ** 32) if seed is None else seed
    cells = [c for c in nb.cells if isinstance(c, dict)]
    cases = {x: exercises[x].make_case(seed) for x in ids if x in exercises}
    solution_cells = nbformat.read(str(pathlib.Path(solutions_dir) / solution), as_version=4).cells
    with _AST_LOCK:
        steps = isolate.probe_steps(solution_cells, cells, [x for x in ids if x in exercises], cases)
        steps = isolate.slice_given_cells(steps, {name for x in ids if x in exercises for name in exercises[x].uses})
        probe_modules = probe_code.probe_modules(_exercise_modules(exercises, ids))
        copies = _copies(steps, exercises)
    results, notes, cell_errors = {}, _notes_on_headers(cells, ids), []
    stopped, probed = "", {}
    started = time.monotonic()
    before = _course_state(solutions_dir)

    def left():
        return budget - (time.monotonic() - started)

    with tempfile.TemporaryDirectory(prefix="grade-") as private:
        private = pathlib.Path(private)
        workdir, probe_dir = private / "work", private / "probe"
        _copy_folder(path.parent, path.resolve(), workdir)
        _copy_folder(path.parent, path.resolve(), probe_dir)
        (probe_dir / ".tmp").mkdir()

        def probe():  # the points: a fresh interpreter, beside the kernel
            try:
                probed["replies"], _, probed["notes"] = isolate.run_probes_isolated(
                    steps, probe_modules, probe_dir, _kernel_env(probe_dir),
                    _probe_prefix(probe_dir, sandbox),
                    {"memory": memory_mb * 2 ** 20, "cpu": int(budget) + 30, "file_size": launch.FILE_SIZE_LIMIT},
                    _readable_folders(), _hidden_folders(solutions_dir), timeout, min(PROBE_TIMEOUT, timeout), budget,
                    _kill_descendants, _descendants, watch=lambda: _too_many_bytes(probe_dir))
            except Exception as error:  # noqa: BLE001 -- reported, never a crash of the grader
                probed["error"] = f"the probes could not run ({type(error).__name__}: {error})"[:200]

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        needed = [pathlib.Path(p) for p in _readable_folders()]  # a class folder around the venv stays readable
        roots = [r for r in submission_roots if not any(n == r or r in n.parents for n in needed)]
        hidden = _hidden_folders(solutions_dir) + [str(r) for r in roots]
        hidden = [h for h in hidden if h != str(COURSEWORK_DIR)] + [str(COURSEWORK_DIR / "exercises")]
        kernel = Kernel(workdir, private, memory_mb=memory_mb, cpu_seconds=budget + 30, sandbox=sandbox,
                        hidden=hidden)
        try:  # the student's notebook as written: its outputs and cell errors, no points
            for index, cell in enumerate(cells):
                if cell.get("cell_type") != "code":
                    continue
                if left() <= 0:
                    stopped = f"the notebook's time budget ({budget:g} s) ran out at cell {index}"
                    break
                _, error, _ = kernel.run(str(cell.get("source", "")), min(timeout, left()))
                if error:
                    cell_errors.append({"cell": index, "error": printable(error[0])[:100],
                                        "message": printable(error[1])[:200]})
                if not kernel.alive:
                    stopped = f"the kernel died or hung at cell {index} ({error[1] if error else ''})"
                    break
        except Exception as error:  # noqa: BLE001 -- whatever the kernel did, the probes still count
            stopped = stopped or f"the notebook stopped early ({type(error).__name__}: {error})"[:200]
        finally:
            kernel.close()
        prober.join(budget + 60)
    if _course_state(solutions_dir) != before:
        raise GradingError(f"grading {path} changed the course package or its solutions: restore them "
                           "(git checkout) and grade it with --sandbox")
    replies = probed.get("replies", {})
    for exercise_id, copy in copies.items():  # decided on the source, out of the student's reach
        replies[exercise_id] = {"copied": copy}
    notes += probed.get("notes", [])
    not_probed = probed.get("error", "")
    for exercise_id in ids:
        if exercise_id in replies and exercise_id in exercises:
            exercise = exercises[exercise_id]
            failing = [dep for dep in exercise.after
                       if dep in results and results[dep]["earned"] < results[dep]["points"]]
            results[exercise_id] = framework.judge(exercise, cases[exercise_id], replies[exercise_id],
                                                   failing_after=failing)
    if stopped:
        notes.append(stopped)
    stopped = not_probed or "its probe did not run"
    rows = []
    for exercise_id in ids:
        if exercise_id in results:
            rows.append(results[exercise_id])
            continue
        known = exercises.get(exercise_id)
        why = stopped if known else "no check exists for it"
        rows.append({"exercise": exercise_id, "title": known.title if known else "(no check)",
                     "points": known.points if known else 0, "earned": 0,
                     "tests": [{"test": t.name, "points": t.points, "earned": 0, "hint": f"not graded: {why}"}
                               for t in (known.tests if known else [])],
                     "note": f"not graded: {why}"})
    return {"notebook": str(path), "assignment": f"solutions/{solution}", "seed": seed,
            "checks": checks_hash(), "sandbox": sandbox,
            "graded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "score": sum(r["earned"] for r in rows), "max_score": sum(r["points"] for r in rows),
            # Points of tests that need a module this machine lacks (PyTorch): earned by nobody,
            # reported apart from real failures. Decided here, outside the student's kernel.
            "unavailable": sum(framework.unavailable_points(r) for r in rows),
            "exercises": rows, "cell_errors": cell_errors, "notes": notes}


# ----------------------------------------------------------------------
# Reports: a table for people, a gradebook and feedback files for instructors.
# ----------------------------------------------------------------------

# Student text (exception messages, file names, hints quoting their values) must not be able to draw
# its own lines: no control characters, no terminal escapes, no reordering marks.
_UNPRINTABLE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?"
                          r"|[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text):
    """``text`` on one line: terminal escapes removed, other control characters (newlines too) made spaces."""
    return _UNPRINTABLE.sub(lambda m: "" if m.group().startswith("\x1b") else " ", str(text))


def format_report(report):
    """A plain-text table for people; every line is one line, whatever the student wrote."""
    lines = [f"{report['notebook']}: {report['score']}/{report['max_score']} points "
             f"(assignment {report['assignment']}, seed {report['seed']})"]
    for r in report["exercises"]:
        unavailable = framework.unavailable_points(r)
        mark = ("pass" if r["earned"] == r["points"] else
                "n/a " if r["earned"] + unavailable == r["points"] else "FAIL")
        lines.append(f"  {r['exercise']:>5}  {mark}  {r['earned']}/{r['points']}  {r['title']}")
        for row in r["tests"]:
            if row["earned"] < row["points"]:
                lines.append(f"           - {row['test']}: {row['hint']}"[:400])
        if r["note"] and not r["note"].startswith("not graded"):
            lines.append(f"           note: {r['note']}")
    for e in report["cell_errors"]:
        lines.append(f"  cell {e['cell']} raised {e['error']}: {e['message']}"[:200])
    for note in report["notes"]:
        lines.append(f"  note: {note}")
    if report.get("unavailable"):
        lines.append(f"  {report['unavailable']} point(s) could not be checked on this machine (n/a above); "
                     "they are not failures of the notebook")
    return "\n".join(printable(line) for line in lines)


def feedback_markdown(student, report):
    """One student's feedback file: each exercise's result and hint."""
    lines = [f"# Feedback for {student}: {pathlib.Path(report['assignment']).stem}", "",
             f"**{report['score']}/{report['max_score']} points**, graded {report['graded_at']} "
             f"(seed {report['seed']}, checks {report['checks']}).", "",
             "| exercise | points | result |", "|---|---|---|"]
    for r in report["exercises"]:
        failing = [f"{t['test']}: {t['hint']}" for t in r["tests"] if t["earned"] < t["points"]]
        result = "passed" if not failing else "<br>".join(failing + ([r["note"]] if r["note"] else []))
        result = result.replace("|", "\\|")
        lines.append(f"| {r['exercise']} {r['title']} | {r['earned']}/{r['points']} | {result} |")
    lines += [""] + [f"- {note}" for note in report["notes"]]
    return "\n".join(printable(line) for line in lines) + "\n"


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _escaped(name):
    """``name`` as a file name: other characters as %XX (so two different names never give one file name)."""
    name = _SAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogateescape")), name)
    return "%2E" + name[1:] if name.startswith(".") else name or "%"


def feedback_name(student, notebook):
    """feedback/<name>.md for one (student, notebook): ``alice.md`` for a flat alice.ipynb, ``alice+04_autograd.md``."""
    stem = pathlib.Path(notebook).stem
    return _escaped(student) + ("" if stem == student else "+" + _escaped(stem)) + ".md"


def submissions(paths):
    """(student id, notebook path, problem or None, found in a folder) for each notebook named or found.

    A folder holds one notebook per student (``alice.ipynb``) or one folder per
    student (``alice/04_autograd.ipynb``). Anything in it that leads outside it
    (a symbolic link to solutions/, say) is refused, with a reason.
    """
    found = []
    for path in map(pathlib.Path, paths):
        if not path.is_dir():
            found.append((path.stem, path, None, False))
            continue
        root = path.resolve()
        for child in sorted(path.iterdir()):
            if child.is_dir():
                entries = [(child.name, nb) for nb in sorted(child.glob("*.ipynb"))]
            elif child.suffix == ".ipynb" and (child.is_file() or child.is_symlink()):
                entries = [(child.stem, child)]
            else:
                continue
            for student, notebook in entries:
                outside = not notebook.resolve().is_relative_to(root)
                problem = (f"{notebook} leads outside {path} (a symbolic link?): refused; copy the notebook in "
                           "instead" if outside else None)
                found.append((student, notebook, problem, True))
    return found


def _grade_one(student, path, problem, in_folder, options):
    if problem:
        return student, path, None, problem
    try:
        return student, path, grade_notebook(path, trust_metadata=not in_folder, **options), None
    except GradingError as error:
        return student, path, None, str(error)
    except Exception as error:  # noqa: BLE001 -- one broken submission must not stop the batch
        return student, path, None, f"{path} could not be graded ({type(error).__name__}: {error})"[:300]


def _collisions(found):
    """{index in found: problem} for submissions whose feedback files would be one file (even on macOS)."""
    first, problems = {}, {}
    for index, (student, path, problem, _) in enumerate(found):
        if problem:
            continue
        name = feedback_name(student, path)
        if name.casefold() in first:
            other = found[first[name.casefold()]][1]
            problems[index] = (f"{path} and {other} would both write feedback/{name}: rename one "
                               "(or grade them apart)")
            problems.setdefault(first[name.casefold()], problems[index])
        else:
            first[name.casefold()] = index
    return problems


def grade_batch(paths, out_dir=None, jobs=None, echo=print, **options):
    """Grade every submission, in parallel; write gradebook.csv and feedback/ to ``out_dir``.

    Returns (reports, problems): reports as (student, report), problems as (student, path, reason).
    """
    found = submissions(paths)
    for index, problem in _collisions(found).items():
        found[index] = found[index][:2] + (problem, found[index][3])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(found) or 1))
    reports, problems = [], []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for student, path, report, problem in pool.map(lambda item: _grade_one(*item, options), found):
            if problem:
                problems.append((student, path, problem))
                echo(printable(f"error: {problem}"), file=sys.stderr)
            else:
                reports.append((student, report))
                echo(format_report(report))
    if out_dir is not None:
        write_gradebook(pathlib.Path(out_dir), reports, problems)
    return reports, problems


def _cell(value):
    """A gradebook cell a spreadsheet shows as text: one line, and never a formula (= + - @ first)."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_gradebook(out_dir, reports, problems):
    """gradebook.csv (one row per submission), canvas.csv and moodle.csv (one row per student, one
    column per notebook: see ``lms``) and feedback/<student>[+<notebook>].md in ``out_dir``."""
    (out_dir / "feedback").mkdir(parents=True, exist_ok=True)
    ids = list(dict.fromkeys(r["exercise"] for _, report in reports for r in report["exercises"]))
    with open(out_dir / "gradebook.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "notebook", *ids, "total", "max", "graded_at", "seed", "checks", "problem"])
        for student, report in reports:
            earned = {r["exercise"]: r["earned"] for r in report["exercises"]}
            writer.writerow(map(_cell, [student, report["assignment"], *(earned.get(i, "") for i in ids),
                                        report["score"], report["max_score"], report["graded_at"], report["seed"],
                                        report["checks"], ""]))
            name = feedback_name(student, report["notebook"])
            (out_dir / "feedback" / name).write_text(feedback_markdown(student, report))
        for student, path, problem in problems:
            writer.writerow(map(_cell, [student, str(path), *([""] * len(ids)), "", "", "", "", "", problem]))
    lms.write_canvas_csv(out_dir / "canvas.csv", reports, problems)
    lms.write_moodle_csv(out_dir / "moodle.csv", reports, problems)
