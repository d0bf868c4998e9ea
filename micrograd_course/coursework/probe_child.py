"""The probe process: a fresh interpreter that runs one notebook's answer cells and probes them.

The grader starts it as ``python -I -B -c <this file's source> REPLY_FD`` (so
nothing of it is imported from disk, where the student could have changed
it) and writes one ``marshal``-ed job to its stdin. Before any student code
runs, this process:

1. reads the whole job (probe code, cells, cases) and closes stdin;
2. binds what it needs to answer (``os.write``, ``marshal.dumps``, the reply
   descriptor), so patching ``json``, ``print`` or the display formatter
   changes nothing the grader reads;
3. sets resource limits: address space, CPU time, file size, open files;
4. installs an audit hook (PEP 578), which Python code cannot remove. It
   refuses new processes (fork, exec, subprocess, spawn), signals to other
   processes, sockets, ctypes beyond loading a library, ``gc``'s object
   lists, tracing, reading anywhere but Python, the course package without
   its coursework, the system and its own folder, and writing anywhere but
   its own folder.

Then it runs the job's steps in order: a cell (the lecture's given code, or
the student's answer cell), or an exercise's probe, whose reply (plain data)
goes to the grader at once. The verdict is made in the grader.
"""


def _main():
    import marshal
    import os
    import resource
    import sys
    import types

    reply_fd = int(sys.argv[1])
    job = marshal.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    write, dumps, getpid = os.write, marshal.dumps, os.getpid

    def send(message):
        data = dumps(message)
        data = len(data).to_bytes(8, "big") + data
        while data:
            data = data[write(reply_fd, data):]

    limits = job["limits"]
    for name, value in (("RLIMIT_AS", limits["memory"]), ("RLIMIT_CPU", limits["cpu"]),
                        ("RLIMIT_FSIZE", limits["file_size"]), ("RLIMIT_NOFILE", 256)):
        if value:
            resource.setrlimit(getattr(resource, name), (value, value))

    # The probe code, loaded from the job under a private name (the real coursework is not readable).
    package = job["package"]
    for suffix, filename, is_package, source in job["modules"]:
        name = package + suffix
        module = types.ModuleType(name)
        module.__file__ = filename
        module.__package__ = name if is_package else name.rpartition(".")[0]
        if is_package:
            module.__path__ = []
        sys.modules[name] = module
        exec(compile(source, filename, "exec"), module.__dict__)
    probing = sys.modules[package + ".probing"]
    run_probes, exercises, describe_error = probing.run_probes, probing.EXERCISES, probing.describe_error
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]  # not to be found by name; the functions above keep what they need
    del probing, module

    # The notebooks' first cell imports check(); here it does nothing (the grader checks).
    import micrograd_course
    coursework = types.ModuleType("micrograd_course.coursework")
    coursework.__path__ = []
    coursework.check = lambda *args, **kwargs: None
    sys.modules["micrograd_course.coursework"] = coursework
    micrograd_course.coursework = coursework

    _install_guard(job["readable"], job["writable"], job["hidden"], getpid())
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for step in job["steps"]:
        if step[0] == "cell":
            _, index, source = step
            try:
                exec(compile(source, f"<cell {index}>", "exec"), namespace)
                error = None
            except BaseException as problem:  # noqa: B036 -- SystemExit, KeyboardInterrupt: a failed cell
                error = describe_error(problem)
            send(("cell", index, error))
        else:
            _, exercise_id, case = step
            send(("probe", exercise_id, run_probes(exercises[exercise_id], case, namespace)))


def _install_guard(readable, writable, hidden, pid, kernel_programs=None):
    """Install the audit hook. ``readable``/``writable``: folders (resolved) this process may read/write;
    ``hidden``: folders inside those it may not touch at all (the coursework: probes, tests, grader).

    ``kernel_programs``: None for a probe process. For a grading kernel (see
    launch.py), the programs it may start (Graphviz's ``dot``); it may also use
    the network, frames and ``gc`` (it decides nothing), but still not fork,
    exec, signal other processes or call C through ctypes.
    """
    import os
    import sys

    realpath, fsdecode, sep = os.path.realpath, os.fsdecode, os.sep
    own_proc = f"/proc/{pid}"
    readable = tuple(readable) + (own_proc, "/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat",
                                  "/sys/devices/system/cpu", "/dev/null", "/dev/urandom")
    writable = tuple(writable) + ("/dev/null",)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    processes = {"os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "subprocess.Popen",
                 "os.kill", "os.killpg", "pty.spawn", "os.startfile", "_posixsubprocess.fork_exec"}
    inspection = {"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.settrace", "sys.setprofile",
                  "sys._current_frames", "sys.set_asyncgen_hooks", "cpython.PyInterpreterState_New",
                  "cpython.run_command", "cpython.run_file", "cpython.run_module", "cpython.run_startup"}
    writes = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link", "os.symlink",
              "os.truncate", "os.utime", "shutil.rmtree", "os.chflags", "os.lchflags", "os.setxattr",
              "os.removexattr", "shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.copytree",
              "shutil.move", "shutil.chown"}

    copies = {"shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.copytree", "os.link", "os.symlink"}
    moves = {"os.rename", "shutil.move"}

    def inside(path, folders):
        if path is None or isinstance(path, int):
            return True  # an open file descriptor: it was checked when it was opened
        try:
            path = realpath(fsdecode(path))
        except (TypeError, ValueError):
            return False
        if any(path == folder or path.startswith(folder.rstrip(sep) + sep) for folder in hidden):
            return False
        return any(path == folder or path.startswith(folder.rstrip(sep) + sep) for folder in folders)

    def refuse(what):
        raise PermissionError(f"grading does not allow {what}; an exercise needs none of it")

    def guard(event, args):
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags)
            if writing and not inside(path, writable):
                refuse(f"writing {path!r}")
            if not writing and not inside(path, readable + writable):
                refuse(f"reading {path!r}")
        elif event in ("os.listdir", "os.scandir"):
            if args and not inside(args[0], readable + writable):
                refuse(f"listing {args[0]!r}")
        elif event in writes:
            targets = args[1:2] if event in copies else args[:2] if event in moves else args[:1]
            for path in targets:
                if isinstance(path, (str, bytes, os.PathLike)) and not inside(path, writable):
                    refuse(f"{event} on {path!r}")
        elif event == "subprocess.Popen" and kernel_programs is not None:
            program = args[1][0] if len(args) > 1 and args[1] else args[0]
            if os.path.basename(fsdecode(program or "")) not in kernel_programs:
                refuse(f"starting {program!r} (only {', '.join(sorted(kernel_programs))})")
        elif event in ("os.kill", "os.killpg") and kernel_programs is not None:
            if args and args[0] not in (pid, 0):
                refuse("signalling other processes")
        elif event in processes:
            refuse("starting or signalling processes")
        elif event.startswith("socket.") and kernel_programs is None:
            refuse("the network")
        elif event.startswith("ctypes.") and event != "ctypes.dlopen":
            refuse("ctypes")
        elif event in inspection and kernel_programs is None:
            refuse(f"{event}")
        elif event == "sys.addaudithook":
            refuse("another audit hook")

    sys.addaudithook(guard)


if __name__ == "__main__":
    _main()
