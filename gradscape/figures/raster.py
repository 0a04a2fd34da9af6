"""Contour lines drawn as one PNG per surface: what the page shows behind the trajectories.

Plotly.js computes contour lines in the browser every time a chart is drawn, a few hundred ms
for four panels, on every change of a hyperparameter. A picture of the same levels costs almost
nothing to draw: this module renders the contour grid's levels into a PNG (NumPy and zlib, no
browser), to be placed as a layout image under each panel. Static exports keep Plotly's vector
contour traces.

The picture: f is sampled at every pixel centre and mapped to the grid's level units
(``Grid.transform``: f itself, or log10(f − floor)). Each band between two levels gets a pale
fill, lighter outwards, and each level a line about ``LINE_WIDTH`` pixels wide, anti-aliased by
its distance in pixels, ``d = |z − level| / |∇z|``, with ∇z per pixel; line colours follow
``style.CONTOUR_SCALE`` like the vector contours. Pixels where f is not finite stay white.
Images are cached per (surface, window, levels, size).
"""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from gradscape.cache import memo

from . import style

LINE_WIDTH = 1.3                       # pixels
INK_STEPS = 4                          # shades of a line's anti-aliased edge
FILL = ("#e3e8f1", "#ffffff")          # band fill from the innermost band to the outermost
UNDEFINED = "#ffffff"                  # where f is not finite
MAX_PIXELS = 4_000_000



@memo(32, key=lambda surface, grid, width, height: (surface.id, surface.text, surface.window, grid.start,
                                                    grid.end, grid.size, grid.log, grid.floor,
                                                    int(width), int(height)),
      by_language=False)
def contour_image(surface, grid, width: int, height: int) -> str:
    """The contour picture of ``surface`` over its window as a ``data:image/png`` URI (cached).

    Args:
        surface: the ``Surface`` (its ``value`` is sampled at every pixel).
        grid: its ``grid.Grid``: the levels ``start + k·size`` up to ``end`` and ``transform``.
        width, height: the image size in pixels (row 0 is the top of the window, y = y1).
    """
    index, palette = contour_pixels(surface, grid, width, height)
    data = png_indexed(index, palette) if len(palette) <= 256 else png(palette[index])
    return "data:image/png;base64," + base64.b64encode(data).decode()


def levels(grid) -> np.ndarray:
    """The contour levels in z's units: ``start, start + size, ...`` up to ``end`` (as Plotly)."""
    count = int(np.floor((grid.end - grid.start) / grid.size + 1e-9)) + 1
    return grid.start + grid.size * np.arange(max(count, 1))


def contour_rgb(surface, grid, width: int, height: int) -> np.ndarray:
    """The picture as an array (height, width, 3) of uint8: bands, level lines, white holes."""
    index, palette = contour_pixels(surface, grid, width, height)
    return palette[index]


def contour_pixels(surface, grid, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The picture as palette indices (height, width) and a palette (n, 3) of uint8 colours.

    A pixel's colour is decided by its band, its nearest level and how much of that level's
    line covers it (in ``INK_STEPS`` steps): a few hundred colours at most, so the PNG can
    store one byte per pixel.
    """
    if isinstance(width, bool) or isinstance(height, bool) or not all(
            isinstance(v, (int, np.integer)) and v >= 2 for v in (width, height)) or width * height > MAX_PIXELS:
        raise ValueError(f"image size must be whole pixels, at least 2x2 and at most {MAX_PIXELS} "
                         f"pixels, got {width!r} x {height!r}")
    (x0, x1), (y0, y1) = surface.window
    x = x0 + (np.arange(width) + 0.5) * (x1 - x0) / width            # pixel centres
    y = y1 - (np.arange(height) + 0.5) * (y1 - y0) / height          # top row first
    xx, yy = np.meshgrid(x, y)
    lv = levels(grid)
    n = len(lv)
    with np.errstate(all="ignore"):
        f = np.array(np.broadcast_to(surface.value(xx, yy), xx.shape), dtype=float)
        f[~np.isfinite(f)] = np.nan
        z = grid.transform(f)
        t = (z - grid.start) / grid.size                             # level index, fractional
        gy, gx = np.gradient(z)                                      # z per pixel
        slope = np.hypot(gx, gy)
        nearest = np.clip(np.rint(t), 0, n - 1)
        distance = np.abs(t - nearest) * grid.size / slope           # pixels to the nearest level
        ink = np.clip(LINE_WIDTH / 2 + 0.5 - distance, 0.0, 1.0)
        band = np.clip(np.floor(t) + 1, 0, n)                        # 0 inside the first level
    hole = np.isnan(z)
    ink = np.rint(np.nan_to_num(ink, nan=0.0) * INK_STEPS).astype(np.int64)
    nearest = np.where(ink > 0, np.nan_to_num(nearest, nan=0.0), 0).astype(np.int64)
    band = np.nan_to_num(band, nan=0.0).astype(np.int64)
    # one code per distinct (band, level, ink) and one for holes; its colour computed once
    code = np.where(hole, -1, (band * n + nearest) * (INK_STEPS + 1) + ink)
    codes, index = np.unique(code, return_inverse=True)
    b, rest = np.divmod(np.maximum(codes, 0), n * (INK_STEPS + 1))
    k, q = np.divmod(rest, INK_STEPS + 1)
    fill = _ramp(FILL, b / n)
    line = _ramp([c for _, c in style.CONTOUR_SCALE], k / max(n - 1, 1))
    w = (q / INK_STEPS)[:, None]
    palette = fill * (1 - w) + line * w
    palette[codes < 0] = _rgb(UNDEFINED)
    return index.reshape(height, width), np.rint(palette).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of ``rgb`` (height, width, 3) uint8."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width, _ = rgb.shape
    return _png(rgb.reshape(height, width * 3), width, height, 2)


def png_indexed(index: np.ndarray, palette: np.ndarray) -> bytes:
    """An 8-bit palette PNG: ``index`` (height, width) into ``palette`` (n <= 256, 3) uint8."""
    if len(palette) > 256 or index.max(initial=0) >= len(palette):
        raise ValueError("a palette PNG holds at most 256 colours and indices into them")
    height, width = index.shape
    return _png(index.astype(np.uint8), width, height, 3,
                plte=np.ascontiguousarray(palette, dtype=np.uint8).tobytes())


def _png(rows: np.ndarray, width: int, height: int, colour_type: int, plte: bytes | None = None) -> bytes:
    """PNG bytes of filtered-free scanlines ``rows`` (height, bytes per row) uint8."""
    data = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1)   # filter 0: none

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + (chunk(b"PLTE", plte) if plte is not None else b"")
            + chunk(b"IDAT", zlib.compress(data.tobytes(), 6)) + chunk(b"IEND", b""))


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _ramp(colours, p: np.ndarray) -> np.ndarray:
    """Colours evenly spaced over [0, 1], interpolated at p (any shape) -> p.shape + (3,)."""
    stops = np.array([_rgb(c) for c in colours])
    at = np.clip(p, 0, 1) * (len(stops) - 1)
    i = np.minimum(at.astype(int), len(stops) - 2)
    w = (at - i)[..., None]
    return stops[i] * (1 - w) + stops[i + 1] * w
