"""How the results are shown (``View``) and the insight views' settings (``Insights``).

Plain data, no Streamlit: the URL carries both (``url``), the widgets show them (``read_insights``
and ``insight_values`` map them to and from session-state keys), and the views read them.
A sweep axis is text ``NAME:LOW:HIGH:NUM[:log]`` (``optimizers.grids.parse_axis``), written
one canonical way (``normal_axis``) so that equal axes compare equal.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Mapping

import numpy as np

import optimizers
from gradscape import presets
from gradscape.experiment import MAX_OPTIMIZERS
from gradscape.figures.look import FONT_SCALES, SIZES, THEMES, Look
from optimizers.grids import MIN_RESOLUTION, Axis, parse_axis, sweepable
from optimizers.runner import MAX_STEPS

from .keys import Key, axis_key

MAX_MAP_RESOLUTION = 200       # basin maps in the app: at most 200 x 200 starts
MAX_SWEEP_VALUES = 200         # sweeps in the app: at most 200 values per axis
MAX_POINTS = 500               # critical points listed (critical_points' max_points)
MAX_WORK = 20_000_000          # runs × steps of one basin map or sweep: about 1–3 s here
MAX_AXIS_CHARS = 100
LR_VALUES = 31                 # default lr axis: lr/100 to 10·lr, ten values a decade (lr on it)
SECOND_AXES = (("momentum", 0.0, 0.99, 34), ("betas[0]", 0.0, 0.99, 34), ("rho", 0.0, 0.99, 34),
               ("lr_decay", 0.0, 0.1, 21), ("damping", 0.0, 10.0, 21))     # steps 0.03, 0.005, 0.5
OTHER_VALUES = 30


@dataclass(frozen=True)
class Insights:
    """Settings of the insight views.

    line: index of the optimizer line the inside, basin and sweep views follow.
    step: the update the inside view shows, 1-based like torch's step count (update k moves
        point k − 1 to point k).
    resolution: starts per side of the basin map.
    point: index of the chosen critical point (in ``critical_points``' order).
    sweep_x, sweep_y: the sweep's axes as ``NAME:LOW:HIGH:NUM[:log]``, or None for the defaults
        of the line's optimizer (``default_axes``).
    """

    line: int = 0
    step: int = 1
    resolution: int = 100
    point: int = 0
    sweep_x: str | None = None
    sweep_y: str | None = None

    # whole-number settings and their ranges, checked in URLs and clamped from widgets
    RANGES = {"line": (0, MAX_OPTIMIZERS - 1), "step": (1, MAX_STEPS),
              "resolution": (MIN_RESOLUTION, MAX_MAP_RESOLUTION), "point": (0, MAX_POINTS - 1)}


@dataclass(frozen=True)
class View:
    """How the results are shown: the tab, overlay toggle, loss scale, the preset named, the
    insight tabs' settings, whether the contour panels mark the critical points, and the
    exports' slide look (size preset, font scale, theme, transparency)."""

    tab: str = "paths"
    overlay: bool = False
    log_y: bool = True
    preset: str | None = presets.DEFAULT
    insights: Insights = Insights()
    critical: bool = False
    look: Look = Look()

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON data; the insight settings, the critical-point marks and the look
        only when they are not the defaults (so the links made before them read the same)."""
        doc = asdict(self)
        if self.insights == Insights():
            del doc["insights"]
        if not self.critical:
            del doc["critical"]
        doc["look"] = self.look.to_dict()
        if not doc["look"]:
            del doc["look"]
        return doc


# --- sweep axes ----------------------------------------------------------------------------

def sweep_axis(text: str) -> Axis:
    """A sweep axis of the app from ``NAME:LOW:HIGH:NUM[:log]`` (``grids.parse_axis``).

    Besides parse_axis' checks: at most 100 characters, LOW < HIGH (or NUM = 1 and LOW = HIGH),
    at most ``MAX_SWEEP_VALUES`` values. Raises ValueError saying what is wrong.
    """
    if not isinstance(text, str) or len(text) > MAX_AXIS_CHARS:
        raise ValueError(f"a sweep axis is text NAME:LOW:HIGH:NUM[:log] of at most "
                         f"{MAX_AXIS_CHARS} characters")
    axis = round_axis(parse_axis(text))
    if axis.values.size > MAX_SWEEP_VALUES:
        raise ValueError(f"{axis.name}: at most {MAX_SWEEP_VALUES} values, got {axis.values.size}")
    low, high = axis.values[0], axis.values[-1]
    if not (low < high or (axis.values.size == 1 and low == high)):
        raise ValueError(f"{axis.name}: the range must go from low to high, got {low:g} to {high:g}")
    return axis


def round_axis(axis: Axis) -> Axis:
    """The axis with round values where its range allows: log-spaced values to 3 significant
    digits, evenly spaced ones to the step's second significant digit (0 to 0.99 in 34 values:
    0, 0.03, ..., 0.99). Unchanged if rounding would merge two values or move an end."""
    values = np.asarray(axis.values, dtype=float)
    if values.size < 2:
        return axis
    if axis.log:
        rounded = np.array([float(f"{v:.3g}") for v in values])
    else:
        step = abs(values[1] - values[0])
        rounded = np.round(values, max(0, 1 - math.floor(math.log10(step)))) if step > 0 else values
    rounded = rounded + 0.0                      # no -0.0
    ends = np.allclose(rounded[[0, -1]], values[[0, -1]], rtol=1e-9, atol=0)
    if not ends or not (np.diff(rounded) > 0).all():
        return axis
    return Axis(axis.name, rounded, axis.log)


def normal_axis(spec: str) -> str:
    """``spec`` written as the widgets write it ("lr:1e-3:1:20:log" -> "lr:0.001:1.0:20:log")."""
    axis = sweep_axis(spec)
    return axis_text(axis.name, axis.values[0], axis.values[-1], axis.values.size, axis.log)


def axis_text(name: str, low: float, high: float, num: int, log: bool) -> str:
    return f"{name}:{float(low)!r}:{float(high)!r}:{int(num)}" + (":log" if log else "")


def default_axes(name: str, lr: float, allowed: list[str] | None = None) -> tuple[str, str]:
    """The sweep to try first for optimizer ``name`` whose current learning rate is ``lr``.

    Across: lr, 31 log-spaced values from lr/100 to 10·lr: ten a decade, the line's own lr
    among them. Up: the method's second knob in round steps: momentum 0–0.99 (SGD, RMSprop),
    β1 0–0.99 (the Adam family), ρ 0–0.99 (Adadelta, SAM), all by 0.03; lr_decay 0–0.1 by 0.005
    (Adagrad), damping 0–10 by 0.5 (Newton); else its first other float from 0 to 1 that it
    accepts, kept inside the bounds the hyperparameter states. An optimizer with nothing but lr
    gets lr twice, which the view refuses with a note. A wrapper (give ``allowed``,
    ``sweepable`` of the instance) sweeps its optimizer's lr ("optimizer.lr") across and its own
    knob up (Lookahead's α 0–0.99, SAM's ρ).
    """
    cls = optimizers.ALL_OPTIMIZERS[name]
    allowed = allowed if allowed is not None else sweepable(cls)
    lr = lr if isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0 else 0.01
    across = "lr" if "lr" in allowed or "optimizer.lr" not in allowed else "optimizer.lr"
    x = normal_axis(f"{across}:{lr / 100!r}:{lr * 10!r}:{LR_VALUES}:log")
    wrapper = name in optimizers.WRAPPERS
    preferred = {n: (lo, hi, num) for n, lo, hi, num in
                 SECOND_AXES + ((("alpha", 0.0, 0.99, 34),) if wrapper else ())}
    candidates = [n for n in preferred if n in allowed] + [n for n in allowed if n != across]
    for second in candidates:
        low, high, num = preferred.get(second, (0.0, 1.0, OTHER_VALUES))
        if not wrapper:                # a wrapper's own knobs, or its optimizer's ("optimizer.rho")
            low, high = _inside(cls, second, low, high)
            if not (low < high and _accepts(cls, second, low) and _accepts(cls, second, high)):
                continue
        return x, normal_axis(f"{second}:{low:g}:{high:g}:{num}")
    return x, x                        # nothing else to sweep: the view says so


def _accepts(cls: Any, axis: str, value: float) -> bool:
    """Whether the optimizer takes ``value`` for ``axis`` (its own checks, beyond the bounds)."""
    name, _, member = axis.partition("[")
    if member:
        default = list(next(h.default for h in cls.hyperparams if h.name == name))
        default[int(member[0])] = value
        value = default
    try:
        cls(**{name: value})
    except ValueError:
        return False
    return True


def _inside(cls: Any, axis: str, low: float, high: float) -> tuple[float, float]:
    """[low, high] moved inside the bounds of hyperparameter ``axis`` ("betas[0]": of betas);
    an open bound is kept off by 1 % of the span."""
    h = next(h for h in cls.hyperparams if h.name == axis.split("[")[0])
    span = high - low
    if h.low is not None and low <= h.low:
        low = h.low + (0.01 * span if h.low_open else 0.0)
    if h.high is not None and high >= h.high:
        high = h.high - (0.01 * span if h.high_open else 0.0)
    return low, max(high, low)


# --- widgets <-> settings --------------------------------------------------------------------

def axis_values(axis: Key, spec: str) -> dict[str, Any]:
    """The five widget values (name, low, high, num, log) that show the sweep axis ``spec``."""
    parsed = sweep_axis(spec)
    return {axis_key(axis, "name"): parsed.name, axis_key(axis, "low"): float(parsed.values[0]),
            axis_key(axis, "high"): float(parsed.values[-1]),
            axis_key(axis, "num"): int(parsed.values.size), axis_key(axis, "log"): bool(parsed.log)}


def axis_spec(state: Mapping[str, Any], axis: Key) -> str:
    """The ``NAME:LOW:HIGH:NUM[:log]`` the five widgets of an axis show; ValueError if invalid."""
    try:
        name, low, high, num, log = (state[axis_key(axis, f)] for f in ("name", "low", "high", "num", "log"))
    except KeyError:
        raise ValueError("the sweep axis is not set") from None
    if isinstance(num, bool) or not isinstance(num, (int, float)) or not math.isfinite(num) \
            or num != int(num):
        raise ValueError(f"{name}: the number of values must be a whole number")
    spec = axis_text(name, low, high, num, log)
    sweep_axis(spec)
    return spec


def insight_values(settings: Insights) -> dict[str, Any]:
    """Every widget value that shows the insight settings (sweep axes only when set)."""
    values: dict[str, Any] = {Key.INSIGHT_LINE: settings.line, Key.INSIGHT_STEP: settings.step,
                              Key.BASIN_RESOLUTION: settings.resolution,
                              Key.CRITICAL_POINT: settings.point}
    for axis, spec in ((Key.SWEEP_X, settings.sweep_x), (Key.SWEEP_Y, settings.sweep_y)):
        if spec is not None:
            values.update(axis_values(axis, spec))
    return values


def read_insights(state: Mapping[str, Any]) -> Insights:
    """The insight settings the widgets hold, always valid: out-of-range numbers are clamped,
    an invalid sweep axis (or a second axis repeating the first) reads as None."""
    keys = {"line": Key.INSIGHT_LINE, "step": Key.INSIGHT_STEP,
            "resolution": Key.BASIN_RESOLUTION, "point": Key.CRITICAL_POINT}
    whole = {}
    for name, (low, high) in Insights.RANGES.items():
        value = state.get(keys[name], getattr(Insights, name))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            value = getattr(Insights, name)
        whole[name] = min(max(int(value), low), high)
    axes: list[str | None] = []
    for axis in (Key.SWEEP_X, Key.SWEEP_Y):
        try:
            axes.append(axis_spec(state, axis))
        except ValueError:
            axes.append(None)
    if axes[0] is not None and axes[1] is not None \
            and sweep_axis(axes[0]).name == sweep_axis(axes[1]).name:
        axes[1] = None
    return Insights(**whole, sweep_x=axes[0], sweep_y=axes[1])


# --- the exports' look <-> widgets ----------------------------------------------------------

def look_values(look: Look) -> dict[str, Any]:
    """The widget values that show ``look``."""
    return {Key.EXPORT_SIZE: look.size, Key.EXPORT_FONT_SCALE: float(look.font_scale),
            Key.EXPORT_THEME: look.theme, Key.EXPORT_TRANSPARENT: look.transparent}


def read_look(state: Mapping[str, Any]) -> Look:
    """The look the widgets hold, always valid: anything unknown reads as the default, a font
    scale out of range is clamped."""
    default = Look()
    size = state.get(Key.EXPORT_SIZE, default.size)
    theme = state.get(Key.EXPORT_THEME, default.theme)
    scale = state.get(Key.EXPORT_FONT_SCALE, default.font_scale)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        scale = default.font_scale
    return Look(size=size if size in SIZES else default.size,
                font_scale=min(max(float(scale), FONT_SCALES[0]), FONT_SCALES[1]),
                theme=theme if theme in THEMES else default.theme,
                transparent=state.get(Key.EXPORT_TRANSPARENT) is True)
