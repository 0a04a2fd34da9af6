"""Measure the app's latency in a real browser (Debian's Chromium through Playwright).

    .venv/bin/python scripts/bench_latency.py [--changes 20] [--screenshot docs/screenshot.png]

1. Time until interactive: from starting ``streamlit run server.py`` until the landing page shows
   its 2x2 contour figure with the trajectories, its script run is over and every lr input of
   the sidebar is there (``conftest.APP_READY``).
2. Redraw latency, the default view: the first optimizer's lr is changed (typed, Enter); the
   clock starts at the Enter keydown, in the page, and stops at the first animation frame after
   the Plotly chart holds the new trajectory. Each change uses a new lr (no cache hits).

Prints the numbers and the load average (other work on the machine slows every number down);
asserts nothing (benchmarks measure, tests check behaviour). ``make run`` adds nothing to (1)
once the venv is installed: it reinstalls only when pyproject.toml changed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import APP_READY, LATENCY_TIMER, TRACE_X, launch_chromium, start_app  # noqa: E402

LR_INPUT = 'input[aria-label="lr"]'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20, help="lr changes to time")
    parser.add_argument("--app", default="server.py", help="the Streamlit script to serve")
    parser.add_argument("--screenshot", metavar="PNG", help="also save the landing page here")
    args = parser.parse_args()

    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with launch_chromium() as browser:
        started = time.perf_counter()
        with start_app(script=args.app) as url:
            answered = time.perf_counter()
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.wait_for_function(APP_READY, arg=["SGD", 4], timeout=60_000)  # the textbook's 4 lines
            ready = time.perf_counter()
            print(f"server answering: {answered - started:.2f} s after `streamlit run`")
            print(f"time until interactive (figure drawn, inputs ready): {ready - started:.2f} s")

            page.wait_for_timeout(1000)
            if args.screenshot:
                page.set_viewport_size({"width": 1440, "height": 1300})
                page.wait_for_timeout(1500)
                page.screenshot(path=args.screenshot)
                print(f"landing page saved to {args.screenshot}")
            lr = page.locator(LR_INPUT).first
            times = []
            for i in range(args.changes + 1):
                before = page.evaluate(TRACE_X, "SGD")
                value = f"{0.5 + 0.02 * i:.2f}"
                lr.fill(value)
                page.evaluate(LATENCY_TIMER, ["SGD", before, 30000])
                lr.press("Enter")
                ms = page.evaluate("window.__latency")
                if ms < 0:
                    raise SystemExit(f"the chart did not change after lr={value}")
                if i > 0:            # the first change warms caches and the browser's JIT
                    times.append(ms)
                page.wait_for_timeout(300)
            ranked = sorted(times)
            p95 = ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))]
            print(f"lr change -> new trajectories drawn, {len(times)} changes: "
                  f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
                  f"min {ranked[0]:.0f} ms, max {ranked[-1]:.0f} ms")
            print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
