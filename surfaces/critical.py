"""Critical points of a surface: where the gradient vanishes, classified by the Hessian.

At a critical point ∇f(x, y) = 0. The Hessian H = [[fxx, fxy], [fxy, fyy]] tells what kind it is:
both eigenvalues positive → minimum, both negative → maximum, one of each sign → saddle (the
eigenvector of the negative eigenvalue is the way down), an eigenvalue ≈ 0 → degenerate (the
second-derivative test says nothing: the monkey saddle x³ − 3xy² at the origin has H = 0).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from surfaces.base import Surface, Window, check_window

KINDS = ("minimum", "maximum", "saddle", "degenerate")

_MAX_ITER = 200        # Levenberg–Marquardt iterations (few points need many: degenerate ones)
_CRAWL_ITER = 40       # after this, only points near a root (by Newton's estimate) go on
_DESCENT_ITER = 40     # descent (and ascent) iterations
_MU0, _MU_MIN = 1e-3, 1e-32   # damping, relative to the square of the Hessian's largest entry
_XTOL = 1e-11          # a step ≤ _XTOL · (window diagonal) ends the iteration
_XACC = 1e-7           # accepted if Newton's step to the root is ≤ _XACC · (window diagonal)
_GTOL = 1e-8           # |∇f| ≤ _GTOL · (largest |∇f| at the seeds) counts as zero
_EIG_RTOL = 1e-6       # |λ| ≤ _EIG_RTOL · (Hessian scale) counts as zero
_MERGE_TOL = 1e-4      # two points closer than this (in window units) are the same point
_MARGIN = 1e-6         # how far outside the window (in window units) a point may lie
_ROAM = 0.25           # iterates may wander this far outside the window (in window units)
_MAX_STEP = 2.0        # at most this many seed spacings per step


class CriticalPoint(NamedTuple):
    """A point where ∇f = 0, with the Hessian's verdict.

    ``eigenvalues`` are the Hessian's, ascending; ``eigenvectors[i]`` is the unit vector
    (vx, vy) of ``eigenvalues[i]``, its larger component made positive. ``grad_norm`` is
    |∇f| where the search stopped (a measure of how exact the point is).
    """

    x: float
    y: float
    kind: str                                   # one of KINDS
    value: float
    eigenvalues: tuple[float, float]
    eigenvectors: tuple[tuple[float, float], tuple[float, float]]
    grad_norm: float


def critical_points(
    surface: Surface,
    window: Window | None = None,
    resolution: int = 48,
    max_points: int = 500,
) -> list[CriticalPoint]:
    """Find and classify the critical points of ``surface`` inside ``window``.

    Seeds a ``resolution`` x ``resolution`` grid over the window and runs, for all seeds at once,
    Levenberg–Marquardt on the residual r = ∇f, whose Jacobian is the Hessian H:

        d = −(H² + μI)⁻¹ H ∇f.

    A step is kept only if it lowers |∇f|²; then μ shrinks and the step tends to Newton's −H⁻¹∇f
    (quadratic convergence at a non-degenerate point), otherwise μ grows (a shorter step down
    |∇f|²), so singular Hessians and undefined (NaN) regions need no special case. At degenerate
    points such as the monkey saddle's (H = 0) Newton converges only linearly; the iteration runs
    on until the step is negligible. Steps are capped at two seed spacings, so each seed tends to
    find a point near it. Modified-Newton descents from the grid's lowest seeds (and ascents from
    its highest) add seeds next to minima (maxima) the root search alone can miss.

    A point is kept if it lies in the window (up to a margin of 1e-6 of its size), Newton's step
    −H⁻¹∇f from it is shorter than 1e-7 of the window's diagonal and |∇f| ≤ 1e-8 · (largest |∇f|
    at the seeds). Points where ∇f and H are both exactly 0, or around which f is constant to
    floating-point precision (one seed spacing away), are on a plateau, not isolated, and are
    dropped (for example where Easom's exp(−r²) underflows to 0); a constant surface has none.
    Genuine critical points of nearly flat regions are kept (Easom's, with |f| down to 1e-30
    around its well). Points closer than 1e-4 of the window's size are merged. Each is
    classified by the eigenvalues of H (``np.linalg.eigh``); an eigenvalue counts as zero, making
    the point "degenerate", when |λ| ≤ 1e-6 · max(largest |λ| at the point, largest Hessian norm
    one seed spacing around it).

    Limits: a coarse grid can miss points of highly oscillatory surfaces (raise ``resolution``);
    lines or circles of critical points come back as many separate degenerate points; minima at
    kinks (Ackley's cone tip, the non-smooth surfaces' creases) are not points where ∇f = 0 and are
    not found, and on non-smooth surfaces (``surface.smooth`` False) the rest is best-effort.
    Never emits NumPy warnings.

    Args:
        surface: the surface; ``grad`` and ``hessian`` must broadcast over arrays.
        window: ((xmin, xmax), (ymin, ymax)); defaults to ``surface.window``.
        resolution: seeds per axis (integer >= 2); the work grows as its square.
        max_points: at most this many points are returned, those of lowest value (Rastrigin has
            441 critical points in its usual window, Lévi N.13 more than 500).

    Returns:
        The critical points sorted by value, then x, then y.
    """
    (xmin, xmax), (ymin, ymax) = check_window(surface.window if window is None else window)
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 0:
        raise ValueError(f"max_points must be an integer >= 0, got {max_points!r}")

    span = np.array([xmax - xmin, ymax - ymin])
    lo, hi = np.array([xmin, ymin]), np.array([xmax, ymax])
    spacing = span / (resolution - 1)
    with np.errstate(all="ignore"):
        gx, gy = np.meshgrid(np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution))
        p = np.stack([gx.ravel(), gy.ravel()], axis=1)
        g, h = _derivatives(surface, p)
        ok = np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(h), axis=1)
        if not ok.any():
            return []
        p, g, h = p[ok], g[ok], h[ok]
        gnorm = np.hypot(g[:, 0], g[:, 1])
        gscale = float(np.max(gnorm, where=np.isfinite(gnorm), initial=0.0))
        if gscale == 0.0:
            return []                                   # ∇f = 0 at every seed: constant
        gtol = _GTOL * gscale

        box = (lo - _ROAM * span, hi + _ROAM * span)
        max_step = _MAX_STEP * float(np.hypot(*spacing))
        extra = _extreme_seeds(surface, gx, gy, max_step, box)
        g2, h2 = _derivatives(surface, extra)
        ok = np.all(np.isfinite(g2), axis=1) & np.all(np.isfinite(h2), axis=1)
        p, g, h = (np.concatenate(pair) for pair in ((p, extra[ok]), (g, g2[ok]), (h, h2[ok])))

        p, g, h = _solve(surface, p, g, h, max_step, box, _XTOL * float(np.hypot(*span)))
        newton = np.hypot(*_lm_step(h, g, _MU_MIN).T)
        gnorm = np.hypot(g[:, 0], g[:, 1])
        blank = np.all(g == 0, axis=1) & np.all(h == 0, axis=1)    # no information: underflow
        margin = _MARGIN * span
        keep = (~blank & (newton <= _XACC * float(np.hypot(*span))) & (gnorm <= gtol)
                & np.all((p >= lo - margin) & (p <= hi + margin), axis=1))
        p, gnorm = _merge(p[keep], gnorm[keep], _MERGE_TOL * span)
        if len(p) == 0:
            return []
        return _classify(surface, p, gnorm, spacing, max_points)


def _extreme_seeds(surface: Surface, gx: np.ndarray, gy: np.ndarray, max_step: float,
                   box) -> np.ndarray:
    """Where descents from the seed grid's lowest points (and ascents from its highest) end.

    They reach minima and maxima that the root search alone can miss (it heads for the nearest
    critical point of any kind); their ends become further seeds for it.
    """
    fgrid = np.asarray(surface.value(gx, gy), dtype=float) * np.ones(gx.shape)
    return np.concatenate([
        _descend(surface, np.stack([gx[m], gy[m]], -1), sign, max_step, box)
        for sign in (1.0, -1.0) for m in [_local_minima(sign * fgrid)]])


def _classify(surface: Surface, p: np.ndarray, gnorm: np.ndarray, spacing: np.ndarray,
              max_points: int) -> list[CriticalPoint]:
    """The critical points at p (N, 2) with their |∇f|, classified by the eigenvalues λ₁ ≤ λ₂
    of H: minimum (λ₁ > 0), maximum (λ₂ < 0), saddle (λ₁ < 0 < λ₂), degenerate (some |λ| ≤
    1e-6 · scale); plateau points dropped; sorted by value, then x, then y; at most
    ``max_points``. ``spacing``: the seed grid's, for the look around each point."""
    with np.errstate(all="ignore"):
        _, h = _derivatives(surface, p)
        value = np.asarray(surface.value(p[:, 0], p[:, 1]), dtype=float) * np.ones(len(p))
        mats = _matrices(h)
        flat, hscale = _neighbourhood(surface, p, value, spacing)
        ok = ~flat & np.all(np.isfinite(mats), axis=(1, 2)) & np.isfinite(value)
        p, gnorm, value, mats, hscale = p[ok], gnorm[ok], value[ok], mats[ok], hscale[ok]
        if len(p) == 0:
            return []
        lam, vec = np.linalg.eigh(mats)                 # ascending; columns are eigenvectors
        scale = np.maximum(np.abs(lam).max(axis=1), hscale)
        degenerate = np.any(np.abs(lam) <= _EIG_RTOL * scale[:, None], axis=1)

    kind = np.where(degenerate, "degenerate",
                    np.where(lam[:, 0] > 0, "minimum", np.where(lam[:, 1] < 0, "maximum", "saddle")))
    # Sort by value (rounded so that floating-point noise between equal values does not decide),
    # then x, then y.
    vscale = max(float(np.max(np.abs(value))), 1e-300)
    order = np.lexsort((p[:, 1], p[:, 0], np.round(value / vscale, 10)))[:max_points]
    return [
        CriticalPoint(
            x=float(p[i, 0]), y=float(p[i, 1]), kind=str(kind[i]), value=float(value[i]),
            eigenvalues=(float(lam[i, 0]), float(lam[i, 1])),
            eigenvectors=(_oriented(vec[i, :, 0]), _oriented(vec[i, :, 1])),
            grad_norm=float(gnorm[i]),
        )
        for i in order
    ]


def _derivatives(surface: Surface, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient (N, 2) and Hessian entries (N, 3) = (fxx, fxy, fyy) at points p (N, 2)."""
    x, y = p[:, 0], p[:, 1]
    g = np.stack(np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in surface.grad(x, y)), x), -1)
    h = np.stack(np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in surface.hessian(x, y)), x), -1)
    return g[:, :2], h[:, :3]


def _descend(surface: Surface, p: np.ndarray, sign: float, max_step: float, box) -> np.ndarray:
    """Modified Newton descent on sign·f from every point p (N, 2) at once; returns the endpoints.

    The step is d = −|H|⁻¹∇(sign·f), where |H| has the Hessian's eigenvectors and the absolute
    values of its eigenvalues (so it goes downhill even past saddles), capped at ``max_step``;
    a step is kept if it lowers sign·f, else it is shortened. Points that leave ``box`` are dropped.
    """
    start, p = p, p.copy()
    f = sign * np.asarray(surface.value(p[:, 0], p[:, 1]), dtype=float) * np.ones(len(p))
    g, h = _derivatives(surface, p)
    g, h = sign * g, sign * h
    t = np.ones(len(p))                                       # fraction of the step to take
    active = np.isfinite(f) & np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(h), axis=1)
    for _ in range(_DESCENT_ITER):
        i = np.flatnonzero(active)
        if i.size == 0:
            break
        lam, vec = np.linalg.eigh(_matrices(h[i]))
        gn = np.hypot(g[i, 0], g[i, 1])
        floor = np.maximum(np.maximum(1e-6 * np.abs(lam).max(axis=1), gn / max_step),
                           np.finfo(float).tiny)
        coef = np.einsum("nki,nk->ni", vec, g[i]) / np.maximum(np.abs(lam), floor[:, None])
        d = -np.einsum("nki,ni->nk", vec, coef)
        dn = np.hypot(d[:, 0], d[:, 1])
        d *= (t[i] * np.minimum(1.0, max_step / np.where(dn > 0, dn, 1.0)))[:, None]
        q = p[i] + d
        fq = sign * np.asarray(surface.value(q[:, 0], q[:, 1]), dtype=float) * np.ones(len(q))
        lower = np.isfinite(fq) & (fq < f[i])
        gq, hq = _derivatives(surface, q[lower])
        fine = np.all(np.isfinite(gq), axis=1) & np.all(np.isfinite(hq), axis=1)
        better = lower.copy()
        better[lower] = fine
        j = i[better]
        p[j], f[j], g[j], h[j] = q[better], fq[better], sign * gq[fine], sign * hq[fine]
        t[j] = np.minimum(1.0, 2 * t[j])
        t[i[~better]] /= 4
        active &= (t > 1e-6) & np.all((p >= box[0]) & (p <= box[1]), axis=1)
    moved = np.any(p != start, axis=1) & np.all((p >= box[0]) & (p <= box[1]), axis=1)
    return p[moved]


def _local_minima(f: np.ndarray) -> np.ndarray:
    """Mask of the grid values that no finite neighbour (of eight) undercuts; NaN is never one."""
    z = np.pad(np.where(np.isnan(f), np.inf, f), 1, constant_values=np.inf)
    n, m = f.shape
    neighbours = [z[1 + i:1 + i + n, 1 + j:1 + j + m] for i in (-1, 0, 1) for j in (-1, 0, 1)
                  if i or j]
    return np.isfinite(f) & np.all([f <= v for v in neighbours], axis=0)


def _matrices(h: np.ndarray) -> np.ndarray:
    """Hessian entries (N, 3) = (fxx, fxy, fyy) as symmetric matrices (N, 2, 2)."""
    return np.stack([np.stack([h[:, 0], h[:, 1]], -1), np.stack([h[:, 1], h[:, 2]], -1)], -2)


def _lm_step(h: np.ndarray, g: np.ndarray, mu) -> np.ndarray:
    """The Levenberg–Marquardt step d = −(H² + μs²I)⁻¹ H ∇f for each point, shape (N, 2).

    H and ∇f are first divided by s, the largest |entry| of H, so that neither tiny nor huge
    values under- or overflow, and μ is relative to s². Where H = 0 the step is 0 if ∇f = 0, else
    not finite (Newton has nowhere to go).
    """
    s = np.max(np.abs(h), axis=1)
    safe = np.where(s > 0, s, 1.0)[:, None]
    (a, b, c), (r1, r2) = (h / safe).T, (g / safe).T
    hg1, hg2 = a * r1 + b * r2, b * r1 + c * r2                     # H ∇f
    m11, m12, m22 = a * a + b * b + mu, b * (a + c), b * b + c * c + mu   # H² + μI
    det = m11 * m22 - m12 * m12
    d = -np.stack([m22 * hg1 - m12 * hg2, m11 * hg2 - m12 * hg1], -1) / det[:, None]
    d[(s == 0) & np.any(g != 0, axis=1)] = np.inf
    return d


def _solve(surface, p, g, h, max_step, box, xtol):
    """Levenberg–Marquardt on ∇f = 0 from every point p (N, 2) at once.

    Returns the final points with their gradients and Hessian entries; points that left ``box``
    come back as NaN.
    """
    p, g, h = p.copy(), g.copy(), h.copy()
    mu = np.full(len(p), _MU0)
    active = np.ones(len(p), dtype=bool)
    for it in range(_MAX_ITER):
        if it == _CRAWL_ITER:      # still far from any root (by Newton's estimate): crawling, stop
            i = np.flatnonzero(active)
            active[i[~(np.hypot(*_lm_step(h[i], g[i], _MU_MIN).T) <= max_step)]] = False
        i = np.flatnonzero(active)
        if i.size == 0:
            break
        d = _lm_step(h[i], g[i], mu[i])
        dn = np.hypot(d[:, 0], d[:, 1])
        stop = ~np.isfinite(dn) | (dn <= xtol)               # converged, or stuck
        d[stop], dn[stop] = 0.0, 0.0
        d *= (max_step / np.maximum(dn, max_step))[:, None]
        q = p[i] + d
        gq, hq = _derivatives(surface, q)
        better = (~stop & np.all(np.isfinite(gq), axis=1) & np.all(np.isfinite(hq), axis=1)
                  & (np.sum(gq * gq, axis=1) < np.sum(g[i] * g[i], axis=1)))
        j = i[better]
        p[j], g[j], h[j] = q[better], gq[better], hq[better]
        mu[j] = np.maximum(mu[j] / 5, _MU_MIN)
        mu[i[~better]] *= 10
        lost = better & ~np.all((q >= box[0]) & (q <= box[1]), axis=1)
        p[i[lost]] = np.nan                                  # heading for outside the window
        active[i[stop | lost]] = False
    return p, g, h


def _merge(p: np.ndarray, gnorm: np.ndarray, tol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep one point per cluster, the one with the smallest gradient; tol (2,) is per axis."""
    order = np.argsort(gnorm, kind="stable")
    p, gnorm = p[order], gnorm[order]
    # Points in the same tol-sized cell first (cheap, vectorised), then a greedy pass over the few
    # left catches neighbours across cell borders, looking only at those within tol in x.
    _, first = np.unique(np.floor(p / tol), axis=0, return_index=True)
    first.sort()
    p, gnorm = p[first], gnorm[first]
    by_x = np.argsort(p[:, 0], kind="stable")
    xs = p[by_x, 0]
    taken = np.zeros(len(p), dtype=bool)
    kept: list[int] = []
    for k in range(len(p)):
        if taken[k]:
            continue
        kept.append(k)
        near = by_x[np.searchsorted(xs, p[k, 0] - tol[0]):np.searchsorted(xs, p[k, 0] + tol[0], "right")]
        taken[near[np.hypot(*((p[near] - p[k]) / tol).T) <= 1.0]] = True
    return p[kept], gnorm[kept]


def _neighbourhood(surface: Surface, p: np.ndarray, value: np.ndarray, spacing: np.ndarray):
    """Look at eight points one seed spacing around each point p (N, 2), where f = ``value``.

    Returns ``flat`` (N,), True where f there equals f(p) to floating-point precision (a plateau
    such as an underflowed exp(−r²), not an isolated critical point), and the largest Hessian
    norm there (N,), the local scale against which an eigenvalue counts as zero.
    """
    ring = np.array([(np.cos(t), np.sin(t)) for t in np.arange(8) * np.pi / 4]) * spacing
    q = (p[:, None, :] + ring[None]).reshape(-1, 2)
    fq = (np.asarray(surface.value(q[:, 0], q[:, 1]), dtype=float) * np.ones(len(q))).reshape(-1, 8)
    fp = value[:, None]
    differs = np.abs(fq - fp) > 8 * np.finfo(float).eps * (np.abs(fp) + np.abs(fq))  # NaN: no
    _, h = _derivatives(surface, q)
    norm = np.hypot(np.hypot(h[:, 0], h[:, 2]), math.sqrt(2) * h[:, 1]).reshape(-1, 8)
    return ~np.any(differs, axis=1), np.max(norm, axis=1, where=np.isfinite(norm), initial=0.0)


def _oriented(v: np.ndarray) -> tuple[float, float]:
    """The unit vector v as a tuple, flipped so that its larger component is positive."""
    if v[np.argmax(np.abs(v))] < 0:
        v = -v
    return float(v[0]), float(v[1])
