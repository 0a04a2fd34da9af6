"""Muon: momentum whose matrix update is orthogonalized by a Newton–Schulz iteration in bfloat16."""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)    # torch's DEFAULT_A, DEFAULT_B, DEFAULT_C
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


class MuonState(NamedTuple):
    """step; momentum_buffer B (N, 2); direction (N, 2): what was orthogonalized (B̃ below);
    ortho (N, 2): its orthogonalization O, bfloat16 values held in float64."""

    step: int
    momentum_buffer: Array
    direction: Array
    ortho: Array


class Muon(Optimizer):
    """torch.optim.Muon, on the point (x, y) taken as the 1×2 matrix [[x, y]].

    g = ∇f;  B ← B + (1 − μ)·(g − B)   (torch's lerp)
    B̃ = g + μ·(B − g) if nesterov else B
    O = NS₅(B̃): X = bf16(B̃)/‖bf16(B̃)‖ (at least eps), then ns_steps times X ← aX + (bG + cG²)X
        with G = XXᵀ, every product rounded to bfloat16 as torch does on the CPU
    θ ← θ·(1 − lr·λ);  θ ← θ − lr·k·O     (k = 1, or 0.2·√2 with adjust_lr_fn="match_rms_adamw")

    What Muon becomes on a 1×2 matrix: the matrix has one singular value, so "orthogonalizing"
    it means normalizing it: UVᵀ = B̃/‖B̃‖. The Newton–Schulz polynomial, which in a large
    matrix pushes every singular value towards ~1, maps the single value 1 to about 0.70 after
    five steps (its quintic oscillates between ~0.7 and ~1.1). So on a point Muon is
    normalized Nesterov momentum: every step has length ≈ 0.70·lr whatever the gradient's
    size, in the direction of B̃ rounded to bfloat16 (8 significant bits, about 0.4% off).
    None of the reasons Muon exists for hidden layers (equalizing a matrix's singular
    directions) shows here. weight_decay defaults to 0.1 in torch, so θ also shrinks.

    ``ns_coefficients`` (three floats) and ``adjust_lr_fn`` (None, "original" or
    "match_rms_adamw") are torch's keyword arguments too; they have no input in the app's
    list of hyperparameters (not a number, nor a pair). torch checks ns_steps < 100 and the
    three coefficients only at the first step; here the constructor does, with torch's messages.
    Needs ``ml_dtypes`` for bfloat16.
    """

    name = "Muon"
    summary = ("Orthogonalized momentum (bfloat16 Newton–Schulz); on a 1×2 point: normalized "
               "Nesterov momentum, steps of ≈0.70·lr")
    hyperparams = (
        Hyperparam("lr", 1e-3, low=0.0, log=True, error="Learning rate should be >= 0 but is",
                   help="Learning rate: steps are about 0.70·lr long."),
        Hyperparam("weight_decay", 0.1, low=0.0, error="weight decay should be >= 0 but is",
                   help="Decoupled weight decay: θ ← θ·(1 − lr·λ)."),
        Hyperparam("momentum", 0.95, low=0.0, error="momentum should be >= 0 but is",
                   help="Momentum factor μ of the buffer B."),
        Hyperparam("nesterov", True, kind="bool",
                   help="Orthogonalize g + μ·(B − g) instead of B."),
        Hyperparam("eps", 1e-7, log=True, help="Floor of the norm B̃ is divided by."),
        Hyperparam("ns_steps", 5, kind="int",
                   help="Newton–Schulz iterations (torch requires fewer than 100)."),
    )
    check_order = ("lr", "momentum", "weight_decay")      # torch's order

    def __init__(self, ns_coefficients: Any = NS_COEFFICIENTS, adjust_lr_fn: str | None = None,
                 **params: Any) -> None:
        super().__init__(**params)
        if adjust_lr_fn not in ADJUST_LR_FNS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        if isinstance(ns_coefficients, (str, bytes)) or len(ns_coefficients) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        coefficients = tuple(_finite(v, f"{self.name}: 'ns_coefficients'") for v in ns_coefficients)
        self.params.update(ns_coefficients=coefficients, adjust_lr_fn=adjust_lr_fn)

    def validate(self, **p: Any) -> None:
        """torch's ns_steps check (torch makes it at the first step; its wording is not a bound's)."""
        if p["ns_steps"] >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")

    def init(self, theta: Array) -> MuonState:
        zeros = np.zeros_like(c.as_theta(theta))
        return MuonState(0, zeros, zeros, zeros)

    def _lr_ratio(self) -> float:
        """torch's _adjust_lr for shape (A, B) = (1, 2)."""
        if self.adjust_lr_fn == "match_rms_adamw":
            return 0.2 * math.sqrt(max(1, 2))
        return math.sqrt(max(1, 1 / 2)) if self.adjust_lr_fn in (None, "original") else 1.0

    def step(self, state: MuonState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, MuonState]:
        """One update; returns the new θ and state. ``lr`` is a float or an (N, 1) column."""
        mu, wd, lr = c.col(self.momentum), c.col(self.weight_decay), c.col(lr)
        with np.errstate(all="ignore"):
            buf = c.lerp(state.momentum_buffer, grad, 1 - mu)
            direction = c.lerp(grad, buf, mu) if self.nesterov else buf
            ortho = newton_schulz(direction, self.ns_coefficients, self.ns_steps, self.eps)
            theta = theta * (1 - lr * wd)
            theta = theta + (-(lr * self._lr_ratio())) * ortho
            return theta, MuonState(state.step + 1, buf, direction, ortho)

    def explain(self, before: MuonState, after: MuonState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr·k·‖O‖/‖B̃‖ on both coordinates, so that the update is
        −effective_lr ⊙ B̃ (after the weight decay) up to the bfloat16 rounding of O's
        direction. momentum: the buffer B."""
        with np.errstate(all="ignore"):
            ratio = _norm(after.ortho) / _norm(after.direction)
            ratio = np.where(np.isfinite(ratio), ratio, 0.0)
            eff = c.col(lr) * self._lr_ratio() * ratio
            return {"effective_lr": np.zeros_like(after.ortho) + eff,
                    "momentum": after.momentum_buffer}


def _bf16(a: Any) -> Array:
    """Round to bfloat16 as torch does (float64 → float32 → bfloat16, to nearest even),
    returned as float32 (exact): torch's CPU kernels compute bfloat16 ops in float32.

    ml_dtypes is imported here, when Muon first steps: its import takes about a second, which
    every other use of the optimizers (the page's start, the CLI) need not pay.
    """
    import ml_dtypes

    return np.asarray(a).astype(np.float32).astype(ml_dtypes.bfloat16).astype(np.float32)


def newton_schulz(direction: Array, coefficients: tuple[float, float, float], steps: int,
                  eps: Any) -> Array:
    """torch's _zeropower_via_newtonschulz of each row of ``direction`` (N, 2), each the 1×2
    matrix [[x, y]]; float64 holding the bfloat16 result.

    torch's bfloat16 rounding points on the CPU: the norm (float32 accumulation, one rounding),
    the division, the Gram matrix XXᵀ, b·G + c·G·G (one rounding), a·X + U·X (one rounding).
    """
    a, b, c_ = (np.float32(v) for v in coefficients)
    x = _bf16(direction)
    norm = _bf16(np.sqrt(x[:, :1] * x[:, :1] + x[:, 1:] * x[:, 1:]))
    floor = _bf16(np.asarray(c.col(eps), dtype=np.float64))
    x = _bf16(x / np.maximum(norm, floor))
    for _ in range(steps):
        gram = _bf16(x[:, :1] * x[:, :1] + x[:, 1:] * x[:, 1:])
        update = _bf16(b * gram + c_ * (gram * gram))
        x = _bf16(a * x + update * x)
    return x.astype(np.float64)


def _finite(value: Any, where: str) -> float:
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise ValueError(f"{where} must be three numbers, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be finite, got {number}")
    return number


def _norm(a: Array) -> Array:
    return np.sqrt(a[:, :1] * a[:, :1] + a[:, 1:] * a[:, 1:])
