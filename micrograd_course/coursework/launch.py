"""Start an IPython kernel under the grader's limits (the grader's kernelspec runs this).

    python -m micrograd_course.coursework.launch MEMORY_BYTES CPU_SECONDS -f CONNECTION_FILE

Sets the address-space, CPU-time and file-size limits, then becomes the
kernel (``exec``), so the limits hold for the kernel and everything it starts.
"""

import os
import resource
import sys

FILE_SIZE_LIMIT = 64 * 2 ** 20  # no single file written may grow past 64 MiB


def main(argv):
    memory, cpu_seconds, kernel_args = int(argv[0]), int(argv[1]), argv[2:]
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    # The grader watches the kernel, not the other way round: without this, ipykernel polls its parent
    # and exits at once inside bubblewrap's pid namespace.
    os.environ.pop("JPY_PARENT_PID", None)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *kernel_args])


if __name__ == "__main__":
    main(sys.argv[1:])
