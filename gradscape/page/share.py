"""Share and export: the URL holds the state; the open view's figure as PNG, SVG, PDF (kaleido,
with the system's Chromium) or HTML, the trajectories as CSV or JSON, the config as JSON.

Every file is made only when its button is clicked (and under ``limits.HEAVY``): a static
export takes a second or more.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable

import streamlit as st

from gradscape.figures import export

from . import limits, views
from .context import Context
from .keys import Key
from .views.data import step_columns

FIGURE_FORMATS = (("PNG", "png", "image/png", True), ("SVG", "svg", "image/svg+xml", True),
                  ("PDF", "pdf", "application/pdf", True), ("HTML", "html", "text/html", False))


def draw(context: Context) -> None:
    st.subheader("Share and export", anchor=False)
    st.caption("The address in your browser holds the whole experiment: copy it to share exactly this view.")
    has_browser = export.find_browser() is not None
    tab = views.BY_ID[context.view.tab]
    with st.container(horizontal=True):   # one element, not eight columns: fewer messages per rerun
        for label, ext, mime, needs_browser in FIGURE_FORMATS:
            disabled = needs_browser and not has_browser
            _button(label, ext, mime, f"gradscape-{tab.id}", _figure_bytes(context, ext),
                    export.NO_BROWSER if disabled else f"The current figure as {label}", disabled)
        _button("CSV", "csv", "text/csv", "trajectories", lambda: trajectories_csv(context),
                "Every step of every run as CSV")
        _button("JSON", "json", "application/json", "trajectories",
                lambda: json.dumps(context.result.to_dict()).encode(), "Every step of every run as JSON")
        st.download_button("Config", data=lambda: json.dumps(context.config.to_dict(), indent=2).encode(),
                           file_name="gradscape-config.json", mime="application/json",
                           key=f"{Key.DOWNLOAD}_config", on_click="ignore", icon=":material/download:",
                           width="stretch",
                           help="Load it back above, or run it: gradscape run gradscape-config.json")


def _button(label: str, ext: str, mime: str, name: str, data: Callable[[], bytes], help: str,
            disabled: bool = False) -> None:
    st.download_button(label, data=limits.HEAVY(data), file_name=f"{name}.{ext}", mime=mime,
                       key=f"{Key.DOWNLOAD}_{ext}", on_click="ignore", disabled=disabled,
                       icon=":material/download:", width="stretch", help=help)


def _figure_bytes(context: Context, fmt: str) -> Callable[[], bytes]:
    """The open view's figure for a file (vector contours), drawn only when asked for."""
    return lambda: export.to_bytes(views.BY_ID[context.view.tab].figure(context), fmt)


def trajectories_csv(context: Context) -> bytes:
    """Every step of every run; a label starting with = + - @ is quoted (a spreadsheet would
    take it for a formula)."""
    columns = step_columns(context.result)
    columns["label"] = ["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in columns["label"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*columns.values()))
    return out.getvalue().encode()
