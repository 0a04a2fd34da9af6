"""Per-step curves of every run: loss, distance to the nearest minimum, learning rate."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gradscape.i18n import _

from . import style

HEIGHT = 340
EPS = 1e-16    # relative size of "tiny": what stands in for 0 on a log axis


def loss_figure(result, log_y: bool = True) -> go.Figure:
    """f(θ_t) against step t for every run.

    With ``log_y``, when the surface's minimum value f* is known (and no run went below it)
    the curve is max(f − f*, tiny) on a log axis: tiny = 1e-16·|f*| (below that, f − f* is
    rounding noise) or, for f* = 0, the smallest positive gap, so reaching f* exactly stays on
    the plot. Otherwise plain f on a log axis if every value is positive, else plain f on a
    linear axis. The y-axis title says which. On a model surface with mini-batches, ticks on
    each run's curve mark where its epochs end (f is always the loss over all rows).
    """
    fstar = result.surface.min_value
    losses = [np.asarray(r.loss, dtype=float) for r in result.runs]
    values = np.concatenate(losses) if losses else np.zeros(0)
    title, ys, log = "f(θ)", losses, False
    if log_y and values.size:
        if fstar is not None and np.all(values >= fstar - EPS * 1e4 * max(1.0, abs(fstar))):
            gaps = values - fstar
            tiny = EPS * abs(fstar) if fstar else (gaps[gaps > 0].min() if np.any(gaps > 0) else 1e-300)
            ys, title, log = [np.maximum(v - fstar, tiny) for v in losses], _("f(θ) − f*  (log scale)"), True
        elif np.all(values > 0):
            title, log = _("f(θ)  (log scale)"), True
    fig = _curves(result, ys, title, log, [np.asarray(r.loss, dtype=float) for r in result.runs], "f")
    if getattr(result.surface, "model", None) is not None:   # a model over data: mark the epochs
        from .fit import epoch_marks
        epoch_marks(fig, result, ys)
    return fig


def distance_figure(result, log_y: bool = True) -> go.Figure:
    """Distance ‖θ_t − θ*‖ to the nearest known global minimum against step t.

    On a log axis the distance is clamped below at 1e-16 times the window's diagonal. A surface
    with no known minimum gets an empty figure that says so.
    """
    minima = np.asarray(result.surface.minima, dtype=float).reshape(-1, 2)
    if len(minima) == 0:
        fig = _empty(_("this surface has no known minimum to measure the distance to"))
        fig.update_yaxes(title_text=_("distance to nearest minimum"))
        return fig
    (x0, x1), (y0, y1) = result.surface.window
    floor = EPS * float(np.hypot(x1 - x0, y1 - y0))
    ds = []
    for run in result.runs:
        p = np.asarray(run.points, dtype=float).reshape(-1, 2)
        d = np.sqrt(((p[:, None, :] - minima[None, :, :]) ** 2).sum(axis=2)).min(axis=1) if len(p) else np.zeros(0)
        ds.append(np.maximum(d, floor) if log_y else d)
    title = _("distance to nearest minimum  (log scale)") if log_y else _("distance to nearest minimum")
    return _curves(result, ds, title, log_y, ds, "‖θ − θ*‖")


def lr_figure(result) -> go.Figure:
    """The learning rate used by each step (lr[t] moved θ_t to θ_{t+1}), per run.

    The axis is logarithmic when every lr is positive and they span more than a factor 100.
    """
    lrs = [np.asarray(r.lr, dtype=float) for r in result.runs]
    values = np.concatenate(lrs) if lrs else np.zeros(0)
    log = bool(values.size and np.all(values > 0) and values.max() / values.min() > 100)
    return _curves(result, lrs, _("learning rate  (log scale)") if log else _("learning rate"), log, lrs, "lr")


def _curves(result, ys: list[np.ndarray], title: str, log: bool, shown: list[np.ndarray], what: str) -> go.Figure:
    """One line per run (ys[i] against its step), hover showing ``shown`` values."""
    fig = go.Figure()
    for i, (run, y, value) in enumerate(zip(result.runs, ys, shown)):
        colour, label = style.colour(i), style.escape(run.label)
        fig.add_trace(go.Scatter(x=np.arange(len(y)), y=y, mode="lines", name=label, legendgroup=label,
                                 line=dict(color=colour, width=2), customdata=value,
                                 hovertemplate=f"{label}: {what}=%{{customdata:.4g}}<extra></extra>"))
        if run.diverged_at is not None and len(y):
            fig.add_trace(go.Scatter(x=[len(y) - 1], y=y[-1:], mode="markers", legendgroup=label,
                                     name=f"{label}: " + _("diverged at step {k}").format(k=run.diverged_at),
                                     showlegend=False, hoverinfo="name",
                                     marker=dict(symbol="x", size=style.DIVERGED_SIZE, color=colour,
                                                 line=dict(color="black", width=1))))
    if not any(len(y) for y in ys):
        fig.add_annotation(text=_("no steps to show"), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(title_text=_("step"), showgrid=True, zeroline=False)
    fig.update_yaxes(title_text=title, type="log" if log else "linear", exponentformat="power", zeroline=False,
                     range=_log_range(ys) if log else None)
    fig.update_layout(height=HEIGHT, margin=dict(l=70, r=20, t=30, b=50), font=style.FONT,
                      hovermode="x unified", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
                      uirevision=f"{result.surface.id}|{title}")
    return fig


def _log_range(ys: list[np.ndarray]) -> list[float] | None:
    """A log axis range over the positive finite values, capped at 1e300.

    Plotly's own autorange pads past 1e308 when a diverging run reaches it and then labels the
    axis "Infinity".
    """
    values = np.concatenate([np.asarray(y, dtype=float) for y in ys]) if ys else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None
    lo, hi = np.log10(values.min()), min(np.log10(values.max()), 300.0)
    pad = max(0.04 * (hi - lo), 0.1)
    return [float(lo - pad), float(min(hi + pad, 307.0))]


def _empty(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font=dict(size=14, color="#555"))
    fig.update_xaxes(title_text=_("step"), showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(height=HEIGHT, margin=dict(l=70, r=20, t=30, b=50), font=style.FONT)
    return fig
