"""Inside the optimizer: what one run saw and did at every update.

``trace`` re-runs one run with the batched runner and replays its updates through the
optimizer's pure ``step``, asking each step's ``explain(before, after, lr)`` what it did:

    explain(before, after, lr) -> {"effective_lr": (N, 2), "momentum": (N, 2)  (if kept)}

``before``/``after`` are the optimizer states around the step and ``lr`` the learning rate it
used. ``effective_lr`` is the per-coordinate factor that turns the (bias-corrected) first moment,
or the gradient for methods without one, into the step: for Adam, lr/(√v̂ + eps) applied to
m̂ = m/(1 − β1ᵗ); for SGD, lr. ``momentum`` is the optimizer's own buffer as torch stores it
(SGD's and RMSprop's momentum_buffer, the Adam family's exp_avg); methods without one leave it out.
Each optimizer's ``explain`` docstring states the identity linking them to the update.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .base import Array, Optimizer, Scheduler
from .schedulers import cycled
from .runner import closure, run, sweep_size


@dataclass(frozen=True)
class Trace:
    """One run, update by update; K updates were made (fewer than asked if it diverged).

    points (K+1, 2), loss (K+1,): the path, cut before its first non-finite point.
    For update t = 0..K−1, which moved points[t] to points[t+1]:
      grad (K, 2): ∇f at points[t] (the true gradient; with noise the optimizer saw ∇f + noise)
      update (K, 2): points[t+1] − points[t]
      lr (K,): the learning rate the update used
      momentum (K, 2) or None: the optimizer's momentum / first-moment buffer after the update
      effective_lr (K, 2): the per-coordinate effective learning rate of the update
      extras: name -> (K, m, 2), the points beyond the path each update made (``Optimizer.extras``:
        Lookahead's slow weights, SAM's perturbed point, LBFGS's evaluations; NaN-padded)
    diverged_at: index of the first non-finite point (None if the run never diverged).
    states: the optimizer's state before each update and after the last (K + 1 of them, or
      none without updates): what a worked step (``rules.worked``) reads.
    seen (K, 2): the gradient the optimizer was given (∇f + noise with noise, else grad).
    """

    points: Array
    loss: Array
    grad: Array
    update: Array
    lr: Array
    momentum: Array | None
    effective_lr: Array
    diverged_at: int | None
    extras: dict[str, Array] = field(default_factory=dict)
    states: tuple[Any, ...] = ()
    seen: Array | None = None


def trace(surface: Any, optimizer: Optimizer, start: Any, steps: int,
          scheduler: Scheduler | None = None, noise_std: float = 0.0, seed: int = 0) -> Trace:
    """Follow one run of ``optimizer`` from ``start`` for ``steps`` updates (see ``Trace``).

    The path comes from ``runner.run`` (the same run the app draws, noise included: the
    generator's draws are replayed in the same order); the replay only reads the states.
    """
    if sweep_size(optimizer) > 1 or sweep_size(scheduler) > 1:
        raise ValueError("trace follows one run: give single values, not swept hyperparameters")
    start = np.asarray(start, dtype=float)
    if start.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {start.shape}")
    one = run(surface, optimizer, start[None], steps, scheduler, noise_std, seed).run(0)
    points, loss, grad = one["points"], one["loss"], one["grad"]
    k = max(len(points) - 1, 0)
    lrs = one["lr"][:k]
    rng = np.random.default_rng(seed) if noise_std > 0 else None

    effective, momentum = np.empty((k, 2)), np.empty((k, 2))
    has_momentum, extras = False, []
    state = optimizer.init(points[:1]) if k else None
    states, seen = [state] if k else [], np.empty((k, 2))
    for t in range(k):
        theta, g, lr = points[t:t + 1], grad[t:t + 1], float(lrs[t])
        noise = None
        if rng is not None:      # the runner draws the batch's noise once per update, in order
            noise = noise_std * rng.standard_normal(g.shape)
            g = g + noise
        seen[t] = g[0]
        hessian = surface.hessian(theta[:, 0], theta[:, 1]) if optimizer.needs_hessian else None
        used = optimizer if one["momentum"] is None else cycled(optimizer, float(one["momentum"][t]))
        more = {"closure": closure(surface, noise)} if used.needs_closure else {}
        _, after = used.step(state, theta, g, lr, hessian=hessian, **more)
        extras.append(used.extras(after))
        info = used.explain(state, after, lr)
        effective[t] = info["effective_lr"][0]
        if "momentum" in info:
            momentum[t], has_momentum = info["momentum"][0], True
        state = after
        states.append(state)
    return Trace(points=points, loss=loss[:k + 1], grad=grad[:k], update=np.diff(points, axis=0),
                 lr=lrs, momentum=momentum if has_momentum else None, effective_lr=effective,
                 diverged_at=one["diverged_at"], extras=_stack(extras), states=tuple(states), seen=seen)


def _stack(extras: list[dict[str, Array]]) -> dict[str, Array]:
    """Per-update extras {name: (1, m_t, 2)} as {name: (K, max m_t, 2)}, NaN-padded."""
    out = {}
    for name in (extras[0] if extras else {}):
        width = max(e[name].shape[1] for e in extras)
        stacked = np.full((len(extras), width, 2), np.nan)
        for t, e in enumerate(extras):
            stacked[t, :e[name].shape[1]] = e[name][0]
        out[name] = stacked
    return out
