"""Adafactor: RMS-normalized steps scaled by the parameter's size, without a first moment."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer

MACHINE_EPS = float(np.finfo(np.float64).eps)   # torch's eps1=None: the dtype's machine epsilon


class AdafactorState(NamedTuple):
    """step; variance v (N, 2): the running mean of g²; scale (N, 1): α/denom of the last
    update (see Adafactor), kept so ``explain`` can tell the effective learning rate."""

    step: int
    variance: Array
    scale: Array


class Adafactor(Optimizer):
    """torch.optim.Adafactor, on its code path for a 1-D parameter (our point is a vector).

    g = ∇f (−∇f if maximize);  β̂ = t^beta2_decay;  ρ = min(lr, 1/√t)
    α = max(eps2, ‖θ‖₂/√2)·ρ                                  (θ before weight decay)
    λ ≠ 0: θ ← θ·(1 − lr·λ)
    v ← v + β̂·(g² − v)  (torch's lerp; the first update sets v = g²)
    u = g/√max(v, eps1²);  denom = max(1, ‖u‖₂/(√2·d))
    θ ← θ − α/denom · u

    Factoring: torch factors the second moment of a matrix into row and column means; for a
    1-D tensor such as our (x, y) it does not, and keeps one full v per coordinate, so on a
    2-vector Adafactor's "factored" second moment is simply the running mean of g² of each
    coordinate (RMSprop's, with the decay 1 − t^beta2_decay that tends to 1). It keeps no first
    moment. Its step is relative: α scales with the RMS of θ (at least eps2), so a run started
    at the origin takes steps of eps2·ρ until θ grows.

    eps=(None, 1e-3) is torch's default; None means the machine epsilon of the parameter's
    dtype, 2.220446049250313e-16 for float64, which is the default here and what None becomes.
    """

    name = "Adafactor"
    summary = "RMS-normalized steps sized relative to the RMS of θ; no momentum (torch's 1-D path)."
    hyperparams = (
        Hyperparam("lr", 1e-2, low=0.0, log=True, error="Learning rate should be >= 0 but is",
                   help="Learning rate; the relative step size is min(lr, 1/√t)."),
        Hyperparam("beta2_decay", -0.8, high=0.0, error="beta2_decay should be <= 0 but is",
                   help="Decay exponent: the squared-gradient average moves by t^beta2_decay."),
        Hyperparam("eps", (MACHINE_EPS, 1e-3), kind="pair", log=True,
                   help="(eps1, eps2): floor of √v, and of the RMS of θ in the step size "
                        "(torch's None for eps1 is float64's machine epsilon)."),
        Hyperparam("d", 1.0, low=1.0, error="Clipping threshold d should be >= 1 but is",
                   help="Clipping threshold: the update's RMS is kept at most d."),
        Hyperparam("weight_decay", 0.0, low=0.0, error="weight_decay should be >= 0 but is",
                   help="Decoupled weight decay: θ ← θ·(1 − lr·λ)."),
        Hyperparam("maximize", False, kind="bool", help="Ascend instead of descend."),
    )

    def __init__(self, **params: Any) -> None:
        eps = params.get("eps")
        if isinstance(eps, (tuple, list)) and len(eps) == 2 and eps[0] is None:
            params["eps"] = (MACHINE_EPS, eps[1])
        super().__init__(**params)

    def validate(self, **p: Any) -> None:
        """torch's eps checks: each member has its own message, which no pair bound states.
        (torch checks eps before d and weight_decay; here the bounds come first.)"""
        c.check(p["eps"][0], lambda v: v >= 0, "epsilon1 should be >= 0 but is")
        c.check(p["eps"][1], lambda v: v >= 0, "epsilon2 should be >= 0 but is")

    def init(self, theta: Array) -> AdafactorState:
        theta = c.as_theta(theta)
        return AdafactorState(0, np.zeros_like(theta), np.zeros((len(theta), 1)))

    def step(self, state: AdafactorState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, AdafactorState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        eps1, eps2 = (c.col(e) for e in self.eps)
        decay, d, wd = c.col(self.beta2_decay), c.col(self.d), c.col(self.weight_decay)
        lr, t = c.col(lr), state.step + 1
        with np.errstate(all="ignore"):
            g = c.ascent(grad, self.maximize)
            one_minus_beta2 = c.power(float(t), decay)
            rho = np.fmin(lr, 1 / float(t) ** 0.5)          # Python's min(lr, ·): lr unless smaller
            rms = _norm(theta) / 2 ** 0.5
            alpha = np.fmax(eps2, rms) * rho                # Python's max(eps2, ·), NaN-safe alike
            theta = c.decoupled(theta, lr, wd)
            v = c.lerp(state.variance, g * g, one_minus_beta2)
            update = (1 / np.sqrt(np.maximum(v, eps1 * eps1))) * g
            denom = np.fmax(1.0, _norm(update) / (2 ** 0.5 * d))
            scale = -alpha / denom
            return theta + scale * update, AdafactorState(t, v, -scale)

    def explain(self, before: AdafactorState, after: AdafactorState, lr: Any) -> dict[str, Array]:
        """effective_lr: (α/denom)/√max(v, eps1²) per coordinate; the update is
        −effective_lr ⊙ g (after the decoupled weight decay). Adafactor keeps no momentum."""
        eps1 = c.col(self.eps[0])
        with np.errstate(all="ignore"):
            return {"effective_lr": after.scale / np.sqrt(np.maximum(after.variance, eps1 * eps1))}


def _norm(a: Array) -> Array:
    """‖row‖₂ of each row of a (N, 2), as a column (N, 1)."""
    return np.sqrt(a[:, :1] * a[:, :1] + a[:, 1:] * a[:, 1:])
