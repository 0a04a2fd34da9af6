"""Loss surfaces of two-parameter models over a dataset: value, gradient and Hessian, analytic.

With rows (xᵢ, yᵢ), i = 1..n, and an optional L2 term λ/2·(p² + q²) on the two parameters:

- ``linear``, L(w, b) = mean (w·xᵢ + b − yᵢ)²  (least squares; its minimum in closed form);
- ``logistic``, L(w₁, w₂) = mean log(1 + exp(−yᵢ·(w₁xᵢ₁ + w₂xᵢ₂))), labels yᵢ ∈ {−1, +1};
- ``tanh_unit``, L(a, w) = mean (a·tanh(w·xᵢ) − yᵢ)²: one hidden tanh unit, non-convex, a
  saddle at the origin (where ∂²L/∂a∂w = −2·mean xᵢyᵢ) and minima in mirror pairs
  (L(a, w) = L(−a, −w)).

Derivatives (rᵢ the residual, mᵢ = yᵢ·(w·xᵢ), σ the logistic function, tᵢ = tanh(w·xᵢ),
sᵢ = 1 − tᵢ²):

    linear    ∇L = 2·mean rᵢ·(xᵢ, 1)                     H = 2·mean [[xᵢ², xᵢ], [xᵢ, 1]]
    logistic  ∇L = −mean σ(−mᵢ)·yᵢ·xᵢ                    H = mean σ(mᵢ)σ(−mᵢ)·xᵢxᵢᵀ
    tanh_unit ∂L/∂a = 2·mean rᵢtᵢ,  ∂L/∂w = 2·mean rᵢ·a·sᵢ·xᵢ
              ∂²L/∂a² = 2·mean tᵢ²,  ∂²L/∂a∂w = 2·mean sᵢxᵢ(a·tᵢ + rᵢ),
              ∂²L/∂w² = 2·mean a·sᵢ·xᵢ²·(a·sᵢ − 2rᵢtᵢ)

(plus λ on the gradient and λ·I on the Hessian). ``linear`` is computed from the rows'
moments (mean x, variance of x, covariance of x and y, and the residual of the least-squares
line), so any number of parameter points costs O(1) each: L = R + vₓ·(w − w*)² +
(w·x̄ + b − ȳ)², every term ≥ 0, exact near the minimum. ``logistic`` and ``tanh_unit`` are
evaluated for many points at once as (points × rows) arrays, in chunks of at most `CHUNK`
elements, so memory stays bounded whatever the number of points or rows.

A `ModelSurface` is a `Surface` that also knows its data and gives the same surface over a
subset of its rows (`ModelSurface.on_rows`: a mini-batch's loss, gradient and Hessian).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from .base import Array, Surface, Window
from .data import MODELS, Dataset, Source

CHUNK = 1 << 18          # points × rows evaluated at once (2 MB per float64 temporary)
_NEWTON_ITER = 100

LATEX = {
    "linear": r"\frac{1}{n}\sum_i (w x_i + b - y_i)^2",
    "logistic": r"\frac{1}{n}\sum_i \log\left(1 + e^{-y_i (w_1 x_{i1} + w_2 x_{i2})}\right)",
    "tanh_unit": r"\frac{1}{n}\sum_i \left(a \tanh(w x_i) - y_i\right)^2",
}
TEXT = {
    "linear": "mean((w*x_i + b - y_i)^2)",
    "logistic": "mean(log(1 + exp(-y_i*(w1*x_i1 + w2*x_i2))))",
    "tanh_unit": "mean((a*tanh(w*x_i) - y_i)^2)",
}
NAMES = {"linear": "Linear regression", "logistic": "Logistic regression",
         "tanh_unit": "One tanh unit"}
AXES = {"linear": ("w", "b"), "logistic": ("w₁", "w₂"), "tanh_unit": ("a", "w")}


@dataclass(frozen=True)
class ModelSpec:
    """A model surface as the config gives it: the model, its L2 weight λ, where the data is."""

    model: str
    data: Source
    l2: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "l2": self.l2, "data": self.data.to_dict()}


@dataclass(frozen=True)
class ModelSurface(Surface):
    """A model's loss over its rows; ``inputs`` (n,) or (n, 2) and ``targets`` (n,) are its data."""

    model: str = "linear"
    l2: float = 0.0
    inputs: Array = field(default=None, compare=False, repr=False)
    targets: Array = field(default=None, compare=False, repr=False)
    axes: tuple[str, str] = ("x", "y")

    @property
    def n(self) -> int:
        return len(self.targets)

    def on_rows(self, rows: Array) -> ModelSurface:
        """The same model's loss, gradient and Hessian over the rows ``rows`` only."""
        x, y = self.inputs[rows], self.targets[rows]
        value, grad, hessian = functions(self.model, x, y, self.l2)
        return replace(self, value=value, grad=grad, hessian=hessian, inputs=x, targets=y)


def functions(model: str, x: Array, y: Array, l2: float = 0.0) -> tuple[Callable, Callable, Callable]:
    """(value, grad, hessian) of ``model`` over the rows (x, y), broadcasting like a Surface's."""
    kernel = {"linear": _Linear, "logistic": _Logistic, "tanh_unit": _Tanh}[model](x, y)

    def points(part: str) -> Callable:
        def evaluate(p, q):
            p, q = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
            flat_p, flat_q = p.ravel(), q.ravel()
            with np.errstate(all="ignore"):
                out = getattr(kernel, part)(flat_p, flat_q)
                out = _with_l2(part, out, flat_p, flat_q, l2)
            if part == "value":
                return out.reshape(p.shape)
            return tuple(c.reshape(p.shape) for c in out)
        return evaluate

    return points("value"), points("grad"), points("hessian")


def _with_l2(part: str, out: Any, p: Array, q: Array, l2: float) -> Any:
    """Add λ/2·(p² + q²), its gradient λ·(p, q) or its Hessian λ·I."""
    if not l2:
        return out
    if part == "value":
        return out + 0.5 * l2 * (p * p + q * q)
    if part == "grad":
        return out[0] + l2 * p, out[1] + l2 * q
    return out[0] + l2, out[1], out[2] + l2


def _chunks(points: int, rows: int):
    """Slices of the points such that a chunk × rows stays within CHUNK elements."""
    step = max(1, CHUNK // max(rows, 1))
    return (slice(i, i + step) for i in range(0, max(points, 1), step))


class _Linear:
    """Least squares from the rows' moments (see the module docstring)."""

    def __init__(self, x: Array, y: Array):
        self.mx, self.my = x.mean(), y.mean()
        dx, dy = x - self.mx, y - self.my
        self.vx, self.cxy = (dx * dx).mean(), (dx * dy).mean()
        self.sxx = (x * x).mean()
        flat = self.vx <= (1e-12 * max(float(np.abs(x).max()), 1e-300)) ** 2   # x constant
        self.w_star = 0.0 if flat else self.cxy / self.vx
        r = dy - self.w_star * dx
        self.rest = (r * r).mean()          # L at the least-squares line, ≥ 0

    def value(self, w: Array, b: Array) -> Array:
        d = w - self.w_star
        m = w * self.mx + b - self.my
        return self.rest + self.vx * d * d + m * m

    def grad(self, w: Array, b: Array) -> tuple[Array, Array]:
        gb = 2 * (w * self.mx + b - self.my)
        return 2 * (w * self.vx - self.cxy) + self.mx * gb, gb

    def hessian(self, w: Array, b: Array) -> tuple[Array, Array, Array]:
        one = np.ones_like(w)
        return 2 * self.sxx * one, 2 * self.mx * one, 2 * one


class _Logistic:
    """Mean logistic loss; σ(−m) = exp(−log(1 + eᵐ)) keeps tiny probabilities exact."""

    def __init__(self, x: Array, y: Array):
        self.x, self.y = x, y
        self.xx = np.stack([x[:, 0] * x[:, 0], x[:, 0] * x[:, 1], x[:, 1] * x[:, 1]], axis=1)

    def _margins(self, p: Array, q: Array) -> Array:
        return (p[:, None] * self.x[:, 0] + q[:, None] * self.x[:, 1]) * self.y

    def value(self, p: Array, q: Array) -> Array:
        out = np.empty(p.shape)
        for s in _chunks(len(p), len(self.y)):
            out[s] = np.logaddexp(0.0, -self._margins(p[s], q[s])).mean(axis=1)
        return out

    def grad(self, p: Array, q: Array) -> tuple[Array, Array]:
        out = np.empty((len(p), 2))
        for s in _chunks(len(p), len(self.y)):
            weight = np.exp(-np.logaddexp(0.0, self._margins(p[s], q[s]))) * self.y   # σ(−m)·y
            out[s] = -(weight @ self.x) / len(self.y)
        return out[:, 0], out[:, 1]

    def hessian(self, p: Array, q: Array) -> tuple[Array, Array, Array]:
        out = np.empty((len(p), 3))
        for s in _chunks(len(p), len(self.y)):
            m = self._margins(p[s], q[s])
            weight = np.exp(-np.logaddexp(0.0, m) - np.logaddexp(0.0, -m))          # σ(m)σ(−m)
            out[s] = (weight @ self.xx) / len(self.y)
        return out[:, 0], out[:, 1], out[:, 2]


class _Tanh:
    """Mean squared error of a·tanh(w·x)."""

    def __init__(self, x: Array, y: Array):
        self.x, self.y = x, y

    def _parts(self, a: Array, w: Array) -> tuple[Array, Array, Array]:
        t = np.tanh(w[:, None] * self.x)
        return t, a[:, None] * t - self.y, 1 - t * t          # t, r, s

    def value(self, a: Array, w: Array) -> Array:
        out = np.empty(a.shape)
        for c in _chunks(len(a), len(self.y)):
            _, r, _ = self._parts(a[c], w[c])
            out[c] = (r * r).mean(axis=1)
        return out

    def grad(self, a: Array, w: Array) -> tuple[Array, Array]:
        out = np.empty((len(a), 2))
        for c in _chunks(len(a), len(self.y)):
            t, r, s = self._parts(a[c], w[c])
            out[c, 0] = 2 * (r * t).mean(axis=1)
            out[c, 1] = 2 * a[c] * (((r * s) @ self.x) / len(self.y))
        return out[:, 0], out[:, 1]

    def hessian(self, a: Array, w: Array) -> tuple[Array, Array, Array]:
        out = np.empty((len(a), 3))
        x = self.x
        for c in _chunks(len(a), len(self.y)):
            t, r, s = self._parts(a[c], w[c])
            ac = a[c][:, None]
            out[c, 0] = 2 * (t * t).mean(axis=1)
            out[c, 1] = 2 * (s * x * (ac * t + r)).mean(axis=1)
            out[c, 2] = 2 * (ac * s * x * x * (ac * s - 2 * r * t)).mean(axis=1)
        return out[:, 0], out[:, 1], out[:, 2]


# --- the surface: window, start, minima ----------------------------------------------------

def build(spec: ModelSpec) -> ModelSurface:
    """The ModelSurface a spec describes (cached: the same spec gives the same object)."""
    return _build(spec)


@functools.lru_cache(maxsize=32)
def _build(spec: ModelSpec) -> ModelSurface:
    return model_surface(spec.model, spec.data.resolve(spec.model), spec.l2)


def model_surface(model: str, data: Dataset, l2: float = 0.0) -> ModelSurface:
    """The loss surface of ``model`` over ``data`` with L2 weight ``l2``.

    Window: a square around the origin wide enough for the minima (linear, logistic) or scaled
    to the data (tanh_unit: a up to 1.5·max|y|, w up to 3/std x). Minima: ``linear``, the
    solution of the 2 × 2 normal equations (closed form); ``logistic`` (convex), Newton's
    method from the origin, none if it does not converge (separable data without l2);
    ``tanh_unit``, the lowest point of a 64 × 64 grid over the window polished by Newton, and
    its mirror image (−a, −w), marked as the lowest found rather than proven global.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    x, y = data.arrays()
    value, grad, hessian = functions(model, x, y, l2)
    minima = _minima(model, x, y, l2, value, grad, hessian)
    window = _window(model, x, y, minima)
    start = _start(model, window)
    return ModelSurface(
        id=model, name=f"{NAMES[model]} on {data.n} rows" + (f", λ = {l2:g}" if l2 else ""),
        latex=LATEX[model] + (rf" + \tfrac{{{l2:g}}}{{2}}\lVert\theta\rVert^2" if l2 else ""),
        text=TEXT[model] + (f" + {l2:g}/2*(p^2 + q^2)" if l2 else ""),
        value=value, grad=grad, hessian=hessian, window=window, start=start, minima=minima,
        min_value=float(value(*minima[0])) if minima else None,
        notes=_notes(model, minima), tags=("model", model),
        model=model, l2=l2, inputs=x, targets=y, axes=AXES[model])


def _minima(model: str, x: Array, y: Array, l2: float, value, grad, hessian) -> tuple:
    if model == "linear":
        h = np.array([[2 * (x * x).mean() + l2, 2 * x.mean()], [2 * x.mean(), 2 + l2]])
        rhs = np.array([2 * (x * y).mean(), 2 * y.mean()])
        if abs(np.linalg.det(h)) <= 1e-12 * np.abs(h).max() ** 2:   # x constant: a line of minima
            return ()
        return (tuple(float(v) for v in np.linalg.solve(h, rhs)),)
    if model == "logistic":
        if not l2 and _separable(x, y):
            return ()
        found = _newton((0.0, 0.0), grad, hessian)
        return () if found is None else (found,)
    (ha, hw) = _tanh_half_widths(x, y)
    ga, gw = np.meshgrid(np.linspace(-ha, ha, 64), np.linspace(-hw, hw, 64))
    f = value(ga, gw)
    if not np.isfinite(f).any():
        return ()
    i = int(np.nanargmin(f))
    found = _newton((float(ga.flat[i]), float(gw.flat[i])), grad, hessian)
    if found is None or found == (0.0, 0.0):
        return ()
    return (found, (-found[0], -found[1]))


def _separable(x: Array, y: Array) -> bool:
    """True if some w ≠ 0 has yᵢ·(w·xᵢ) ≥ 0 for every row (no finite minimum without l2):
    the directions of zᵢ = yᵢxᵢ (zero rows aside) leave a gap of at least π around the circle."""
    z = x * y[:, None]
    z = z[np.hypot(z[:, 0], z[:, 1]) > 0]
    if not len(z):
        return True                      # every row at the origin: the loss is log 2 everywhere
    angles = np.sort(np.arctan2(z[:, 1], z[:, 0]))
    gaps = np.diff(np.append(angles, angles[0] + 2 * np.pi))
    return bool(gaps.max() >= np.pi * (1 - 1e-12))


def _newton(start: tuple[float, float], grad, hessian) -> tuple[float, float] | None:
    """Newton's method on ∇L = 0 with step halving on |∇L|; None if it does not converge."""
    p = np.array(start)
    scale = 1.0 + float(np.hypot(*grad(*p)))
    for _ in range(_NEWTON_ITER):
        g = np.array(grad(*p), dtype=float)
        if np.hypot(*g) <= 1e-13 * scale:
            return float(p[0]), float(p[1])
        hxx, hxy, hyy = (float(v) for v in hessian(*p))
        h = np.array([[hxx, hxy], [hxy, hyy]])
        try:
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)) or np.linalg.eigvalsh(h).min() <= 0:
            step = g / max(np.abs(h).max(), 1e-12)          # not convex here: a gradient step
        for _ in range(30):
            trial = p - step
            if np.hypot(*grad(*trial)) < np.hypot(*g):
                break
            step = step / 2
        if np.abs(trial).max() > 1e6:
            return None
        p = trial
    g = np.array(grad(*p))
    return (float(p[0]), float(p[1])) if np.hypot(*g) <= 1e-9 * scale else None


def _nice(v: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ᵏ at least ``v``."""
    k = math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**k >= v * (1 - 1e-12):
            return m * 10**k
    return 10 ** (k + 1)


def _tanh_half_widths(x: Array, y: Array) -> tuple[float, float]:
    spread = float(x.std()) or float(np.abs(x).max()) or 1.0
    return _nice(max(1.5 * float(np.abs(y).max()), 1e-3)), _nice(3.0 / spread)


def _window(model: str, x: Array, y: Array, minima: tuple) -> Window:
    if model == "tanh_unit":
        ha, hw = _tanh_half_widths(x, y)
        if minima:
            ha = max(ha, _nice(1.3 * abs(minima[0][0])))
            hw = max(hw, _nice(1.3 * abs(minima[0][1])))
        return (-ha, ha), (-hw, hw)
    reach = max((abs(c) for m in minima for c in m), default=2.0)
    h = _nice(max(2.0, 1.6 * reach))
    return (-h, h), (-h, h)


def _start(model: str, window: Window) -> tuple[float, float]:
    """Linear and logistic: (−0.8, 0.8) of the half-widths (a corner, far from the data's fit);
    tanh_unit: (−0.5, 0.5), between the mirror minima, so a run passes the saddle's region."""
    (_, hx), (_, hy) = window
    f = 0.5 if model == "tanh_unit" else 0.8
    return (-f * hx, f * hy)


def _notes(model: str, minima: tuple) -> str:
    if model == "tanh_unit":
        return ("Non-convex: a saddle at (0, 0) and minima in mirror pairs (a, w) and (−a, −w); "
                "the minima shown are the lowest found on a grid, polished by Newton.")
    if model == "logistic" and not minima:
        return "No minimum: the classes are separable and the loss falls forever (add l2)."
    return "Convex; the minimum is " + ("closed-form least squares." if model == "linear"
                                        else "found by Newton's method.")
