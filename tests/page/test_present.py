"""Presentation mode (issue 11): the keys that drive playback, the projector's type sizes, the
toggle and the URL flag through AppTest; in real Chromium at 1280×720 and 1920×1080, the whole
2×2 on one screen with every panel's title, and the keyboard stepping the playback.

Browser waits are for states of the page (the slider's value, the Play button), never a time.
"""
from __future__ import annotations

import pytest

from apptest import refresh, start
from conftest import PAGE_SETTLED
from gradscape.figures.look import presentation
from gradscape.page.keys import Key
from gradscape.page.present import stepped
from gradscape.page.url import decode_url


# --- keys -> playback -------------------------------------------------------------------------

@pytest.mark.parametrize("key, upto, playing, expected", [
    ("ArrowRight", 4, False, (5, False)), ("ArrowRight", 30, False, (30, False)),
    ("ArrowRight", 4, True, (5, False)),                 # stepping pauses
    ("ArrowLeft", 4, False, (3, False)), ("ArrowLeft", 0, False, (0, False)),
    ("Home", 17, True, (0, False)), ("End", 3, False, (30, False)),
    (" ", 12, False, (12, True)), (" ", 12, True, (12, False)),
    (" ", 30, False, (0, True)),                          # at the end, play from the start
    ("a", 12, True, (12, True)),
])
def test_keys_step_play_and_jump(key, upto, playing, expected):
    assert stepped(key, upto, 30, playing) == expected


# --- type for the back of a room ------------------------------------------------------------

def test_presentation_type_sizes_and_the_shared_spec_is_left_alone():
    layout = {"font": {"size": 13}, "xaxis": {"title": {"text": "x"}}, "xaxis2": {"title": {"text": None}},
              "yaxis": {"title": {"text": "y"}}, "yaxis2": {"title": {"text": None}},
              "annotations": [{"text": "SGD", "xref": "paper", "yref": "paper", "font": {"size": 15}},
                              {"text": "diverged", "xref": "x domain", "yref": "y domain",
                               "font": {"size": 13}}],
              "margin": {"l": 55, "r": 20, "t": 45, "b": 50}}
    spec = {"data": [], "layout": layout}
    shown = presentation(spec)["layout"]
    assert shown["font"]["size"] >= 16                                    # ticks inherit it
    assert shown["annotations"][0]["font"]["size"] >= 22                  # the panel's title
    assert shown["annotations"][1]["font"]["size"] >= 16
    assert shown["xaxis2"]["showticklabels"] is False and "showticklabels" not in shown["xaxis"]
    assert layout["font"]["size"] == 13 and layout["annotations"][0]["font"]["size"] == 15
    assert "showticklabels" not in layout["xaxis2"]


# --- the toggle (AppTest) ---------------------------------------------------------------------

def test_the_toggle_and_the_url_flag():
    at = start()
    assert at.title and at.title[0].value == "gradscape"
    assert "present" not in at.query_params
    at.toggle(key=Key.PRESENT).set_value(True).run()
    refresh(at)
    assert not at.title                                   # the header is one line
    assert not [b for b in at.get("download_button")]      # no export row under the view
    assert decode_url(dict(at.query_params)).present is True
    at.toggle(key=Key.PRESENT).set_value(False).run()
    refresh(at)
    assert at.title and "present" not in at.query_params


def test_a_bookmarked_present_link_opens_in_presentation_mode():
    at = start(present="1")
    assert at.toggle(key=Key.PRESENT).value is True and not at.title


# --- in the browser ---------------------------------------------------------------------------

CHART_READY = "() => { const gd = document.querySelector('.gs-live'); return gd && gd._fullLayout; }"
STEP = "() => Number(document.querySelector('.st-key-upto input[type=range]').value)"
# How many points of SGD's path the chart draws: the step shown, plus the start.
SGD_POINTS = "() => document.querySelector('.gs-live').data.filter(t => t.name === 'SGD').map(t => t.x.length)"
PLAY_SHOWN = r"() => [...document.querySelectorAll('.st-key-play button')].some(b => /\bPlay$/.test(b.innerText.trim()))"
PAUSE_SHOWN = r"() => [...document.querySelectorAll('.st-key-play button')].some(b => /\bPause$/.test(b.innerText.trim()))"
# The chart fills its width and fits its height: what the screen shows once it has settled.
FITTED = """() => {
  const gd = document.querySelector('.gs-live');
  if (!gd || !gd._fullLayout) return false;
  const box = gd.getBoundingClientRect();
  return Math.abs(box.width - gd._fullLayout.width) <= 1 && Math.abs(box.height - gd._fullLayout.height) <= 1
    && box.bottom <= window.innerHeight;
}"""
# The chart's box, its panel titles (text, font size, box) and its tick labels' font sizes.
MEASURE = """() => {
  const gd = document.querySelector('.gs-live');
  const box = r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right});
  return {
    chart: box(gd.getBoundingClientRect()), viewport: [window.innerWidth, window.innerHeight],
    scroll: document.scrollingElement.scrollTop,
    titles: [...gd.querySelectorAll('.annotation-text')].map(t => ({
      text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), box: box(t.getBoundingClientRect())})),
    ticks: [...gd.querySelectorAll('.xaxislayer-above text, .yaxislayer-above text')]
      .map(t => parseFloat(getComputedStyle(t).fontSize)),
    sidebar: document.querySelector('[data-testid="stSidebar"]')?.getAttribute('aria-expanded'),
  };
}"""


def open_present(chromium, app_url, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/?present=1")
    page.wait_for_function(PAGE_SETTLED, timeout=90_000)
    page.wait_for_function(CHART_READY, timeout=60_000)
    page.wait_for_function(FITTED, timeout=30_000)
    return context, page, errors


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_whole_2x2_is_on_one_screen_in_large_type(chromium, app_url, size):
    context, page, errors = open_present(chromium, app_url, *size)
    m = page.evaluate(MEASURE)
    width, height = m["viewport"]
    assert m["scroll"] == 0 and m["chart"]["bottom"] <= height and m["chart"]["top"] >= 0
    titles = {t["text"]: t for t in m["titles"]}
    assert set(titles) >= {"SGD", "Momentum", "AdaGrad", "Adam"}
    for name in ("SGD", "Momentum", "AdaGrad", "Adam"):
        t = titles[name]
        assert 0 <= t["box"]["top"] and t["box"]["bottom"] <= height, name
        assert 0 <= t["box"]["left"] and t["box"]["right"] <= width, name
        assert t["size"] >= 22, name
    assert m["ticks"] and min(m["ticks"]) >= 16
    assert m["sidebar"] != "true"                          # folded away
    assert not errors, errors
    context.close()


@pytest.mark.browser
def test_the_keyboard_steps_plays_and_jumps(chromium, app_url):
    context, page, errors = open_present(chromium, app_url, 1280, 720)
    assert page.evaluate(STEP) == 30                      # the landing figure's whole run
    page.keyboard.press("Home")
    page.wait_for_function(f"() => ({STEP})() === 0", timeout=20_000)
    for key, expected in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", 30),
                          ("ArrowLeft", 29), ("Home", 0)):
        page.keyboard.press(key)
        page.wait_for_function(f"() => ({STEP})() === {expected}", timeout=20_000)
        page.wait_for_function(f"() => ({SGD_POINTS})().includes({expected + 1})", timeout=20_000)
    page.keyboard.press(" ")                              # play
    page.wait_for_function(PAUSE_SHOWN, timeout=20_000)
    page.wait_for_function(f"() => ({STEP})() >= 3", timeout=30_000)
    page.keyboard.press(" ")                              # pause
    page.wait_for_function(PLAY_SHOWN, timeout=20_000)
    page.wait_for_function(PAGE_SETTLED, timeout=20_000)
    paused = page.evaluate(STEP)
    page.keyboard.press("ArrowRight")                     # and step on from where it paused
    page.wait_for_function(f"() => ({STEP})() === {min(paused + 1, 30)}", timeout=20_000)
    assert not errors, errors
    context.close()
