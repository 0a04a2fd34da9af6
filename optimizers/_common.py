"""Small helpers the optimizers' steps share: sweep columns, weight decay, torch's lerp.

A float hyperparameter is a Python float, or a 1-D array with one value per run (a sweep).
Steps turn it into a column of shape (N, 1) so it broadcasts against θ of shape (N, 2).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

Array = np.ndarray


def col(value: Any) -> Any:
    """A float as it is; a 1-D array (one value per run) as a column of shape (N, 1)."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value.reshape(-1, 1)
    return value


def power(base: Any, exponent: Any) -> Any:
    """``base ** exponent``, with Python's float pow for scalars (as torch's step sizes are)."""
    if isinstance(base, np.ndarray) or isinstance(exponent, np.ndarray):
        return np.power(base, exponent)
    return float(base) ** exponent


def check(value: Any, ok: Callable[[Array], Array], message: str) -> None:
    """Raise ``ValueError(f"{message}: {v}")`` for the first element v of ``value`` not ``ok``.

    For torch's checks that no Hyperparam bound states (a condition across a pair's members, a
    pair whose members have their own messages); a sweep is checked element by element.
    """
    arr = np.asarray(value, dtype=float)
    good = np.asarray(ok(arr), dtype=bool)
    if not good.all():
        bad = arr if arr.ndim == 0 else arr[~good].ravel()[0]
        raise ValueError(f"{message}: {float(bad)}")


def ascent(grad: Array, maximize: bool) -> Array:
    """``-grad`` when maximizing (torch negates before weight decay), else ``grad``."""
    return -grad if maximize else grad


def l2(grad: Array, theta: Array, weight_decay: Any) -> Array:
    """torch's coupled weight decay ``g + λθ``, skipped (exactly) where λ = 0."""
    if isinstance(weight_decay, np.ndarray):
        return np.where(weight_decay != 0, grad + weight_decay * theta, grad)
    return grad + weight_decay * theta if weight_decay != 0 else grad


def decoupled(theta: Array, lr: Any, weight_decay: Any) -> Array:
    """torch's decoupled weight decay ``θ·(1 − lr·λ)``, skipped (exactly) where λ = 0."""
    if isinstance(weight_decay, np.ndarray):
        return np.where(weight_decay != 0, theta * (1 - lr * weight_decay), theta)
    return theta * (1 - lr * weight_decay) if weight_decay != 0 else theta


def lerp(start: Array, end: Array, weight: Any) -> Array:
    """torch.lerp: ``start + w·(end − start)`` for |w| < 0.5, else ``end − (end − start)·(1 − w)``.

    The two forms round differently; torch picks by |w|, and so do we.
    """
    diff = end - start
    if isinstance(weight, np.ndarray):
        return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))
    return start + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)


def as_theta(theta: Any) -> Array:
    """θ as a float array of shape (N, 2)."""
    arr = np.asarray(theta, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"theta must have shape (N, 2), got {arr.shape}")
    return arr
