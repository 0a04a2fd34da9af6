"""The surface in 3D with the runs' paths lying on it."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gradscape.i18n import _

from . import style
from .grid import contour_grid

RESOLUTION = 60       # points per side: enough for a smooth sheet, light in the browser
HEIGHT = 620


def surface_figure(result, resolution: int = RESOLUTION) -> go.Figure:
    """A 3D sheet of f over the window with every path lifted onto it.

    z is log10(f − floor) when the contours use log levels (the z-axis title says so), else f
    clipped at the top contour level (steep walls would flatten the basin to a floor). Paths are
    drawn at the same z, plus 1% of the z range so they stay visible above the sheet.

    Args:
        result: an ``experiment.Result``.
        resolution: grid points per side.
    """
    surface = result.surface
    grid = contour_grid(surface, resolution)
    low = grid.start - grid.size if grid.log else -np.inf      # a flat floor, not needle-like pits
    cap = grid.end if grid.log else grid.end + (grid.end - grid.start) * 0.6
    z = _lift(grid.z, low, cap)
    finite = z[np.isfinite(z)]
    span = float(finite.max() - finite.min()) if finite.size else 1.0
    offset = 0.01 * (span or 1.0)

    fig = go.Figure(go.Surface(x=grid.x, y=grid.y, z=z.astype(np.float32), colorscale="Viridis",
                               opacity=0.85, showscale=False, name="f", hoverinfo="skip",
                               contours=dict(z=dict(show=False))))
    for i, run in enumerate(result.runs):
        points, loss = np.asarray(run.points, dtype=float).reshape(-1, 2), np.asarray(run.loss, dtype=float)
        if not len(points):
            continue
        zs = _lift(grid.transform(loss), low, cap) + offset
        colour, label = style.colour(i), style.escape(run.label)
        fig.add_trace(go.Scatter3d(x=points[:, 0], y=points[:, 1], z=zs, mode="lines+markers", name=label,
                                   line=dict(color=colour, width=5), marker=dict(color=colour, size=2.5),
                                   customdata=loss,
                                   hovertemplate=f"{label}<br>x=%{{x:.4g}}, y=%{{y:.4g}}<br>"
                                                 "f=%{customdata:.4g}<extra></extra>"))
    if surface.minima:
        m = np.asarray(surface.minima, dtype=float)
        with np.errstate(all="ignore"):
            fm = np.asarray(np.broadcast_to(surface.value(m[:, 0], m[:, 1]), (len(m),)), dtype=float)
        fig.add_trace(go.Scatter3d(x=m[:, 0], y=m[:, 1], z=_lift(grid.transform(fm), low, cap) + offset,
                                   mode="markers", name=_("minimum"),
                                   marker=dict(symbol="cross", size=5, color="black")))
    (x0, x1), (y0, y1) = surface.window
    ztitle = "log₁₀(f − f*)" if grid.log and surface.min_value is not None else "log₁₀(f − min f)" if grid.log else "f"
    fig.update_layout(
        height=HEIGHT, margin=dict(l=0, r=0, t=30, b=0), font=style.FONT,
        scene=dict(xaxis=dict(title="x", range=[x0, x1]), yaxis=dict(title="y", range=[y0, y1]),
                   zaxis=dict(title=ztitle), aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=dict(x=-1.3, y=-1.6, z=1.1))),
        legend=dict(bgcolor="rgba(255,255,255,0.8)"),
        uirevision=f"{surface.id}|{surface.text}|{surface.window}|3d")
    return fig


def _lift(z: np.ndarray, low: float, cap: float) -> np.ndarray:
    """Clip z into [low, cap]; non-finite values stay NaN (gaps, never walls)."""
    z = np.array(z, dtype=float)
    bad = ~np.isfinite(z)
    z = np.clip(np.where(bad, 0.0, z), low, cap)
    z[bad] = np.nan
    return z
