"""Shared fixtures: the app served by `streamlit run` on a free port, and Debian's Chromium.

The browser fixtures are used by the end-to-end tests (marked ``browser``) and by
``scripts/bench_latency.py`` (which imports ``start_app`` and ``launch_chromium``).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import settings

# The same examples on every run, so that CI's verdict is reproducible; explore new ones with
# `pytest --hypothesis-profile=explore`.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def start_app(timeout: float = 60.0, script: str = "server.py") -> Iterator[str]:
    """Run ``streamlit run server.py`` (the page and its routes; or another ``script``) headless
    on a free port; yield its URL once it answers."""
    port = free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", script, "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true"]
    log = tempfile.TemporaryFile()     # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {proc.returncode}: "
                                   f"{log.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@contextmanager
def launch_chromium():
    """Debian's Chromium through Playwright (never `playwright install`: no downloads)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


NO_CHROMIUM = "needs Chromium: apt-get install chromium"


def pytest_collection_modifyitems(config, items) -> None:
    """Tests that need Chromium (marked ``browser``: Playwright; ``chromium``: static export)
    are skipped for one stated reason on a machine without it, never in CI (``CI`` set), where
    they run and fail."""
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("chromium"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with start_app() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    with launch_chromium() as browser:
        yield browser


# Arm a timer that starts at the next Enter keydown and resolves, at the first animation frame
# after the chart's trace `name` differs from `before`, with the elapsed ms (-1: timed out).
LATENCY_TIMER = """([name, before, timeout]) => { window.__latency = new Promise(resolve => {
  let t0 = null;
  document.addEventListener('keydown', e => { if (e.key === 'Enter' && t0 === null) t0 = performance.now(); },
                            {capture: true, once: true});
  const poll = () => {
    const gd = document.querySelector('.js-plotly-plot');
    const tr = gd && gd.data && gd._fullData && gd._fullData.find(t => t.name === name);
    const now = tr ? JSON.stringify(Array.from(tr.x)) : null;
    if (t0 !== null && now !== null && now !== before && gd._fullLayout) {
      requestAnimationFrame(() => resolve(performance.now() - t0));
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
  setTimeout(() => resolve(-1), timeout);
}); }"""

# True once the page is ready for a visitor: no script run under way, the chart shows the trace
# `name`, and the sidebar has mounted all `lines` lr inputs. (The chart can be drawn while the
# sidebar is still mounting; a test that types then may hit another line's input.)
APP_READY = """([name, lines]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const gd = document.querySelector('.js-plotly-plot');
  return !!(app && app.getAttribute('data-test-script-state') === 'notRunning'
            && gd && gd._fullData && gd._fullData.some(t => t.name === name)
            && document.querySelectorAll('input[aria-label="lr"]').length === lines);
}"""

# The x values of the chart's trace `name` as JSON text (null until the chart is drawn).
TRACE_X = """(name) => {
  const gd = document.querySelector('.js-plotly-plot');
  const tr = gd && gd._fullData && gd._fullData.find(t => t.name === name);
  return tr ? JSON.stringify(Array.from(tr.x)) : null;
}"""

# True once the page has settled on whatever view is open: no script run under way, no spinner
# or skeleton left, something in the main area, every Plotly chart drawn, the fonts loaded, and
# the sidebar's inputs there (a new tab draws the chart first and the rest after it:
# views.paths.deferred).
PAGE_SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stSidebar"] input[aria-label="x"]')) return false;
  if (document.querySelector('[data-testid="stSpinner"], [data-testid="stSkeleton"]')) return false;
  if (document.fonts && document.fonts.status !== 'loaded') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.innerText.trim() === '') return false;
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!gd._fullLayout) return false;
  }
  return true;
}"""


def assert_same_run(got, expected) -> None:
    """Two paths that must be the same run (a run in a batch and the same run alone): equal to
    rounding. A batch steps its runs with NumPy's vectorized arithmetic; where the CPU has
    AVX-512 (this project's AMD EPYC machines), a vectorized power or square root can differ
    from the one-element one in the last bit, and 40 steps carry that to about 1e-16 on
    coordinates of order one, 2e-14 relative where a coordinate passes near zero."""
    import numpy as np
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)

