"""Lookahead: k fast steps of any optimizer, then a pull toward slow weights. Not torch.optim."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer


class LookaheadState(NamedTuple):
    """step; inner: the wrapped optimizer's state; slow (N, 2): the slow weights φ, extra data
    (the path is the fast weights θ, torch's parameter)."""

    step: int
    inner: NamedTuple
    slow: Array


class Lookahead(Optimizer):
    """Lookahead around any optimizer, as pytorch-optimizer 4.1.0 implements it (a reference,
    not torch.optim).

    Paper: Zhang, Lucas, Hinton & Ba, "Lookahead Optimizer: k steps forward, 1 step back"
    (2019), arXiv:1907.08610. Reference implementation: ``pytorch_optimizer.Lookahead``.

    φ ← θ₀ (the slow weights start at the start point)
    every update t:  θ ← inner.step(θ, ∇f(θ))           (the fast weights: the path drawn)
    when t is a multiple of k:  θ ← θ + (1 − α)·(φ − θ)   (torch.lerp, i.e. α·θ + (1 − α)·φ)
                                φ ← θ

    The inner optimizer keeps its own state across the pulls (``pullback_momentum="none"``, the
    package's default; its "reset" and "pullback" touch torch SGD's momentum_buffer only and are
    left out). The lr (and a scheduler) is the inner optimizer's. The package checks
    ``k > 0`` ("k must be positive") and ``0 <= alpha < 1`` ("alpha must be in the range
    [0.0, 1.0)"). Wrapping an optimizer that needs the Hessian or a closure passes them through.
    """

    name = "Lookahead"
    summary = ("k steps of any optimizer forward, one step back toward slow weights, Zhang et al. "
               "2019 (pytorch-optimizer; a reference, not torch.optim).")
    reference = True
    hyperparams = (
        Hyperparam("optimizer", None, kind="optimizer",
                   help="The optimizer whose steps are the fast weights, e.g. Adam(lr=0.1)."),
        Hyperparam("k", 5, kind="int", low=0, low_open=True, error="k must be positive",
                   show_value=False, help="Fast steps between two pulls toward the slow weights."),
        Hyperparam("alpha", 0.5, low=0.0, high=1.0, high_open=True, show_value=False,
                   error="alpha must be in the range [0.0, 1.0)",
                   help="How far the fast weights keep their lead: θ ← α·θ + (1 − α)·φ."),
    )
    check_order = ("k", "alpha")          # the package's order; the inner optimizer is built first

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        inner: Optimizer = self.params["optimizer"]
        self.needs_hessian, self.needs_closure = inner.needs_hessian, inner.needs_closure
        self.batched = inner.batched

    @property
    def base_lr(self) -> Any:
        return self.optimizer.base_lr

    def init(self, theta: Array) -> LookaheadState:
        theta = c.as_theta(theta)
        return LookaheadState(0, self.optimizer.init(theta), theta.copy())

    def step(self, state: LookaheadState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None, closure: Any = None) -> tuple[Array, LookaheadState]:
        """One update; returns the new θ and state. ``lr`` is the inner optimizer's."""
        more = {"closure": closure} if self.optimizer.needs_closure else {}
        theta, inner = self.optimizer.step(state.inner, theta, grad, lr, hessian=hessian, **more)
        t, slow = state.step + 1, state.slow
        if t % self.k == 0:
            with np.errstate(all="ignore"):
                theta = c.lerp(theta, slow, 1.0 - c.col(self.alpha))
            slow = theta
        return theta, LookaheadState(t, inner, slow)

    def extras(self, state: LookaheadState) -> dict[str, Array]:
        """The slow weights φ after the update (they move every k-th), and the inner's extras."""
        return {**self.optimizer.extras(state.inner), "slow weights": state.slow[:, None, :]}

    def explain(self, before: LookaheadState, after: LookaheadState, lr: Any) -> dict[str, Array]:
        """The inner optimizer's effective_lr and momentum: its own update is −effective_lr ⊙ m̂
        (its identity); on every k-th update the pull (1 − α)·(φ − θ) is added to it."""
        return self.optimizer.explain(before.inner, after.inner, lr)
