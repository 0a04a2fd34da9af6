"""torch.optim's optimizers and learning-rate schedulers as pure, batched NumPy functions.

``make("Adam", {"lr": 0.1})`` builds an optimizer exactly as ``torch.optim.Adam(params, lr=0.1)``
would behave; ``make_scheduler("StepLR", {"step_size": 30})`` likewise for a scheduler.

``OPTIMIZERS`` holds torch.optim's optimizers (LBFGS too, which evaluates f several times per
step and runs one run at a time; not SparseAdam, for sparse gradients). ``REFERENCE`` holds every optimizer that is *not*
part of torch.optim; their classes set ``reference = True`` so lists can say so: Newton's method
(which needs the Hessian), ``BEYOND`` (modern optimizers from their authors' packages: Lion,
schedule-free SGD and AdamW, Adan, AdaBelief, Prodigy) and ``TEXTBOOK`` (the textbook's own NumPy
classes, "Textbook.SGD" and so on) and ``WRAPPERS`` (Lookahead and SAM, which wrap any other
optimizer: ``make("SAM", {"rho": 0.05, "optimizer": {"name": "SGD", "params": {"lr": 0.1}}})``).
``make`` accepts them all; ``ALL_OPTIMIZERS`` is the lot.
"""
from __future__ import annotations

from typing import Any

from .adabelief import AdaBelief
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .adan import Adan
from .asgd import ASGD
from .base import Hyperparam, Optimizer, Scheduler
from .composite import REGISTRY as _NESTED, ChainedScheduler, SequentialLR
from .lambda_lr import LambdaLR, MultiplicativeLR
from .lbfgs import LBFGS
from .lion import Lion
from .lookahead import Lookahead
from .muon import Muon
from .nadam import NAdam
from .prodigy import Prodigy
from .radam import RAdam
from .newton import Newton
from .plateau import ReduceLROnPlateau
from .rmsprop import RMSprop
from .rprop import Rprop
from .sam import SAM
from .schedulefree import AdamWScheduleFree, SGDScheduleFree
from .schedulers import (ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR,
                         ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, PolynomialLR, StepLR,
                         momentum_slot)
from .sgd import SGD
from .textbook import TEXTBOOK_CLASSES

BEYOND: dict[str, type[Optimizer]] = {   # not torch.optim: the authors' packages
    cls.name: cls for cls in (Lion, AdamWScheduleFree, SGDScheduleFree, Adan, AdaBelief, Prodigy)
}
TEXTBOOK: dict[str, type[Optimizer]] = {cls.name: cls for cls in TEXTBOOK_CLASSES}
WRAPPERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (Lookahead, SAM)}   # not torch.optim
ALL_OPTIMIZERS: dict[str, type[Optimizer]] = {
    **{cls.name: cls
       for cls in (SGD, Adagrad, RMSprop, Adam, AdamW, Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD,
                   Adafactor, Muon, LBFGS, Newton)},
    **BEYOND, **WRAPPERS, **TEXTBOOK,
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
                              OneCycleLR, LambdaLR, MultiplicativeLR, ReduceLROnPlateau,
                              SequentialLR, ChainedScheduler)
}
_NESTED.update(SCHEDULERS)     # the schedulers SequentialLR and ChainedScheduler may name


def make(name: str, params: dict[str, Any] | None = None) -> Optimizer:
    """The optimizer called ``name`` (torch's class name, or a REFERENCE one such as "Newton",
    "Lion" or "Textbook.Adam") with keyword arguments ``params``."""
    return _lookup(ALL_OPTIMIZERS, "optimizer", name)(**(params or {}))


def make_scheduler(name: str, params: dict[str, Any] | None = None) -> Scheduler:
    """The scheduler called ``name`` (torch's class name) with keyword arguments ``params``."""
    return _lookup(SCHEDULERS, "scheduler", name)(**(params or {}))


def _lookup(registry: dict[str, type], kind: str, name: str) -> type:
    if name not in registry:
        raise ValueError(f"unknown {kind} {name!r}; known: {', '.join(registry)}")
    return registry[name]


# "Textbook.SGD" and the like are no Python names: the textbook classes are not exported.
__all__ = ["OPTIMIZERS", "REFERENCE", "BEYOND", "TEXTBOOK", "WRAPPERS", "ALL_OPTIMIZERS", "SCHEDULERS",
           "Hyperparam", "Optimizer", "Scheduler", "make", "make_scheduler", *OPTIMIZERS, "Newton",
           *BEYOND, *WRAPPERS, *SCHEDULERS]
