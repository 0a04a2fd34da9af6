"""The heavy results more than one view needs, computed once per process and kept.

Keyed by the frozen ``Config`` (``gradscape.cache.memo``), computed under ``limits.HEAVY``
(a few at a time, server-wide; the rest wait or are told the server is busy). A view's own
cached work (its figure, a basin map, a sweep) lives in that view's module.
"""
from __future__ import annotations

from gradscape.cache import memo
from gradscape.experiment import Config, Result, simulate
from surfaces.critical import CriticalPoint, critical_points as find_critical_points

from . import limits
from .settings import MAX_POINTS


@memo(64, by_language=False)
@limits.HEAVY
def result(config: Config) -> Result:
    """The experiment's trajectories."""
    return simulate(config)


def critical_points(result: Result) -> list[CriticalPoint]:
    """Every critical point of the result's surface in its window (once per surface)."""
    return _critical(result.config.surface, result)


@memo(16, key=lambda surface, result: surface, by_language=False)
@limits.HEAVY
def _critical(surface: object, result: Result) -> list[CriticalPoint]:
    return find_critical_points(result.surface, max_points=MAX_POINTS)
