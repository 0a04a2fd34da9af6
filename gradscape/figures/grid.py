"""A surface sampled on a grid, with contour levels, computed once and shared by every panel.

The contour is drawn from ``z``, which is f itself (linear levels) or log10(f − floor) (log
levels), so Plotly's evenly spaced ``contours.start/end/size`` give log-spaced levels of f.
Grids are float32 (half the JSON payload) and cached per (surface id, formula, window,
resolution): a rerun of the app with the same surface pays nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradscape.cache import memo

DEFAULT_RESOLUTION = 80        # points per side: 2x2 panels redraw fast in the browser
MIN_RESOLUTION, MAX_RESOLUTION = 10, 400
LEVELS = 16                    # contour lines per panel
SPAN_FOR_LOG = 50.0            # (p99 − floor) / (p50 − floor) above this: f spans decades

@dataclass(frozen=True)
class Grid:
    """f (or log10(f − floor)) on a regular grid, and the contour levels to draw it with.

    x (nx,), y (ny,), z (ny, nx) float32 with NaN where f is not finite; levels are
    ``start + k·size`` up to ``end`` in z's units. ``floor`` is what log levels subtract.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    start: float
    end: float
    size: float
    log: bool
    floor: float

    def transform(self, f: np.ndarray) -> np.ndarray:
        """Map values of f into z's units (for markers lifted onto the surface)."""
        f = np.asarray(f, dtype=float)
        if not self.log:
            return f
        with np.errstate(all="ignore"):
            return np.log10(np.maximum(f - self.floor, 10.0 ** (self.start - 2)))


def contour_grid(surface, resolution: int | None = None) -> Grid:
    """The cached grid of ``surface`` over its window at ``resolution`` points per side."""
    n = DEFAULT_RESOLUTION if resolution is None else resolution
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not MIN_RESOLUTION <= n <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be an integer from {MIN_RESOLUTION} to {MAX_RESOLUTION}, got {n!r}")
    return _compute(surface, int(n))


def sample(surface, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (n,), y (n,) over the window and f (n, n) in float64, non-finite values as NaN."""
    (x0, x1), (y0, y1) = surface.window
    x, y = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    xx, yy = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        f = np.array(np.broadcast_to(surface.value(xx, yy), xx.shape), dtype=float)
    f[~np.isfinite(f)] = np.nan
    return x, y, f


def wants_log(surface, f: np.ndarray) -> bool:
    """Log levels when the surface asks for them or when f spans orders of magnitude.

    "Spans": above the floor, the 99th percentile is more than ``SPAN_FOR_LOG`` times the median,
    so linear levels would crowd into the steep walls and leave the basin empty.
    """
    if surface.log_levels:
        return True
    finite = f[np.isfinite(f)]
    if finite.size < 4:
        return False
    floor = finite.min()
    p50, p99 = np.percentile(finite - floor, [50, 99])
    return bool(p50 > 0 and p99 / p50 > SPAN_FOR_LOG)


@memo(32, key=lambda surface, n: (surface.id, surface.text, surface.window, n), by_language=False)
def _compute(surface, n: int) -> Grid:
    x, y, f = sample(surface, n)
    finite = f[np.isfinite(f)]
    if finite.size == 0:           # nothing to draw (a formula undefined on the whole window)
        return Grid(x.astype(np.float32), y.astype(np.float32), f.astype(np.float32),
                    0.0, 1.0, 0.1, False, 0.0)
    low = float(finite.min())
    if wants_log(surface, f):
        floor = low if surface.min_value is None else min(low, float(surface.min_value))
        above = finite - floor
        positive = above[above > 0]
        top = float(np.percentile(above, 99)) if positive.size else 1.0
        bottom = float(np.percentile(positive, 2)) if positive.size else top * 1e-6
        bottom = max(bottom, top * 1e-8)
        with np.errstate(all="ignore"):
            z = np.log10(np.maximum(f - floor, bottom / 100))
        start, end = np.log10(bottom), np.log10(max(top, bottom * 10))
        return Grid(x.astype(np.float32), y.astype(np.float32), z.astype(np.float32),
                    float(start), float(end), float((end - start) / (LEVELS - 1)), True, floor)
    # Linear: the levels cover the lower three quarters of the values, like the textbook
    # figure, where the walls' densely packed lines would only add ink.
    top = float(np.percentile(finite, 75))
    if not top > low:
        top = low + max(abs(low), 1.0)
    size = (top - low) / LEVELS
    return Grid(x.astype(np.float32), y.astype(np.float32), f.astype(np.float32),
                low + size / 2, top, size, False, low)
