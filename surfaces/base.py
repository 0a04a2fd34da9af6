"""The surface record: a 2D function with its derivatives and its facts."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
Window = tuple[tuple[float, float], tuple[float, float]]


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
