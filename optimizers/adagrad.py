"""Adagrad: per-coordinate steps scaled by the root of the summed squared gradients."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class AdagradState(NamedTuple):
    """step: updates done so far; sum s (N, 2) of squared gradients, from s₀."""

    step: int
    sum: Array


class Adagrad(Optimizer):
    """torch.optim.Adagrad.

    g = ∇f (−∇f if maximize) + λθ;  clr = lr / (1 + (t − 1)·lr_decay)
    s ← s + g²  (s starts at initial_accumulator_value);  θ ← θ − clr·g / (√s + eps)

    The textbook's AdaGrad adds 1e-7 instead of torch's eps = 1e-10.
    """

    name = "Adagrad"
    summary = "Divides each coordinate's step by the root of its summed squared gradients."
    hyperparams = (
        Hyperparam("lr", 1e-2, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate."),
        Hyperparam("lr_decay", 0.0, low=0.0, help="Step t uses lr / (1 + (t−1)·lr_decay)."),
        Hyperparam("weight_decay", 0.0, low=0.0, help="L2 penalty λ added to the gradient as λθ."),
        Hyperparam("initial_accumulator_value", 0.0, low=0.0,
                   help="Starting value of the sum of squared gradients."),
        Hyperparam("eps", 1e-10, low=0.0, log=True, error="Invalid epsilon value",
                   help="Added to √sum for numerical stability."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def init(self, theta: Array) -> AdagradState:
        theta = c.as_theta(theta)
        return AdagradState(0, np.zeros_like(theta) + c.col(self.initial_accumulator_value))

    def step(self, state: AdagradState, theta: Array, grad: Array, lr: Any,
             *, hessian: Any = None) -> tuple[Array, AdagradState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        decay, wd, eps = c.col(self.lr_decay), c.col(self.weight_decay), c.col(self.eps)
        lr, t = c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.l2(c.ascent(grad, self.maximize), theta, wd)
            clr = lr / (1 + (t - 1) * decay)
            s = state.sum + g * g
            return theta + (-clr * g) / (np.sqrt(s) + eps), AdagradState(t, s)

    def explain(self, before: AdagradState, after: AdagradState, lr: Any) -> dict[str, Array]:
        """What the step from ``before`` to ``after`` did, per coordinate.

        effective_lr: clr/(√s + eps) with clr = lr/(1 + (t − 1)·lr_decay); the update is
        −effective_lr ⊙ g. Adagrad keeps no momentum.
        """
        decay, eps, t = c.col(self.lr_decay), c.col(self.eps), after.step
        with np.errstate(all="ignore"):
            clr = c.col(lr) / (1 + (t - 1) * decay)
            return {"effective_lr": clr / (np.sqrt(after.sum) + eps)}
