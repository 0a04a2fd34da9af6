"""The insight views' figures: one update of an optimizer as arrows, and critical points.

``inside_figure`` draws one run on a single contour panel (``trajectory_figure``) up to update k
and, from the point θ_{k−1} that update left, arrows in position units:

    gradient step   −lr·∇f(θ_{k−1})      what plain gradient descent would do with this lr
    update          Δθ = θ_k − θ_{k−1}    what the optimizer did
    momentum        −lr·m                 its momentum / first-moment buffer m after the update,
                                          as a step of size lr (optimizers that keep one)

and the ellipse {−η ⊙ u : |u| = |∇f|} of the effective per-coordinate learning rate η: the step
a gradient of this size would cause, pointing any way. For SGD it is the circle of radius
lr·|∇f| through the gradient step's tip; an adaptive method stretches it along the coordinate it
scales up (Adam's first step: η = lr/(|g| + eps), long across the shallow x, short along the
steep y: the anisotropy undone). Vectors too small or too large to see are all drawn ×scale,
one power of ten, named in the legend.

``critical_figure`` marks critical points by kind on the contours and, at a chosen one, the
Hessian's eigenvectors. ``clickable_sweep_figure`` is ``maps.sweep_figure`` with a grid of
invisible selectable points on its cells: Streamlit forwards only selections, and heat maps
cannot be selected.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gradscape.i18n import N_, _

from . import style
from .maps import sweep_figure
from .trajectory import trajectory_figure

GRADIENT_COLOUR, MOMENTUM_COLOUR, ELLIPSE_COLOUR = "#444444", "#9467bd", "#17becf"
ARROW_SIZE = 14
SEEN = (0.1, 0.5)       # the longest vector is drawn at 10–50 % of the window's diagonal ...
TARGET = 0.25           # ... else scaled to at most 25 % of it
EIGEN_LENGTH = 0.08     # eigenvector segments: ± this × the window's diagonal
CURVATURE_COLOUR = {1: "#1f77b4", -1: "#d62728", 0: "#7f7f7f"}   # by the eigenvalue's sign


# --- inside the optimizer -------------------------------------------------------------------

def step_vectors(trace: Any, step: int) -> dict[str, np.ndarray]:
    """The arrows of update ``step`` (1-based) of an ``optimizers.stepwise.Trace``, unscaled.

    {"gradient": −lr·∇f, "update": Δθ, "momentum": −lr·m (only if the optimizer keeps one)}.
    """
    t = _index(trace, step)
    lr = float(trace.lr[t])
    vectors = {"gradient": -lr * np.asarray(trace.grad[t], dtype=float),
               "update": np.asarray(trace.update[t], dtype=float)}
    if trace.momentum is not None:
        vectors["momentum"] = -lr * np.asarray(trace.momentum[t], dtype=float)
    return vectors


def ellipse_axes(trace: Any, step: int) -> np.ndarray:
    """Semi-axes (along x, along y) of the effective-lr ellipse: η ⊙ (|∇f|, |∇f|)."""
    t = _index(trace, step)
    return np.asarray(trace.effective_lr[t], dtype=float) * float(np.hypot(*trace.grad[t]))


def arrow_scale(lengths: Any, window: Any) -> float:
    """The factor to draw vectors by: 1 if the longest is 10–50 % of the window's diagonal,
    else the largest of 1, 2, 5 × 10ᵏ that draws it at most 25 % of the diagonal long.

    Non-finite lengths are ignored; with nothing finite and positive to draw the scale is 1.
    """
    (x0, x1), (y0, y1) = window
    diagonal = math.hypot(x1 - x0, y1 - y0)
    values = np.asarray(lengths, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return 1.0
    longest = float(values.max())
    if SEEN[0] * diagonal <= longest <= SEEN[1] * diagonal:
        return 1.0
    most = TARGET * diagonal / longest
    power = min(max(math.floor(math.log10(most)), -12), 12)
    return max(m * 10.0 ** power for m in (1, 2, 5) if m * 10.0 ** power <= most * (1 + 1e-12))


def inside_figure(result: Any, index: int, trace: Any, step: int, scale: float | None = None,
                  height: int | None = None, contours: str = "lines") -> go.Figure:
    """Run ``index`` of ``result`` up to update ``step``, with that update's arrows and ellipse.

    Args:
        result: an ``experiment.Result``.
        index: which run (line) of the result.
        trace: ``optimizers.stepwise.trace`` of that run.
        step: the update to show, from 1 to len(trace.update).
        scale: factor for every arrow and the ellipse; default ``arrow_scale`` of their lengths.
        height: pixels; default 560.
        contours: "lines" or "raster", as in ``trajectory_figure``.
    """
    run = result.runs[index]
    vectors = step_vectors(trace, step)
    axes = ellipse_axes(trace, step)
    if scale is None:
        scale = arrow_scale([*(np.hypot(*v) for v in vectors.values()), *axes], result.surface.window)
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a finite number > 0, got {scale}")
    colour = style.colour(index)
    label = style.escape(run.label)
    fig = trajectory_figure(replace(result, runs=(run,)), overlay=True, upto=step,
                            height=height or 560, contours=contours,
                            title=_("{label}: update {k} of {n}").format(label=run.label, k=step, n=len(trace.update)))
    fig.update_traces(line_color=colour, marker_color=colour, selector={"legendgroup": label})
    # the end marker would hide the update's arrowhead
    fig.data = [t for t in fig.data
                if not (getattr(t, "legendgroup", None) == label and getattr(t, "mode", None) == "markers")]
    times = "" if scale == 1 else f" (×{scale:g})"
    origin = np.asarray(trace.points[step - 1], dtype=float)

    theta = np.linspace(0.0, 2.0 * math.pi, 73)
    ex, ey = origin[0] + scale * axes[0] * np.cos(theta), origin[1] + scale * axes[1] * np.sin(theta)
    eta = trace.effective_lr[step - 1]
    fig.add_trace(go.Scatter(
        x=ex, y=ey, mode="lines", name=_("effective lr η ⊙ |∇f|") + times, meta={"scale": scale},
        line=dict(color=ELLIPSE_COLOUR, width=2, dash="dot"), fill="toself",
        fillcolor="rgba(23,190,207,0.10)",
        hovertemplate=_("effective lr η") + f" = ({eta[0]:.4g}, {eta[1]:.4g})<extra></extra>"))
    # drawn in this order, the update on top: SGD with momentum's update is −lr·m exactly
    looks = {"momentum": (_("momentum −lr·m"), MOMENTUM_COLOUR, 7, "solid", 1.4),
             "gradient": (_("gradient step −lr·∇f"), GRADIENT_COLOUR, 3, "dash", 1.0),
             "update": (_("update Δθ"), colour, 3, "solid", 1.0)}
    for key, (name, c, width, dash, head) in looks.items():
        if key not in vectors:
            continue
        vector = vectors[key]
        tip = origin + scale * vector
        fig.add_trace(go.Scatter(
            x=[origin[0], tip[0]], y=[origin[1], tip[1]], mode="lines+markers",
            name=name + times, meta={"vector": key, "scale": scale}, opacity=0.6 if width > 3 else 1,
            line=dict(color=c, width=width, dash=dash),
            marker=dict(symbol="arrow", angleref="previous", size=[0, ARROW_SIZE * head], color=c),
            hovertemplate=f"{name} = ({vector[0]:.4g}, {vector[1]:.4g})<extra></extra>"))
    _extras(fig, trace, step)
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=-0.12, x=0,
                                                   bgcolor="rgba(255,255,255,0.8)"),
                      margin=dict(b=90))
    fig.update_traces(showlegend=False, selector={"legendgroup": "start"})
    return fig


EXTRA_MARKERS = {"slow weights": ("diamond", "#2ca02c"), "perturbed point": ("x", "#d62728"),
                 "evaluations": ("circle-open", "#ff7f0e")}
EXTRA_NAMES = (N_("slow weights"), N_("perturbed point"), N_("evaluations"))    # shown translated


def _extras(fig: go.Figure, trace: Any, step: int) -> None:
    """The points beyond the path that update ``step`` made (``Trace.extras``), at their true
    positions (not scaled): Lookahead's slow weights, SAM's perturbed point, LBFGS's evaluations
    of f in order (numbered in the hover)."""
    for name, points in trace.extras.items():
        pts = np.asarray(points[step - 1], dtype=float)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if not len(pts):
            continue
        symbol, colour = EXTRA_MARKERS.get(name, ("circle", "#7f7f7f"))
        fig.add_trace(go.Scatter(
            x=pts[:, 0], y=pts[:, 1], mode="markers+lines" if len(pts) > 1 else "markers",
            name=_(name), meta={"extra": name}, customdata=np.arange(1, len(pts) + 1),
            line=dict(color=colour, width=1, dash="dot"),
            marker=dict(symbol=symbol, size=10, color=colour, line=dict(width=2, color=colour)),
            hovertemplate=f"{_(name)} #%{{customdata}}: (%{{x:.4g}}, %{{y:.4g}})<extra></extra>"))


def _index(trace: Any, step: int) -> int:
    k = len(trace.update)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= k:
        raise ValueError(f"step must be an update number from 1 to {k}, got {step!r}")
    return int(step) - 1


# --- critical points ------------------------------------------------------------------------

def critical_figure(result: Any, points: list[Any], chosen: int | None = None,
                    height: int | None = None, contours: str = "lines") -> go.Figure:
    """The surface's contours with its critical points marked by kind.

    At the chosen point the Hessian's eigenvectors are drawn as segments ± 8 % of the window's
    diagonal, blue where the surface curves up (λ > 0), red where it curves down (λ < 0), grey
    where λ counts as 0. Each marker carries its index in ``points`` as customdata (a selection
    names the point).

    Args:
        result: an ``experiment.Result`` (its surface and start; its runs are not drawn).
        points: ``surfaces.critical.critical_points`` of the surface.
        chosen: index of the point to detail, or None.
        height: pixels; default 560.
        contours: "lines" or "raster", as in ``trajectory_figure``.
    """
    surface = result.surface
    fig = trajectory_figure(replace(result, runs=()), overlay=True,
                            height=height or 560, contours=contours,
                            title=_("Critical points of {surface}: {n}").format(surface=_(surface.name), n=len(points)))
    for kind, look in style.KIND_STYLE.items():
        index = [i for i, p in enumerate(points) if p.kind == kind]
        if not index:
            continue
        fig.add_trace(go.Scatter(
            x=[points[i].x for i in index], y=[points[i].y for i in index], mode="markers",
            name=f"{_(kind)} ({len(index)})", customdata=index, meta={"kind": kind},
            marker=dict(size=12, line=dict(color="black", width=1), **look),
            hovertemplate=f"#%{{customdata}} {_(kind)}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"))
    if chosen is not None:
        if isinstance(chosen, bool) or not isinstance(chosen, (int, np.integer)) \
                or not 0 <= chosen < len(points):
            raise ValueError(f"chosen must be an index from 0 to {len(points) - 1}, got {chosen!r}")
        p = points[chosen]
        (x0, x1), (y0, y1) = surface.window
        length = EIGEN_LENGTH * math.hypot(x1 - x0, y1 - y0)
        scale = max(abs(v) for v in p.eigenvalues)
        for value, (vx, vy) in zip(p.eigenvalues, p.eigenvectors):
            sign = 0 if p.kind == "degenerate" and abs(value) <= 1e-6 * scale else int(np.sign(value))
            fig.add_trace(go.Scatter(
                x=[p.x - length * vx, p.x + length * vx], y=[p.y - length * vy, p.y + length * vy],
                mode="lines", name=_("eigenvector, λ = {value}").format(value=f"{value:.4g}"), meta={"eigenvalue": value},
                line=dict(color=CURVATURE_COLOUR[sign], width=4),
                hovertemplate=f"λ = {value:.4g}, v = ({vx:.3f}, {vy:.3f})<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=[p.x], y=[p.y], mode="markers", name=f"#{chosen} {_(p.kind)}", hoverinfo="skip",
            marker=dict(symbol="circle-open", size=24, color="black", line=dict(width=2.5))))
    fig.update_traces(showlegend=False, selector={"legendgroup": "start"})
    fig.update_traces(name=_("minimum (catalogue)"), selector={"legendgroup": "minimum"})
    fig.update_layout(legend=dict(orientation="h", y=-0.16, yanchor="top", x=0),    # under the x title
                      margin=dict(b=110))
    return fig


# --- hyperparameter sweeps ------------------------------------------------------------------

def clickable_sweep_figure(sweep: Any, min_value: float | None = None,
                           height: int | None = None) -> go.Figure:
    """``maps.sweep_figure`` with an invisible selectable point on every cell of each panel.

    The points ("cells") sit at (x.values[j], y.values[i]) in float64, so a selection returns
    the exact hyperparameter values of the cell.
    """
    fig = sweep_figure(sweep, min_value=min_value, height=height)
    xs, ys = np.meshgrid(np.asarray(sweep.x.values, dtype=float), np.asarray(sweep.y.values, dtype=float))
    panels = sum(1 for key in fig.layout.to_plotly_json() if key.startswith("xaxis"))
    for xa, ya in (("x", "y"), ("x2", "y2"))[:panels]:
        # mode "text" with empty text: selectable like markers, without an SVG node per cell
        fig.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="text", text="", name="cells",
                                 showlegend=False, hoverinfo="none", xaxis=xa, yaxis=ya))
    return fig
