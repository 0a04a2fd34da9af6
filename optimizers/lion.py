"""Lion: the sign of an interpolated momentum, from lion-pytorch. Not part of torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class LionState(NamedTuple):
    """step; exp_avg m (N, 2): the running average of the gradient, updated *after* the step."""

    step: int
    exp_avg: Array


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum), as lion-pytorch 0.2.5 implements it (a reference, not torch.optim).

    Paper: Chen et al., "Symbolic Discovery of Optimization Algorithms" (2023), arXiv:2302.06675.
    Reference implementation: lion-pytorch (lucidrains), ``lion_pytorch.Lion``.

    λ' = λ / lr₀ if decoupled_weight_decay else λ      (lr₀: the lr given to the constructor)
    θ ← θ·(1 − lr·λ')
    θ ← θ − lr·sign(β1·m + (1 − β1)·g)
    m ← β2·m + (1 − β2)·g

    Two betas: β1 mixes the gradient into the update's direction, β2 (closer to 1) is the
    momentum's own decay. Every coordinate moves by exactly lr (times the decay factor), or not at
    all where the interpolation is 0. No ``maximize``: the package has none.

    Validation: lion-pytorch checks with bare ``assert``s (``lr > 0``, ``0 <= beta <= 1``); our
    bounds are the same, and the ValueError names the assertion. ``use_triton`` (a CUDA kernel of the same rule)
    is left out.
    """

    name = "Lion"
    summary = ("Sign of interpolated momentum, Chen et al. 2023 "
               "(lion-pytorch; a reference, not torch.optim).")
    reference = True          # not one of torch.optim's optimizers
    hyperparams = (
        Hyperparam("lr", 1e-4, low=0.0, low_open=True, log=True,
                   error="Invalid learning rate (lion-pytorch asserts lr > 0)",
                   help="Learning rate: every coordinate moves by ±lr (lion-pytorch default 1e-4)."),
        Hyperparam("betas", (0.9, 0.99), kind="pair", low=0.0, high=1.0,
                   error="Invalid beta parameter at index {index} (lion-pytorch asserts 0 <= beta <= 1)",
                   help="(β1, β2): β1 mixes g into the update's sign, β2 decays the momentum."),
        Hyperparam("weight_decay", 0.0, help="Weight decay λ: θ ← θ·(1 − lr·λ) before the step."),
        Hyperparam("decoupled_weight_decay", False, kind="bool",
                   help="Divide λ by the initial lr (decay independent of lr's scale)."),
    )

    def init(self, theta: Array) -> LionState:
        return LionState(0, np.zeros_like(c.as_theta(theta)))

    def step(self, state: LionState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, LionState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        wd, lr = c.col(self.weight_decay), c.col(lr)
        with np.errstate(all="ignore"):
            if self.decoupled_weight_decay:
                wd = wd / c.col(self.lr)
            theta = theta * (1.0 - lr * wd)
            direction = np.sign(state.exp_avg * b1 + (1.0 - b1) * grad)
            m = state.exp_avg * b2 + (1.0 - b2) * grad
            return theta + (-lr) * direction, LionState(state.step + 1, m)

    def explain(self, before: LionState, after: LionState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr on both coordinates; momentum: exp_avg m after the step.

        The update is −lr·sign(β1·m_before + (1 − β1)·g), plus −lr·λ'·θ with weight decay.
        """
        return {"effective_lr": np.zeros_like(after.exp_avg) + c.col(lr), "momentum": after.exp_avg}
