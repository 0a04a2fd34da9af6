"""RMSprop: steps scaled by a running root-mean-square of the gradients."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class RMSpropState(NamedTuple):
    """step; square_avg v, grad_avg ḡ (used when centered), momentum_buffer b; each (N, 2)."""

    step: int
    square_avg: Array
    grad_avg: Array
    momentum_buffer: Array


class RMSprop(Optimizer):
    """torch.optim.RMSprop.

    g = ∇f (−∇f if maximize) + λθ;  v ← α·v + (1 − α)·g²
    centered: ḡ ← α·ḡ + (1 − α)·g,  d = √(v − ḡ²) + eps;  else d = √v + eps
    if μ > 0: b ← μ·b + g/d,  θ ← θ − lr·b;  else θ ← θ − lr·g/d       (no bias correction)
    """

    name = "RMSprop"
    summary = "Divides each step by a running root-mean-square of recent gradients."
    hyperparams = (
        Hyperparam("lr", 1e-2, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        Hyperparam("alpha", 0.99, low=0.0, help="Smoothing constant α of the squared-gradient average."),
        Hyperparam("eps", 1e-8, low=0.0, log=True, error="Invalid epsilon value",
                   help="Added to the root for numerical stability."),
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty λ added to the gradient as λθ."),
        Hyperparam("momentum", 0.0, low=0.0, help="Momentum factor μ on the scaled step; 0: none."),
        Hyperparam("centered", False, kind="bool",
                   help="Normalize by an estimate of the gradient's variance instead."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )
    check_order = ("lr", "eps", "momentum", "weight_decay", "alpha")

    def init(self, theta: Array) -> RMSpropState:
        zeros = np.zeros_like(c.as_theta(theta))
        return RMSpropState(0, zeros, zeros, zeros)

    def step(self, state: RMSpropState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, RMSpropState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        p = self.params         # read once: a dict look-up, not __getattr__, on every update
        alpha, eps, wd, mu = (c.col(p["alpha"]), c.col(p["eps"]), c.col(p["weight_decay"]),
                              c.col(p["momentum"]))
        lr = c.col(lr)
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, p["maximize"]), theta, wd)
            v = state.square_avg * alpha + ((1 - alpha) * g) * g
            if p["centered"]:
                g_avg = c.lerp(state.grad_avg, g, 1 - alpha)
                d = np.sqrt(v + (-g_avg) * g_avg) + eps
            else:
                g_avg, d = state.grad_avg, np.sqrt(v) + eps
            if isinstance(mu, np.ndarray):      # a sweep: both updates, chosen run by run
                buf = state.momentum_buffer * mu + g / d
                theta, buf = (np.where(mu > 0, theta + (-lr) * buf, theta + (-lr * g) / d),
                              np.where(mu > 0, buf, state.momentum_buffer))
            elif mu > 0:
                buf = state.momentum_buffer * mu + g / d
                theta = theta + (-lr) * buf
            else:                               # no momentum: only the plain update, buffer kept
                theta, buf = theta + (-lr * g) / d, state.momentum_buffer
            return theta, RMSpropState(state.step + 1, v, g_avg, buf)

    def explain(self, before: RMSpropState, after: RMSpropState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        effective_lr: lr/d with d = √v + eps, or √(v − ḡ²) + eps when centered. Without
        momentum the update is −effective_lr ⊙ g; with μ > 0 it is −lr·b, and momentum is the
        buffer b of scaled steps g/d (absent while μ = 0).
        """
        eps, v = c.col(self.eps), after.square_avg
        with np.errstate(all="ignore"):
            if self.centered:
                d = np.sqrt(v + (-after.grad_avg) * after.grad_avg) + eps
            else:
                d = np.sqrt(v) + eps
            out = {"effective_lr": c.col(lr) / d}
        if np.any(np.asarray(self.momentum) > 0):
            out["momentum"] = after.momentum_buffer
        return out
