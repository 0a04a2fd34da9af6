"""The data of a model surface and each run's model at one step: the fitted line (``linear``),
the decision boundary w₁x₁ + w₂x₂ = 0 (``logistic``) or the curve a·tanh(w·x) (``tanh_unit``)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gradscape.i18n import _

from . import style

HEIGHT = 460
BATCH = dict(symbol="circle-open", size=13, color="black", line=dict(width=1.5))


def fit_figure(result, step: int | None = None) -> go.Figure:
    """The rows of ``result.surface`` (a ModelSurface) and every run's model at ``step`` (None:
    its last point; a run that stopped earlier shows its last point). The rows of the batch
    that update ``step`` uses are ringed for the first run whose batches are not every row."""
    surface = result.surface
    x, y = surface.inputs, surface.targets
    fig = go.Figure()
    if surface.model == "logistic":
        for label, colour in ((1.0, "#1f77b4"), (-1.0, "#d62728")):
            at = y == label
            fig.add_trace(go.Scatter(x=x[at, 0], y=x[at, 1], mode="markers", name=f"y = {label:+.0f}",
                                     marker=dict(size=6, color=colour, opacity=0.55)))
        span = [float(np.min(x[:, 0])), float(np.max(x[:, 0]))]
        ylim = [float(np.min(x[:, 1])), float(np.max(x[:, 1]))]
    else:
        fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name=_("data"),
                                 marker=dict(size=6, color="#555", opacity=0.55)))
        span = [float(np.min(x)), float(np.max(x))]
        ylim = [float(np.min(y)), float(np.max(y))]
    pad = 0.05 * (span[1] - span[0] or 1.0)
    grid = np.linspace(span[0] - pad, span[1] + pad, 200)
    for i, run in enumerate(result.runs):
        if not len(run.points):
            continue
        t = len(run.points) - 1 if step is None else min(step, len(run.points) - 1)
        p, q = (float(v) for v in run.points[t])
        label, colour = style.escape(run.label), style.colour(i)
        gx, gy = _model_curve(surface.model, grid, p, q)
        fig.add_trace(go.Scatter(x=gx, y=gy, mode="lines", name=_("{label} (step {k})").format(label=label, k=t),
                                 line=dict(color=colour, width=2.5)))
    _ring_batch(fig, result, step, x, y)
    fig.update_xaxes(title_text="x₁" if surface.model == "logistic" else "x", zeroline=False,
                     range=[grid[0], grid[-1]])
    ypad = 0.08 * (ylim[1] - ylim[0] or 1.0)
    fig.update_yaxes(title_text="x₂" if surface.model == "logistic" else "y", zeroline=False,
                     range=[ylim[0] - ypad, ylim[1] + ypad])
    fig.update_layout(height=HEIGHT, margin=dict(l=60, r=20, t=30, b=50), font=style.FONT,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
                      uirevision=f"fit|{surface.model}")
    return fig


def _model_curve(model: str, grid: np.ndarray, p: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    if model == "linear":
        return grid, p * grid + q
    if model == "tanh_unit":
        return grid, p * np.tanh(q * grid)
    # the boundary p·x₁ + q·x₂ = 0 (none drawn while w = 0)
    if q != 0:
        return grid, -p * grid / q
    return (np.zeros(2), np.array([-1e6, 1e6])) if p != 0 else (np.array([]), np.array([]))


def _ring_batch(fig: go.Figure, result, step: int | None, x: np.ndarray, y: np.ndarray) -> None:
    if step is None:
        return
    for run in result.runs:
        rows = result.run_batches(run)
        if rows and step < len(rows) and len(rows[step]) < len(y):
            at = np.asarray(rows[step])
            bx, by = (x[at, 0], x[at, 1]) if x.ndim == 2 else (x[at], y[at])
            fig.add_trace(go.Scatter(x=bx, y=by, mode="markers", marker=BATCH, hoverinfo="skip",
                                     name=_("batch of {label}, update {k}").format(label=style.escape(run.label), k=step + 1)))
            return


def epoch_marks(fig: go.Figure, result, ys: list[np.ndarray]) -> None:
    """A tick on each mini-batched run's curve ``ys[i]`` where one of its epochs ends (at the
    point after the epoch's last update); none for a run whose every update is an epoch."""
    for i, run in enumerate(result.runs):
        batching = result.batching(run)
        every = 0 if batching is None else batching.per_epoch(result.surface.n)
        ends = np.arange(every, len(ys[i]), every) if every > 1 else np.zeros(0, dtype=int)
        if not len(ends):
            continue
        label = style.escape(run.label)
        fig.add_trace(go.Scatter(x=ends, y=np.asarray(ys[i])[ends], mode="markers",
                                 name=_("{label}: epoch ends ({every} updates each)").format(label=label, every=every),
                                 legendgroup=label, showlegend=False,
                                 hovertemplate=_("{label}: end of epoch {epoch}").format(label=label, epoch="%{text}") + "<extra></extra>",
                                 text=[str(k + 1) for k in range(len(ends))],
                                 marker=dict(symbol="line-ns-open", size=14, color=style.colour(i),
                                             line=dict(width=2))))
