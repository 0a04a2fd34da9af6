"""Critical points: every point of the window where the gradient vanishes, classified by the
Hessian's eigenvalues, and one in detail (gradient, Hessian, eigenvalues and eigenvectors)."""
from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures.inside import critical_figure
from surfaces.critical import CriticalPoint

from .. import compute, limits, ui
from ..context import Context, Tab
from ..keys import Key
from ..settings import MAX_POINTS
from ..text import tex

ss = st.session_state
NONE_FOUND = ("No critical point in the window: the gradient vanishes nowhere here "
              "(or only on kinks and plateaus, which are not points).")
PLURAL = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles",
          "degenerate": "degenerate points"}
VERDICT = {"minimum": "both eigenvalues are positive: the surface curves up every way, a minimum.",
           "maximum": "both eigenvalues are negative: the surface curves down every way, a maximum.",
           "saddle": "one eigenvalue of each sign: a saddle; the way down is along the eigenvector "
                     "of the negative one.",
           "degenerate": "an eigenvalue is (numerically) zero: the second-derivative test cannot "
                         "tell what kind of point this is."}


@memo(16)
@limits.HEAVY
def figure(config: Config, point: int, contours: str) -> Any:
    """The critical points on the contours, ``point`` highlighted; shared: do not change it."""
    result = compute.result(config)
    return critical_figure(result, compute.critical_points(result), point, contours=contours)


def critical_rows(points: list[CriticalPoint]) -> list[dict[str, Any]]:
    """One row per critical point: index, kind, position, value and the Hessian's eigenvalues."""
    return [{"#": i, "kind": p.kind, "x": p.x, "y": p.y, "f": p.value,
             "λ₁": p.eigenvalues[0], "λ₂": p.eigenvalues[1]} for i, p in enumerate(points)]


def point_label(i: int, point: CriticalPoint) -> str:
    """ "2: saddle at (−0.271, −0.923)": a critical point in a list."""
    return f"{i}: {point.kind} at ({point.x:.4g}, {point.y:.4g})"


def on_select() -> None:
    """A click on a critical point's marker chooses that point."""
    points = (ss.get(Key.CHART_CRITICAL) or {}).get("selection", {}).get("points", [])
    for p in points:
        index = p.get("customdata")
        index = index[0] if isinstance(index, list) and index else index
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < MAX_POINTS:
            ss[Key.CRITICAL_POINT] = index
            return


def draw(context: Context) -> None:
    """Every critical point in the window, classified by the Hessian, and one in detail."""
    points = compute.critical_points(context.result)
    if not points:
        st.info(NONE_FOUND, icon=":material/info:")
        return
    chosen = min(context.view.insights.point, len(points) - 1)
    counts = {k: sum(p.kind == k for p in points) for k in PLURAL}
    st.markdown(f"**{len(points)} critical point{'s' * (len(points) != 1)}**: " + ", ".join(
        f"{n} {k if n == 1 else PLURAL[k]}" for k, n in counts.items() if n))
    chart, detail = st.columns([3, 2])
    with detail:
        ui.sync(Key.CRITICAL_POINT, chosen)
        st.selectbox("Point", range(len(points)), key=Key.CRITICAL_POINT,
                     format_func=lambda i: point_label(i, points[i]),
                     help="Or click a marker on the plot.")
        _detail(context.result.surface, points[chosen])
    with chart:
        ui.chart(figure(context.config, chosen, "raster"), Key.CHART_CRITICAL, on_select=on_select,
                 selection_mode="points")
    st.dataframe(critical_rows(points), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(points), 320),
                 column_config={k: st.column_config.NumberColumn(format="%.6g")
                                for k in ("x", "y", "f", "λ₁", "λ₂")})
    if not context.result.surface.smooth:
        st.caption("This surface has kinks: minima at kinks have no zero gradient and are not listed.")


def _detail(surface: Any, p: CriticalPoint) -> None:
    """Gradient, Hessian, eigenvalues and eigenvectors at a critical point, and the verdict."""
    gx, gy = (float(v) for v in surface.grad(np.float64(p.x), np.float64(p.y)))
    hxx, hxy, hyy = (float(v) for v in surface.hessian(np.float64(p.x), np.float64(p.y)))
    (l1, l2), (v1, v2) = p.eigenvalues, p.eigenvectors
    st.latex(rf"(x, y) = ({tex(p.x)},\ {tex(p.y)}),\quad f = {tex(p.value)}")
    st.latex(rf"\nabla f = \begin{{pmatrix}}{tex(gx)} \\ {tex(gy)}\end{{pmatrix}},\quad "
             rf"H = \begin{{pmatrix}}{tex(hxx)} & {tex(hxy)} \\ {tex(hxy)} & {tex(hyy)}"
             rf"\end{{pmatrix}}")
    st.latex(rf"\lambda_1 = {tex(l1)},\ v_1 = ({tex(v1[0], 3)}, {tex(v1[1], 3)});\quad "
             rf"\lambda_2 = {tex(l2)},\ v_2 = ({tex(v2[0], 3)}, {tex(v2[1], 3)})")
    st.caption(f"{p.kind.capitalize()}: {VERDICT[p.kind]}")


def export_figure(context: Context) -> Any:
    points = compute.critical_points(context.result)
    if not points:
        return ui.note_figure(NONE_FOUND)
    return figure(context.config, min(context.view.insights.point, len(points) - 1), "lines")


TAB = Tab("critical", "Critical points", draw, export_figure, keeps=(Key.CRITICAL_POINT,))
