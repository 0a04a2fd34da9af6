"""Tests for surfaces.critical: finding and classifying the points where ∇f = 0.

The surfaces are written out here by hand (their derivatives checked against central finite
differences below), so these tests do not depend on the catalogue. Expected points come from
published tables (Himmelblau: /work/shared/reference/test-functions.md and the published
saddles; six-hump camel's global minima), from an independent solve of the polynomial system
(six-hump camel: all 15 roots of a degree-15 resultant), from a 1D sign-change count
(Rastrigin is separable) and from hand calculation — never from the code under test.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import Polynomial

import surfaces
from surfaces.base import Surface
from surfaces.critical import KINDS, CriticalPoint, critical_points

pytestmark = pytest.mark.filterwarnings("error")   # any warning (NumPy's included) fails a test


def make(value, grad, hessian, window, id="test"):
    """A Surface record from hand-written value/grad/hessian."""
    return Surface(id=id, name=id, latex="", text="", value=value, grad=grad, hessian=hessian,
                   window=window, start=(0.0, 0.0))


def z(x):
    """Zeros shaped like x (so that constant derivative components broadcast)."""
    return np.zeros_like(np.asarray(x, dtype=float))


HIMMELBLAU = make(
    lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    lambda x, y: (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
                  2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)),
    lambda x, y: (12 * x * x + 4 * y - 42, 4 * x + 4 * y, 4 * x + 12 * y * y - 26),
    ((-5, 5), (-5, 5)), "himmelblau")
SADDLE = make(lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
              lambda x, y: (2 + z(x), z(x), -2 + z(x)), ((-2, 2), (-2, 2)), "saddle")
MONKEY = make(lambda x, y: x ** 3 - 3 * x * y * y, lambda x, y: (3 * x * x - 3 * y * y, -6 * x * y),
              lambda x, y: (6 * x, -6 * y, -6 * x), ((-2, 2), (-2, 2)), "monkey_saddle")
QUARTIC = make(lambda x, y: x ** 4 + y ** 4, lambda x, y: (4 * x ** 3, 4 * y ** 3),
               lambda x, y: (12 * x * x, z(x), 12 * y * y), ((-2, 2), (-1, 3)), "quartic")
ELLIPTIC = make(lambda x, y: x * x / 20 + y * y, lambda x, y: (x / 10, 2 * y),
                lambda x, y: (0.1 + z(x), z(x), 2 + z(x)), ((-10, 10), (-5, 5)), "elliptic")
ROSENBROCK = make(lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
                  lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
                  lambda x, y: (2 - 400 * y + 1200 * x * x, -400 * x, 200 + z(x)),
                  ((-2, 2), (-1, 3)), "rosenbrock")
CAMEL = make(lambda x, y: (4 - 2.1 * x * x + x ** 4 / 3) * x * x + x * y + (4 * y * y - 4) * y * y,
             lambda x, y: (8 * x - 8.4 * x ** 3 + 2 * x ** 5 + y, x - 8 * y + 16 * y ** 3),
             lambda x, y: (8 - 25.2 * x * x + 10 * x ** 4, 1 + z(x), -8 + 48 * y * y),
             ((-3, 3), (-2, 2)), "six_hump_camel")
TAU = 2 * math.pi
RASTRIGIN = make(lambda x, y: 20 + x * x - 10 * np.cos(TAU * x) + y * y - 10 * np.cos(TAU * y),
                 lambda x, y: (2 * x + 10 * TAU * np.sin(TAU * x), 2 * y + 10 * TAU * np.sin(TAU * y)),
                 lambda x, y: (2 + 10 * TAU ** 2 * np.cos(TAU * x), z(x),
                               2 + 10 * TAU ** 2 * np.cos(TAU * y)),
                 ((-5.12, 5.12), (-5.12, 5.12)), "rastrigin")
# Written the way a user's formula would be: NumPy warns for x <= 0 if called bare (log of a
# negative number, 1/0), and the values there are NaN or inf.
LOG_ONLY = make(lambda x, y: np.log(x) + y * y, lambda x, y: (1 / x + z(y), 2 * y + z(x)),
                lambda x, y: (-1 / x ** 2 + z(y), z(x + y), 2 + z(x)), ((-2, 3), (-1, 1)), "log")
LOG_BOWL = make(lambda x, y: x - np.log(x) + y * y, lambda x, y: (1 - 1 / x + z(y), 2 * y + z(x)),
                lambda x, y: (1 / x ** 2 + z(y), z(x + y), 2 + z(x)), ((-2, 3), (-1, 1)), "log_bowl")
HAND_MADE = [HIMMELBLAU, SADDLE, MONKEY, QUARTIC, ELLIPTIC, ROSENBROCK, CAMEL, RASTRIGIN, LOG_BOWL]


def pts(cps, kind=None):
    """The (x, y) of the points, optionally of one kind, as an array (N, 2)."""
    return np.array([(c.x, c.y) for c in cps if kind is None or c.kind == kind]).reshape(-1, 2)


def assert_sorted_by_value(cps):
    """Values ascending, up to rounding noise between (mathematically) equal values."""
    v = np.array([c.value for c in cps])
    assert np.all(np.diff(v) >= -1e-9 * max(1.0, np.abs(v).max(initial=0))), v


def assert_same_points(found, expected, atol):
    """Every expected point found once, and nothing else."""
    found, expected = np.asarray(found, float).reshape(-1, 2), np.asarray(expected, float).reshape(-1, 2)
    assert len(found) == len(expected), (found, expected)
    for e in expected:
        assert np.min(np.hypot(*(found - e).T)) < atol, (e, found)


# --------------------------------------------------------------------------------------
# The hand-written surfaces are right (else the tests below would prove nothing)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("s", HAND_MADE, ids=lambda s: s.id)
def test_hand_made_derivatives_match_finite_differences(s):
    rng = np.random.default_rng(7)
    (x0, x1), (y0, y1) = s.window
    x = rng.uniform(max(x0, 0.3) if s.id.startswith("log") else x0, x1, 50)
    y = rng.uniform(y0, y1, 50)
    e = 1e-6
    dx = lambda fn: (np.asarray(fn(x + e, y)) - np.asarray(fn(x - e, y))) / (2 * e)
    dy = lambda fn: (np.asarray(fn(x, y + e)) - np.asarray(fn(x, y - e))) / (2 * e)
    gx, gy = s.grad(x, y)
    hxx, hxy, hyy = s.hessian(x, y)
    np.testing.assert_allclose(gx, dx(s.value), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(gy, dy(s.value), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(hxx, dx(s.grad)[0], rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(hxy, dy(s.grad)[0], rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(hyy, dy(s.grad)[1], rtol=1e-6, atol=1e-4)


# --------------------------------------------------------------------------------------
# Himmelblau: 4 minima, 1 maximum, 4 saddles (published)
# --------------------------------------------------------------------------------------

HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
HIMMELBLAU_MAXIMUM = (-0.270845, -0.923039)
HIMMELBLAU_SADDLES = [(0.086678, 2.884254), (-3.073026, -0.081353), (3.385154, 0.073852),
                      (-0.127961, -1.953715)]


def test_himmelblau_has_exactly_the_nine_published_critical_points():
    cps = critical_points(HIMMELBLAU)
    assert len(cps) == 9
    assert_same_points(pts(cps, "minimum"), HIMMELBLAU_MINIMA, atol=2e-6)
    assert_same_points(pts(cps, "maximum"), [HIMMELBLAU_MAXIMUM], atol=2e-6)
    assert_same_points(pts(cps, "saddle"), HIMMELBLAU_SADDLES, atol=2e-6)
    for c in cps:
        if c.kind == "minimum":
            assert abs(c.value) < 1e-12
        if c.kind == "maximum":
            assert c.value == pytest.approx(181.617, abs=1e-3)


def test_points_are_sorted_by_value_and_carry_consistent_facts():
    cps = critical_points(HIMMELBLAU)
    assert_sorted_by_value(cps)
    for c in cps:
        assert isinstance(c, CriticalPoint) and c.kind in KINDS
        assert c.value == pytest.approx(float(HIMMELBLAU.value(c.x, c.y)), abs=1e-12)
        assert c.grad_norm < 1e-9
        # eigenpairs of the hand-written Hessian: H v = λ v, v unit, ascending λ
        hxx, hxy, hyy = HIMMELBLAU.hessian(c.x, c.y)
        H = np.array([[hxx, hxy], [hxy, hyy]], dtype=float)
        assert c.eigenvalues[0] <= c.eigenvalues[1]
        for lam, v in zip(c.eigenvalues, c.eigenvectors):
            np.testing.assert_allclose(H @ np.array(v), lam * np.array(v), atol=1e-9)
            assert math.hypot(*v) == pytest.approx(1.0)
    assert critical_points(HIMMELBLAU) == cps                    # deterministic


def test_a_saddles_negative_eigenvector_points_downhill():
    # The seed notes' point: at a saddle, the Hessian's negative eigenvector is a way down.
    for c in critical_points(HIMMELBLAU):
        if c.kind == "saddle":
            vx, vy = c.eigenvectors[0]
            for t in (1e-3, -1e-3):
                assert HIMMELBLAU.value(c.x + t * vx, c.y + t * vy) < c.value
            vx, vy = c.eigenvectors[1]
            assert HIMMELBLAU.value(c.x + 1e-3 * vx, c.y + 1e-3 * vy) > c.value


def test_window_restricts_the_search():
    cps = critical_points(HIMMELBLAU, window=((0, 5), (0, 5)))
    expected = [p for p in HIMMELBLAU_MINIMA + HIMMELBLAU_SADDLES + [HIMMELBLAU_MAXIMUM]
                if 0 <= p[0] <= 5 and 0 <= p[1] <= 5]
    assert len(expected) == 3                                    # (3, 2) and two saddles
    assert_same_points(pts(cps), expected, atol=2e-6)


# --------------------------------------------------------------------------------------
# Hand-calculated quadratics, Rosenbrock and the degenerate cases
# --------------------------------------------------------------------------------------


def test_saddle_x2_minus_y2():
    (c,) = critical_points(SADDLE)
    assert c.kind == "saddle"
    assert (c.x, c.y, c.value) == pytest.approx((0, 0, 0), abs=1e-12)
    assert c.eigenvalues == pytest.approx((-2, 2))
    assert c.eigenvectors == (pytest.approx((0, 1)), pytest.approx((1, 0)))


def test_elliptic_bowl_x2_over_20_plus_y2():
    (c,) = critical_points(ELLIPTIC)
    assert c.kind == "minimum"
    assert (c.x, c.y) == pytest.approx((0, 0), abs=1e-12)
    assert c.eigenvalues == pytest.approx((0.1, 2))             # the Hessian is diag(1/10, 2)
    assert c.eigenvectors == (pytest.approx((1, 0)), pytest.approx((0, 1)))


def test_rosenbrock_has_one_minimum_at_1_1():
    (c,) = critical_points(ROSENBROCK)
    assert c.kind == "minimum"
    assert (c.x, c.y) == pytest.approx((1, 1), abs=1e-9)
    # H(1, 1) = [[802, -400], [-400, 200]]: λ = 501 ∓ √(301² + 400²)
    r = math.hypot(301, 400)
    assert c.eigenvalues == pytest.approx((501 - r, 501 + r))


@pytest.mark.parametrize("seed", range(12))
def test_random_quadratics(seed):
    # f = ½ (p − c)ᵀ A (p − c): one critical point, at c, whose kind the signs of A's eigenvalues
    # (chosen here, |λ| in [0.1, 10]) decide.
    rng = np.random.default_rng(seed)
    lam = rng.choice([-1, 1], 2) * 10 ** rng.uniform(-1, 1, 2)
    q, _ = np.linalg.qr(rng.normal(size=(2, 2)))
    A = q @ np.diag(lam) @ q.T
    c = rng.uniform(-1, 1, 2)
    s = make(lambda x, y: 0.5 * (A[0, 0] * (x - c[0]) ** 2 + 2 * A[0, 1] * (x - c[0]) * (y - c[1])
                                 + A[1, 1] * (y - c[1]) ** 2),
             lambda x, y: (A[0, 0] * (x - c[0]) + A[0, 1] * (y - c[1]),
                           A[0, 1] * (x - c[0]) + A[1, 1] * (y - c[1])),
             lambda x, y: (A[0, 0] + z(x), A[0, 1] + z(x), A[1, 1] + z(x)), ((-2, 2), (-2, 2)))
    (p,) = critical_points(s)
    assert (p.x, p.y) == pytest.approx(tuple(c), abs=1e-10)
    assert p.eigenvalues == pytest.approx(tuple(sorted(lam)))
    assert p.kind == {2: "minimum", -2: "maximum", 0: "saddle"}[int(np.sign(lam).sum())]


@pytest.mark.parametrize("s", [MONKEY, QUARTIC], ids=lambda s: s.id)
def test_zero_hessian_point_is_degenerate(s):
    # x³ − 3xy² and x⁴ + y⁴ have ∇f = 0 and H = 0 only at the origin: Newton converges linearly.
    (c,) = critical_points(s)
    assert c.kind == "degenerate"
    assert (c.x, c.y) == pytest.approx((0, 0), abs=1e-6)
    assert c.value == pytest.approx(0, abs=1e-15)


# --------------------------------------------------------------------------------------
# Six-hump camel: all 15 critical points from an independent polynomial solve
# --------------------------------------------------------------------------------------


def camel_critical_points_by_resultant():
    """Solve ∇f = 0 exactly: fx = 0 gives y = P(x); then fy(x, P(x)) = 0 is a degree-15 polynomial."""
    P = Polynomial([0, -8, 0, 8.4, 0, -2])                     # y = −(8x − 8.4x³ + 2x⁵)
    Q = Polynomial([0, 1]) - 8 * P + 16 * P ** 3               # fy = x − 8y + 16y³
    roots = Q.roots()
    xs = roots[np.abs(roots.imag) < 1e-9].real
    xs = np.array([x - Q(x) / Q.deriv()(x) for x in xs])       # one Newton polish
    pts_ = np.stack([xs, P(xs)], -1)
    (x0, x1), (y0, y1) = CAMEL.window
    inside = (pts_[:, 0] >= x0) & (pts_[:, 0] <= x1) & (pts_[:, 1] >= y0) & (pts_[:, 1] <= y1)
    pts_ = pts_[inside]
    x, y = pts_.T
    hxx, hyy = 8 - 25.2 * x * x + 10 * x ** 4, -8 + 48 * y * y  # fxy = 1
    det = hxx * hyy - 1
    kind = np.where(det < 0, "saddle", np.where(hxx > 0, "minimum", "maximum"))
    return pts_, kind


def test_six_hump_camel_matches_the_polynomial_solve():
    expected, kind = camel_critical_points_by_resultant()
    assert len(expected) == 15                                  # the usual count, confirmed
    cps = critical_points(CAMEL)
    for k in ("minimum", "maximum", "saddle"):
        assert_same_points(pts(cps, k), expected[kind == k], atol=1e-7)
    assert len(cps) == 15


def test_six_hump_camel_global_minima_are_the_lowest_points():
    cps = critical_points(CAMEL)
    assert [c.kind for c in cps[:2]] == ["minimum", "minimum"]
    assert_same_points(pts(cps[:2]), [(0.0898, -0.7126), (-0.0898, 0.7126)], atol=1e-4)
    assert [c.value for c in cps[:2]] == pytest.approx([-1.031628, -1.031628], abs=1e-6)


# --------------------------------------------------------------------------------------
# Rastrigin: separable, so its critical points are the products of the 1D ones
# --------------------------------------------------------------------------------------


def rastrigin_1d_critical_points():
    """Roots of g(x) = 2x + 20π sin 2πx in the window, by sign changes on a fine grid + bisection."""
    x0, x1 = RASTRIGIN.window[0]
    g = lambda x: 2 * x + 10 * TAU * np.sin(TAU * x)
    t = np.linspace(x0, x1, 200_001)
    neg = lambda x: np.signbit(g(x))                            # g = 0 counts as positive
    i = np.flatnonzero(neg(t[:-1]) != neg(t[1:]))
    a, b = t[i], t[i + 1]
    for _ in range(60):
        m = (a + b) / 2
        left = neg(a) != neg(m)
        a, b = np.where(left, a, m), np.where(left, m, b)
    roots = (a + b) / 2
    second = 2 + 10 * TAU ** 2 * np.cos(TAU * roots)
    return roots[second > 0], roots[second < 0]                 # 1D minima, 1D maxima


def test_rastrigin_finds_all_products_of_the_1d_critical_points():
    mins, maxs = rastrigin_1d_critical_points()
    assert (len(mins), len(maxs)) == (11, 10)                   # 21 per axis: 441 in 2D
    grid = lambda u, v: np.array([(a, b) for a in u for b in v])
    cps = critical_points(RASTRIGIN)
    assert len(cps) == 441
    assert_same_points(pts(cps, "minimum"), grid(mins, mins), atol=1e-7)
    assert_same_points(pts(cps, "maximum"), grid(maxs, maxs), atol=1e-7)
    assert_same_points(pts(cps, "saddle"), np.concatenate([grid(mins, maxs), grid(maxs, mins)]), atol=1e-7)


def test_max_points_keeps_the_lowest():
    cps = critical_points(RASTRIGIN, max_points=10)
    assert cps == critical_points(RASTRIGIN)[:10]
    assert cps[0].kind == "minimum" and (cps[0].x, cps[0].y) == pytest.approx((0, 0), abs=1e-12)
    assert critical_points(RASTRIGIN, max_points=0) == []


# --------------------------------------------------------------------------------------
# Surfaces undefined in part of the window; degenerate input
# --------------------------------------------------------------------------------------


def test_the_log_surfaces_warn_when_called_bare():
    # (so that the two tests below, which turn warnings into errors, do test something)
    with pytest.warns(RuntimeWarning):
        LOG_ONLY.value(np.array([-1.0]), np.array([0.0]))
    with pytest.warns(RuntimeWarning):
        LOG_ONLY.grad(np.array([0.0]), np.array([0.0]))


def test_log_x_plus_y2_has_no_critical_points_and_no_warnings():
    assert critical_points(LOG_ONLY) == []                      # ∂f/∂x = 1/x never vanishes


def test_x_minus_log_x_plus_y2_has_its_minimum_despite_the_nan_half():
    (c,) = critical_points(LOG_BOWL)
    assert c.kind == "minimum"
    assert (c.x, c.y, c.value) == pytest.approx((1, 0, 1), abs=1e-9)    # 1 − 1/x = 0, 2y = 0
    assert c.eigenvalues == pytest.approx((1, 2))                       # diag(1/x², 2) at x = 1


def test_a_huge_range_of_values_does_not_hide_the_minimum():
    # exp(x² + y²) on [-5, 5]²: |∇f| runs from 0 to ~1e23, the Hessian from 2 to ~1e24; the only
    # critical point is the origin, where H = 2I (a minimum, not degenerate).
    e = lambda x, y: np.exp(x * x + y * y)
    s = make(e, lambda x, y: (2 * x * e(x, y), 2 * y * e(x, y)),
             lambda x, y: ((2 + 4 * x * x) * e(x, y), 4 * x * y * e(x, y), (2 + 4 * y * y) * e(x, y)),
             ((-5, 5), (-5, 5)))
    (c,) = critical_points(s)
    assert c.kind == "minimum" and c.eigenvalues == pytest.approx((2, 2))
    assert (c.x, c.y, c.value) == pytest.approx((0, 0, 1), abs=1e-12)


def test_an_underflowing_well_gives_its_minimum_and_nothing_from_the_flat_far_field():
    # −exp(−(x² + y²)) on [-60, 60]²: exp underflows to exactly 0 beyond r ≈ 27, where ∇f = H = 0
    # in floating point; the one true critical point is the minimum at the origin.
    e = lambda x, y: np.exp(-(x * x + y * y))
    s = make(lambda x, y: -e(x, y), lambda x, y: (2 * x * e(x, y), 2 * y * e(x, y)),
             lambda x, y: ((2 - 4 * x * x) * e(x, y), -4 * x * y * e(x, y), (2 - 4 * y * y) * e(x, y)),
             ((-60, 60), (-60, 60)))
    (c,) = critical_points(s)
    assert c.kind == "minimum" and c.eigenvalues == pytest.approx((2, 2))
    assert (c.x, c.y, c.value) == pytest.approx((0, 0, -1), abs=1e-12)


def test_surfaces_without_isolated_critical_points():
    nan = make(lambda x, y: np.full(np.shape(x), np.nan), lambda x, y: (np.full(np.shape(x), np.nan),) * 2,
               lambda x, y: (np.full(np.shape(x), np.nan),) * 3, ((-1, 1), (-1, 1)))
    const = make(lambda x, y: 3 + z(x), lambda x, y: (z(x), z(x)), lambda x, y: (z(x),) * 3,
                 ((-1, 1), (-1, 1)))
    plane = make(lambda x, y: x + 2 * y, lambda x, y: (1, 2), lambda x, y: (0, 0, 0), ((-1, 1), (-1, 1)))
    for s in (nan, const, plane):
        assert critical_points(s) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"resolution": 1}, "resolution"),
    ({"resolution": 2.5}, "resolution"),
    ({"resolution": True}, "resolution"),
    ({"max_points": -1}, "max_points"),
    ({"window": ((1, -1), (0, 1))}, "xmin < xmax"),
    ({"window": ((0, 1), (0, float("nan")))}, "finite"),
    ({"window": (0, 1)}, "window must be"),
])
def test_bad_input_gives_a_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        critical_points(SADDLE, **kwargs)


# --------------------------------------------------------------------------------------
# The built-in catalogue
# --------------------------------------------------------------------------------------

def is_stationary(s, point, h=1e-7):
    """True if every one-sided difference quotient of f at point is ~0 (a smooth minimum, not a
    cone tip such as Ackley's, where f rises with a non-zero slope in every direction)."""
    x, y = point
    f0 = float(s.value(x, y))
    slopes = [(float(s.value(x + h * dx, y + h * dy)) - f0) / h
              for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    return max(abs(v) for v in slopes) < 0.1


@pytest.mark.parametrize("sid", surfaces.names())
def test_builtin_surfaces(sid):
    s = surfaces.get(sid)
    cps = critical_points(s)                                    # no crash, no warning
    (x0, x1), (y0, y1) = s.window
    assert len(cps) <= 500
    assert_sorted_by_value(cps)
    for c in cps:
        assert c.kind in KINDS and c.eigenvalues[0] <= c.eigenvalues[1]
        assert x0 - 1e-6 * (x1 - x0) <= c.x <= x1 + 1e-6 * (x1 - x0)
        assert y0 - 1e-6 * (y1 - y0) <= c.y <= y1 + 1e-6 * (y1 - y0)
    if not s.smooth:
        return                                                  # best effort only
    found = pts(cps, "minimum")
    diag = math.hypot(x1 - x0, y1 - y0)
    stationary = [m for m in s.minima if is_stationary(s, m)]
    if len(stationary) < len(s.minima):
        assert sid == "ackley"                                  # the one cone tip among the smooth
    for m in stationary:
        assert len(found) and np.min(np.hypot(*(found - np.array(m, float)).T)) < 1e-6 * diag, (sid, m)
    if stationary:
        best = min(c.value for c in cps if c.kind == "minimum")
        assert best == pytest.approx(s.min_value, abs=1e-9 * max(1, abs(s.min_value)))
