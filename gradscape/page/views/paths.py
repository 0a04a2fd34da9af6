"""Side by side (or overlaid): the contour panels with every trajectory, playback, click to start.

The chart is a live chart (``livechart``: one Plotly div updated in place) alone in a fragment,
``Key.PANELS``: a value change reruns just it first (``state.on_value``; one element: the least
the browser and the server have to do), and once the browser has drawn the new chart it asks for
the rest of the results (``on_drawn``). Around it, the fragment ``Key.PATHS`` holds playback,
which reruns it four frames a second at a chosen number of steps per second (so a long run moves
as smoothly as a short one), once or in a loop.

While the start marker is dragged no script reruns at all: the chart asks the app's own route
(``gradscape.page.routes``) for the traces from the pointer's position, of the
experiment it shows, opened for that under a key (``open_for_drag``, ``dragged``); the release
sets the start as a click does. A number typed into the sidebar is asked of the same route
(``retyped``) and drawn at once, before the page's rerun brings the same figure.

A new tab's first run draws the page only down to the chart (``deferred``): the browser draws
the trajectories before it lays out the rest.
"""
from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import plotly.io as pio

import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config, ConfigError, Result, load, simulate
from gradscape.figures import trajectory_figure
from gradscape.figures.trajectory import trajectory_spec
from gradscape.figures.export import TOOLBAR_CONFIG
from gradscape.figures.look import presentation
from gradscape.i18n import N_, _, language, speaking
from gradscape.i18n_core import core

from .. import compute, form, formulas, limits, present, routes, ui
from ..context import Context, Tab
from ..keys import Key, css_key
from ..livechart import live_chart

ss = st.session_state
FRAME_SECONDS = 0.25           # playback: a frame every quarter second,
SPEEDS = (4, 12, 40, 120)      # moving this many steps per second (1, 3, 10 or 30 per frame)
DEFAULT_SPEED = 12
OPEN_MAX = 512                 # experiments open for dragging, server-wide (the oldest closes)


@memo(64)
@limits.HEAVY
def spec(config: Config, overlay: bool = False, upto: int | None = None,
         critical: bool = False) -> dict[str, Any]:
    """The contour panels of ``config``'s runs as the page draws them (contours as pictures),
    cut at step ``upto``: plain figure data, shared between sessions: do not change it."""
    return panels_spec(compute.result(config), overlay, upto, critical)


def panels_spec(result: Result, overlay: bool, upto: int | None, critical: bool) -> dict[str, Any]:
    """The contour panels of a result as the page draws them (``spec``, uncached)."""
    return trajectory_spec(result, overlay=overlay, upto=upto, contours="raster",
                           critical=compute.critical_points(result) if critical else ())


def resolved(value: float, pixel: object) -> float:
    """``value`` rounded to the power of ten below what one pixel spans (``pixel``, data units):
    a click on a 20-wide window 800 px across (0.025 a pixel) gives 2 decimals, −1.002 → −1.
    Without a usable pixel size, 4 significant digits."""
    if not isinstance(pixel, (int, float)) or isinstance(pixel, bool) or not 0 < pixel < math.inf:
        return float(f"{value:.4g}")
    return round(value, -math.floor(math.log10(pixel))) + 0.0      # + 0.0: no −0


def on_click() -> None:
    """A click inside a panel moves the start there; the whole page follows (inputs, URL)."""
    _start_at(_point("click"))


def on_release() -> None:
    """The start marker was let go (or moved by the keyboard): the start is set, as by a click."""
    _start_at(_point("release"))


def _start_at(point: tuple[float, float] | None) -> None:
    """Move the start to ``point`` (if any); the chart lives in a fragment, so the whole page
    reruns next, to show the new start in the inputs and the URL."""
    if point is not None:
        ss[Key.START_X], ss[Key.START_Y] = point
        ss[Key.RERUN_APP] = True


def _point(event: str) -> tuple[float, float] | None:
    """The point the chart's ``event`` reports, at the precision one pixel resolves; None if
    unusable."""
    point = (ss.get(Key.CHART) or {}).get(event) or {}
    x, y = point.get("x"), point.get("y")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
               for v in (x, y)):
        return None
    return resolved(x, point.get("dx")), resolved(y, point.get("dy"))


def on_key() -> None:
    """A key of presentation mode (``present.stepped``): → ← Space Home End drive playback.
    Playing starts or stops the frame timer, which the whole results decide: they rerun."""
    event = (ss.get(Key.CHART) or {}).get("key") or {}
    if not isinstance(event, dict) or event.get("seq") == ss.get(Key.PRESENT_KEY):
        return
    ss[Key.PRESENT_KEY] = event.get("seq")
    config = ss.get(Key.UPTO_FOR)
    if config is None:
        return
    playing = bool(ss.get(Key.PLAYING))
    ss[Key.UPTO], ss[Key.PLAYING] = present.stepped(str(event.get("key")), int(ss.get(Key.UPTO, 0)),
                                                    config.steps, playing)
    if ss[Key.PLAYING] != playing:
        ss[Key.RERUN_APP] = True
    else:                         # the chart's fragment is inside playback's: the slider moves too
        st.rerun(Key.PATHS)


def deferred() -> bool:
    """Whether this run draws the page only down to the chart: a session's first, while its
    side-by-side chart is not yet on screen. The rest (the rule strip, the exports, the
    sidebar's inputs) follows once the browser has drawn it (``on_drawn``): a new
    tab shows the trajectories first, its browser not busy laying out a hundred inputs."""
    return not ss.get(Key.PAINTED)


def painted() -> None:
    """The first chart is on screen (or none will be): from now on every run draws everything."""
    ss[Key.PAINTED] = True


def on_drawn() -> None:
    """The chart, rerun alone after a change, is drawn: now the rest of the results; or a new
    tab's first chart: now the whole page (``deferred``)."""
    if deferred():
        painted()
        st.rerun()
    st.rerun(Key.RESULTS)


def next_frame(upto: int, steps: int, speed: int, loop: bool) -> tuple[int, bool]:
    """The step the next frame draws up to and whether playback goes on: ``speed`` steps per
    second, so each frame moves ``speed · FRAME_SECONDS`` steps whatever the run's length; at
    the end it starts again from 0 with ``loop``, else it stops on the last step."""
    if upto >= steps:
        return (0, True) if loop and steps > 0 else (steps, False)
    return min(upto + max(1, round(speed * FRAME_SECONDS)), steps), True


def playback(config: Config) -> int | None:
    """Play/pause, speed, loop and the step slider; the step to draw up to (None: the whole run)."""
    steps = config.steps
    if ss.get(Key.UPTO_FOR) != config:             # a new experiment is shown whole
        ss[Key.PLAYING] = False
        ss[Key.UPTO], ss[Key.UPTO_FOR] = steps, config
    speed = ss.get(Key.PLAY_SPEED) or DEFAULT_SPEED
    if ss.get(Key.PLAYING):
        ss[Key.UPTO], ss[Key.PLAYING] = next_frame(int(ss[Key.UPTO]), steps, speed,
                                                   bool(ss.get(Key.PLAY_LOOP)))
        if not ss[Key.PLAYING]:
            st.rerun()                             # stop the timer
    ss[Key.UPTO] = min(max(int(ss.get(Key.UPTO, steps)), 0), steps)
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        playing = bool(ss.get(Key.PLAYING))
        if st.button(_("Pause") if playing else _("Play"), key=Key.PLAY, width="content",
                     icon=":material/pause:" if playing else ":material/play_arrow:"):
            ss[Key.PLAYING] = not playing
            if ss[Key.PLAYING] and ss[Key.UPTO] >= steps:
                ss[Key.UPTO] = 0
            st.rerun()
        ss.setdefault(Key.PLAY_SPEED, DEFAULT_SPEED)
        st.segmented_control(_("Steps per second"), SPEEDS, key=Key.PLAY_SPEED, width="content",
                             help=_("How fast playback goes: the same speed for a run of any length."))
        st.toggle(_("Loop"), key=Key.PLAY_LOOP, width="content", help=_("Start again at the end."))
        st.slider(_("Step"), 0, max(steps, 1), key=Key.UPTO, disabled=steps == 0, width="stretch")
    return shown_upto(config)


def shown_upto(config: Config) -> int | None:
    """The step playback stands at for ``config`` (None: the whole run; a new experiment, which
    ``playback`` has not seen yet, is shown whole)."""
    upto = ss.get(Key.UPTO)
    if ss.get(Key.UPTO_FOR) != config or upto is None or upto >= config.steps:
        return None
    return int(upto)


def chart() -> None:
    """Playback and the contour panels, rerunning alone (see the module's docstring)."""
    playback(form.current(ss, ss[Key.LINES])[0])
    st.fragment(panels, key=Key.PANELS)()
    if not (present.presenting() or deferred()):
        st.caption(_("Click anywhere on a panel to start there, or drag the start (●; arrow keys on the "
                     "focused chart); drag elsewhere to zoom, double-click to go back."))


def panels() -> None:
    """The contour panels at playback's step, rerunning alone (see the module's docstring)."""
    if ss.pop(Key.RERUN_APP, False):
        st.rerun()
    config = form.current(ss, ss[Key.LINES])[0]
    overlay, critical = bool(ss.get(Key.OVERLAY)), bool(ss.get(Key.CRITICAL_MARKS))
    try:
        fig = spec(config, overlay=overlay, upto=shown_upto(config), critical=critical)
    except limits.Busy as exc:
        painted()                 # no chart to wait for
        ui.busy(exc)
        return
    # once the chart is drawn, the rest follows: after a change, which reran it alone
    # (state.on_value), and in a new tab's first run (``deferred``)
    if ss.get(Key.RESULTS_FOR) != config:
        notify = config.to_json()
    else:
        notify = "first" if deferred() else None
    presenting = present.presenting()
    chart_column, beside = st.columns([3, 1]) if presenting and not ss.get(Key.OVERLAY) else (st.container(), None)
    with chart_column:
        live_chart(presentation(fig) if presenting else fig, key=Key.CHART, config=TOOLBAR_CONFIG,
                   on_click=on_click, notify=notify, on_drawn=on_drawn, on_release=on_release,
                   drag={"address": routes.ADDRESS,
                         "key": open_for_drag(config, overlay, critical, tuple(ss[Key.LINES])),
                         "inputs": typable(config, tuple(ss[Key.LINES]))},
                   fit=presenting, on_key=on_key if presenting else None)
    if presenting:
        if beside is not None:
            with beside, st.container(key=Key.PRESENT_RULES):
                formulas.strip(config, per_row=1)
        return
    if not deferred():
        formulas.strip(config)


# --- the drag and typed values: answered by a route, outside any script run --------------------

@dataclass(frozen=True)
class Opened:
    """An experiment a page's chart shows, open to the route: how it is drawn, in which language,
    and the page's optimizer lines (``Key.LINES``: the keys of their inputs)."""

    config: Config
    overlay: bool
    critical: bool
    language: str
    lines: tuple[int, ...]


_open: OrderedDict[str, Opened] = OrderedDict()
_open_lock = threading.Lock()
MAX_TYPED = 8                  # inputs typed anew in one request


class Closed(LookupError):
    """No experiment is open for dragging under this key (never opened, or closed since)."""


class Redraw(Exception):
    """Typed values the chart does not draw at once: an experiment that cannot run (the page's
    rerun says why) or one on another surface (its window, its data: the page redraws the
    whole chart)."""


def open_for_drag(config: Config, overlay: bool, critical: bool, lines: tuple[int, ...] = ()) -> str:
    """Open the experiment the chart shows (``config``, drawn with ``overlay`` and ``critical``
    marks, its optimizers' inputs keyed by ``lines``) to the route: it runs it from any start in
    its window (``dragged``) or with its number inputs typed anew (``retyped``), and nothing else.
    The traces' names and hover text are in the page's language. Returns its key, a hash of it
    (the same experiment in the same language has the same key in every session)."""
    opened = Opened(config, overlay, critical, language(), tuple(lines))
    key = hashlib.blake2b(f"{config.to_json()}|{overlay}|{critical}|{opened.language}|{opened.lines}".encode(),
                          digest_size=12).hexdigest()
    with _open_lock:
        _open[key] = opened
        _open.move_to_end(key)
        while len(_open) > OPEN_MAX:
            _open.popitem(last=False)
    return key


def _opened(key: str) -> Opened:
    with _open_lock:
        found = _open.get(key)
    if found is None:
        raise Closed(_("This chart is no longer open for dragging: reload the page."))
    return found


def dragged(key: str, x: float, y: float) -> str:
    """The chart's traces and notes, ``{"data", "annotations"}`` as JSON, for the experiment
    open under ``key`` started at (x, y) instead: what the chart draws while its start is
    dragged. Raises `Closed` for an unknown key, ValueError for a start outside the window
    (or not finite), `limits.Busy` when the server is busy. Nothing is cached: a drag's many
    starts would push the results other visitors see out of the caches (a typed value's
    figure is: ``retyped``)."""
    opened = _opened(key)
    with speaking(opened.language):
        (x0, x1), (y0, y1) = compute.result(opened.config).surface.window
        if not (math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
            raise ValueError(_("The start must be inside the window [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}], "
                               "got ({x:.6g}, {y:.6g}).").format(x0=x0, x1=x1, y0=y0, y1=y1, x=x, y=y))
        with limits.HEAVY.slot():
            fig = panels_spec(simulate(replace(opened.config, start=(float(x), float(y)))),
                              opened.overlay, None, opened.critical)
        return _answer(fig)


def typable(config: Config, lines: tuple[int, ...]) -> list[str]:
    """The number inputs of ``config``'s sidebar (its optimizers keyed by ``lines``) as the
    browser names them (``css_key``): those the route answers typed (``retyped``)."""
    return sorted(_numbers(form.widget_values(config, list(lines))))


def _numbers(values: dict[str, Any]) -> dict[str, str]:
    """The number inputs among widget values: {the browser's name: the key}."""
    return {css_key(k): k for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def retyped(key: str, typed: dict[str, str]) -> str:
    """The chart's traces and notes (as ``dragged``) for the experiment open under ``key`` with
    some of its number inputs typed anew: ``typed`` maps an input, named as the browser sees it
    (``typable``), to the text typed. What the chart draws at once, while the page reruns.
    Raises `Closed`; ValueError for an input not among ``typable`` or a text not a finite
    number; `Redraw` for an experiment the page shows otherwise (one that cannot run: the
    page says why; another surface: the page draws it); `limits.Busy`."""
    opened = _opened(key)
    with speaking(opened.language):
        values = form.widget_values(opened.config, list(opened.lines))
        numbers = _numbers(values)
        for name, text in typed.items():
            if name not in numbers:
                raise ValueError(_("No number input {name!r} in this chart's experiment.").format(name=name))
            value = routes.number(text, name)
            if isinstance(values[numbers[name]], int):
                if not value.is_integer():
                    raise Redraw(_("{name} must be a whole number, got {text!r}.").format(name=name, text=text))
                value = int(value)
            values[numbers[name]] = value
        try:
            config = load(form.read_config(values, list(opened.lines)))
        except ConfigError as exc:
            raise Redraw(core(str(exc))) from None
        runs_only = dict(lines=config.lines, start=config.start, steps=config.steps,
                         noise_std=config.noise_std, noise_seed=config.noise_seed, batch=config.batch)
        if replace(opened.config, **runs_only) != config:
            raise Redraw(_("This input changes the surface: the page redraws the chart."))
        # cached: the page's rerun asks for this very figure next
        return _answer(spec(config, overlay=opened.overlay, upto=None, critical=opened.critical))


def _answer(fig: dict[str, Any]) -> str:
    """The route's answer: a figure's traces and notes, as JSON."""
    return pio.to_json({"data": fig["data"], "annotations": fig["layout"].get("annotations", [])},
                       validate=False)


def draw(context: Context) -> None:
    """The chart as a fragment; while playing, a timer reruns it for the next frame."""
    st.fragment(chart, key=Key.PATHS, run_every=FRAME_SECONDS if ss.get(Key.PLAYING) else None)()


def export_figure(context: Context) -> Any:
    """The panels for a file: vector contour lines."""
    result = compute.result(context.config)
    return trajectory_figure(result, overlay=context.view.overlay, contours="lines",
                             critical=compute.critical_points(result) if context.view.critical else ())


TAB = Tab("paths", N_("Side by side"), draw, export_figure, keeps=(Key.PLAY_SPEED, Key.PLAY_LOOP, Key.NOTATION))
