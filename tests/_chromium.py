"""Debian's Chromium driven by playwright, the one way every browser test of the suite starts it.

playwright cannot download a browser here; `.ci/run` installs Debian's package. The flags keep a
headless Chromium running as root from reaching for other hosts (background networking, component
updates, sync) on a machine whose network is closed.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


@contextlib.contextmanager
def chromium():
    """A launched playwright Browser; skipped where Chromium is missing, failed under CI=true."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (CI installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(FLAGS))
        try:
            yield b
        finally:
            b.close()
