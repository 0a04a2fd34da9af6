"""What every optimizer and scheduler shares: hyperparameter descriptions and validation.

An optimizer is torch's update rule as two pure functions over a batch of runs:
``init(theta) -> state`` and ``step(state, theta, grad, lr, *, hessian=None) -> (theta, state)``,
where ``theta`` and ``grad`` have shape (N, 2): N independent runs advanced by one call.
``explain(before, after, lr)`` says what a step did (the effective learning rate, the momentum).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Hyperparam:
    """One keyword argument, described once for the app's inputs and the CLI's validation.

    kind: "float", "int", "bool", "pair" (two floats, e.g. betas) or "ints" (a list of ints,
    e.g. milestones). ``low``/``high`` bound the valid range (None: unbounded); ``low_open`` /
    ``high_open`` exclude the bound itself. ``log``: a log-scale input suits it.
    """

    name: str
    default: Any
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    log: bool = False
    help: str = ""


class Configurable:
    """Base of optimizers and schedulers: torch's keyword arguments, defaults and checks."""

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    hyperparams: ClassVar[tuple[Hyperparam, ...]] = ()

    def __init__(self, **params: Any) -> None:
        known = {h.name: h for h in self.hyperparams}
        for key in params:
            if key not in known:
                raise ValueError(f"unknown parameter '{key}' for {self.name}")
        self.params = {h.name: _coerce(h, params.get(h.name, h.default), self.name)
                       for h in self.hyperparams}
        self.validate(**self.params)

    def validate(self, **params: Any) -> None:
        """Raise ValueError with torch's message for an invalid value."""

    def __getattr__(self, key: str) -> Any:
        params = self.__dict__.get("params", {})
        if key in params:
            return params[key]
        raise AttributeError(key)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}({args})"


class Optimizer(Configurable):
    """torch.optim's update rule, batched: state arrays carry a leading run axis.

    Abilities are declared here, so callers ask the class instead of probing:
    ``needs_hessian`` (True: ``step`` uses ``hessian=(fxx, fxy, fyy)`` at θ, each (N,); the
    runner evaluates it only then) and ``reference`` (True: not part of torch.optim, e.g. Newton).
    """

    needs_hessian: ClassVar[bool] = False
    reference: ClassVar[bool] = False

    def init(self, theta: Array) -> NamedTuple:
        """The state before the first update, for θ of shape (N, 2); its step counter is 0."""
        raise NotImplementedError

    def step(self, state: NamedTuple, theta: Array, grad: Array, lr: Any, *,
             hessian: tuple[Array, Array, Array] | None = None) -> tuple[Array, NamedTuple]:
        """One update of every run: the new θ (N, 2) and state.

        ``grad`` is ∇f at θ (N, 2); ``lr`` a float, or an (N, 1) column (one lr per run).
        ``hessian`` is (fxx, fxy, fyy) at θ for an optimizer that ``needs_hessian``; the
        others ignore it.
        """
        raise NotImplementedError

    def explain(self, before: NamedTuple, after: NamedTuple, lr: Any) -> dict[str, Array]:
        """What the update from state ``before`` to state ``after`` did, per coordinate.

        Returns ``{"effective_lr": (N, 2)}`` and, for optimizers that keep one,
        ``"momentum": (N, 2)``. ``effective_lr`` is the factor that turns the (bias-corrected)
        first moment, or the gradient for methods without one, into the step: lr/(√v̂ + eps)
        applied to m̂ = m/(1 − β1ᵗ) for Adam, lr applied to g for SGD without momentum.
        ``momentum`` is the buffer as torch stores it (SGD's momentum_buffer, Adam's exp_avg).
        Each optimizer's docstring states the identity that links them to its update.
        """
        raise NotImplementedError


class Scheduler(Configurable):
    """torch.optim.lr_scheduler's rule: the learning rate used by each update."""

    def lrs(self, base_lr: Any, steps: int) -> Array:
        """Array of shape (steps,) + shape(base_lr): entry k is the lr of update k+1."""
        raise NotImplementedError


def _coerce(h: Hyperparam, value: Any, owner: str) -> Any:
    """Turn a JSON-ish value into the hyperparameter's type; reject NaN and infinity."""
    where = f"{owner}: '{h.name}'"
    try:
        if h.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError
            return bool(value)
        if h.kind == "int":
            if isinstance(value, bool) or float(value) != int(value):
                raise TypeError
            return int(value)
        if h.kind == "ints":
            if isinstance(value, (str, bytes)) or any(isinstance(v, bool) for v in value):
                raise TypeError
            out = [int(v) for v in value]
            if any(float(a) != b for a, b in zip(value, out)):
                raise TypeError
            return out
        if h.kind == "pair":
            if isinstance(value, (str, bytes)) or len(value) != 2:
                raise TypeError
            pair = tuple(_finite(v, where) for v in value)
            return pair
        return _finite(value, where)
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(where):
            raise
        kinds = {"bool": "true or false", "int": "an integer", "ints": "a list of integers",
                 "pair": "a pair of numbers", "float": "a number"}
        raise ValueError(f"{where} must be {kinds[h.kind]}, got {value!r}") from None


def _finite(value: Any, where: str) -> Any:
    """A float, or a float array for sweeps; NaN and infinity are rejected."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError
    if isinstance(value, np.ndarray):
        arr = value.astype(float)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{where} must be finite")
        return arr
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be finite, got {number}")
    return number
