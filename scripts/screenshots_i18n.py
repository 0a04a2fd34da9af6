"""The landing page in each language, for the README and for looking at the layout.

    .venv/bin/python scripts/screenshots_i18n.py [--out docs] [--sizes 1440x1300,1280x720,1920x1080]
        [--query "lesson=1&present=1" --stem lesson]

Saves ``<out>/screenshot-<lang>.png`` at the first size (the README's, as docs/screenshot.png)
and ``<out>/screenshot-<lang>-<W>x<H>.png`` at the others; English is ``screenshot.png``. With ``--query`` the page opened is that address (e.g. a lesson in
presentation mode) and ``--stem`` names the files instead of "screenshot". Each
picture is taken once the page has settled (``tests/conftest.py``'s PAGE_SETTLED).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import PAGE_SETTLED, launch_chromium, start_app  # noqa: E402
from gradscape.i18n import LANGUAGES  # noqa: E402


# The landing view's chart is on the page and drawn (it may mount after the rest has settled).
CHART_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].some(gd => gd._fullLayout)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs")
    parser.add_argument("--sizes", default="1440x1300,1280x720,1920x1080")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--query", default="", help="more of the address, e.g. lesson=1&present=1")
    parser.add_argument("--stem", default="screenshot", help="the files' names begin with this")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with launch_chromium() as browser, start_app() as url:
        for lang in args.languages.split(","):
            for i, (width, height) in enumerate(sizes):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/?lang={lang}" + (f"&{args.query}" if args.query else ""))
                page.wait_for_function(PAGE_SETTLED, timeout=90_000)
                page.wait_for_function(CHART_DRAWN, timeout=90_000)
                page.wait_for_function(PAGE_SETTLED, timeout=90_000)
                stem = args.stem if lang == "en" else f"{args.stem}-{lang}"
                path = out / (f"{stem}.png" if i == 0 else f"{stem}-{width}x{height}.png")
                page.screenshot(path=str(path))
                print(path)
                page.close()


if __name__ == "__main__":
    main()
