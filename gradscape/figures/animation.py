"""The trajectories growing step by step, as an animated GIF or an H.264 MP4.

A frame costs far less than a static export: the background (contour lines, axes, panel
titles, critical points) does not change from frame to frame, so Chromium draws it once
(``export.render``, at the animation's size, scale 1), and every frame draws only what moves
with Pillow: each run's path up to step k with its point markers and its end (a star, or an
'x' where it stopped), the minima and the start on top, a note where a run stopped and a step
counter. The marks have the static export's shapes, sizes and colours (Plotly's symbol
definitions: a star of radius 1.4·size/2, an 'x' of arm 0.8·size/2, a thin cross of half
length 1.4·size/2) and sit at the static export's pixels: a point (x, y) of a panel whose plot
area starts at (L, T) and spans W × H CSS pixels over the window [x0, x1] × [y0, y1] is drawn at

    u = L + W·(x − x0)/(x1 − x0),   v = T + H·(y1 − y)/(y1 − y0)

with L = margin.l + domain_x[0]·(width − margin.l − margin.r) and T likewise from the top (how
Plotly lays out an axis). Paths are drawn at ``SUPERSAMPLE`` times the size and reduced with a
box filter: anti-aliased like the browser's lines.

Frame k (k = 0 ... steps) shows every path up to step k; ``hold`` copies of the last frame follow,
so a file has steps + 1 + hold frames. Encoders come from PyAV's wheels (FFmpeg's libx264 and
GIF encoder): MP4 is H.264, yuv420p, even width and height, +faststart (plays in browsers and
presentation software); a GIF has one palette for all frames (taken from the last frame, which
holds every colour the animation uses), looping forever.
"""
from __future__ import annotations

import io
import math
import os
import tempfile
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageColor, ImageDraw, ImageFont

from . import style
from gradscape.i18n import _, language

from .export import cjk_font_file, render
from .look import Look
from .trajectory import LONG_PATH, stop_reason, trajectory_figure

FORMATS = ("gif", "mp4")
MAX_FRAMES = 600
MAX_SIDE = 3840                 # pixels, either side
MAX_WORK = 700_000_000          # frames × width × height: 600 frames of 1280×720, 330 of 1920×1080
FPS = (1, 50)                   # a GIF's delays are whole hundredths of a second: at most 50 fps
DEFAULT_SIZE = (1280, 720)
DEFAULT_FPS = 10
DEFAULT_HOLD = 10               # frames
SUPERSAMPLE = 3                 # paths drawn at 3x and box-filtered: anti-aliased edges
COUNTER_MARGIN = (8, 6)
MARGIN = dict(l=70, r=20, b=65)  # CSS px, times the font scale: the tick labels and axis titles         # the step counter's distance from the bottom-right corner, CSS px

Progress = Callable[[int, int], None]


def frame_count(steps: int, hold: int) -> int:
    """Frames of an animation of ``steps`` steps: one per step, the start, and the hold."""
    return steps + 1 + hold


def check(fmt: str, width: int, height: int, fps: int, hold: int, steps: int) -> None:
    """ValueError, in the user's words, for what no animation is made of."""
    if fmt not in FORMATS:
        raise ValueError(f"an animation is {' or '.join('.' + f for f in FORMATS)}, got '{fmt}'")
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 16 <= value <= MAX_SIDE:
            raise ValueError(f"animation {name} must be whole pixels from 16 to {MAX_SIDE}, got {value!r}")
    if fmt == "mp4" and (width % 2 or height % 2):
        raise ValueError(f"an MP4 (H.264, yuv420p) needs an even width and height, got {width}x{height}")
    if isinstance(fps, bool) or not isinstance(fps, (int, np.integer)) or not FPS[0] <= fps <= FPS[1]:
        raise ValueError(f"frames per second must be a whole number from {FPS[0]} to {FPS[1]}, got {fps!r}")
    if isinstance(hold, bool) or not isinstance(hold, (int, np.integer)) or hold < 0:
        raise ValueError(f"the hold must be a whole number of frames >= 0, got {hold!r}")
    frames = frame_count(steps, hold)
    if frames > MAX_FRAMES:
        raise ValueError(f"an animation has at most {MAX_FRAMES} frames (steps + 1 + hold); "
                         f"this one would have {frames}: use fewer steps or a shorter hold")
    if frames * width * height > MAX_WORK:
        raise ValueError(f"{frames} frames of {width}x{height} are more than an animation's budget of "
                         f"{MAX_WORK // 1_000_000} million pixels: make it smaller or shorter")


def figure(result, overlay: bool = False, height: int = DEFAULT_SIZE[1], title: str | None = None,
           critical: Sequence[Any] = ()) -> go.Figure:
    """The figure an animation shows, whole (its static export is the animation's last frame
    without the step counter): ``trajectory_figure`` with vector contours; in an overlay the
    legend sits inside the panel's top-right corner, and the margins are fixed (no automargin,
    room for the tick labels and axis titles), so nothing moves the plot areas from where
    ``panels`` computes them."""
    fig = trajectory_figure(result, overlay=overlay, height=height, title=title, critical=critical)
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    fig.update_layout(margin=dict(MARGIN, t=fig.layout.margin.t))
    if overlay:
        fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99, yanchor="top"))
    return fig


def animate(result, fmt: str, *, overlay: bool = False, width: int = DEFAULT_SIZE[0],
            height: int = DEFAULT_SIZE[1], fps: int = DEFAULT_FPS, hold: int = DEFAULT_HOLD,
            look: Look = Look(), title: str | None = None, critical: Sequence[Any] = (),
            progress: Progress | None = None) -> bytes:
    """The experiment's playback as a file's bytes: ``fmt`` "gif" or "mp4".

    Args:
        result: an ``experiment.Result``; its ``config.steps`` steps give steps + 1 frames.
        fmt: "gif" or "mp4" (H.264, yuv420p).
        overlay: all runs in one panel instead of one panel per run.
        width, height: the frames' size in pixels (CSS pixels at scale 1); even for MP4. A
            look whose size is a preset overrides them.
        fps: frames per second, 1 to 50.
        hold: copies of the last frame at the end.
        look: font scale and theme (``look.Look``); a transparent background applies to PNG
            only: frames are drawn on the theme's paper colour.
        title, critical: as ``trajectory_figure``.
        progress: called with (frames done, frames in all) after every frame.

    Raises:
        ValueError: a bad format, size, rate or hold, or past ``MAX_FRAMES`` / ``MAX_WORK``.
        export.ExportError: no browser for the background.
    """
    width, height = (int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else v
                     for v in look.dimensions(width, height))
    steps = result.config.steps
    check(fmt, width, height, fps, hold, steps)
    look = replace(look, size="own", transparent=False)
    styled = look.apply(figure(result, overlay, height, title, critical))
    styled.update_layout(width=width, height=height)
    painter = _Painter(result, styled, _background(styled, width, height), overlay, look, steps)
    total = frame_count(steps, hold)

    def frames() -> Iterator[Image.Image]:
        for k in range(total):
            yield painter.frame(min(k, steps))
            if progress is not None:
                progress(k + 1, total)

    if fmt == "mp4":
        return _mp4(frames(), width, height, fps)
    return _gif(frames(), painter.frame(steps), width, height, fps)


def _background(styled: go.Figure, width: int, height: int) -> Image.Image:
    """What every frame shares, drawn once by Chromium: contours, critical points, axes, titles
    (the paths, the start, the minima and the notes of runs that stopped are left out). Filtered
    as plain data: a second validated copy of the figure would cost a fifth of a second."""
    doc = styled.to_plotly_json()
    data = [t for t in doc["data"] if t.get("type") == "contour" or str(t.get("name", "")).startswith("critical")]
    layout = dict(doc["layout"], showlegend=bool(data) and bool(doc["layout"].get("showlegend")),
                  annotations=[a for a in doc["layout"].get("annotations", ())
                               if not str(a.get("xref", "")).endswith("domain")])
    png = render({"data": data, "layout": layout}, "png", width, height, scale=1)
    return Image.open(io.BytesIO(png)).convert("RGB")


# --- geometry ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Panel:
    """A panel's plot area in CSS pixels (left, top, width, height) and its window."""

    left: float
    top: float
    width: float
    height: float
    window: tuple[tuple[float, float], tuple[float, float]]

    def pixels(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) points (x, y) -> (n, 2) CSS pixel coordinates (u right, v down)."""
        (x0, x1), (y0, y1) = self.window
        u = self.left + self.width * (points[:, 0] - x0) / (x1 - x0)
        v = self.top + self.height * (y1 - points[:, 1]) / (y1 - y0)
        return np.column_stack([u, v])

    def box(self) -> tuple[int, int, int, int]:
        """The whole pixels the plot area touches: (x0, y0, x1, y1), x1 and y1 excluded."""
        return (math.floor(self.left), math.floor(self.top),
                math.ceil(self.left + self.width), math.ceil(self.top + self.height))


def panels(fig: go.Figure, width: int, height: int, window) -> list[_Panel]:
    """Every panel's plot area as Plotly lays it out (margins in whole pixels, domains)."""
    margin = fig.layout.margin
    l, r, t, b = (round(getattr(margin, side) or 0) for side in ("l", "r", "t", "b"))
    plot_w, plot_h = width - l - r, height - t - b
    found = []
    for name in sorted((k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")),
                       key=lambda k: int(k[5:] or 1)):
        xa, ya = fig.layout[name], fig.layout["y" + name[1:]]
        (a, c), (d, e) = xa.domain, ya.domain
        found.append(_Panel(l + a * plot_w, t + (1 - e) * plot_h, (c - a) * plot_w, (e - d) * plot_h,
                            window))
    return found


# --- drawing -----------------------------------------------------------------------------------

def _rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


class _Painter:
    """Draws frame k: the background, every path up to step k, the marks, notes and counter.

    What moves is drawn as coverage masks ("L" images at ``SUPERSAMPLE`` times the size, over
    the smallest box that holds it, inside its panel) reduced by a box filter and pasted in its
    colour: a run's path, point markers and end in one mask, the end's outline in another. The
    minima and the start never move: their masks are made once.
    """

    def __init__(self, result, styled: go.Figure, background: Image.Image, overlay: bool,
                 look: Look, steps: int) -> None:
        self.background, self.look, self.steps = background.convert("RGB"), look, steps
        self.surface, self.overlay = result.surface, overlay
        self.panels = panels(styled, *background.size, result.surface.window)
        scale = look.font_scale
        self.font = _font(max(round(style.FONT["size"] * scale), 6))
        self.counter_font = _font(max(round((style.FONT["size"] + 2) * scale), 6))
        self.ink = _rgb(look.ink)
        self.runs = []           # (panel index, colour, points in CSS px, run)
        for i, run in enumerate(result.runs):
            p = 0 if overlay else i
            points = np.asarray(run.points, dtype=float).reshape(-1, 2)
            self.runs.append((p, style.colour(i), self.panels[p].pixels(points), run))
        start = np.asarray([result.start], dtype=float)
        minima = np.asarray(result.surface.minima, dtype=float).reshape(-1, 2)
        self.marks = [stamp for panel in self.panels
                      for stamp in _marks(panel, panel.pixels(minima), panel.pixels(start), self.ink)]

    def frame(self, k: int) -> Image.Image:
        """Frame k as an RGB image the size of the background."""
        image = self.background.copy()
        for p, colour, uv, run in self.runs:
            self._path(image, self.panels[p].box(), uv[:min(k + 1, len(uv))], _rgb(colour),
                       run.diverged_at is not None and k >= run.diverged_at)
        for colour, at, mask in self.marks:
            image.paste(colour, at, mask)
        self._texts(ImageDraw.Draw(image), k)
        return image

    def _path(self, image: Image.Image, panel_box, uv: np.ndarray, rgb, stopped: bool) -> None:
        """A run's path (``uv``: its points up to this frame's step), its point markers (up to
        ``LONG_PATH`` points) and its end: a star, or an 'x' where it stopped."""
        if len(uv) == 0:
            return
        ss = SUPERSAMPLE
        radius = (5 if len(uv) <= 60 else 3) / 2
        shape = _x_symbol(style.DIVERGED_SIZE / 2 * ss) if stopped else _star(style.END_SIZE / 2 * ss)

        def path(draw, to_mask, size) -> None:
            at = to_mask(uv)
            for piece in _clip(at, size):
                if len(piece) > 1:
                    draw.line([tuple(q) for q in piece], fill=255, width=round(1.8 * ss), joint="curve")
            if len(uv) <= LONG_PATH:
                r = radius * ss
                for u, v in at[_inside(at, size, r)]:
                    draw.ellipse((u - r, v - r, u + r, v + r), fill=255)
            u, v = at[-1]
            draw.polygon([(u + x, v + y) for x, y in shape], fill=255)

        def outline(draw, to_mask, size) -> None:
            u, v = to_mask(uv[-1:])[0]
            ring = [(u + x, v + y) for x, y in shape]
            draw.line(ring + ring[:2], fill=255, width=ss, joint="curve")   # centred, as SVG's stroke

        finite = uv[_inside(uv, (1e6, 1e6), 1e6)]
        if len(finite):
            _stamp(image, _box(finite, 12, panel_box), rgb, path)
        _stamp(image, _box(uv[-1:], 12, panel_box), self.ink, outline)

    def _texts(self, draw: ImageDraw.ImageDraw, k: int) -> None:
        """The notes of runs that stopped by step k (as the static export's) and the counter."""
        notes: dict[int, list[tuple[str, str]]] = {}
        for p, colour, _points, run in self.runs:
            reason = stop_reason(self.surface, run)
            if reason is not None and k >= run.diverged_at:
                notes.setdefault(p, []).append((f"{run.label}: {reason}" if self.overlay else reason, colour))
        box = (17, 17, 17) if self.look.dark else (255, 255, 255)
        for p, listed in notes.items():
            panel = self.panels[p]
            for j, (text, colour) in enumerate(listed):
                at = (panel.left + 0.02 * panel.width, panel.top + (0.03 + 0.08 * j) * panel.height)
                bbox = draw.textbbox(at, text, font=self.font, anchor="lt")
                draw.rectangle((bbox[0] - 2, bbox[1] - 2, bbox[2] + 2, bbox[3] + 2), fill=box)
                draw.text(at, text, font=self.font, fill=_rgb(colour), anchor="lt")
        w, h = self.background.size
        ink = self.look.ink if self.look.dark else "#444444"
        draw.text((w - COUNTER_MARGIN[0], h - COUNTER_MARGIN[1]), _("step {k} / {n}").format(k=k, n=self.steps),
                  font=self.counter_font, fill=_rgb(ink), anchor="rd")


def _font(size: int) -> Any:
    """Pillow's own font, or in Chinese the system's CJK font (Pillow's has no Chinese glyphs)."""
    found = cjk_font_file(language()) if language() != "en" else None
    return ImageFont.truetype(found[0], size, index=found[1]) if found else ImageFont.load_default(size=size)


Paint = Callable[[ImageDraw.ImageDraw, Callable[[np.ndarray], np.ndarray], tuple[int, int]], None]


def _box(uv: np.ndarray, pad: float, within: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Whole pixels around the points ``uv`` with ``pad`` to spare, cut to ``within``."""
    low, high = np.floor(uv.min(axis=0) - pad), np.ceil(uv.max(axis=0) + pad)
    return (int(max(low[0], within[0])), int(max(low[1], within[1])),
            int(min(high[0], within[2])), int(min(high[1], within[3])))


def _mask(box: tuple[int, int, int, int], paint: Paint) -> Image.Image | None:
    """Coverage (0–255) of what ``paint`` draws over ``box``, drawn at SUPERSAMPLE times the size
    (``paint`` gets the mapping from CSS pixels to the mask's coordinates) and box-filtered."""
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return None
    ss = SUPERSAMPLE
    mask = Image.new("L", ((x1 - x0) * ss, (y1 - y0) * ss), 0)
    paint(ImageDraw.Draw(mask), lambda uv: (uv - (x0, y0)) * ss - 0.5, mask.size)
    return mask.reduce(ss)


def _stamp(image: Image.Image, box: tuple[int, int, int, int], colour, paint: Paint) -> None:
    """``paint``'s shapes onto ``image`` in ``colour``, anti-aliased, inside ``box``."""
    mask = _mask(box, paint)
    if mask is not None:
        image.paste(colour, box, mask)


def _marks(panel: _Panel, minima: np.ndarray, start: np.ndarray, ink) -> list[tuple[Any, Any, Image.Image]]:
    """A panel's minima (thin crosses, Plotly's ``cross-thin``) and start (a dot ringed in
    white) as (colour, box, mask) to paste in this order on every frame."""
    ss, box = SUPERSAMPLE, panel.box()
    half = round(style.MINIMUM["size"] / 2 * 1.4, 2) * ss
    r, ring = style.START["size"] / 2 * ss, style.START["line"]["width"] * ss

    def crosses(draw, to_mask, size) -> None:
        for u, v in to_mask(minima):
            width = round(style.MINIMUM["line"]["width"] * ss)
            draw.line((u - half, v, u + half, v), fill=255, width=width)
            draw.line((u, v - half, u, v + half), fill=255, width=width)

    def disc(grow: float):
        def paint(draw, to_mask, size) -> None:
            for u, v in to_mask(start):
                draw.ellipse((u - r - grow, v - r - grow, u + r + grow, v + r + grow), fill=255)
        return paint

    stamps = []
    for colour, points, paint in ((ink, minima, crosses), (_rgb(style.START["line"]["color"]), start, disc(ring / 2)),
                                  (ink, start, disc(-ring / 2))):
        if len(points):
            at = _box(points, 12, box)
            mask = _mask(at, paint)
            if mask is not None:
                stamps.append((colour, at, mask))
    return stamps


def _inside(uv: np.ndarray, size: tuple[int, int], pad: float) -> np.ndarray:
    return (uv[:, 0] > -pad) & (uv[:, 0] < size[0] + pad) & (uv[:, 1] > -pad) & (uv[:, 1] < size[1] + pad)


def _clip(uv: np.ndarray, size: tuple[int, int], pad: float = 50.0) -> list[np.ndarray]:
    """The polyline through ``uv`` cut to the box [-pad, size + pad] (Liang–Barsky per segment):
    the pieces to draw, so that far points (a run diverging) never reach the drawing code."""
    low, high = np.array([-pad, -pad]), np.array([size[0] + pad, size[1] + pad])
    inside = np.all((uv >= low) & (uv <= high), axis=1)
    if inside.all():
        return [uv]
    pieces: list[list[np.ndarray]] = []
    for a, b in zip(uv[:-1], uv[1:]):
        d, t0, t1 = b - a, 0.0, 1.0
        for axis in (0, 1):
            for p, q in ((-d[axis], a[axis] - low[axis]), (d[axis], high[axis] - a[axis])):
                if p == 0:
                    if q < 0:
                        t0, t1 = 1.0, 0.0
                elif p < 0:
                    t0 = max(t0, q / p)
                else:
                    t1 = min(t1, q / p)
        if t0 > t1:
            continue
        s, e = a + t0 * d, a + t1 * d
        if pieces and t0 == 0.0 and np.array_equal(pieces[-1][-1], s):
            pieces[-1].append(e)
        else:
            pieces.append([s, e])
    return [np.array(piece) for piece in pieces]


def _star(r: float) -> list[tuple[float, float]]:
    """Plotly's star of radius r (its symbol path, r = size/2), around (0, 0), y down."""
    rs = r * 1.4
    x1, x2, x3, x4 = (round(rs * f, 2) for f in (0.225, 0.951, 0.363, 0.588))
    y1, y2, y3, y4, y5 = (round(rs * f, 2) for f in (-1, -0.309, 0.118, 0.382, 0.809))
    return [(x1, y2), (x2, y2), (x3, y3), (x4, y5), (0, y4), (-x4, y5), (-x3, y3), (-x2, y2),
            (-x1, y2), (0, y1)]


def _x_symbol(r: float) -> list[tuple[float, float]]:
    """Plotly's 'x' symbol (a thick cross of arms r·0.8/√2 wide) around (0, 0)."""
    i = round(r * 0.8 / math.sqrt(2), 2)
    return [(0, i), (i, 2 * i), (2 * i, i), (i, 0), (2 * i, -i), (i, -2 * i), (0, -i), (-i, -2 * i),
            (-2 * i, -i), (-i, 0), (-2 * i, i), (-i, 2 * i)]


# --- encoding ----------------------------------------------------------------------------------

def _mp4(frames: Iterator[Image.Image], width: int, height: int, fps: int) -> bytes:
    """H.264 (libx264, yuv420p, CRF 18) in an MP4 whose index comes first (+faststart)."""
    import av   # imported here: a process that never animates never pays for it

    # +faststart rewrites the file once it is written: FFmpeg needs a real file for that
    with tempfile.TemporaryDirectory(prefix="gradscape-mp4-") as directory:
        path = os.path.join(directory, "animation.mp4")
        with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"crf": "18", "preset": "veryfast", "tune": "animation"}
            for image in frames:
                for packet in stream.encode(av.VideoFrame.from_image(image)):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        with open(path, "rb") as f:
            return f.read()


def _gif(frames: Iterator[Image.Image], last: Image.Image, width: int, height: int, fps: int) -> bytes:
    """A looping GIF; every frame mapped (no dither) to one palette of the last frame's colours."""
    import av

    palette_image = last.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    rgb = np.asarray(palette_image.getpalette(), dtype=np.uint8).reshape(-1, 3)
    argb = np.zeros((256, 4), dtype=np.uint8)
    argb[:, 0] = 255
    argb[:len(rgb), 1:] = rgb[:256]
    out = io.BytesIO()
    with av.open(out, "w", format="gif") as container:
        stream = container.add_stream("gif", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "pal8"
        for image in frames:
            indices = np.asarray(image.quantize(palette=palette_image, dither=Image.Dither.NONE))
            for packet in stream.encode(av.VideoFrame.from_ndarray((indices, argb), format="pal8")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
