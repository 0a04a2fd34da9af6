"""Newton's method, damped: a reference for what curvature buys. Not part of torch.optim.

torch.optim has no Newton optimizer (L-BFGS only approximates the Hessian and needs a closure);
this one is here to compare against: on a quadratic bowl it lands on the minimum in one step,
whatever the conditioning that slows the first-order methods down.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer

# H + λI counts as singular where |det| ≤ SINGULAR_RTOL · (its largest entry)²: a condition
# number beyond about 1e12, where the solve would amplify rounding errors more than it is worth.
SINGULAR_RTOL = 1e-12


class NewtonState(NamedTuple):
    """step; preconditioner P (N, 3): the entries (pxx, pxy, pyy) of the symmetric matrix the
    last step applied, (H + λI)⁻¹ where that was solvable and the identity where it fell back
    to a gradient step: the last update was −lr·P·g (up to rounding)."""

    step: int
    preconditioner: Array


class Newton(Optimizer):
    """Damped Newton's method (a reference, not torch.optim).

    H = ∇²f(θ), g = ∇f(θ);  θ ← θ − lr·(H + λI)⁻¹·g

    With lr = 1 and λ = 0 this is Newton's method: on a quadratic it jumps to the critical point
    in one step. Newton's method seeks ∇f = 0, not a minimum: at a saddle or near a maximum H
    has a negative eigenvalue and the step points *towards* the critical point, so Newton is
    attracted to saddles and maxima just as to minima (for the step to descend, H + λI must be
    positive definite: a λ above −(smallest eigenvalue) guarantees it). A large λ turns the step
    into gradient descent with step lr/λ.

    Where H + λI is singular (|det| ≤ 1e-12·(largest entry)², e.g. on a plane or at a monkey
    saddle), or the Hessian is not finite, the step falls back to plain gradient descent
    θ ← θ − lr·g, so a run never stops on a singular Hessian.

    The runner passes the Hessian because the class sets ``needs_hessian``.
    """

    name = "Newton"
    summary = "Newton's method: steps by the inverse Hessian (a reference, not in torch.optim)."
    reference = True          # not one of torch.optim's optimizers
    needs_hessian = True      # step() uses hessian=(fxx, fxy, fyy)
    hyperparams = (
        Hyperparam("lr", 1.0, low=0.0, log=True, error="Invalid learning rate",
                   help="Step size: 1 is the full Newton step."),
        Hyperparam("damping", 0.0, low=0.0,
                   help="λ added to the Hessian's diagonal: large λ → gradient steps of lr/λ."),
    )

    def init(self, theta: Array) -> NewtonState:
        theta = c.as_theta(theta)
        return NewtonState(0, np.tile([1.0, 0.0, 1.0], (len(theta), 1)))

    def step(self, state: NewtonState, theta: Array, grad: Array, lr: Any, *,
             hessian: tuple[Array, Array, Array] | None = None) -> tuple[Array, NewtonState]:
        """One update; ``hessian`` is (fxx, fxy, fyy) at θ, each (N,). ``lr``: float or (N, 1)."""
        if hessian is None:
            raise ValueError("Newton needs the Hessian: step(..., hessian=(fxx, fxy, fyy))")
        lam, lr, n = self.damping, c.col(lr), len(theta)     # λ: a float or (N,), like H's entries
        with np.errstate(all="ignore"):
            hxx, hxy, hyy = (np.broadcast_to(np.asarray(h, dtype=float), (n,)) for h in hessian)
            a, b, d = hxx + lam, hxy, hyy + lam
            det = a * d - b * b
            scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.abs(d))
            solvable = np.isfinite(det) & (np.abs(det) > SINGULAR_RTOL * scale * scale)
            safe = np.where(solvable, det, 1.0)
            gx, gy = grad[:, 0], grad[:, 1]
            # Cramer's rule: (H + λI)⁻¹g = (d·gx − b·gy, a·gy − b·gx)/det, or g where singular.
            direction = np.stack([np.where(solvable, (d * gx - b * gy) / safe, gx),
                                  np.where(solvable, (a * gy - b * gx) / safe, gy)], axis=1)
            p = np.where(solvable[:, None], np.stack([d / safe, -b / safe, a / safe], axis=1),
                         [1.0, 0.0, 1.0])
            return theta - lr * direction, NewtonState(state.step + 1, p)

    def explain(self, before: NewtonState, after: NewtonState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr·(pxx, pyy), the diagonal of lr·(H + λI)⁻¹ (lr where it fell back).

        The update is −lr·P·g with the full matrix P (``after.preconditioner``), so it equals
        −effective_lr ⊙ g only where H is diagonal. Newton keeps no momentum.
        """
        p = after.preconditioner
        return {"effective_lr": c.col(lr) * p[:, [0, 2]]}
