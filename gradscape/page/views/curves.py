"""Loss, distance to the nearest minimum and learning rate against step: three tabs, one module.

Each is a live chart (updated in place when a value changes), on a log axis for loss and
distance when the "Log scale" toggle is on.
"""
from __future__ import annotations

from typing import Any, Callable

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures import distance_figure, loss_figure, lr_figure
from gradscape.figures.export import TOOLBAR_CONFIG

from .. import compute, limits, ui
from gradscape.i18n import N_

from ..context import Context, Tab
from ..keys import Key
from ..livechart import live_chart

FIGURES: dict[str, Callable[..., Any]] = {
    "loss": lambda result, log_y: loss_figure(result, log_y=log_y),
    "distance": lambda result, log_y: distance_figure(result, log_y=log_y),
    "lr": lambda result, log_y: lr_figure(result),
}


@memo(64)
@limits.HEAVY
def figure(kind: str, config: Config, log_y: bool) -> Any:
    """The ``kind`` curves of ``config``'s runs; shared between sessions: do not change it."""
    return FIGURES[kind](compute.result(config), log_y)


def _tab(kind: str, label: str, key: Key) -> Tab:
    def draw(context: Context) -> None:
        try:
            fig = figure(kind, context.config, context.view.log_y)
        except limits.Busy as exc:
            ui.busy(exc)
            return
        live_chart(fig, key=key, config=TOOLBAR_CONFIG)

    def export_figure(context: Context) -> Any:
        return figure(kind, context.config, context.view.log_y)

    return Tab(kind, label, draw, export_figure)


LOSS = _tab("loss", N_("Loss"), Key.CHART_LOSS)
DISTANCE = _tab("distance", N_("Distance"), Key.CHART_DISTANCE)
LR = _tab("lr", N_("Learning rate"), Key.CHART_LR)
