"""Shared set-up for the whole test run.

Once the tests are collected, pytest, nbval, hypothesis, matplotlib, Jupyter
and the tests themselves hold a few hundred thousand objects. Python's cycle
collector looks at every one of them in each full collection, and the tests
that train networks make nodes so fast that a full collection fires every
few training steps. ``gc.freeze()`` after collection moves everything that
exists by then out of the collector's sight (those objects live until the end
of the run anyway), so a collection only looks at what the tests made since.
Only this test process is affected; notebooks run in their own kernels.
"""

import gc


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


# ----------------------------------------------------------------------
# `make test` installs everything pip can install, so there a test may skip only
# for what needs root: Chromium and bubblewrap. Any other skip (a missing torch,
# voila, Jupyter Book, ...) is turned into a failure, so a gap in the set-up
# cannot pass as a green run. A bare `pytest` keeps the skips.
import os
import re

import pytest

ROOT_ONLY = re.compile(r"chromium|bubblewrap", re.I)


def _strict():
    return os.environ.get("MICROGRAD_COURSE_NO_SKIPS") == "1"


def _skip_reason(report):
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


def _fail_a_skip(report):
    reason = _skip_reason(report)
    if report.skipped and not ROOT_ONLY.search(reason) and not getattr(report, "wasxfail", None):
        report.outcome = "failed"
        report.longrepr = (f"skipped under `make test`, which installs everything pip can install: {reason} "
                           "(only Chromium and bubblewrap, which need root, may be missing)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if _strict():
        _fail_a_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    if _strict():
        _fail_a_skip(outcome.get_result())
