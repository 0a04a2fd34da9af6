"""Test surfaces: 2D functions with analytic gradients and Hessians, windows and minima.

>>> import surfaces
>>> s = surfaces.get("rosenbrock")
>>> float(s.value(1.0, 1.0)), s.minima, s.min_value
(0.0, ((1, 1),), 0)
"""
from __future__ import annotations

from .base import Surface, Window, check_window
from .catalogue import SURFACES
from .expr import FormulaError, from_formula

__all__ = ["Surface", "Window", "check_window", "names", "get", "FormulaError", "from_formula"]

_BY_ID = {s.id: s for s in SURFACES}


def names() -> list[str]:
    """The ids of the built-in surfaces, in catalogue order (``"elliptic"`` first)."""
    return list(_BY_ID)


def get(id: str) -> Surface:
    """The built-in surface called ``id``.

    Raises:
        ValueError: if there is no such surface.
    """
    try:
        return _BY_ID[id]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {id!r}; known: {', '.join(_BY_ID)}") from None
