"""Plotly figures of experiments: results in, ``go.Figure`` out; and their export to files.

Nothing here imports streamlit. Run i has the colour ``style.PALETTE[i]`` in every figure.
"""
from .curves import distance_figure, loss_figure, lr_figure
from .export import TOOLBAR_CONFIG, ExportError, to_bytes
from .surface3d import surface_figure
from .trajectory import trajectory_figure

__all__ = ["trajectory_figure", "loss_figure", "distance_figure", "lr_figure", "surface_figure",
           "to_bytes", "ExportError", "TOOLBAR_CONFIG"]
