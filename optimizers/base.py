"""What every optimizer and scheduler shares: hyperparameter descriptions and validation.

An optimizer is torch's update rule as two pure functions over a batch of runs:
``init(theta) -> state`` and ``step(state, theta, grad, lr, *, hessian=None) -> (theta, state)``,
where ``theta`` and ``grad`` have shape (N, 2): N independent runs advanced by one call.
``explain(before, after, lr)`` says what a step did (the effective learning rate, the momentum).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NamedTuple

import numpy as np

Array = np.ndarray
# closure(points (M, 2), rows) -> (f (M,), ∇f (M, 2)) for the runs ``rows`` (None: all of them)
Closure = Callable[[Array, Any], tuple[Array, Array]]


@dataclass(frozen=True)
class Hyperparam:
    """One keyword argument, described once: for the app's inputs, the CLI, the README and the
    validation that ``Configurable.__init__`` runs from it.

    kind: "float", "int", "bool", "pair" (two floats, e.g. betas), "triple" (three floats, e.g.
    Adan's betas), "ints" (a list of ints, e.g. milestones), "choice" (one of ``choices``, e.g.
    ReduceLROnPlateau's mode, or LBFGS's line_search_fn None or "strong_wolfe"), "formula" (a
    typed formula in ``epoch``, e.g. LambdaLR's lr_lambda: parsed by surfaces.expr, never
    executed), "schedulers" (a list of schedulers, each ``{"name": ..., "params": {...}}`` or a
    built Scheduler: SequentialLR's) or "optimizer" (a wrapped optimizer, e.g. Lookahead's: an
    ``Optimizer``, or ``{"name": ..., "params": {...}}`` that ``make`` builds). ``low``/``high`` bound the valid
    range (None: unbounded); ``low_open`` / ``high_open`` exclude the bound itself. ``log``: a
    log-scale input suits it. ``optional``: the float may also be None, a package's "not set"
    (Prodigy's beta3 and eps; None is not checked against the bounds); a float whose default is
    infinite (Prodigy's growth_rate) also takes infinity; an optional int may be None too (LBFGS's
    max_eval: torch's "max_iter * 5 // 4").

    ``error`` words the ValueError for a value out of bounds, as torch does (default
    "Invalid {name} value"): the message is ``f"{error}: {value}"``, naming the first bad
    element of a sweep (``Invalid learning rate: -1.0``). For a pair or triple, ``{index}`` in
    ``error`` stands for the member's index 0, 1, 2 (``Invalid beta parameter at index {index}``)
    and ``{number}`` for its count from 1 (pytorch-optimizer's ``beta{number} must be ...``).
    ``{value}`` in ``error`` places the value inside the message instead of after it.
    ``range_text``: the valid range in words where one interval cannot state it (Adan's betas:
    β1, β2 ∈ [0, 1), β3 ∈ [0, 1]); the optimizer's ``validate`` checks it, the bounds stay None. "int"
    and "ints" (which torch does not check) add the requirement: ``Invalid step_size value: 0
    (must be at least 1)``. ``show_value`` False: the message is ``error`` alone (torch's
    LinearLR states its range in words).
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
    error: str = ""
    show_value: bool = True
    optional: bool = False
    range_text: str = ""
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not self.error and self.bounded and self.kind != "choice":
            object.__setattr__(self, "error", f"Invalid {self.name} value")

    @property
    def bounded(self) -> bool:
        """The value is checked: it has a lower or an upper bound."""
        return self.low is not None or self.high is not None

    def inside(self, value: Any) -> Array:
        """Element by element, whether ``value`` (a number or an array) lies within the bounds."""
        v = np.asarray(value, dtype=float)
        ok = np.ones(v.shape, dtype=bool)
        if self.low is not None:
            ok &= (v > self.low) if self.low_open else (v >= self.low)
        if self.high is not None:
            ok &= (v < self.high) if self.high_open else (v <= self.high)
        return ok

    def check(self, value: Any) -> None:
        """Raise ``ValueError(self.message(...))`` if ``value`` is out of bounds.

        torch checks one number; a sweep (an array) is checked element by element and the
        first bad element is named; a pair member by member (index 0 first); a list of ints
        is named whole.
        """
        if self.kind == "choice" and value not in self.choices:
            raise ValueError(self.error.format(value=value) if self.error else
                             f"{self.name} must be one of {', '.join(map(repr, self.choices))}, "
                             f"got {value!r}")
        if (value is None and self.optional) or self.kind in ("choice", "formula", "schedulers", "optimizer"):
            return
        members = enumerate(value) if self.kind in ("pair", "triple") else [(None, value)]
        for index, member in members:
            ok = self.inside(member)
            if not ok.all():
                bad = member if self.kind in ("int", "ints") else \
                    float(np.asarray(member, dtype=float)[~ok].ravel()[0])
                raise ValueError(self.message(bad, index))

    def message(self, value: Any, index: int | None = None) -> str:
        """The ValueError message for the out-of-bounds ``value`` (member ``index`` of a pair)."""
        inline = "{value}" in self.error
        text = (self.error.format(index=index, number=None if index is None else index + 1,
                                  value=value)
                if self.kind in ("pair", "triple") or inline else self.error)
        if not self.show_value or inline:
            return text
        if self.kind in ("int", "ints"):
            return f"{text}: {value} (must be {self.requirement()})"
        return f"{text}: {value}"

    def requirement(self) -> str:
        """The bounds in words: "non-negative", "at least 1", "in [0, 1)", ..."""
        if self.high is None and self.low is not None:
            if self.low == 0:
                return "positive" if self.low_open else "non-negative"
            return f"greater than {self.low:g}" if self.low_open else f"at least {self.low:g}"
        if self.low is None and self.high is not None:
            return f"less than {self.high:g}" if self.high_open else f"at most {self.high:g}"
        return f"in {self._interval()}"

    def bounds_text(self) -> str:
        """The valid range in math notation: "≥ 0", "< 1", "∈ [0, 1)", "any" when unbounded;
        "each " first for a pair or a list; "" for a bool."""
        if self.kind in ("bool", "optimizer"):
            return ""
        if self.kind == "choice":
            return " or ".join("None" if c is None else f'"{c}"' for c in self.choices)
        if self.kind == "formula":
            return "a formula in epoch"
        if self.kind == "schedulers":
            return "each a chainable scheduler"
        if self.range_text:
            return self.range_text
        if self.low is None and self.high is None:
            text = "any"
        elif self.high is None:
            text = f"{'>' if self.low_open else '≥'} {self.low:g}"
        elif self.low is None:
            text = f"{'<' if self.high_open else '≤'} {self.high:g}"
        else:
            text = f"∈ {self._interval()}"
        return f"each {text}" if self.kind in ("pair", "triple", "ints") else text

    def _interval(self) -> str:
        """Both bounds as an interval: "[0, 1)", "(0, 1]", ..."""
        return (f"{'(' if self.low_open else '['}{self.low:g}, "
                f"{self.high:g}{')' if self.high_open else ']'}")


class Configurable:
    """Base of optimizers and schedulers: torch's keyword arguments, defaults and checks.

    Construction coerces each value to its kind, checks the shapes of sweeps, then each
    hyperparameter's bounds (``Hyperparam.check``) in torch's order, then ``validate``.
    """

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    hyperparams: ClassVar[tuple[Hyperparam, ...]] = ()
    # torch's order of checks where it differs from the declaration's: these names are checked
    # first, the others after them in declaration order.
    check_order: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **params: Any) -> None:
        known = {h.name: h for h in self.hyperparams}
        for key in params:
            if key not in known:
                raise ValueError(f"unknown parameter '{key}' for {self.name}")
        self.params = {h.name: _coerce(h, params.get(h.name, h.default), self.name)
                       for h in self.hyperparams}
        check_sweeps(self.name, self.params)
        order = [*self.check_order, *(h.name for h in self.hyperparams)]
        for key in dict.fromkeys(order):
            known[key].check(self.params[key])
        self.validate(**self.params)

    def validate(self, **params: Any) -> None:
        """Raise ValueError for what the bounds alone do not catch (run after them)."""

    def __getattr__(self, key: str) -> Any:
        params = self.__dict__.get("params", {})
        if key in params:
            return params[key]
        raise AttributeError(key)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}({args})"


def check_sweeps(owner: str, params: dict[str, Any]) -> None:
    """Every array-valued hyperparameter is 1-D, non-empty, and all have one length."""
    lengths = set()
    for key, value in params.items():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, np.ndarray):
                if item.ndim != 1 or item.size == 0:
                    raise ValueError(f"{owner}: a sweep of '{key}' must be a non-empty 1-D array, "
                                     f"got shape {item.shape}")
                lengths.add(item.size)
    if len(lengths) > 1:
        raise ValueError(f"{owner}: swept hyperparameters have different lengths {sorted(lengths)}")


class Optimizer(Configurable):
    """torch.optim's update rule, batched: state arrays carry a leading run axis.

    Abilities are declared here, so callers ask the class instead of probing:
    ``needs_hessian`` (True: ``step`` uses ``hessian=(fxx, fxy, fyy)`` at θ, each (N,); the
    runner evaluates it only then), ``needs_closure`` (True: ``step`` evaluates f and ∇f at
    points of its own through ``closure=``, as torch's LBFGS and SAM call theirs; the runner
    passes it only then), ``batched`` (False: ``step`` advances its runs one at a time in
    Python, so grids of thousands of runs are refused) and ``reference`` (True: not part of
    torch.optim, e.g. Newton). A wrapper (Lookahead, SAM) sets the first two per instance, from
    the optimizer it wraps.
    """

    needs_hessian: ClassVar[bool] = False
    needs_closure: ClassVar[bool] = False
    batched: ClassVar[bool] = True
    reference: ClassVar[bool] = False

    @property
    def base_lr(self) -> Any:
        """The lr a scheduler starts from: the ``lr`` keyword (a wrapper's: its inner optimizer's)."""
        return self.params["lr"]

    def extras(self, state: NamedTuple) -> dict[str, Array]:
        """Points beyond the path that the last update made, for the inside view: name ->
        (N, m, 2), NaN where a run has fewer than m (Lookahead's slow weights, SAM's perturbed
        point, LBFGS's function evaluations). Most optimizers have none."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., "params": {...}}`` with every keyword argument, JSON-ready (a wrapped
        optimizer as its own dict): what ``make`` builds the same optimizer from."""
        return {"name": self.name, "params": {k: v.to_dict() if isinstance(v, Optimizer) else
                                              list(v) if isinstance(v, tuple) else v
                                              for k, v in self.params.items()}}

    def init(self, theta: Array) -> NamedTuple:
        """The state before the first update, for θ of shape (N, 2); its step counter is 0."""
        raise NotImplementedError

    def step(self, state: NamedTuple, theta: Array, grad: Array, lr: Any, *,
             hessian: tuple[Array, Array, Array] | None = None) -> tuple[Array, NamedTuple]:
        """One update of every run: the new θ (N, 2) and state.

        ``grad`` is ∇f at θ (N, 2); ``lr`` a float, or an (N, 1) column (one lr per run).
        ``hessian`` is (fxx, fxy, fyy) at θ for an optimizer that ``needs_hessian``; the
        others ignore it. An optimizer that ``needs_closure`` also takes ``closure=``, a
        ``Closure``: ``closure(points, rows)`` gives (f, ∇f) at ``points`` (M, 2) for the runs
        ``rows`` of the batch (an index array, or None for all N), this step's gradient noise
        included (the same mini-batch for every evaluation of one step, as torch's closure).
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
    """torch.optim.lr_scheduler's rule: the learning rate used by each update.

    Most schedulers depend on the step count only: ``lrs`` gives every lr at once. One whose
    class sets ``loss_driven = True`` (ReduceLROnPlateau) depends on each step's loss: the
    runner asks ``plateau_start``/``plateau_step`` step by step instead. ``momentums`` gives the
    momentum (or β1) a scheduler writes into the optimizer at each update (CyclicLR's and
    OneCycleLR's cycle_momentum), None for the others.
    """

    loss_driven: ClassVar[bool] = False

    def lrs(self, base_lr: Any, steps: int) -> Array:
        """Array of shape (steps,) + shape(base_lr): entry k is the lr of update k+1."""
        raise NotImplementedError

    def momentums(self, steps: int) -> Array | None:
        """The momentum or β1 of each update, shape (steps,) + sweep shape, or None when the
        scheduler leaves the optimizer's own (the default)."""
        return None


def _coerce(h: Hyperparam, value: Any, owner: str) -> Any:
    """Turn a JSON-ish value into the hyperparameter's type; reject NaN and infinity."""
    where = f"{owner}: '{h.name}'"
    if h.kind == "optimizer":
        if value is None:
            raise ValueError(f"{where} is required: the optimizer to wrap, e.g. "
                             '{"name": "Adam", "params": {"lr": 0.1}}')
        return _inner_optimizer(value, where)
    if h.kind == "choice" and not h.error:     # with torch's own words: checked with the bounds
        if not any(value == c and type(value) is type(c) for c in h.choices):
            raise ValueError(f"{where} must be one of {', '.join(repr(c) for c in h.choices)}, "
                             f"got {value!r:.40}")
        return value
    if value is None and h.optional and h.kind == "int":
        return None
    try:
        if h.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError
            return bool(value)
        if h.kind == "choice":      # its membership is checked with the bounds, in torch's order
            if not isinstance(value, str) and value is not None:
                raise TypeError
            return value
        if h.kind == "formula":
            if not isinstance(value, str):
                raise TypeError
            return value
        if h.kind == "schedulers":    # built by the composite scheduler itself
            if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
                raise TypeError
            return tuple(value)
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
        if h.kind in ("pair", "triple"):
            if isinstance(value, (str, bytes)) or len(value) != (2 if h.kind == "pair" else 3):
                raise TypeError
            pair = tuple(_finite(v, where) for v in value)
            return pair
        if value is None and h.optional:
            return None
        if h.default == math.inf and isinstance(value, (int, float)) and value == math.inf:
            return math.inf
        return _finite(value, where)
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(where):
            raise
        kinds = {"formula": "a formula in epoch (text)", "choice": "text",
                 "schedulers": "a list of schedulers", "bool": "true or false",
                 "int": "an integer" + (" or null" if h.optional else ""), "ints": "a list of integers",
                 "pair": "a pair of numbers", "triple": "three numbers", "float": "a number"}
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


def _inner_optimizer(value: Any, where: str) -> Optimizer:
    """A wrapped optimizer: an Optimizer as it is, or ``{"name": ..., "params": {...}}`` built by
    ``optimizers.make`` (its errors prefixed with ``where``: the field a user must fix)."""
    if isinstance(value, Optimizer):
        return value
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) \
            or set(value) - {"name", "params"} or not isinstance(value.get("params", {}), dict):
        raise ValueError(f"{where} must be an optimizer "
                         '{"name": "Adam", "params": {"lr": 0.1}}' f", got {value!r:.60}")
    from . import make        # the registry imports this module: look it up when needed
    try:
        return make(value["name"], value.get("params") or {})
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
