"""A link that opens the course in a class's JupyterHub, through nbgitpuller.

nbgitpuller (installed on the hub by its administrators) clones the repository
into the student's home on the first click and, on later clicks, pulls new
commits without touching files the student changed. The link names the hub,
the repository, its branch and the page to open: here lecture 1 in JupyterLab.

    python -m micrograd_course.coursework hub-link --hub https://hub.example.edu \\
        --repo https://github.com/you/micrograd-course [--branch main]
"""

import urllib.parse

FIRST_LECTURE = "notebooks/01_derivatives.ipynb"


class HubLinkError(ValueError):
    """The hub or repository address cannot make a working link."""


def _checked_url(url, what, example):
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise HubLinkError(f"{what} must be an http(s) address without ?query or #fragment, like {example}; "
                           f"got {url!r}")
    return parts


def hub_link(hub, repo, branch="main", page=FIRST_LECTURE):
    """The nbgitpuller link that opens ``page`` of ``repo`` (at ``branch``) on ``hub``."""
    hub_parts = _checked_url(hub, "HUB", "https://hub.example.edu")
    repo_parts = _checked_url(repo, "REPO", "https://github.com/you/micrograd-course")
    folder = repo_parts.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if not folder:
        raise HubLinkError(f"REPO must name a repository, like https://github.com/you/micrograd-course; got {repo!r}")
    if not branch or any(c.isspace() for c in branch):
        raise HubLinkError(f"BRANCH must be a branch name such as main; got {branch!r}")
    base = urllib.parse.urlunsplit((hub_parts.scheme, hub_parts.netloc, hub_parts.path.rstrip("/"), "", ""))
    query = urllib.parse.urlencode({"repo": repo, "urlpath": f"lab/tree/{folder}/{page}", "branch": branch},
                                   quote_via=urllib.parse.quote)
    return f"{base}/hub/user-redirect/git-pull?{query}"


def main(args):
    try:
        print(hub_link(args.hub, args.repo, args.branch))
    except HubLinkError as error:
        print(f"hub-link: {error}")
        return 2
    return 0


if __name__ == "__main__":  # `make hub-link` runs this file directly: no install needed to print a link
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Print the nbgitpuller link that opens the course on a JupyterHub.")
    parser.add_argument("--hub", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--branch", default="main")
    sys.exit(main(parser.parse_args()))
