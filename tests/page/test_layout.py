"""The page as a visitor sees it at 1280×720 and 1920×1080, in real Chromium (issue 15).

Every chart fills its container after the sidebar is collapsed or the window resized; no
label is cut to an ellipsis and the tab bar hides no tab; no chart's toolbar offers an upload to
Plotly's cloud; no colour bar is drawn over another panel's tick labels. Each wait is for a
state of the page, never for a time.
"""
from __future__ import annotations

import pytest

from conftest import PAGE_SETTLED
from gradscape import presets
from gradscape.page.settings import View
from gradscape.page.url import URL_PARAM, encode_url

pytestmark = pytest.mark.browser
SIZES = [(1280, 720), (1920, 1080)]

# Each Plotly chart's width and its SVG's: equal once it has followed its container.
CHART_WIDTHS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => [
  Math.round(gd.getBoundingClientRect().width),
  Math.round(Number(gd.querySelector('.main-svg').getAttribute('width')))])"""
CHARTS_FIT = f"() => ({CHART_WIDTHS})().every(([div, svg]) => Math.abs(div - svg) <= 1)"

# Labels of buttons, toggles, checkboxes and tabs whose text is cut (an ellipsis or overflow).
CUT_LABELS = """() => {
  const cut = [];
  const nodes = document.querySelectorAll(
    '[data-testid="stMain"] button p, [data-testid="stMain"] label p, [data-testid="stMain"] [role="tab"] p');
  for (const el of nodes) {
    if (el.offsetParent === null) continue;
    if (el.scrollWidth > el.clientWidth + 1 || /…$/.test(el.innerText)) cut.push(el.innerText);
  }
  return cut;
}"""

# Tabs not wholly inside the tab bar's visible box.
HIDDEN_TABS = """() => {
  const bar = document.querySelector('[role="tablist"]').parentElement.getBoundingClientRect();
  return [...document.querySelectorAll('[role="tab"]')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width === 0 || r.left < bar.left - 1 || r.right > bar.right + 1;
  }).map(t => t.innerText);
}"""

# Titles of the modebar buttons of every chart.
TOOLBAR = "() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))"

# Pairs of (colour bar text, tick label of a panel) whose boxes overlap.
OVERLAPS = """() => {
  const boxes = sel => [...document.querySelectorAll(sel)].map(e => [e.textContent, e.getBoundingClientRect()]);
  const bars = boxes('.js-plotly-plot .colorbar text, .js-plotly-plot .legend text');
  const ticks = boxes('.js-plotly-plot .xaxislayer-above text, .js-plotly-plot .yaxislayer-above text, '
                      + '.js-plotly-plot [class*="ytitle"] text');
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return bars.flatMap(([s, a]) => ticks.filter(([t, b]) => hit(a, b)).map(([t]) => [s, t]));
}"""


SIDEBAR = """(collapsed) => document.querySelector('[data-testid="stSidebar"]')
  .getAttribute('data-collapsed') === collapsed"""


def open_view(page, url: str, tab: str, preset: str = "textbook") -> None:
    page.goto(f"{url}/?{URL_PARAM}={encode_url(presets.get(preset), View(tab, preset=preset))}")
    page.wait_for_function(PAGE_SETTLED, timeout=90_000)


@pytest.fixture()
def window(app_url, chromium, request):
    width, height = request.param
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("window", SIZES, indirect=True)
def test_charts_follow_the_sidebar_and_the_window(window, app_url):
    """The side-by-side chart kept its width when the sidebar was collapsed (item 1)."""
    open_view(window, app_url, "paths")
    window.wait_for_function(CHARTS_FIT, timeout=10_000)
    window.locator('[data-testid="stSidebar"]').hover()
    window.locator('button[aria-label="Collapse sidebar"]').click()
    window.wait_for_function(SIDEBAR, arg="true")
    window.wait_for_function(CHARTS_FIT, timeout=10_000)
    widths = window.evaluate(CHART_WIDTHS)
    window.set_viewport_size({"width": 1600, "height": 900})
    window.wait_for_function(f"() => ({CHART_WIDTHS})()[0][0] !== {widths[0][0]} && ({CHARTS_FIT})()",
                             timeout=10_000)
    window.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    window.wait_for_function(SIDEBAR, arg="false")
    window.wait_for_function(CHARTS_FIT, timeout=10_000)


@pytest.mark.parametrize("window", SIZES, indirect=True)
def test_no_label_is_cut_and_every_tab_shows(window, app_url):
    """At 1280 the Play button read "P…", the toggle "Log …", and "Data" hid behind the tab
    bar's arrow (item 4)."""
    open_view(window, app_url, "paths")
    assert window.evaluate(CUT_LABELS) == []
    assert window.evaluate(HIDDEN_TABS) == []
    for name in ("Play", "Log scale", "Loop", "Data"):
        assert window.get_by_text(name, exact=True).first.is_visible()
    title = window.locator('[data-testid="stMain"] h1').first.bounding_box()
    assert title["y"] < 100                                   # no wide band above the title


@pytest.mark.parametrize("window", [SIZES[0]], indirect=True)
@pytest.mark.parametrize("tab", ["paths", "loss", "basin"])
def test_no_toolbar_offers_plotlys_cloud(window, app_url, tab):
    """Plotly's toolbar offered "Share chart", an upload to its cloud (item 11)."""
    open_view(window, app_url, tab)
    window.wait_for_function(f"() => ({TOOLBAR})().includes('Download plot as a PNG')", timeout=30_000)
    titles = window.evaluate(TOOLBAR)
    assert titles and "Download plot as a PNG" in titles
    assert not [t for t in titles if "Share" in t or "Chart Studio" in t or "cloud" in t.lower()]


@pytest.mark.parametrize("window", [SIZES[0]], indirect=True)
@pytest.mark.parametrize("tab, preset", [("basin", "himmelblau"), ("basin", "textbook"),
                                         ("sweep", "textbook")])
def test_no_colour_bar_covers_another_panels_ticks(window, app_url, tab, preset):
    """Colour bars printed "diverged", "none", "0: (1, 1)" over the next panel's y ticks
    (item 2)."""
    open_view(window, app_url, tab, preset)
    assert window.locator(".js-plotly-plot .colorbar").count() >= 1
    assert window.evaluate(OVERLAPS) == []


# Labels cut anywhere on the page, the sidebar included (the Chinese labels are shorter but
# wider per character than the English).
CUT_ANYWHERE = CUT_LABELS.replace('[data-testid="stMain"] button p, [data-testid="stMain"] label p, ',
                                  'button p, label p, ')


@pytest.mark.parametrize("window", SIZES, indirect=True)
@pytest.mark.parametrize("lang, play, tab", [("zh-Hans", "播放", "数据"), ("zh-Hant", "播放", "資料")])
def test_no_label_is_cut_in_chinese(window, app_url, lang, play, tab):
    """Every label of the landing page whole and every tab in the bar, in each Chinese."""
    window.goto(f"{app_url}/?lang={lang}")
    window.wait_for_function(PAGE_SETTLED, timeout=90_000)
    assert window.evaluate(CUT_ANYWHERE) == []
    assert window.evaluate(HIDDEN_TABS) == []
    for name in (play, tab):
        assert window.get_by_text(name, exact=True).first.is_visible()


def test_a_chinese_browser_opens_the_page_in_chinese(app_url, chromium):
    """No ``lang`` in the link: the browser's language decides (Taiwan: 繁體中文), and the
    URL then carries it for whoever the link is shared with."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_function(PAGE_SETTLED, timeout=90_000)
    page.get_by_text("優化器", exact=True).first.wait_for()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'zh-Hant'")
    assert page.locator(".st-key-lang input").first.input_value() == "繁體中文"    # the selector says so
    context.close()
