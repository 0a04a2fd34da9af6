"""Small drawing pieces the views share: the page's style, a chart with the page's toolbar, the
busy note, the insight views' optimizer choice, a figure that says why there is nothing to draw."""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from gradscape.i18n import _
from gradscape.experiment import Result
from gradscape.figures.export import TOOLBAR_CONFIG
from gradscape.figures.style import escape

from . import limits
from .keys import Key


# Streamlit's wide layout keeps 6rem above the title and 5rem each side: at 1280 px with the
# sidebar open that leaves the views 800 px. Less padding; the tab bar wraps to a second row
# rather than hiding tabs behind an arrow. Selectors are Streamlit's test ids and ARIA roles
# (stable), not its generated class names.
STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding: 1.5rem 2rem 3rem 2rem; }
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }
</style>"""


def style() -> None:
    """The page's few style rules (``STYLE``); shows nothing."""
    st.html(STYLE)


def chart(fig: Any, key: str, **kwargs: Any) -> None:
    """A Plotly figure through Streamlit's own chart (WebGL traces, point selections)."""
    st.plotly_chart(fig, key=key, config=TOOLBAR_CONFIG, width="stretch", **kwargs)


def busy(exc: limits.Busy) -> None:
    """Too many computations at once, server-wide: say so and offer a retry (inputs are kept)."""
    st.warning(_(str(exc)), icon=":material/hourglass_top:")
    st.button(_("Try again"), key=Key.BUSY_RETRY, icon=":material/refresh:")


def sync(key: str, value: Any) -> None:
    """Show ``value`` in the widget ``key`` (drawn later in this run): write only a change,
    since Streamlit forbids writing a widget's key once the widget is drawn."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value


def line_select(result: Result, line: int, help: str) -> None:
    """The optimizer line an insight view follows (``Key.INSIGHT_LINE``), by its label."""
    lines = result.config.lines
    sync(Key.INSIGHT_LINE, line)
    st.selectbox(_("Optimizer"), range(len(lines)), key=Key.INSIGHT_LINE, help=help,
                 format_func=lambda i: lines[i].label)


def note_figure(text: str) -> go.Figure:
    """A figure that only says ``text``: what a file export of a view with nothing to show holds."""
    fig = go.Figure()
    fig.add_annotation(text=escape(text[:300]), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper")
    return fig.update_layout(xaxis_visible=False, yaxis_visible=False)
