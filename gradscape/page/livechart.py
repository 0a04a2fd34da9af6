"""The page's live charts: Plotly figures that are updated in place, never rebuilt.

``st.plotly_chart`` mounts a new chart whenever the figure changes (Plotly.newPlot, the whole
picture again); this component keeps one Plotly div and applies each new figure with
Plotly.react, and reports a click anywhere inside a panel as data coordinates (Streamlit's own
chart reports only selections of points).

Plotly.js is served by this app, never fetched from the network: plotly.js's basic bundle
(scatter, bar and pie traces; 1.2 MB, which a browser starts in a quarter of the time of the
full 4.8 MB one), installed by ``make`` from npm (package.json), when it is the same plotly.js
version as the plotly package's full bundle; else that full bundle.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Callable

import plotly
import plotly.io as pio
import streamlit as st
from streamlit.components.v1 import declare_component

from .keys import Key

FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BASIC = Path(__file__).parents[2] / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})


def version(bundle: Path) -> str | None:
    """The plotly.js version a bundle's header names ("4.1.1"), or None (no file, no header)."""
    try:
        with bundle.open(encoding="utf-8") as file:
            head = file.read(300)
    except OSError:
        return None
    found = re.search(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


def bundle(basic: Path = BASIC, full: Path = FULL) -> Path:
    """The basic bundle when it is there and of the full bundle's plotly.js version, else the full."""
    return basic if version(basic) is not None and version(basic) == version(full) else full


# A component that is never mounted: Streamlit serves the bundle's folder (and so its other
# public files: the plotly package's sample data, or the npm package's readme) at this address.
_BUNDLE = bundle()
_PLOTLY_JS = "component/{}/{}".format(declare_component("plotly", path=str(_BUNDLE.parent)).name, _BUNDLE.name)
_chart = st.components.v2.component(
    "gradscape.livechart", js=(Path(__file__).with_name("livechart.js")).read_text(encoding="utf-8"),
    isolate_styles=False, css=f".st-key-{Key.PRELOAD} {{ display: none; }}")


def preload() -> None:
    """Start loading plotly.js in the browser now (call it early): the page's first chart is
    drawn sooner. Shows nothing."""
    _chart(key=Key.PRELOAD, data={"plotly": _PLOTLY_JS}, height=0)


def live_chart(fig: Any, key: str, config: dict[str, Any], on_click: Callable[[], None] | None = None,
               notify: str | None = None, on_drawn: Callable[[], None] | None = None,
               on_release: Callable[[], None] | None = None, drag: dict[str, str] | None = None,
               fit: bool = False, on_key: Callable[[], None] | None = None) -> None:
    """Show ``fig`` (a ``go.Figure``, or its plain data ``{"data", "layout"}``; Plotly
    ``config``): scatter, bar and pie traces only (``BASIC_TRACES``).

    A click inside a panel calls ``on_click`` with ``st.session_state[key]["click"]`` set to
    ``{"x": ..., "y": ...}``. With ``notify``, once the browser has drawn this figure it calls
    ``on_drawn`` with ``st.session_state[key]["drawn"] == notify``.

    With ``on_click``, the start marker (the traces of legendgroup "start") can be dragged: on release
    (or an arrow key, on the focused chart) ``on_release`` gets ``[key]["release"] == {"x", "y"}``.
    While the button is down, with ``drag == {"address", "key"}``, the browser asks
    ``address?key=..&x=..&y=..`` (relative to the app's address; one request at a time, the
    latest position next) for ``{"data", "annotations"}``: the traces and the layout's
    annotations from that start, which it draws in place of the figure's (no script reruns).
    With ``drag["inputs"]`` (names of the sidebar's number inputs, ``keys.css_key``), a value
    typed into one of them (Enter, leaving it, or its − and + buttons) is asked of the same
    address as ``typed=NAME:TEXT`` and drawn at once, while the page reruns as usual; the
    page's figure then follows (and is not drawn again if it is what the answer drew).

    With ``fit`` the chart is as tall as the window below its top allows (presentation mode:
    nothing to scroll). With ``on_key`` the page's → ← Space Home End keys (outside inputs that
    use them) call it with ``[key]["key"] == {"key": ..., "seq": n}``, and the arrows no longer
    move the start.

    Layout images (the contour pictures, the same one in every panel) travel once: each image
    is sent as a short hash, its picture only the first time this session's browser needs it
    (the browser keeps them; one it lacks, it asks for again).
    """
    spec = fig if isinstance(fig, dict) else fig.to_plotly_json()
    if not {t.get("type") or "scatter" for t in spec["data"]} <= BASIC_TRACES:
        raise ValueError(f"the live chart draws {', '.join(sorted(BASIC_TRACES))} traces only")
    layout, pictures = _image_refs(spec["layout"])
    sent = st.session_state.setdefault(Key.SENT_IMAGES, {}).setdefault(key, set())
    data = {"plotly": _PLOTLY_JS, "figure": pio.to_json({"data": spec["data"], "layout": layout},
                                                        validate=False),
            "images": {h: picture for h, picture in pictures.items() if h not in sent},
            "config": config, "clickable": on_click is not None, "notify": notify,
            "drag": drag, "fit": fit, "keys": on_key is not None}
    sent.update(pictures)
    _chart(key=key, data=data, on_click_change=on_click or _ignore,
           on_drawn_change=on_drawn or _ignore, on_missing_change=lambda: sent.clear(),
           on_release_change=on_release or _ignore, on_key_change=on_key or _ignore,
           width="stretch")


def _image_refs(layout: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The layout with each image's source replaced by a hash of it, and the pictures by hash."""
    images = layout.get("images")
    if not images:
        return layout, {}
    pictures: dict[str, str] = {}
    refs = []
    for image in images:
        picture = image["source"]
        ref = "gs:" + hashlib.blake2b(picture.encode(), digest_size=10).hexdigest()
        pictures[ref] = picture
        refs.append({**image, "source": ref})
    return {**layout, "images": refs}, pictures


def _ignore() -> None:
    """A trigger with nothing to do."""
