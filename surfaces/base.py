"""The surface record: a 2D function with its derivatives and its facts."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Callable

import numpy as np

Array = np.ndarray
Window = tuple[tuple[float, float], tuple[float, float]]


def check_window(window: Any, limit: float | None = None) -> Window:
    """``window`` as ((xmin, xmax), (ymin, ymax)) in floats, or a ValueError saying what is wrong.

    Each range must be two real numbers (not bools, not strings), finite, with min < max, and,
    when ``limit`` is given, within [−limit, limit]. The x range is checked before the y range.
    """
    try:
        (x0, x1), (y0, y1) = window
    except (TypeError, ValueError):
        raise ValueError(f"window must be ((xmin, xmax), (ymin, ymax)), got {window!r}") from None
    out = []
    for axis, lo, hi in (("x", x0, x1), ("y", y0, y1)):
        if not all(isinstance(v, Real) and not isinstance(v, bool) for v in (lo, hi)):
            raise ValueError(f"window {axis} range must be two numbers, got ({lo!r}, {hi!r})")
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"window {axis} range must be finite, got ({lo}, {hi})")
        if limit is not None and max(abs(lo), abs(hi)) > limit:
            raise ValueError(f"window {axis} range must lie within ±{limit:g}, got ({lo:g}, {hi:g})")
        if not lo < hi:
            raise ValueError(f"window {axis} range is empty: need {axis}min < {axis}max, "
                             f"got ({lo:g}, {hi:g})")
        out.append((lo, hi))
    return out[0], out[1]


@dataclass(frozen=True)
class Surface:
    """A test function f(x, y) that carries its own facts.

    ``value``, ``grad`` and ``hessian`` broadcast over NumPy arrays of any (matching) shape:
    ``value(x, y) -> f``, ``grad(x, y) -> (fx, fy)``, ``hessian(x, y) -> (fxx, fxy, fyy)``.
    """

    id: str
    name: str
    latex: str                      # formula in LaTeX, without surrounding $
    text: str                       # formula in plain text, as a user would type it
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], tuple[Array, Array]]
    hessian: Callable[[Array, Array], tuple[Array, Array, Array]]
    window: Window                  # ((xmin, xmax), (ymin, ymax)) for plotting
    start: tuple[float, float]      # default start point, inside the window
    minima: tuple[tuple[float, float], ...] = ()   # every global minimum; empty if unbounded
    min_value: float | None = None  # f at the global minima; None if unbounded
    smooth: bool = True             # False: kinks where the gradient is undefined
    log_levels: bool = False        # contours read better on a log scale
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
