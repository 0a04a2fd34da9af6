"""Figures as files: PNG, SVG and PDF through a warm headless Chromium, HTML self-contained.

Static formats are drawn by kaleido in Chromium. Starting Chromium costs 5–8 s, so one browser
is started on the first export and kept for the life of the process (on its own event-loop
thread, closed at exit); later exports take about a second. Every export has a timeout, and a
missing browser is reported at once: kaleido would otherwise wait for it forever.

Every export is made from a copy with the ``plotly_white`` template: ``import streamlit`` makes
"streamlit" the default template, whose colours only a Streamlit page fills in, and a static
export of it comes out almost black.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from functools import lru_cache
from typing import Any, Coroutine

import plotly.graph_objects as go

from gradscape.i18n import N_, language

from .look import SIZES, Look

FORMATS = ("png", "svg", "pdf", "html")
TEMPLATE = "plotly_white"
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1100, 800
TIMEOUT = 60.0     # seconds for starting Chromium, and again for drawing one figure

# The page's charts' Plotly config: the toolbar's camera button saves a 2x PNG; a double click
# goes back to the figure's own axis ranges (the surface's window), never to "fit the data".
# Nothing drawn here is one click from leaving the machine: no "Share chart" (an upload to
# Plotly's cloud), no "Edit in Chart Studio".
CLOUD_BUTTONS = ("sendDataToCloud", "editInChartStudio")
TOOLBAR_CONFIG = {"toImageButtonOptions": {"format": "png", "scale": 2, "filename": "gradscape"},
                  "displaylogo": False, "doubleClick": "reset",
                  "showSendToCloud": False,
                  "modeBarButtonsToRemove": list(CLOUD_BUTTONS)}

NO_BROWSER = N_("static export needs Chromium: install it with `apt-get install chromium`")
# Chinese text is drawn with these when installed (Debian's fonts-noto-cjk): the Traditional
# forms for zh-Hant, Simplified otherwise; Chromium falls back to any other CJK font it finds.
CJK_FAMILIES = {"zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC"}
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags kaleido does not pass: no update checks, no QUIC, no sync: nothing goes to the network.
CHROMIUM_FLAGS = ("--disable-background-networking", "--disable-quic", "--no-first-run",
                  "--disable-component-update", "--disable-sync")


class ExportError(RuntimeError):
    """A figure could not be exported; the message says why and what to do."""


class ExportTimeout(ExportError):
    """The browser did not answer in time."""


def to_bytes(fig: go.Figure, fmt: str, width: int | None = None, height: int | None = None,
             scale: float = 2, timeout: float = TIMEOUT, look: Look | None = None) -> bytes:
    """The figure as a file's bytes: ``fmt`` is png, svg, pdf or html.

    Args:
        fig: the figure (not modified; exported with the plotly_white template).
        fmt: "png", "svg", "pdf" (drawn in Chromium) or "html" (self-contained, plotly.js
            inline: opens offline).
        width, height: size in CSS pixels; default the look's size preset, else the figure's
            own, else 1100 x 800.
        scale: pixels per CSS pixel for PNG (2: sharp on slides and high-DPI screens).
        timeout: seconds before giving up on starting the browser or drawing the figure.
        look: size preset, font scale, theme and transparency (``look.Look``); default light.

    Raises:
        ValueError: unknown format or a bad size.
        ExportError: no browser, or the export failed or timed out.
    """
    fmt = fmt.lower().lstrip(".") if isinstance(fmt, str) else fmt
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    look = look or Look()
    if SIZES[look.size] is not None:
        width, height = look.dimensions(width, height)
    width = _size(width if width is not None else fig.layout.width or DEFAULT_WIDTH, "width")
    height = _size(height if height is not None else fig.layout.height or DEFAULT_HEIGHT, "height")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.1 <= scale <= 8:
        raise ValueError(f"scale must be a number from 0.1 to 8, got {scale!r}")
    copy = look.apply(fig)
    if language() in CJK_FAMILIES:
        family = copy.layout.font.family or "Helvetica, Arial, sans-serif"
        copy.update_layout(font_family=family.replace("sans-serif", f'"{CJK_FAMILIES[language()]}", sans-serif'))
    if fmt == "html":
        copy.update_layout(width=width, height=height)
        return copy.to_html(include_plotlyjs=True, full_html=True, config=TOOLBAR_CONFIG).encode("utf-8")
    return render(copy, fmt, width, height, scale, timeout)


def render(fig: go.Figure, fmt: str, width: int, height: int, scale: float = 2,
           timeout: float = TIMEOUT) -> bytes:
    """``fig`` as it is (its own template: see ``to_bytes`` for a styled copy) drawn by Chromium
    as png, svg or pdf, ``width`` x ``height`` CSS pixels times ``scale``."""
    # an SVG's size is its CSS size (a 2x width with a 1x viewBox is drawn cut or blurred by
    # some tools); scale is for pixels only
    opts = {"format": fmt, "width": width, "height": height, "scale": 1 if fmt == "svg" else scale}
    server = _warm_browser(timeout)
    try:
        return server.render(fig, opts, timeout)
    except ExportError:
        _shutdown()             # the browser may be wedged or gone: start afresh next time
        raise


def for_export(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with an explicit light template, whatever the process default is."""
    return Look().apply(fig)


@lru_cache(maxsize=1)
def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (else Chromium draws Chinese as
    boxes): ``fc-list :lang=zh``. Without fontconfig, True (nothing to say it lacks one)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return True
    return bool(found.stdout.strip())


@lru_cache(maxsize=None)
def cjk_font_file(lang: str) -> tuple[str, int] | None:
    """(file, face index) of the system's font for ``lang``'s Chinese (``fc-match``), for
    drawing with Pillow; None without fontconfig or a CJK font."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}|%{index}", f":lang={FC_LANGS.get(lang, 'zh-cn')}"],
                               capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    path, _sep, index = found.partition("|")
    return (path, int(index or 0)) if has_cjk_font() and os.path.isfile(path) else None


FC_LANGS = {"zh-Hans": "zh-cn", "zh-Hant": "zh-tw"}


def find_browser() -> str | None:
    """The Chromium to use: ``BROWSER_PATH`` if set (and executable), else the first on PATH."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    for name in BROWSER_NAMES:
        if path := shutil.which(name):
            return path
    return None


def _size(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 10 <= value <= 10_000:
        raise ValueError(f"{what} must be a number of pixels from 10 to 10000, got {value!r}")
    return int(value)


# --- the warm browser ---------------------------------------------------------------------------

class _Browser:
    """One headless Chromium driven by kaleido, on an event loop in its own thread."""

    def __init__(self, executable: str, timeout: float) -> None:
        self._dir = tempfile.mkdtemp(prefix="gradscape-chromium-")
        self._loop = asyncio.new_event_loop()
        # A timed-out task fails later, unobserved; its traceback would clutter stderr.
        self._loop.set_exception_handler(lambda loop, context: None)
        self._thread = threading.Thread(target=self._loop.run_forever, name="gradscape-export", daemon=True)
        self._thread.start()
        self._kaleido = None
        try:
            self._kaleido = self._call(self._create(_wrapper(self._dir, executable), timeout), timeout)
            self._call(self._kaleido.open(), timeout)
        except BaseException:
            self.close()
            raise

    @staticmethod
    async def _create(path: str, timeout: float) -> Any:
        import kaleido   # imported here: a process that never exports never pays for it
        return kaleido.Kaleido(n=1, timeout=timeout, mathjax=False, path=path)

    def render(self, fig: go.Figure, opts: dict[str, Any], timeout: float) -> bytes:
        return self._call(self._kaleido.calc_fig(fig, opts=opts), timeout)

    def _call(self, coroutine: Coroutine, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ExportTimeout(f"static export timed out after {timeout:g} s") from None
        except ExportError:
            raise
        except Exception as exc:   # kaleido's and the browser's errors, as one kind
            raise ExportError(f"static export failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc

    def close(self) -> None:
        """Close the browser; kill its process group if it does not go within a few seconds."""
        if self._kaleido is not None:
            kaleido, self._kaleido = self._kaleido, None
            process = getattr(kaleido, "subprocess", None)
            try:
                self._call(kaleido.close(), 5)
            except ExportError:
                pass
            if process is not None:    # choreographer starts it in a session of its own
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:        # already gone: the usual case
                    pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()     # its self-pipe sockets too: no ResourceWarning later
        shutil.rmtree(self._dir, ignore_errors=True)


def _wrapper(directory: str, executable: str) -> str:
    """A script that runs ``executable`` with CHROMIUM_FLAGS added (kaleido takes only a path)."""
    path = os.path.join(directory, "chromium")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"#!/bin/sh\nexec {shlex.quote(executable)} {' '.join(CHROMIUM_FLAGS)} \"$@\"\n")
    os.chmod(path, 0o755)
    return path


_BROWSER: _Browser | None = None
_LOCK = threading.Lock()
_REGISTERED = False


def _warm_browser(timeout: float) -> _Browser:
    """The process's browser, started on first use; ExportError at once if there is none."""
    global _BROWSER, _REGISTERED
    with _LOCK:
        if _BROWSER is None:
            executable = find_browser()
            if executable is None:
                raise ExportError(NO_BROWSER)
            _BROWSER = _Browser(executable, timeout)
            if not _REGISTERED:
                atexit.register(_shutdown)
                _REGISTERED = True
        return _BROWSER


def _shutdown() -> None:
    """Close the browser (at exit, or after a failure)."""
    global _BROWSER
    with _LOCK:
        browser, _BROWSER = _BROWSER, None
    if browser is not None:
        browser.close()
