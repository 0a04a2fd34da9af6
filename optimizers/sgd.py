"""Stochastic gradient descent, with torch's momentum, dampening and Nesterov variants."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class SGDState(NamedTuple):
    """step: updates done so far; momentum_buffer b (N, 2), unused while momentum is 0."""

    step: int
    momentum_buffer: Array


class SGD(Optimizer):
    """torch.optim.SGD.

    g = ∇f (−∇f if maximize) + λθ
    if μ ≠ 0:  b = g on the first step, else μ·b + (1 − τ)·g;  g = g + μ·b if nesterov else b
    θ ← θ − lr·g

    torch's ``nesterov=True`` is Sutskever's form (look-ahead folded into g + μ·b); it is not the
    textbook's Nesterov class, which applies μ² to the updated velocity.
    """

    name = "SGD"
    summary = "Gradient descent, optionally with (Nesterov) momentum."
    hyperparams = (
        Hyperparam("lr", 1e-3, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate (torch 2.x default 1e-3)."),
        Hyperparam("momentum", 0.0, low=0.0, help="Momentum factor μ; 0 turns momentum off."),
        Hyperparam("dampening", 0.0, help="Dampening τ: the new gradient enters the buffer as (1−τ)·g."),
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty λ added to the gradient as λθ."),
        Hyperparam("nesterov", False, kind="bool", help="Nesterov momentum (needs μ > 0 and τ = 0)."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def validate(self, **p: Any) -> None:
        """torch's one check beyond the bounds: Nesterov needs μ > 0 and τ = 0 (every run)."""
        if p["nesterov"] and (np.any(np.asarray(p["momentum"]) <= 0)
                              or np.any(np.asarray(p["dampening"]) != 0)):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def init(self, theta: Array) -> SGDState:
        return SGDState(0, np.zeros_like(c.as_theta(theta)))

    def step(self, state: SGDState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, SGDState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        p = self.params         # read once: a dict look-up, not __getattr__, on every update
        mu, tau, wd = c.col(p["momentum"]), c.col(p["dampening"]), c.col(p["weight_decay"])
        lr, t = c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, p["maximize"]), theta, wd)
            buf = g if t == 1 else state.momentum_buffer * mu + (1 - tau) * g
            d = g + mu * buf if p["nesterov"] else buf
            d = np.where(mu != 0, d, g) if isinstance(mu, np.ndarray) else (d if mu != 0 else g)
            return theta + (-lr) * d, SGDState(t, buf)

    def explain(self, before: SGDState, after: SGDState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        effective_lr: lr on both coordinates. momentum: the buffer b (absent while μ = 0).
        Without weight decay and Nesterov the update is −lr·b (μ ≠ 0), else −lr·g.
        """
        out = {"effective_lr": np.zeros_like(after.momentum_buffer) + c.col(lr)}
        if np.any(np.asarray(self.momentum) != 0):
            out["momentum"] = after.momentum_buffer
        return out
