"""Adadelta: steps sized by the ratio of running RMS of past updates to RMS of gradients."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class AdadeltaState(NamedTuple):
    """step; square_avg v (of g²) and acc_delta u (of Δ²), each (N, 2)."""

    step: int
    square_avg: Array
    acc_delta: Array


class Adadelta(Optimizer):
    """torch.optim.Adadelta.

    g = ∇f (−∇f if maximize) + λθ
    v ← ρ·v + (1 − ρ)·g²;  Δ = √(u + eps)/√(v + eps) · g;  u ← ρ·u + (1 − ρ)·Δ²;  θ ← θ − lr·Δ
    """

    name = "Adadelta"
    summary = "Scales each step by the RMS of past steps over the RMS of past gradients."
    hyperparams = (
        Hyperparam("lr", 1.0, low=0.0, log=True, error="Invalid learning rate",
                   help="Coefficient that scales Δ before it is applied."),
        Hyperparam("rho", 0.9, low=0.0, high=1.0, help="Decay rate ρ of both running averages."),
        Hyperparam("eps", 1e-6, low=0.0, log=True, error="Invalid epsilon value",
                   help="Added inside both roots for stability."),
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty λ added to the gradient as λθ."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def init(self, theta: Array) -> AdadeltaState:
        zeros = np.zeros_like(c.as_theta(theta))
        return AdadeltaState(0, zeros, zeros)

    def step(self, state: AdadeltaState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, AdadeltaState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        rho, eps, wd, lr = c.col(self.rho), c.col(self.eps), c.col(self.weight_decay), c.col(lr)
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, self.maximize), theta, wd)
            v = state.square_avg * rho + ((1 - rho) * g) * g
            delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * g
            u = state.acc_delta * rho + ((1 - rho) * delta) * delta
            return theta + (-lr) * delta, AdadeltaState(state.step + 1, v, u)

    def explain(self, before: AdadeltaState, after: AdadeltaState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        effective_lr: lr·√(u + eps)/√(v + eps), with u the update average *before* the step
        (the one the step used) and v the gradient average after it; the update is
        −effective_lr ⊙ g. Adadelta keeps no momentum.
        """
        eps = c.col(self.eps)
        with np.errstate(all="ignore"):
            ratio = np.sqrt(before.acc_delta + eps) / np.sqrt(after.square_avg + eps)
            return {"effective_lr": c.col(lr) * ratio}
