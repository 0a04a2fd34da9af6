"""torch.optim.lr_scheduler's StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LinearLR.

``lrs(base_lr, steps)`` gives the learning rate of each update under torch's cycle
(``optimizer.step()`` then ``scheduler.step()``): update k (1-based) uses η(k − 1), and η(0) is
what the scheduler's construction left (base_lr, or base_lr·start_factor for LinearLR).
The values come from torch's own recursive (chainable) formulas in the same order of
operations, so they match torch's to the last bit; a closed form would differ by ~1e-16.
Float arguments may be 1-D arrays (one value per run); they broadcast against base_lr.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Callable

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Scheduler


def _recurse(scheduler: Scheduler, base_lr: Any, steps: int, first: Callable[[Any], Any],
             update: Callable[[Any, int], Any]) -> Array:
    """[η(0), …, η(steps−1)] with η(0) = first(base_lr) and η(t) = update(η(t−1), t).

    Shape (steps,) + the broadcast shape of base_lr and the scheduler's swept arguments.
    """
    if isinstance(steps, (bool, np.bool_)) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    base = np.asarray(base_lr, dtype=float)
    shape = np.broadcast_shapes(base.shape, *(np.shape(v) for v in scheduler.params.values()
                                              if isinstance(v, np.ndarray)))
    out = np.empty((int(steps),) + shape)
    with np.errstate(all="ignore"):
        lr = first(base if base.ndim else float(base))
        for t in range(int(steps)):
            if t:
                lr = update(lr, t)
            out[t] = lr
    return out


class StepLR(Scheduler):
    """η(t) = base·γ^⌊t/s⌋: the lr is multiplied by γ every ``step_size`` updates.

    torch: η(t) = η(t−1)·γ when t is a multiple of s, else η(t−1).
    """

    name = "StepLR"
    summary = "Multiply the learning rate by gamma every step_size updates."
    hyperparams = (
        Hyperparam("step_size", 30, kind="int", low=1,
                   help="Updates between decays (torch requires it; 30 is our default)."),
        Hyperparam("gamma", 0.1, low=0.0, help="Factor applied at each decay."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        gamma, size = self.gamma, self.step_size
        return _recurse(self, base_lr, steps, lambda lr: lr,
                        lambda lr, t: lr * gamma if t % size == 0 else lr)


class MultiStepLR(Scheduler):
    """η(t) = base·γ^(number of milestones ≤ t); a milestone listed twice decays twice.

    torch: η(t) = η(t−1)·γ^(times t is listed) when t is a milestone, else η(t−1); a milestone
    0 already applies at construction.
    """

    name = "MultiStepLR"
    summary = "Multiply the learning rate by gamma at each listed update."
    hyperparams = (
        Hyperparam("milestones", [50, 100], kind="ints", low=0,
                   help="Updates at which to decay (torch requires it; [50, 100] is our default)."),
        Hyperparam("gamma", 0.1, low=0.0, help="Factor applied at each milestone."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        gamma, counts = self.gamma, Counter(self.milestones)

        def decay(lr: Any, t: int) -> Any:
            return lr * c.power(gamma, counts[t]) if t in counts else lr

        return _recurse(self, base_lr, steps, lambda lr: decay(lr, 0), decay)


class ExponentialLR(Scheduler):
    """η(t) = base·γᵗ (torch: η(t) = η(t−1)·γ)."""

    name = "ExponentialLR"
    summary = "Multiply the learning rate by gamma after every update."
    hyperparams = (
        Hyperparam("gamma", 0.99, low=0.0,
                   help="Factor applied after every update (torch requires it; 0.99 is our default)."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        gamma = self.gamma
        return _recurse(self, base_lr, steps, lambda lr: lr, lambda lr, t: lr * gamma)


class CosineAnnealingLR(Scheduler):
    """η(t) = η_min + (base − η_min)·(1 + cos(πt/T_max))/2, not clamped: back at base at 2·T_max.

    torch: η(t) = (1 + cos(πt/T))/(1 + cos(π(t−1)/T))·(η(t−1) − η_min) + η_min, and where that
    ratio is 0/0 (t − 1 − T a multiple of 2T): η(t) = η(t−1) + (base − η_min)(1 − cos(π/T))/2.
    """

    name = "CosineAnnealingLR"
    summary = "Anneal the learning rate along a half cosine from base to eta_min over T_max updates."
    hyperparams = (
        Hyperparam("T_max", 100, kind="int", low=1,
                   help="Updates from base to eta_min (torch requires it; 100 is our default)."),
        Hyperparam("eta_min", 0.0, low=0.0, help="Lowest learning rate, reached at T_max."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        T, eta_min = self.T_max, self.eta_min
        base = np.asarray(base_lr, dtype=float)
        base = base if base.ndim else float(base)

        def update(lr: Any, t: int) -> Any:
            if (t - 1 - T) % (2 * T) == 0:
                return lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
            return ((1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                    * (lr - eta_min) + eta_min)

        return _recurse(self, base_lr, steps, lambda lr: lr, update)


class LinearLR(Scheduler):
    """η(t) = base·(s + (e − s)·min(t, n)/n): the factor moves linearly from s to e in n updates.

    torch: η(0) = base·s; η(t) = η(t−1)·(1 + (e − s)/(n·s + (t − 1)(e − s))) for 1 ≤ t ≤ n;
    then unchanged.
    """

    name = "LinearLR"
    summary = "Scale the learning rate by a factor moving linearly from start_factor to end_factor."
    hyperparams = (
        Hyperparam("start_factor", 1.0 / 3, low=0.0, high=1.0, low_open=True, show_value=False,
                   error="Starting multiplicative factor expected to be greater than 0 "
                         "and less or equal to 1.",
                   help="Factor of the first update."),
        Hyperparam("end_factor", 1.0, low=0.0, high=1.0, show_value=False,
                   error="Ending multiplicative factor expected to be between 0 and 1.",
                   help="Factor from update total_iters + 1 on."),
        Hyperparam("total_iters", 5, kind="int", low=0, help="Updates over which the factor moves."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        s, e, n = self.start_factor, self.end_factor, self.total_iters

        def update(lr: Any, t: int) -> Any:
            if t > n:
                return lr
            return lr * (1.0 + (e - s) / (n * s + (t - 1) * (e - s)))

        return _recurse(self, base_lr, steps, lambda lr: lr * s, update)
