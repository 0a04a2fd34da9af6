"""The page's live charts: Plotly figures that are updated in place, never rebuilt.

``st.plotly_chart`` mounts a new chart whenever the figure changes (Plotly.newPlot, the whole
picture again); this component keeps one Plotly div and applies each new figure with
Plotly.react, and reports a click anywhere inside a panel as data coordinates (Streamlit's own
chart reports only selections of points). Plotly.js is the copy in the installed ``plotly``
package, served by this app: nothing comes from the network.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import plotly
import plotly.io as pio
import streamlit as st
from streamlit.components.v1 import declare_component

# A component that is never mounted: Streamlit serves its folder, the plotly package's own
# plotly.min.js (and the package's other public files), at this address, relative to the app.
_PLOTLY_JS = "component/{}/plotly.min.js".format(
    declare_component("plotly", path=str(Path(plotly.__file__).parent / "package_data")).name)
_chart = st.components.v2.component(
    "gradscape.livechart", js=(Path(__file__).with_name("livechart.js")).read_text(encoding="utf-8"),
    isolate_styles=False, css=".st-key-plotly_preload { display: none; }")


def preload() -> None:
    """Start loading plotly.js in the browser now (call it early): the page's first chart is
    drawn sooner. Shows nothing."""
    _chart(key="plotly_preload", data={"plotly": _PLOTLY_JS}, height=0)


def live_chart(fig: Any, key: str, config: dict[str, Any], on_click: Callable[[], None] | None = None,
               notify: str | None = None, on_drawn: Callable[[], None] | None = None) -> None:
    """Show ``fig`` (Plotly ``config``).

    A click inside a panel calls ``on_click`` with ``st.session_state[key]["click"]`` set to
    ``{"x": ..., "y": ...}``. With ``notify``, once the browser has drawn this figure it calls
    ``on_drawn`` with ``st.session_state[key]["drawn"] == notify``.
    """
    _chart(key=key, data={"plotly": _PLOTLY_JS, "figure": pio.to_json(fig, validate=False),
                          "config": config, "clickable": on_click is not None, "notify": notify},
           on_click_change=on_click or _ignore, on_drawn_change=on_drawn or _ignore, width="stretch")


def _ignore() -> None:
    """A trigger with nothing to do."""
