"""End to end in real Chromium (Debian's, through Playwright): the served app as a visitor sees it.

Load, change a value, click a plot to move the start, open the shared URL in a new page,
download the PNG — with no exception element and no console error at any point. The server
and the browser are started once for the module (tests/conftest.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import APP_READY

pytestmark = pytest.mark.browser

# The trace called `label` of the first chart as [[x...], [y...]].
TRACE = """(label) => {
  const t = document.querySelector('.js-plotly-plot')._fullData.find(t => t.name === label);
  return [Array.from(t.x), Array.from(t.y)];
}"""

# True once the trace `label` differs from `before` (JSON of TRACE's value).
CHANGED = """([label, before]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find(t => t.name === label);
  return !!t && JSON.stringify([Array.from(t.x), Array.from(t.y)]) !== before;
}"""

IGNORED_CONSOLE = ("favicon",)
PANELS = ".js-plotly-plot .layer-subplot .imagelayer image"   # one contour picture per panel


@pytest.fixture()
def page(app_url, chromium):
    """A fresh page on the app; fails the test on an exception element or a console error."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not any(s in m.text for s in IGNORED_CONSOLE) else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.goto(app_url)
    page.wait_for_function(APP_READY, arg=["SGD", 4], timeout=60_000)     # the textbook's 4 lines
    yield page
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not problems, problems
    context.close()


def trace(page, label: str = "SGD") -> list[list[float]]:
    return page.evaluate(TRACE, label)


def snapshot(page, label: str = "SGD") -> str:
    """The trace as JSON text made by the page itself (to compare with what comes next)."""
    return page.evaluate(f"(label) => JSON.stringify(({TRACE})(label))", label)


def wait_changed(page, before: str, label: str = "SGD") -> None:
    page.wait_for_function(CHANGED, arg=[label, before], timeout=30_000)


def test_landing_page(page):
    assert page.get_by_text("The textbook figure", exact=False).first.is_visible()
    assert page.locator(PANELS).count() == 4                               # 2x2 panels
    source = page.locator(PANELS).first.get_attribute("href")
    assert source.startswith("data:image/png;base64,")
    xs, ys = trace(page)
    assert len(xs) == 31
    assert (xs[1], ys[1]) == pytest.approx((-7 * 0.905, 2 * -0.9))     # SGD, lr 0.95


def test_change_a_value(page):
    before = snapshot(page)
    page.evaluate("document.querySelector('.js-plotly-plot').__mark = 1")
    lr = page.locator('input[aria-label="lr"]').first
    lr.fill("0.5")
    lr.press("Enter")
    wait_changed(page, before)
    xs, ys = trace(page)
    assert (xs[1], ys[1]) == pytest.approx((-7 * 0.95, 0.0))           # (1 − 0.05)x, (1 − 1)y
    expect(page.locator('[data-testid="stMain"] h3').first).to_contain_text("(modified)")
    # the same chart, updated in place (Plotly.react), not a new one: what keeps a redraw fast
    assert page.evaluate("document.querySelector('.js-plotly-plot').__mark") == 1


def test_a_typed_value_is_drawn_from_the_route_and_the_page_follows(page):
    """Enter in a number input: the chart asks the app's route for the new runs (the input
    named as Streamlit names its element) and draws them; the page's rerun then agrees."""
    asked = []
    page.on("response", lambda r: asked.append((r.url, r.status)) if "typed=" in r.url else None)
    before = snapshot(page)
    lr = page.locator('input[aria-label="lr"]').first                  # SGD's
    lr.fill("0.5")
    lr.press("Enter")
    wait_changed(page, before)
    xs, ys = trace(page)
    assert (xs[1], ys[1]) == pytest.approx((-7 * 0.95, 0.0))           # (1 − 0.05)x, (1 − 1)y
    page.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                           ".getAttribute('data-test-script-state') === 'notRunning'")
    expect(page.locator('[data-testid="stMain"] h3').first).to_contain_text("(modified)")
    assert [(url.split("typed=")[1], status) for url, status in asked] == [("line0-opt-SGD-lr%3A0.5", 200)]
    assert trace(page) == [xs, ys]                                     # what the page drew too
    steps = page.locator('input[aria-label="steps"]').first               # leaving it commits too
    steps.fill("40")
    steps.press("Tab")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullData"
                           ".find(t => t.name === 'SGD').x.length === 41")
    assert any(url.endswith("steps%3A40") for url, _ in asked)


def test_a_plus_button_in_more_settings_is_drawn_from_the_route_too(page):
    """Momentum's "More settings": its + button moves momentum 0.9 -> 0.91, asked of the route."""
    asked = []
    page.on("response", lambda r: asked.append((r.url, r.status)) if "typed=" in r.url else None)
    before = snapshot(page, "Momentum")
    page.locator('[data-testid="stSidebar"] [data-testid="stPopoverButton"]:visible').nth(1).click()
    body = page.locator('[data-testid="stPopoverBody"]')
    momentum = body.locator('input[aria-label="momentum"]')
    momentum.locator("xpath=ancestor::*[@data-testid='stNumberInput']").locator(
        '[data-testid="stNumberInputStepUp"]').click()
    wait_changed(page, before, "Momentum")
    assert momentum.input_value() == "0.91"
    page.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                           ".getAttribute('data-test-script-state') === 'notRunning'")
    assert [(url.split("typed=")[1], status) for url, status in asked] == [("line1-opt-SGD-momentum%3A0.91", 200)]
    # heavy ball, lr 0.1, β 0.91 from (-7, 2), gradient (x/10, 2y): b₁ = g₁, b₂ = 0.91·b₁ + g₂
    xs, ys = trace(page, "Momentum")
    g1 = (-0.7, 4.0)
    x1, y1 = -7 - 0.1 * g1[0], 2 - 0.1 * g1[1]
    b2 = (0.91 * g1[0] + x1 / 10, 0.91 * g1[1] + 2 * y1)
    assert (xs[2], ys[2]) == pytest.approx((x1 - 0.1 * b2[0], y1 - 0.1 * b2[1]))


def test_a_new_tab_draws_the_trajectories_before_the_rest_of_the_page(app_url, chromium):
    """The first run draws the page down to the chart; the sidebar's inputs, the rule strip
    and the exports come once the chart is drawn."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.add_init_script("""(() => { window.__seen = {};
      const look = () => {
        const gd = document.querySelector('.js-plotly-plot');
        if (!window.__seen.chart && gd && gd._fullData && gd._fullData.some(t => t.name === 'SGD'))
          window.__seen.chart = performance.now();
        if (!window.__seen.inputs && document.querySelector('[data-testid="stSidebar"] input[aria-label="lr"]'))
          window.__seen.inputs = performance.now();
        if (!(window.__seen.chart && window.__seen.inputs)) requestAnimationFrame(look);
      };
      requestAnimationFrame(look); })()""")
    page.goto(app_url)
    page.wait_for_function(APP_READY, arg=["SGD", 4], timeout=60_000)
    seen = page.evaluate("window.__seen")
    assert seen["chart"] < seen["inputs"]
    expect(page.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
    context.close()


def test_click_on_the_plot_moves_the_start(page):
    before = snapshot(page)
    panel = page.locator(".js-plotly-plot .nsewdrag").first            # the SGD panel
    box = panel.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    wait_changed(page, before)
    xs, ys = trace(page)
    # the window is x in [-10, 10], y in [-5, 5]: a quarter from the top right is (5, 2.5),
    # to a pixel (a panel is ~370 px wide: 0.06 in x, 0.03 in y)
    assert xs[0] == pytest.approx(5, abs=0.1) and ys[0] == pytest.approx(2.5, abs=0.05)
    x_input = page.locator('input[aria-label="x"]').first
    page.wait_for_function("(v) => document.querySelector('input[aria-label=\"x\"]').value !== v",
                           arg="-7")
    assert float(x_input.input_value()) == pytest.approx(xs[0], abs=1e-3)


# The first panel's start marker in client pixels.
MARKER = """() => { const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout;
  const box = gd.getBoundingClientRect(), t = gd._fullData.find(t => t.name === 'start');
  const p = L._plots[t.xaxis + t.yaxis];
  return [box.left + p.xaxis._offset + p.xaxis.l2p(t.x[0]),
          box.top + p.yaxis._offset + p.yaxis.l2p(t.y[0])]; }"""
X_INPUT_IS_NOT = "(v) => document.querySelector('input[aria-label=\"x\"]').value !== v"


def test_dragging_the_start_moves_every_path_and_the_release_sets_it(page):
    address = page.url
    answers = []                              # the app's route answers the drag, no rerun
    page.on("response", lambda r: answers.append(r.status) if "/gradscape/paths?" in r.url else None)
    x, y = page.evaluate(MARKER)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.move(x, y)
    page.mouse.down()
    before = snapshot(page)
    for i in range(1, 11):                    # towards a quarter from the panel's top right
        page.mouse.move(x + (box["x"] + 0.75 * box["width"] - x) * i / 10,
                        y + (box["y"] + 0.25 * box["height"] - y) * i / 10)
    wait_changed(page, before)                # the paths follow while the button is down
    xs, ys = trace(page)
    assert (xs[0], ys[0]) != (-7, 2)          # from the pointer's start: first step by hand
    assert (xs[1], ys[1]) == pytest.approx((xs[0] * 0.905, ys[0] * -0.9))   # SGD lr 0.95
    assert answers and set(answers) == {200}
    assert page.locator('input[aria-label="x"]').first.input_value() == "-7"   # not yet set
    assert page.url == address
    page.mouse.up()
    page.wait_for_function(X_INPUT_IS_NOT, arg="-7")
    page.wait_for_function(CHANGED, arg=["SGD", before])
    xs, ys = trace(page)
    # released at (5, 2.5) of the window [-10, 10] x [-5, 5], to a pixel
    assert xs[0] == pytest.approx(5, abs=0.1) and ys[0] == pytest.approx(2.5, abs=0.05)
    assert float(page.locator('input[aria-label="x"]').first.input_value()) == pytest.approx(xs[0], abs=1e-3)
    for label in ("Momentum", "AdaGrad", "Adam"):                      # every panel's run
        assert trace(page, label)[0][0] == pytest.approx(xs[0], abs=1e-3)
    page.wait_for_function("(a) => window.location.href !== a", arg=address)      # shareable


def test_a_finger_drags_the_start_too(app_url, chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 1100}, has_touch=True)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_function(APP_READY, arg=["SGD", 4], timeout=60_000)
    x, y = page.evaluate(MARKER)
    touch = context.new_cdp_session(page)         # real touch input: pointer events of type "touch"
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    before = snapshot(page)
    for i in range(1, 11):
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                "touchPoints": [{"x": x + 12 * i, "y": y - 6 * i}]})
    wait_changed(page, before)                    # the paths follow the finger
    assert page.locator('input[aria-label="x"]').first.input_value() == "-7"
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function(X_INPUT_IS_NOT, arg="-7")
    assert float(page.locator('input[aria-label="x"]').first.input_value()) > -7
    context.close()


def test_the_arrow_keys_move_the_start(page):
    page.locator(".js-plotly-plot").first.focus()
    page.keyboard.press("ArrowRight")          # 1/50 of the x range [-10, 10]: 0.4
    page.wait_for_function(X_INPUT_IS_NOT, arg="-7")
    assert float(page.locator('input[aria-label="x"]').first.input_value()) == pytest.approx(-6.6, abs=1e-3)
    assert trace(page)[0][0] == pytest.approx(-6.6, abs=1e-3)


def test_a_zoom_stays_through_a_change_and_neither_it_nor_a_double_click_moves_the_start(page):
    before = snapshot(page)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
    page.mouse.move(x, y)                                              # drag a zoom box
    page.mouse.down()
    page.mouse.move(x + 80, y + 60, steps=5)
    page.mouse.up()
    ranges = "() => document.querySelector('.js-plotly-plot')._fullLayout.xaxis.range"
    page.wait_for_function(f"() => ({ranges})()[0] > -10")
    zoomed = page.evaluate(ranges)
    page.wait_for_timeout(1500)                                        # a rerun would have come
    assert snapshot(page) == before
    lr = page.locator('input[aria-label="lr"]').first                  # a new path, the same zoom
    lr.fill("0.5")
    lr.press("Enter")
    wait_changed(page, before)
    assert page.evaluate(ranges) == zoomed
    changed = snapshot(page)
    page.mouse.dblclick(x, y)                                          # back to the window
    page.wait_for_function(f"() => ({ranges})()[0] === -10 && ({ranges})()[1] === 10")
    page.wait_for_timeout(1500)
    assert snapshot(page) == changed
    assert page.locator('input[aria-label="x"]').first.input_value() == "-7"


def test_other_views_draw_and_follow_a_change(page):
    page.get_by_role("tab", name="Loss").click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout?.yaxis?.title?.text"
                           "?.startsWith('f')")
    before = snapshot(page)
    lr = page.locator('input[aria-label="lr"]').first
    lr.fill("0.5")
    lr.press("Enter")
    wait_changed(page, before)
    steps, losses = trace(page)
    assert losses[1] == pytest.approx((-7 * 0.95) ** 2 / 20)             # f(θ1): y1 = 0, by hand
    page.get_by_role("tab", name="3D surface").click()
    page.wait_for_function("() => !!document.querySelector('.js-plotly-plot')?._fullLayout?.scene")
    page.get_by_role("tab", name="Side by side").click()
    # the panels, not the 3D chart on its way out (its traces have the runs' names too)
    page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                           " return !!gd && !!gd._fullLayout && !gd._fullLayout.scene"
                           " && gd._fullData.some(t => t.name === 'start'); }")
    page.wait_for_function(APP_READY, arg=["SGD", 4])
    xs, ys = trace(page)
    assert (xs[1], ys[1]) == pytest.approx((-7 * 0.95, 0.0))


def test_the_shared_url_reproduces_the_view(page, chromium):
    before = snapshot(page, "Adam")
    lr = page.locator('input[aria-label="lr"]').nth(3)                   # Adam's
    lr.fill("0.05")
    lr.press("Enter")
    wait_changed(page, before, "Adam")
    page.get_by_text("Overlay all trajectories").click()
    page.wait_for_function(f"() => document.querySelectorAll('{PANELS}').length === 1")
    page.wait_for_function(f"() => location.search.length > 3 && "
                           f"document.querySelectorAll('{PANELS}').length === 1")
    page.wait_for_timeout(500)
    shared = page.url

    other = chromium.new_page(viewport={"width": 1440, "height": 1100})
    try:
        other.goto(shared)
        other.wait_for_function(APP_READY, arg=["Adam", 4], timeout=60_000)
        assert other.locator(PANELS).count() == 1                        # the overlay view
        for label in ("SGD", "Momentum", "AdaGrad", "Adam"):
            assert trace(other, label) == trace(page, label)
        assert other.locator('input[aria-label="lr"]').nth(3).input_value() == "0.05"
        assert other.locator('[data-testid="stException"]').count() == 0
        assert other.locator('[data-testid="stAlert"]').count() == 0      # no "bad link" warning
    finally:
        other.close()


def test_download_the_png(page):
    button = page.get_by_role("button", name="PNG", exact=True)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = open(info.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert info.value.suggested_filename == "gradscape-paths.png"
