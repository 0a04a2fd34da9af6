"""How an exported figure looks on a slide: its size, its type size, light or dark, transparent.

A ``Look`` is plain, frozen data (the URL and the CLI carry it); ``Look.apply(fig)`` returns a
styled copy of a figure, which static exports (``export.to_bytes``) and animations
(``animation.animate``) draw. Nothing here draws or imports a browser.

- size: "own" (the figure's own size, what the screen shows), "16:9" (1920×1080), "4:3"
  (1440×1080) or "square" (1080×1080), in CSS pixels.
- font_scale: every font size and the margins that hold the tick labels and titles are
  multiplied by it (0.5 to 3).
- theme: "light" (plotly_white) or "dark" (plotly_dark, the contour ramp reversed so the levels
  near the minimum stay bright, black marks white).
- transparent: the paper and the plot area have no fill (PNG keeps the alpha channel).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

import plotly.graph_objects as go
import plotly.io as pio

from gradscape.i18n import N_

from . import style

SIZES: dict[str, tuple[int, int] | None] = {"own": None, "16:9": (1920, 1080), "4:3": (1440, 1080),
                                            "square": (1080, 1080)}
THEME_NAMES = (N_("Light"), N_("Dark"))     # THEMES as the page lists them (capitalized)
SIZE_LABELS = {"own": N_("the screen's own"), "16:9": "16:9 (1920×1080)", "4:3": "4:3 (1440×1080)",
               "square": N_("square (1080×1080)")}
THEMES = {"light": "plotly_white", "dark": "plotly_dark"}
FONT_SCALES = (0.5, 3.0)
DEFAULT_FONT_SIZE = 12            # Plotly's, for a figure that sets none
TITLE_FONT = 1.3                  # a title's size relative to the body's when the figure sets none

# The dark theme's colours: paper, the text and lines drawn black on light slides, annotation boxes.
DARK_PAPER = "#111111"            # plotly_dark's paper and plot colour
DARK_INK = "#f2f5fa"              # plotly_dark's font colour: what is black on a light slide
LIGHT_BOX, DARK_BOX = "rgba(255,255,255,0.85)", "rgba(17,17,17,0.85)"
LIGHT_INK = "black"


@dataclass(frozen=True)
class Look:
    """A static export's or an animation's size preset, font scale, theme and transparency."""

    size: str = "own"
    font_scale: float = 1.0
    theme: str = "light"
    transparent: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.size, str) or self.size not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)}, got {self.size!r}")
        low, high = FONT_SCALES
        if isinstance(self.font_scale, bool) or not isinstance(self.font_scale, (int, float)) \
                or not low <= self.font_scale <= high:
            raise ValueError(f"font scale must be a number from {low:g} to {high:g}, got {self.font_scale!r}")
        if not isinstance(self.theme, str) or self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {self.theme!r}")
        if not isinstance(self.transparent, bool):
            raise ValueError(f"transparent must be true or false, got {self.transparent!r}")

    @property
    def dark(self) -> bool:
        return self.theme == "dark"

    @property
    def ink(self) -> str:
        """The colour of what is black on a light slide (the start dot, the minima's crosses)."""
        return DARK_INK if self.dark else LIGHT_INK

    @property
    def paper(self) -> str:
        return DARK_PAPER if self.dark else "#ffffff"

    def dimensions(self, width: int | None = None, height: int | None = None) -> tuple[int | None, int | None]:
        """(width, height) in CSS pixels: the preset's, else those given (None: the figure's)."""
        preset = SIZES[self.size]
        return preset if preset is not None else (width, height)

    def to_dict(self) -> dict[str, Any]:
        """The look as JSON data, only the fields that differ from the default."""
        default = Look()
        return {k: v for k, v in asdict(self).items() if getattr(default, k) != v}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "Look":
        """A Look from ``to_dict``'s data; ValueError (saying what) for anything else."""
        if not isinstance(doc, Mapping) or set(doc) - set(cls.__dataclass_fields__):
            raise ValueError("a look has only size, font_scale, theme and transparent")
        return cls(**doc)

    def apply(self, fig: go.Figure) -> go.Figure:
        """A styled copy of ``fig``: the theme's template (explicit, whatever the process default
        is), fonts and margins scaled, dark colours, a transparent background."""
        copy = go.Figure(fig)
        copy.layout.template = pio.templates[THEMES[self.theme]]
        if self.font_scale != 1:
            _scale_fonts(copy, float(self.font_scale))
        if self.dark:
            _darken(copy)
        if self.transparent:
            copy.update_layout(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
        return copy


def _scale_fonts(fig: go.Figure, s: float) -> None:
    """Every font s times larger (s · 12 px where none is set), the margins too."""
    layout = fig.layout
    base = layout.font.size or DEFAULT_FONT_SIZE
    layout.font.size = base * s
    for ann in layout.annotations:
        if ann.font.size:
            ann.font.size *= s
    if layout.title.text:
        layout.title.font.size = (layout.title.font.size or base * TITLE_FONT) * s
    margin = layout.margin
    for side in ("l", "r", "t", "b"):
        value = getattr(margin, side)
        if value is not None:
            setattr(margin, side, round(value * s))


def _darken(fig: go.Figure) -> None:
    """The dark theme's colours on what the figure colours itself (contours, marks, boxes)."""
    dark_scale = [[1 - at, colour] for at, colour in reversed(style.CONTOUR_SCALE)]
    for trace in fig.data:
        if trace.type == "contour":
            trace.colorscale = dark_scale
        elif trace.type == "scatter" and trace.marker is not None:
            if trace.marker.color == LIGHT_INK:
                trace.marker.color = DARK_INK
            if trace.marker.line is not None and trace.marker.line.color == LIGHT_INK:
                trace.marker.line.color = DARK_INK
    for ann in fig.layout.annotations:
        if ann.bgcolor == LIGHT_BOX:
            ann.bgcolor = DARK_BOX
    if fig.layout.legend.bgcolor:
        fig.layout.legend.bgcolor = "rgba(17,17,17,0.8)"


# --- presentation mode: the page's live chart, read from the back of a room -----------------

PRESENT_FONT = 18                 # px: tick labels, axis titles, notes (≥ 16 at 1080p)
PRESENT_TITLE = 24                # px: each panel's title (≥ 22 at 1080p)
PRESENT_MARGIN = dict(l=62, r=16, t=44, b=52)


def presentation(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a figure's plain data ``{"data", "layout"}`` (``trajectory_spec``'s, shared:
    left unchanged) with type for a projector: ``PRESENT_FONT`` for ticks, axis titles and notes,
    ``PRESENT_TITLE`` for the panel titles (the paper-anchored annotations above the panels) and
    the figure's title, and margins that hold them. Panels share their ranges, so only the
    axes at the left and the bottom (those with a title) keep their tick labels: the gaps
    between panels hold the big titles, not a second set of numbers."""
    layout = dict(spec["layout"])
    for name, axis in spec["layout"].items():
        if name.startswith(("xaxis", "yaxis")) and not (axis.get("title") or {}).get("text"):
            layout[name] = {**axis, "showticklabels": False}
    layout["font"] = {**layout.get("font", {}), "size": PRESENT_FONT}
    layout["annotations"] = [
        {**ann, "font": {**ann.get("font", {}),
                         "size": PRESENT_TITLE if ann.get("yref") == "paper" else PRESENT_FONT}}
        for ann in layout.get("annotations", [])]
    if layout.get("title"):
        layout["title"] = {**layout["title"], "font": {"size": PRESENT_TITLE}}
    layout["margin"] = {**layout.get("margin", {}), **PRESENT_MARGIN}
    if layout.get("title"):
        layout["margin"]["t"] += PRESENT_TITLE + 16
    return {**spec, "layout": layout}
