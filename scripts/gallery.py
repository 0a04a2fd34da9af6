"""Screenshots of every view and every preset at 1280×720 and 1920×1080, to look at.

    .venv/bin/python scripts/gallery.py [--out out/gallery] [--sizes 1280x720,1920x1080] [--all]

Serves the app (``streamlit run server.py`` on a free port), opens each state in Debian's Chromium
(through Playwright, as the browser tests do) and saves a PNG of the window per state and size (and ``-below``, scrolled to the open view,
when the page is taller than the window):

- ``view-<tab>-<size>.png``: every view (tab) of the landing figure;
- ``preset-<name>-<size>.png``: every preset on the contour panels;
- ``state-<name>-<size>.png``: a few states a visitor reaches by hand (the sidebar collapsed,
  a typed formula, the overlay).

``--all`` also saves every view of every preset (``<preset>-<tab>-<size>.png``). A state is
opened by its URL (``url.encode_url``) and saved once the page has settled
(``conftest.PAGE_SETTLED``). Prints each file's name as it is written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import PAGE_SETTLED, launch_chromium, start_app  # noqa: E402
from gradscape import presets  # noqa: E402
from gradscape.experiment import Config, load  # noqa: E402
from gradscape.page.settings import View  # noqa: E402
from gradscape.page.url import URL_PARAM, encode_url  # noqa: E402
from gradscape.page.views import TABS  # noqa: E402

FORMULA = load({"surface": {"expr": "x^2 + y^2", "window": [[-5, 5], [-5, 5]]}, "start": [-3, 2],
                "optimizers": [{"name": "SGD", "params": {"lr": 0.1}},
                               {"name": "Adam", "params": {"lr": 0.1}}]})


# Scroll the main area so that the open view starts at the top of the window; false when the
# page is no taller than the window (nothing more to see).
SCROLL_TO_VIEW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const panel = document.querySelector('[role="tabpanel"]:not([hidden])');
  if (!main || !panel || main.scrollHeight <= main.clientHeight + 4) return false;
  main.scrollTop += panel.getBoundingClientRect().top - 8;
  return true;
}"""


def collapse_sidebar(page) -> None:
    page.locator('[data-testid="stSidebar"]').hover()
    page.locator('button[aria-label="Collapse sidebar"]').click()
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                           ".getAttribute('data-collapsed') === 'true'")


def states(every: bool) -> list[tuple[str, Config, View, Callable | None]]:
    """(file stem, config, view, what to do once loaded) for each screenshot."""
    default = presets.get(presets.DEFAULT)
    shots = [(f"view-{tab.id}", default, View(tab.id), None) for tab in TABS]
    shots += [(f"preset-{name}", presets.get(name), View(preset=name), None) for name in presets.PRESETS]
    shots += [("state-overlay", default, View(overlay=True), None),
              ("state-formula", FORMULA, View(preset=None), None),
              ("state-formula-critical", FORMULA, View("critical", preset=None), None)]
    if every:
        shots += [(f"{name}-{tab.id}", presets.get(name), View(tab.id, preset=name), None)
                  for name in presets.PRESETS for tab in TABS[1:]]
    # last: the browser remembers a collapsed sidebar for the pages after it
    return shots + [("state-sidebar-collapsed", default, View(), collapse_sidebar)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "gallery")
    parser.add_argument("--sizes", default="1280x720,1920x1080")
    parser.add_argument("--all", action="store_true", help="also every view of every preset")
    parser.add_argument("--only", default="", help="only the states whose stem contains this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.sizes.split(",")]
    shots = [s for s in states(args.all) if args.only in s[0]]
    with launch_chromium() as browser, start_app() as url:
        for width, height in sizes:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for stem, config, view, then in shots:
                page.goto(f"{url}/?{URL_PARAM}={encode_url(config, view)}")
                page.wait_for_function(PAGE_SETTLED, timeout=120_000)
                if then is not None:
                    then(page)
                    page.wait_for_function(PAGE_SETTLED, timeout=120_000)
                for part, scroll in (("", 0), ("-below", 1)):
                    if scroll and not page.evaluate(SCROLL_TO_VIEW):
                        break                  # the whole view fits in the window
                    path = args.out / f"{stem}-{width}x{height}{part}.png"
                    page.screenshot(path=str(path))
                    print(path, flush=True)
            context.close()


if __name__ == "__main__":
    main()
