"""Open the course in JupyterLab: what `make lab` runs.

    .venv/bin/python tools/lab.py [extra jupyter lab options]

Two things a plain `jupyter lab` gets wrong on the machines students use:
- as root (containers, cloud shells) JupyterLab refuses to start unless given
  --allow-root, so this adds it and says so;
- with no web browser to open (a server, a container, ssh), JupyterLab's own
  log is easy to miss, so this prints the address to open, with its token;
- its "get notified about Jupyter news?" prompt and update check sit over the
  first lecture's figure: this turns both off for the course's environment.
Extra options go to `jupyter lab` unchanged (e.g. --port=8890 --no-browser).
"""

import json
import os
import pathlib
import secrets
import socket
import sys
import webbrowser

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIRST_LECTURE = "notebooks/01_derivatives.ipynb"


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_browser():
    """Whether JupyterLab will find a browser to open (it asks the webbrowser module too)."""
    try:
        webbrowser.get()
        return True
    except webbrowser.Error:
        return False


def free_port(preferred=8888):
    """JupyterLab's usual port when it is free, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]


def option_value(args, name):
    """The value of --name=VALUE or --name VALUE in args, or None."""
    for i, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg == f"--{name}" and i + 1 < len(args):
            return args[i + 1]
    return None


NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"


def quiet_announcements(prefix=sys.prefix):
    """Disable JupyterLab's news prompt in this environment (``prefix``), keeping any other page config.

    It is the ``disabledExtensions`` entry of ``etc/jupyter/labconfig/page_config.json``, the
    file ``jupyter labextension disable --sys-prefix`` writes; returns its path.
    """
    path = pathlib.Path(prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError):
        config = {}
    if not isinstance(config, dict):
        config = {}
    disabled = config.setdefault("disabledExtensions", {})
    if isinstance(disabled, list):  # the older form: a list of names
        disabled = config["disabledExtensions"] = dict.fromkeys(disabled, True)
    if disabled.get(NEWS_PLUGIN) is not True:
        disabled[NEWS_PLUGIN] = True
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def lab_command(args, root, browser, token=None, port=None):
    """The `jupyter lab` command line, and the messages to print before it runs.

    ``token`` and ``port`` are used only without a browser, so that the
    printed address is the one the server will answer on.
    """
    # The project folder as the file browser's root, so exercises/ shows beside notebooks/
    # (given only a notebook, JupyterLab would make the notebook's folder the root).
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    messages = []
    if root and "--allow-root" not in args:
        command.append("--allow-root")
        messages.append("Running as root (a container or cloud shell?): passing --allow-root to JupyterLab.")
    opens_browser = browser and "--no-browser" not in args
    if not opens_browser:
        if "--no-browser" not in args:
            command.append("--no-browser")
        given_port = option_value(args, "port") or option_value(args, "ServerApp.port")
        if given_port is None:
            port = port or free_port()
            command += [f"--port={port}", "--ServerApp.port_retries=0"]
        else:
            port = int(given_port)
        url = f"http://localhost:{port}/lab/tree/{FIRST_LECTURE}"
        if token:
            url += f"?token={token}"
        why = "There is no web browser to open here" if not browser else "Not opening a browser (--no-browser)"
        messages.append(f"{why}. When JupyterLab has started, open this address in a browser\n"
                        f"(from another machine, forward the port first: ssh -L {port}:localhost:{port} ...):\n\n"
                        f"    {url}\n")
    return command + list(args) + [FIRST_LECTURE], messages


def main(args):
    browser = has_browser()
    env = dict(os.environ)
    token = None
    if not browser or "--no-browser" in args:
        # Choose the token here so the printed address works; the environment
        # keeps it out of the process list.
        token = option_value(args, "IdentityProvider.token")
        if token is None:
            token = env.setdefault("JUPYTER_TOKEN", secrets.token_hex(24))
    quiet_announcements()
    command, messages = lab_command(args, is_root(), browser, token)
    for message in messages:
        print(message, flush=True)
    os.chdir(ROOT)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
        print(__doc__)
        sys.exit(0)
    main(sys.argv[1:])
