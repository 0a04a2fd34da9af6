"""The views of the results, one module each, in tab order: the registry.

To add a view, write a module here that builds a ``context.Tab`` (its id, label, ``draw`` and
export ``figure``; its widget keys in ``keys.Key``) and add it to ``TABS``.
"""
from __future__ import annotations

import streamlit as st

from gradscape.i18n import _

from ..context import Context, Tab
from ..keys import Key
from . import basin, critical, curves, data, fit, inside, paths, surface3d, sweep

TABS: tuple[Tab, ...] = (
    paths.TAB,
    fit.TAB,
    curves.LOSS,
    curves.DISTANCE,
    curves.LR,
    surface3d.TAB,
    inside.TAB,
    critical.TAB,
    basin.TAB,
    sweep.TAB,
    data.TAB,
)
BY_ID = {tab.id: tab for tab in TABS}
BY_LABEL = {tab.label: tab for tab in TABS}      # by the English label (the catalogue's msgid)


def by_label() -> dict[str, Tab]:
    """Every tab by its label in the session's language (``Key.VIEW`` holds the shown label)."""
    return {_(tab.label): tab for tab in TABS}


def prepare() -> None:
    """Before any widget of a run: keep every view's settings (Streamlit forgets the value of a
    widget a run does not draw, and only the open tab is drawn), let views apply pending input."""
    ss = st.session_state
    for tab in TABS:
        for key in tab.keeps:
            if key in ss:
                ss[key] = ss[key]
    for tab in TABS:
        if tab.prepare is not None:
            tab.prepare()


def open_tab() -> Tab:
    """The tab the visitor has open (the first one until a tab was chosen)."""
    return by_label().get(st.session_state.get(Key.VIEW), TABS[0])


def draw(context: Context) -> None:
    """The tab bar; only the open tab is drawn."""
    containers = st.tabs([_(tab.label) for tab in TABS], key=Key.VIEW, on_change="rerun")
    for tab, container in zip(TABS, containers):
        with container:
            if container.open:
                tab.draw(context)
