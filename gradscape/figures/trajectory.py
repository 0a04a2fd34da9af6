"""Trajectories over contour lines: one panel per run, or all runs in one panel."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import plotly.graph_objects as go

from gradscape.experiment import Run
from gradscape.i18n import _

from . import style
from .grid import contour_grid
from .raster import contour_image

PANEL_HEIGHT = 360       # pixels per row of panels
OVERLAY_HEIGHT = 560
LONG_PATH = 200          # longer paths are drawn as lines only (markers would blot them)
CONTOURS = ("lines", "raster")
PAGE_WIDTH = 1100        # the chart's width in the page (wide layout, 1440 px window), for rasters
RASTER_SCALE = 1         # raster pixels per screen pixel: 1-pixel lines, crisp at the page size


def panel_shape(n: int) -> tuple[int, int]:
    """(rows, cols) for n panels: 2x2 for four, otherwise up to three columns."""
    cols = 1 if n <= 1 else 2 if n in (2, 4) else 3
    return math.ceil(max(n, 1) / cols), cols


def stop_reason(surface, run: Run) -> str | None:
    """"diverged at step k", "undefined at step k" or None for a run that finished.

    k is the index of the first non-finite point. A run whose last finite point is still near
    the window with a moderate loss left the function's domain (log of a negative, a kink's
    0/0): "undefined"; one that ran far away or overflowed "diverged".
    """
    k = run.diverged_at
    if k is None:
        return None
    points, loss = np.asarray(run.points), np.asarray(run.loss)
    if len(points) == 0:
        return _("undefined at step {k}").format(k=k)
    (x0, x1), (y0, y1) = surface.window
    x, y = points[-1]
    w, h = x1 - x0, y1 - y0
    near = x0 - w <= x <= x1 + w and y0 - h <= y <= y1 + h
    return (_("undefined at step {k}") if near and abs(loss[-1]) < 1e100 else _("diverged at step {k}")).format(k=k)


def trajectory_figure(result, overlay: bool = False, upto: int | None = None,
                      resolution: int | None = None,
                      height: int | None = None, title: str | None = None,
                      contours: str = "lines", critical: Sequence[Any] = ()) -> go.Figure:
    """``trajectory_spec`` as a validated ``go.Figure`` (for files and anything that edits it)."""
    return go.Figure(trajectory_spec(result, overlay, upto, resolution, height, title, contours,
                                     critical))


def trajectory_spec(result, overlay: bool = False, upto: int | None = None,
                    resolution: int | None = None,
                    height: int | None = None, title: str | None = None,
                    contours: str = "lines", critical: Sequence[Any] = ()) -> dict[str, Any]:
    """Contour lines of the surface with each run's path: a grid of panels, or one overlay, as
    the figure's plain data ``{"data": [...], "layout": {...}}``: what a browser draws, built
    without Plotly's validation (a validated ``go.Figure`` of it takes ten times as long).

    Every panel shows the same contour levels over the surface's window, the start (black
    circle), the known minima (+) and its run's path in the run's colour, ending in a star, or
    in an 'x' with a note "diverged at step k" when the run stopped being finite. Panels share
    their axis ranges, and zooming one zooms all.

    Args:
        result: an ``experiment.Result``.
        overlay: all runs in one panel with a legend instead of one panel per run.
        upto: draw each path only up to this step (playback); None draws all of it.
        resolution: contour grid points per side (default ``grid.DEFAULT_RESOLUTION``).
        height: figure height in pixels (default from the number of rows).
        title: optional figure title.
        contours: "lines", Plotly contour traces (vector: for files), or "raster", the same
            levels as one picture per panel under the traces (``raster.contour_image``); a
            browser draws that about twice as fast, so the page uses it.
        critical: critical points to mark in every panel (``surfaces.critical.CriticalPoint``:
            x, y, kind, value), by kind.
    """
    if upto is not None and (isinstance(upto, bool) or not isinstance(upto, (int, np.integer)) or upto < 0):
        raise ValueError(f"upto must be a step number >= 0, got {upto!r}")
    if contours not in CONTOURS:
        raise ValueError(f"contours must be one of {', '.join(CONTOURS)}, got {contours!r}")
    surface, runs = result.surface, result.runs
    grid = contour_grid(surface, resolution)
    n_panels = 1 if overlay else max(len(runs), 1)
    rows, cols = panel_shape(n_panels)
    axes = [("x", "y")] + [(f"x{p + 1}", f"y{p + 1}") for p in range(1, n_panels)]
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []

    levels = dict(start=grid.start, end=grid.end, size=grid.size, coloring="lines", showlabels=False)
    for xa, ya in axes:
        if contours == "lines":
            traces.append(dict(type="contour", x=grid.x, y=grid.y, z=grid.z, contours=levels,
                               autocontour=False, colorscale=style.CONTOUR_SCALE, showscale=False,
                               line=dict(width=1), hoverinfo="skip", name="contour", showlegend=False,
                               xaxis=xa, yaxis=ya))

    notes: list[list[tuple[str, str]]] = [[] for _ in axes]
    # overlaid, the paths that cover the most ground are drawn first, so that a short one (a
    # tiny lr) stays on top and visible; the legend keeps the lines' order (legendrank)
    order = sorted(range(len(runs)), key=lambda i: -_extent(runs[i])) if overlay else range(len(runs))
    for i in order:
        run = runs[i]
        p = 0 if overlay else i
        paths, note = _path(surface, run, style.colour(i), axes[p], overlay, upto)
        for trace in paths:
            trace["legendrank"] = i
        traces += paths
        if note is not None:
            notes[p].append(note)
    for p, (xa, ya) in enumerate(axes):
        traces += _marks(result, critical, (xa, ya), legend=overlay and p == 0)
        for j, (text, colour) in enumerate(notes[p]):
            annotations.append(dict(xref=f"{xa} domain", yref=f"{ya} domain", x=0.02, y=0.97 - 0.08 * j,
                                    xanchor="left", yanchor="top", showarrow=False, text=style.escape(text),
                                    font=dict(color=colour, size=13), bgcolor="rgba(255,255,255,0.85)"))

    layout = _panels(surface.window, rows, cols, n_panels,
                     None if overlay else [style.escape(r.label) for r in runs], annotations)
    height = height or (OVERLAY_HEIGHT if overlay else 80 + PANEL_HEIGHT * rows)
    margin = dict(l=55, r=20, t=75 if title else 45, b=50)
    if contours == "raster":
        layout["images"] = _rasters(surface, grid, layout, axes, height, margin)
    layout.update(
        height=height, margin=margin,
        font=style.FONT, showlegend=overlay, hovermode="closest",
        legend=dict(bgcolor="rgba(255,255,255,0.8)"),
        uirevision=f"{surface.id}|{surface.text}|{surface.window}|{overlay}|{n_panels}")
    if title:
        layout["title"] = dict(text=style.escape(title), x=0.5)
    return {"data": traces, "layout": layout}


def _extent(run: Run) -> float:
    """The diagonal of the box around a run's finite points (0 for none)."""
    points = np.asarray(run.points, dtype=float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    return float(np.hypot(*np.ptp(points, axis=0))) if len(points) else 0.0


def _path(surface, run: Run, colour: str, axis: tuple[str, str], overlay: bool,
          upto: int | None) -> tuple[list[dict[str, Any]], tuple[str, str] | None]:
    """A run's path up to step ``upto`` and its end marker (a star, or an x where it stopped),
    and the note for a run that stopped: (text, colour), or None."""
    xa, ya = axis
    label = style.escape(run.label)
    points, loss = np.asarray(run.points, dtype=float).reshape(-1, 2), np.asarray(run.loss, dtype=float)
    shown = len(points) if upto is None else min(upto + 1, len(points))
    points, loss = points[:shown], loss[:shown]
    traces = [dict(
        type="scatter", x=points[:, 0], y=points[:, 1], name=label, legendgroup=label,
        showlegend=overlay, xaxis=xa, yaxis=ya,
        mode="lines+markers" if shown <= LONG_PATH else "lines",
        line=dict(color=colour, width=1.8), marker=dict(color=colour, size=5 if shown <= 60 else 3),
        customdata=np.column_stack([np.arange(shown), loss]),
        hovertemplate=f"{label}<br>" + _("step {k}").format(k="%{customdata[0]}")
                      + "<br>x=%{x:.4g}, y=%{y:.4g}<br>f=%{customdata[1]:.4g}<extra></extra>")]
    reason = stop_reason(surface, run)
    stopped = reason is not None and (upto is None or upto >= run.diverged_at)
    if shown:
        symbol, size = ("x", style.DIVERGED_SIZE) if stopped else ("star", style.END_SIZE)
        traces.append(dict(
            type="scatter", x=points[-1:, 0], y=points[-1:, 1], mode="markers",
            name=f"{label}: " + (_("last finite point") if stopped else _("end")), legendgroup=label,
            showlegend=False, xaxis=xa, yaxis=ya,
            marker=dict(symbol=symbol, size=size, color=colour, line=dict(color="black", width=1)),
            hovertemplate=f"{label}: " + _("step {k}").format(k=shown - 1) + "<extra></extra>"))
    note = (f"{run.label}: {reason}" if overlay else reason, colour) if stopped else None
    return traces, note


def _marks(result, critical: Sequence[Any], axis: tuple[str, str], legend: bool) -> list[dict[str, Any]]:
    """What every panel marks: the critical points asked for (by kind), the minima, the start."""
    xa, ya = axis
    traces = []
    for kind, look in style.KIND_STYLE.items():
        marks = [c for c in critical if c.kind == kind]
        if marks:
            traces.append(dict(
                type="scatter", x=[c.x for c in marks], y=[c.y for c in marks], mode="markers",
                name=_("critical: {kind}").format(kind=_(kind)), legendgroup=f"critical {kind}", showlegend=legend,
                xaxis=xa, yaxis=ya,
                marker=dict(size=10, opacity=0.85, line=dict(color="black", width=1), **look),
                customdata=[c.value for c in marks],
                hovertemplate=f"{_(kind)} (%{{x:.4g}}, %{{y:.4g}})<br>f=%{{customdata:.4g}}<extra></extra>"))
    if result.surface.minima:
        mx, my = zip(*result.surface.minima)
        traces.append(dict(type="scatter", x=mx, y=my, mode="markers", name=_("minimum"), legendgroup="minimum",
                           showlegend=legend, marker=style.MINIMUM, xaxis=xa, yaxis=ya,
                           hovertemplate=_("minimum") + " (%{x:.4g}, %{y:.4g})<extra></extra>"))
    traces.append(dict(type="scatter", x=[result.start[0]], y=[result.start[1]], mode="markers",
                       name=_("start"), legendgroup="start", showlegend=legend, marker=style.START,
                       xaxis=xa, yaxis=ya, hovertemplate=_("start") + " (%{x:.4g}, %{y:.4g})<extra></extra>"))
    return traces


def _rasters(surface, grid, layout: dict[str, Any], axes, height: int,
             margin: dict[str, int]) -> list[dict[str, Any]]:
    """One contour picture per panel, stretched over its window, below the traces.

    Every panel has the same size, so one image (its size that of the first panel at
    ``PAGE_WIDTH`` x ``height``, times ``RASTER_SCALE``) serves them all.
    """
    (x0, x1), (y0, y1) = surface.window
    (a, b), (c, d) = layout["xaxis"]["domain"], layout["yaxis"]["domain"]
    width_px = (PAGE_WIDTH - margin["l"] - margin["r"]) * (b - a) * RASTER_SCALE
    height_px = (height - margin["t"] - margin["b"]) * (d - c) * RASTER_SCALE
    source = contour_image(surface, grid, max(int(round(width_px)), 2), max(int(round(height_px)), 2))
    return [dict(source=source, xref=xa, yref=ya, x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                 xanchor="left", yanchor="top", sizing="stretch", layer="below", name="contour")
            for xa, ya in axes]


def _panels(window, rows: int, cols: int, n: int, titles: list[str] | None,
            annotations: list[dict[str, Any]]) -> dict[str, Any]:
    """Layout of n panels in a rows x cols grid (row-major from the top) with shared ranges.

    Built by hand rather than with ``make_subplots``: a third of the figure's build time.
    """
    hgap, vgap = (0.07 if cols > 1 else 0.0), (0.2 / rows if rows > 1 else 0.0)
    width, height = (1 - hgap * (cols - 1)) / cols, (1 - vgap * (rows - 1)) / rows
    (x0, x1), (y0, y1) = window
    common = dict(showgrid=False, zeroline=False, showline=True, linecolor="#888", mirror=True, ticks="outside")
    layout: dict[str, Any] = {}
    for p in range(n):
        row, col = divmod(p, cols)
        left, top = col * (width + hgap), 1 - row * (height + vgap)
        suffix = "" if p == 0 else str(p + 1)
        bottom = row == rows - 1 or p + cols >= n
        layout[f"xaxis{suffix}"] = dict(common, domain=[max(left, 0.0), min(left + width, 1.0)], range=[x0, x1],
                                        anchor=f"y{suffix}", title=dict(text="x" if bottom else None),
                                        **({"matches": "x"} if p else {}))
        layout[f"yaxis{suffix}"] = dict(common, domain=[max(top - height, 0.0), min(top, 1.0)], range=[y0, y1],
                                        anchor=f"x{suffix}", title=dict(text="y" if col == 0 else None),
                                        **({"matches": "y"} if p else {}))
        if titles:
            annotations.append(dict(text=titles[p], xref="paper", yref="paper", x=left + width / 2, y=top,
                                    xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=15)))
    layout["annotations"] = annotations
    return layout
