"""Basin map: one optimizer line run from every start of an N × N grid over the window, in one
batched call; each start coloured by the minimum its run reached, or that it diverged."""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config, Result
from gradscape.figures.maps import basin_figure
from optimizers.grids import Basin, basin

from .. import compute, limits, ui
from gradscape.i18n import N_, _
from gradscape.i18n_core import core

from ..context import Context, Tab
from ..keys import Key
from ..settings import MAX_MAP_RESOLUTION, MAX_WORK, Insights
from ..text import md_escape


class Shown(NamedTuple):
    """The line mapped, the starts per side, and why fewer than asked (or None)."""

    line: int
    resolution: int
    note: str | None


def shown(config: Config, chosen: Insights) -> Shown:
    """The line and resolution to map: the resolution lowered to fit ``MAX_WORK``."""
    fits = max(2, math.isqrt(MAX_WORK // max(config.steps, 1)))
    wanted = chosen.resolution
    note = None if wanted <= fits else (
        _("Showing {fits} × {fits} starts: {wanted} × {wanted} starts of {steps} steps each would be "
          "more than the {million} million steps one map may take.").format(
              fits=fits, wanted=wanted, steps=config.steps, million=MAX_WORK // 1_000_000))
    return Shown(min(chosen.line, len(config.lines) - 1), min(wanted, fits), note)


def minima(result: Result) -> tuple[list[tuple[float, float]], str]:
    """The minima a basin map sorts its runs by, and where they come from."""
    if result.surface.minima:
        return list(result.surface.minima), _("the surface's known global minima")
    found = [(p.x, p.y) for p in compute.critical_points(result) if p.kind == "minimum"]
    return found, _("the local minima the critical-point search found")


@memo(8, by_language=False)
@limits.HEAVY
def basin_of(config: Config, line: int, resolution: int) -> Basin:
    """Line ``line`` run from every start of a resolution² grid over the window."""
    result = compute.result(config)
    optimizer, scheduler = config.lines[line].build()
    return basin(result.surface, optimizer, config.steps, resolution, scheduler,
                 minima=minima(result)[0], noise_std=config.noise_std, seed=config.noise_seed)


@memo(8)
@limits.HEAVY
def figure(config: Config, line: int, resolution: int) -> Any:
    """The basin map's figure; shared between sessions: do not change it."""
    result = compute.result(config)
    return basin_figure(basin_of(config, line, resolution), result.surface,
                        title=_("Basins of attraction of {label} on {surface}").format(
                            label=config.lines[line].label, surface=core(result.surface.name)))


def draw(context: Context) -> None:
    """Where one optimizer ends from every start of an N × N grid: loss, minimum, steps."""
    config, s = context.config, shown(context.config, context.view.insights)
    c1, c2, _rest = st.columns([2, 1, 2], vertical_alignment="bottom")
    with c1:
        ui.line_select(context.result, s.line,
                       _("The optimizer (with its scheduler) run from every start."))
    with c2:
        ui.sync(Key.BASIN_RESOLUTION, context.view.insights.resolution)
        st.number_input(_("Starts per side"), 2, MAX_MAP_RESOLUTION, key=Key.BASIN_RESOLUTION, step=10,
                        help=_("N: the map runs N × N starts (at most {n}).").format(n=MAX_MAP_RESOLUTION))
    if s.note:
        st.info(s.note, icon=":material/info:")
    if not config.lines[s.line].build()[0].batched:
        st.info(md_escape(one_at_a_time(config, s.line)), icon=":material/info:")
        return
    if config.steps == 0:
        st.info(_("With 0 steps every run ends where it starts."), icon=":material/info:")
    ui.chart(figure(config, s.line, s.resolution), Key.CHART_BASIN)
    st.caption(_summary(context.result, basin_of(config, s.line, s.resolution)))


def _summary(result: Result, b: Basin) -> str:
    """ "100 steps from each of 10000 starts; ...: 25 % reached minimum 0; ...": the map in words."""
    found, source = minima(result)
    total = b.minimum_index.size
    reached = [int((b.minimum_index == i).sum()) for i in range(len(found))]
    diverged = int(b.diverged.sum())
    parts = [_("{share} % reached minimum {i}").format(share=f"{100 * n / total:.0f}", i=i)
             for i, n in enumerate(reached)]
    parts += [_("{share} % none").format(share=f"{100 * (total - sum(reached) - diverged) / total:.0f}"),
              _("{share} % diverged").format(share=f"{100 * diverged / total:.0f}")]
    return _("{steps} steps from each of {total} starts; minima: {source}. A run reached a minimum if "
             "it ended within {tol} of it: {parts}.").format(steps=result.config.steps, total=total,
                                                              source=source, tol=f"{b.tol:.3g}",
                                                              parts=_("; ").join(parts))


def one_at_a_time(config: Config, line: int) -> str:
    """Why a line whose optimizer steps one run at a time (LBFGS) has no basin map."""
    return _("{label} ({optimizer}) steps one run at a time: LBFGS's iterations and line search branch "
             "on each run's own values, too slow for the thousands of starts of a basin map. Choose "
             "another line.").format(label=config.lines[line].label, optimizer=config.lines[line].optimizer.name)


def export_figure(context: Context) -> Any:
    s = shown(context.config, context.view.insights)
    if not context.config.lines[s.line].build()[0].batched:
        return ui.note_figure(one_at_a_time(context.config, s.line))
    return figure(context.config, s.line, s.resolution)


TAB = Tab("basin", N_("Basins"), draw, export_figure,
          keeps=(Key.INSIGHT_LINE, Key.BASIN_RESOLUTION))
