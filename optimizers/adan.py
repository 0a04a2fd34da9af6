"""Adan: Adam-style steps with a Nesterov momentum on gradient differences. Not torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from . import _pytorch_optimizer as po
from .base import Array, Hyperparam, Optimizer


class AdanState(NamedTuple):
    """step; exp_avg m, exp_avg_diff n, exp_avg_sq v, previous_grad (−g of the last update,
    as the package stores it); each (N, 2)."""

    step: int
    exp_avg: Array
    exp_avg_diff: Array
    exp_avg_sq: Array
    previous_grad: Array


class Adan(Optimizer):
    """Adan, as pytorch-optimizer 4.1.0 implements it (a reference, not torch.optim).

    Paper: Xie et al., "Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep
    Models" (2022), arXiv:2208.06677. Reference implementation: ``pytorch_optimizer.Adan``.

    g = (−∇f if maximize else ∇f)·clip;  Δ = g − g_prev
    (the first g_prev is clip·∇f: Δ = 0 on the first step, but 2g with maximize, as the package has it)
    m ← lerp(m, g, 1 − β1);  n ← lerp(n, Δ, 1 − β2);  u = g + β2·Δ;  v ← β3·v + (1 − β3)·u²
    d = √v / √(1 − β3ᵗ) + eps
    decoupled: θ ← θ·(1 − lr·λ)
    θ ← θ − lr/(1 − β1ᵗ) · m/d − lr·β2/(1 − β2ᵗ) · n/d
    not decoupled: θ ← θ/(1 + lr·λ)      (a proximal step, not an L2 term in the gradient)

    clip = min(max_grad_norm/(‖g‖ + eps), 1) when max_grad_norm > 0, else 1. The package computes
    this factor in float32 (its global gradient norm is a float32 tensor), and so do we.
    Three betas, as the package has them. ``foreach`` (the same rule on tensor lists, the
    package's default on CPU) and the extra ``**kwargs`` options (use_gc, adanorm) are left out.
    """

    name = "Adan"
    summary = ("Adam with Nesterov momentum on gradient differences, Xie et al. 2022 "
               "(pytorch-optimizer; a reference, not torch.optim).")
    reference = True          # not one of torch.optim's optimizers
    hyperparams = (
        po.lr(1e-3, "Learning rate."),
        # β1, β2 ∈ [0, 1) but β3 ∈ [0, 1]: one Hyperparam states one range, so validate checks
        Hyperparam("betas", (0.98, 0.92, 0.99), kind="triple",
                   range_text="β1, β2 ∈ [0, 1), β3 ∈ [0, 1]",
                   help="(β1, β2, β3): decay of the gradient, gradient-difference and squared averages."),
        po.non_negative("weight_decay", 0.0,
                        "λ: θ·(1 − lr·λ) if decoupled, else θ/(1 + lr·λ) after the step."),
        Hyperparam("weight_decouple", False, kind="bool",
                   help="Shrink θ before the step (AdamW-style) instead of dividing after it."),
        po.non_negative("max_grad_norm", 0.0, "Clip the gradient to this norm (0: no clipping)."),
        po.non_negative("eps", 1e-8, "Added to the denominator.", log=True),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def validate(self, **p: Any) -> None:
        """The package's ranges for the three betas: [0, 1), [0, 1), [0, 1]."""
        po.check_betas(p["betas"], ("[)", "[)", "[]"))

    def init(self, theta: Array) -> AdanState:
        zeros = np.zeros_like(c.as_theta(theta))
        return AdanState(0, zeros, zeros, zeros, zeros)

    def _clip(self, grad: Array) -> Any:
        """The package's clip factor, in float32: min(max_grad_norm/(‖g‖ + eps), 1)."""
        max_norm, eps = c.col(self.max_grad_norm), c.col(self.eps)
        if not np.any(np.asarray(max_norm) != 0):
            return 1.0
        norm = np.float32(np.sqrt(np.sum(grad * grad, axis=1, keepdims=True)))
        total = np.sqrt(norm * norm) + np.asarray(eps, dtype=np.float32)
        factor = np.minimum((np.float32(1) / total) * np.asarray(max_norm, dtype=np.float32),
                            np.float32(1))
        return np.where(max_norm != 0, factor.astype(float), 1.0)

    def step(self, state: AdanState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, AdanState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2, b3 = (c.col(b) for b in self.betas)
        eps, wd, lr, t = c.col(self.eps), c.col(self.weight_decay), c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            clip = self._clip(grad)
            g = c.ascent(grad, self.maximize) * clip
            # the package's first previous_grad is −clip·∇f, taken before maximize's negation
            prev = grad * -clip if t == 1 else state.previous_grad
            diff = prev + g
            m = c.lerp(state.exp_avg, g, 1.0 - b1)
            n = c.lerp(state.exp_avg_diff, diff, 1.0 - b2)
            u = diff * b2 + g
            v = state.exp_avg_sq * b3 + ((1.0 - b3) * u) * u
            denom = np.sqrt(v) / np.sqrt(1.0 - c.power(b3, t)) + eps
            step_size = lr / (1.0 - c.power(b1, t))
            diff_step_size = lr * b2 / (1.0 - c.power(b2, t))
            if self.weight_decouple:
                theta = c.decoupled(theta, lr, wd)
            theta = theta + (-step_size) * (m / denom)
            theta = theta + (-diff_step_size) * (n / denom)
            if not self.weight_decouple:
                theta = np.where(wd != 0, theta / (1.0 + lr * wd), theta)
            return theta, AdanState(t, m, n, v, -g)

    def explain(self, before: AdanState, after: AdanState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr/d with d = √v/√(1 − β3ᵗ) + eps; momentum: exp_avg m.

        Without weight decay the update is −effective_lr ⊙ (m/(1 − β1ᵗ) + β2·n/(1 − β2ᵗ)).
        """
        b3, eps, t = c.col(self.betas[2]), c.col(self.eps), after.step
        with np.errstate(all="ignore"):
            denom = np.sqrt(after.exp_avg_sq) / np.sqrt(1.0 - c.power(b3, t)) + eps
            return {"effective_lr": c.col(lr) / denom, "momentum": after.exp_avg}
