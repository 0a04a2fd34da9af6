"""L-BFGS as torch.optim.LBFGS: several function evaluations per step, one run at a time."""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Closure, Hyperparam, Optimizer

Vec = tuple[float, float]


class Memory(NamedTuple):
    """One run's torch state between steps: the last direction d and step t, the history of
    gradient changes y (old_dirs), steps s (old_stps) and 1/(y·s) (ro), H_diag = y·s/(y·y), the
    last gradient and loss, and the counts n_iter and func_evals (over all steps)."""

    d: Vec | None = None
    t: float | None = None
    old_dirs: tuple[Vec, ...] = ()
    old_stps: tuple[Vec, ...] = ()
    ro: tuple[float, ...] = ()
    H_diag: float = 1.0
    prev_flat_grad: Vec | None = None
    prev_loss: float | None = None
    n_iter: int = 0
    func_evals: int = 0


class LBFGSState(NamedTuple):
    """step; memory: one ``Memory`` per run; evaluations (N, m, 2): every point the last step
    evaluated f at, in order (its start first; NaN past a run's count), extra data;
    grad (N, 2) and update (N, 2): the last step's first gradient and its move (for explain)."""

    step: int
    memory: tuple[Memory, ...]
    evaluations: Array
    grad: Array
    update: Array


class LBFGS(Optimizer):
    """torch.optim.LBFGS: one ``.step(closure)`` per recorded point.

    Each step (from torch 2.13's code, per run): evaluate f, g at θ; stop if ‖g‖∞ ≤ tolerance_grad.
    Else up to ``max_iter`` iterations of
        d = −H·g by the two-loop recursion over the last ``history_size`` pairs
            (s = t·d, y = g − g_prev), kept where y·s > 1e-10, with H₀ = (y·s/y·y)·I
            (d = −g on the very first iteration)
        t = min(1, 1/‖g‖₁)·lr on the very first iteration, else lr
        stop if g·d > −tolerance_change
        θ ← θ + t·d, with t from a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9, cubic
            interpolation, at most max_eval − evaluations so far) if line_search_fn="strong_wolfe"
        stop after max_iter iterations or max_eval evaluations, when ‖g‖∞ ≤ tolerance_grad,
            ‖t·d‖∞ ≤ tolerance_change or |Δf| < tolerance_change.
    The history persists across steps, as torch's state does. The points f was evaluated at
    inside a step are extra data (``extras``: "evaluations").

    One run at a time: the iterations and the line search branch on each run's own values, so
    ``step`` loops over the runs in Python (``batched = False``): an experiment's lines run, but
    basin maps and sweeps (thousands of runs) refuse it. Gradscape bounds max_iter, max_eval and
    history_size (torch does not) so a step stays short. No ``maximize`` (torch has none).
    """

    name = "LBFGS"
    summary = "Quasi-Newton with a limited history; several evaluations of f per step."
    needs_closure = True
    batched = False
    hyperparams = (
        Hyperparam("lr", 1.0, low=0.0, log=True, error="Invalid learning rate",
                   help="Step length t (the first iteration of the first step scales it by "
                        "min(1, 1/‖g‖₁)); the line search starts from it."),
        Hyperparam("max_iter", 20, kind="int", high=1000,
                   error="Invalid max_iter value (a gradscape limit, not torch's)",
                   help="Iterations per step."),
        Hyperparam("max_eval", None, kind="int", optional=True, high=1250,
                   error="Invalid max_eval value (a gradscape limit, not torch's)",
                   help="Evaluations of f per step; empty: max_iter·5//4."),
        Hyperparam("tolerance_grad", 1e-7, log=True,
                   help="A step stops when the largest |∂f/∂θᵢ| is at most this."),
        Hyperparam("tolerance_change", 1e-9, log=True,
                   help="A step stops when the move or the change of f is below this."),
        Hyperparam("history_size", 100, kind="int", high=1000,
                   error="Invalid history_size value (a gradscape limit, not torch's)",
                   help="How many (s, y) pairs approximate the inverse Hessian."),
        Hyperparam("line_search_fn", None, kind="choice", choices=(None, "strong_wolfe"),
                   help="None: fixed steps of lr; \"strong_wolfe\": a line search along d."),
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if self.params["max_eval"] is None:     # torch fills it in at construction
            self.params["max_eval"] = self.max_iter * 5 // 4

    def validate(self, **p: Any) -> None:
        """What torch would fail on later: a line search needs one evaluation to spare."""
        max_eval = p["max_iter"] * 5 // 4 if p["max_eval"] is None else p["max_eval"]
        if p["line_search_fn"] == "strong_wolfe" and max_eval < 1:
            raise ValueError(f"max_eval must be at least 1 with line_search_fn='strong_wolfe', "
                             f"got {max_eval} (torch fails inside its line search)")

    def init(self, theta: Array) -> LBFGSState:
        theta = c.as_theta(theta)
        n = len(theta)
        return LBFGSState(0, (Memory(),) * n, np.full((n, 1, 2), np.nan), np.zeros_like(theta),
                          np.zeros_like(theta))

    def step(self, state: LBFGSState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None, closure: Closure | None = None) -> tuple[Array, LBFGSState]:
        """One ``.step(closure)`` of every run, one run after another (see the class)."""
        if closure is None:
            raise ValueError("LBFGS needs a closure: step(..., closure=...) evaluates f and ∇f")
        theta = np.array(theta, dtype=float)
        memory, evaluations = list(state.memory), []
        for i in range(len(theta)):
            def f_and_g(x: Vec, i: int = i) -> tuple[float, Vec]:
                f, g = closure(np.array([x]), np.array([i]))
                return float(f[0]), (float(g[0, 0]), float(g[0, 1]))
            x, memory[i], points = _step(memory[i], (float(theta[i, 0]), float(theta[i, 1])),
                                         f_and_g, self._at(i, lr))
            evaluations.append(points)
            theta[i] = x
        width = max(len(p) for p in evaluations) if evaluations else 1
        evals = np.full((len(theta), width, 2), np.nan)
        for i, points in enumerate(evaluations):
            evals[i, :len(points)] = points
        update = theta - np.asarray(evals[:, 0])
        return theta, LBFGSState(state.step + 1, tuple(memory), evals, np.asarray(grad, float),
                                 update)

    def _at(self, i: int, lr: Any) -> dict[str, Any]:
        """Run i's settings as Python numbers (a swept value: its element i)."""
        def pick(v: Any) -> Any:
            return float(np.ravel(v)[i]) if isinstance(v, np.ndarray) else v
        p = {k: pick(v) for k, v in self.params.items()}
        p["lr"] = pick(lr)
        return p

    def extras(self, state: LBFGSState) -> dict[str, Array]:
        """Every point the last step evaluated f at (its start first), NaN-padded per run."""
        return {"evaluations": state.evaluations}

    def explain(self, before: LBFGSState, after: LBFGSState, lr: Any) -> dict[str, Array]:
        """effective_lr: −Δθ/g per coordinate, the factor that turned this step's first gradient
        into its whole move (the step is −H·g with a full matrix H, so this is a description, not
        a rule; NaN where g is 0). LBFGS keeps no momentum."""
        with np.errstate(all="ignore"):
            g = after.grad
            return {"effective_lr": np.where(g != 0, -after.update / np.where(g != 0, g, 1), np.nan)}


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1]


def _axpy(x: Vec, alpha: float, d: Vec) -> Vec:
    """x + alpha·d, as torch's ``add_(d, alpha=alpha)``."""
    return (x[0] + alpha * d[0], x[1] + alpha * d[1])


def _div(a: float, b: float) -> float:
    """a / b as IEEE (and torch) divide: ±inf or NaN for b = 0, where Python raises."""
    return a / b if b != 0 else float(np.float64(a) / np.float64(b))


def _direction(mem: Memory, g: Vec, history_size: int) -> tuple[Vec, Memory]:
    """torch's two-loop recursion: d = −H·g from the history, after adding the latest pair."""
    y = (g[0] - mem.prev_flat_grad[0], g[1] - mem.prev_flat_grad[1])
    s = (mem.d[0] * mem.t, mem.d[1] * mem.t)
    ys = _dot(y, s)
    dirs, stps, ro, h_diag = mem.old_dirs, mem.old_stps, mem.ro, mem.H_diag
    if ys > 1e-10:
        if len(dirs) == history_size:
            dirs, stps, ro = dirs[1:], stps[1:], ro[1:]
        dirs, stps, ro = dirs + (y,), stps + (s,), ro + (1.0 / ys,)
        h_diag = _div(ys, _dot(y, y))
    al = [0.0] * len(dirs)
    q = (-g[0], -g[1])
    for i in range(len(dirs) - 1, -1, -1):
        al[i] = _dot(stps[i], q) * ro[i]
        q = _axpy(q, -al[i], dirs[i])
    r = (q[0] * h_diag, q[1] * h_diag)
    for i in range(len(dirs)):
        be_i = _dot(dirs[i], r) * ro[i]
        r = _axpy(r, al[i] - be_i, stps[i])
    return r, mem._replace(old_dirs=dirs, old_stps=stps, ro=ro, H_diag=h_diag)


def _step(mem: Memory, x: Vec, f_and_g: Any, p: dict[str, Any]) -> tuple[Vec, Memory, list[Vec]]:
    """One torch ``LBFGS.step`` of one run from x: the new x, memory and the points evaluated."""
    points = [x]
    loss, g = f_and_g(x)
    evals, func_evals, n_iter_total = 1, mem.func_evals + 1, mem.n_iter
    if max(abs(g[0]), abs(g[1])) <= p["tolerance_grad"]:
        return x, mem._replace(func_evals=func_evals), points

    def evaluate(at: Vec) -> tuple[float, Vec]:
        points.append(at)
        return f_and_g(at)

    d, t = mem.d, mem.t
    n_iter = 0
    while n_iter < p["max_iter"]:
        n_iter += 1
        n_iter_total += 1
        if n_iter_total == 1:
            d = (-g[0], -g[1])
            mem = mem._replace(old_dirs=(), old_stps=(), ro=(), H_diag=1.0)
        else:
            d, mem = _direction(mem._replace(d=d, t=t), g, p["history_size"])
        mem = mem._replace(prev_flat_grad=g, prev_loss=loss)
        prev_loss = loss
        t = min(1.0, _div(1.0, abs(g[0]) + abs(g[1]))) * p["lr"] if n_iter_total == 1 else p["lr"]
        gtd = _dot(g, d)
        if gtd > -p["tolerance_change"]:
            break
        ls_evals, opt_cond = 0, False
        if p["line_search_fn"] is not None:
            loss, g, t, ls_evals = _strong_wolfe(lambda step: evaluate(_axpy(x, step, d)),
                                                 t, d, loss, g, gtd, p["tolerance_change"],
                                                 p["max_eval"] - evals)
            x = _axpy(x, t, d)
            opt_cond = max(abs(g[0]), abs(g[1])) <= p["tolerance_grad"]
        else:
            x = _axpy(x, t, d)
            if n_iter != p["max_iter"]:
                loss, g = evaluate(x)
                opt_cond = max(abs(g[0]), abs(g[1])) <= p["tolerance_grad"]
                ls_evals = 1
        evals += ls_evals
        func_evals += ls_evals
        if n_iter == p["max_iter"] or evals >= p["max_eval"] or opt_cond:
            break
        if max(abs(d[0] * t), abs(d[1] * t)) <= p["tolerance_change"]:
            break
        if abs(loss - prev_loss) < p["tolerance_change"]:
            break
    return x, mem._replace(d=d, t=t, n_iter=n_iter_total, func_evals=func_evals), points


def _cubic_interpolate(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                       bounds: tuple[float, float] | None = None) -> float:
    """torch's ``_cubic_interpolate``: the minimizer of the cubic through (x1, f1, g1) and
    (x2, f2, g2), clamped to ``bounds`` (default the interval); its midpoint if the cubic has none."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * _div(f1 - f2, x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * _div(g2 + d2 - d1, g2 - g1 + 2 * d2)
        else:
            min_pos = x1 - (x1 - x2) * _div(g1 + d2 - d1, g1 - g2 + 2 * d2)
        return min(max(min_pos, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe(obj: Any, t: float, d: Vec, f: float, g: Vec, gtd: float,
                  tolerance_change: float, max_ls: int, c1: float = 1e-4,
                  c2: float = 0.9) -> tuple[float, Vec, float, int]:
    """torch's ``_strong_wolfe`` along d from the current point (f, g, gtd = g·d there);
    ``obj(t)`` evaluates (f, g) at x + t·d. Returns f, g at the chosen t, t and the count."""
    d_norm = max(abs(d[0]), abs(d[1]))
    f_new, g_new = obj(t)
    ls_func_evals, gtd_new = 1, _dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done, ls_iter = False, 0
    bracket, bracket_f, bracket_g, bracket_gtd = [], [], [], []
    while ls_iter < max_ls:             # bracketing phase
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g, done = [t], [f_new], [g_new], True
            break
        if gtd_new >= 0:
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        min_step, max_step, tmp = t + 0.01 * (t - t_prev), t * 10, t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, (min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj(t)
        ls_func_evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]
    return _zoom(obj, d, f, gtd, d_norm, tolerance_change, max_ls, c1, c2, done, ls_iter,
                 ls_func_evals, bracket, bracket_f, bracket_g, bracket_gtd)


def _zoom(obj: Any, d: Vec, f: float, gtd: float, d_norm: float, tolerance_change: float,
          max_ls: int, c1: float, c2: float, done: bool, ls_iter: int, ls_func_evals: int,
          bracket: list, bracket_f: list, bracket_g: list,
          bracket_gtd: list) -> tuple[float, Vec, float, int]:
    """The zoom phase of torch's ``_strong_wolfe``: shrink the bracket to a strong-Wolfe point."""
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) \
                    else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj(t)
        ls_func_evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
