"""AdaBelief: Adam that divides by the spread of the gradient around its mean. Not torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from . import _pytorch_optimizer as po
from .base import Array, Hyperparam, Optimizer


class AdaBeliefState(NamedTuple):
    """step; exp_avg m, exp_avg_var s, max_exp_avg_var s̄ (kept for ams_bound); each (N, 2)."""

    step: int
    exp_avg: Array
    exp_avg_var: Array
    max_exp_avg_var: Array


class AdaBelief(Optimizer):
    """AdaBelief, as pytorch-optimizer 4.1.0 implements it (a reference, not torch.optim).

    Paper: Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
    Gradients" (NeurIPS 2020), arXiv:2010.07468. Reference implementation:
    ``pytorch_optimizer.AdaBelief``.

    g = ∇f (−∇f if maximize);  λ ≠ 0: θ ← θ·(1 − λ·(1 if fixed_decay else lr)) if weight_decouple,
    else g ← g + λθ (λ > 0 only)
    m ← lerp(m, g, 1 − β1);  s ← β2·s + (1 − β2)·(g − m)² + eps;  s̄ = max(s̄, s) if ams_bound
    not rectify:  θ ← θ − lr/(1 − β1ᵗ) · m/(√s̄ /√(1 − β2ᵗ) + eps)
    rectify (RAdam's ρₜ = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ), ρ∞ = 2/(1 − β2) − 1):
      ρₜ ≥ n_sma_threshold:  θ ← θ − lr·r/(1 − β1ᵗ) · m/(√s̄ + eps),
                             r = √((1 − β2ᵗ)(ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)ρₜ(ρ∞ − 2)))
      else:  θ ← θ − lr/(1 − β1ᵗ)·m if degenerated_to_sgd, else no step

    eps enters twice (inside s and outside the root), and the default is 1e-16. Weight decay
    is decoupled by default. ``foreach`` (the same rule on tensor lists) and the extra
    ``**kwargs`` options (adanorm, adam_debias) are left out.
    """

    name = "AdaBelief"
    summary = ("Adam dividing by the gradient's deviation from its mean, Zhuang et al. 2020 "
               "(pytorch-optimizer; a reference, not torch.optim).")
    reference = True          # not one of torch.optim's optimizers
    hyperparams = (
        po.lr(1e-3, "Learning rate."),
        po.betas((0.9, 0.999), "(β1, β2): decay of the gradient average and of the squared deviation."),
        po.non_negative("weight_decay", 0.0, "Weight decay λ."),
        Hyperparam("weight_decouple", True, kind="bool",
                   help="Shrink θ by lr·λ directly (AdamW-style) instead of adding λθ to g."),
        Hyperparam("fixed_decay", False, kind="bool",
                   help="Decoupled decay θ·(1 − λ), not scaled by lr."),
        Hyperparam("rectify", False, kind="bool", help="RAdam's rectified step (RAdaBelief)."),
        Hyperparam("n_sma_threshold", 5, kind="int",
                   help="Rectify: adaptive steps once ρₜ reaches this threshold."),
        Hyperparam("degenerated_to_sgd", True, kind="bool",
                   help="Rectify: momentum SGD steps before the threshold (else no step)."),
        Hyperparam("ams_bound", False, kind="bool", help="Divide by the largest s seen so far."),
        po.non_negative("eps", 1e-16, "Added to s and to the denominator.", log=True),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def init(self, theta: Array) -> AdaBeliefState:
        zeros = np.zeros_like(c.as_theta(theta))
        return AdaBeliefState(0, zeros, zeros, zeros)

    def _step_size(self, lr: Any, t: int) -> tuple[Any, Any]:
        """(step size, ρₜ): the package's get_rectify_step_size, then ÷ (1 − β1ᵗ)."""
        b1, b2 = (c.col(b) for b in self.betas)
        step_size, n_sma = lr, 0.0
        if self.rectify:
            n_sma_max = 2.0 / (1.0 - b2) - 1.0
            b2_t = c.power(b2, t)
            n_sma = n_sma_max - 2 * t * b2_t / (1.0 - b2_t)
            # NaN where the package's math.sqrt would fail (a threshold below 4); used only at ρₜ ≥ it
            rt = np.sqrt((1.0 - b2_t) * (n_sma - 4) / (n_sma_max - 4) * (n_sma - 2) / n_sma
                         * n_sma_max / (n_sma_max - 2))
            fallback = 1.0 if self.degenerated_to_sgd else -1.0
            step_size = step_size * np.where(n_sma >= self.n_sma_threshold, rt, fallback)
        return step_size / (1.0 - c.power(b1, t)), n_sma

    def step(self, state: AdaBeliefState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, AdaBeliefState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        eps, wd, lr, t = c.col(self.eps), c.col(self.weight_decay), c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, self.maximize)
            if self.weight_decouple:
                theta = c.decoupled(theta, 1.0 if self.fixed_decay else lr, wd)
            else:
                g = np.where(wd > 0, g + wd * theta, g) if isinstance(wd, np.ndarray) else (
                    g + wd * theta if wd > 0 else g)
            step_size, n_sma = self._step_size(lr, t)
            m = c.lerp(state.exp_avg, g, 1.0 - b1)
            residual = g - m
            s = state.exp_avg_var * b2 + ((1.0 - b2) * residual) * residual + eps
            s_max = np.maximum(state.max_exp_avg_var, s) if self.ams_bound else state.max_exp_avg_var
            root = np.sqrt(s_max if self.ams_bound else s)
            new = AdaBeliefState(t, m, s, s_max)
            if not self.rectify:
                denom = root / np.sqrt(1.0 - c.power(b2, t)) + eps
                return theta + (-step_size) * (m / denom), new
            adaptive = theta + (-step_size) * (m / (root + eps))
            sgd = np.where(step_size > 0, theta + (-step_size) * m, theta)
            return np.where(n_sma >= self.n_sma_threshold, adaptive, sgd), new

    def explain(self, before: AdaBeliefState, after: AdaBeliefState, lr: Any) -> dict[str, Array]:
        """effective_lr: the factor on m̂ = m/(1 − β1ᵗ): lr/(√s/√(1 − β2ᵗ) + eps), or with rectify
        lr·r/(√s + eps) (lr·1 in the SGD phase); momentum: exp_avg m.

        Without weight decay the update is −effective_lr ⊙ m̂.
        """
        b1, b2, eps, t = c.col(self.betas[0]), c.col(self.betas[1]), c.col(self.eps), after.step
        with np.errstate(all="ignore"):
            s = after.max_exp_avg_var if self.ams_bound else after.exp_avg_var
            step_size, n_sma = self._step_size(c.col(lr), t)
            lr_t = step_size * (1.0 - c.power(b1, t))
            if not self.rectify:
                eff = lr_t / (np.sqrt(s) / np.sqrt(1.0 - c.power(b2, t)) + eps)
            else:
                eff = np.where(n_sma >= self.n_sma_threshold, lr_t / (np.sqrt(s) + eps),
                               np.maximum(lr_t, 0.0) + np.zeros_like(s))
            return {"effective_lr": eff, "momentum": after.exp_avg}
