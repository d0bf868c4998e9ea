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
