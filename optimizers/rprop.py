"""Rprop: resilient backpropagation, a per-coordinate step size grown or shrunk by sign changes."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class RpropState(NamedTuple):
    """step; prev: the gradient the last update used (0 where its sign had flipped);
    step_size: the per-coordinate step sizes, lr on the first update. Each (N, 2)."""

    step: int
    prev: Array
    step_size: Array


class Rprop(Optimizer):
    """torch.optim.Rprop.

    g = ∇f (−∇f if maximize);  s = sign(g·prev)
    step_size ← clamp(step_size · (η+ if s > 0, η− if s < 0, 1 if s = 0), min, max)
    where s < 0: g ← 0 (no move, and the next update sees prev = 0)
    θ ← θ − sign(g) ⊙ step_size;  prev ← g

    ``lr`` is only the initial step size (torch reads it once, on the first update); a
    scheduler's later learning rates change nothing, in torch as here. Only the sign of the
    gradient moves θ: each coordinate moves by its own step size.
    """

    name = "Rprop"
    summary = "Moves each coordinate by its own step size, grown while the gradient's sign holds."
    hyperparams = (
        Hyperparam("lr", 1e-2, low=0.0, log=True, error="Invalid learning rate",
                   help="Initial step size of every coordinate (read on the first update only)."),
        Hyperparam("etas", (0.5, 1.2), kind="pair",
                   help="(η−, η+): step size factors after a sign flip / a kept sign; 0 < η− < 1 < η+."),
        Hyperparam("step_sizes", (1e-6, 50.0), kind="pair", log=True,
                   help="(min, max) bounds of every step size."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def validate(self, **p: Any) -> None:
        """torch's 0 < η− < 1 < η+ (a condition across the pair: no bound states it)."""
        lo, hi = (np.asarray(e, dtype=float) for e in p["etas"])
        bad = ~((lo > 0) & (lo < 1) & (hi > 1))
        if np.any(bad):
            i = np.flatnonzero(np.broadcast_to(bad, np.broadcast_shapes(lo.shape, hi.shape)).ravel())[0]
            first = [float(np.broadcast_to(e, bad.shape).ravel()[i]) for e in (lo, hi)]
            raise ValueError(f"Invalid eta values: {first[0]}, {first[1]}")

    def init(self, theta: Array) -> RpropState:
        zeros = np.zeros_like(c.as_theta(theta))
        return RpropState(0, zeros, zeros)

    def step(self, state: RpropState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, RpropState]:
        """One update; returns the new θ and state. ``lr`` (float or (N, 1)) is read on the
        first update only."""
        eta_minus, eta_plus = (c.col(e) for e in self.etas)
        size_min, size_max = (c.col(s) for s in self.step_sizes)
        t = state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, self.maximize)
            size = np.zeros_like(theta) + c.col(lr) if t == 1 else state.step_size
            sign = np.sign(g * state.prev)
            factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus,
                                                           np.where(sign == 0, 1.0, sign)))
            size = np.clip(size * factor, size_min, size_max)
            g = np.where(factor == eta_minus, 0.0, g)
            return theta - np.sign(g) * size, RpropState(t, g, size)

    def explain(self, before: RpropState, after: RpropState, lr: Any) -> dict[str, Array]:
        """effective_lr: the per-coordinate step sizes after the update; the update is
        −effective_lr ⊙ sign(prev) (0 on a coordinate whose gradient's sign flipped).
        Rprop keeps no momentum."""
        return {"effective_lr": after.step_size}
