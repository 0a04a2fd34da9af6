"""Schedule-Free SGD and AdamW, from Meta's schedulefree package. Not part of torch.optim.

Schedule-free methods keep two sequences and evaluate the gradient at a third point between them:
z (the base sequence, plain SGD/Adam steps), x (a running average of z: the point to evaluate
the model at) and y = (1 − β)·z + β·x, where the gradient is taken. In train mode the package's
parameter *is* y, so our trajectory is y; x and z travel in the state.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class ScheduleFreeState(NamedTuple):
    """step k; z (N, 2) the base sequence; x (N, 2) the averaged point; exp_avg_sq v (N, 2)
    (AdamW only; zeros for SGD); weight_sum and lr_max (N, 1): the package's running sum of the
    averaging weights and the largest (warmed-up) lr so far, per run."""

    step: int
    z: Array
    x: Array
    exp_avg_sq: Array
    weight_sum: Array
    lr_max: Array


WARMUP = Hyperparam("warmup_steps", 0, kind="int", low=0,   # not checked by the package
                    help="Linear warmup: update k (1-based) uses lr·min(k/warmup_steps, 1).")
R = Hyperparam("r", 0.0, help="Polynomial weighting: update k has weight kʳ·lr_maxᵖ in the average.")
WEIGHT_LR_POWER = Hyperparam("weight_lr_power", 2.0,
                             help="p: averaging weights grow as lr_maxᵖ (during warmup); 0: equal.")


class _ScheduleFree(Optimizer):
    """The part both share: warmup, the averaging weight c, and the y/z/x updates."""

    reference = True          # not one of torch.optim's optimizers

    def _beta(self) -> Any:
        raise NotImplementedError

    def init(self, theta: Array) -> ScheduleFreeState:
        theta = c.as_theta(theta)
        zeros, col = np.zeros_like(theta), np.zeros((len(theta), 1))
        return ScheduleFreeState(0, theta.copy(), theta.copy(), zeros, col, col - 1.0)

    def _schedule(self, state: ScheduleFreeState, lr: Any) -> tuple[Any, Array, Array, Array]:
        """(scheduled lr, c = weight/weight_sum, weight_sum, lr_max) of update k + 1."""
        k, warmup = state.step, self.warmup_steps
        sched = (k + 1) / warmup if k < warmup else 1.0
        lr = c.col(lr) * sched
        lr_max = np.maximum(lr, state.lr_max)
        weight = c.power(k + 1, c.col(self.r)) * np.power(lr_max, c.col(self.weight_lr_power))
        weight_sum = state.weight_sum + weight
        # the package catches ZeroDivisionError (weight_sum = 0, e.g. lr = 0) and uses c = 0
        ckp1 = np.where(weight_sum != 0, weight / np.where(weight_sum != 0, weight_sum, 1.0), 0.0)
        return lr, ckp1, weight_sum, lr_max

    def _move(self, state: ScheduleFreeState, y: Array, g: Array, lr: Any, ckp1: Array,
              **new: Any) -> tuple[Array, ScheduleFreeState]:
        """y ← lerp(y, z, c) + lr·(β(1 − c) − 1)·g;  z ← z − lr·g;  x ← lerp(x, z, c)."""
        beta = c.col(self._beta())
        y = c.lerp(y, state.z, ckp1) + (lr * (beta * (1 - ckp1) - 1)) * g
        z = state.z - lr * g
        x = c.lerp(state.x, z, ckp1)
        return y, state._replace(step=state.step + 1, z=z, x=x, **new)

    def extras(self, state: ScheduleFreeState) -> dict[str, Array]:
        """The schedule-free sequences beside the point the gradient is taken at (the path):
        the averaged point x (what evaluation mode uses) and the base sequence z."""
        return {"averaged point x": state.x[:, None, :], "base sequence z": state.z[:, None, :]}


class SGDScheduleFree(_ScheduleFree):
    """Schedule-Free SGD, as schedulefree 1.4.1 implements it (a reference, not torch.optim).

    Paper: Defazio et al., "The Road Less Scheduled" (NeurIPS 2024), arXiv:2405.15682.
    Reference implementation: facebookresearch/schedulefree, ``schedulefree.SGDScheduleFree``
    (train mode; the trajectory is y, where the gradient is taken).

    update k = t − 1 (0-based):  lr_k = lr·(k+1)/warmup_steps while k < warmup_steps, else lr
    lr_max = max(lr_max, lr_k);  w = (k+1)ʳ·lr_maxᵖ;  W += w;  c = w/W  (0 if W = 0)
    g = ∇f(y) + λ·y
    y ← lerp(y, z, c) + lr_k·(β(1 − c) − 1)·g;   z ← z − lr_k·g;   x ← lerp(x, z, c)

    β is ``momentum``; y = (1 − β)·z + β·x throughout (up to rounding). x is kept by its
    recursion: the package recovers it in its eval mode as lerp(y, z, 1 − 1/β), which agrees to
    rounding. No ``maximize``; ``foreach`` (the same rule on tensor lists) is left out.
    """

    name = "SGDScheduleFree"
    summary = ("Schedule-free SGD: gradient at a mix of the iterate and its average, Defazio et al. "
               "2024 (schedulefree; a reference, not torch.optim).")
    hyperparams = (
        Hyperparam("lr", 1.0, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate (schedulefree's default 1.0)."),
        Hyperparam("momentum", 0.9, low=0.0, high=1.0, low_open=True, high_open=True,
                   error="Momentum must be between 0 and 1 exclusive",
                   help="β: the gradient is taken at y = (1 − β)·z + β·x."),
        Hyperparam("weight_decay", 0.0, low=0.0, error="Invalid weight_decay value",
                   help="L2 penalty λ, added to g as λ·y."),
        WARMUP, R, WEIGHT_LR_POWER,
    )

    def _beta(self) -> Any:
        return self.momentum

    check_order = ("lr", "weight_decay", "momentum")   # the package's order

    def step(self, state: ScheduleFreeState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, ScheduleFreeState]:
        """One update of y (= θ); returns the new θ and state. ``lr``: a float or (N, 1) column."""
        with np.errstate(all="ignore"):
            lr, ckp1, weight_sum, lr_max = self._schedule(state, lr)
            g = c.l2(grad, theta, c.col(self.weight_decay))
            return self._move(state, theta, g, lr, ckp1, weight_sum=weight_sum, lr_max=lr_max)

    def explain(self, before: ScheduleFreeState, after: ScheduleFreeState,
                lr: Any) -> dict[str, Array]:
        """effective_lr: lr_k·(1 − β(1 − c)), the factor on g in y's update; no momentum buffer.

        The update is lerp(y, z, c) − y − effective_lr ⊙ g (y also moves a fraction c towards z).
        """
        with np.errstate(all="ignore"):
            lr_k, ckp1, _, _ = self._schedule(before, lr)
            factor = lr_k * (1 - c.col(self.momentum) * (1 - ckp1))
            return {"effective_lr": np.zeros_like(after.z) + factor}


class AdamWScheduleFree(_ScheduleFree):
    """Schedule-Free AdamW, as schedulefree 1.4.1 implements it (a reference, not torch.optim).

    Paper: Defazio et al., "The Road Less Scheduled" (NeurIPS 2024), arXiv:2405.15682.
    Reference implementation: facebookresearch/schedulefree, ``schedulefree.AdamWScheduleFree``
    (train mode; the trajectory is y, where the gradient is taken).

    lr_k, c as in SGDScheduleFree;  v ← β2·v + (1 − β2)·g²;  d = √(v/(1 − β2ᵗ)) + eps
    ĝ = g/d + λ·y        (weight decay at y, after the normalisation)
    y ← lerp(y, z, c) + lr_k·(β1(1 − c) − 1)·ĝ;   z ← z − lr_k·ĝ;   x ← lerp(x, z, c)

    No first moment: β1 only places y between z and x. The package validates nothing; we reject
    what would make the rule meaningless with torch.optim.AdamW's messages (lr < 0, eps < 0,
    betas outside [0, 1), weight_decay < 0). No ``maximize``; ``foreach`` is left out.
    """

    name = "AdamWScheduleFree"
    summary = ("Schedule-free AdamW: Adam's scaling without a schedule, Defazio et al. 2024 "
               "(schedulefree; a reference, not torch.optim).")
    hyperparams = (
        Hyperparam("lr", 0.0025, low=0.0, log=True, error="Invalid learning rate",
                   help="Learning rate (schedulefree's default 0.0025)."),
        Hyperparam("betas", (0.9, 0.999), kind="pair", low=0.0, high=1.0, high_open=True,
                   error="Invalid beta parameter at index {index}",
                   help="(β1, β2): y = (1 − β1)·z + β1·x; β2 decays the squared-gradient average."),
        Hyperparam("eps", 1e-8, low=0.0, log=True, error="Invalid epsilon value",
                   help="Added to the denominator outside the root."),
        Hyperparam("weight_decay", 0.0, low=0.0, error="Invalid weight_decay value",
                   help="λ: adds λ·y to the normalised gradient."),
        WARMUP, R, WEIGHT_LR_POWER,
    )

    def _beta(self) -> Any:
        return self.betas[0]

    check_order = ("lr", "eps", "betas")   # torch.optim.AdamW's order

    def step(self, state: ScheduleFreeState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, ScheduleFreeState]:
        """One update of y (= θ); returns the new θ and state. ``lr``: a float or (N, 1) column."""
        b2, eps, wd = c.col(self.betas[1]), c.col(self.eps), c.col(self.weight_decay)
        with np.errstate(all="ignore"):
            lr, ckp1, weight_sum, lr_max = self._schedule(state, lr)
            v = state.exp_avg_sq * b2 + ((1 - b2) * grad) * grad
            denom = np.sqrt(v / (1 - c.power(b2, state.step + 1))) + eps
            g = c.l2(grad / denom, theta, wd)
            return self._move(state, theta, g, lr, ckp1, exp_avg_sq=v, weight_sum=weight_sum,
                              lr_max=lr_max)

    def explain(self, before: ScheduleFreeState, after: ScheduleFreeState,
                lr: Any) -> dict[str, Array]:
        """effective_lr: lr_k·(1 − β1(1 − c))/d, the factor on g in y's update; no momentum buffer.

        Without weight decay the update is lerp(y, z, c) − y − effective_lr ⊙ g.
        """
        b1, b2, eps = c.col(self.betas[0]), c.col(self.betas[1]), c.col(self.eps)
        with np.errstate(all="ignore"):
            lr_k, ckp1, _, _ = self._schedule(before, lr)
            denom = np.sqrt(after.exp_avg_sq / (1 - c.power(b2, after.step))) + eps
            return {"effective_lr": lr_k * (1 - b1 * (1 - ckp1)) / denom}
