"""torch.optim.lr_scheduler.ReduceLROnPlateau, batched: each run keeps its own plateau state.

The lr depends on the losses seen, so it cannot be precomputed: the runner calls
``start(base_lr)`` once and ``step(state, loss)`` after every update, with the loss of the
point that update left, i.e. f(θₜ) — what the training loop
``loss = f(θ); loss.backward(); optimizer.step(); scheduler.step(loss)`` feeds torch.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .base import Array, Hyperparam, Scheduler


class PlateauState(NamedTuple):
    """lr (N,), best (N,), num_bad_epochs (N,), cooldown_counter (N,): torch's fields."""

    lr: Array
    best: Array
    num_bad_epochs: Array
    cooldown_counter: Array


class ReduceLROnPlateau(Scheduler):
    """Multiply the lr by ``factor`` when the loss has not improved for ``patience`` steps.

    After each update with loss a (torch's ``step(metrics)``):
      better = a < best·(1 − threshold)  (mode "min", threshold_mode "rel"; "abs": a < best −
               threshold; mode "max": a > best·(1 + threshold) or a > best + threshold)
      better: best ← a, bad ← 0;  else bad ← bad + 1
      in cooldown (counter > 0): counter ← counter − 1, bad ← 0
      bad > patience: lr' = max(lr·factor, min_lr); lr ← lr' if lr − lr' > eps;
                      counter ← cooldown, bad ← 0
    best starts at +∞ ("min") or −∞ ("max"). A NaN loss is never better.
    """

    name = "ReduceLROnPlateau"
    summary = "Multiply the learning rate by factor when the loss stops improving (stepped with each loss)."
    loss_driven: ClassVar[bool] = True
    hyperparams = (
        Hyperparam("mode", "min", kind="choice", choices=("min", "max"),
                   error="mode {value} is unknown!",
                   help="min: reduce when the loss stops decreasing; max: stops increasing."),
        Hyperparam("factor", 0.1, high=1.0, high_open=True, show_value=False,
                   error="Factor should be < 1.0.", help="new lr = lr·factor."),
        Hyperparam("patience", 10, kind="int",
                   help="Steps without improvement tolerated before the lr is reduced."),
        Hyperparam("threshold", 1e-4, help="How much better counts as an improvement."),
        Hyperparam("threshold_mode", "rel", kind="choice", choices=("rel", "abs"),
                   error="threshold mode {value} is unknown!",
                   help="rel: better than best·(1 ∓ threshold); abs: than best ∓ threshold."),
        Hyperparam("cooldown", 0, kind="int", help="Steps to wait after a reduction before counting again."),
        Hyperparam("min_lr", 0.0, help="The lr never goes below it."),
        Hyperparam("eps", 1e-8, help="A reduction smaller than eps is skipped."),
    )
    check_order = ("factor", "mode", "threshold_mode")     # torch's order

    def lrs(self, base_lr: Any, steps: int) -> Array:
        raise ValueError("ReduceLROnPlateau depends on each step's loss: the runner steps it")

    def start(self, base_lr: Array) -> PlateauState:
        """The state before the first update, for the runs' base lrs (N,)."""
        lr = np.array(base_lr, dtype=float).reshape(-1)
        worse = math.inf if self.mode == "min" else -math.inf
        zeros = np.zeros(lr.shape, dtype=int)
        return PlateauState(lr, np.full(lr.shape, worse), zeros, zeros)

    def _is_better(self, a: Array, best: Array) -> Array:
        threshold = self.threshold
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - threshold)
        if self.mode == "min":
            return a < best - threshold
        if self.threshold_mode == "rel":
            return a > best * (threshold + 1.0)
        return a > best + threshold

    def step(self, state: PlateauState, loss: Array) -> PlateauState:
        """torch's ``step(loss)`` for every run; returns the state whose lr the next update uses."""
        with np.errstate(all="ignore"):
            a = np.asarray(loss, dtype=float).reshape(-1)
            better = self._is_better(a, state.best)
            best = np.where(better, a, state.best)
            bad = np.where(better, 0, state.num_bad_epochs + 1)
            cooling = state.cooldown_counter > 0
            counter = np.where(cooling, state.cooldown_counter - 1, state.cooldown_counter)
            bad = np.where(cooling, 0, bad)
            reduce = bad > self.patience
            new_lr = np.maximum(state.lr * self.factor, self.min_lr)
            lr = np.where(reduce & (state.lr - new_lr > self.eps), new_lr, state.lr)
            counter = np.where(reduce, self.cooldown, counter)
            bad = np.where(reduce, 0, bad)
        return PlateauState(lr, best, bad, counter)
