"""make hub-link: the nbgitpuller link that opens lecture 1 on a class's JupyterHub."""

import re
import subprocess
import sys
import urllib.parse

import pytest

from micrograd_course.coursework.hub import FIRST_LECTURE, HubLinkError, hub_link


def test_the_link_names_repo_branch_and_lecture_1_encoded():
    link = hub_link("https://hub.example.edu/", "https://github.com/you/micrograd-course.git", "fall-2026")
    base, _, query = link.partition("?")
    assert base == "https://hub.example.edu/hub/user-redirect/git-pull"
    params = urllib.parse.parse_qs(query, strict_parsing=True)
    assert params == {"repo": ["https://github.com/you/micrograd-course.git"],
                      "urlpath": [f"lab/tree/micrograd-course/{FIRST_LECTURE}"], "branch": ["fall-2026"]}
    assert "/" not in query.split("repo=")[1].split("&")[0]  # the repository address is encoded, not pasted


def test_a_hub_under_a_path_keeps_it():
    assert hub_link("https://uni.edu/jupyter", "https://gitlab.uni.edu/ml/course").startswith(
        "https://uni.edu/jupyter/hub/user-redirect/git-pull?")


@pytest.mark.parametrize("hub,repo,branch,message", [
    ("hub.example.edu", "https://github.com/a/b", "main", "HUB must be an http(s) address"),
    ("https://hub.example.edu?next=x", "https://github.com/a/b", "main", "without ?query"),
    ("https://hub.example.edu", "git@github.com:a/b.git", "main", "REPO must be an http(s) address"),
    ("https://hub.example.edu", "https://github.com/", "main", "REPO must name a repository"),
    ("https://hub.example.edu", "https://github.com/a/b", "two words", "BRANCH must be a branch name"),
])
def test_bad_addresses_say_what_a_good_one_looks_like(hub, repo, branch, message):
    with pytest.raises(HubLinkError, match=re.escape(message)):
        hub_link(hub, repo, branch)


def test_make_hub_link_prints_it_without_an_install(tmp_path):
    result = subprocess.run(["make", "-s", "hub-link", "HUB=https://hub.example.edu",
                             "REPO=https://github.com/you/micrograd-course", "PYTHON=" + sys.executable],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == hub_link("https://hub.example.edu", "https://github.com/you/micrograd-course")
    missing = subprocess.run(["make", "-s", "hub-link"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "usage: make hub-link HUB=" in missing.stdout
