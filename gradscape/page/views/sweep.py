"""Hyperparameter sweep: one optimizer line from the experiment's start over a grid of two of
its hyperparameters, all cells in one batched call; a click on a cell gives the line its values.

A click reruns this view alone; the cell is remembered (``Key.SWEEP_PICK``) and applied by
``prepare`` at the start of the next run, before any widget is drawn, which then reruns the
whole page so the sidebar shows the new values.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

import optimizers
from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures.inside import clickable_sweep_figure
from optimizers.grids import Axis, Sweep, sweep, sweepable

from .. import compute, form, limits, ui
from gradscape.i18n import N_, _
from gradscape.i18n_core import core

from ..context import Context, Tab
from ..keys import AXIS_FIELDS, Key, axis_key, line_key, param_key
from ..settings import (MAX_SWEEP_VALUES, MAX_WORK, Insights, axis_spec, axis_values, default_axes,
                        sweep_axis)
from ..text import md_escape

ss = st.session_state


class Shown(NamedTuple):
    """The line swept and its two axes (``NAME:LOW:HIGH:NUM[:log]``)."""

    line: int
    x: str
    y: str


def shown(config: Config, chosen: Insights) -> Shown | str:
    """The line and axes to sweep, or why they cannot run: an unset axis, or one naming a
    hyperparameter the line's optimizer lacks, gives way to ``default_axes``."""
    line = min(chosen.line, len(config.lines) - 1)
    optimizer, _scheduler = config.lines[line].build()
    if not optimizer.batched:
        return _("{label} ({optimizer}) steps one run at a time: LBFGS's "
                 "iterations and line search branch on each run's own values, too slow for the "
                 "hundreds of runs of a sweep. Choose another line.").format(label=config.lines[line].label,
                                                                            optimizer=optimizer.name)
    allowed = sweepable(optimizer)
    axes = [spec if spec is not None and sweep_axis(spec).name in allowed else default
            for spec, default in zip((chosen.sweep_x, chosen.sweep_y),
                                     default_axes(optimizer.name, float(optimizer.base_lr), allowed))]
    x, y = (sweep_axis(spec) for spec in axes)
    if x.name == y.name:
        return _("Choose two different hyperparameters to sweep.")
    if x.values.size * y.values.size * max(config.steps, 1) > MAX_WORK:
        return _("{nx} × {ny} settings of {steps} steps each is more than the {million} million steps "
                 "one sweep may take: use fewer values.").format(nx=x.values.size, ny=y.values.size,
                                                                 steps=config.steps, million=MAX_WORK // 1_000_000)
    return Shown(line, *axes)


@memo(8, by_language=False)
@limits.HEAVY
def sweep_of(config: Config, line: int, x: str, y: str) -> Sweep:
    """Line ``line`` from the experiment's start over the grid of two hyperparameters."""
    result = compute.result(config)
    optimizer, scheduler = config.lines[line].build()
    return sweep(result.surface, optimizer, sweep_axis(x), sweep_axis(y), config.steps,
                 start=result.start, scheduler=scheduler, noise_std=config.noise_std,
                 seed=config.noise_seed)


@memo(8)
@limits.HEAVY
def figure(config: Config, line: int, x: str, y: str) -> Any:
    """The sweep's figure; ValueError when a value fails torch's checks. Shared: do not change it."""
    result = compute.result(config)
    return clickable_sweep_figure(sweep_of(config, line, x, y), min_value=result.surface.min_value)


# --- a click on a cell ----------------------------------------------------------------------

def nearest_value(axis: Axis, value: float) -> float:
    """The value of ``axis`` nearest ``value`` (in log space on a log axis): a clicked cell."""
    values = np.asarray(axis.values, dtype=float)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (axis.log and value <= 0):
        raise ValueError(f"{axis.name}: not a value of the sweep: {value!r:.40}")
    distance = np.abs(np.log(values) - math.log(value)) if axis.log else np.abs(values - value)
    return float(values[int(np.argmin(distance))])


def sweep_choice(uid: int, name: str, x: Axis, y: Axis, px: float, py: float,
                 inner: str | None = None) -> dict[str, float]:
    """Widget values giving line ``uid`` (optimizer ``name``) the sweep cell nearest (px, py).

    ``betas[0]`` sets the first of the pair's two inputs; ``optimizer.lr`` the lr of a wrapper's
    optimizer ``inner``. ValueError for a point off the axes.
    """
    values = {}
    for axis, value in ((x, px), (y, py)):
        role, owner, hyper = "opt", name, axis.name
        if hyper.startswith("optimizer."):        # a wrapper's optimizer: its own inputs
            role, owner, hyper = "inner", inner or name, hyper.removeprefix("optimizer.")
        if hyper.endswith("]"):
            key = param_key(uid, role, owner, hyper[:-3], int(hyper[-2]))
        else:
            key = param_key(uid, role, owner, hyper)
        values[key] = nearest_value(axis, value)
    return values


def on_select() -> None:
    """A click on a sweep cell: remember it; ``prepare`` applies it before any widget."""
    points = (ss.get(Key.CHART_SWEEP) or {}).get("selection", {}).get("points", [])
    point = next((p for p in points if _finite(p.get("x")) and _finite(p.get("y"))), None)
    if point is not None:           # a double click sends an empty selection: ignore it
        ss[Key.SWEEP_PICK] = {"x": float(point["x"]), "y": float(point["y"])}


def prepare() -> None:
    """Apply a clicked cell (before any widget of the run), then rerun the whole page."""
    pick = ss.pop(Key.SWEEP_PICK, None)
    if pick is not None:
        _apply(pick)
        st.rerun()                # the click reran only the results; the sidebar must follow


def _apply(pick: dict[str, float]) -> None:
    """Give the followed line the hyperparameters of the sweep cell nearest pick = {x, y}."""
    try:
        uids = ss[Key.LINES]
        uid = uids[min(int(ss.get(Key.INSIGHT_LINE, 0)), len(uids) - 1)]
        name = ss[line_key(uid, "name")]
        x, y = (sweep_axis(axis_spec(ss, axis)) for axis in (Key.SWEEP_X, Key.SWEEP_Y))
        allowed = sweepable(optimizers.ALL_OPTIMIZERS[name])
        inner = ss.get(form.inner_key(uid, name)) if name in optimizers.WRAPPERS else None
        if inner is not None:
            allowed += [f"optimizer.{n}" for n in sweepable(optimizers.ALL_OPTIMIZERS[inner])]
        if x.name not in allowed or y.name not in allowed:
            raise ValueError(f"{name} has no hyperparameter {x.name} or {y.name}")
        values = sweep_choice(uid, name, x, y, pick["x"], pick["y"], inner)
    except (KeyError, TypeError, ValueError) as exc:
        ss[Key.SWEEP_NOTE] = ("warning", _("That cell could not be used: {error}").format(error=core(str(exc))))
        return
    ss.update(values)
    label = ss.get(line_key(uid, "label"), name)
    chosen = ", ".join(f"{axis.name} = {v:.4g}" for axis, v in zip((x, y), values.values()))
    ss[Key.SWEEP_NOTE] = ("success", _("{label} now runs with {chosen}: see it under “{tab}”.").format(
        label=label, chosen=chosen, tab=_("Side by side")))


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- drawing --------------------------------------------------------------------------------

def draw(context: Context) -> None:
    """One optimizer over a grid of two hyperparameters; clicking a cell adopts its values."""
    if Key.SWEEP_NOTE in ss:
        level, text = ss.pop(Key.SWEEP_NOTE)
        (st.success if level == "success" else st.warning)(md_escape(text))
    config, chosen = context.config, context.view.insights
    line = min(chosen.line, len(config.lines) - 1)
    c1, _rest = st.columns([2, 3])
    with c1:
        ui.line_select(context.result, line, _("The optimizer whose hyperparameters are swept, from "
                                               "the experiment's start point, with its scheduler and steps."))
    s = shown(config, chosen)
    _axis_inputs(config, line, s)
    try:                                        # what the widgets show must be a valid sweep
        x, y = (sweep_axis(axis_spec(ss, axis)) for axis in (Key.SWEEP_X, Key.SWEEP_Y))
        if x.name == y.name:
            raise ValueError(_("choose two different hyperparameters to sweep"))
    except ValueError as exc:
        st.warning(md_escape(_("This sweep cannot run: {error}").format(error=core(str(exc)))), icon=":material/warning:")
        return
    if isinstance(s, str):
        st.warning(s, icon=":material/warning:")
        return
    try:
        fig = figure(config, s.line, s.x, s.y)
    except ValueError as exc:                   # torch's check of a value on the grid
        st.warning(md_escape(_("This sweep cannot run: {error}").format(error=core(str(exc)))), icon=":material/warning:")
        return
    ui.chart(fig, Key.CHART_SWEEP, on_select=on_select, selection_mode="points")
    label = md_escape(config.lines[s.line].label)
    st.caption(_("Each cell is one run of {label} from {start} for {steps} steps, all cells in one "
                 "batched call; black: diverged. Click a cell to give {label} its settings.").format(
                     label=label, start=tuple(context.result.start), steps=config.steps))


def _axis_inputs(config: Config, line: int, s: Shown | str) -> None:
    """The five inputs of each axis: hyperparameter, from, to, number of values, log spacing."""
    optimizer, _scheduler = config.lines[line].build()
    allowed = sweepable(optimizer)
    resolved = default_axes(optimizer.name, float(optimizer.base_lr), allowed) if isinstance(s, str) \
        else (s.x, s.y)
    for axis, side, spec, col in zip((Key.SWEEP_X, Key.SWEEP_Y), ("across", "up"), resolved,
                                     st.columns(2)):
        if ss.get(axis_key(axis, "name")) not in allowed:       # unset, or another optimizer's
            ss.update(axis_values(axis, spec))
        with col, st.container(border=True):
            st.markdown("**{}**".format(_("Axis across") if side == "across" else _("Axis up")))
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.selectbox(_("hyperparameter"), allowed, key=axis_key(axis, "name"), width="stretch")
                st.checkbox(_("log spacing"), key=axis_key(axis, "log"), width="content",
                            help=_("Log-spaced values (from > 0)."))
            b, c, d = st.columns(3, vertical_alignment="bottom")
            with b:
                st.number_input(_("from"), key=axis_key(axis, "low"), format="%g", step=None)
            with c:
                st.number_input(_("to"), key=axis_key(axis, "high"), format="%g", step=None)
            with d:
                st.number_input(_("values"), 1, MAX_SWEEP_VALUES, key=axis_key(axis, "num"), step=5)


def export_figure(context: Context) -> Any:
    s = shown(context.config, context.view.insights)
    if isinstance(s, str):
        return ui.note_figure(s)
    try:
        return figure(context.config, s.line, s.x, s.y)
    except ValueError as exc:
        return ui.note_figure(str(exc))


TAB = Tab("sweep", N_("Sweep"), draw, export_figure,
          keeps=(Key.INSIGHT_LINE, *(axis_key(a, f) for a in (Key.SWEEP_X, Key.SWEEP_Y)
                                     for f in AXIS_FIELDS)),
          prepare=prepare)
