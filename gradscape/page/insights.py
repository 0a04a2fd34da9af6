"""The page's insight views: inside the optimizer, critical points, basin map, sweep.

``draw(tab, result)`` fills the open tab (app.py calls it for the open one only);
``current_figure(tab, result)`` is that tab's figure for a file. Settings live in session state
under appstate's keys (``A.INSIGHT_LINE`` ...), so they go into the URL like every other
setting (``A.read_insights``). ``start_run()`` must run at the top of every run of the part of
the page that holds the tabs, before any of its widgets and before the sidebar's: it keeps those
settings while their tab is closed (Streamlit drops the state of widgets a run does not draw)
and applies a sweep cell clicked in the last run, then reruns the whole page so the sidebar
shows the new values.

Heavy results (traces, critical points, basin maps, sweeps, figures) are cached per distinct
(config JSON, settings), computed under ``limits.HEAVY``, and bounded: a basin map or sweep
does at most ``MAX_WORK`` run-steps (its resolution is lowered, with a note, to fit).
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gradscape.page import appstate as A
from gradscape.page import limits
import optimizers
from gradscape.experiment import Result, load
from gradscape.figures import export
from gradscape.figures.inside import clickable_sweep_figure, critical_figure, inside_figure
from gradscape.figures.maps import basin_figure
from gradscape.figures.style import escape
from optimizers.grids import Basin, Sweep, basin, sweep, sweepable
from optimizers.inspect import Trace, trace
from surfaces.critical import CriticalPoint, critical_points

ss = st.session_state

TABS = ("inside", "critical", "basin", "sweep")
MAX_WORK = 20_000_000          # runs × steps of one basin map or sweep: about 1–3 s here
PICK = "insight.pick"          # a clicked sweep cell, applied by start_run()
NOTE = "insight.note"          # what the last click did
SWEEP_CHART, CRITICAL_CHART = "chart_sweep", "chart_critical"
CONTOURS = "raster"            # the page draws contours as pictures; files get vector lines

# How each optimizer's effective per-coordinate learning rate η turns into its update.
RULES = {
    "SGD": "η = lr on both coordinates: the update is −lr·∇f, or −lr·b with momentum "
           "(b the momentum buffer).",
    "Adagrad": "η = lr/(√s + eps), s the sum of every squared gradient so far (lr becomes "
               "lr/(1 + (t − 1)·lr_decay)): the update is −η ⊙ ∇f.",
    "RMSprop": "η = lr/(√v + eps), v the running average of squared gradients (√(v − ḡ²) when "
               "centered): the update is −η ⊙ ∇f; with momentum −lr·b, b the buffer of scaled steps.",
    "Adam": "η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η ⊙ m̂, m̂ = m/(1 − β1ᵗ).",
    "AdamW": "η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η ⊙ m̂ − lr·λ·θ, "
             "m̂ = m/(1 − β1ᵗ).",
    "Adamax": "η = lr/u, u the running maximum of |∇f|: the update is −η ⊙ m/(1 − β1ᵗ).",
    "NAdam": "η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η times a Nesterov-style mix "
             "of ∇f and m.",
    "RAdam": "η = lr·r·√(1 − β2ᵗ)/(√v + eps) once the variance estimate is usable (ρₜ > 5), "
             "before that lr: the update is −η ⊙ m̂.",
    "Adadelta": "η = lr·√(u + eps)/√(v + eps), u and v running averages of squared updates and "
                "squared gradients: the update is −η ⊙ ∇f.",
    "Newton": "η = the diagonal of lr·(H + λI)⁻¹; the update is −lr·(H + λI)⁻¹·∇f, so η alone "
              "describes it only where the Hessian H is diagonal.",
}


# --- session state --------------------------------------------------------------------------

def start_run() -> None:
    """Call first in every run: keep the insight settings, apply a clicked sweep cell."""
    for key in list(ss.keys()):
        if isinstance(key, str) and key.startswith("insight.") and key not in (PICK, NOTE):
            ss[key] = ss[key]     # a value set by the script survives its widget's absence
    pick = ss.pop(PICK, None)
    if pick is not None:
        _apply_pick(pick)
        st.rerun()                # the click reran only the fragment; the sidebar must follow


def _apply_pick(pick: Any) -> None:
    """Give the followed line the hyperparameters of the sweep cell nearest pick = {x, y}."""
    try:
        uids = ss[A.LINES]
        uid = uids[min(int(ss.get(A.INSIGHT_LINE, 0)), len(uids) - 1)]
        name = ss[A.line_key(uid, "name")]
        x, y = (A.sweep_axis(A.axis_spec(ss, prefix)) for prefix in (A.SWEEP_X, A.SWEEP_Y))
        allowed = sweepable(optimizers.ALL_OPTIMIZERS[name])
        if x.name not in allowed or y.name not in allowed:
            raise ValueError(f"{name} has no hyperparameter {x.name} or {y.name}")
        values = A.sweep_choice(uid, name, x, y, pick["x"], pick["y"])
    except (KeyError, TypeError, ValueError) as exc:
        ss[NOTE] = ("warning", f"That cell could not be used: {exc}")
        return
    ss.update(values)
    label = ss.get(A.line_key(uid, "label"), name)
    chosen = ", ".join(f"{axis.name} = {v:.4g}" for axis, v in zip((x, y), values.values()))
    ss[NOTE] = ("success", f"{label} now runs with {chosen}: see it under "
                           f"“{A.VIEWS['paths']}”.")


def _on_sweep_select() -> None:
    """A click on a sweep cell: remember it; ``start_run`` applies it before any widget."""
    points = (ss.get(SWEEP_CHART) or {}).get("selection", {}).get("points", [])
    point = next((p for p in points if _finite(p.get("x")) and _finite(p.get("y"))), None)
    if point is not None:           # a double click sends an empty selection: ignore it
        ss[PICK] = {"x": float(point["x"]), "y": float(point["y"])}


def _on_critical_select() -> None:
    """A click on a critical point's marker chooses that point."""
    points = (ss.get(CRITICAL_CHART) or {}).get("selection", {}).get("points", [])
    for p in points:
        index = p.get("customdata")
        index = index[0] if isinstance(index, list) and index else index
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < A.MAX_POINTS:
            ss[A.CRITICAL_POINT] = index
            return


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- cached computations ---------------------------------------------------------------------

def _parts(result: Result, line: int) -> tuple[Any, Any]:
    """The optimizer and scheduler of line ``line``."""
    return result.config.lines[line].build()


@st.cache_resource(max_entries=16, show_spinner=False)
@limits.HEAVY
def _trace(config_json: str, line: int, _result: Result) -> Trace:
    """What line ``line``'s run saw and did at every update (the run the page draws)."""
    config = load(config_json)
    optimizer, scheduler = _parts(_result, line)
    return trace(_result.surface, optimizer, _result.start, config.steps, scheduler,
                 config.noise_std, config.noise_seed)


@st.cache_resource(max_entries=16, show_spinner=False)
@limits.HEAVY
def _critical(surface_json: str, _surface: Any) -> list[CriticalPoint]:
    """The critical points of the surface ``surface_json`` names, in its window."""
    return critical_points(_surface, max_points=A.MAX_POINTS)


def critical_points_of(result: Result) -> list[CriticalPoint]:
    """The critical points of the result's surface in its window (cached per surface)."""
    return _critical(_surface_key(result), result.surface)


def _surface_key(result: Result) -> str:
    return json.dumps(result.config.to_dict()["surface"], sort_keys=True)


def _minima(result: Result) -> tuple[list[tuple[float, float]], str]:
    """The minima a basin map sorts its runs by, and where they come from."""
    if result.surface.minima:
        return list(result.surface.minima), "the surface's known global minima"
    found = [(p.x, p.y) for p in critical_points_of(result) if p.kind == "minimum"]
    return found, "the local minima the critical-point search found"


@st.cache_resource(max_entries=8, show_spinner=False)
@limits.HEAVY
def _basin(config_json: str, line: int, resolution: int, _result: Result) -> Basin:
    """Line ``line`` run from every start of a resolution² grid over the window."""
    config = load(config_json)
    optimizer, scheduler = _parts(_result, line)
    return basin(_result.surface, optimizer, config.steps, resolution, scheduler,
                 minima=_minima(_result)[0], noise_std=config.noise_std, seed=config.noise_seed)


@st.cache_resource(max_entries=8, show_spinner=False)
@limits.HEAVY
def _sweep(config_json: str, line: int, x_spec: str, y_spec: str, _result: Result) -> Sweep:
    """Line ``line`` from the experiment's start over the grid of two hyperparameters."""
    config = load(config_json)
    optimizer, scheduler = _parts(_result, line)
    return sweep(_result.surface, optimizer, A.sweep_axis(x_spec), A.sweep_axis(y_spec),
                 config.steps, start=_result.start, scheduler=scheduler,
                 noise_std=config.noise_std, seed=config.noise_seed)


@st.cache_resource(max_entries=32, show_spinner=False)
@limits.HEAVY
def _figure(kind: str, config_json: str, settings_json: str, contours: str,
            _result: Result) -> go.Figure:
    """The figure of an insight view, once per (kind, config, resolved settings, contours).

    Shared between reruns and sessions: callers must not change it.
    """
    s = json.loads(settings_json)
    if kind == "inside":
        return inside_figure(_result, s["line"], _trace(config_json, s["line"], _result), s["step"],
                             contours=contours)
    if kind == "critical":
        return critical_figure(_result, critical_points_of(_result),
                               s["point"], contours=contours)
    if kind == "basin":
        return basin_figure(_basin(config_json, s["line"], s["resolution"], _result), _result.surface,
                            title=f"Basins of attraction of {_result.config.lines[s['line']].label} "
                                  f"on {_result.surface.name}")
    result = _sweep(config_json, s["line"], s["x"], s["y"], _result)
    return clickable_sweep_figure(result, min_value=_result.surface.min_value)


# --- settings -------------------------------------------------------------------------------

def resolve(kind: str, result: Result, chosen: A.Insights) -> tuple[dict[str, Any] | None, list[str]]:
    """The view's settings made valid for this result, and notes; (None, [why]) if none can be.

    No session state here (a file export runs outside the page's script): the line is clamped
    to the experiment's lines, the step to the run's updates, the point to the points found,
    the basin resolution to the work bound; a sweep axis that is unset or names a
    hyperparameter the line's optimizer lacks gives way to ``A.default_axes``.
    """
    config = result.config
    line = min(chosen.line, len(config.lines) - 1)
    if kind == "inside":
        k = len(_trace(config.to_json(), line, result).update)
        if k == 0:
            label = A.md_escape(config.lines[line].label)
            return None, [f"{label} made no update to look inside: it has 0 steps, or its start "
                          "is not a finite point of the surface."]
        return {"line": line, "step": min(chosen.step, k), "updates": k}, []
    if kind == "critical":
        points = critical_points_of(result)
        if not points:
            return None, ["No critical point in the window: the gradient vanishes nowhere here "
                          "(or only on kinks and plateaus, which are not points)."]
        return {"point": min(chosen.point, len(points) - 1)}, []
    steps = max(config.steps, 1)
    if kind == "basin":
        fits = max(2, math.isqrt(MAX_WORK // steps))
        wanted = chosen.resolution
        notes = [] if wanted <= fits else [
            f"Showing {fits} × {fits} starts: {wanted} × {wanted} starts of {config.steps} steps "
            f"each would be more than the {MAX_WORK // 1_000_000} million steps one map may take."]
        return {"line": line, "resolution": min(wanted, fits)}, notes
    optimizer, _ = _parts(result, line)
    allowed = sweepable(optimizer)
    axes = [spec if spec is not None and A.sweep_axis(spec).name in allowed else default
            for spec, default in zip((chosen.sweep_x, chosen.sweep_y),
                                     A.default_axes(optimizer.name, float(optimizer.params["lr"])))]
    x, y = (A.sweep_axis(spec) for spec in axes)
    if x.name == y.name:
        return None, ["Choose two different hyperparameters to sweep."]
    if x.values.size * y.values.size * steps > MAX_WORK:
        return None, [f"{x.values.size} × {y.values.size} settings of {config.steps} steps each "
                      f"is more than the {MAX_WORK // 1_000_000} million steps one sweep may "
                      "take: use fewer values."]
    return {"line": line, "x": axes[0], "y": axes[1]}, []


def current_figure(kind: str, result: Result, chosen: A.Insights,
                   contours: str = "lines") -> go.Figure:
    """The insight view's figure (vector contours by default: for files); never raises: a view
    with nothing to show, or a sweep whose values fail torch's checks, gives a note instead."""
    try:
        return view_figure(kind, result, chosen, contours)
    except ValueError as exc:
        return _note_figure(str(exc))


def view_figure(kind: str, result: Result, chosen: A.Insights, contours: str) -> go.Figure:
    """The insight view's figure; ValueError saying why when there is none."""
    s, notes = resolve(kind, result, chosen)
    if s is None:
        raise ValueError(notes[0].replace("\\", ""))
    return _figure(kind, result.config.to_json(), json.dumps(s, sort_keys=True), contours, result)


def _note_figure(text: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=escape(text[:300]), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig.update_layout(xaxis_visible=False, yaxis_visible=False)


def _sync(key: str, value: Any) -> None:
    """Show ``value`` in the widget ``key`` (drawn later in this run): write only a change,
    since Streamlit forbids writing a widget's key once the widget is drawn."""
    if ss.get(key) != value:
        ss[key] = value


# --- the views ------------------------------------------------------------------------------

def draw(kind: str, result: Result) -> None:
    """Fill the open tab ``kind`` (one of TABS); a busy server gets a note, not an error."""
    try:
        {"inside": inside_tab, "critical": critical_tab, "basin": basin_tab,
         "sweep": sweep_tab}[kind](result, A.read_insights(ss))
    except limits.Busy as exc:
        st.warning(str(exc), icon=":material/hourglass_top:")


def _line_select(result: Result, chosen: A.Insights, help: str) -> None:
    lines = result.config.lines
    _sync(A.INSIGHT_LINE, min(chosen.line, len(lines) - 1))
    st.selectbox("Optimizer", range(len(lines)), key=A.INSIGHT_LINE, help=help,
                 format_func=lambda i: lines[i].label)


def _chart(fig: go.Figure, key: str, **kwargs: Any) -> None:
    st.plotly_chart(fig, key=key, config=export.TOOLBAR_CONFIG, width="stretch", **kwargs)


def inside_tab(result: Result, chosen: A.Insights) -> None:
    """One update of one optimizer: gradient, update, momentum and effective lr, drawn and listed."""
    s, notes = resolve("inside", result, chosen)
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    with left:
        _line_select(result, chosen, "The optimizer to look inside.")
    if s is None:
        st.info(notes[0], icon=":material/info:")
        return
    line, step = s["line"], s["step"]
    with right:
        if s["updates"] >= 2:
            _sync(A.INSIGHT_STEP, step)
            st.slider("Update", 1, s["updates"], key=A.INSIGHT_STEP,
                      help="Update k moves the point k − 1 to point k (torch's step count k).")
        else:
            st.caption("The run made one update.")
    tr = _trace(result.config.to_json(), line, result)
    chart, numbers = st.columns([5, 2])
    with chart:
        _chart(current_figure("inside", result, chosen, CONTOURS), "chart_inside")
    with numbers:
        st.markdown(f"**Update {step}**, lr = {A.fmt(float(tr.lr[step - 1]))}")
        st.dataframe(A.inside_rows(tr, step), hide_index=True, width="stretch",
                     column_config={k: st.column_config.NumberColumn(format="%.4g") for k in "xy"})
        eta = tr.effective_lr[step - 1]
        if np.all(np.isfinite(eta)) and eta.min() > 0:
            st.caption(f"η_x / η_y = {A.fmt(float(eta[0] / eta[1]))}: how much more the "
                       "optimizer scales the x gradient than the y gradient.")
        st.caption(A.md_escape(RULES.get(result.config.lines[line].optimizer.name, "")))
    st.caption("Arrows start at the point the update left. Dashed grey: the plain gradient step "
               "−lr·∇f; coloured: the update the optimizer made; purple: its momentum buffer as a "
               "step −lr·m. Dotted ellipse: η ⊙ |∇f|, the step a gradient of this size would get "
               "in each direction — a circle for SGD; stretched where an adaptive method scales "
               "a coordinate up. Momentum smooths the zig-zag; adaptive methods undo anisotropy.")


def critical_tab(result: Result, chosen: A.Insights) -> None:
    """Every critical point in the window, classified by the Hessian, and one in detail."""
    s, notes = resolve("critical", result, chosen)
    if s is None:
        st.info(notes[0], icon=":material/info:")
        return
    surface = result.surface
    points = critical_points_of(result)
    counts = {k: sum(p.kind == k for p in points) for k in PLURAL}
    st.markdown(f"**{len(points)} critical point{'s' * (len(points) != 1)}**: " + ", ".join(
        f"{n} {k if n == 1 else PLURAL[k]}" for k, n in counts.items() if n))
    chart, detail = st.columns([3, 2])
    with detail:
        _sync(A.CRITICAL_POINT, s["point"])
        st.selectbox("Point", range(len(points)), key=A.CRITICAL_POINT,
                     format_func=lambda i: A.point_label(i, points[i]),
                     help="Or click a marker on the plot.")
        _point_detail(surface, points[s["point"]])
    with chart:
        _chart(current_figure("critical", result, chosen, CONTOURS), CRITICAL_CHART,
               on_select=_on_critical_select, selection_mode="points")
    st.dataframe(A.critical_rows(points), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(points), 320),
                 column_config={k: st.column_config.NumberColumn(format="%.6g")
                                for k in ("x", "y", "f", "λ₁", "λ₂")})
    if not surface.smooth:
        st.caption("This surface has kinks: minima at kinks have no zero gradient and are not listed.")


PLURAL = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles",
          "degenerate": "degenerate points"}
VERDICT = {"minimum": "both eigenvalues are positive: the surface curves up every way, a minimum.",
           "maximum": "both eigenvalues are negative: the surface curves down every way, a maximum.",
           "saddle": "one eigenvalue of each sign: a saddle; the way down is along the eigenvector "
                     "of the negative one.",
           "degenerate": "an eigenvalue is (numerically) zero: the second-derivative test cannot "
                         "tell what kind of point this is."}


def _point_detail(surface: Any, p: CriticalPoint) -> None:
    """Gradient, Hessian, eigenvalues and eigenvectors at a critical point, and the verdict."""
    gx, gy = (float(v) for v in surface.grad(np.float64(p.x), np.float64(p.y)))
    hxx, hxy, hyy = (float(v) for v in surface.hessian(np.float64(p.x), np.float64(p.y)))
    (l1, l2), (v1, v2) = p.eigenvalues, p.eigenvectors
    st.latex(rf"(x, y) = ({_tex(p.x)},\ {_tex(p.y)}),\quad f = {_tex(p.value)}")
    st.latex(rf"\nabla f = \begin{{pmatrix}}{_tex(gx)} \\ {_tex(gy)}\end{{pmatrix}},\quad "
             rf"H = \begin{{pmatrix}}{_tex(hxx)} & {_tex(hxy)} \\ {_tex(hxy)} & {_tex(hyy)}"
             rf"\end{{pmatrix}}")
    st.latex(rf"\lambda_1 = {_tex(l1)},\ v_1 = ({_tex(v1[0], 3)}, {_tex(v1[1], 3)});\quad "
             rf"\lambda_2 = {_tex(l2)},\ v_2 = ({_tex(v2[0], 3)}, {_tex(v2[1], 3)})")
    st.caption(f"{p.kind.capitalize()}: {VERDICT[p.kind]}")


def _tex(value: float, digits: int = 4) -> str:
    """A number in LaTeX: 4 significant digits, powers of ten as ×10^k."""
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def basin_tab(result: Result, chosen: A.Insights) -> None:
    """Where one optimizer ends from every start of an N × N grid: loss, minimum, steps."""
    s, notes = resolve("basin", result, chosen)
    c1, c2, _ = st.columns([2, 1, 2], vertical_alignment="bottom")
    with c1:
        _line_select(result, chosen, "The optimizer (with its scheduler) run from every start.")
    with c2:
        _sync(A.BASIN_RESOLUTION, chosen.resolution)
        st.number_input("Starts per side", 2, A.MAX_MAP_RESOLUTION, key=A.BASIN_RESOLUTION, step=10,
                        help=f"N: the map runs N × N starts (at most {A.MAX_MAP_RESOLUTION}).")
    for note in notes:
        st.info(note, icon=":material/info:")
    if result.config.steps == 0:
        st.info("With 0 steps every run ends where it starts.", icon=":material/info:")
    _chart(current_figure("basin", result, chosen, CONTOURS), "chart_basin")
    b = _basin(result.config.to_json(), s["line"], s["resolution"], result)
    minima, source = _minima(result)
    total = b.minimum_index.size
    reached = [int((b.minimum_index == i).sum()) for i in range(len(minima))]
    diverged = int(b.diverged.sum())
    parts = [f"{100 * n / total:.0f} % reached minimum {i}" for i, n in enumerate(reached)]
    parts += [f"{100 * (total - sum(reached) - diverged) / total:.0f} % none",
              f"{100 * diverged / total:.0f} % diverged"]
    st.caption(f"{result.config.steps} steps from each of {total} starts; minima: {source}. "
               f"A run reached a minimum if it ended within {b.tol:.3g} of it: "
               + "; ".join(parts) + ".")


def sweep_tab(result: Result, chosen: A.Insights) -> None:
    """One optimizer over a grid of two hyperparameters; clicking a cell adopts its values."""
    if NOTE in ss:
        level, text = ss.pop(NOTE)
        (st.success if level == "success" else st.warning)(A.md_escape(text))
    c1, _ = st.columns([2, 3])
    with c1:
        _line_select(result, chosen, "The optimizer whose hyperparameters are swept, from the "
                                     "experiment's start point, with its scheduler and steps.")
    s, notes = resolve("sweep", result, chosen)
    optimizer, _ = _parts(result, min(chosen.line, len(result.config.lines) - 1))
    allowed = sweepable(optimizer)
    resolved = A.default_axes(optimizer.name, float(optimizer.params["lr"])) if s is None \
        else (s["x"], s["y"])
    for prefix, side, spec, col in zip((A.SWEEP_X, A.SWEEP_Y), ("across", "up"), resolved,
                                       st.columns(2)):
        if ss.get(f"{prefix}.name") not in allowed:       # unset, or another optimizer's
            ss.update(A.axis_values(prefix, spec))
        with col, st.container(border=True):
            st.markdown(f"**Axis {side}**")
            a, b, c, d, e = st.columns([3, 2, 2, 2, 1], vertical_alignment="bottom")
            with a:
                st.selectbox("hyperparameter", allowed, key=f"{prefix}.name")
            with b:
                st.number_input("from", key=f"{prefix}.low", format="%g", step=None)
            with c:
                st.number_input("to", key=f"{prefix}.high", format="%g", step=None)
            with d:
                st.number_input("values", 1, A.MAX_SWEEP_VALUES, key=f"{prefix}.num", step=5)
            with e:
                st.checkbox("log", key=f"{prefix}.log", help="Log-spaced values (from > 0).")
    try:                                        # what the widgets show must be a valid sweep
        x, y = (A.sweep_axis(A.axis_spec(ss, prefix)) for prefix in (A.SWEEP_X, A.SWEEP_Y))
        if x.name == y.name:
            raise ValueError("choose two different hyperparameters to sweep")
    except ValueError as exc:
        st.warning(A.md_escape(f"This sweep cannot run: {exc}"), icon=":material/warning:")
        return
    if s is None:
        st.warning(notes[0], icon=":material/warning:")
        return
    try:
        fig = view_figure("sweep", result, chosen, CONTOURS)
    except ValueError as exc:                   # torch's check of a value on the grid
        st.warning(A.md_escape(f"This sweep cannot run: {exc}"), icon=":material/warning:")
        return
    _chart(fig, SWEEP_CHART, on_select=_on_sweep_select, selection_mode="points")
    label = A.md_escape(result.config.lines[s["line"]].label)
    st.caption(f"Each cell is one run of {label} from {tuple(result.start)} for "
               f"{result.config.steps} steps, all cells in one batched call; black: diverged. "
               f"Click a cell to give {label} its settings.")
