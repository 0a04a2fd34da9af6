"""Prodigy: Adam whose step size d is learned from the distance travelled. Not torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from . import _pytorch_optimizer as po
from .base import Array, Hyperparam, Optimizer


class ProdigyState(NamedTuple):
    """step t (the package's group['step'] − 1: updates done); d, d_max, d_numerator (N, 1):
    the distance estimate, its running maximum and the numerator of d̂; p0 (N, 2) the start;
    exp_avg m, exp_avg_sq v, s (N, 2): the moments (scaled by d) and the weighted gradient sum."""

    step: int
    d: Array
    d_max: Array
    d_numerator: Array
    p0: Array
    exp_avg: Array
    exp_avg_sq: Array
    s: Array


class Prodigy(Optimizer):
    """Prodigy, as pytorch-optimizer 4.1.0 implements it for one parameter tensor (a reference,
    not torch.optim).

    Paper: Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner"
    (ICML 2024), arXiv:2306.06101. Reference implementation: ``pytorch_optimizer.Prodigy``.

    update t (1-based):  β3 = beta3 or √β2;  bc = (1 − β1ᵗ)/√(1 − β2ᵗ) if bias_correction else 1
    d_lr = d·lr/bc;  g = ∇f (−∇f if maximize)
    r ← β3·r + (d/d0)·d_lr·⟨g, θ0 − θ⟩
    m ← β1·m + d(1 − β1)·g;  v ← β2·v + d²(1 − β2)·g²;  s ← β3·s + (d/d0)·(d if safeguard_warmup else d_lr)·g
    if Σ|s| = 0: no step (the state above is kept)
    d̂ = d_coef·r/Σ|s|;  d ← max(d, d̂) while d = d0;  d_max ← max(d_max, d̂);  d ← min(d_max, d·growth_rate)
    weight_decouple: θ ← θ·(1 − λ·(1 if fixed_decay else d_lr))
    θ ← θ − d_lr·m/(√v + d·eps)          (eps = None: θ ← θ − d_lr·atan2(m, √v))

    d_lr is the *old* d's, while d·eps in the denominator uses the *new* d, as the package has it.
    ``weight_decouple=False`` adds λθ to the gradient only after the moments have used it, so in
    the package (and here) it changes nothing. Options that only matter across several parameter
    groups or tensors (the shared d over groups) have no effect on one tensor; ``foreach`` (its
    tensor-list path, off on CPU) is left out. ``beta3`` and ``eps`` may be None (JSON null), and
    ``growth_rate`` is infinite by default, as in the package.
    """

    name = "Prodigy"
    summary = ("Adam with a learned step size from the distance travelled, Mishchenko & Defazio "
               "2023 (pytorch-optimizer; a reference, not torch.optim).")
    reference = True          # not one of torch.optim's optimizers
    hyperparams = (
        po.lr(1.0, "Multiplies the learned step size d; leave at 1."),
        po.betas((0.9, 0.999),
                 "(β1, β2): decay of the gradient average and of the squared-gradient average."),
        Hyperparam("beta3", None, low=0.0, high=1.0, optional=True,
                   error="beta3 must be in the range [0.0, 1.0]", show_value=False,
                   help="Decay of the distance estimate's sums; None (empty): √β2."),
        # d0 and growth_rate: not checked by the package, which divides by d0
        Hyperparam("d0", 1e-6, low=0.0, low_open=True, log=True,
                   error="d0 must be positive (Prodigy divides by it)", show_value=False,
                   help="Initial distance estimate d."),
        Hyperparam("d_coef", 1.0, help="Multiplies the estimate d̂."),
        Hyperparam("growth_rate", float("inf"), low=0.0, error="growth_rate must be non-negative",
                   show_value=False, help="Largest factor by which d may grow per step (inf: unbounded)."),
        po.non_negative("weight_decay", 0.0, "Weight decay λ."),
        Hyperparam("weight_decouple", True, kind="bool",
                   help="Shrink θ by d_lr·λ directly (off: no effect, as in the package)."),
        Hyperparam("fixed_decay", False, kind="bool", help="Decoupled decay θ·(1 − λ), not scaled."),
        Hyperparam("bias_correction", False, kind="bool",
                   help="Scale the step by √(1 − β2ᵗ)/(1 − β1ᵗ) (Adam's bias correction)."),
        Hyperparam("safeguard_warmup", False, kind="bool",
                   help="Leave lr out of the denominator sum s (for warmup schedules)."),
        po.non_negative("eps", 1e-8, "Added to √v (times d); None (empty): an atan2 update instead.",
                        log=True, optional=True),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    check_order = ("lr", "betas", "beta3", "weight_decay", "eps")   # the package's order

    def init(self, theta: Array) -> ProdigyState:
        theta = c.as_theta(theta)
        zeros, col = np.zeros_like(theta), np.zeros((len(theta), 1))
        d0 = col + c.col(self.d0)
        return ProdigyState(0, d0, d0, col, theta.copy(), zeros, zeros, zeros)

    def _d_lr(self, state: ProdigyState, lr: Any) -> Any:
        """d·lr/bc of update ``state.step + 1``."""
        b1, b2 = (c.col(b) for b in self.betas)
        t = state.step + 1
        if self.bias_correction:
            bias = (1.0 - c.power(b1, t)) / np.sqrt(1.0 - c.power(b2, t))
            return state.d * c.col(lr) / bias
        return state.d * c.col(lr) / 1.0

    def step(self, state: ProdigyState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, ProdigyState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        b1, b2 = (c.col(b) for b in self.betas)
        b3 = np.sqrt(b2) if self.beta3 is None else c.col(self.beta3)
        d, d0, wd = state.d, c.col(self.d0), c.col(self.weight_decay)
        with np.errstate(all="ignore"):
            d_lr = self._d_lr(state, lr)
            g = c.ascent(grad, self.maximize)
            diff = state.p0 - theta
            dot = g[:, :1] * diff[:, :1] + g[:, 1:] * diff[:, 1:]
            numerator = state.d_numerator * b3 + ((d / d0) * d_lr) * dot
            m = state.exp_avg * b1 + (d * (1.0 - b1)) * g
            v = state.exp_avg_sq * b2 + ((d * d * (1.0 - b2)) * g) * g
            s = state.s * b3 + ((d / d0) * (d if self.safeguard_warmup else d_lr)) * g
            denom_sum = np.abs(s[:, :1]) + np.abs(s[:, 1:])
            moving = denom_sum != 0
            d_hat = c.col(self.d_coef) * numerator / np.where(moving, denom_sum, 1.0)
            # Python's max(a, b) and min(a, b), as the package uses them (they keep a against NaN)
            d_new = np.where((d == d0) & (d_hat > d), d_hat, d)
            d_max = np.where(d_hat > state.d_max, d_hat, state.d_max)
            grown = d_new * c.col(self.growth_rate)
            d_new = np.where(grown < d_max, grown, d_max)
            if self.weight_decouple:
                moved = c.decoupled(theta, 1.0 if self.fixed_decay else d_lr, wd)
            else:       # the package adds λθ to a gradient it no longer reads
                moved = theta
            if self.eps is None:
                moved = moved + (-d_lr) * np.arctan2(m, np.sqrt(v))
            else:
                moved = moved + (-d_lr) * (m / (np.sqrt(v) + d_new * c.col(self.eps)))
            new = ProdigyState(state.step + 1, np.where(moving, d_new, d),
                               np.where(moving, d_max, state.d_max), numerator, state.p0, m, v, s)
            return np.where(moving, moved, theta), new

    def explain(self, before: ProdigyState, after: ProdigyState, lr: Any) -> dict[str, Array]:
        """effective_lr: d_lr/(√v + d·eps) (d_lr/√v for the atan2 form's small-ratio limit);
        momentum: exp_avg m (already scaled by d).

        Without weight decay the update is −effective_lr ⊙ m (−d_lr·atan2(m, √v) with eps None).
        """
        eps = 0.0 if self.eps is None else c.col(self.eps)
        with np.errstate(all="ignore"):
            d_lr = self._d_lr(before, lr)
            return {"effective_lr": d_lr / (np.sqrt(after.exp_avg_sq) + after.d * eps),
                    "momentum": after.exp_avg}
