"""Where a value change's time goes, in a real browser (Debian Chromium): what the server sends
when, and what the browser's main thread spends its time on.

    .venv/bin/python scripts/profile_change.py [--changes 6]

Serves the app (``streamlit run server.py``), opens the textbook view and types a new lr
``--changes`` times. For each change: the time from the Enter keydown until the new
trajectories are on screen, and the websocket messages the page receives meanwhile (ms after
the Enter keydown, the message's kind, its size); over all changes: the main thread's CPU time
by script (Chromium's sampling profiler: plotly.js, React, Streamlit's other bundles, the
browser's own work as "(program)"). Prints; asserts nothing.
"""
from __future__ import annotations

import argparse
import base64
import collections
import statistics
import sys
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import APP_READY, LATENCY_TIMER, TRACE_X, launch_chromium, start_app  # noqa: E402

# Keep every websocket message the page receives, with its time, as base64.
RECORD = """(() => { const Socket = window.WebSocket; window.__messages = [];
  window.WebSocket = function (...args) {
    const socket = new Socket(...args);
    socket.addEventListener('message', async (e) => {
      const t = performance.now();
      const bytes = new Uint8Array(e.data instanceof Blob ? await e.data.arrayBuffer() : e.data);
      let text = ''; for (const b of bytes) text += String.fromCharCode(b);
      window.__messages.push([t, btoa(text)]); });
    return socket; };
  window.WebSocket.prototype = Socket.prototype; Object.assign(window.WebSocket, Socket); })();"""
MARK_ENTER = """() => { window.__messages = [];
  document.addEventListener('keydown', () => { window.__enter = performance.now(); },
                            {capture: true, once: true}); }"""


def kind(data: str) -> str:
    """A message's kind: "delta new_element bidi_component", "script_finished", ..."""
    message = ForwardMsg()
    message.ParseFromString(base64.b64decode(data))
    name = message.WhichOneof("type")
    if name == "delta":
        delta = message.delta.WhichOneof("type")
        element = message.delta.new_element.WhichOneof("type") if delta == "new_element" else ""
        return f"delta {delta} {element}".strip()
    return name


def script(frame: dict) -> str:
    """The script a profiled function belongs to, or the profiler's own category."""
    name = frame["url"].rsplit("/", 1)[-1]
    return name.split(".")[0] if name else frame["functionName"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=6, help="lr changes profiled")
    args = parser.parse_args()
    latencies, cpu = [], collections.Counter()
    with launch_chromium() as browser, start_app() as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.add_init_script(RECORD)
        page.goto(url)
        page.wait_for_function(APP_READY, arg=["SGD", 4], timeout=120_000)
        page.wait_for_timeout(1500)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 250})
        for i in range(args.changes):
            lr = page.locator('input[aria-label="lr"]').first
            lr.fill(f"{0.5 + 0.03 * i:.2f}")
            page.evaluate(LATENCY_TIMER, ["SGD", page.evaluate(TRACE_X, "SGD"), 30_000])
            page.evaluate(MARK_ENTER)
            cdp.send("Profiler.start")
            lr.press("Enter")
            ms = page.evaluate("window.__latency")
            profile = cdp.send("Profiler.stop")["profile"]
            latencies.append(ms)
            nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
            for sample, dt in zip(profile["samples"], profile["timeDeltas"]):
                cpu[script(nodes[sample])] += dt / 1000 / args.changes
            page.wait_for_timeout(1500)                  # the rest of the results follows
            received = page.evaluate("window.__messages.map(([t, m]) => [t - window.__enter, m])")
            print(f"\nchange {i + 1}: drawn after {ms:.0f} ms; messages received (ms after Enter):")
            for t, data in received:
                print(f"  {t:7.0f}  {kind(data)} ({len(base64.b64decode(data))} bytes)")
    print(f"\nlr typed -> drawn: median {statistics.median(latencies):.0f} ms of {args.changes}")
    print("the main thread's CPU time per change, by script (from Enter until drawn):")
    for name, ms in cpu.most_common(10):
        print(f"  {ms:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
