"""SAM: sharpness-aware minimization around any optimizer. Not torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from . import _pytorch_optimizer as po
from .base import Array, Closure, Hyperparam, Optimizer


class SAMState(NamedTuple):
    """step; inner: the wrapped optimizer's state; perturbed (N, 2): the point θ + e where the
    last update took its second gradient, and perturbed_grad (N, 2) that gradient (extra data)."""

    step: int
    inner: NamedTuple
    perturbed: Array
    perturbed_grad: Array


class SAM(Optimizer):
    """SAM around any optimizer, as pytorch-optimizer 4.1.0 implements it (a reference, not
    torch.optim).

    Paper: Foret, Kleiner, Mobahi & Neyshabur, "Sharpness-Aware Minimization for Efficiently
    Improving Generalization" (2021), arXiv:2010.01412; ASAM (``adaptive``): Kwon et al. 2021,
    arXiv:2102.11600. Reference implementation: ``pytorch_optimizer.SAM``.

    g = ∇f(θ);  w = |θ| ⊙ g if adaptive else g
    s = ρ / (‖w‖ + perturb_eps)                       (in float32: see below)
    e = θ² ⊙ g·s if adaptive else g·s;  θ̃ = θ + e        (the perturbed point)
    θ ← inner.step(θ, ∇f(θ̃))                           (the inner optimizer, at θ)

    Two gradient evaluations per update: g at θ (the path's recorded gradient) and ∇f(θ̃) (in the
    state, with θ̃: extra data). The lr (and a scheduler) is the inner optimizer's.

    Where the package differs from the paper's code: it squares the norm ‖w‖ in float32
    (``get_global_gradient_norm`` returns a float32 tensor) and takes ρ/(√· + perturb_eps) as
    float32's ``reciprocal(·)·ρ``; so does this port (NumPy float32), since e is then within one
    float32 rounding (6e-8 relative) of the paper's float64 value. Checks: ``rho`` and
    ``perturb_eps`` ≥ 0 in the package's words. Left out: ``use_gc`` (gradient centralization
    is a no-op on one 1-D parameter) and ``foreach`` (the same rule). The inner optimizer may not
    need a closure itself (the package's base step is called without one) nor the Hessian.
    """

    name = "SAM"
    summary = ("Steps with the gradient at the worst nearby point θ + ρ·g/‖g‖, Foret et al. 2021 "
               "(pytorch-optimizer; a reference, not torch.optim).")
    reference = True
    needs_closure = True      # the second gradient, at θ + e
    hyperparams = (
        Hyperparam("optimizer", None, kind="optimizer",
                   help="The optimizer that steps with the perturbed gradient, e.g. SGD(lr=0.1)."),
        po.non_negative("rho", 0.05, "Radius ρ of the perturbation θ + ρ·g/‖g‖."),
        Hyperparam("adaptive", False, kind="bool",
                   help="ASAM: scale the perturbation by θ² (norm of |θ| ⊙ g)."),
        po.non_negative("perturb_eps", 1e-12, "Added to ‖g‖ before dividing."),
    )
    check_order = ("rho", "perturb_eps")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        inner: Optimizer = self.params["optimizer"]
        if inner.needs_closure or inner.needs_hessian:
            raise ValueError(f"SAM cannot wrap {inner.name}: the package steps its base optimizer "
                             "without a closure, at θ, with the perturbed gradient only")
        self.batched = inner.batched

    @property
    def base_lr(self) -> Any:
        return self.optimizer.base_lr

    def init(self, theta: Array) -> SAMState:
        theta = c.as_theta(theta)
        return SAMState(0, self.optimizer.init(theta), theta.copy(), np.zeros_like(theta))

    def perturbation(self, theta: Array, grad: Array) -> Array:
        """e, the step from θ to the point of the second gradient, with the package's float32
        scale s = float32(1/√(float32(‖w‖)²) + perturb_eps)·ρ."""
        rho, eps = c.col(self.rho), c.col(self.perturb_eps)
        w = grad * np.abs(theta) if self.adaptive else grad
        with np.errstate(all="ignore"):
            norm = np.sqrt(w[:, :1] * w[:, :1] + w[:, 1:] * w[:, 1:]).astype(np.float32)
            root = np.sqrt(norm * norm) + np.float32(eps) if not isinstance(eps, np.ndarray) \
                else np.sqrt(norm * norm) + eps.astype(np.float32)
            rho32 = rho.astype(np.float32) if isinstance(rho, np.ndarray) else np.float32(rho)
            scale = ((np.float32(1.0) / root) * rho32).astype(np.float64)
            e = (theta ** 2 * grad) * scale if self.adaptive else grad * scale
        return e

    def step(self, state: SAMState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None, closure: Closure | None = None) -> tuple[Array, SAMState]:
        """One update; ``closure`` gives ∇f at the perturbed point (see ``Optimizer.step``)."""
        if closure is None:
            raise ValueError("SAM needs a closure: step(..., closure=...) evaluates ∇f at θ + e")
        with np.errstate(all="ignore"):
            perturbed = theta + self.perturbation(theta, grad)
        _, second = closure(perturbed, None)
        theta, inner = self.optimizer.step(state.inner, theta, second, lr)
        return theta, SAMState(state.step + 1, inner, perturbed, second)

    def extras(self, state: SAMState) -> dict[str, Array]:
        """The perturbed point θ̃ of the last update (where its second gradient was taken)."""
        return {**self.optimizer.extras(state.inner), "perturbed point": state.perturbed[:, None, :]}

    def explain(self, before: SAMState, after: SAMState, lr: Any) -> dict[str, Array]:
        """The inner optimizer's effective_lr and momentum, applied to the gradient at the
        perturbed point (``after.perturbed_grad``) instead of the one at θ."""
        return self.optimizer.explain(before.inner, after.inner, lr)
