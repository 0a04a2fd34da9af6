"""The built-in test surfaces: formulas, analytic derivatives and facts, one record each.

Every ``value``/``grad``/``hessian`` takes scalars or arrays ``x``, ``y`` of broadcastable
shapes and returns float64 arrays of the broadcast shape (``()`` for scalars), one per
component, even where a component is constant.

Non-smooth surfaces return a finite subgradient-like value at their kinks (``sign(0) = 0``,
singular terms such as ``x / r`` at ``r = 0`` taken as 0), so no NumPy warning is raised.
Inputs so large that a formula overflows (a diverging optimizer) give ``inf``/``nan``
silently; callers check ``np.isfinite``.

Formulas, windows and minima: /work/shared/reference/test-functions.md (Wikipedia "Test
functions for optimization", the SFU Virtual Library of Simulation Experiments). The minima
below are the nearest floats to the exact optima (solved to 50 digits with mpmath; the tests
check them with a high-precision Newton step).
"""
from __future__ import annotations

import functools
from math import e, pi

import numpy as np

from .base import Surface

# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------


def _broadcasting(fn):
    """Wrap ``fn(x, y)`` so that it accepts scalars or arrays and returns full-shape arrays.

    ``x`` and ``y`` are converted to float64 and broadcast together; every returned
    component (a single array or a tuple of them) is broadcast to that common shape.
    """

    @functools.wraps(fn)
    def wrapper(x, y):
        if not _same_floats(x, y):    # the runner's θ columns: no conversion, no broadcast
            x, y = _broadcast(x, y)
        with np.errstate(over="ignore", invalid="ignore"):
            out = fn(x, y)
        if isinstance(out, tuple):
            return tuple(_full(c, x.shape) for c in out)
        return _full(out, x.shape)

    return wrapper


def _same_floats(x, y):
    """True when ``x`` and ``y`` are already float64 arrays of one shape (nothing to convert)."""
    return (type(x) is np.ndarray and type(y) is np.ndarray and x.dtype == np.float64
            and y.dtype == np.float64 and x.shape == y.shape)


def _broadcast(x, y):
    """``x`` and ``y`` as float64 arrays broadcast together, or a ValueError naming the shapes."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    try:
        return np.broadcast_arrays(x, y)
    except ValueError:
        raise ValueError(
            f"x and y cannot be broadcast together: shapes {x.shape} and {y.shape}"
        ) from None


def _full(c, shape):
    """``c`` as a float64 array of ``shape`` (constants are broadcast into a new array)."""
    c = np.asarray(c, dtype=float)
    return c if c.shape == shape else np.broadcast_to(c, shape).copy()


def _div(num, den):
    """``num / den``, taken as 0 where ``den == 0`` (the limits we use at kinks)."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    return np.divide(num, den, out=np.zeros(num.shape), where=den != 0)


def _radial_exp(x, y, P, Px, Py, Pxx, Pxy, Pyy, c):
    """s = P(x, y)·exp(|c − r/π|), r = √(x² + y²), and its first and second derivatives.

    Shared by Cross-in-tray (P = sin x·sin y, c = 100) and Hölder table
    (P = sin x·cos y, c = 1). With h = |c − r/π|:
    s_x = e^h (P_x + P h_x),  s_xx = e^h (P_xx + 2 P_x h_x + P (h_x² + h_xx)), and so on.
    Returns (s, sx, sy, sxx, sxy, syy).
    """
    r = np.hypot(x, y)
    q = c - r / pi
    sg = np.sign(q)
    E = np.exp(np.abs(q))
    hx, hy = -sg * _div(x, pi * r), -sg * _div(y, pi * r)
    r3 = pi * r**3
    hxx, hxy, hyy = -sg * _div(y * y, r3), sg * _div(x * y, r3), -sg * _div(x * x, r3)
    s = P * E
    sx = E * (Px + P * hx)
    sy = E * (Py + P * hy)
    sxx = E * (Pxx + 2 * Px * hx + P * (hx * hx + hxx))
    sxy = E * (Pxy + Px * hy + Py * hx + P * (hx * hy + hxy))
    syy = E * (Pyy + 2 * Py * hy + P * (hy * hy + hyy))
    return s, sx, sy, sxx, sxy, syy


# --------------------------------------------------------------------------------------
# Smooth surfaces
# --------------------------------------------------------------------------------------

@_broadcasting
def elliptic(x, y):
    """Elliptic bowl: f = x²/20 + y²."""
    return x**2 / 20 + y**2


@_broadcasting
def elliptic_grad(x, y):
    return x / 10, 2 * y


@_broadcasting
def elliptic_hess(x, y):
    return 0.1, 0.0, 2.0


@_broadcasting
def rosenbrock(x, y):
    """Rosenbrock: f = (1 − x)² + 100(y − x²)²."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


@_broadcasting
def rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


@_broadcasting
def rosenbrock_hess(x, y):
    return 2 - 400 * y + 1200 * x**2, -400 * x, 200.0


_BEALE_C = (1.5, 2.25, 2.625)


@_broadcasting
def beale(x, y):
    """Beale: f = Σ_{i=1..3} r_i², r_i = c_i − x + x yⁱ, c = (1.5, 2.25, 2.625)."""
    return sum((c - x + x * y**i) ** 2 for i, c in enumerate(_BEALE_C, 1))


@_broadcasting
def beale_grad(x, y):
    gx = gy = 0.0
    for i, c in enumerate(_BEALE_C, 1):
        r = c - x + x * y**i
        gx = gx + 2 * r * (y**i - 1)
        gy = gy + 2 * r * i * x * y ** (i - 1)
    return gx, gy


@_broadcasting
def beale_hess(x, y):
    hxx = hxy = hyy = 0.0
    for i, c in enumerate(_BEALE_C, 1):
        r = c - x + x * y**i
        rx, ry = y**i - 1, i * x * y ** (i - 1)                 # ∂r/∂x, ∂r/∂y
        rxy = i * y ** (i - 1)
        ryy = i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0
        hxx = hxx + 2 * rx * rx
        hxy = hxy + 2 * (rx * ry + r * rxy)
        hyy = hyy + 2 * (ry * ry + r * ryy)
    return hxx, hxy, hyy


@_broadcasting
def booth(x, y):
    """Booth: f = (x + 2y − 7)² + (2x + y − 5)²."""
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


@_broadcasting
def booth_grad(x, y):
    return 10 * x + 8 * y - 34, 8 * x + 10 * y - 38


@_broadcasting
def booth_hess(x, y):
    return 10.0, 8.0, 10.0


@_broadcasting
def matyas(x, y):
    """Matyas: f = 0.26(x² + y²) − 0.48xy."""
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


@_broadcasting
def matyas_grad(x, y):
    return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


@_broadcasting
def matyas_hess(x, y):
    return 0.52, -0.48, 0.52


@_broadcasting
def himmelblau(x, y):
    """Himmelblau: f = a² + b², a = x² + y − 11, b = x + y² − 7."""
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


@_broadcasting
def himmelblau_grad(x, y):
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


@_broadcasting
def himmelblau_hess(x, y):
    return 12 * x**2 + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y**2 - 26


@_broadcasting
def three_hump_camel(x, y):
    """Three-hump camel: f = 2x² − 1.05x⁴ + x⁶/6 + xy + y²."""
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


@_broadcasting
def three_hump_camel_grad(x, y):
    return 4 * x - 4.2 * x**3 + x**5 + y, x + 2 * y


@_broadcasting
def three_hump_camel_hess(x, y):
    return 4 - 12.6 * x**2 + 5 * x**4, 1.0, 2.0


@_broadcasting
def six_hump_camel(x, y):
    """Six-hump camel: f = (4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²."""
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2


@_broadcasting
def six_hump_camel_grad(x, y):
    return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3


@_broadcasting
def six_hump_camel_hess(x, y):
    return 8 - 25.2 * x**2 + 10 * x**4, 1.0, 48 * y**2 - 8


@_broadcasting
def rastrigin(x, y):
    """Rastrigin (A = 10): f = 20 + x² − 10cos(2πx) + y² − 10cos(2πy)."""
    return (x**2 - 10 * np.cos(2 * pi * x) + 10) + (y**2 - 10 * np.cos(2 * pi * y) + 10)


@_broadcasting
def rastrigin_grad(x, y):
    return 2 * x + 20 * pi * np.sin(2 * pi * x), 2 * y + 20 * pi * np.sin(2 * pi * y)


@_broadcasting
def rastrigin_hess(x, y):
    k = 40 * pi**2
    return 2 + k * np.cos(2 * pi * x), 0.0, 2 + k * np.cos(2 * pi * y)


# Ackley: f = −20exp(−0.2ρ) − exp(C) + e + 20, ρ = √(0.5(x² + y²)), C = ½(cos2πx + cos2πy).
# Written as 20(1 − exp(−0.2ρ)) + (e − exp(C)) so that f(0, 0) is exactly 0.
# ρ is a cone at the origin: the gradient is undefined there; we return its 0 subgradient.


@_broadcasting
def ackley(x, y):
    """Ackley: f = −20exp(−0.2ρ) − exp(C) + e + 20, ρ = √(0.5(x² + y²)), C = ½(cos2πx + cos2πy).
    """
    rho = np.sqrt(0.5 * (x**2 + y**2))
    C = 0.5 * (np.cos(2 * pi * x) + np.cos(2 * pi * y))
    return -20 * np.expm1(-0.2 * rho) + (e - np.exp(C))


@_broadcasting
def ackley_grad(x, y):
    rho = np.sqrt(0.5 * (x**2 + y**2))
    A = 4 * np.exp(-0.2 * rho)                       # ∂f/∂ρ
    B = pi * np.exp(0.5 * (np.cos(2 * pi * x) + np.cos(2 * pi * y)))
    return (A * _div(0.5 * x, rho) + B * np.sin(2 * pi * x),
            A * _div(0.5 * y, rho) + B * np.sin(2 * pi * y))


@_broadcasting
def ackley_hess(x, y):
    rho = np.sqrt(0.5 * (x**2 + y**2))
    A = 4 * np.exp(-0.2 * rho)
    rx, ry = _div(0.5 * x, rho), _div(0.5 * y, rho)                 # ∂ρ/∂x, ∂ρ/∂y
    rho3 = 4 * rho**3
    rxx, rxy, ryy = _div(y * y, rho3), _div(-x * y, rho3), _div(x * x, rho3)
    sx, sy = np.sin(2 * pi * x), np.sin(2 * pi * y)
    B = pi**2 * np.exp(0.5 * (np.cos(2 * pi * x) + np.cos(2 * pi * y)))
    return (A * (rxx - 0.2 * rx * rx) + B * (2 * np.cos(2 * pi * x) - sx * sx),
            A * (rxy - 0.2 * rx * ry) - B * sx * sy,
            A * (ryy - 0.2 * ry * ry) + B * (2 * np.cos(2 * pi * y) - sy * sy))


# Goldstein–Price. The two brackets depend on s = x + y and t = 2x − 3y only:
#   1 + (s + 1)²(19 − 14s + 3s²) = P(s) = 3s⁴ − 8s³ − 6s² + 24s + 20,
#   30 + t²(18 − 16t + 3t²)     = Q(t) = 3t⁴ − 16t³ + 18t² + 30,   f = P(s)·Q(t).


def _gp_terms(x, y):
    """P, Q and their first and second derivatives (in s and t)."""
    s, t = x + y, 2 * x - 3 * y
    P = (((3 * s - 8) * s - 6) * s + 24) * s + 20
    Q = (((3 * t - 16) * t + 18) * t) * t + 30
    dP = ((12 * s - 24) * s - 12) * s + 24
    dQ = ((12 * t - 48) * t + 36) * t
    d2P = (36 * s - 48) * s - 12
    d2Q = (36 * t - 96) * t + 36
    return P, Q, dP, dQ, d2P, d2Q


@_broadcasting
def goldstein_price(x, y):
    """Goldstein–Price: f = P(x + y)·Q(2x − 3y), the product of the two brackets above."""
    P, Q, *_ = _gp_terms(x, y)
    return P * Q


@_broadcasting
def goldstein_price_grad(x, y):
    P, Q, dP, dQ, _, _ = _gp_terms(x, y)
    return dP * Q + 2 * P * dQ, dP * Q - 3 * P * dQ


@_broadcasting
def goldstein_price_hess(x, y):
    P, Q, dP, dQ, d2P, d2Q = _gp_terms(x, y)
    return (d2P * Q + 4 * dP * dQ + 4 * P * d2Q,
            d2P * Q - dP * dQ - 6 * P * d2Q,
            d2P * Q - 6 * dP * dQ + 9 * P * d2Q)


@_broadcasting
def levi13(x, y):
    """Lévi N.13: f = sin²(3πx) + (x − 1)²(1 + sin²(3πy)) + (y − 1)²(1 + sin²(2πy))."""
    return (np.sin(3 * pi * x) ** 2 + (x - 1) ** 2 * (1 + np.sin(3 * pi * y) ** 2)
            + (y - 1) ** 2 * (1 + np.sin(2 * pi * y) ** 2))


@_broadcasting
def levi13_grad(x, y):
    u, v = x - 1, y - 1
    return (3 * pi * np.sin(6 * pi * x) + 2 * u * (1 + np.sin(3 * pi * y) ** 2),
            3 * pi * u**2 * np.sin(6 * pi * y) + 2 * v * (1 + np.sin(2 * pi * y) ** 2)
            + 2 * pi * v**2 * np.sin(4 * pi * y))


@_broadcasting
def levi13_hess(x, y):
    u, v = x - 1, y - 1
    return (18 * pi**2 * np.cos(6 * pi * x) + 2 * (1 + np.sin(3 * pi * y) ** 2),
            6 * pi * u * np.sin(6 * pi * y),
            18 * pi**2 * u**2 * np.cos(6 * pi * y) + 2 * (1 + np.sin(2 * pi * y) ** 2)
            + 8 * pi * v * np.sin(4 * pi * y) + 8 * pi**2 * v**2 * np.cos(4 * pi * y))


@_broadcasting
def mccormick(x, y):
    """McCormick: f = sin(x + y) + (x − y)² − 1.5x + 2.5y + 1."""
    return np.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1


@_broadcasting
def mccormick_grad(x, y):
    c = np.cos(x + y)
    return c + 2 * (x - y) - 1.5, c - 2 * (x - y) + 2.5


@_broadcasting
def mccormick_hess(x, y):
    s = np.sin(x + y)
    return 2 - s, -2 - s, 2 - s


@_broadcasting
def styblinski_tang(x, y):
    """Styblinski–Tang: f = ½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)."""
    return 0.5 * ((x**4 - 16 * x**2 + 5 * x) + (y**4 - 16 * y**2 + 5 * y))


@_broadcasting
def styblinski_tang_grad(x, y):
    return 2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5


@_broadcasting
def styblinski_tang_hess(x, y):
    return 6 * x**2 - 16, 0.0, 6 * y**2 - 16


@_broadcasting
def easom(x, y):
    """Easom: f = −cos x·cos y·G, G = exp(−(x − π)² − (y − π)²)."""
    return -np.cos(x) * np.cos(y) * np.exp(-((x - pi) ** 2 + (y - pi) ** 2))


@_broadcasting
def easom_grad(x, y):
    u, v = x - pi, y - pi
    G = np.exp(-(u**2 + v**2))
    cx, cy, sx, sy = np.cos(x), np.cos(y), np.sin(x), np.sin(y)
    return cy * G * (sx + 2 * u * cx), cx * G * (sy + 2 * v * cy)


@_broadcasting
def easom_hess(x, y):
    u, v = x - pi, y - pi
    G = np.exp(-(u**2 + v**2))
    cx, cy, sx, sy = np.cos(x), np.cos(y), np.sin(x), np.sin(y)
    return (cy * G * (3 * cx - 4 * u * sx - 4 * u**2 * cx),
            -G * (sx + 2 * u * cx) * (sy + 2 * v * cy),
            cx * G * (3 * cy - 4 * v * sy - 4 * v**2 * cy))


@_broadcasting
def saddle(x, y):
    """Saddle: f = x² − y²."""
    return x**2 - y**2


@_broadcasting
def saddle_grad(x, y):
    return 2 * x, -2 * y


@_broadcasting
def saddle_hess(x, y):
    return 2.0, 0.0, -2.0


@_broadcasting
def monkey_saddle(x, y):
    """Monkey saddle: f = x³ − 3xy²."""
    return x**3 - 3 * x * y**2


@_broadcasting
def monkey_saddle_grad(x, y):
    return 3 * x**2 - 3 * y**2, -6 * x * y


@_broadcasting
def monkey_saddle_hess(x, y):
    return 6 * x, -6 * y, -6 * x


# --------------------------------------------------------------------------------------
# Non-smooth surfaces (kinks where an absolute value's argument is 0)
# --------------------------------------------------------------------------------------

# Eggholder: f = −(y + 47)·g(a) − x·g(b), g(z) = sin√|z|, a = x/2 + y + 47, b = x − y − 47.
# g'(z) = sign(z)cos√|z| / (2√|z|),  g''(z) = −(√|z| sin√|z| + cos√|z|) / (4|z|^{3/2}).
# Both blow up at z = 0 (a cusp); we return 0 there.


def _egg_g(z):
    """g(z) = sin√|z| and its first two derivatives (0 where singular, at z = 0)."""
    r = np.sqrt(np.abs(z))
    return (np.sin(r),
            _div(np.sign(z) * np.cos(r), 2 * r),
            _div(-(r * np.sin(r) + np.cos(r)), 4 * r**3))


@_broadcasting
def eggholder(x, y):
    """Eggholder: f = −(y + 47)·sin√|x/2 + y + 47| − x·sin√|x − (y + 47)|."""
    return (-(y + 47) * np.sin(np.sqrt(np.abs(x / 2 + y + 47)))
            - x * np.sin(np.sqrt(np.abs(x - (y + 47)))))


@_broadcasting
def eggholder_grad(x, y):
    w = y + 47
    ga, dga, _ = _egg_g(x / 2 + w)
    gb, dgb, _ = _egg_g(x - w)
    return -w * dga / 2 - gb - x * dgb, -ga - w * dga + x * dgb


@_broadcasting
def eggholder_hess(x, y):
    w = y + 47
    _, dga, d2ga = _egg_g(x / 2 + w)
    _, dgb, d2gb = _egg_g(x - w)
    return (-w * d2ga / 4 - 2 * dgb - x * d2gb,
            -dga / 2 - w * d2ga / 2 + dgb + x * d2gb,
            -2 * dga - w * d2ga - x * d2gb)


def _cross_s(x, y):
    """Cross-in-tray's s = sin x·sin y·exp(|100 − r/π|) and its derivatives."""
    sx, cx, sy, cy = np.sin(x), np.cos(x), np.sin(y), np.cos(y)
    return _radial_exp(x, y, sx * sy, cx * sy, sx * cy, -sx * sy, cx * cy, -sx * sy, 100.0)


@_broadcasting
def cross_in_tray(x, y):
    """Cross-in-tray: f = −0.0001(|s| + 1)^0.1, s = sin x·sin y·exp(|100 − √(x² + y²)/π|)."""
    s = np.sin(x) * np.sin(y) * np.exp(np.abs(100 - np.sqrt(x**2 + y**2) / pi))
    return -0.0001 * (np.abs(s) + 1) ** 0.1


@_broadcasting
def cross_in_tray_grad(x, y):
    s, sx, sy, *_ = _cross_s(x, y)
    k = -1e-5 * np.sign(s) * (np.abs(s) + 1) ** -0.9           # df/ds
    return k * sx, k * sy


@_broadcasting
def cross_in_tray_hess(x, y):
    s, sx, sy, sxx, sxy, syy = _cross_s(x, y)
    u = np.abs(s) + 1
    k1 = -1e-5 * np.sign(s) * u**-0.9                           # df/ds
    k2 = 9e-6 * u**-1.9                                         # d²f/ds² (away from s = 0)
    return k2 * sx * sx + k1 * sxx, k2 * sx * sy + k1 * sxy, k2 * sy * sy + k1 * syy


def _holder_s(x, y):
    """Hölder table's s = sin x·cos y·exp(|1 − r/π|) and its derivatives."""
    sx, cx, sy, cy = np.sin(x), np.cos(x), np.sin(y), np.cos(y)
    return _radial_exp(x, y, sx * cy, cx * cy, -sx * sy, -sx * cy, -cx * sy, -sx * cy, 1.0)


@_broadcasting
def holder_table(x, y):
    """Hölder table: f = −|s|, s = sin x·cos y·exp(|1 − √(x² + y²)/π|)."""
    return -np.abs(np.sin(x) * np.cos(y) * np.exp(np.abs(1 - np.sqrt(x**2 + y**2) / pi)))


@_broadcasting
def holder_table_grad(x, y):
    s, sx, sy, *_ = _holder_s(x, y)
    return -np.sign(s) * sx, -np.sign(s) * sy


@_broadcasting
def holder_table_hess(x, y):
    s, _, _, sxx, sxy, syy = _holder_s(x, y)
    sg = -np.sign(s)
    return sg * sxx, sg * sxy, sg * syy


# --------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------


SURFACES: tuple[Surface, ...] = (
    Surface(
        id="elliptic", name="Elliptic bowl",
        latex=r"\frac{x^2}{20} + y^2",
        text="x^2/20 + y^2",
        value=elliptic, grad=elliptic_grad, hessian=elliptic_hess,
        window=((-10, 10), (-5, 5)), start=(-7, 2), minima=((0, 0),), min_value=0,
        notes="The textbook surface: a narrow valley, 20 times more curved in y than in x.",
        tags=("convex", "quadratic", "ill-conditioned"),
    ),
    Surface(
        id="rosenbrock", name="Rosenbrock",
        latex=r"(1 - x)^2 + 100\,(y - x^2)^2",
        text="(1 - x)^2 + 100*(y - x^2)^2",
        value=rosenbrock, grad=rosenbrock_grad, hessian=rosenbrock_hess,
        window=((-2, 2), (-1, 3)), start=(-1.5, 2), minima=((1, 1),), min_value=0,
        log_levels=True,
        notes="A curved, flat-bottomed banana valley; finding it is easy, following it is not.",
        tags=("valley", "polynomial"),
    ),
    Surface(
        id="beale", name="Beale",
        latex=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        text="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        value=beale, grad=beale_grad, hessian=beale_hess,
        window=((-4.5, 4.5), (-4.5, 4.5)), start=(1, 1.5), minima=((3, 0.5),), min_value=0,
        log_levels=True,
        notes="Sharp ridges at the corners, a flat plateau along y = 1.",
        tags=("valley", "polynomial"),
    ),
    Surface(
        id="booth", name="Booth",
        latex=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        text="(x + 2*y - 7)^2 + (2*x + y - 5)^2",
        value=booth, grad=booth_grad, hessian=booth_hess,
        window=((-10, 10), (-10, 10)), start=(-8, 8), minima=((1, 3),), min_value=0,
        tags=("convex", "quadratic"),
    ),
    Surface(
        id="matyas", name="Matyas",
        latex=r"0.26\,(x^2 + y^2) - 0.48\,xy",
        text="0.26*(x^2 + y^2) - 0.48*x*y",
        value=matyas, grad=matyas_grad, hessian=matyas_hess,
        window=((-10, 10), (-10, 10)), start=(-8, 6), minima=((0, 0),), min_value=0,
        notes="A flat, tilted quadratic plate (Hessian eigenvalues 0.04 and 1).",
        tags=("convex", "quadratic", "ill-conditioned"),
    ),
    Surface(
        id="himmelblau", name="Himmelblau",
        latex=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        text="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        value=himmelblau, grad=himmelblau_grad, hessian=himmelblau_hess,
        window=((-5, 5), (-5, 5)), start=(0, 0),
        minima=((3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.2831859912861696),
                (3.5844283403304917, -1.8481265269644036)),
        min_value=0, log_levels=True,
        notes="Four equal minima; a local maximum f = 181.617 at (-0.270845, -0.923039).",
        tags=("multimodal", "polynomial"),
    ),
    Surface(
        id="three_hump_camel", name="Three-hump camel",
        latex=r"2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2",
        text="2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
        value=three_hump_camel, grad=three_hump_camel_grad, hessian=three_hump_camel_hess,
        window=((-5, 5), (-5, 5)), start=(2, -2), minima=((0, 0),), min_value=0,
        log_levels=True,
        notes="One global minimum between two local ones near (±1.75, ∓0.87).",
        tags=("multimodal", "polynomial"),
    ),
    Surface(
        id="six_hump_camel", name="Six-hump camel",
        latex=r"\left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
        text="(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (4*y^2 - 4)*y^2",
        value=six_hump_camel, grad=six_hump_camel_grad, hessian=six_hump_camel_hess,
        window=((-3, 3), (-2, 2)), start=(-1.5, 1.5),
        minima=((0.08984201310031806, -0.7126564030207396),
                (-0.08984201310031806, 0.7126564030207396)),
        min_value=-1.0316284534898774,
        notes="Six local minima, two of them global.",
        tags=("multimodal", "polynomial"),
    ),
    Surface(
        id="rastrigin", name="Rastrigin",
        latex=r"20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
        text="20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        value=rastrigin, grad=rastrigin_grad, hessian=rastrigin_hess,
        window=((-5.12, 5.12), (-5.12, 5.12)), start=(3.2, -2.8), minima=((0, 0),),
        min_value=0,
        notes="A bowl covered by a regular grid of local minima.",
        tags=("multimodal",),
    ),
    Surface(
        id="ackley", name="Ackley",
        latex=r"-20\,e^{-0.2\sqrt{0.5(x^2 + y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)} + e + 20",
        text="-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        value=ackley, grad=ackley_grad, hessian=ackley_hess,
        window=((-5, 5), (-5, 5)), start=(-3.5, 3), minima=((0, 0),), min_value=0, smooth=False,
        notes="Not differentiable at its minimum (0, 0), a cone tip; grad returns 0 there.",
        tags=("multimodal",),
    ),
    Surface(
        id="goldstein_price", name="Goldstein–Price",
        latex=r"\left[1 + (x + y + 1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
              r"\left[30 + (2x - 3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]",
        text="(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
             "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
        value=goldstein_price, grad=goldstein_price_grad, hessian=goldstein_price_hess,
        window=((-2, 2), (-2, 2)), start=(0.5, 0.5), minima=((0, -1),), min_value=3,
        log_levels=True,
        notes="Values from 3 to about 1e6 over the window; several local minima.",
        tags=("multimodal", "polynomial"),
    ),
    Surface(
        id="levi13", name="Lévi N.13",
        latex=r"\sin^2(3\pi x) + (x - 1)^2\left(1 + \sin^2(3\pi y)\right)"
              r" + (y - 1)^2\left(1 + \sin^2(2\pi y)\right)",
        text="sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)",
        value=levi13, grad=levi13_grad, hessian=levi13_hess,
        window=((-10, 10), (-10, 10)), start=(-7, 8), minima=((1, 1),), min_value=0,
        notes="A wavy bowl with many local minima.",
        tags=("multimodal",),
    ),
    Surface(
        id="mccormick", name="McCormick",
        latex=r"\sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
        text="sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1",
        value=mccormick, grad=mccormick_grad, hessian=mccormick_hess,
        window=((-1.5, 4), (-3, 4)), start=(3, 3),
        minima=((-0.5471975511965977, -1.5471975511965979),),   # (1/2 − π/3, −1/2 − π/3)
        min_value=-1.9132229549810364,                            # −√3/2 − π/3
        tags=("multimodal",),
    ),
    Surface(
        id="styblinski_tang", name="Styblinski–Tang",
        latex=r"\tfrac{1}{2}\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
        text="(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2",
        value=styblinski_tang, grad=styblinski_tang_grad, hessian=styblinski_tang_hess,
        window=((-5, 5), (-5, 5)), start=(4, 4),
        minima=((-2.903534027771177, -2.903534027771177),),
        min_value=-78.33233140754282,
        notes="Four basins, one per quadrant; the global one is at x = y ≈ -2.9035.",
        tags=("multimodal", "polynomial"),
    ),
    Surface(
        id="easom", name="Easom",
        latex=r"-\cos x\,\cos y\;e^{-(x - \pi)^2 - (y - \pi)^2}",
        text="-cos(x)*cos(y)*exp(-((x - pi)^2 + (y - pi)^2))",
        value=easom, grad=easom_grad, hessian=easom_hess,
        window=((-2, 8), (-2, 8)), start=(2, 2), minima=((pi, pi),), min_value=-1,
        notes="A needle-like well in a flat plain; usual domain [-100, 100]², "
              "shown here around the well.",
        tags=("plateau",),
    ),
    Surface(
        id="saddle", name="Saddle",
        latex=r"x^2 - y^2",
        text="x^2 - y^2",
        value=saddle, grad=saddle_grad, hessian=saddle_hess,
        window=((-2, 2), (-2, 2)), start=(-1.5, 0.05),
        notes="Unbounded below; a saddle point at (0, 0).",
        tags=("saddle", "unbounded", "quadratic"),
    ),
    Surface(
        id="monkey_saddle", name="Monkey saddle",
        latex=r"x^3 - 3xy^2",
        text="x^3 - 3*x*y^2",
        value=monkey_saddle, grad=monkey_saddle_grad, hessian=monkey_saddle_hess,
        window=((-2, 2), (-2, 2)), start=(1.5, 0.5),
        notes="Unbounded below; a degenerate critical point at (0, 0) with zero Hessian.",
        tags=("saddle", "unbounded", "polynomial"),
    ),
    Surface(
        id="eggholder", name="Eggholder",
        latex=r"-(y + 47)\sin\sqrt{\left|\tfrac{x}{2} + y + 47\right|}"
              r" - x\sin\sqrt{\left|x - (y + 47)\right|}",
        text="-(y + 47)*sin(sqrt(abs(x/2 + y + 47))) - x*sin(sqrt(abs(x - (y + 47))))",
        value=eggholder, grad=eggholder_grad, hessian=eggholder_hess,
        window=((-512, 512), (-512, 512)), start=(400, 400),
        minima=((512.0, 404.2318051137578),), min_value=-959.6406627208509,
        smooth=False,
        notes="Global minimum on the window's edge (f keeps falling outside it); "
              "cusps along x/2 + y + 47 = 0 and x - y - 47 = 0.",
        tags=("multimodal", "non-smooth"),
    ),
    Surface(
        id="cross_in_tray", name="Cross-in-tray",
        latex=r"-0.0001\left(\left|\sin x\,\sin y\;"
              r"e^{\left|100 - \sqrt{x^2 + y^2}/\pi\right|}\right| + 1\right)^{0.1}",
        text="-0.0001*(abs(sin(x)*sin(y)*exp(abs(100 - sqrt(x^2 + y^2)/pi))) + 1)^0.1",
        value=cross_in_tray, grad=cross_in_tray_grad, hessian=cross_in_tray_hess,
        window=((-10, 10), (-10, 10)), start=(3, -4),
        minima=tuple((sx * 1.3494066171539107, sy * 1.3494066171539107)
                     for sx in (1, -1) for sy in (1, -1)),
        min_value=-2.062611870822737,
        smooth=False,
        notes="Four global minima; kinks along the lines sin x = 0 and sin y = 0 (the cross).",
        tags=("multimodal", "non-smooth"),
    ),
    Surface(
        id="holder_table", name="Hölder table",
        latex=r"-\left|\sin x\,\cos y\;e^{\left|1 - \sqrt{x^2 + y^2}/\pi\right|}\right|",
        text="-abs(sin(x)*cos(y)*exp(abs(1 - sqrt(x^2 + y^2)/pi)))",
        value=holder_table, grad=holder_table_grad, hessian=holder_table_hess,
        window=((-10, 10), (-10, 10)), start=(5, 5),
        minima=tuple((sx * 8.055023475736563, sy * 9.664590019241272)
                     for sx in (1, -1) for sy in (1, -1)),
        min_value=-19.208502567886732,
        smooth=False,
        notes="Four global minima in the corners; kinks where sin x = 0, cos y = 0 "
              "and on the circle x² + y² = π².",
        tags=("multimodal", "non-smooth"),
    ),
)
