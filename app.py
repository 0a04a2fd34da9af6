"""gradscape: the page. Widgets -> Config -> simulate -> figures -> page.

Sections: state (URL, presets, callbacks), results, views, export, sidebar controls. The views
and export are one fragment (``results``): an input that changes only a value (lr, start, ...)
reruns just that, not the sidebar's ~100 controls, and on the side-by-side view first only the
chart's own fragment (``paths``): once the browser has drawn the new chart it asks for the rest
(headline, exports). The sidebar is written last so that, on a full rerun, the chart reaches the
browser before the controls.
The state logic itself (URL encoding, widget keys, validation) lives in ``appstate`` (no
Streamlit there, so it is unit-tested); this file only lays out widgets and figures.
Text typed by users is never rendered as HTML; as Markdown it goes through ``md_escape``.
"""
from __future__ import annotations

import csv
import io
import json
import math
from typing import Any, Callable

import streamlit as st

from livechart import live_chart, preload

st.set_page_config(page_title="gradscape: optimizers on loss surfaces", page_icon="🧭",
                   layout="wide", initial_sidebar_state="expanded")
preload()        # first of all: the browser loads plotly.js while the rest below is imported and run

import appstate as A
import figures
import insights
import limits
import optimizers
import presets
import surfaces
from experiment import MAX_OPTIMIZERS, Config, ConfigError, Result, load, simulate
from figures import export
from figures.trajectory import stop_reason
from optimizers.runner import MAX_STEPS

ss = st.session_state

PRESET_NAMES = {"textbook": "Textbook figure", "rosenbrock": "Rosenbrock's valley",
                "saddle": "Saddle x² − y²", "learning_rates": "Learning rate too small / right / too large",
                "schedules": "Schedules compared", "himmelblau": "Himmelblau's four minima"}
CUSTOM = "(custom)"
CHART = "chart"                       # key of the side-by-side chart (its clicks)
RESULTS = "results"                   # key of the fragment that shows the experiment
PATHS = "paths"                       # key of its fragment with the side-by-side chart
MAX_UPLOAD = 200_000                  # bytes of an uploaded configuration


# --- state ----------------------------------------------------------------------------------

def apply_state(config: Config, view: A.View) -> None:
    """Show a whole state: put it into every widget (preset, URL or uploaded file)."""
    first = ss.get("next_uid", 0)
    uids = list(range(first, first + len(config.lines)))
    ss["next_uid"] = first + len(uids)
    ss[A.LINES] = uids
    for key, value in A.widget_values(config, uids).items():
        ss[key] = value
    ss[A.VIEW] = A.VIEWS[view.tab]
    ss[A.OVERLAY], ss[A.LOG_Y], ss[A.CRITICAL_MARKS] = view.overlay, view.log_y, view.critical
    ss[A.PRESET] = view.preset or CUSTOM
    ss.update(A.insight_values(view.insights))
    ss["good_config"] = config


def current_view() -> A.View:
    tab = next((k for k, label in A.VIEWS.items() if label == ss.get(A.VIEW)), "paths")
    preset = ss.get(A.PRESET)
    return A.View(tab, bool(ss.get(A.OVERLAY)), bool(ss.get(A.LOG_Y, True)),
                  preset if preset in presets.PRESETS else None, A.read_insights(ss),
                  bool(ss.get(A.CRITICAL_MARKS)))


def ensure(values: dict[str, Any]) -> None:
    """Give widgets that have no value yet their default (never pass value= to a keyed widget)."""
    for key, value in values.items():
        ss.setdefault(key, value)


def on_preset() -> None:
    name = ss[A.PRESET]
    if name in presets.PRESETS:
        apply_state(presets.get(name), A.View(current_view().tab, ss[A.OVERLAY], ss[A.LOG_Y], name,
                                              critical=current_view().critical))


def on_surface() -> None:
    """A new surface starts from its own default start point."""
    if ss[A.SURFACE] == A.FORMULA_OPTION:
        ensure({A.FORMULA: "x^2 + y^2", "xmin": -5.0, "xmax": 5.0, "ymin": -5.0, "ymax": 5.0})
        ss[A.START_X], ss[A.START_Y] = 4.0, 3.0
    else:
        ss[A.START_X], ss[A.START_Y] = map(float, surfaces.get(ss[A.SURFACE]).start)


def on_value() -> None:
    """A value changed that decides only the results, not which inputs exist: rerun just them,
    the chart first when it is shown (it then reruns the rest: ``trajectories``)."""
    st.rerun(PATHS if current_view().tab == "paths" else RESULTS)


def on_drawn() -> None:
    """The chart, rerun alone after a change, is drawn: now the rest of the results."""
    st.rerun(RESULTS)


def on_add() -> None:
    uid = ss["next_uid"]
    ss["next_uid"] += 1
    name = ss["add_name"]
    labels = [ss[A.line_key(u, "label")] for u in ss[A.LINES]]
    ss.update({A.line_key(uid, "name"): name, A.line_key(uid, "label"): A.unique_label(name, labels),
               A.line_key(uid, "scheduler"): A.NO_SCHEDULER, **A.part_values(uid, "opt", name, {})})
    ss[A.LINES] = [*ss[A.LINES], uid]


def on_duplicate(uid: int) -> None:
    new = ss["next_uid"]
    ss["next_uid"] += 1
    labels = [ss[A.line_key(u, "label")] for u in ss[A.LINES]]
    ss.update(A.copy_line(ss, uid, new, labels))
    at = ss[A.LINES].index(uid) + 1
    ss[A.LINES] = [*ss[A.LINES][:at], new, *ss[A.LINES][at:]]


def on_remove(uid: int) -> None:
    if len(ss[A.LINES]) > 1:
        ss[A.LINES] = [u for u in ss[A.LINES] if u != uid]


def on_upload() -> None:
    """A configuration file (Config.to_dict() JSON, as exported) replaces the experiment."""
    file = ss.get("upload")
    if file is None:
        return
    try:
        raw = file.getvalue()
        if len(raw) > MAX_UPLOAD:
            raise ConfigError(f"config: the file is larger than {MAX_UPLOAD // 1000} KB")
        config = load(raw.decode("utf-8"))
    except (ConfigError, UnicodeDecodeError) as exc:
        ss["notice"] = f"This file could not be loaded: {str(exc)[:300]}"
        return
    apply_state(config, A.View(current_view().tab, ss[A.OVERLAY], ss[A.LOG_Y], None,
                               critical=current_view().critical))
    ss["notice"] = None


def on_click() -> None:
    """A click inside a panel of the chart moves the start there."""
    point = (ss.get(CHART) or {}).get("click") or {}
    x, y = point.get("x"), point.get("y")
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) and math.isfinite(x) and math.isfinite(y):
        ss[A.START_X], ss[A.START_Y] = float(f"{x:.4g}"), float(f"{y:.4g}")
        ss["rerun_app"] = True   # the chart lives in a fragment; the sidebar must follow


if A.LINES not in ss:        # first run of this session: read the URL once
    decoded = A.decode_url(st.query_params.to_dict())
    apply_state(decoded.config, decoded.view)
    ss["notice"] = decoded.warning


# --- results ------------------------------------------------------------------------------

@st.cache_resource(max_entries=64, show_spinner=False)
@limits.HEAVY      # a cache miss waits for one of a few process-wide slots (limits.py)
def run(config_json: str) -> Result:
    """The experiment's trajectories, once per distinct config (keyed by its JSON)."""
    return simulate(load(config_json))


@st.cache_resource(max_entries=64, show_spinner=False)
@limits.HEAVY
def figure(kind: str, config_json: str, overlay: bool = False, log_y: bool = True,
           upto: int | None = None, contours: str = "raster", critical: bool = False) -> Any:
    """A Plotly figure of the experiment, built once per (kind, config, options).

    The page draws contours as pictures (fast in the browser); files get vector lines.
    Shared between reruns and sessions: callers must not change it (the export copies it).
    """
    result = run(config_json)
    if kind == "paths":
        return figures.trajectory_figure(result, overlay=overlay, upto=upto, contours=contours,
                                         critical=insights.critical_points_of(result) if critical else ())
    if kind == "loss":
        return figures.loss_figure(result, log_y=log_y)
    if kind == "distance":
        return figures.distance_figure(result, log_y=log_y)
    if kind == "lr":
        return figures.lr_figure(result)
    return figures.surface_figure(result)


def current_config() -> tuple[Config, str | None, str | None]:
    """The experiment the widgets show: (config, its error, that error if it is the formula's).

    A config with an error is replaced by the last valid one, so the page always shows one.
    """
    ensure(A.missing_defaults(ss, ss[A.LINES]))   # e.g. a line just switched to another optimizer
    try:
        config = load(A.read_config(ss, ss[A.LINES]))
        ss["good_config"] = config
        error = None
    except ConfigError as exc:
        config, error = ss["good_config"], str(exc)
    # a bad formula or window is explained beside its input (in the sidebar), once
    formula = ss[A.SURFACE] == A.FORMULA_OPTION and (error or "").startswith("surface")
    return config, error, error if formula else None


@st.fragment(key=RESULTS)
def results() -> None:
    """Everything that shows the experiment: headline, views, export (and the URL).

    A fragment: an input that changes only values (lr, start, steps, ...) reruns just this
    (``on_value``; on the side-by-side view after the chart alone), not the ~100 controls of the
    sidebar, so the chart is redrawn sooner.
    """
    insights.start_run()         # before any widget: keeps the insight views' settings
    config, config_error, formula_error = current_config()
    view = current_view()
    config_json = ss["results_for"] = config.to_json()
    if config_error is None:     # the URL holds the whole state, written back after every change
        encoded = A.encode_url(config, view)
        if st.query_params.get(A.URL_PARAM) != encoded or len(st.query_params) != 1:
            st.query_params.from_dict({A.URL_PARAM: encoded})

    def busy(exc: limits.Busy) -> None:
        """Too many computations at once, server-wide: say so and offer a retry (inputs are kept)."""
        st.warning(str(exc), icon=":material/hourglass_top:")
        st.button("Try again", key="busy_retry", icon=":material/refresh:")

    try:
        result = run(config_json)
    except limits.Busy as exc:
        busy(exc)
        return

    # --- views ------------------------------------------------------------------------------------

    head, formula = st.columns([3, 2], vertical_alignment="center")
    with head:
        if view.preset is not None:
            modified = A.canonical(config) != A.canonical(presets.get(view.preset))
            st.subheader(presets.title(view.preset) + (" (modified)" if modified else ""),
                         anchor=False)
        else:
            st.subheader("Your experiment", anchor=False)
        st.caption(A.md_escape(" · ".join(A.headline(run) for run in result.runs)))
    with formula:
        st.latex(f"f(x, y) = {result.surface.latex}")

    if ss.get("notice"):
        st.warning(A.md_escape(ss["notice"]), icon=":material/warning:")
    if config_error is not None and formula_error is None:
        st.error(A.md_escape(config_error) + " — showing the last valid experiment.", icon=":material/error:")
    for run_ in result.runs:
        if run_["diverged_at"] is not None:
            reason = stop_reason(result.surface, run_)
            st.warning(A.md_escape(A.divergence_note(run_["label"], reason, run_["diverged_at"])),
                       icon=":material/trending_up:")

    t1, t2, t3, _ = st.columns([2, 2, 1, 2])
    with t1:
        st.toggle("Overlay all trajectories", key=A.OVERLAY,
                  help="One plot with every trajectory instead of a panel per optimizer.")
    with t2:
        st.toggle("Critical points", key=A.CRITICAL_MARKS,
                  help="Mark every point of the window where the gradient vanishes, by the Hessian's "
                       "verdict: minimum, maximum, saddle or degenerate (details: the Critical points tab).")
    with t3:
        st.toggle("Log scale", key=A.LOG_Y, help="Loss and distance on a logarithmic axis.")

    tabs = dict(zip(A.VIEWS, st.tabs(list(A.VIEWS.values()), key=A.VIEW, on_change="rerun")))

    @st.fragment(key=PATHS, run_every=0.35 if ss.get("playing") else None)
    def trajectories() -> None:
        """The contour panels with playback: a step slider and play/pause, rerunning alone.

        After a value changed, this runs first (``on_value``): the new chart is drawn before the
        rest of the results (headline, exports), which it then brings up to date.
        """
        if ss.pop("rerun_app", False):
            st.rerun()
        config = current_config()[0]
        config_json, K = config.to_json(), config.steps
        if ss.get("playing") and ss.get("upto_for") != config_json:
            ss["playing"] = False
        if ss.get("upto_for") != config_json:       # a new experiment is shown whole
            ss["upto"], ss["upto_for"] = K, config_json
        if ss.get("playing"):
            ss["upto"] = min(ss["upto"] + max(1, -(-K // 20)), K)     # about 20 frames in all
            if ss["upto"] >= K:
                ss["playing"] = False
                st.rerun()
        ss["upto"] = min(max(int(ss.get("upto", K)), 0), K)
        c_play, c_slider = st.columns([1, 9], vertical_alignment="bottom")
        with c_play:
            if st.button("Pause" if ss.get("playing") else "Play", key="play",
                         icon=":material/pause:" if ss.get("playing") else ":material/play_arrow:",
                         width="stretch"):
                ss["playing"] = not ss.get("playing")
                if ss["playing"] and ss["upto"] >= K:
                    ss["upto"] = 0
                st.rerun()
        with c_slider:
            st.slider("Step", 0, max(K, 1), key="upto", disabled=K == 0)
        upto = None if ss["upto"] >= K else ss["upto"]
        view = current_view()
        try:
            fig = figure("paths", config_json, overlay=view.overlay, upto=upto, critical=view.critical)
        except limits.Busy as exc:
            busy(exc)
            return
        # run alone after a change (on_value): once the chart is drawn, the rest follows
        stale = config_json if ss.get("results_for") != config_json else None
        live_chart(fig, key=CHART, config=export.TOOLBAR_CONFIG, on_click=on_click, notify=stale,
                   on_drawn=on_drawn)
        st.caption("Click anywhere on a panel to start there; drag to zoom, double-click to go back.")

    def current_figure() -> Any:
        """The figure of the open tab, for a file (the trajectories for the data tab; vector contours)."""
        if view.tab in insights.TABS:
            return insights.current_figure(view.tab, result, view.insights)
        kind = view.tab if view.tab in ("loss", "distance", "lr", "surface3d") else "paths"
        return figure(kind, config_json, overlay=view.overlay, log_y=view.log_y, contours="lines",
                      critical=view.critical)

    with tabs["paths"]:
        if tabs["paths"].open:
            trajectories()
    for kind in ("loss", "distance", "lr", "surface3d"):
        with tabs[kind]:
            if tabs[kind].open:
                try:
                    fig = figure(kind, config_json, log_y=view.log_y)
                except limits.Busy as exc:
                    busy(exc)
                    continue
                if kind == "surface3d":       # WebGL traces: Streamlit's chart, with the full plotly.js
                    st.plotly_chart(fig, key=f"chart_{kind}", config=export.TOOLBAR_CONFIG, width="stretch")
                else:
                    live_chart(fig, key=f"chart_{kind}", config=export.TOOLBAR_CONFIG)
    for kind in insights.TABS:
        with tabs[kind]:
            if tabs[kind].open:
                insights.draw(kind, result)
    with tabs["data"]:
        if tabs["data"].open:
            st.markdown("**Summary**")
            st.dataframe(A.summary_rows(result), hide_index=True, width="stretch",
                         column_config={k: st.column_config.NumberColumn(format="%.4g")
                                        for k in ("final x", "final y", "final loss", "distance to minimum")})
            st.markdown("**Every step**")
            st.dataframe(A.step_columns(result), hide_index=True, width="stretch", height=360)

    # --- export -----------------------------------------------------------------------------------

    def figure_bytes(fmt: str) -> Callable[[], bytes]:
        """Made only when the button is clicked: kaleido takes a second or more."""
        return lambda: export.to_bytes(current_figure(), fmt)

    def trajectories_csv() -> bytes:
        columns = A.step_columns(result)
        # a label starting with = + - @ would be a formula to a spreadsheet: quote it
        columns["label"] = ["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in columns["label"]]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(zip(*columns.values()))
        return out.getvalue().encode()

    st.subheader("Share and export", anchor=False)
    st.caption("The address in your browser holds the whole experiment: copy it to share exactly this view.")
    has_browser = export.find_browser() is not None
    row = st.container(horizontal=True)   # one element, not eight columns: fewer messages per rerun
    downloads = [
        ("PNG", figure_bytes("png"), "png", "image/png", not has_browser),
        ("SVG", figure_bytes("svg"), "svg", "image/svg+xml", not has_browser),
        ("PDF", figure_bytes("pdf"), "pdf", "application/pdf", not has_browser),
        ("HTML", figure_bytes("html"), "html", "text/html", False),
        ("CSV", trajectories_csv, "csv", "text/csv", False),
        ("JSON", lambda: json.dumps(result.to_dict()).encode(), "json", "application/json", False),
    ]
    with row:
        for label, data, ext, mime, disabled in downloads:
            name = "trajectories" if label in ("CSV", "JSON") else f"gradscape-{view.tab}"
            st.download_button(label, data=limits.HEAVY(data), file_name=f"{name}.{ext}", mime=mime,
                               key=f"dl_{ext}", on_click="ignore", disabled=disabled,
                               icon=":material/download:", width="stretch",
                               help=export.NO_BROWSER if disabled else f"The current figure as {label}"
                               if label not in ("CSV", "JSON") else f"Every step of every run as {label}")
        st.download_button("Config", data=lambda: json.dumps(config.to_dict(), indent=2).encode(),
                           file_name="gradscape-config.json", mime="application/json", key="dl_config",
                           on_click="ignore", icon=":material/download:", width="stretch",
                           help="Load it back above, or run it: gradscape run gradscape-config.json")


st.title("gradscape", anchor=False,
         help="torch.optim's update rules, step by step, on 2-D loss surfaces.")
results()


# --- sidebar controls -----------------------------------------------------------------------

def number(label: str, key: str, h: Any | None = None, **kwargs: Any) -> None:
    """A number input; with a Hyperparam h its bounds, step and tooltip come from the core."""
    real = h is None or h.kind in ("float", "pair", "triple")
    if h is not None:
        kind = float if real else int
        if h.low is not None and not h.low_open:
            kwargs.setdefault("min_value", kind(h.low))
        if h.high is not None and not h.high_open:
            kwargs.setdefault("max_value", kind(h.high))
        kwargs.setdefault("help", h.help or None)
        kwargs.setdefault("step", A.float_step(h) if real else 1)
    if real:
        kwargs.setdefault("format", "%g")
    st.number_input(label, key=key, **kwargs)


def hyperparam_inputs(uid: int, role: str, owner: str, skip: tuple[str, ...] = ()) -> None:
    """One input per hyperparameter, labelled with torch's keyword, in two columns."""
    ensure(A.part_values(uid, role, owner, {}))
    params = [h for h in A.hyperparams(role, owner) if h.name not in skip]
    cols = st.columns(2)
    for i, h in enumerate(params):
        with cols[i % 2]:
            if h.kind == "bool":
                st.checkbox(h.name, key=A.param_key(uid, role, owner, h.name), help=h.help or None,
                            on_change=on_value)
            elif h.kind == "ints":
                st.text_input(h.name, key=A.param_key(uid, role, owner, h.name), help=h.help or None,
                              on_change=on_value)
            elif h.kind in ("pair", "triple"):
                for part in range(len(h.default)):
                    number(f"{h.name}[{part}]", A.param_key(uid, role, owner, h.name, part), h,
                           on_change=on_value)
            else:
                number(h.name, A.param_key(uid, role, owner, h.name), h, on_change=on_value)


def line_controls(uid: int, n_lines: int) -> None:
    """One optimizer of the list: label, class and lr; the rest and a scheduler in a popover."""
    name_key, sched_key = A.line_key(uid, "name"), A.line_key(uid, "scheduler")
    with st.container(border=True, key=f"box{uid}"):
        label, dup, rem = st.columns([5, 1, 1], vertical_alignment="center", gap="small")
        with label:
            st.text_input("Label", key=A.line_key(uid, "label"), max_chars=60,
                          label_visibility="collapsed", placeholder="label",
                          help="The name shown in legends and tables.", on_change=on_value)
        with dup:
            st.button("", key=f"dup{uid}", icon=":material/content_copy:", help="Duplicate",
                      type="tertiary", on_click=on_duplicate, args=(uid,),
                      disabled=n_lines >= MAX_OPTIMIZERS)
        with rem:
            st.button("", key=f"del{uid}", icon=":material/delete:", help="Remove",
                      type="tertiary", on_click=on_remove, args=(uid,), disabled=n_lines <= 1)
        left, right = st.columns([3, 2])
        with left:
            st.selectbox("Optimizer", list(optimizers.ALL_OPTIMIZERS), key=name_key,
                         format_func=A.optimizer_label,
                         help=optimizers.ALL_OPTIMIZERS[ss[name_key]].summary or None)
        name = ss[name_key]
        ensure(A.part_values(uid, "opt", name, {}))
        with right:
            lr = next(h for h in A.hyperparams("opt", name) if h.name == "lr")
            number("lr", A.param_key(uid, "opt", name, "lr"), lr, on_change=on_value)
        ensure({sched_key: A.NO_SCHEDULER})
        with st.popover("More settings", icon=":material/tune:", width="stretch", key=f"more{uid}",
                        help="Every other hyperparameter, and a learning-rate scheduler."):
            hyperparam_inputs(uid, "opt", name, skip=("lr",))
            st.selectbox("Scheduler", [A.NO_SCHEDULER, *optimizers.SCHEDULERS], key=sched_key,
                         help="torch.optim.lr_scheduler: how lr changes from step to step.")
            if ss[sched_key] != A.NO_SCHEDULER:
                hyperparam_inputs(uid, "sched", ss[sched_key])


def sidebar() -> None:
    formula_error = current_config()[2]
    st.selectbox("Preset", [*presets.PRESETS, CUSTOM], key=A.PRESET, on_change=on_preset,
                 format_func=lambda n: PRESET_NAMES.get(n, n) if n != CUSTOM else "—")

    st.subheader("Surface")
    st.selectbox("Surface", [*surfaces.names(), A.FORMULA_OPTION], key=A.SURFACE, on_change=on_surface,
                 label_visibility="collapsed",
                 format_func=lambda s: "Your formula…" if s == A.FORMULA_OPTION else surfaces.get(s).name)
    if ss[A.SURFACE] == A.FORMULA_OPTION:
        st.text_input("f(x, y)", key=A.FORMULA, max_chars=300,
                      help="Operators + - * / ^, functions sin cos exp log sqrt abs ...; x and y.")
        if formula_error is not None:
            st.error(A.md_escape(formula_error.removeprefix("surface.expr: "))
                     + " — the last valid surface stays on screen.", icon=":material/error:")
        cx, cy = st.columns(2)
        with cx:
            number("x from", "xmin")
            number("x to", "xmax")
        with cy:
            number("y from", "ymin")
            number("y to", "ymax")

    st.subheader("Start and steps")
    cx, cy, cs = st.columns(3)
    with cx:
        number("x", A.START_X, help="Or click a panel of the plot.", on_change=on_value)
    with cy:
        number("y", A.START_Y, help="Or click a panel of the plot.", on_change=on_value)
    with cs:
        st.number_input("steps", 0, MAX_STEPS, key=A.STEPS, step=10, on_change=on_value)
    with st.expander("Gradient noise (mini-batch view)"):
        st.caption("Each update sees ∇f + σ·ξ, ξ standard normal: what a mini-batch gradient "
                   "looks like. The drawn loss is the true one.")
        cn, cs = st.columns(2)
        with cn:
            number("std σ", A.NOISE_STD, min_value=0.0, max_value=1e6, step=0.1, on_change=on_value)
        with cs:
            st.number_input("seed", 0, 2**32 - 1, key=A.NOISE_SEED, step=1, on_change=on_value)

    st.subheader("Optimizers")
    uids = ss[A.LINES]
    for uid in uids:
        line_controls(uid, len(uids))
    ca, cb = st.columns([3, 2], vertical_alignment="bottom")
    with ca:
        st.selectbox("Add an optimizer", list(optimizers.ALL_OPTIMIZERS), key="add_name",
                     format_func=A.optimizer_label)
    with cb:
        st.button("Add", key="add", icon=":material/add:", on_click=on_add, width="stretch",
                  disabled=len(uids) >= MAX_OPTIMIZERS)

    st.subheader("Load a configuration")
    st.file_uploader("A JSON file exported from here (or for `gradscape run`)", type=["json"],
                     key="upload", on_change=on_upload)


with st.sidebar:       # last in the script: the chart above reaches the browser first
    sidebar()
