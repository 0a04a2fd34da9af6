"""pytorch-optimizer's checks as Hyperparam bounds, with its messages (``BaseOptimizer.validate_*``).

The package raises ValueError, except for a negative lr (its NegativeLRError, an Exception);
we raise ValueError with the same text. A sweep (an array) is checked element by element.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .base import Hyperparam


def lr(default: float, help: str) -> Hyperparam:
    """``validate_learning_rate``: 'learning rate must be positive. ({lr} > 0)' for lr < 0."""
    return Hyperparam("lr", default, low=0.0, log=True, help=help,
                      error="learning rate must be positive. ({value} > 0)")


def non_negative(name: str, default: float, help: str, **kwargs: Any) -> Hyperparam:
    """``validate_non_negative``: '{name} must be non-negative'."""
    return Hyperparam(name, default, low=0.0, help=help, error=f"{name} must be non-negative",
                      show_value=False, **kwargs)


def betas(default: tuple[float, float], help: str) -> Hyperparam:
    """``validate_betas`` for (β1, β2): 'beta1 must be in the range [0.0, 1.0)'."""
    return Hyperparam("betas", default, kind="pair", low=0.0, high=1.0, high_open=True, help=help,
                      error="beta{number} must be in the range [0.0, 1.0)", show_value=False)


def check_betas(values: tuple[Any, ...], kinds: tuple[str, ...]) -> None:
    """``validate_betas`` where the members' ranges differ (Adan's β3 may be 1): 'beta3 must be
    in the range [0.0, 1.0]'. One Hyperparam states one range, so this stays a check."""
    for i, (beta, kind) in enumerate(zip(values, kinds)):
        arr = np.asarray(beta, dtype=float)
        low_ok = arr > 0 if kind[0] == "(" else arr >= 0
        high_ok = arr < 1 if kind[1] == ")" else arr <= 1
        if not np.all(low_ok & high_ok):
            raise ValueError(f"beta{i + 1} must be in the range {kind[0]}0.0, 1.0{kind[1]}")
