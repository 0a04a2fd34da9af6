"""Redraws per second while the start marker is dragged, in a real browser (Debian Chromium).

    .venv/bin/python scripts/bench_drag.py [--seconds 10]

For the textbook view and for four optimizers × 500 steps on Rosenbrock (the rosenbrock preset):
press on the first panel's start marker, move the pointer along a circle at about 60 moves a
second for ``--seconds``, and count the animation frames that show a new start (the chart's
"start" trace moved since the last frame; its paths come in the same answer); then release and
wait for the page (inputs and URL) to take the last point. Prints redraws per second; asserts
nothing.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import APP_READY, launch_chromium, start_app  # noqa: E402

# The first panel's start marker in client pixels, and the start's data coordinates.
MARKER = """() => { const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout;
  const box = gd.getBoundingClientRect(), t = gd._fullData.find(t => t.name === 'start');
  const p = L._plots[t.xaxis + t.yaxis];
  return [box.left + p.xaxis._offset + p.xaxis.l2p(t.x[0]),
          box.top + p.yaxis._offset + p.yaxis.l2p(t.y[0]), t.x[0], t.y[0]]; }"""
# Count the animation frames whose start differs from the last one counted.
COUNTER = """() => { window.__redraws = 0; let last = null;
  const gd = document.querySelector('.js-plotly-plot');
  const look = () => {
    const t = gd._fullData.find(t => t.name === 'start'), now = t ? `${t.x[0]},${t.y[0]}` : null;
    if (last !== null && now !== last) window.__redraws += 1;
    last = now;
    requestAnimationFrame(look); };
  requestAnimationFrame(look); }"""


def drag_rate(browser, url: str, lines: int, seconds: float) -> tuple[float, float]:
    """(redraws per second during the drag, seconds from release until the inputs show it)."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(url)
    page.wait_for_function(APP_READY, arg=["SGD", lines], timeout=120_000)
    page.wait_for_timeout(1000)
    x, y, sx, _ = page.evaluate(MARKER)
    page.evaluate(COUNTER)
    page.mouse.move(x, y)
    page.mouse.down()
    started = time.perf_counter()
    k = 0
    while time.perf_counter() - started < seconds:
        k += 1
        angle = 2 * math.pi * k / 120
        page.mouse.move(x + 60 * math.sin(angle), y + 40 * (1 - math.cos(angle)))
        page.wait_for_timeout(16)
    elapsed = time.perf_counter() - started
    redraws = page.evaluate("window.__redraws")
    released = time.perf_counter()
    page.mouse.up()
    page.wait_for_function("(v) => document.querySelector('input[aria-label=\"x\"]').value !== v",
                           arg=f"{sx:g}", timeout=60_000)
    settle = time.perf_counter() - released
    page.close()
    return redraws / elapsed, settle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each drag lasts")
    args = parser.parse_args()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with launch_chromium() as browser, start_app() as url:
        for name, query, lines in (("textbook (4 lines x 30 steps)", "", 4),
                                   ("rosenbrock (4 lines x 500 steps)", "?preset=rosenbrock", 4)):
            rate, settle = drag_rate(browser, url + "/" + query, lines, args.seconds)
            print(f"{name}: {rate:.1f} redraws/s while dragging; inputs show the release "
                  f"point {settle:.2f} s after it")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
