"""Load test: N browser sessions changing values at once against one app server on loopback.

    .venv/bin/python scripts/load_test.py                  # N = 10 sessions for 60 s
    .venv/bin/python scripts/load_test.py -n 4 -d 20       # smaller
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:8501   # a running server

Starts ``streamlit run server.py`` on a free loopback port (or uses ``--url``, which must be a
loopback address), opens N pages, one browser context each, in one headless Chromium (Debian's,
through Playwright's async API: one process, light on a 2-core machine), waits until every page
shows its chart, then for ``--duration`` seconds each session repeatedly types a new learning
rate into the first optimizer's ``lr`` input, presses Enter, and waits until the chart holds the
new trajectory. Every value is new (no cache hits: the server simulates and builds a figure
each time). Latency is measured in the page as in ``scripts/bench_latency.py``: from the Enter
keydown to the first animation frame after the chart's trace changed.

Errors: an exception element on the page, a page error, a console error, an HTTP status >= 400,
a chart that did not change within 30 s. Bounded: at most 50 sessions, 300 s and
``--max-changes`` changes per session; a watchdog ends the run if anything hangs. Prints the
figures; the exit status is 1 if there was any error.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import APP_READY, CHROMIUM, CHROMIUM_ARGS, LATENCY_TIMER, TRACE_X, start_app  # noqa: E402

MAX_SESSIONS, MAX_DURATION, MAX_CHANGES = 50, 300.0, 5000
LOAD_TIMEOUT = 120.0           # s for every page to show its first chart
CHANGE_TIMEOUT_MS = 30_000     # a chart that has not changed by then is an error
LR_INPUT = 'input[aria-label="lr"]'
TRACE = "SGD"                  # the landing page's first optimizer
IGNORED_CONSOLE = ("favicon",)


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by this process's descendants: the server's and the browser's.

    A process whose command line mentions ``streamlit`` is the server; every other descendant
    (Playwright's driver, Chromium and its renderers) is the browser side. Linux /proc only.
    """
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[int, float, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:          # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        procs[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, cmd)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out = {"server": 0.0, "browser": 0.0}
    stack = list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        _, seconds, cmd = procs[pid]
        out["server" if "streamlit" in cmd else "browser"] += seconds
        stack.extend(children.get(pid, []))
    return out


def learning_rate(session: int, change: int) -> str:
    """A value new to this session at every change (0.300 to 0.899: SGD converges on the bowl)."""
    return f"{0.3 + 0.001 * ((session * 53 + change * 7) % 600):.3f}"


class Session:
    """One visitor: a browser context with one page, its latencies and its errors."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.page = None

    def error(self, text: str) -> None:
        self.errors.append(f"session {self.index}: {text[:300]}")

    async def open(self, browser, url: str) -> None:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = page = await context.new_page()
        page.on("pageerror", lambda exc: self.error(f"page error: {exc}"))
        page.on("console", lambda m: self.error(f"console error: {m.text}")
                if m.type == "error" and not any(s in m.text for s in IGNORED_CONSOLE) else None)
        page.on("response", lambda r: self.error(f"HTTP {r.status} {r.url}")
                if r.status >= 400 and not any(s in r.url for s in IGNORED_CONSOLE) else None)
        await page.goto(url)
        await page.wait_for_function(APP_READY, arg=[TRACE, 4],
                                     timeout=LOAD_TIMEOUT * 1000)

    async def change_until(self, deadline: float, max_changes: int, think: float) -> None:
        """Change lr, wait for the redraw, record the latency; until the deadline."""
        try:
            await self._changes(deadline, max_changes, think)
        except Exception as exc:        # Playwright's timeouts and a page that went away
            self.error(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")

    async def _changes(self, deadline: float, max_changes: int, think: float) -> None:
        page = self.page
        lr = page.locator(LR_INPUT).first
        for i in range(max_changes):
            if time.monotonic() >= deadline:
                return
            before = await page.evaluate(TRACE_X, TRACE)
            await lr.fill(learning_rate(self.index, i))
            await page.evaluate(LATENCY_TIMER, [TRACE, before, CHANGE_TIMEOUT_MS])
            await lr.press("Enter")
            ms = await page.evaluate("window.__latency")
            if ms < 0:
                self.error(f"the chart did not change within {CHANGE_TIMEOUT_MS / 1000:g} s "
                           f"(lr={learning_rate(self.index, i)})")
            else:
                self.latencies.append(ms)
            if await page.locator('[data-testid="stException"]').count():
                self.error("an exception is shown on the page")
                return
            await asyncio.sleep(think)


async def run(url: str, n: int, duration: float, max_changes: int, think: float) -> dict:
    """Open n sessions, change values for ``duration`` s, close; the figures as a dict."""
    from playwright.async_api import async_playwright
    sessions = [Session(i) for i in range(n)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            t_load = time.monotonic()
            opened = await asyncio.gather(*(s.open(browser, url) for s in sessions),
                                          return_exceptions=True)
            for s, outcome in zip(sessions, opened):
                if isinstance(outcome, BaseException):
                    s.error(f"the page did not load: {str(outcome).splitlines()[0]}")
            ready = [s for s, outcome in zip(sessions, opened) if not isinstance(outcome, BaseException)]
            loaded = time.monotonic() - t_load
            cpu0, t0 = cpu_by_role(), time.monotonic()
            await asyncio.gather(*(s.change_until(t0 + duration, max_changes, think) for s in ready))
            elapsed = time.monotonic() - t0
            cpu1 = cpu_by_role()
            errors = [e for s in sessions for e in s.errors]   # before closing: closing is not an error
        finally:
            await browser.close()
    return {"loaded": loaded, "elapsed": elapsed, "errors": errors,
            "cpu": {k: cpu1[k] - cpu0[k] for k in cpu0},
            "latencies": [ms for s in sessions for ms in s.latencies]}


def loopback(url: str) -> str:
    """The URL if its host is a loopback address; SystemExit otherwise."""
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"--url must point at this machine (127.0.0.1, ::1 or localhost), got {url!r}")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--sessions", type=int, default=10, help="concurrent sessions (default 10)")
    parser.add_argument("-d", "--duration", type=float, default=60.0, help="seconds of changes (default 60)")
    parser.add_argument("--max-changes", type=int, default=1000, help="changes per session at most")
    parser.add_argument("--think", type=float, default=0.3, help="seconds between a redraw and the next change")
    parser.add_argument("--url", help="a running server on loopback (default: start server.py)")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be from 1 to {MAX_SESSIONS}")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be from 1 to {MAX_DURATION:g} seconds")
    if not 1 <= args.max_changes <= MAX_CHANGES:
        parser.error(f"--max-changes must be from 1 to {MAX_CHANGES}")
    if not 0 <= args.think <= 10:
        parser.error("--think must be from 0 to 10 seconds")

    # The watchdog: page loads, the run, one change's timeout and closing, with room to spare.
    limit = LOAD_TIMEOUT + args.duration + CHANGE_TIMEOUT_MS / 1000 + 60
    load_before = os.getloadavg()
    server = nullcontext(loopback(args.url)) if args.url else start_app()
    with server as url:
        try:
            out = asyncio.run(asyncio.wait_for(
                run(url, args.sessions, args.duration, args.max_changes, args.think), limit))
        except TimeoutError:
            raise SystemExit(f"load test: gave up after {limit:.0f} s (something hung)") from None
    load_after = os.getloadavg()

    times = sorted(out["latencies"])
    print(f"load test against {url}: N = {args.sessions} sessions, one Chromium, "
          f"{out['elapsed']:.0f} s of changes (pages loaded in {out['loaded']:.1f} s)")
    print(f"changes done: {len(times)} ({len(times) / max(out['elapsed'], 1e-9):.1f} per s in all)")
    print(f"errors: {len(out['errors'])}")
    for line in out["errors"][:10]:
        print(f"  {line}")
    if len(times) >= 2:
        q = statistics.quantiles(times, n=100, method="inclusive")
        print(f"latency, lr typed -> new trajectory drawn: p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, "
              f"max {times[-1]:.0f} ms")
    cpu = out["cpu"]
    print(f"CPU during the changes: server {cpu['server']:.0f} s, browser {cpu['browser']:.0f} s, "
          f"of {out['elapsed'] * os.cpu_count():.0f} core-seconds"
          + ("" if args.url is None else " (a server given by --url is not counted)"))
    print("load average (1/5/15 min): before " + " ".join(f"{v:.2f}" for v in load_before)
          + ", after " + " ".join(f"{v:.2f}" for v in load_after) + f" ({os.cpu_count()} cores)")
    sys.exit(1 if out["errors"] or not times else 0)


if __name__ == "__main__":
    main()
