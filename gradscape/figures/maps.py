"""Heat maps of grids of runs: basins of attraction and hyperparameter sweeps.

Arrays in, ``go.Figure`` out. A basin (``optimizers.grids.Basin``) is drawn as three panels over
the start points: the final loss (log colour), which minimum each run reached (categorical:
one colour per minimum, grey for none, black for diverged) and the steps it took to converge
(left out, and said in one line, when no run converged). A sweep (``optimizers.grids.Sweep``)
as two panels over its two hyperparameters: the final loss, and the steps to converge (left out
likewise); diverged settings are black. Every scale sits under its panel.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gradscape.i18n import _

from .style import FONT, MINIMUM, PALETTE, escape

NONE_COLOUR, DIVERGED_COLOUR = "#d9d9d9", "#000000"
LOSS_SCALE, STEPS_SCALE = "Viridis", "Cividis"
LOG_FLOOR = 1e-16       # f − floor is clipped here (relative to max(1, |floor|)) before log10


def basin_figure(basin: Any, surface: Any, title: str | None = None,
                 height: int | None = None) -> go.Figure:
    """Heat maps over the grid of starts: final loss, minimum reached, steps to converge.

    Each panel's scale sits under it (a colour bar, or a legend for the minima), never beside
    it over the next panel's ticks. When no run converged the steps panel is left out and the
    subtitle says so in one line.

    Args:
        basin: a ``Basin`` (x, y, final_loss, converged_step, minimum_index, diverged, minima).
        surface: the surface the basin was computed on (its name and min_value).
        title: figure title; default "Basins of attraction on <surface name>".
        height: pixels; default 580.
    """
    steps = np.where(basin.converged_step >= 0, basin.converged_step, np.nan).astype(float)
    converged = not np.isnan(steps).all()
    titles = (_("Final loss"), _("Minimum reached")) + ((_("Steps to converge"),) if converged else ())
    fig = make_subplots(rows=1, cols=len(titles), horizontal_spacing=0.08, subplot_titles=titles)
    x, y = np.asarray(basin.x), np.asarray(basin.y)
    loss = np.asarray(basin.final_loss, dtype=float)
    floor = surface.min_value if surface.min_value is not None else _nanmin(loss)
    fig.add_trace(_log_heatmap(x, y, loss, floor, "f"), row=1, col=1)
    for trace in _categories(x, y, basin):
        fig.add_trace(trace, row=1, col=2)
    if converged:
        fig.add_trace(go.Heatmap(x=x, y=y, z=steps, colorscale=STEPS_SCALE, hoverongaps=False,
                                 colorbar=dict(title=_("steps to converge")),
                                 hovertemplate=_("start") + " (%{x:.3g}, %{y:.3g})<br>" + _("converged at step {k}").format(
                                     k="%{z}") + "<extra></extra>"), row=1, col=3)
    minima = np.asarray(basin.minima, dtype=float).reshape(-1, 2)
    for col in range(1, len(titles) + 1):
        if len(minima):
            fig.add_trace(go.Scatter(x=minima[:, 0], y=minima[:, 1], mode="markers",
                                     marker={**MINIMUM, "color": "white",
                                             "line": dict(color="white", width=2.5)},
                                     name=_("minimum"), showlegend=False,
                                     hovertemplate=_("minimum") + " (%{x:.4g}, %{y:.4g})<extra></extra>"),
                          row=1, col=col)
        fig.update_xaxes(title_text=_("x start"), range=[x[0], x[-1]], constrain="domain",
                         row=1, col=col)
        fig.update_yaxes(title_text=_("y start") if col == 1 else None, range=[y[0], y[-1]],
                         scaleanchor=f"x{'' if col == 1 else col}", constrain="domain",
                         row=1, col=col)
    _scales_below(fig, legend=_("Minimum reached:"))
    name = escape(_(surface.name))
    head = escape(title) if title else _("Basins of attraction on {surface}").format(surface=name)
    if not converged:
        head += "<br><sup>{}</sup>".format(_("No run converged, so there is no steps-to-converge panel."))
    fig.update_layout(title=head, font=FONT, height=height or 580,
                      margin=dict(l=60, r=30, t=90, b=BELOW + 40), plot_bgcolor="white")
    return fig


def sweep_figure(sweep: Any, min_value: float | None = None, title: str | None = None,
                 height: int | None = None) -> go.Figure:
    """Heat maps over the hyperparameter grid: final loss (log colour), steps to converge.

    Settings whose run diverged are black in both. Log-spaced axes are drawn on log scales.
    Each colour bar sits under its panel; when no setting converged the steps panel is left
    out and the subtitle says so in one line.

    Args:
        sweep: a ``Sweep`` (optimizer, x and y axes, final_loss, converged_step, diverged_at).
        min_value: the surface's minimum value, subtracted before the log colour scale; default
            0 if no loss is negative, else the lowest loss.
        title: figure title; default "<optimizer>: <y> × <x>".
        height: pixels; default 520.
    """
    diverged = np.asarray(sweep.diverged_at) >= 0
    steps = np.where((sweep.converged_step >= 0) & ~diverged, sweep.converged_step, np.nan)
    converged = not np.isnan(steps).all()
    titles = (_("Final loss"),) + ((_("Steps to converge"),) if converged else ())
    fig = make_subplots(rows=1, cols=len(titles), horizontal_spacing=0.1, subplot_titles=titles)
    xv, yv = np.asarray(sweep.x.values, dtype=float), np.asarray(sweep.y.values, dtype=float)
    loss = np.where(diverged, np.nan, np.asarray(sweep.final_loss, dtype=float))
    names = f"{escape(sweep.x.name)} = %{{x:.3g}}, {escape(sweep.y.name)} = %{{y:.3g}}"
    if min_value is None:
        min_value = min(_nanmin(loss), 0.0)
    fig.add_trace(_log_heatmap(xv, yv, loss, min_value, "f", names), row=1, col=1)
    if converged:
        fig.add_trace(go.Heatmap(x=xv, y=yv, z=steps.astype(float), colorscale=STEPS_SCALE,
                                 hoverongaps=False, colorbar=dict(title=_("steps to converge")),
                                 hovertemplate=f"{names}<br>" + _("converged at step {k}").format(k="%{z}") + "<extra></extra>"),
                      row=1, col=2)
    if diverged.any():
        for col in range(1, len(titles) + 1):
            fig.add_trace(go.Heatmap(x=xv, y=yv, z=np.where(diverged, 1.0, np.nan), showscale=False,
                                     colorscale=[[0, DIVERGED_COLOUR], [1, DIVERGED_COLOUR]],
                                     hoverongaps=False,
                                     hovertemplate=f"{names}<br>" + _("diverged") + "<extra></extra>"),
                          row=1, col=col)
    for col in range(1, len(titles) + 1):     # the second panel shares the first's ranges
        fig.update_xaxes(title_text=escape(sweep.x.name), type="log" if sweep.x.log else None,
                         matches="x" if col == 2 else None, row=1, col=col)
        fig.update_yaxes(title_text=escape(sweep.y.name), type="log" if sweep.y.log else None,
                         matches="y" if col == 2 else None, row=1, col=col)
    _scales_below(fig)
    head = escape(title) if title else _("{optimizer}: {y} × {x} from {start}").format(
        optimizer=escape(sweep.optimizer), y=escape(sweep.y.name), x=escape(sweep.x.name), start=tuple(sweep.start))
    if not converged:
        head += "<br><sup>{}</sup>".format(_("No setting converged, so there is no steps-to-converge panel."))
    fig.update_layout(title=head, font=FONT, height=height or 520,
                      margin=dict(l=60, r=30, t=90, b=BELOW), plot_bgcolor="white")
    return fig


def _log_heatmap(x: np.ndarray, y: np.ndarray, values: np.ndarray, floor: float, what: str,
                 where: str | None = None) -> go.Heatmap:
    """values on a log colour scale: z = log10(values − floor), ticks labelled as powers of 10."""
    where = where or _("start") + " (%{x:.3g}, %{y:.3g})"
    with np.errstate(all="ignore"):
        clip = LOG_FLOOR * max(1.0, abs(floor)) if np.isfinite(floor) else LOG_FLOOR
        z = np.log10(np.maximum(values - floor, clip))
    z[~np.isfinite(values)] = np.nan
    finite = z[np.isfinite(z)]
    lo, hi = (int(np.floor(finite.min())), int(np.ceil(finite.max()))) if finite.size else (0, 1)
    ticks = list(range(lo, hi + 1, max(1, (hi - lo + 5) // 6)))
    label = f"{what} − {floor:.3g}" if floor else what
    return go.Heatmap(x=x, y=y, z=z, customdata=values, colorscale=LOSS_SCALE, hoverongaps=False,
                      colorbar=dict(title=label, tickvals=ticks, ticktext=[f"1e{t}" for t in ticks]),
                      hovertemplate=f"{where}<br>{what} = %{{customdata:.4g}}<extra></extra>")


def _categories(x: np.ndarray, y: np.ndarray, basin: Any) -> list[go.BaseTraceType]:
    """Which minimum each start reached: 0..M−1, then "none", then "diverged".

    A heat map without a colour bar, and one legend entry per category (a square of its
    colour, in the legend under the panel: ``_scales_below``).
    """
    minima = np.asarray(basin.minima, dtype=float).reshape(-1, 2)
    m = len(minima)
    index = np.asarray(basin.minimum_index)
    z = np.where(basin.diverged, m + 1, np.where(index >= 0, index, m)).astype(float)
    colours = [PALETTE[i % len(PALETTE)] for i in range(m)] + [NONE_COLOUR, DIVERGED_COLOUR]
    labels = [f"{i}: ({a:.3g}, {b:.3g})" for i, (a, b) in enumerate(minima)] + [_("none"), _("diverged")]
    k = len(colours)
    scale = [s for i, c in enumerate(colours) for s in ([i / k, c], [(i + 1) / k, c])]
    names = np.array(labels, dtype=object)[z.astype(int)]
    heat = go.Heatmap(x=x, y=y, z=z, zmin=-0.5, zmax=k - 0.5, colorscale=scale, customdata=names,
                      showscale=False, name=_("reached"),
                      hovertemplate=_("start") + " (%{x:.3g}, %{y:.3g})<br>" + _("reached {what}").format(what="%{customdata}")
                      + "<extra></extra>")
    keys = [go.Scatter(x=[None], y=[None], mode="markers", name=label, showlegend=True,
                       marker=dict(symbol="square", size=12, color=colour,
                                   line=dict(color="#888888", width=1)))
            for label, colour in zip(labels, colours)]
    return [heat, *keys]


BELOW = 150             # bottom margin, pixels: the axis title, then the scales under the panels


def _scales_below(fig: go.Figure, legend: str | None = None) -> None:
    """Put each heat map's colour bar under its own panel, and the legend (if any, titled
    ``legend``) in a row under them: nothing is drawn beside a panel, where it would cover the
    next panel's tick labels."""
    for trace in fig.data:
        if isinstance(trace, go.Heatmap) and trace.showscale is not False:
            low, high = fig.layout[f"xaxis{(trace.xaxis or 'x')[1:]}"].domain
            trace.colorbar.update(orientation="h", x=(low + high) / 2, xanchor="center",
                                  y=-0.25, yanchor="top", len=0.8 * (high - low), thickness=12,
                                  title_side="top")
    if legend is not None:       # a row of its own under the colour bars, the figure's width
        fig.update_layout(showlegend=True, legend=dict(
            orientation="h", x=0.5, xanchor="center", y=-0.5, yanchor="top",
            title=dict(text=legend, side="left")))


def _nanmin(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.min()) if finite.size else 0.0
