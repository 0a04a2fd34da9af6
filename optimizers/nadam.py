"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .adam import BETAS, CHECK_ORDER, EPS, MAXIMIZE
from .base import Array, Hyperparam, Optimizer


class NAdamState(NamedTuple):
    """step; mu_product P = μ₁···μₜ (a float, or (N, 1) for sweeps); exp_avg m, exp_avg_sq v."""

    step: int
    mu_product: Any
    exp_avg: Array
    exp_avg_sq: Array


class NAdam(Optimizer):
    """torch.optim.NAdam.

    g = ∇f (−∇f if maximize);  λ ≠ 0: θ ← θ·(1 − lr·λ) if decoupled, else g ← g + λθ
    μₜ = β1·(1 − ½·0.96^(t·ψ));  Pₜ = Pₜ₋₁·μₜ (P₀ = 1);  m, v as in Adam
    d = √(v / (1 − β2ᵗ)) + eps
    θ ← θ − lr·(1 − μₜ)/(1 − Pₜ) · g/d − lr·μₜ₊₁/(1 − Pₜ·μₜ₊₁) · m/d

    torch keeps P in the default dtype: float32 unless torch.set_default_dtype(torch.float64);
    we keep it in float64 (the golden data was made with float64 as the default).
    """

    name = "NAdam"
    summary = "Adam with Nesterov momentum: the step looks ahead along the averaged gradient."
    hyperparams = (
        Hyperparam("lr", 2e-3, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        BETAS, EPS,
        Hyperparam("weight_decay", 0.0, low=0.0, help="Weight decay λ (L2 unless decoupled)."),
        Hyperparam("momentum_decay", 4e-3, low=0.0, log=True,
                   help="ψ: how fast the momentum factor μₜ warms up to β1."),
        Hyperparam("decoupled_weight_decay", False, kind="bool",
                   help="Shrink θ by lr·λ directly (as AdamW) instead of adding λθ to g."),
        MAXIMIZE,
    )
    check_order = CHECK_ORDER

    def init(self, theta: Array) -> NAdamState:
        zeros = np.zeros_like(c.as_theta(theta))
        return NAdamState(0, 1.0, zeros, zeros)

    def step(self, state: NAdamState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, NAdamState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        eps, wd, psi = c.col(self.eps), c.col(self.weight_decay), c.col(self.momentum_decay)
        lr, t = c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, self.maximize)
            if self.decoupled_weight_decay:
                theta = c.decoupled(theta, lr, wd)
            else:
                g = c.l2(g, theta, wd)
            bc2 = 1 - c.power(b2, t)
            mu = b1 * (1.0 - 0.5 * c.power(0.96, t * psi))
            mu_next = b1 * (1.0 - 0.5 * c.power(0.96, (t + 1) * psi))
            mu_product = state.mu_product * mu
            m = c.lerp(state.exp_avg, g, 1 - b1)
            v = state.exp_avg_sq * b2 + ((1 - b2) * g) * g
            d = np.sqrt(v / bc2) + eps
            theta = theta + ((-lr * (1.0 - mu) / (1.0 - mu_product)) * g) / d
            theta = theta + (((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m) / d
            return theta, NAdamState(t, mu_product, m, v)

    def explain(self, before: NAdamState, after: NAdamState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        momentum: exp_avg m. effective_lr: lr/d with d = √(v/(1 − β2ᵗ)) + eps; the update is
        −effective_lr ⊙ ((1 − μₜ)/(1 − Pₜ)·g + μₜ₊₁/(1 − Pₜ·μₜ₊₁)·m), plus −lr·λ·θ with
        decoupled weight decay.
        """
        b2, eps, t = c.col(self.betas[1]), c.col(self.eps), after.step
        with np.errstate(all="ignore"):
            d = np.sqrt(after.exp_avg_sq / (1 - c.power(b2, t))) + eps
            return {"momentum": after.exp_avg, "effective_lr": c.col(lr) / d}
