"""Tests for the built-in surfaces.

Values are checked against the published formulas, written out again here, and against
hand-computed numbers; gradients and Hessians against central finite differences and
against sympy's exact derivatives of each surface's plain-text formula; minima against the
published tables (/work/shared/reference/test-functions.md) and, to full float precision,
against a Newton step computed with 30-digit arithmetic.
"""
from __future__ import annotations

import ast
import math
import operator
import warnings
from math import cos, exp, pi, sin, sqrt

import numpy as np
import pytest
import sympy

import surfaces
from surfaces import Surface

IDS = surfaces.names()
NON_SMOOTH = {"ackley", "eggholder", "cross_in_tray", "holder_table"}
RNG_SEED = 20240601

# --------------------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------------------

# The formulas as published (scalar, math module).
PUBLISHED = {
    "elliptic": lambda x, y: x**2 / 20 + y**2,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2
                           + (2.625 - x + x * y**3) ** 2),
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "three_hump_camel": lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    "six_hump_camel": lambda x, y: ((4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y
                                    + (-4 + 4 * y**2) * y**2),
    "rastrigin": lambda x, y: (10 * 2 + (x**2 - 10 * cos(2 * pi * x))
                               + (y**2 - 10 * cos(2 * pi * y))),
    "ackley": lambda x, y: (-20 * exp(-0.2 * sqrt(0.5 * (x**2 + y**2)))
                            - exp(0.5 * (cos(2 * pi * x) + cos(2 * pi * y))) + math.e + 20),
    "goldstein_price": lambda x, y: (
        (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
        * (30 + (2 * x - 3 * y) ** 2
           * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2))),
    "levi13": lambda x, y: (sin(3 * pi * x) ** 2 + (x - 1) ** 2 * (1 + sin(3 * pi * y) ** 2)
                            + (y - 1) ** 2 * (1 + sin(2 * pi * y) ** 2)),
    "mccormick": lambda x, y: sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1,
    "styblinski_tang": lambda x, y: sum(t**4 - 16 * t**2 + 5 * t for t in (x, y)) / 2,
    "easom": lambda x, y: -cos(x) * cos(y) * exp(-((x - pi) ** 2) - (y - pi) ** 2),
    "saddle": lambda x, y: x**2 - y**2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
    "eggholder": lambda x, y: (-(y + 47) * sin(sqrt(abs(x / 2 + (y + 47))))
                               - x * sin(sqrt(abs(x - (y + 47))))),
    "cross_in_tray": lambda x, y: -0.0001 * (
        abs(sin(x) * sin(y) * exp(abs(100 - sqrt(x**2 + y**2) / pi))) + 1) ** 0.1,
    "holder_table": lambda x, y: -abs(sin(x) * cos(y) * exp(abs(1 - sqrt(x**2 + y**2) / pi))),
}

# Values computed by hand.
HAND_VALUES = [
    ("elliptic", -7, 2, 6.45),
    ("rosenbrock", 0, 0, 1.0),
    ("rosenbrock", -1, 1, 4.0),
    ("beale", 0, 0, 1.5**2 + 2.25**2 + 2.625**2),
    ("booth", 0, 0, 74.0),
    ("matyas", 1, 1, 0.04),
    ("himmelblau", 0, 0, 170.0),
    ("three_hump_camel", 1, 1, 2 - 1.05 + 1 / 6 + 1 + 1),
    ("six_hump_camel", 1, 1, 97 / 30),
    ("rastrigin", 0.5, 0.5, 40.5),
    ("ackley", 0, 0, 0.0),
    ("goldstein_price", 0, 0, 600.0),
    ("goldstein_price", 0, -1, 3.0),
    ("levi13", 1, 1, 0.0),
    ("mccormick", 0, 0, 1.0),
    ("styblinski_tang", 1, 1, -10.0),
    ("easom", pi, pi, -1.0),
    ("saddle", 1, 2, -3.0),
    ("monkey_saddle", 1, 1, -2.0),
    ("eggholder", 0, -47, 0.0),
    ("cross_in_tray", 0, 0, -0.0001),
    ("holder_table", 0, 0, 0.0),
]

# Global minima as printed in the reference table: (points, value, tolerance on the points,
# tolerance on the value). Some tables truncate rather than round, hence the tolerances.
PUBLISHED_MINIMA = {
    "elliptic": ([(0, 0)], 0.0, 0, 0),
    "rosenbrock": ([(1, 1)], 0.0, 0, 0),
    "beale": ([(3, 0.5)], 0.0, 0, 0),
    "booth": ([(1, 3)], 0.0, 0, 0),
    "matyas": ([(0, 0)], 0.0, 0, 0),
    "himmelblau": ([(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),
                    (3.584428, -1.848126)], 0.0, 1e-6, 0),
    "three_hump_camel": ([(0, 0)], 0.0, 0, 0),
    "six_hump_camel": ([(0.0898, -0.7126), (-0.0898, 0.7126)], -1.031628, 1e-4, 1e-6),
    "rastrigin": ([(0, 0)], 0.0, 0, 0),
    "ackley": ([(0, 0)], 0.0, 0, 0),
    "goldstein_price": ([(0, -1)], 3.0, 0, 0),
    "levi13": ([(1, 1)], 0.0, 0, 0),
    "mccormick": ([(-0.54720, -1.54720)], -1.913223, 1e-5, 1e-6),
    "styblinski_tang": ([(-2.903534, -2.903534)], -78.33233, 1e-6, 1e-5),
    "easom": ([(pi, pi)], -1.0, 0, 0),
    "saddle": ([], None, 0, 0),
    "monkey_saddle": ([], None, 0, 0),
    "eggholder": ([(512, 404.2319)], -959.6407, 1e-4, 1e-4),
    "cross_in_tray": ([(sx * 1.34941, sy * 1.34941) for sx in (1, -1) for sy in (1, -1)],
                      -2.06261, 1e-5, 1e-5),
    "holder_table": ([(sx * 8.05502, sy * 9.66459) for sx in (1, -1) for sy in (1, -1)],
                     -19.2085, 1e-5, 1e-4),
}


def away_from_kinks(id, x, y, margin):
    """Mask of points at least ``margin`` away from where ``id`` is not twice differentiable."""
    r = np.hypot(x, y)
    if id == "ackley":
        return r > margin
    if id == "eggholder":
        return (np.abs(x / 2 + y + 47) > margin) & (np.abs(x - y - 47) > margin)
    if id == "cross_in_tray":
        return (np.abs(np.sin(x)) > margin) & (np.abs(np.sin(y)) > margin) & (r > margin)
    if id == "holder_table":
        return ((np.abs(np.sin(x)) > margin) & (np.abs(np.cos(y)) > margin)
                & (np.abs(r - pi) > margin) & (r > margin))
    return np.ones(np.shape(x), dtype=bool)


# The kinks themselves: gradient and Hessian must still be finite there.
KINKS = {
    "ackley": [(0, 0)],
    "eggholder": [(0, -47), (-94, 0), (47, 0), (100, 53)],
    "cross_in_tray": [(0, 0), (pi, 1), (1, 0), (0, 5), (100 * pi**2, 0)],
    "holder_table": [(0, 0), (pi, 0), (0, pi), (1, pi / 2), (0, 2),
                     (pi / sqrt(2), pi / sqrt(2))],
}


def sample(s: Surface, n: int, seed: int = RNG_SEED):
    """``n`` uniform random points inside the window."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = s.window
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def width(s: Surface) -> float:
    (x0, x1), (y0, y1) = s.window
    return max(x1 - x0, y1 - y0)


# A tiny evaluator for the plain-text formulas (after ^ -> **), so the texts can be compared
# with the code: numerically with NumPy, and symbolically with sympy for exact derivatives.
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_FUNCS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs")
X, Y = sympy.symbols("x y", real=True)
NUMPY_NS = {**{f: getattr(np, f) for f in _FUNCS}, "pi": np.pi, "e": np.e}
SYMPY_NS = {**{f: getattr(sympy, f) for f in _FUNCS if f != "abs"}, "abs": sympy.Abs,
            "pi": sympy.pi, "e": sympy.E, "x": X, "y": Y}


def evaluate(text, ns, number=float):
    """Evaluate the formula ``text`` with the names in ``ns``; literals pass through ``number``."""

    def walk(node):
        if isinstance(node, ast.BinOp):
            return _BINOPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -walk(node.operand) if isinstance(node.op, ast.USub) else walk(node.operand)
        if isinstance(node, ast.Call) and node.func.id in _FUNCS and len(node.args) == 1:
            return ns[node.func.id](walk(node.args[0]))
        if isinstance(node, ast.Name):
            return ns[node.id]
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return number(node.value)
        raise AssertionError(f"unexpected syntax: {ast.dump(node)}")

    return walk(ast.parse(text.replace("^", "**"), mode="eval").body)


_SYMBOLIC = {}


def symbolic(s: Surface):
    """f, [fx, fy], [fxx, fxy, fyy] of the surface's text, exact (decimal literals as rationals)."""
    if s.id not in _SYMBOLIC:
        f = evaluate(s.text, SYMPY_NS, number=lambda c: sympy.Rational(repr(c)))
        fx, fy = sympy.diff(f, X), sympy.diff(f, Y)
        _SYMBOLIC[s.id] = f, [fx, fy], [sympy.diff(fx, X), sympy.diff(fx, Y), sympy.diff(fy, Y)]
    return _SYMBOLIC[s.id]


def at(expr, x, y, digits=30):
    """``expr`` at the float point (x, y), taken exactly, to ``digits`` digits."""
    return sympy.N(expr.subs({X: sympy.Rational(float(x)), Y: sympy.Rational(float(y))}), digits)


@pytest.fixture(params=IDS)
def s(request) -> Surface:
    return surfaces.get(request.param)


# --------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------


def test_names_in_catalogue_order():
    assert IDS == ["elliptic", "rosenbrock", "beale", "booth", "matyas", "himmelblau",
                   "three_hump_camel", "six_hump_camel", "rastrigin", "ackley",
                   "goldstein_price", "levi13", "mccormick", "styblinski_tang", "easom",
                   "saddle", "monkey_saddle", "eggholder", "cross_in_tray", "holder_table"]
    assert set(PUBLISHED) == set(IDS) == set(PUBLISHED_MINIMA)


@pytest.mark.parametrize("bad", ["foo", "", "Rosenbrock", None])
def test_get_unknown_raises_clear_error(bad):
    with pytest.raises(ValueError, match=r"unknown surface .*; known: elliptic, rosenbrock"):
        surfaces.get(bad)


def test_record_facts(s):
    assert isinstance(s, Surface) and surfaces.get(s.id) is s
    assert s.name and s.latex and s.text
    assert s.latex.count("{") == s.latex.count("}")
    assert s.latex.count(r"\left") == s.latex.count(r"\right")
    (x0, x1), (y0, y1) = s.window
    assert x0 < x1 and y0 < y1
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    for mx, my in s.minima:
        assert x0 <= mx <= x1 and y0 <= my <= y1
    assert (s.min_value is None) == (not s.minima)
    assert s.smooth == (s.id not in NON_SMOOTH)
    assert np.all(np.isfinite(s.grad(*s.start)))


def test_elliptic_is_the_textbook_surface():
    s = surfaces.get("elliptic")
    assert s.window == ((-10, 10), (-5, 5)) and s.start == (-7, 2)


def test_flags_that_the_figures_rely_on():
    for id in ("rosenbrock", "beale", "goldstein_price"):
        assert surfaces.get(id).log_levels, id
    assert "(0, 0)" in surfaces.get("ackley").notes          # where it is non-differentiable


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("id, x, y, expected", HAND_VALUES)
def test_hand_computed_values(id, x, y, expected):
    assert surfaces.get(id).value(x, y) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_values_match_published_formula(s):
    x, y = sample(s, 50)
    expected = [PUBLISHED[s.id](a, b) for a, b in zip(x, y)]
    np.testing.assert_allclose(s.value(x, y), expected, rtol=1e-10, atol=1e-12)


def test_text_is_the_same_function(s):
    x, y = sample(s, 200)
    got = evaluate(s.text, {**NUMPY_NS, "x": x, "y": y})
    np.testing.assert_allclose(got, s.value(x, y), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------------------
# Derivatives
# --------------------------------------------------------------------------------------


def test_gradient_matches_finite_differences(s):
    x, y = sample(s, 300)
    h = 1e-6 * width(s)
    keep = away_from_kinks(s.id, x, y, margin=1e3 * h)
    x, y = x[keep], y[keep]
    assert x.size > 200
    gx, gy = s.grad(x, y)
    fdx = (s.value(x + h, y) - s.value(x - h, y)) / (2 * h)
    fdy = (s.value(x, y + h) - s.value(x, y - h)) / (2 * h)
    scale = np.abs(s.value(x, y)) / width(s) + 1e-3 * np.hypot(gx, gy) + 1e-12
    for got, fd in ((gx, fdx), (gy, fdy)):
        assert np.all(np.abs(got - fd) <= 1e-5 * (np.abs(fd) + scale)), s.id


def test_hessian_matches_finite_differences_of_gradient(s):
    x, y = sample(s, 300, seed=RNG_SEED + 1)
    h = 1e-6 * width(s)
    keep = away_from_kinks(s.id, x, y, margin=1e3 * h)
    x, y = x[keep], y[keep]
    hxx, hxy, hyy = s.hessian(x, y)
    gx_px, gy_px = s.grad(x + h, y)
    gx_mx, gy_mx = s.grad(x - h, y)
    gx_py, gy_py = s.grad(x, y + h)
    gx_my, gy_my = s.grad(x, y - h)
    g = np.hypot(*s.grad(x, y))
    scale = g / width(s) + 1e-3 * np.abs(hxx) + 1e-3 * np.abs(hyy) + 1e-12
    for got, fd in ((hxx, (gx_px - gx_mx) / (2 * h)),
                    (hxy, (gx_py - gx_my) / (2 * h)),
                    (hxy, (gy_px - gy_mx) / (2 * h)),
                    (hyy, (gy_py - gy_my) / (2 * h))):
        assert np.all(np.abs(got - fd) <= 1e-5 * (np.abs(fd) + scale)), s.id


def test_derivatives_match_sympy(s):
    """Exact derivatives of the text formula, at a few points away from kinks."""
    x, y = sample(s, 40, seed=RNG_SEED + 2)
    keep = away_from_kinks(s.id, x, y, margin=1e-2)
    _, grad, hess = symbolic(s)
    for a, b in list(zip(x[keep], y[keep]))[:4]:
        for got, expr in zip((*s.grad(a, b), *s.hessian(a, b)), (*grad, *hess)):
            want = float(at(expr, a, b, 20))
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12 * (1 + abs(want))), (s.id, a, b)


def test_finite_and_silent_at_kinks(s):
    """At kinks (and the origin, and the window's corners) every output is finite, no warnings."""
    (x0, x1), (y0, y1) = s.window
    points = KINKS.get(s.id, []) + [(0, 0), (x0, y0), (x1, y1), (x0, y1), (x1, y0)]
    x, y = np.array(points, dtype=float).T
    for out in (s.value(x, y), *s.grad(x, y), *s.hessian(x, y)):
        assert np.all(np.isfinite(out)), s.id


def test_ackley_gradient_at_its_cone_tip_is_zero():
    s = surfaces.get("ackley")
    assert s.value(0.0, 0.0) == 0.0
    assert s.grad(0.0, 0.0) == (0.0, 0.0)


def test_huge_inputs_warn_nothing(s):
    """Far out, where a diverging optimizer goes: no NumPy warning, scalars out, and an overflow
    keeps the exact sign. Where the exact value (sympy, 15 digits) is beyond float range, ours is
    that infinity or NaN (inf − inf on the way); where it is within range, ours is finite or NaN.
    Finite values are not compared, nor derivatives: fl(2π)·1e300 has lost every digit of the
    argument that sin and cos need, so a periodic factor that is exactly 0 there (Lévi N.13's
    sin 3πy at an integer y) comes out non-zero and, times a huge one, overflows."""
    f, _, _ = symbolic(s)
    for x, y in ((1e300, -1e300), (np.inf, 0.0), (1e200, 3.0)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outputs = (s.value(x, y), *s.grad(x, y), *s.hessian(x, y))
        assert caught == [], (s.id, x, y, [str(w.message) for w in caught])
        assert all(np.shape(out) == () and np.asarray(out).dtype == float for out in outputs)
        if math.isinf(x):
            continue
        got, exact = float(outputs[0]), float(at(f, x, y, 15))
        assert math.isnan(got) or (got == exact if math.isinf(exact) else math.isfinite(got)), \
            (s.id, x, y, got, exact)


# --------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("xshape, yshape, shape", [
    ((), (), ()), ((3,), (3,), (3,)), ((4, 5), (4, 5), (4, 5)), ((4, 1), (5,), (4, 5)),
    ((), (3,), (3,)),
])
def test_outputs_broadcast(s, xshape, yshape, shape):
    (x0, x1), (y0, y1) = s.window
    rng = np.random.default_rng(0)
    x = rng.uniform(x0, x1, xshape)
    y = rng.uniform(y0, y1, yshape)
    value = s.value(x, y)
    grad = s.grad(x, y)
    hess = s.hessian(x, y)
    assert len(grad) == 2 and len(hess) == 3
    for out in (value, *grad, *hess):
        assert isinstance(out, np.ndarray) and out.shape == shape and out.dtype == np.float64


def test_python_scalars_and_ints(s):
    a, b = (int(round(c)) for c in s.start)
    assert s.value(a, b).shape == ()
    assert s.value(a, b) == pytest.approx(PUBLISHED[s.id](float(a), float(b)), rel=1e-12, abs=1e-12)


def test_outputs_are_fresh_arrays(s):
    gx, gy = s.grad(np.zeros(3), np.zeros(3))
    hxx, hxy, hyy = s.hessian(np.zeros(3), np.zeros(3))
    for out in (gx, gy, hxx, hxy, hyy):
        assert out.flags.writeable and out.flags.owndata


def test_mismatched_shapes_raise_value_error(s):
    with pytest.raises(ValueError, match=r"cannot be broadcast.*\(3,\) and \(4,\)"):
        s.value(np.zeros(3), np.zeros(4))


# --------------------------------------------------------------------------------------
# Minima
# --------------------------------------------------------------------------------------


def test_minima_agree_with_published_table(s):
    points, value, tol_point, tol_value = PUBLISHED_MINIMA[s.id]
    assert len(s.minima) == len(points)
    for p in points:
        matches = [m for m in s.minima if np.max(np.abs(np.subtract(m, p))) <= tol_point]
        assert len(matches) == 1, (s.id, p)
    if value is None:
        assert s.min_value is None
    else:
        assert abs(s.min_value - value) <= tol_value


def test_value_at_minima_is_min_value(s):
    for m in s.minima:
        assert s.value(*m) == pytest.approx(s.min_value, rel=1e-13, abs=1e-13)


def test_gradient_vanishes_at_minima(s):
    for mx, my in s.minima:
        gx, gy = s.grad(mx, my)
        tol = 1e-9 * max(1.0, abs(s.min_value))
        if s.id == "eggholder":          # on the window's edge x = 512: f still falls to the right
            assert gx < 0 and abs(gy) < tol
        else:
            assert abs(gx) < tol and abs(gy) < tol


# Ackley's minimum is exactly (0, 0), where its gradient is undefined.
@pytest.mark.parametrize("id", [id for id in IDS if id != "ackley" and surfaces.get(id).minima])
def test_minima_are_exact_to_float_precision(id):
    """A 30-digit Newton step from each listed minimum moves it by less than 1 ulp."""
    s = surfaces.get(id)
    f, (fx, fy), (fxx, fxy, fyy) = symbolic(s)
    for mx, my in s.minima:
        gx, gy = at(fx, mx, my), at(fy, mx, my)
        hxx, hxy, hyy = at(fxx, mx, my), at(fxy, mx, my), at(fyy, mx, my)
        if s.id == "eggholder":                  # x is fixed on the boundary
            dx, dy = 0, gy / hyy
        else:
            det = hxx * hyy - hxy**2
            assert det > 0 and hxx > 0           # a strict local minimum
            dx, dy = (hyy * gx - hxy * gy) / det, (hxx * gy - hxy * gx) / det
        assert abs(float(dx)) <= np.spacing(abs(mx)) + 1e-300, (s.id, mx, float(dx))
        assert abs(float(dy)) <= np.spacing(abs(my)) + 1e-300, (s.id, my, float(dy))
        exact_value = float(at(f, mx, my))
        assert abs(s.min_value - exact_value) <= 2 * np.spacing(abs(s.min_value)) + 1e-25


def test_nothing_in_window_is_below_min_value(s):
    if s.min_value is None:
        # Unbounded below: far along the y axis f goes to -inf.
        assert s.value(0.0, 1e3) < -1e5 or s.value(-1e3, 0.0) < -1e5
        return
    (x0, x1), (y0, y1) = s.window
    xs, ys = np.meshgrid(np.linspace(x0, x1, 801), np.linspace(y0, y1, 801))
    f = s.value(xs, ys)
    assert f.min() >= s.min_value - 1e-9 * max(1.0, abs(s.min_value)), s.id


def test_himmelblau_has_four_minima():
    s = surfaces.get("himmelblau")
    assert len(s.minima) == 4
    # The local maximum is not a minimum and has the published value.
    assert s.value(-0.270845, -0.923039) == pytest.approx(181.617, abs=1e-3)


# --------------------------------------------------------------------------------------
# Windows: one check for formulas, critical points and basin maps
# --------------------------------------------------------------------------------------


def test_check_window_gives_floats():
    window = surfaces.check_window([(np.int64(-2), 1), (np.float32(0.5), 3)])
    assert window == ((-2.0, 1.0), (0.5, 3.0))
    assert all(type(v) is float for pair in window for v in pair)


@pytest.mark.parametrize("window, limit, message", [
    ("abc", None, "window must be ((xmin, xmax), (ymin, ymax)), got 'abc'"),
    ((0, 1), None, "window must be ((xmin, xmax), (ymin, ymax)), got (0, 1)"),
    (((0, 1), (0, 1, 2)), None, "window must be ((xmin, xmax), (ymin, ymax)), got ((0, 1), (0, 1, 2))"),
    (((0, "1"), (0, 1)), None, "window x range must be two numbers, got (0, '1')"),
    (((0, 1), (False, 1)), None, "window y range must be two numbers, got (False, 1)"),
    (((0, math.inf), (0, 1)), None, "window x range must be finite, got (0.0, inf)"),
    (((0, 1), (math.nan, 1)), None, "window y range must be finite, got (nan, 1.0)"),
    (((1, 1), (0, 1)), None, "window x range is empty: need xmin < xmax, got (1, 1)"),
    (((0, 1), (3, -3)), None, "window y range is empty: need ymin < ymax, got (3, -3)"),
    (((0, 1e7), (0, 1)), 1e6, "window x range must lie within ±1e+06, got (0, 1e+07)"),
])
def test_check_window_says_what_is_wrong(window, limit, message):
    with pytest.raises(ValueError) as info:
        surfaces.check_window(window, limit=limit)
    assert str(info.value) == message


def test_window_limit_is_optional():
    assert surfaces.check_window(((0, 1e7), (-1e300, 1e300))) == ((0.0, 1e7), (-1e300, 1e300))
    assert surfaces.check_window(((-1e6, 1e6), (0, 1)), limit=1e6) == ((-1e6, 1e6), (0.0, 1.0))
