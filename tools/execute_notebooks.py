"""Run notebooks top to bottom on a fresh kernel and store their outputs in place.

    .venv/bin/python tools/execute_notebooks.py notebooks/*.ipynb solutions/*.ipynb

This is how a notebook's stored outputs are made before a commit: the same
clean-kernel run that nbval repeats in `make test`. Each notebook runs from its
own folder; widget state is stored so widgets show before a run; the kernel's
`language_info` is kept as the kernel reports it, so opening the notebook in
JupyterLab does not mark it modified. Prints each notebook's run time (the
course's budget is 20 s per notebook on the 2-core machine).

A notebook that raises is not written (its error is printed), unless the
failing cell is tagged ``raises-exception``.
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path):
    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)  # the run stores the state of the widgets it makes; old state would linger
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(paths):
    failed = 0
    for path in paths:
        try:
            seconds = execute(path)
        except CellExecutionError as error:
            failed += 1
            print(f"FAILED {path}: {str(error).strip().splitlines()[-1]}")
            continue
        flag = "  (over the 20 s budget)" if seconds > 20 else ""
        print(f"{seconds:6.1f} s  {path}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
