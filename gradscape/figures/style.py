"""Colours and markers shared by every figure, so a run looks the same everywhere."""
from __future__ import annotations

# Run i is drawn in PALETTE[i % len(PALETTE)] in every figure (Tableau 10, red first as in the
# textbook figure; readable on white and on the contour lines' blue-greys).
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
           "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")

# Contour lines: dark near the minimum, fading towards the walls.
CONTOUR_SCALE = [[0.0, "#33415c"], [0.5, "#7d8fb3"], [1.0, "#c9d2e3"]]

START = dict(symbol="circle", size=10, color="black", line=dict(color="white", width=1))
MINIMUM = dict(symbol="cross-thin", size=14, color="black", line=dict(color="black", width=2.5))
END_SIZE = 15        # star at the end of a run
DIVERGED_SIZE = 12   # 'x' at the last finite point of a run that diverged
KIND_STYLE = {       # critical points, by the Hessian's verdict
    "minimum": dict(symbol="circle", color="#2ca02c"),
    "maximum": dict(symbol="triangle-up", color="#d62728"),
    "saddle": dict(symbol="x", color="#ff7f0e"),
    "degenerate": dict(symbol="square", color="#7f7f7f"),
}

FONT = dict(family="Helvetica, Arial, sans-serif", size=13)


def colour(i: int) -> str:
    """The colour of run ``i``."""
    return PALETTE[i % len(PALETTE)]


def escape(text: str) -> str:
    """User text (labels) shown by Plotly: keep it from being read as HTML or a hover template."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("%{", "%&#123;"))
