"""torch.optim's optimizers and learning-rate schedulers as pure, batched NumPy functions.

``make("Adam", {"lr": 0.1})`` builds an optimizer exactly as ``torch.optim.Adam(params, lr=0.1)``
would behave; ``make_scheduler("StepLR", {"step_size": 30})`` likewise for a scheduler.

``OPTIMIZERS`` holds torch.optim's optimizers only (not LBFGS, which evaluates f several times
per step, nor SparseAdam, for sparse gradients). ``REFERENCE`` holds optimizers that are *not*
part of torch.optim (Newton's method, which needs the Hessian): the classes whose ``reference``
is True. ``make`` accepts both; ``ALL_OPTIMIZERS`` is the two together.
"""
from __future__ import annotations

from typing import Any

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .base import Hyperparam, Optimizer, Scheduler
from .muon import Muon
from .nadam import NAdam
from .radam import RAdam
from .newton import Newton
from .rmsprop import RMSprop
from .rprop import Rprop
from .schedulers import (ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR,
                         ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, PolynomialLR, StepLR)
from .sgd import SGD

ALL_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls
    for cls in (SGD, Adagrad, RMSprop, Adam, AdamW, Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD,
                Adafactor, Muon, Newton)
}
OPTIMIZERS: dict[str, type[Optimizer]] = {
    name: cls for name, cls in ALL_OPTIMIZERS.items() if not cls.reference
}
REFERENCE: dict[str, type[Optimizer]] = {   # not torch.optim
    name: cls for name, cls in ALL_OPTIMIZERS.items() if cls.reference
}
SCHEDULERS: dict[str, type[Scheduler]] = {
    cls.name: cls for cls in (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
                              ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR,
                              OneCycleLR)
}


def make(name: str, params: dict[str, Any] | None = None) -> Optimizer:
    """The optimizer called ``name`` (torch's class name, or a REFERENCE one such as "Newton")
    with keyword arguments ``params``."""
    return _lookup(ALL_OPTIMIZERS, "optimizer", name)(**(params or {}))


def make_scheduler(name: str, params: dict[str, Any] | None = None) -> Scheduler:
    """The scheduler called ``name`` (torch's class name) with keyword arguments ``params``."""
    return _lookup(SCHEDULERS, "scheduler", name)(**(params or {}))


def _lookup(registry: dict[str, type], kind: str, name: str) -> type:
    if name not in registry:
        raise ValueError(f"unknown {kind} {name!r}; known: {', '.join(registry)}")
    return registry[name]


__all__ = ["OPTIMIZERS", "REFERENCE", "ALL_OPTIMIZERS", "SCHEDULERS", "Hyperparam", "Optimizer",
           "Scheduler", "make", "make_scheduler", *ALL_OPTIMIZERS, *SCHEDULERS]
