"""The surface in 3D with every trajectory lifted onto it.

Streamlit's own chart with the full plotly.js: its WebGL traces are not in the live chart's
basic bundle.
"""
from __future__ import annotations

from typing import Any

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures import surface_figure

from .. import compute, limits, ui
from gradscape.i18n import N_

from ..context import Context, Tab
from ..keys import Key


@memo(16)
@limits.HEAVY
def figure(config: Config) -> Any:
    """The 3D figure of ``config``'s runs; shared between sessions: do not change it."""
    return surface_figure(compute.result(config))


def draw(context: Context) -> None:
    try:
        fig = figure(context.config)
    except limits.Busy as exc:
        ui.busy(exc)
        return
    ui.chart(fig, key=Key.CHART_3D)


def export_figure(context: Context) -> Any:
    return figure(context.config)


TAB = Tab("surface3d", N_("3D surface"), draw, export_figure)
