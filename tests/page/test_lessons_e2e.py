"""A lesson in real Chromium, driven by the keyboard alone: a bookmarked step opens with its
trajectories hidden; PageDown, R and PageUp (a presentation clicker's keys) move and reveal, with
no click first, no exception element and no console error."""
from __future__ import annotations

import pytest

from conftest import APP_READY

pytestmark = pytest.mark.browser

# How many points of the trace `label` the chart draws (null until it is drawn).
POINTS = """(label) => {
  const gd = document.querySelector('.js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find(t => t.name === label);
  return t ? t.x.length : null;
}"""


@pytest.fixture()
def page(app_url, chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "favicon" not in m.text else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not problems, problems
    context.close()


def test_a_lesson_by_the_keyboard_alone(page, app_url):
    page.goto(f"{app_url}/?lesson=learning_rate&step=3")
    page.wait_for_function(APP_READY, arg=["lr 0.2", 1], timeout=60_000)
    page.get_by_text("A bit large: lr = 0.2").wait_for()
    page.wait_for_function("() => !!window.__gsLessonKeys", timeout=30_000)     # the keys are heard
    assert page.evaluate(POINTS, "lr 0.2") == 1                  # predict first: only the start
    assert page.get_by_text("0.6 times as far").count() == 0      # and no answer yet

    page.keyboard.press("PageDown")
    page.get_by_text("Too large: lr = 0.3").wait_for(timeout=30_000)
    page.wait_for_function(APP_READY, arg=["lr 0.3", 1], timeout=30_000)
    page.wait_for_url("**step=4**", timeout=30_000)
    assert page.evaluate(POINTS, "lr 0.3") == 1

    page.keyboard.press("r")                                      # run: the trajectory plays,
    page.get_by_text("1 − 8·0.3 = −1.4", exact=False).wait_for(timeout=30_000)   # then the answer
    assert page.evaluate(POINTS, "lr 0.3") == 21

    page.keyboard.press("PageUp")
    page.get_by_text("A bit large: lr = 0.2").wait_for(timeout=30_000)
    page.wait_for_url("**step=3**", timeout=30_000)
    page.wait_for_function(APP_READY, arg=["lr 0.2", 1], timeout=30_000)
    assert page.get_by_text("0.6 times as far").count() == 0
