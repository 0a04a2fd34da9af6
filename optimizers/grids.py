"""Grids of runs, each grid one batched call: basins of attraction and hyperparameter sweeps.

``basin`` runs one optimizer from every start of an N×N grid over the window and says where
each run ended: which minimum it reached, how fast, or that it diverged. ``sweep`` runs one
optimizer from one start over a grid of two hyperparameters (lr × momentum, lr × β1, ...).
Both return arrays whose row i belongs to y[i] and column j to x[j], as a heat map draws them;
``to_dict`` gives the JSON form (None for "never", "none" and non-finite numbers).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from surfaces.base import check_window

from .base import Array, Optimizer, Scheduler
from .runner import Finals, run, sweep_size

MIN_RESOLUTION, MAX_RESOLUTION = 2, 400      # basin grids: N×N starts
MIN_VALUES, MAX_VALUES = 1, 400              # sweep axes: values per axis
BASIN_TOL = 0.01      # a run "reached" a minimum when it ended this close (× window diagonal)


# --- basins of attraction ------------------------------------------------------------------

@dataclass(frozen=True)
class Basin:
    """Where runs from an N×N grid of starts ended; entry [i, j] started at (x[j], y[i]).

    x (N,), y (N,): the grid's coordinates.
    final_loss (N, N), final_point (N, N, 2): the last finite loss and point (NaN if none).
    converged_step (N, N): first step with |∇f| ≤ gtol, −1 where never.
    minimum_index (N, N): index into ``minima`` of the minimum the run ended within ``tol`` of
        (the nearest, if several), −1 where none, and for every diverged run.
    diverged (N, N): the run reached a non-finite point (and stopped before it).
    minima (M, 2): the minima the index refers to; tol: the distance used.
    """

    x: Array
    y: Array
    final_loss: Array
    final_point: Array
    converged_step: Array
    minimum_index: Array
    diverged: Array
    minima: Array
    tol: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: x, y, final_loss, final_point, converged_step, minimum_index (None for
        never / none / non-finite)."""
        return {"x": self.x.tolist(), "y": self.y.tolist(),
                "final_loss": _nullable(self.final_loss, ~np.isfinite(self.final_loss)),
                "final_point": _nullable(self.final_point, ~np.isfinite(self.final_point)),
                "converged_step": _nullable(self.converged_step, self.converged_step < 0),
                "minimum_index": _nullable(self.minimum_index, self.minimum_index < 0)}


def grid_axis(low: float, high: float, num: int) -> Array:
    """``num`` evenly spaced values from ``low`` to ``high``, both included."""
    return np.linspace(low, high, num)


def basin(surface: Any, optimizer: Optimizer, steps: int, resolution: int = 100,
          scheduler: Scheduler | None = None, window: Any = None, minima: Any = None,
          noise_std: float = 0.0, seed: int = 0, gtol: float = 1e-6,
          tol: float = BASIN_TOL) -> Basin:
    """Run ``optimizer`` from every start of a ``resolution``² grid over the window, at once.

    Args:
        surface: the surface (value, grad, window, minima).
        optimizer, scheduler: one setting each (no swept hyperparameters).
        steps: updates per run.
        resolution: N, from 2 to 400: the grid is N×N starts, corners included.
        window: ((xmin, xmax), (ymin, ymax)); default the surface's.
        minima: the points (M, 2) to classify final points by; default ``surface.minima``.
        noise_std, seed: gradient noise, as in ``runner.run``.
        gtol: gradient norm that counts as converged.
        tol: a run reached minimum k when it ended within tol × (window diagonal) of it.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be an integer from {MIN_RESOLUTION} to "
                         f"{MAX_RESOLUTION}, got {resolution!r}")
    if sweep_size(optimizer) > 1 or sweep_size(scheduler) > 1:
        raise ValueError("a basin map runs one optimizer setting: give single values, not sweeps")
    _check_batched(optimizer, "basin maps")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a finite number > 0, got {tol}")
    (x0, x1), (y0, y1) = check_window(surface.window if window is None else window)
    x, y = grid_axis(x0, x1, resolution), grid_axis(y0, y1, resolution)
    xs, ys = np.meshgrid(x, y)
    starts = np.column_stack([xs.ravel(), ys.ravel()])
    finals: Finals = run(surface, optimizer, starts, steps, scheduler, noise_std, seed,
                         paths=False, gtol=gtol)

    shape = (resolution, resolution)
    diverged = finals.diverged_at >= 0
    points = np.array(surface.minima if minima is None else minima, dtype=float).reshape(-1, 2)
    distance = tol * math.hypot(x1 - x0, y1 - y0)
    index = np.full(len(starts), -1)
    if len(points):
        with np.errstate(invalid="ignore"):
            d = np.hypot(finals.point[:, None, 0] - points[:, 0], finals.point[:, None, 1] - points[:, 1])
        nearest = np.argmin(np.where(np.isnan(d), np.inf, d), axis=1)
        reached = (d[np.arange(len(d)), nearest] <= distance) & ~diverged
        index[reached] = nearest[reached]
    return Basin(x=x, y=y, final_loss=finals.loss.reshape(shape),
                 final_point=finals.point.reshape(shape + (2,)),
                 converged_step=finals.converged_step.reshape(shape),
                 minimum_index=index.reshape(shape), diverged=diverged.reshape(shape),
                 minima=points, tol=distance)


# --- hyperparameter sweeps -----------------------------------------------------------------

@dataclass(frozen=True)
class Axis:
    """One swept hyperparameter: its name ("lr", "momentum", "betas[0]", ...) and values.

    ``log``: the values are log-spaced (a figure draws the axis on a log scale).
    """

    name: str
    values: Array
    log: bool = False

    @classmethod
    def spaced(cls, name: str, low: float, high: float, num: int, log: bool = False) -> "Axis":
        """``num`` values from ``low`` to ``high`` (both included), evenly or log-spaced."""
        if isinstance(num, bool) or not isinstance(num, (int, np.integer)) \
                or not MIN_VALUES <= num <= MAX_VALUES:
            raise ValueError(f"{name}: the number of values must be an integer from {MIN_VALUES} "
                             f"to {MAX_VALUES}, got {num!r}")
        if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(high - low)):
            raise ValueError(f"{name}: the range must be finite, got {low}..{high}")
        if log:
            if not (low > 0 and high > 0):
                raise ValueError(f"{name}: a log-spaced range must be > 0, got {low}..{high}")
            return cls(name, np.geomspace(low, high, num), True)
        return cls(name, np.linspace(low, high, num), False)


def parse_axis(text: str) -> Axis:
    """An axis from ``NAME:LOW:HIGH:NUM[:log|:lin]``, e.g. ``lr:1e-3:1:20:log``."""
    parts = text.split(":")
    if len(parts) not in (4, 5) or (len(parts) == 5 and parts[4] not in ("log", "lin")):
        raise ValueError(f"axis '{text}' must be NAME:LOW:HIGH:NUM[:log], e.g. lr:1e-3:1:20:log")
    name = parts[0].strip()
    try:
        low, high = float(parts[1]), float(parts[2])
        num = int(parts[3])
    except ValueError:
        raise ValueError(f"axis '{text}': LOW and HIGH must be numbers and NUM an integer") from None
    return Axis.spaced(name, low, high, num, log=len(parts) == 5 and parts[4] == "log")


def _check_batched(optimizer: Optimizer, what: str) -> None:
    """Refuse an optimizer that steps one run at a time (LBFGS, or a wrapper around it)."""
    if not optimizer.batched:
        raise ValueError(f"{optimizer.name} steps one run at a time (LBFGS's iterations and line "
                         f"search branch on each run's own values), too slow for the thousands of "
                         f"runs of {what}; they are not available for it")


def sweepable(optimizer: Optimizer | type[Optimizer]) -> list[str]:
    """The hyperparameters a sweep can vary: the float ones, and betas[0], betas[1]; for a
    wrapper (an instance) also its optimizer's, as "optimizer.lr", "optimizer.betas[0]", ..."""
    names = []
    for h in optimizer.hyperparams:
        if h.kind == "float":
            names.append(h.name)
        elif h.kind == "pair":
            names += [f"{h.name}[0]", f"{h.name}[1]"]
        elif h.kind == "optimizer" and isinstance(optimizer, Optimizer):
            names += [f"{h.name}.{n}" for n in sweepable(optimizer.params[h.name])]
    return names


def _with_grid(optimizer: Optimizer, name: str, grid: Array) -> Optimizer:
    """``optimizer`` with hyperparameter ``name`` (as ``sweepable`` spells it) set to ``grid``."""
    params = dict(optimizer.params)
    if "." in name:                          # a wrapper's optimizer: "optimizer.lr"
        key, rest = name.split(".", 1)
        params[key] = _with_grid(params[key], rest, grid)
    elif name.endswith("]"):
        key, k = name[:-3], int(name[-2])
        pair = list(params[key])
        pair[k] = grid
        params[key] = tuple(pair)
    else:
        params[name] = grid
    return type(optimizer)(**params)         # torch's checks, value by value


@dataclass(frozen=True)
class Sweep:
    """Runs from one start over a grid of two hyperparameters; entry [i, j] is y[i], x[j].

    final_loss (ny, nx), final_point (ny, nx, 2), converged_step (ny, nx) (−1: never),
    diverged_at (ny, nx) (−1: never), as in ``runner.Finals``; start: the shared start point.
    """

    optimizer: str
    x: Axis
    y: Axis
    start: tuple[float, float]
    final_loss: Array
    final_point: Array
    converged_step: Array
    diverged_at: Array

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (None for never and for non-finite numbers)."""
        return {"optimizer": self.optimizer, "start": list(self.start),
                "x": {"name": self.x.name, "values": self.x.values.tolist(), "log": self.x.log},
                "y": {"name": self.y.name, "values": self.y.values.tolist(), "log": self.y.log},
                "final_loss": _nullable(self.final_loss, ~np.isfinite(self.final_loss)),
                "final_point": _nullable(self.final_point, ~np.isfinite(self.final_point)),
                "converged_step": _nullable(self.converged_step, self.converged_step < 0),
                "diverged_at": _nullable(self.diverged_at, self.diverged_at < 0)}


def sweep(surface: Any, optimizer: Optimizer, x: Axis, y: Axis, steps: int,
          start: Any = None, scheduler: Scheduler | None = None, noise_std: float = 0.0,
          seed: int = 0, gtol: float = 1e-6) -> Sweep:
    """Run ``optimizer`` from one start for every pair (x.values[j], y.values[i]), at once.

    The other hyperparameters keep ``optimizer``'s values; the grid becomes array-valued
    hyperparameters of length len(x)·len(y) (betas[k] replaces one member of the pair), so the
    whole grid is one batched ``runner.run``.

    Args:
        surface: the surface; ``start`` defaults to its start point.
        optimizer: the base setting; x.name and y.name must be in ``sweepable(optimizer)``.
        x, y: the two axes (different hyperparameters).
        steps, scheduler, noise_std, seed, gtol: as in ``runner.run``.
    """
    if sweep_size(optimizer) > 1 or sweep_size(scheduler) > 1:
        raise ValueError("the base setting of a sweep must have single values, not sweeps")
    allowed = sweepable(optimizer)
    for axis in (x, y):
        if axis.name not in allowed:
            raise ValueError(f"{optimizer.name} has no hyperparameter '{axis.name}' to sweep; "
                             f"choose from {', '.join(allowed)}")
        values = np.asarray(axis.values, dtype=float)
        if values.ndim != 1 or not MIN_VALUES <= values.size <= MAX_VALUES \
                or not np.isfinite(values).all():
            raise ValueError(f"{axis.name}: give {MIN_VALUES} to {MAX_VALUES} finite values")
    if x.name == y.name:
        raise ValueError(f"sweep two different hyperparameters, not '{x.name}' twice")
    _check_batched(optimizer, "sweeps")
    xs, ys = np.meshgrid(np.asarray(x.values, dtype=float), np.asarray(y.values, dtype=float))
    swept = _with_grid(_with_grid(optimizer, x.name, xs.ravel()), y.name, ys.ravel())
    start = surface.start if start is None else start
    start = tuple(float(v) for v in np.asarray(start, dtype=float).reshape(2))
    finals = run(surface, swept, [start], steps, scheduler, noise_std, seed, paths=False, gtol=gtol)
    shape = xs.shape
    return Sweep(optimizer=optimizer.name, x=x, y=y, start=start,
                 final_loss=finals.loss.reshape(shape), final_point=finals.point.reshape(shape + (2,)),
                 converged_step=finals.converged_step.reshape(shape),
                 diverged_at=finals.diverged_at.reshape(shape))


def _nullable(values: Array, missing: Array) -> list:
    """``values.tolist()`` with None where ``missing``: JSON without NaN."""
    if not missing.any():
        return values.tolist()
    out = values.astype(object)
    out[missing] = None
    return out.tolist()
