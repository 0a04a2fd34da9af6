"""ASGD: averaged stochastic gradient descent (Polyak–Juditsky averaging)."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class ASGDState(NamedTuple):
    """step; eta η and mu μ for the next update (floats, or (N, 1) in a sweep; set on the first
    update); ax (N, 2): the running average of θ, extra data (the trajectory is θ itself)."""

    step: int
    eta: Any
    mu: Any
    ax: Array


class ASGD(Optimizer):
    """torch.optim.ASGD.

    g = ∇f (−∇f if maximize) + λ_wd·θ;  η = lr on the first update
    θ ← θ·(1 − λ·η) − η·g
    ax ← ax + μ·(θ − ax)  (ax ← θ while μ = 1)
    then, for the next update:  η ← lr/(1 + λ·lr·t)^α,  μ ← 1/max(1, t − t0)

    The path drawn is θ, as torch's parameter is; the average ``ax`` (torch's state['ax']) is
    kept in the state. With the default t0 = 1e6, μ stays 1 and ax is just θ. The next η is
    computed from this update's lr, so a scheduler acts one update late, as in torch.
    """

    name = "ASGD"
    summary = "Gradient descent with a decaying step size and a running average of the iterates."
    hyperparams = (
        Hyperparam("lr", 1e-2, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        Hyperparam("lambd", 1e-4, help="Decay term λ: θ shrinks by λ·η and η decays with λ·lr·t."),
        Hyperparam("alpha", 0.75, help="Power α of the step size decay η = lr/(1 + λ·lr·t)^α."),
        Hyperparam("t0", 1e6, help="Update after which averaging starts (μ = 1/(t − t0))."),
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty added to the gradient as λθ."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def init(self, theta: Array) -> ASGDState:
        return ASGDState(0, 0.0, 1.0, np.zeros_like(c.as_theta(theta)))

    def step(self, state: ASGDState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, ASGDState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        lambd, alpha, t0, wd = (c.col(self.lambd), c.col(self.alpha), c.col(self.t0),
                                c.col(self.weight_decay))
        lr, t = c.col(lr), state.step + 1
        eta, mu = (lr, 1.0) if t == 1 else (state.eta, state.mu)
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, self.maximize), theta, wd)
            theta = theta * (1 - lambd * eta)
            theta = theta + (-eta) * g
            averaged = state.ax + (theta - state.ax) * mu
            ax = np.where(mu != 1, averaged, theta) if isinstance(mu, np.ndarray) else (
                averaged if mu != 1 else theta)
            next_eta = lr / c.power(1 + lambd * lr * float(t), alpha)
            gap = float(t) - t0
            next_mu = 1 / (np.maximum(1, gap) if isinstance(gap, np.ndarray) else max(1, gap))
            return theta, ASGDState(t, next_eta, next_mu, ax)

    def extras(self, state: ASGDState) -> dict[str, Array]:
        """The running average of the points ``ax`` (torch's state; what ASGD averages)."""
        return {"averaged point ax": state.ax[:, None, :]}

    def explain(self, before: ASGDState, after: ASGDState, lr: Any) -> dict[str, Array]:
        """effective_lr: the η this update used (lr on the first one), on both coordinates; the
        update is −effective_lr ⊙ g − λ·η·θ. ASGD keeps no momentum (ax is an average of θ)."""
        eta = c.col(lr) if before.step == 0 else before.eta
        return {"effective_lr": np.zeros_like(after.ax) + eta}
