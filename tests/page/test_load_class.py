"""scripts/load_class.py: its students, who speak Streamlit's websocket protocol without a
browser, really get the page, and an lr change really reaches the server and is counted.

No browser: the app runs on loopback (``app_url``) and each student is a websocket. The lr a
student types must move the landing figure's SGD line as the update rule says, by hand:
on f = x²/20 + y², ∇f = (x/10, 2y), so from (-7, 2) one SGD step is
(-7 + 0.7·lr, 2 - 4·lr).
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import load_class  # noqa: E402


def first_step(figure: dict) -> tuple[float, float]:
    xs, ys = load_class.trace_xy(figure, "SGD")
    assert (xs[0], ys[0]) == (-7.0, 2.0)       # the textbook figure's start
    return xs[1], ys[1]


def in_a_thread(coroutine):
    """Run ``coroutine`` in an event loop of its own thread: Playwright's sync API (the browser
    tests of this session) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_student_gets_the_chart_and_moves_it(app_url: str) -> None:
    async def visit() -> tuple[load_class.Student, dict, dict, float]:
        student = load_class.Student(0, app_url, "", random.Random(0), timeout=60)
        try:
            await student.open()
            before = student.page.chart_figure()
            await student.act("lr")
            lr = student.page.states[student.page.first_lr()[0]][1]
            return student, before, student.page.chart_figure(), lr
        finally:
            await student.close()

    student, before, after, lr = in_a_thread(visit())
    assert first_step(before) == pytest.approx((-7 + 0.7 * 0.95, 2 - 4 * 0.95), abs=1e-12)  # lr 0.95
    assert lr != 0.95
    assert first_step(after) == pytest.approx((-7 + 0.7 * lr, 2 - 4 * lr), abs=1e-12)
    assert [a.kind for a in student.actions] == ["lr"]
    assert student.actions[0].chart is not None      # the chart's run, then the drawn trigger's
    assert student.actions[0].route is not None      # the route answered the typed lr with runs
    assert student.errors == [] and student.page.problems == []


def test_a_small_class_counts_its_changes(app_url: str) -> None:
    out = in_a_thread(load_class.run_class(app_url, sessions=3, seconds=8, seed=1, heavy_fraction=0.0,
                                           ramp=1.0, timeout=60))
    assert out.errors == []
    assert all(s.opened is not None for s in out.students)
    assert len(out.times("lr")) >= 3                 # every student changed lr at least once
    assert out.monitor.rss and max(out.monitor.rss) > 0
