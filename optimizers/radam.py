"""RAdam: Adam whose adaptive step is switched on and rectified as the variance estimate firms up."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .adam import BETAS, CHECK_ORDER, EPS, MAXIMIZE
from .base import Array, Hyperparam, Optimizer


class RAdamState(NamedTuple):
    """step; exp_avg m and exp_avg_sq v, each (N, 2)."""

    step: int
    exp_avg: Array
    exp_avg_sq: Array


class RAdam(Optimizer):
    """torch.optim.RAdam.

    g = ∇f (−∇f if maximize);  λ ≠ 0: θ ← θ·(1 − lr·λ) if decoupled, else g ← g + λθ
    m, v as in Adam;  m̂ = m/(1 − β1ᵗ);  ρ∞ = 2/(1 − β2) − 1;  ρₜ = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
    ρₜ > 5:  r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ));  θ ← θ − lr·m̂·r·√(1 − β2ᵗ)/(√v + eps)
    else:    θ ← θ − lr·m̂    (plain momentum while the variance estimate is unreliable)
    """

    name = "RAdam"
    summary = "Adam with a rectified adaptive step: plain momentum for the first few steps."
    hyperparams = (
        Hyperparam("lr", 1e-3, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        BETAS, EPS,
        Hyperparam("weight_decay", 0.0, low=0.0, help="Weight decay λ (L2 unless decoupled)."),
        Hyperparam("decoupled_weight_decay", False, kind="bool",
                   help="Shrink θ by lr·λ directly (as AdamW) instead of adding λθ to g."),
        MAXIMIZE,
    )
    check_order = CHECK_ORDER

    def init(self, theta: Array) -> RAdamState:
        zeros = np.zeros_like(c.as_theta(theta))
        return RAdamState(0, zeros, zeros)

    def step(self, state: RAdamState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, RAdamState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        eps, wd, lr, t = c.col(self.eps), c.col(self.weight_decay), c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, self.maximize)
            if self.decoupled_weight_decay:
                theta = c.decoupled(theta, lr, wd)
            else:
                g = c.l2(g, theta, wd)
            m = c.lerp(state.exp_avg, g, 1 - b1)
            v = state.exp_avg_sq * b2 + ((1 - b2) * g) * g
            bc1, b2t = 1 - c.power(b1, t), c.power(b2, t)
            bc2 = 1 - b2t
            m_hat = m / bc1
            rho_inf = 2 / (1 - b2) - 1
            rho_t = rho_inf - 2 * t * b2t / bc2
            rect = np.power((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.5)
            adaptive = bc2 ** 0.5 / (np.sqrt(v) + eps)
            rectified = m_hat * lr * adaptive * rect
            update = np.where(rho_t > 5.0, rectified, m_hat * lr)
            return theta - update, RAdamState(t, m, v)

    def explain(self, before: RAdamState, after: RAdamState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        momentum: exp_avg m. effective_lr: lr·r·√(1 − β2ᵗ)/(√v + eps) where ρₜ > 5 (adaptive),
        else lr on both coordinates; the update is −effective_lr ⊙ m/(1 − β1ᵗ), plus −lr·λ·θ
        with decoupled weight decay.
        """
        b2, eps, lr, t = c.col(self.betas[1]), c.col(self.eps), c.col(lr), after.step
        with np.errstate(all="ignore"):
            b2t = c.power(b2, t)
            rho_inf = 2 / (1 - b2) - 1
            rho_t = rho_inf - 2 * t * b2t / (1 - b2t)
            rect = np.power((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.5)
            adaptive = lr * rect * (1 - b2t) ** 0.5 / (np.sqrt(after.exp_avg_sq) + eps)
            plain = np.zeros_like(after.exp_avg) + lr
            return {"momentum": after.exp_avg, "effective_lr": np.where(rho_t > 5.0, adaptive, plain)}
