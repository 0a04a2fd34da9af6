"""The numbers behind the pictures: a summary per run and every step of every run.

The same step table is the CSV export (``share``). The file export of this tab is the
side-by-side figure.
"""
from __future__ import annotations

import math
from typing import Any

import streamlit as st

from gradscape.experiment import Result

from gradscape.i18n import N_, _

from ..context import Context, Tab
from ..text import describe
from . import paths

TOLERANCE = 1e-6


def summary_rows(result: Result) -> list[dict[str, Any]]:
    """One row per run: final point and loss, steps until within 1e-6 of the minimum, divergence."""
    surface = result.surface
    rows = []
    for run in result.runs:
        points, loss = run.points, run.loss
        last = len(points) - 1
        reached = None
        if surface.min_value is not None and len(loss):
            close = (loss - surface.min_value) <= TOLERANCE
            reached = int(close.argmax()) if close.any() else None
        dist = None
        if surface.minima and len(points):
            dist = min(math.hypot(points[-1][0] - mx, points[-1][1] - my) for mx, my in surface.minima)
        rows.append({
            "label": run.label,
            "optimizer": describe(run),
            "final x": float(points[-1][0]) if len(points) else None,
            "final y": float(points[-1][1]) if len(points) else None,
            "final loss": float(loss[-1]) if len(loss) else None,
            "distance to minimum": dist,
            f"steps to within {TOLERANCE:g} of min": reached,
            "diverged at step": run.diverged_at,
            "steps drawn": max(last, 0),
        })
    return rows


def step_columns(result: Result) -> dict[str, list[Any]]:
    """Every recorded step of every run, as columns: label, step, x, y, loss, grad, lr.

    ``lr`` on row t is the learning rate of the update that leaves point t (empty on the last).
    """
    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("label", "step", "x", "y", "loss", "grad_x", "grad_y", "lr")}
    for run in result.runs:
        n = len(run.points)
        lr = list(map(float, run.lr[:n])) + [None] * max(0, n - len(run.lr))
        cols["label"] += [run.label] * n
        cols["step"] += list(range(n))
        cols["x"] += run.points[:, 0].tolist()
        cols["y"] += run.points[:, 1].tolist()
        cols["loss"] += run.loss.tolist()
        cols["grad_x"] += run.grad[:, 0].tolist()
        cols["grad_y"] += run.grad[:, 1].tolist()
        cols["lr"] += lr[:n]
    return cols


def shown_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary as the table shows it: a step never reached is said in words ("never";
    "no" for a run that did not diverge), not printed as "None"."""
    words = {f"steps to within {TOLERANCE:g} of min": _("never"), "diverged at step": _("no")}
    return [{k: (words[k] if v is None else str(v)) if k in words else v for k, v in row.items()}
            for row in rows]


def draw(context: Context) -> None:
    st.markdown("**{}**".format(_("Summary")))
    rows = [{_header(k): v for k, v in row.items()} for row in shown_rows(summary_rows(context.result))]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={_header(k): st.column_config.NumberColumn(format="%.4g")
                                for k in ("final x", "final y", "final loss", "distance to minimum")})
    st.markdown("**{}**".format(_("Every step")))
    steps = {_header(k): v for k, v in step_columns(context.result).items()}
    st.dataframe(steps, hide_index=True, width="stretch", height=360)


# The tables' headers as shown (the rows keep the English keys the CSV export and tests use).
HEADERS = {"label": N_("label"), "optimizer": N_("optimizer"), "final x": N_("final x"),
           "final y": N_("final y"), "final loss": N_("final loss"),
           "distance to minimum": N_("distance to minimum"), "diverged at step": N_("diverged at step"),
           "steps drawn": N_("steps drawn"), "step": N_("step"), "loss": N_("loss")}


def _header(key: str) -> str:
    if key == f"steps to within {TOLERANCE:g} of min":
        return _("steps to within {tolerance} of min").format(tolerance=f"{TOLERANCE:g}")
    return _(HEADERS[key]) if key in HEADERS else key


TAB = Tab("data", N_("Data"), draw, paths.export_figure)
