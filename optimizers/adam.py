"""Adam: bias-corrected running averages of the gradient and of its square."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class AdamState(NamedTuple):
    """step; exp_avg m, exp_avg_sq v, max_exp_avg_sq v̄ (kept for amsgrad); each (N, 2)."""

    step: int
    exp_avg: Array
    exp_avg_sq: Array
    max_exp_avg_sq: Array


LR = Hyperparam("lr", 1e-3, low=0.0, log=True, error="Invalid learning rate", help="Learning rate.")
BETAS = Hyperparam("betas", (0.9, 0.999), kind="pair", low=0.0, high=1.0, high_open=True,
                   error="Invalid beta parameter at index {index}",
                   help="Decay rates (β1, β2) of the gradient and squared-gradient averages.")
EPS = Hyperparam("eps", 1e-8, low=0.0, log=True, error="Invalid epsilon value",
                 help="Added to the denominator for stability.")
AMSGRAD = Hyperparam("amsgrad", False, kind="bool",
                     help="Normalize by the largest v seen so far (AMSGrad).")
MAXIMIZE = Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend.")
CHECK_ORDER = ("lr", "eps", "betas")   # torch's Adam family checks eps before betas


class Adam(Optimizer):
    """torch.optim.Adam.

    g = ∇f (−∇f if maximize);  λ ≠ 0: θ ← θ·(1 − lr·λ) if decoupled, else g ← g + λθ
    m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  v̄ = max(v̄, v) if amsgrad else v
    θ ← θ − lr/(1 − β1ᵗ) · m / (√v̄ / √(1 − β2ᵗ) + eps)

    The textbook's Adam folds the bias correction into the step size and adds 1e-7 to √v, so
    it differs from torch's slightly (about 1e-5 on the classic figure).
    """

    name = "Adam"
    summary = "Momentum on the gradient, divided by the root of a running mean of its square."
    hyperparams = (
        LR, BETAS, EPS,
        Hyperparam("weight_decay", 0.0, low=0.0, help="Weight decay λ (L2 unless decoupled)."),
        AMSGRAD, MAXIMIZE,
        Hyperparam("decoupled_weight_decay", False, kind="bool",
                   help="Shrink θ by lr·λ directly (AdamW) instead of adding λθ to g."),
    )
    check_order = CHECK_ORDER

    def _decoupled(self) -> bool:
        return self.decoupled_weight_decay

    def init(self, theta: Array) -> AdamState:
        zeros = np.zeros_like(c.as_theta(theta))
        return AdamState(0, zeros, zeros, zeros)

    def step(self, state: AdamState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, AdamState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        p = self.params         # read once: a dict look-up, not __getattr__, on every update
        (b1, b2), amsgrad = map(c.col, p["betas"]), p["amsgrad"]
        eps, wd, lr, t = c.col(p["eps"]), c.col(p["weight_decay"]), c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, p["maximize"])
            if self._decoupled():
                theta = c.decoupled(theta, lr, wd)
            else:
                g = c.l2(g, theta, wd)
            m = c.lerp(state.exp_avg, g, 1 - b1)
            v = state.exp_avg_sq * b2 + ((1 - b2) * g) * g
            step_size = lr / (1 - c.power(b1, t))
            bc2_sqrt = (1 - c.power(b2, t)) ** 0.5
            v_max = np.maximum(state.max_exp_avg_sq, v) if amsgrad else state.max_exp_avg_sq
            denom = np.sqrt(v_max if amsgrad else v) / bc2_sqrt + eps
            return theta + (-step_size * m) / denom, AdamState(t, m, v, v_max)

    def explain(self, before: AdamState, after: AdamState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        momentum: exp_avg m. effective_lr: lr/(√v̂ + eps) with √v̂ = √v/√(1 − β2ᵗ) as torch
        computes it (√v̄ for amsgrad); the update is −effective_lr ⊙ m/(1 − β1ᵗ), plus −lr·λ·θ
        with decoupled weight decay.
        """
        b2, eps, t = c.col(self.betas[1]), c.col(self.eps), after.step
        v = after.max_exp_avg_sq if self.amsgrad else after.exp_avg_sq
        with np.errstate(all="ignore"):
            denom = np.sqrt(v) / (1 - c.power(b2, t)) ** 0.5 + eps
            return {"momentum": after.exp_avg, "effective_lr": c.col(lr) / denom}


class AdamW(Adam):
    """torch.optim.AdamW: Adam with decoupled weight decay, λ = 1e-2 by default.

    θ ← θ·(1 − lr·λ), then Adam's update with g = ∇f (see Adam).
    """

    name = "AdamW"
    summary = "Adam with weight decay applied to θ directly, not through the gradient."
    hyperparams = (
        LR, BETAS, EPS,
        Hyperparam("weight_decay", 1e-2, low=0.0, help="Decoupled weight decay λ: θ ← θ·(1 − lr·λ)."),
        AMSGRAD, MAXIMIZE,
    )

    def _decoupled(self) -> bool:
        return True
