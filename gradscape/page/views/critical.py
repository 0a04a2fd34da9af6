"""Critical points: every point of the window where the gradient vanishes, classified by the
Hessian's eigenvalues, and one in detail (gradient, Hessian, eigenvalues and eigenvectors)."""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures.inside import critical_figure
from surfaces.critical import CriticalPoint

from .. import compute, limits, ui
from gradscape.i18n import N_, _, in_this_language

from ..context import Context, Tab
from ..keys import Key
from ..settings import MAX_POINTS
from ..text import tex

ss = st.session_state
NONE_FOUND = N_("No critical point in the window: the gradient vanishes nowhere here "
              "(or only on kinks and plateaus, which are not points).")
PLURAL = {"minimum": N_("minima"), "maximum": N_("maxima"), "saddle": N_("saddles"),
          "degenerate": N_("degenerate points")}
VERDICT = {"minimum": N_("both eigenvalues are positive: the surface curves up every way, a minimum."),
           "maximum": N_("both eigenvalues are negative: the surface curves down every way, a maximum."),
           "saddle": N_("one eigenvalue of each sign: a saddle; the way down is along the eigenvector "
                        "of the negative one."),
           "degenerate": N_("an eigenvalue is (numerically) zero: the second-derivative test cannot "
                            "tell what kind of point this is.")}


@memo(16)
@limits.HEAVY
def figure(config: Config, point: int, contours: str) -> Any:
    """The critical points on the contours, ``point`` highlighted; shared: do not change it."""
    result = compute.result(config)
    return critical_figure(result, compute.critical_points(result), point, contours=contours)


RESOLVED = 1e-6        # of the window's size: the precision a critical point's place is shown at


class Precision(NamedTuple):
    """What the window resolves: coordinates are rounded to ``decimals``; a gradient, value or
    curvature below its ``*_zero`` is numerical noise of a point found to that precision."""

    decimals: int
    grad_zero: float
    value_zero: float
    curvature_zero: float


def precision(window: Any, points: list[CriticalPoint]) -> Precision:
    """The window's resolution, ``RESOLVED`` of its larger side, as a power of ten h: places
    to h; a gradient below c·h, a value below c·h², a curvature below c·1e-9, where c is the
    largest |eigenvalue| of the points (at least 1): how much each can change over h."""
    (x0, x1), (y0, y1) = window
    h = 10.0 ** math.floor(math.log10(max(x1 - x0, y1 - y0) * RESOLVED))
    c = max([1.0, *(abs(float(v)) for p in points for v in p.eigenvalues if math.isfinite(v))])
    return Precision(-math.floor(math.log10(h)), c * h, c * h * h, c * 1e-9)


def place(value: float, decimals: int) -> float:
    """A coordinate rounded to the window's precision; never −0."""
    return round(float(value), decimals) + 0.0


def small(value: float, zero: float) -> float:
    """0 for a value below ``zero`` (noise of the search), else the value."""
    return 0.0 if abs(value) < zero else float(value)


def critical_rows(points: list[CriticalPoint], prec: Precision) -> list[dict[str, Any]]:
    """One row per critical point: index, kind, position, value and the Hessian's eigenvalues,
    at the precision the window resolves (``precision``)."""
    return [{"#": i, "kind": p.kind, "x": place(p.x, prec.decimals), "y": place(p.y, prec.decimals),
             "f": small(p.value, prec.value_zero), "λ₁": small(p.eigenvalues[0], prec.curvature_zero),
             "λ₂": small(p.eigenvalues[1], prec.curvature_zero)} for i, p in enumerate(points)]


def point_label(i: int, point: CriticalPoint, decimals: int = 12) -> str:
    """ "2: saddle at (−0.271, −0.923)": a critical point in a list."""
    x, y = place(point.x, decimals), place(point.y, decimals)
    return _("{i}: {kind} at ({x}, {y})").format(i=i, kind=_(point.kind), x=f"{x:.4g}", y=f"{y:.4g}")


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
        st.info(_(NONE_FOUND), icon=":material/info:")
        return
    chosen = min(context.view.insights.point, len(points) - 1)
    counts = {k: sum(p.kind == k for p in points) for k in PLURAL}
    total = _("1 critical point") if len(points) == 1 else _("{n} critical points").format(n=len(points))
    st.markdown(f"**{total}**: " + _(", ").join(
        _("{n} {kind}").format(n=n, kind=_(k) if n == 1 else _(PLURAL[k])) for k, n in counts.items() if n))
    prec = precision(context.result.surface.window, points)
    chart, detail = st.columns([3, 2])
    with detail:
        ui.sync(Key.CRITICAL_POINT, chosen)
        st.selectbox(_("Point"), range(len(points)), key=Key.CRITICAL_POINT,
                     format_func=in_this_language(lambda i: point_label(i, points[i], prec.decimals)),
                     help=_("Or click a marker on the plot."))
        _detail(context.result.surface, points[chosen], prec)
    with chart:
        ui.chart(figure(context.config, chosen, "raster"), Key.CHART_CRITICAL, on_select=on_select,
                 selection_mode="points")
    rows = [{_("kind") if k == "kind" else k: _(v) if k == "kind" else v for k, v in row.items()}
            for row in critical_rows(points, prec)]
    st.dataframe(rows, hide_index=True, width="stretch",
                 height=min(38 + 35 * len(points), 320),
                 column_config={k: st.column_config.NumberColumn(format="%.6g")
                                for k in ("x", "y", "f", "λ₁", "λ₂")})
    if not context.result.surface.smooth:
        st.caption(_("This surface has kinks: minima at kinks have no zero gradient and are not listed."))


def _detail(surface: Any, p: CriticalPoint, prec: Precision) -> None:
    """Place, gradient, Hessian, each eigenvalue with its eigenvector, and the verdict; one
    short formula a line (the column is a third of the page), at the window's precision."""
    gx, gy = (small(v, prec.grad_zero) for v in surface.grad(np.float64(p.x), np.float64(p.y)))
    hxx, hxy, hyy = (small(v, prec.curvature_zero)
                     for v in surface.hessian(np.float64(p.x), np.float64(p.y)))
    (l1, l2), (v1, v2) = p.eigenvalues, p.eigenvectors
    x, y = place(p.x, prec.decimals), place(p.y, prec.decimals)
    st.latex(rf"(x, y) = ({tex(x)},\ {tex(y)})")
    st.latex(rf"f = {tex(small(p.value, prec.value_zero))},\quad "
             rf"\nabla f = \begin{{pmatrix}}{tex(gx)} \\ {tex(gy)}\end{{pmatrix}}")
    st.latex(rf"H = \begin{{pmatrix}}{tex(hxx)} & {tex(hxy)} \\ {tex(hxy)} & {tex(hyy)}\end{{pmatrix}}")
    for k, (lam, v) in enumerate(((l1, v1), (l2, v2)), start=1):
        st.latex(rf"\lambda_{k} = {tex(small(lam, prec.curvature_zero))},\ "
                 rf"v_{k} = ({tex(small(v[0], 1e-12), 3)}, {tex(small(v[1], 1e-12), 3)})")
    st.caption(_("{kind}: {verdict}").format(kind=_(p.kind).capitalize(), verdict=_(VERDICT[p.kind])))


def export_figure(context: Context) -> Any:
    points = compute.critical_points(context.result)
    if not points:
        return ui.note_figure(NONE_FOUND)
    return figure(context.config, min(context.view.insights.point, len(points) - 1), "lines")


TAB = Tab("critical", N_("Critical points"), draw, export_figure, keeps=(Key.CRITICAL_POINT,))
