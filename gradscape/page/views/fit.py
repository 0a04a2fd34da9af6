"""The data and each optimizer's model at the current step: the fitted line, the decision
boundary or the tanh curve, with the playback of the side-by-side view (same step, same Play).
A surface that is not a model over data says so."""
from __future__ import annotations

from typing import Any

import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures.export import TOOLBAR_CONFIG
from gradscape.figures.fit import fit_figure
from surfaces.models import ModelSurface

from .. import compute, limits, ui
from gradscape.i18n import N_, _

from ..context import Context, Tab
from ..keys import Key
from ..livechart import live_chart
from . import paths

ss = st.session_state


@memo(64)
@limits.HEAVY
def figure(config: Config, upto: int | None) -> Any:
    """The data and the models at step ``upto``; shared between sessions: do not change it."""
    return fit_figure(compute.result(config), upto)


def chart(context: Context) -> None:
    """Playback (shared with the side-by-side view) and the data with the models."""
    upto = paths.playback(context.config)
    try:
        fig = figure(context.config, upto)
    except limits.Busy as exc:
        ui.busy(exc)
        return
    live_chart(fig, key=Key.CHART_FIT, config=TOOLBAR_CONFIG)
    st.caption(_("Rings: the rows of the batch the next update uses. The contour panels show "
                 "the loss over all rows."))


def draw(context: Context) -> None:
    if not isinstance(context.result.surface, ModelSurface):
        st.info(_("Choose a model on data as the surface (or the preset “Batch GD, mini-batch, "
                  "SGD”) to see the data and each optimizer's fit."))
        return
    st.fragment(lambda: chart(context), run_every=paths.FRAME_SECONDS if ss.get(Key.PLAYING) else None)()


def export_figure(context: Context) -> Any:
    if not isinstance(context.result.surface, ModelSurface):
        return paths.export_figure(context)
    return figure(context.config, None)


TAB = Tab("fit", N_("Data and fit"), draw, export_figure)
