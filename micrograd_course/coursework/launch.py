"""Start an IPython kernel under the grader's limits (the grader's kernelspec runs this).

    python -m micrograd_course.coursework.launch MEMORY_BYTES CPU_SECONDS PROCESSES GUARD -f CONNECTION_FILE

Sets the address-space, CPU-time and file-size limits, then starts the
kernel in this process, so the limits hold for the kernel and everything it
starts. PROCESSES > 0 also limits the number of processes and threads
(RLIMIT_NPROC). The grader asks for that only inside its sandbox: there the
count is kept per user namespace, so it counts this kernel's processes alone.
Linux never applies it to root (also not to root mapped into a sandbox), and
outside a sandbox it counts every process of the user; the grader's watchdog
counts the kernel's process tree in every case.

GUARD is ``-`` or a JSON object ``{"hidden": [...], "writable": [...],
"programs": [...]}``: an audit hook (PEP 578, which Python code cannot
remove) then refuses to open the hidden folders (solutions/, the checks'
exercise modules, the submissions), to write outside the writable ones, to
fork, exec or start any program but ``programs``, to signal other processes
and to call C through ctypes. The grader uses it when there is no sandbox.
"""

import json
import os
import resource
import sys

FILE_SIZE_LIMIT = 64 * 2 ** 20  # no single file written may grow past 64 MiB


def main(argv):
    memory, cpu_seconds, processes, guard, kernel_args = int(argv[0]), int(argv[1]), int(argv[2]), argv[3], argv[4:]
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    if processes > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    # The grader watches the kernel, not the other way round: without this, ipykernel polls its parent
    # and exits at once inside bubblewrap's pid namespace.
    os.environ.pop("JPY_PARENT_PID", None)
    if guard != "-":
        from .probe_child import _install_guard

        rules = json.loads(guard)
        _install_guard(["/"], rules["writable"], rules["hidden"], os.getpid(), frozenset(rules["programs"]))
    # What ipykernel_launcher does, in this process (an exec would drop the audit hook).
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    sys.argv = [sys.executable, *kernel_args]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main(sys.argv[1:])
