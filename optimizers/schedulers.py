"""torch.optim.lr_scheduler's StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR (lr only).

``lrs(base_lr, steps)`` gives the learning rate of each update under torch's cycle
(``optimizer.step()`` then ``scheduler.step()``): update k (1-based) uses η(k − 1), and η(0) is
what the scheduler's construction left (base_lr; base_lr·start_factor for LinearLR,
base_lr·factor for ConstantLR; CyclicLR and OneCycleLR replace the optimizer's lr by their own).
The values come from torch's own formulas — recursive (chainable) where torch's are — in the
same order of operations, so they match torch's to the last bit; a closed form would differ by
~1e-16. CyclicLR and OneCycleLR set the lr only: torch's momentum/β1 cycling is not applied.
Float arguments may be 1-D arrays (one value per run); they broadcast against base_lr.
"""
from __future__ import annotations

import copy
import math
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, ClassVar

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Scheduler


Rule = tuple[Callable[[Any], Any], Callable[[Any, int], Any]]


def _recurse(scheduler: Scheduler, base_lr: Any, steps: int,
             rule: Callable[[Any], Rule] | None = None) -> Array:
    """[η(0), …, η(steps−1)] with η(0) = first(base_lr) and η(t) = update(η(t−1), t), where
    (first, update) = ``(rule or scheduler.rule)(base)``.

    Shape (steps,) + the broadcast shape of base_lr and the scheduler's swept arguments.
    """
    if isinstance(steps, (bool, np.bool_)) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    base = np.asarray(base_lr, dtype=float)
    shape = np.broadcast_shapes(base.shape, *(np.shape(v) for v in scheduler.params.values()
                                              if isinstance(v, np.ndarray)))
    out = np.empty((int(steps),) + shape)
    base = base if base.ndim else float(base)
    with np.errstate(all="ignore"):
        first, update = (rule or scheduler.rule)(base)
        lr = first(base)
        for t in range(int(steps)):
            if t:
                lr = update(lr, t)
            out[t] = lr
    return out


class Chainable(Scheduler):
    """A scheduler as torch's chainable form computes it, from the optimizer's current lr.

    ``rule(base)`` gives (first, update): ``first(lr)`` is what the scheduler's construction
    makes of the current lr (torch's initial step), ``update(lr, t)`` its t-th ``step()``.
    ``at_zero(base, lr)`` is torch's ``_update_lr(0)``, which SequentialLR calls when a
    scheduler takes over at its milestone: the closed form at epoch 0 where torch has one,
    else ``get_lr()`` at epoch 0 (by default what the construction gives).
    ``composable``: SequentialLR and ChainedScheduler may hold it.
    """

    composable: ClassVar[bool] = True

    def rule(self, base: Any) -> Rule:
        raise NotImplementedError

    def at_zero(self, base: Any, lr: Any) -> Any:
        return self.rule(base)[0](lr)

    def lrs(self, base_lr: Any, steps: int) -> Array:
        return _recurse(self, base_lr, steps)


class StepLR(Chainable):
    """η(t) = base·γ^⌊t/s⌋: the lr is multiplied by γ every ``step_size`` updates.

    torch: η(t) = η(t−1)·γ when t is a multiple of s, else η(t−1).
    """

    name = "StepLR"
    summary = "Multiply the learning rate by gamma every step_size updates."
    hyperparams = (
        Hyperparam("step_size", 30, kind="int", low=1,
                   help="Updates between decays (torch requires it; 30 is our default)."),
        Hyperparam("gamma", 0.1, low=0.0, help="Factor applied at each decay."),
    )

    def rule(self, base: Any) -> Rule:
        gamma, size = self.gamma, self.step_size
        return (lambda lr: lr), (lambda lr, t: lr * gamma if t % size == 0 else lr)

    def at_zero(self, base: Any, lr: Any) -> Any:
        return base * c.power(self.gamma, 0 // self.step_size)


class MultiStepLR(Chainable):
    """η(t) = base·γ^(number of milestones ≤ t); a milestone listed twice decays twice.

    torch: η(t) = η(t−1)·γ^(times t is listed) when t is a milestone, else η(t−1); a milestone
    0 already applies at construction.
    """

    name = "MultiStepLR"
    summary = "Multiply the learning rate by gamma at each listed update."
    hyperparams = (
        Hyperparam("milestones", [50, 100], kind="ints", low=0,
                   help="Updates at which to decay (torch requires it; [50, 100] is our default)."),
        Hyperparam("gamma", 0.1, low=0.0, help="Factor applied at each milestone."),
    )

    def rule(self, base: Any) -> Rule:
        gamma, counts = self.gamma, Counter(self.milestones)

        def decay(lr: Any, t: int) -> Any:
            return lr * c.power(gamma, counts[t]) if t in counts else lr

        return (lambda lr: decay(lr, 0)), decay

    def at_zero(self, base: Any, lr: Any) -> Any:
        return base * c.power(self.gamma, bisect_right(sorted(self.milestones), 0))


class ExponentialLR(Chainable):
    """η(t) = base·γᵗ (torch: η(t) = η(t−1)·γ)."""

    name = "ExponentialLR"
    summary = "Multiply the learning rate by gamma after every update."
    hyperparams = (
        Hyperparam("gamma", 0.99, low=0.0,
                   help="Factor applied after every update (torch requires it; 0.99 is our default)."),
    )

    def rule(self, base: Any) -> Rule:
        gamma = self.gamma
        return (lambda lr: lr), (lambda lr, t: lr * gamma)

    def at_zero(self, base: Any, lr: Any) -> Any:
        return base * c.power(self.gamma, 0)


class CosineAnnealingLR(Chainable):
    """η(t) = η_min + (base − η_min)·(1 + cos(πt/T_max))/2, not clamped: back at base at 2·T_max.

    torch: η(t) = (1 + cos(πt/T))/(1 + cos(π(t−1)/T))·(η(t−1) − η_min) + η_min, and where that
    ratio is 0/0 (t − 1 − T a multiple of 2T): η(t) = η(t−1) + (base − η_min)(1 − cos(π/T))/2.
    """

    name = "CosineAnnealingLR"
    summary = "Anneal the learning rate along a half cosine from base to eta_min over T_max updates."
    hyperparams = (
        Hyperparam("T_max", 100, kind="int", low=1,
                   help="Updates from base to eta_min (torch requires it; 100 is our default)."),
        Hyperparam("eta_min", 0.0, low=0.0, help="Lowest learning rate, reached at T_max."),
    )

    def rule(self, base: Any) -> Rule:
        T, eta_min = self.T_max, self.eta_min

        def update(lr: Any, t: int) -> Any:
            if (t - 1 - T) % (2 * T) == 0:
                return lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
            return ((1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                    * (lr - eta_min) + eta_min)

        return (lambda lr: lr), update

    def at_zero(self, base: Any, lr: Any) -> Any:
        return self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * 0 / self.T_max)) / 2


class LinearLR(Chainable):
    """η(t) = base·(s + (e − s)·min(t, n)/n): the factor moves linearly from s to e in n updates.

    torch: η(0) = base·s; η(t) = η(t−1)·(1 + (e − s)/(n·s + (t − 1)(e − s))) for 1 ≤ t ≤ n;
    then unchanged.
    """

    name = "LinearLR"
    summary = "Scale the learning rate by a factor moving linearly from start_factor to end_factor."
    hyperparams = (
        Hyperparam("start_factor", 1.0 / 3, low=0.0, high=1.0, low_open=True, show_value=False,
                   error="Starting multiplicative factor expected to be greater than 0 "
                         "and less or equal to 1.",
                   help="Factor of the first update."),
        Hyperparam("end_factor", 1.0, low=0.0, high=1.0, show_value=False,
                   error="Ending multiplicative factor expected to be between 0 and 1.",
                   help="Factor from update total_iters + 1 on."),
        Hyperparam("total_iters", 5, kind="int", low=0, help="Updates over which the factor moves."),
    )

    def rule(self, base: Any) -> Rule:
        s, e, n = self.start_factor, self.end_factor, self.total_iters

        def update(lr: Any, t: int) -> Any:
            if t > n:
                return lr
            return lr * (1.0 + (e - s) / (n * s + (t - 1) * (e - s)))

        return (lambda lr: lr * s), update

    def at_zero(self, base: Any, lr: Any) -> Any:
        s, e, n = self.start_factor, self.end_factor, self.total_iters
        if n == 0:
            raise ValueError("LinearLR with total_iters=0 cannot follow a milestone "
                             "(torch divides by zero there)")
        return base * (s + (e - s) * min(n, 0) / n)


class ConstantLR(Chainable):
    """η(t) = base·factor for t < total_iters, then base (torch: η(0) = base·factor, and at
    t = total_iters η ← η·(1/factor)).

    As in torch, total_iters = 0 leaves the factor applied for good (the undo step never
    comes), and factor = 0 cannot be undone: torch divides by zero at total_iters, and so does
    ``lrs`` refuse to go past it.
    """

    name = "ConstantLR"
    summary = "Scale the learning rate by a constant factor for the first total_iters updates."
    hyperparams = (
        Hyperparam("factor", 1.0 / 3, low=0.0, high=1.0, show_value=False,
                   error="Constant multiplicative factor expected to be between 0 and 1.",
                   help="Factor of the first total_iters updates."),
        Hyperparam("total_iters", 5, kind="int", help="Updates that use the factor."),
    )

    def lrs(self, base_lr: Any, steps: int) -> Array:
        factor, n = self.factor, self.total_iters
        if 0 < n < steps and np.any(np.asarray(factor) == 0):
            raise ValueError(f"ConstantLR: factor 0 cannot be undone at update {n + 1} "
                             "(torch divides by zero there)")

        return super().lrs(base_lr, steps)

    def rule(self, base: Any) -> Rule:
        factor, n = self.factor, self.total_iters
        def update(lr: Any, t: int) -> Any:
            if t != n:
                return lr
            if np.any(np.asarray(factor) == 0):
                raise ValueError("ConstantLR: factor 0 cannot be undone at its step total_iters "
                                 "(torch divides by zero there)")
            return lr * (1.0 / factor)

        return (lambda lr: lr * factor), update

    def at_zero(self, base: Any, lr: Any) -> Any:
        return base * (self.factor + (0 >= self.total_iters) * (1 - self.factor))


class PolynomialLR(Chainable):
    """η(t) = base·(1 − min(t, T)/T)^power: a polynomial decay to 0 over total_iters updates.

    torch: η(t) = η(t−1)·((1 − t/T)/(1 − (t−1)/T))^power for 1 ≤ t ≤ T, then unchanged.
    """

    name = "PolynomialLR"
    summary = "Decay the learning rate polynomially to 0 over total_iters updates."
    hyperparams = (
        Hyperparam("total_iters", 5, kind="int", help="Updates over which the lr decays to 0."),
        Hyperparam("power", 1.0, help="Power of the polynomial (1: linear decay)."),
    )

    def rule(self, base: Any) -> Rule:
        n, power = self.total_iters, self.power

        def update(lr: Any, t: int) -> Any:
            if t > n:
                return lr
            ratio = np.float64((1.0 - t / n) / (1.0 - (t - 1) / n))
            return lr * ratio ** power

        return (lambda lr: lr), update

    def at_zero(self, base: Any, lr: Any) -> Any:
        n = self.total_iters
        if n == 0:
            raise ValueError("PolynomialLR with total_iters=0 cannot follow a milestone "
                             "(torch divides by zero there)")
        return base * np.float64(1.0 - min(n, 0) / n) ** self.power


class CosineAnnealingWarmRestarts(Chainable):
    """η(t) = η_min + (base − η_min)·(1 + cos(π·T_cur/T_i))/2, restarting at base (SGDR).

    T_cur counts the updates since the last restart; a restart comes when T_cur reaches T_i,
    and then T_i ← T_i·T_mult (T_0 first). torch computes each value from T_cur and T_i
    directly, as here.
    """

    name = "CosineAnnealingWarmRestarts"
    summary = "Cosine annealing from base to eta_min, restarted every T_i updates (T_i grows by T_mult)."
    hyperparams = (
        Hyperparam("T_0", 50, kind="int",
                   help="Updates until the first restart, at least 1 (torch requires it; 50 is our "
                        "default)."),
        Hyperparam("T_mult", 1, kind="int", help="Factor by which T_i grows after a restart, at least 1."),
        Hyperparam("eta_min", 0.0, help="Lowest learning rate."),
    )

    def validate(self, **p: Any) -> None:
        """torch's checks, in its words (an int bound would add its own)."""
        if p["T_0"] <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {p['T_0']}")
        if p["T_mult"] < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {p['T_mult']}")

    def rule(self, base: Any) -> Rule:
        eta_min, mult = self.eta_min, self.T_mult
        cur, period = 0, self.T_0

        def value() -> Any:
            return eta_min + (base - eta_min) * (1 + math.cos(math.pi * cur / period)) / 2

        def update(lr: Any, t: int) -> Any:
            nonlocal cur, period
            cur += 1
            if cur >= period:
                cur, period = cur % period, period * mult
            return value()

        return (lambda lr: value()), update


CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
MOMENTUM_ERROR = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"

CYCLE_MOMENTUM_HELP = ("Also cycle the optimizer's momentum (SGD, RMSprop, Muon) or β1 (the Adam "
                       "family), inversely to the lr; torch's default. The optimizer must have one.")


def momentum_slot(optimizer: Any) -> str:
    """Where torch's CyclicLR and OneCycleLR write the cycled momentum: "betas" (β1, the first
    member) when the optimizer has betas, else "momentum"; ValueError in torch's words when it
    has neither. The textbook's classes are no torch optimizers (no param_groups to write to)."""
    names = {h.name for h in optimizer.hyperparams}
    if optimizer.name.startswith("Textbook.") or not names & {"betas", "momentum"}:
        raise ValueError(MOMENTUM_ERROR)
    return "betas" if "betas" in names else "momentum"


def cycled(optimizer: Any, value: Any) -> Any:
    """The optimizer with its momentum (or β1, betas' first member) set to ``value`` (a float, or
    one per run), as torch's scheduler writes it into the param_group before an update."""
    slot = momentum_slot(optimizer)
    out = copy.copy(optimizer)
    out.params = {**optimizer.params,
                  slot: (value, *optimizer.params["betas"][1:]) if slot == "betas" else value}
    return out


class CyclicLR(Scheduler):
    """The lr cycles between base_lr and max_lr (Smith's cyclical learning rates).

    torch, with c = ⌊1 + t/(up + down)⌋ and x = 1 + t/(up + down) − c:
    s = x/r if x ≤ r else (x − 1)/(r − 1), r = up/(up + down)
    η(t) = base_lr + (max_lr − base_lr)·s·scale, scale = 1 (triangular), 1/2^(c−1)
    (triangular2) or γᵗ (exp_range).
    With cycle_momentum (torch's default) the momentum cycles the other way:
    μ(t) = max_momentum − (max_momentum − base_momentum)·s·scale, written into the optimizer's
    momentum (SGD, RMSprop, Muon) or β1 (optimizers with betas) before each update.

    As in torch, base_lr replaces the optimizer's lr (the first update uses base_lr) and
    max_momentum its momentum or β1. ``mode`` (a string) and ``step_size_down`` (None: equal to
    step_size_up) are accepted as torch's keyword arguments but have no input in the app;
    scale_fn/scale_mode (Python callables) are not offered.
    """

    name = "CyclicLR"
    summary = "Cycle the learning rate between base_lr and max_lr (and momentum the other way)."
    hyperparams = (
        Hyperparam("base_lr", 1e-3, low=0.0, log=True,
                   help="Lower bound of the cycle; replaces the optimizer's lr (torch requires it)."),
        Hyperparam("max_lr", 1e-2, low=0.0, log=True,
                   help="Upper bound of the cycle (torch requires it; 0.01 is our default)."),
        Hyperparam("step_size_up", 2000, kind="int", low=1,
                   help="Updates from base_lr up to max_lr (and down, unless step_size_down is set)."),
        Hyperparam("gamma", 1.0, help="exp_range mode: the amplitude is scaled by γᵗ."),
        Hyperparam("cycle_momentum", True, kind="bool", help=CYCLE_MOMENTUM_HELP),
        Hyperparam("base_momentum", 0.8, help="Momentum (or β1) at the lr's peak."),
        Hyperparam("max_momentum", 0.9, help="Momentum (or β1) at the cycle's start, where the lr is base_lr."),
    )

    def __init__(self, mode: str = "triangular", step_size_down: int | None = None,
                 **params: Any) -> None:
        super().__init__(**params)
        if step_size_down is not None:
            step_size_down = _coerce_int(step_size_down, f"{self.name}: 'step_size_down'")
        if mode not in CYCLIC_MODES:
            raise ValueError("mode is invalid and scale_fn is None")
        self.params.update(step_size_down=step_size_down, mode=mode)

    def _position(self, t: int) -> tuple[float, int]:
        """(s, c) at scheduler step t: the fraction s of the way up, and the cycle c."""
        up = float(self.step_size_up)
        down = float(self.step_size_down) if self.step_size_down is not None else up
        total = up + down
        ratio = up / total
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        return (x / ratio if x <= ratio else (x - 1) / (ratio - 1)), cycle

    def _value(self, low: Any, high: Any, t: int, sign: float) -> Any:
        """low + (high − low)·s·scale (sign +1: the lr) or high − (high − low)·s·scale (sign −1:
        the momentum), in torch's order of operations."""
        scale_factor, cycle = self._position(t)
        height = (high - low) * scale_factor
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1 / (2.0 ** (cycle - 1))
        else:
            scale = c.power(self.gamma, t)
        return low + height * scale if sign > 0 else high - height * scale

    def lrs(self, base_lr: Any, steps: int) -> Array:
        value = lambda lr, t=0: self._value(self.base_lr, self.max_lr, t, 1.0) + 0 * lr  # noqa: E731
        return _recurse(self, base_lr, steps, lambda base: (value, value))

    def momentums(self, steps: int) -> Array | None:
        if not self.cycle_momentum:
            return None
        value = lambda m, t=0: self._value(self.base_momentum, self.max_momentum, t, -1.0)  # noqa: E731
        return _recurse(self, 0.0, steps, lambda base: (value, value))


class OneCycleLR(Scheduler):
    """The 1cycle policy: warm up from max_lr/div_factor to max_lr, then anneal far below.

    Phases (torch's, with T = total_steps and p = pct_start):
      up to step pT − 1: initial_lr → max_lr;  then to T − 1: max_lr → min_lr
      three_phase: initial → max until pT − 1, max → initial until 2pT − 2, initial → min until T − 1
    initial_lr = max_lr/div_factor, min_lr = initial_lr/final_div_factor; each phase anneals
    by a half cosine (anneal_strategy "cos") or linearly ("linear"), as torch computes it.
    With cycle_momentum (torch's default) the momentum (or β1) moves the other way in the same
    phases: max_momentum → base_momentum → max_momentum (three_phase: and stays at max).

    As in torch, max_lr replaces the optimizer's lr, and a run has at most total_steps updates:
    torch raises at scheduler step total_steps + 1, which a longer loop reaches; so does ``lrs``. torch's epochs and
    steps_per_epoch (their product is total_steps) are not offered; ``anneal_strategy`` (a
    string) is accepted but has no input in the app.
    """

    name = "OneCycleLR"
    summary = "Warm up to max_lr, then anneal far below the start (momentum the other way)."
    hyperparams = (
        Hyperparam("max_lr", 0.1, low=0.0, log=True,
                   help="Peak learning rate; replaces the optimizer's lr (torch requires it)."),
        Hyperparam("total_steps", 1000, kind="int",
                   help="Length of the cycle in updates, at least 1 (torch requires it; 1000 is our "
                        "default)."),
        Hyperparam("pct_start", 0.3, help="Fraction of the cycle spent warming up, in [0, 1]."),
        Hyperparam("div_factor", 25.0, help="initial_lr = max_lr/div_factor."),
        Hyperparam("final_div_factor", 1e4, log=True, help="min_lr = initial_lr/final_div_factor."),
        Hyperparam("three_phase", False, kind="bool",
                   help="Come back down to initial_lr before annealing to min_lr."),
        Hyperparam("cycle_momentum", True, kind="bool", help=CYCLE_MOMENTUM_HELP),
        Hyperparam("base_momentum", 0.85, help="Momentum (or β1) at the lr's peak."),
        Hyperparam("max_momentum", 0.95, help="Momentum (or β1) at the start and the end."),
    )

    def __init__(self, anneal_strategy: str = "cos", **params: Any) -> None:
        super().__init__(**params)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy}")
        self.params["anneal_strategy"] = anneal_strategy

    def validate(self, **p: Any) -> None:
        """torch's checks, in its words (no bound's wording)."""
        if p["total_steps"] <= 0:
            raise ValueError(f"Expected positive integer total_steps, but got {p['total_steps']}")
        pct = np.asarray(p["pct_start"])
        bad = (pct < 0) | (pct > 1)
        if np.any(bad):
            raise ValueError("Expected float between 0 and 1 pct_start, but got "
                             f"{float(pct[bad].ravel()[0]) if pct.ndim else float(pct)}")

    def _anneal(self, t: int, points: tuple[Any, Any, Any, Any]) -> Any:
        """The value at step t of the phases through ``points``: (start, peak, initial-again,
        end) for three phases; (start, peak, -, end) for two; in torch's arithmetic."""
        total = self.total_steps
        if t > total:
            raise ValueError(f"Tried to step {t} times. "
                             f"The specified number of total steps is {total}")
        a, b, c3, d = points
        pct_start = np.asarray(self.pct_start, dtype=float)
        end1 = pct_start * total - 1
        end2 = 2 * pct_start * total - 2
        first = t <= end1
        second = ~first & (t <= end2) if self.three_phase else np.zeros_like(first)
        last_start = end2 if self.three_phase else end1
        start_step = np.where(first, 0.0, np.where(second, end1, last_start))
        end_step = np.where(first, end1, np.where(second, end2, total - 1))
        start = np.where(first, a, np.where(second, b, c3 if self.three_phase else b))
        end = np.where(first, b, np.where(second, c3, d))
        pct = (t - start_step) / (end_step - start_step)
        if not np.all(np.isfinite(pct)):
            raise ValueError(f"OneCycleLR: a phase of zero length at step {t} "
                             "(torch divides by zero there)")
        scalar = all(np.ndim(v) == 0 for v in (a, b, c3, d, pct_start))
        if self.anneal_strategy == "cos":
            cos_out = (math.cos(math.pi * float(pct)) if scalar else np.cos(math.pi * pct)) + 1
            out = end + (start - end) / 2.0 * cos_out
        else:
            out = (end - start) * pct + start
        return float(out) if scalar else out

    def lrs(self, base_lr: Any, steps: int) -> Array:
        if steps > self.total_steps:
            raise ValueError(f"Tried to step {self.total_steps + 1} times. "
                             f"The specified number of total steps is {self.total_steps}")
        initial = np.divide(self.max_lr, self.div_factor)
        points = (initial, np.asarray(self.max_lr, dtype=float), initial,
                  np.divide(initial, self.final_div_factor))
        if all(np.ndim(v) == 0 for v in points):
            points = tuple(float(v) for v in points)
        value = lambda lr, t=0: self._anneal(t, points) + 0 * lr  # noqa: E731
        return _recurse(self, base_lr, steps, lambda base: (value, value))

    def momentums(self, steps: int) -> Array | None:
        if not self.cycle_momentum:
            return None
        if steps > self.total_steps:
            raise ValueError(f"Tried to step {self.total_steps + 1} times. "
                             f"The specified number of total steps is {self.total_steps}")
        high, low = self.max_momentum, self.base_momentum
        value = lambda m, t=0: self._anneal(t, (high, low, high, high))  # noqa: E731
        return _recurse(self, 0.0, steps, lambda base: (value, value))


def _coerce_int(value: Any, where: str) -> int:
    """An integer (a float with an integer value is accepted), else ValueError naming it."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{where} must be an integer, got {value!r}")
    try:
        if float(value) != int(value):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{where} must be an integer, got {value!r}") from None
    return int(value)
