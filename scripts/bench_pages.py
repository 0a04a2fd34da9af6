"""The app against two reference pages, in one run, interleaved page by page (Debian Chromium).

    .venv/bin/python scripts/bench_pages.py [--changes 12] [--loads 5]

The reference pages are the shared ones (``../shared/bench/pages``): ``floor.py``, Streamlit's
least round trip (a number input echoed as text), and ``naive.py``, the textbook 2×2 written in
fifty lines with ``st.plotly_chart``. Both are served by this venv's Streamlit beside the app.

1. lr typed -> new trajectories drawn (the floor: -> the echo changed), each change a new value;
   the clock starts at the Enter keydown, in the page, and stops at the first animation frame
   after the change is on screen (for the app: the chart's own answer from the route, which
   comes before the page's rerun). Changes go round the pages one by one, so drift on this
   machine hits all alike.
2. a new tab -> trajectories drawn, the server warm (the app and the naive page); and -> the
   whole page there (its lr input shown, no run under way): the app draws its chart first.

Prints the medians, the ratios the speed issue asks about, and the load average; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import LATENCY_TIMER, TRACE_X, launch_chromium, start_app  # noqa: E402

PAGES = ROOT.parent / "shared" / "bench" / "pages"
LR_INPUT = 'input[aria-label="lr"]'

# Arm a timer: from the next Enter keydown to the first frame after #echo's text differs.
ECHO_TIMER = """([before, timeout]) => { window.__latency = new Promise(resolve => {
  let t0 = null;
  document.addEventListener('keydown', e => { if (e.key === 'Enter' && t0 === null) t0 = performance.now(); },
                            {capture: true, once: true});
  const poll = () => {
    const echo = document.querySelector('#echo');
    if (t0 !== null && echo && echo.innerText !== before) {
      requestAnimationFrame(() => resolve(performance.now() - t0));
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
  setTimeout(() => resolve(-1), timeout);
}); }"""

DRAWN = """(name) => { const gd = document.querySelector('.js-plotly-plot');
  return !!(gd && gd._fullData && gd._fullData.some(t => t.name === name && t.x && t.x.length > 1)); }"""


class Page:
    """One served page in a browser tab, and how to time a change on it."""

    def __init__(self, name: str, url: str, browser, chart: bool) -> None:
        self.name, self.url, self.chart, self.times = name, url, chart, []
        self.tab = browser.new_page(viewport={"width": 1440, "height": 1000})
        self.tab.goto(url)
        self.tab.wait_for_selector(LR_INPUT, timeout=60_000)
        if chart:
            self.tab.wait_for_function(DRAWN, arg="SGD", timeout=60_000)
        self.tab.wait_for_timeout(1000)

    def change(self, value: str) -> float:
        lr = self.tab.locator(LR_INPUT).first
        lr.fill(value)
        if self.chart:
            self.tab.evaluate(LATENCY_TIMER, ["SGD", self.tab.evaluate(TRACE_X, "SGD"), 30_000])
        else:
            self.tab.evaluate(ECHO_TIMER, [self.tab.locator("#echo").inner_text(), 30_000])
        lr.press("Enter")
        ms = self.tab.evaluate("window.__latency")
        if ms < 0:
            raise SystemExit(f"{self.name}: nothing changed after lr={value}")
        self.tab.wait_for_timeout(300)
        return ms


# The whole page is there: its lr input shown and no script run under way.
COMPLETE = """(selector) => !!document.querySelector(selector) && document.querySelector(
  '[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""


def new_tab(browser, url: str) -> tuple[float, float]:
    """Seconds from opening ``url`` in a new tab until the trajectories are drawn, and until
    the whole page is (the app draws the chart first and the rest after it)."""
    tab = browser.new_page(viewport={"width": 1440, "height": 1000})
    started = time.perf_counter()
    tab.goto(url)
    tab.wait_for_function(DRAWN, arg="SGD", timeout=60_000, polling="raf")
    drawn = time.perf_counter() - started
    tab.wait_for_function(COMPLETE, arg=LR_INPUT, timeout=60_000, polling="raf")
    complete = time.perf_counter() - started
    tab.close()
    return drawn, complete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=12, help="lr changes timed per page")
    parser.add_argument("--loads", type=int, default=5, help="new tabs timed per page")
    args = parser.parse_args()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with ExitStack() as stack:
        browser = stack.enter_context(launch_chromium())
        urls = {"gradscape": stack.enter_context(start_app()),
                "naive": stack.enter_context(start_app(script=str(PAGES / "naive.py"))),
                "floor": stack.enter_context(start_app(script=str(PAGES / "floor.py")))}
        pages = [Page(name, url, browser, chart=name != "floor") for name, url in urls.items()]
        for i in range(args.changes + 1):               # the first round warms caches and JITs
            for page in pages:
                ms = page.change(f"{0.5 + 0.02 * i:.2f}")
                if i:
                    page.times.append(ms)
        loads: dict[str, list[float]] = {"gradscape": [], "naive": []}
        completes: dict[str, list[float]] = {"gradscape": [], "naive": []}
        for _ in range(args.loads):
            for name in loads:
                drawn, complete = new_tab(browser, urls[name])
                loads[name].append(drawn)
                completes[name].append(complete)
    median = {page.name: statistics.median(page.times) for page in pages}
    print(f"\n| page | lr typed -> drawn, median of {args.changes} | new tab -> drawn, median of {args.loads} "
          "| new tab -> whole page |")
    print("|---|---|---|---|")
    for page in pages:
        load = f"{statistics.median(loads[page.name]):.2f} s" if page.name in loads else "—"
        complete = f"{statistics.median(completes[page.name]):.2f} s" if page.name in completes else "—"
        print(f"| {page.name} | {median[page.name]:.0f} ms | {load} | {complete} |")
    print(f"\ngradscape / naive: {median['gradscape'] / median['naive']:.2f} (target <= 0.7)")
    print(f"gradscape / floor: {median['gradscape'] / median['floor']:.2f} (target <= 3)")
    print(f"new tab, gradscape / naive: "
          f"{statistics.median(loads['gradscape']) / statistics.median(loads['naive']):.2f} (target <= 1)")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
