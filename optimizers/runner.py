"""Step many independent runs of one optimizer at once, as NumPy arrays (``run``), or of several
optimizers in lockstep (``run_many``: an experiment's lines share each step's evaluation of f).

One call advances N runs (N start points, or N hyperparameter settings) through ``steps``
updates of torch's cycle: evaluate f and ∇f at θ, ``optimizer.step``, then the scheduler's next
learning rate. A run that reaches a point whose coordinates, loss or gradient is not finite
stops there: ``diverged_at`` is that point's index and the point is not recorded.

Schedules: a step-count scheduler's lrs are computed for the whole run at once; a loss-driven
one (ReduceLROnPlateau, ``loss_driven``) is stepped after every update with the loss of the point
that update left, each run with its own state. A scheduler that cycles the momentum (CyclicLR,
OneCycleLR) has the optimizer step with that update's momentum or β1, recorded in ``momentum``.

An optimizer whose class sets ``needs_hessian = True`` (Newton) gets ``hessian=(fxx, fxy, fyy)``
at θ, each (N,); the others get ``hessian=None`` and never pay for it (``run_many`` evaluates it
once per step, for every run, when any of its lines needs it). One that ``needs_closure`` (LBFGS,
SAM) also gets ``closure=``: f and ∇f at points of its choosing, with this step's noise (and
batch: ``closure``); those evaluations are not recorded (the optimizer's ``extras`` keep them).

Mini-batches (``batches``, for a model surface): update t uses the gradient (and Hessian) of
``surface.on_rows(batches[t])``, the loss over that batch's rows; the recorded loss is always
the full surface's, and the recorded gradient is the one the optimizer received (the last
point's, which no update uses, is the full gradient).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .base import Closure, Optimizer, Scheduler
from .schedulers import cycled, momentum_slot

Array = np.ndarray

MAX_STEPS = 10_000
MAX_RUNS = 250_000
MAX_PATH_VALUES = 4_000_000   # runs x (steps + 1) kept in memory when whole paths are recorded
MAX_RUN_STEPS = 100_000_000   # runs x steps in one call: a few seconds of CPU (400² starts x 600 steps)


@dataclass(frozen=True)
class Paths:
    """Whole trajectories of N runs; entries past a run's divergence are NaN.

    points (N, K+1, 2), loss (N, K+1), grad (N, K+1, 2), lr (N, K): ``lr[:, t]`` moved
    ``points[:, t]`` to ``points[:, t+1]``. ``diverged_at`` (N,) is -1 for runs that never did.
    momentum (N, K): the momentum or β1 of each update where a scheduler cycles it, else None.
    """

    points: Array
    loss: Array
    grad: Array
    lr: Array
    diverged_at: Array
    momentum: Array | None = None

    def run(self, i: int) -> dict[str, Any]:
        """Run i cut at its divergence, as plain arrays (momentum None when not cycled)."""
        d = int(self.diverged_at[i])
        n = self.points.shape[1] if d < 0 else d
        k = self.lr.shape[1] if d < 0 else d
        return {"points": self.points[i, :n], "loss": self.loss[i, :n], "grad": self.grad[i, :n],
                "lr": self.lr[i, :k], "diverged_at": None if d < 0 else d,
                "momentum": None if self.momentum is None else self.momentum[i, :k]}


@dataclass(frozen=True)
class Finals:
    """Only the end of N runs: for grids of many thousands of starts.

    point (N, 2) and loss (N,) are the last finite ones; ``converged_step`` (N,) is the first
    step whose gradient norm was at most ``gtol`` (-1: never); ``diverged_at`` (N,) as in Paths.
    """

    point: Array
    loss: Array
    converged_step: Array
    diverged_at: Array


def check_size(runs: int, steps: int, paths: bool) -> None:
    """Raise ValueError with a clear message when a request is beyond the bounds."""
    if isinstance(steps, bool) or int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer from 0 to {MAX_STEPS}, got {steps!r}")
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"the number of runs must be from 1 to {MAX_RUNS}, got {runs}")
    if runs * steps > MAX_RUN_STEPS:
        raise ValueError(f"{runs} runs x {steps} steps is {runs * steps:,} updates, more than the "
                         f"{MAX_RUN_STEPS:,} one call may run; use fewer runs or steps")
    if paths and runs * (steps + 1) > MAX_PATH_VALUES:
        raise ValueError(f"{runs} runs x {steps} steps is too many points to record "
                         f"(at most {MAX_PATH_VALUES:,}); use fewer runs or steps")


def sweep_size(configurable: Optimizer | Scheduler | None) -> int:
    """How many settings an array-valued hyperparameter sweeps over (1 for plain scalars)."""
    if configurable is None:
        return 1
    values = [w for v in configurable.params.values() for w in (v if isinstance(v, tuple) else (v,))]
    sizes = {np.size(v) for v in values if isinstance(v, np.ndarray)}
    sizes |= {sweep_size(v) for v in values if isinstance(v, Optimizer)} - {1}   # a wrapped one
    if len(sizes) > 1:
        raise ValueError(f"swept hyperparameters of {configurable.name} have different lengths {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def learning_rates(optimizer: Optimizer, scheduler: Scheduler | None, steps: int, runs: int) -> Array:
    """The lr of each update for each run: shape (steps, runs). A loss-driven scheduler's are
    known only as the run goes: the first row is the base lr, the rest is filled step by step."""
    base = np.broadcast_to(np.asarray(optimizer.base_lr, dtype=float), (runs,))
    if scheduler is None:
        return np.broadcast_to(base, (steps, runs))
    if scheduler.loss_driven:
        lrs = np.full((steps, runs), np.nan)
        lrs[:1] = base
        return lrs
    return np.broadcast_to(np.asarray(scheduler.lrs(base.copy(), steps), dtype=float), (steps, runs))


def run(surface: Any, optimizer: Optimizer, starts: Array, steps: int,
        scheduler: Scheduler | None = None, noise_std: float = 0.0, seed: int = 0,
        paths: bool = True, gtol: float = 1e-6) -> Paths | Finals:
    """Run ``optimizer`` from every row of ``starts`` (N, 2) for ``steps`` updates.

    Gradient noise (the mini-batch view): each update sees ∇f + ``noise_std``·ξ with ξ standard
    normal, drawn from ``numpy.random.default_rng(seed)`` for the whole batch each step. The
    recorded gradient is the true one. ``paths=False`` keeps only final states (``Finals``).
    """
    return run_many(surface, [(optimizer, scheduler)], starts, steps, noise_std, seed, paths, gtol)[0]


def run_many(surface: Any, lines: Sequence[tuple[Optimizer, Scheduler | None]], starts: Array,
             steps: int, noise_std: float = 0.0, seed: int = 0, paths: bool = True,
             gtol: float = 1e-6, batches: Sequence[Array] | None = None) -> list[Paths | Finals]:
    """``run`` for several (optimizer, scheduler) lines at once, in lockstep: each step evaluates
    the surface once for the runs of every line. Each line's result is the one ``run`` gives it
    alone (its noise too: every line draws from its own ``default_rng(seed)``)."""
    starts = np.array(starts, dtype=float).reshape(-1, 2)
    if not (np.isfinite(noise_std) and noise_std >= 0):
        raise ValueError(f"noise std must be a finite number >= 0, got {noise_std}")
    groups = _lines(lines, len(starts), steps, noise_std, seed)
    n = groups[-1].rows.stop if groups else 0
    check_size(n, steps, paths)
    needs_hessian = any(line.optimizer.needs_hessian for line in groups)
    # Fortran order: θ stays (N, 2) but its x and y columns are contiguous, so the surface's
    # x, y (and every elementwise result from θ) are fast contiguous arrays. Values are unchanged.
    theta = np.empty((n, 2), order="F")
    for line in groups:
        theta[line.rows] = starts
    previous = theta                 # where each run stood before this step (a stopped run waits there)
    diverged_at = np.full(n, -1)
    dead = np.zeros(n, dtype=bool)
    stopped = False                  # any(dead), kept as a bool: asking the array costs µs per step
    if paths:
        points, loss = np.empty((n, steps + 1, 2)), np.empty((n, steps + 1))
        grad, lr_used = np.empty((n, steps + 1, 2)), np.empty((n, steps))
        momentum = (np.full((n, steps), np.nan)
                    if any(line.momentum is not None for line in groups) else None)
    else:
        converged = np.full(n, -1)

    with np.errstate(all="ignore"):
        states = [line.optimizer.init(theta[line.rows]) for line in groups]
        plateaus = [line.scheduler.start(line.lrs[0]) if line.scheduler is not None and steps
                    else None for line in groups]
        for t in range(steps + 1):
            x, y = theta[:, 0], theta[:, 1]
            f = surface.value(x, y)
            stepping = _step_surface(surface, batches, t, steps)
            g = np.empty((2, n))
            g[0], g[1] = stepping.grad(x, y)
            g = g.T                                   # (N, 2) in Fortran order, like θ
            if not math.isfinite(f.sum() + g.sum() + theta.sum()):   # rare: look run by run
                bad = ~(np.isfinite(f) & np.isfinite(g).all(axis=1) & np.isfinite(theta).all(axis=1))
                newly = bad & ~dead
                if newly.any():
                    diverged_at[newly] = t
                    dead |= newly
                    stopped = True
                    # A stopped run waits at its last finite point with a zero gradient.
                    theta[newly] = previous[newly]
                    if dead.all():
                        break
                g[dead] = 0.0
            if paths:   # entries from a run's divergence on are blanked at the end
                points[:, t], loss[:, t], grad[:, t] = theta, f, g
            else:
                hit = g[:, 0] ** 2 + g[:, 1] ** 2 <= gtol * gtol
                if hit.any():
                    converged[hit & (converged < 0) & ~dead] = t
            if t == steps:
                break
            hessian = (tuple(np.broadcast_to(h, x.shape) for h in stepping.hessian(x, y))
                       if needs_hessian else None)
            previous = theta
            theta = _step_lines(groups, states, previous, g, hessian, t,
                                dead if stopped else None, noise_std, stepping)
            _step_schedules(groups, plateaus, f, t)
            if paths and momentum is not None:
                for line in groups:
                    if line.momentum is not None:
                        momentum[line.rows, t] = line.momentum[t]

    if paths:
        for line in groups:    # each update's lr (those from a run's divergence on are blanked)
            lr_used[line.rows] = line.lrs.T
        return _paths(groups, diverged_at, points, loss, grad, lr_used, momentum)
    return _finals(surface, groups, theta, diverged_at, converged)


def _paths(groups: list[_Line], diverged_at: Array, points: Array, loss: Array, grad: Array,
           lr_used: Array, momentum: Array | None) -> list[Paths]:
    """Each line's Paths, every entry from a run's divergence on blanked (NaN)."""
    for i in np.flatnonzero(diverged_at >= 0):
        d = diverged_at[i]
        points[i, d:], loss[i, d:], grad[i, d:], lr_used[i, d:] = np.nan, np.nan, np.nan, np.nan
        if momentum is not None:
            momentum[i, d:] = np.nan
    return [Paths(points[r], loss[r], grad[r], lr_used[r], diverged_at[r],
                  None if line.momentum is None else momentum[r])
            for line, r in ((line, line.rows) for line in groups)]


def _finals(surface: Any, groups: list[_Line], theta: Array, diverged_at: Array,
            converged: Array) -> list[Finals]:
    """Each line's Finals: the last finite point and its loss (NaN for a run that had none)."""
    theta[diverged_at == 0] = np.nan   # no finite point at all
    with np.errstate(all="ignore"):
        final_loss = surface.value(theta[:, 0], theta[:, 1])
    return [Finals(np.ascontiguousarray(theta[r]), final_loss[r], converged[r], diverged_at[r])
            for r in (line.rows for line in groups)]


def _step_surface(surface: Any, batches: Sequence[Array] | None, t: int, steps: int) -> Any:
    """The surface whose gradient update t uses: the batch's rows, or the whole surface."""
    if batches is None or t == steps:
        return surface
    return surface.on_rows(batches[t])


def _lines(lines: Sequence[tuple[Optimizer, Scheduler | None]], starts: int, steps: int,
           noise_std: float, seed: int) -> list[_Line]:
    """One ``_Line`` per (optimizer, scheduler): its rows of θ, its lrs, its noise generator.

    A line has max(starts, sweep sizes) runs; ``starts`` must be 1 (shared) or that number.
    """
    out, rows = [], 0
    for optimizer, scheduler in lines:
        n = max(starts, sweep_size(optimizer), sweep_size(scheduler))
        if starts not in (1, n):
            raise ValueError(f"{starts} start points for a sweep of {n} settings")
        loss_driven = scheduler is not None and scheduler.loss_driven
        out.append(_Line(optimizer, slice(rows, rows + n), learning_rates(optimizer, scheduler, steps, n),
                         # one lr for every run (no sweep): a float, the cheapest to broadcast
                         sweep_size(optimizer) == 1 and sweep_size(scheduler) == 1 and not loss_driven,
                         np.random.default_rng(seed) if noise_std > 0 else None,
                         scheduler if loss_driven else None, _momentums(optimizer, scheduler, steps, n)))
        rows += n
    return out


def closure(surface: Any, noise: Array | None) -> Closure:
    """f and ∇f at points of an optimizer's choosing for the runs ``rows`` (None: all), with
    their rows of this step's gradient ``noise`` (N, 2) added: one mini-batch per step."""
    def evaluate(points: Array, rows: Any = None) -> tuple[Array, Array]:
        points = np.asarray(points, dtype=float)
        with np.errstate(all="ignore"):
            x, y = points[:, 0], points[:, 1]
            f = np.broadcast_to(surface.value(x, y), x.shape)
            gx, gy = surface.grad(x, y)
            g = np.stack([np.broadcast_to(gx, x.shape), np.broadcast_to(gy, x.shape)], axis=1)
        if noise is not None:
            g = g + (noise if rows is None else noise[rows])
        return f, g
    return evaluate


def _step_lines(groups: list[_Line], states: list, previous: Array, g: Array,
                hessian: tuple[Array, Array, Array] | None, t: int, dead: Array | None,
                noise_std: float, surface: Any = None) -> Array:
    """Update t of every line from θ = ``previous`` with gradient ``g`` (+ each line's noise).

    Replaces ``states[i]`` in place; returns the new θ, where stopped (``dead``; None while no
    run has stopped) runs stay at ``previous``.
    """
    if len(groups) > 1:     # each line's new θ goes into its rows, in Fortran order like θ's
        theta = np.empty(previous.shape, order="F")
    for i, line in enumerate(groups):
        r = line.rows
        lr = float(line.lrs[t, 0]) if line.uniform else line.lrs[t][:, None]
        gr, noise = g[r], None
        if line.rng is not None:
            noise = noise_std * line.rng.standard_normal(gr.shape)
            gr = gr + noise
            if dead is not None:
                gr[dead[r]] = 0.0
        h = tuple(c[r] for c in hessian) if line.optimizer.needs_hessian else None
        optimizer = line.optimizer if line.momentum is None else cycled(
            line.optimizer, line.momentum[t, 0] if line.uniform else line.momentum[t])
        more = {"closure": closure(surface, noise)} if optimizer.needs_closure else {}
        theta_r, states[i] = optimizer.step(states[i], previous[r], gr, lr, hessian=h, **more)
        if len(groups) > 1:
            theta[r] = theta_r
        else:   # one line (a grid of starts, a sweep): its new θ as it is, no copy
            theta = theta_r
    if dead is not None:
        theta[dead] = previous[dead]
    return theta


def _momentums(optimizer: Optimizer, scheduler: Scheduler | None, steps: int,
               runs: int) -> Array | None:
    """The momentum or β1 of each update, (steps, runs), where the scheduler cycles it, else None."""
    values = None if scheduler is None else scheduler.momentums(steps)
    if values is None:
        return None
    momentum_slot(optimizer)          # torch's error when the optimizer has neither
    if optimizer.name == "SGD" and np.any(np.asarray(values) == 0):
        # torch's SGD skips (and, at the first step, does not create) its buffer while the
        # momentum is 0; our SGD keeps one buffer throughout, which is the same only for μ ≠ 0
        raise ValueError("a cycled momentum of exactly 0 with SGD is not supported: "
                         "give base_momentum and max_momentum above 0")
    return np.broadcast_to(np.asarray(values, dtype=float).reshape(steps, -1), (steps, runs))


def _step_schedules(groups: list[_Line], plateaus: list, loss: Array, t: int) -> None:
    """After update t: each loss-driven scheduler steps with the loss at the point the update
    left (f(θₜ), as ``scheduler.step(loss)`` after ``optimizer.step()`` in torch's loop) and
    gives the lr of update t + 1 (row t + 1 of the line's lrs)."""
    for i, line in enumerate(groups):
        if line.scheduler is None:
            continue
        plateaus[i] = line.scheduler.step(plateaus[i], loss[line.rows])
        if t + 1 < len(line.lrs):
            line.lrs[t + 1] = plateaus[i].lr


@dataclass(frozen=True)
class _Line:
    """One (optimizer, scheduler) line of ``run_many``: its rows of θ, lrs (steps, n), noise;
    its loss-driven scheduler (stepped by the runner; else None) and cycled momentum (steps, n)."""

    optimizer: Optimizer
    rows: slice
    lrs: Array
    uniform: bool
    rng: np.random.Generator | None
    scheduler: Scheduler | None = None
    momentum: Array | None = None
