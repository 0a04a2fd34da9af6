"""Adamax: Adam with the infinity norm in place of the root mean square."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .adam import BETAS, CHECK_ORDER, EPS, MAXIMIZE
from .base import Array, Hyperparam, Optimizer


class AdamaxState(NamedTuple):
    """step; exp_avg m and exp_inf u (the decayed max of |g|), each (N, 2)."""

    step: int
    exp_avg: Array
    exp_inf: Array


class Adamax(Optimizer):
    """torch.optim.Adamax.

    g = ∇f (−∇f if maximize) + λθ
    m ← β1·m + (1 − β1)·g;  u ← max(β2·u, |g| + eps);  θ ← θ − lr/(1 − β1ᵗ) · m/u
    """

    name = "Adamax"
    summary = "Adam with a decayed maximum of |g| in place of the root mean square."
    hyperparams = (
        Hyperparam("lr", 2e-3, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        BETAS, EPS,
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty λ added to the gradient as λθ."),
        MAXIMIZE,
    )
    check_order = CHECK_ORDER

    def init(self, theta: Array) -> AdamaxState:
        zeros = np.zeros_like(c.as_theta(theta))
        return AdamaxState(0, zeros, zeros)

    def step(self, state: AdamaxState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, AdamaxState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        eps, wd, lr, t = c.col(self.eps), c.col(self.weight_decay), c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, self.maximize), theta, wd)
            m = c.lerp(state.exp_avg, g, 1 - b1)
            u = np.maximum(state.exp_inf * b2, np.abs(g) + eps)
            clr = lr / (1 - c.power(b1, t))
            return theta + (-clr * m) / u, AdamaxState(t, m, u)

    def explain(self, before: AdamaxState, after: AdamaxState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        momentum: exp_avg m. effective_lr: lr/u; the update is −effective_lr ⊙ m/(1 − β1ᵗ)
        (torch's lr/((1 − β1ᵗ)·u) times m, with the bias correction kept on m as for Adam).
        """
        with np.errstate(all="ignore"):
            return {"momentum": after.exp_avg, "effective_lr": c.col(lr) / after.exp_inf}
