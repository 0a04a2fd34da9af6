"""Each optimizer's and scheduler's update rule, written out: LaTeX as plain strings.

``rule(optimizer, notation)`` is the rule torch applies (from torch.optim's documented
pseudo-code, for the options in use: momentum or not, Nesterov, dampening, weight decay,
maximize, amsgrad, centered, ...), as a ``Rule``: its lines and the values of its symbols
(μ = 0.9, η = 0.1). Three notations, where they differ:

    torch      b ← μ·b + g,          θ ← θ − η·b          (torch.optim's documentation)
    textbook   v ← α·v − η·∇L,       θ ← θ + v            (the seeds' book: v = −η·b, α = μ)
    ema        m ← β·m + (1 − β)·g,  θ ← θ − η′·m         (an average: m = (1 − β)·b, η′ = η/(1 − β))

The three give the same path for a constant learning rate (``tests/test_rules.py`` checks it
against the optimizers). The Adam family is an average in torch already.

``worked(optimizer, before, theta, grad, lr, after, theta_after)`` is one update with its
numbers: every quantity of the rule at step k as strings of ``DIGITS`` significant digits, so
that a student can redo the step by hand (Muon's u = NS(b̃) and LBFGS's directions d shown, not
redone). Where the arithmetic is not written out (an LBFGS step whose moves its history does
not hold, a wrapper around one), the step is the update Δθ it made.

Nothing here imports streamlit or plotly; the words (``note``) are English, translated where
shown.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

NOTATIONS = ("torch", "textbook", "ema")
DIGITS = 6                     # significant digits of a worked step's numbers
VALUES_PER_LINE = 3            # symbol values under a rule, this many a line


@dataclass(frozen=True)
class Rule:
    """An update rule: LaTeX lines ("b_t &= \\mu b_{t-1} + g_t"), the values of its symbols
    (("\\mu", 0.9), ...), and a note in words (English; empty if none)."""

    lines: tuple[str, ...]
    values: tuple[tuple[str, Any], ...] = ()
    note: str = ""

    def latex(self) -> str:
        """The rule as one LaTeX block: its lines aligned, then a last line of the values
        "μ = 0.9, η = 0.1" (under the rule: a narrow column holds it)."""
        lines = list(self.lines)
        values = [f"{symbol} = {number(value)}" for symbol, value in self.values]
        for first in range(0, len(values), VALUES_PER_LINE):
            lines.append("& " + r",\ ".join(values[first:first + VALUES_PER_LINE]))
        return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def number(value: Any) -> str:
    """A hyperparameter value in LaTeX: 0.9, 1000, 10^{-8}, 2.5 \\cdot 10^{-5}, true, None."""
    if isinstance(value, (bool, np.bool_)):
        return r"\text{" + str(bool(value)).lower() + "}"
    if value is None or isinstance(value, str):
        return r"\text{" + _text(str(value)) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(number(v) for v in value) + ")"
    v = float(value)
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    text = f"{v:.4g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else f"{mantissa} \\cdot {power}"


def _text(text: str) -> str:
    """Typed text (a formula such as "0.95^epoch") safe inside LaTeX's \\text{}."""
    specials = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
                **{c: "\\" + c for c in "_{}$&#%"}}
    return "".join(specials.get(c, c) for c in text)


# --- the pieces every torch rule shares -------------------------------------------------------

def _p(opt: Any, name: str, default: Any = None) -> Any:
    return opt.params.get(name, default)


def _nonzero(value: Any) -> bool:
    return bool(np.any(np.asarray(value, dtype=float) != 0))


def _gradient(opt: Any, decoupled: bool = False) -> tuple[list[str], list[tuple[str, Any]]]:
    """g_t as torch forms it: −∇f when maximizing, + λθ (L2) unless the decay is decoupled."""
    sign = "-" if _p(opt, "maximize", False) else ""
    line = rf"g_t &= {sign}\nabla f(\theta_{{t-1}})"
    values: list[tuple[str, Any]] = []
    wd = _p(opt, "weight_decay", 0.0)
    if _nonzero(wd) and not decoupled:
        line += r" + \lambda \theta_{t-1}"
        values.append((r"\lambda", wd))
    return [line], values


def _decay(opt: Any, decoupled: bool) -> tuple[list[str], list[tuple[str, Any]]]:
    """AdamW's decoupled weight decay, applied to θ before the step."""
    wd = _p(opt, "weight_decay", 0.0)
    if decoupled and _nonzero(wd):
        return [r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta \lambda)"], [(r"\lambda", wd)]
    return [], []


def _lr(opt: Any) -> list[tuple[str, Any]]:
    return [(r"\eta", _p(opt, "lr"))]


def _betas(opt: Any) -> list[tuple[str, Any]]:
    b1, b2 = _p(opt, "betas")[:2]
    return [(r"\beta_1", b1), (r"\beta_2", b2)]


# --- torch.optim -------------------------------------------------------------------------------

def _sgd(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    mu, tau = _p(opt, "momentum"), _p(opt, "dampening")
    if not _nonzero(mu):
        return Rule((*g, r"\theta_t &= \theta_{t-1} - \eta g_t"), (*values, *_lr(opt)))
    plain = not _nonzero(tau) and not _p(opt, "nesterov")
    if notation == "textbook" and plain:
        grad = g[0].replace("g_t &=", r"\nabla L_t &=")
        return Rule((grad, r"v_t &= \alpha v_{t-1} - \eta \nabla L_t", r"\theta_t &= \theta_{t-1} + v_t"),
                    (*values, (r"\alpha", mu), *_lr(opt)),
                    "The textbook's velocity is v = −η·b, torch's buffer b times −η; α = μ.")
    if notation == "ema" and plain:
        lr = float(np.asarray(_p(opt, "lr")).ravel()[0]) / (1 - float(np.asarray(mu).ravel()[0]))
        return Rule((*g, r"m_t &= \beta m_{t-1} + (1 - \beta) g_t", r"\theta_t &= \theta_{t-1} - \eta' m_t"),
                    (*values, (r"\beta", mu), (r"\eta'", lr)),
                    "An average m = (1 − β)·b of torch's buffer b: the same path with η′ = η/(1 − β).")
    first = r"b_t &= \mu b_{t-1} + (1 - \tau) g_t \quad (b_1 = g_1)" if _nonzero(tau) else \
        r"b_t &= \mu b_{t-1} + g_t \quad (b_1 = g_1)"
    step = r"\theta_t &= \theta_{t-1} - \eta (g_t + \mu b_t)" if _p(opt, "nesterov") else \
        r"\theta_t &= \theta_{t-1} - \eta b_t"
    values += [(r"\mu", mu)] + ([(r"\tau", tau)] if _nonzero(tau) else [])
    note = "" if plain or notation == "torch" else "Written as torch does: the other notations cover plain momentum."
    return Rule((*g, first, step), (*values, *_lr(opt)), note)


def _adagrad(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    lines = [*g]
    if _nonzero(_p(opt, "lr_decay")):
        lines.append(r"\tilde\eta_t &= \eta / (1 + (t - 1) \gamma)")
        values.append((r"\gamma", _p(opt, "lr_decay")))
        eta = r"\tilde\eta_t"
    else:
        eta = r"\eta"
    s0 = _p(opt, "initial_accumulator_value")
    lines += [r"s_t &= s_{t-1} + g_t^2" + (r" \quad (s_0 = s_{\text{init}})" if _nonzero(s0) else ""),
              rf"\theta_t &= \theta_{{t-1}} - {eta} \frac{{g_t}}{{\sqrt{{s_t}} + \epsilon}}"]
    if _nonzero(s0):
        values.append((r"s_{\text{init}}", s0))
    return Rule(tuple(lines), (*values, (r"\epsilon", _p(opt, "eps")), *_lr(opt)))


def _rmsprop(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    lines = [*g, r"v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2"]
    if _p(opt, "centered"):
        lines += [r"\bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t",
                  r"d_t &= \sqrt{v_t - \bar g_t^2} + \epsilon"]
    else:
        lines.append(r"d_t &= \sqrt{v_t} + \epsilon")
    if _nonzero(_p(opt, "momentum")):
        lines += [r"b_t &= \mu b_{t-1} + g_t / d_t", r"\theta_t &= \theta_{t-1} - \eta b_t"]
        values.append((r"\mu", _p(opt, "momentum")))
    else:
        lines.append(r"\theta_t &= \theta_{t-1} - \eta g_t / d_t")
    return Rule(tuple(lines), (*values, (r"\alpha", _p(opt, "alpha")), (r"\epsilon", _p(opt, "eps")),
                               *_lr(opt)))


def _adam_decoupled(opt: Any) -> bool:
    return opt.name == "AdamW" or bool(_p(opt, "decoupled_weight_decay", False))


def _adam(opt: Any, notation: str) -> Rule:
    decoupled = _adam_decoupled(opt)
    g, values = _gradient(opt, decoupled)
    d, dv = _decay(opt, decoupled)
    if notation == "textbook":
        moments = [r"m_t &= m_{t-1} + (1 - \beta_1)(g_t - m_{t-1})",
                   r"v_t &= v_{t-1} + (1 - \beta_2)(g_t^2 - v_{t-1})"]
    else:
        moments = [r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                   r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2"]
    if _p(opt, "amsgrad"):
        moments.append(r"v^{\max}_t &= \max(v^{\max}_{t-1}, v_t)")
        v = r"v^{\max}_t"
    else:
        v = "v_t"
    step = (rf"\hat m_t &= m_t / (1 - \beta_1^t), \quad \hat v_t = {v} / (1 - \beta_2^t)",
            r"\theta_t &= \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")
    note = ("The textbook's incremental average m ← m + (1 − β1)(g − m) is torch's "
            "β1·m + (1 − β1)·g.") if notation == "textbook" else ""
    return Rule((*d, *g, *moments, *step), (*dv, *values, *_betas(opt), (r"\epsilon", _p(opt, "eps")),
                                           *_lr(opt)), note)


def _adamax(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    return Rule((*g, r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                 r"u_t &= \max(\beta_2 u_{t-1}, |g_t| + \epsilon)",
                 r"\theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t}"),
                (*values, *_betas(opt), (r"\epsilon", _p(opt, "eps")), *_lr(opt)))


def _nadam(opt: Any, notation: str) -> Rule:
    decoupled = bool(_p(opt, "decoupled_weight_decay"))
    g, values = _gradient(opt, decoupled)
    d, dv = _decay(opt, decoupled)
    return Rule((*d, *g, r"\mu_t &= \beta_1 (1 - \tfrac12 0.96^{t \psi})",
                 r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                 r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
                 r"\theta_t &= \theta_{t-1} - \eta \frac{(1 - \mu_t) g_t / (1 - \prod_{i \le t} \mu_i)"
                 r" + \mu_{t+1} m_t / (1 - \prod_{i \le t+1} \mu_i)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}"),
                (*dv, *values, *_betas(opt), (r"\psi", _p(opt, "momentum_decay")),
                 (r"\epsilon", _p(opt, "eps")), *_lr(opt)))


def _radam(opt: Any, notation: str) -> Rule:
    decoupled = bool(_p(opt, "decoupled_weight_decay"))
    g, values = _gradient(opt, decoupled)
    d, dv = _decay(opt, decoupled)
    return Rule((*d, *g, r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                 r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
                 r"\rho_t &= \rho_\infty - 2t \beta_2^t / (1 - \beta_2^t), \quad \rho_\infty = 2/(1 - \beta_2) - 1",
                 r"\theta_t &= \theta_{t-1} - \eta \frac{m_t}{1 - \beta_1^t} \cdot \begin{cases} r_t \sqrt{1 - \beta_2^t}"
                 r" / (\sqrt{v_t} + \epsilon) & \rho_t > 5 \\ 1 & \text{else} \end{cases}",
                 r"r_t &= \sqrt{\tfrac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}"),
                (*dv, *values, *_betas(opt), (r"\epsilon", _p(opt, "eps")), *_lr(opt)))


def _adadelta(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    return Rule((*g, r"v_t &= \rho v_{t-1} + (1 - \rho) g_t^2",
                 r"\Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t",
                 r"u_t &= \rho u_{t-1} + (1 - \rho) \Delta_t^2",
                 r"\theta_t &= \theta_{t-1} - \eta \Delta_t"),
                (*values, (r"\rho", _p(opt, "rho")), (r"\epsilon", _p(opt, "eps")), *_lr(opt)))


def _rprop(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    lo, hi = _p(opt, "etas")
    smin, smax = _p(opt, "step_sizes")
    return Rule((*g, r"s_t &= \begin{cases} \min(\eta_+ s_{t-1}, s_{\max}) & g_t g_{t-1} > 0 \\"
                     r" \max(\eta_- s_{t-1}, s_{\min}),\ g_t \leftarrow 0 & g_t g_{t-1} < 0 \\"
                     r" s_{t-1} & \text{else} \end{cases} \quad (s_0 = \eta)",
                 r"\theta_t &= \theta_{t-1} - s_t \operatorname{sign}(g_t)"),
                (*values, (r"\eta_-", lo), (r"\eta_+", hi), (r"s_{\min}", smin), (r"s_{\max}", smax),
                 *_lr(opt)))


def _asgd(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt)
    return Rule((*g, r"\theta_t &= \theta_{t-1}(1 - \lambda_d \eta_t) - \eta_t g_t",
                 r"\eta_{t+1} &= \eta / (1 + \lambda_d \eta t)^{\alpha}",
                 r"\bar\theta_t &= \bar\theta_{t-1} + \mu_t (\theta_t - \bar\theta_{t-1}),"
                 r" \quad \mu_{t+1} = 1 / \max(1, t - t_0)"),
                (*values, (r"\lambda_d", _p(opt, "lambd")), (r"\alpha", _p(opt, "alpha")),
                 (r"t_0", _p(opt, "t0")), *_lr(opt)),
                "The path is θ; θ̄ is the average torch keeps beside it.")


def _adafactor(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt, decoupled=True)
    e1, e2 = _p(opt, "eps")
    wd = _p(opt, "weight_decay")
    decay, dv = (r"(1 - \eta \lambda)", [(r"\lambda", wd)]) if _nonzero(wd) else ("", [])
    return Rule((*g, r"\beta_{2,t} &= 1 - t^{c}, \quad \rho_t = \min(\eta, 1/\sqrt{t})",
                 r"\alpha_t &= \rho_t \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))",
                 r"v_t &= \beta_{2,t} v_{t-1} + (1 - \beta_{2,t}) g_t^2",
                 r"u_t &= g_t / \sqrt{\max(v_t, \epsilon_1^2)}",
                 rf"\theta_t &= \theta_{{t-1}}{decay} - \alpha_t \frac{{u_t}}{{\max(1, \mathrm{{RMS}}(u_t)/d)}}"),
                (*values, *dv, (r"c", _p(opt, "beta2_decay")), (r"\epsilon_1", e1), (r"\epsilon_2", e2),
                 (r"d", _p(opt, "d")), *_lr(opt)),
                "A vector (not a matrix) keeps one second moment per coordinate: no factoring.")


def _muon(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt, decoupled=True)
    nes = _p(opt, "nesterov")
    scale = 0.2 * math.sqrt(2) if _p(opt, "adjust_lr_fn") == "match_rms_adamw" else None
    c, cv = (r"c ", [(r"c", scale)]) if scale else ("", [])
    return Rule((r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta \lambda)", *g,
                 r"b_t &= \mu b_{t-1} + (1 - \mu) g_t",
                 *([r"\tilde b_t &= (1 - \mu) g_t + \mu b_t"] if nes else []),
                 r"u_t &= \mathrm{NS}^{\mathrm{bf16}}_{n}(" + (r"\tilde b_t)" if nes else "b_t)"),
                 rf"\theta_t &= \theta_{{t-1}} - \eta {c}u_t"),
                (*values, (r"\lambda", _p(opt, "weight_decay")), (r"\mu", _p(opt, "momentum")),
                 (r"n", _p(opt, "ns_steps")), *cv, *_lr(opt)),
                "NS: Newton–Schulz orthogonalisation; of a 2-D vector it keeps the direction, "
                "normalised (u ≈ b/‖b‖).")


def _lbfgs(opt: Any, notation: str) -> Rule:
    search = _p(opt, "line_search_fn")
    return Rule((r"d_t &= -H_t \nabla f(\theta_{t-1}) \quad (H_t \text{ from the last } m \text{ pairs } "
                 r"s_i = \Delta\theta_i,\ y_i = \Delta\nabla f_i)",
                 r"\theta_t &= \theta_{t-1} + \alpha_t d_t" + (
                     r" \quad (\alpha_t: \text{strong Wolfe})" if search else
                     r" \quad (\alpha_t = \eta,\ \alpha_1 = \min(1, 1 / \lVert \nabla f(\theta_0) \rVert_1) \eta)")),
                ((r"m", _p(opt, "history_size")), (r"\text{max\_iter}", _p(opt, "max_iter")), *_lr(opt)),
                "One torch step runs up to max_iter such iterations, evaluating f each time.")


def _newton(opt: Any, notation: str) -> Rule:
    return Rule((r"\theta_t &= \theta_{t-1} - \eta \begin{cases} (H + \lambda I)^{-1} \nabla f(\theta_{t-1})"
                 r" & \det(H + \lambda I) \ne 0 \\ \nabla f(\theta_{t-1}) & \text{else} \end{cases},"
                 r" \quad H = \nabla^2 f(\theta_{t-1})",),
                ((r"\lambda", _p(opt, "damping")), *_lr(opt)))


# --- beyond torch ------------------------------------------------------------------------------

def _lion(opt: Any, notation: str) -> Rule:
    wd = _p(opt, "weight_decay")
    over = r" / \eta_0" if _p(opt, "decoupled_weight_decay") else ""
    decay = [rf"\theta_{{t-1}} &\leftarrow \theta_{{t-1}}(1 - \eta \lambda{over})"] if _nonzero(wd) else []
    values = [(r"\lambda", wd)] + ([(r"\eta_0", _p(opt, "lr"))] if over else []) if _nonzero(wd) else []
    return Rule((*decay, r"g_t &= \nabla f(\theta_{t-1})",
                 r"c_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                 r"\theta_t &= \theta_{t-1} - \eta \operatorname{sign}(c_t)",
                 r"m_t &= \beta_2 m_{t-1} + (1 - \beta_2) g_t"),
                (*values, *_betas(opt), *_lr(opt)))


def _schedule_free(opt: Any, notation: str) -> Rule:
    adam = opt.name == "AdamWScheduleFree"
    beta = r"\beta_1" if adam else r"\beta"
    wd, warmup = _p(opt, "weight_decay"), _p(opt, "warmup_steps")
    lines = [r"\eta_t &= \eta \min(1, t / w)"] if warmup else []
    lines += [rf"y_t &= (1 - {beta}) z_{{t-1}} + {beta} x_{{t-1}}", r"g_t &= \nabla f(y_t)"]
    eta = r"\eta_t" if warmup else r"\eta"
    decay = r" + \lambda y_t" if _nonzero(wd) else ""
    if adam:
        lines += [r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
                  rf"z_t &= z_{{t-1}} - {eta} \Big(\frac{{g_t}}{{\sqrt{{v_t / (1 - \beta_2^t)}} + \epsilon}}"
                  rf"{decay}\Big)"]
    else:
        lines.append(rf"z_t &= z_{{t-1}} - {eta} (g_t{decay})")
    lines.append(r"x_t &= (1 - c_t) x_{t-1} + c_t z_t, \quad c_t = w_t / \textstyle\sum_{i \le t} w_i, \ "
                 rf"w_t = t^r (\max_{{i \le t}} {eta.replace('_t', '_i')})^p")
    values = [*_betas(opt), (r"\epsilon", _p(opt, "eps"))] if adam else [(beta, _p(opt, "momentum"))]
    values += ([(r"\lambda", wd)] if _nonzero(wd) else []) + ([(r"w", warmup)] if warmup else [])
    return Rule(tuple(lines), (*values, (r"r", _p(opt, "r")), (r"p", _p(opt, "weight_lr_power")), *_lr(opt)),
                "The path drawn is y, where the gradient is taken; x is the average used for evaluation.")


def _adan(opt: Any, notation: str) -> Rule:
    b1, b2, b3 = _p(opt, "betas")
    wd, clip = _p(opt, "weight_decay"), _p(opt, "max_grad_norm")
    sign = "-" if _p(opt, "maximize") else ""
    g = rf"g_t &= {sign}\nabla f(\theta_{{t-1}})"
    if _nonzero(clip):
        g = (rf"g_t &= {sign}\gamma_t \nabla f(\theta_{{t-1}}), \quad \gamma_t = \min\!\big(1, "
             r"\tfrac{G}{\lVert \nabla f(\theta_{t-1}) \rVert + \epsilon}\big)")
    first = r"g_0 = -g_1" if _p(opt, "maximize") else r"g_0 = g_1"
    decouple = _p(opt, "weight_decouple")
    before = [r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta \lambda)"] if _nonzero(wd) and decouple else []
    after = [r"\theta_t &\leftarrow \theta_t / (1 + \eta \lambda)"] if _nonzero(wd) and not decouple else []
    values = ([(r"\lambda", wd)] if _nonzero(wd) else []) + ([(r"G", clip)] if _nonzero(clip) else [])
    return Rule((*before, g, r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
                 rf"d_t &= \beta_2 d_{{t-1}} + (1 - \beta_2)(g_t - g_{{t-1}}) \quad ({first})",
                 r"n_t &= \beta_3 n_{t-1} + (1 - \beta_3)(g_t + \beta_2 (g_t - g_{t-1}))^2",
                 r"\theta_t &= \theta_{t-1} - \eta \frac{m_t / (1 - \beta_1^t) + \beta_2 d_t / (1 - \beta_2^t)}"
                 r"{\sqrt{n_t / (1 - \beta_3^t)} + \epsilon}", *after),
                (*values, (r"\beta_1", b1), (r"\beta_2", b2), (r"\beta_3", b3), (r"\epsilon", _p(opt, "eps")),
                 *_lr(opt)))


def _adabelief(opt: Any, notation: str) -> Rule:
    decouple = _p(opt, "weight_decouple")
    g, values = _gradient(opt, decouple)
    wd = _p(opt, "weight_decay")
    decay = []
    if decouple and _nonzero(wd):
        decay = [r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \lambda)" if _p(opt, "fixed_decay") else
                 r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta \lambda)"]
        values = [(r"\lambda", wd)]
    lines = [*decay, *g, r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t",
             r"s_t &= \beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon"]
    s = "s_t"
    if _p(opt, "ams_bound"):
        lines.append(r"s^{\max}_t &= \max(s^{\max}_{t-1}, s_t)")
        s = r"s^{\max}_t"
    if _p(opt, "rectify"):
        sgd = 1 if _p(opt, "degenerated_to_sgd", True) else 0
        lines.append(r"\theta_t &= \theta_{t-1} - \eta \frac{m_t}{1 - \beta_1^t} \cdot \begin{cases} r_t"
                     rf" / (\sqrt{{{s}}} + \epsilon) & \rho_t \ge \rho_{{\min}} \\ {sgd} & \text{{else}} \end{{cases}}")
        lines += [r"\rho_t &= \rho_\infty - 2t \beta_2^t / (1 - \beta_2^t), \quad \rho_\infty = 2/(1 - \beta_2) - 1",
                  r"r_t &= \sqrt{\tfrac{(1 - \beta_2^t)(\rho_t - 4)(\rho_t - 2)\rho_\infty}"
                  r"{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}"]
        values.append((r"\rho_{\min}", _p(opt, "n_sma_threshold")))
    else:
        lines.append(rf"\theta_t &= \theta_{{t-1}} - \eta \frac{{m_t / (1 - \beta_1^t)}}"
                     rf"{{\sqrt{{{s} / (1 - \beta_2^t)}} + \epsilon}}")
    return Rule(tuple(lines), (*values, *_betas(opt), (r"\epsilon", _p(opt, "eps")), *_lr(opt)),
                "Adam with the variance of g around m (the 'belief') in place of g².")


def _prodigy(opt: Any, notation: str) -> Rule:
    g, values = _gradient(opt, decoupled=True)
    wd, eps, kappa = _p(opt, "weight_decay"), _p(opt, "eps"), _p(opt, "d_coef")
    decay = []
    if _p(opt, "weight_decouple") and _nonzero(wd):
        decay = [r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \lambda)" if _p(opt, "fixed_decay") else
                 r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta'_t \lambda)"]
        values = [(r"\lambda", wd)]
    bias = r" \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)" if _p(opt, "bias_correction") else ""
    into_s = r"d_{t-1}" if _p(opt, "safeguard_warmup") else r"\eta'_t"
    step = (r"\theta_t &= \theta_{t-1} - \eta'_t \operatorname{atan2}(m_t, \sqrt{v_t})" if eps is None else
            r"\theta_t &= \theta_{t-1} - \eta'_t \frac{m_t}{\sqrt{v_t} + d_t \epsilon}")
    coef = r"\kappa " if _nonzero(np.asarray(kappa, dtype=float) - 1) else ""
    b3 = _p(opt, "beta3")
    growth = _first(_p(opt, "growth_rate"))
    growth = growth if math.isfinite(growth) else None
    return Rule((*decay, *g, rf"\eta'_t &= \eta d_{{t-1}}{bias} \quad (d_0 = d_{{\text{{init}}}})",
                 r"r_t &= \beta_3 r_{t-1} + \tfrac{d_{t-1}}{d_0} \eta'_t \langle g_t, \theta_0 - \theta_{t-1} \rangle",
                 rf"s_t &= \beta_3 s_{{t-1}} + \tfrac{{d_{{t-1}}}}{{d_0}} {into_s} g_t",
                 r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1) d_{t-1} g_t",
                 r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2) d_{t-1}^2 g_t^2",
                 *_prodigy_d(coef, growth), step),
                (*values, *_betas(opt), (r"\beta_3", math.sqrt(_first(_p(opt, "betas")[1])) if b3 is None else b3),
                 (r"d_{\text{init}}", _p(opt, "d0")), *([(r"\kappa", kappa)] if coef else []),
                 *([] if eps is None else [(r"\epsilon", eps)]), *([(r"\gamma", growth)] if growth else []),
                 *_lr(opt)),
                "d estimates the distance to the solution: the step size it learns.")


def _prodigy_d(coef: str, growth: float | None) -> list[str]:
    """Prodigy's d: the largest estimate so far, or with a finite growth rate γ at most γ times
    the last d (which follows the estimates only while it is still d_0)."""
    estimate = rf"{coef}r_t / \lVert s_t \rVert_1"
    if growth is None:
        return [rf"d_t &= \max\!\big(d_{{t-1}}, {estimate}\big)"]
    return [rf"d^{{\max}}_t &= \max\!\big(d^{{\max}}_{{t-1}}, {estimate}\big)",
            rf"d_t &= \min\!\Big(d^{{\max}}_t, \gamma \begin{{cases}} \max(d_{{t-1}}, {estimate}) & d_{{t-1}} = d_0"
            r" \\ d_{t-1} & \text{else} \end{cases}\Big)"]


def _lookahead(opt: Any, notation: str) -> Rule:
    inner = rule(_p(opt, "optimizer"), notation)
    return Rule((*inner.lines, r"\text{every } k: \ \phi_t &= \phi_{t-1} + \alpha (\theta_t - \phi_{t-1}),"
                 r" \quad \theta_t \leftarrow \phi_t"),
                (*inner.values, (r"k", _p(opt, "k")), (r"\alpha", _p(opt, "alpha"))),
                "The inner optimizer's rule moves the fast weights θ; every k steps they are pulled "
                "back toward the slow weights φ.")


def _sam(opt: Any, notation: str) -> Rule:
    inner = rule(_p(opt, "optimizer"), notation)
    if _p(opt, "adaptive"):
        first = (r"\hat\theta_{t-1} &= \theta_{t-1} + \rho \frac{\theta_{t-1}^2 \nabla f(\theta_{t-1})}"
                 r"{\lVert |\theta_{t-1}| \nabla f(\theta_{t-1}) \rVert + \epsilon_\rho}")
    else:
        first = (r"\hat\theta_{t-1} &= \theta_{t-1} + \rho \frac{\nabla f(\theta_{t-1})}{\lVert \nabla f(\theta_{t-1})"
                 r" \rVert + \epsilon_\rho}")
    lines = [line.replace(r"\nabla f(\theta_{t-1})", r"\nabla f(\hat\theta_{t-1})") for line in inner.lines]
    return Rule((first, *lines), ((r"\rho", _p(opt, "rho")), (r"\epsilon_\rho", _p(opt, "perturb_eps")), *inner.values),
                "The inner optimizer's rule, with the gradient taken at the perturbed point θ̂.")


# --- the textbook's classes --------------------------------------------------------------------

def _book(lines: tuple[str, ...], *values: tuple[str, Any], note: str = "") -> Callable[[Any, str], Rule]:
    return lambda opt, notation: Rule(lines, tuple((symbol, _p(opt, name)) for symbol, name in values), note)


_BOOK_EPS = r"10^{-7}"
RULES: dict[str, Callable[[Any, str], Rule]] = {
    "SGD": _sgd, "Adagrad": _adagrad, "RMSprop": _rmsprop, "Adam": _adam, "AdamW": _adam,
    "Adamax": _adamax, "NAdam": _nadam, "RAdam": _radam, "Adadelta": _adadelta, "Rprop": _rprop,
    "ASGD": _asgd, "Adafactor": _adafactor, "Muon": _muon, "LBFGS": _lbfgs, "Newton": _newton,
    "Lion": _lion, "AdamWScheduleFree": _schedule_free, "SGDScheduleFree": _schedule_free,
    "Adan": _adan, "AdaBelief": _adabelief, "Prodigy": _prodigy, "Lookahead": _lookahead, "SAM": _sam,
    "Textbook.SGD": _book((r"\theta_t &= \theta_{t-1} - \eta \nabla L_t",), (r"\eta", "lr")),
    "Textbook.Momentum": _book((r"v_t &= \alpha v_{t-1} - \eta \nabla L_t", r"\theta_t &= \theta_{t-1} + v_t"),
                               (r"\alpha", "momentum"), (r"\eta", "lr")),
    "Textbook.Nesterov": _book((r"v_t &= \alpha v_{t-1} - \eta \nabla L_t",
                                r"\theta_t &= \theta_{t-1} + \alpha^2 v_t - (1 + \alpha) \eta \nabla L_t"),
                               (r"\alpha", "momentum"), (r"\eta", "lr"),
                               note="Not torch's nesterov=True: the book applies α² to the updated velocity."),
    "Textbook.AdaGrad": _book((r"h_t &= h_{t-1} + (\nabla L_t)^2",
                               rf"\theta_t &= \theta_{{t-1}} - \eta \frac{{\nabla L_t}}{{\sqrt{{h_t}} + {_BOOK_EPS}}}"),
                              (r"\eta", "lr")),
    "Textbook.RMSprop": _book((r"h_t &= \rho h_{t-1} + (1 - \rho)(\nabla L_t)^2",
                               rf"\theta_t &= \theta_{{t-1}} - \eta \frac{{\nabla L_t}}{{\sqrt{{h_t}} + {_BOOK_EPS}}}"),
                              (r"\rho", "decay_rate"), (r"\eta", "lr")),
    "Textbook.Adam": _book((r"\eta_t &= \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)",
                            r"m_t &= m_{t-1} + (1 - \beta_1)(\nabla L_t - m_{t-1})",
                            r"v_t &= v_{t-1} + (1 - \beta_2)((\nabla L_t)^2 - v_{t-1})",
                            rf"\theta_t &= \theta_{{t-1}} - \eta_t \frac{{m_t}}{{\sqrt{{v_t}} + {_BOOK_EPS}}}"),
                           (r"\beta_1", "beta1"), (r"\beta_2", "beta2"), (r"\eta", "lr"),
                           note="Bias correction folded into the step size η_t."),
}


def rule(optimizer: Any, notation: str = "torch") -> Rule:
    """The update rule ``optimizer`` (a built optimizer) applies, in ``notation`` (``NOTATIONS``;
    the torch form where an optimizer has no other)."""
    if notation not in NOTATIONS:
        raise ValueError(f"notation must be one of {', '.join(NOTATIONS)}, got {notation!r}")
    if optimizer.name not in RULES:
        raise KeyError(f"no rule written for {optimizer.name}")
    return RULES[optimizer.name](optimizer, notation)


# --- schedulers: the learning rate η_t of update t + 1 ---------------------------------------

SCHEDULE_RULES: dict[str, Callable[[Any], Rule]] = {
    "StepLR": lambda s: Rule((r"\eta_t &= \eta_0 \gamma^{\lfloor t / s \rfloor}",),
                             ((r"s", s.step_size), (r"\gamma", s.gamma))),
    "MultiStepLR": lambda s: Rule((r"\eta_t &= \eta_0 \gamma^{|\{m \in M : m \le t\}|}",),
                                  ((r"M", tuple(s.milestones)), (r"\gamma", s.gamma))),
    "ExponentialLR": lambda s: Rule((r"\eta_t &= \eta_0 \gamma^t",), ((r"\gamma", s.gamma),)),
    "CosineAnnealingLR": lambda s: Rule(
        (r"\eta_t &= \eta_{\min} + (\eta_0 - \eta_{\min}) \frac{1 + \cos(\pi t / T)}{2}",),
        ((r"T", s.T_max), (r"\eta_{\min}", s.eta_min))),
    "LinearLR": lambda s: Rule(
        (r"\eta_t &= \eta_0 \big(a + (b - a) \min(t, n) / n\big)",),
        ((r"a", s.start_factor), (r"b", s.end_factor), (r"n", s.total_iters))),
    "ConstantLR": lambda s: Rule((r"\eta_t &= \eta_0 \cdot \begin{cases} f & t < n \\ 1 & t \ge n \end{cases}",),
                                 ((r"f", s.factor), (r"n", s.total_iters))),
    "PolynomialLR": lambda s: Rule((r"\eta_t &= \eta_0 (1 - \min(t, n) / n)^{p}",),
                                   ((r"n", s.total_iters), (r"p", s.power))),
    "CosineAnnealingWarmRestarts": lambda s: Rule(
        (r"\eta_t &= \eta_{\min} + (\eta_0 - \eta_{\min}) \frac{1 + \cos(\pi t_{\text{cur}} / T_i)}{2}, "
         r"\quad T_0 \text{ then } T_{i+1} = m T_i",), ((r"T_0", s.T_0), (r"m", s.T_mult), (r"\eta_{\min}", s.eta_min))),
    "CyclicLR": lambda s: Rule((r"\eta_t &= \eta_{\text{base}} + (\eta_{\max} - \eta_{\text{base}}) "
                                r"\max(0, 1 - |t / s - 2c - 1|) \cdot \gamma^t \text{ (exp\_range)}, "
                                r"\ c = \lfloor t / 2s \rfloor",),
                               ((r"\eta_{\text{base}}", s.base_lr), (r"\eta_{\max}", s.max_lr),
                                (r"s", s.step_size_up))),
    "OneCycleLR": lambda s: Rule((r"\eta_t &: \tfrac{\eta_{\max}}{d} \nearrow \eta_{\max} \text{ (cosine, first } "
                                  r"p \cdot T) \searrow \tfrac{\eta_{\max}}{d \cdot d_f}",),
                                 ((r"\eta_{\max}", s.max_lr), (r"T", s.total_steps), (r"p", s.pct_start),
                                  (r"d", s.div_factor), (r"d_f", s.final_div_factor))),
    "LambdaLR": lambda s: Rule((r"\eta_t &= \eta_0 \cdot \lambda(t)",), ((r"\lambda(t)", s.lr_lambda),)),
    "MultiplicativeLR": lambda s: Rule((r"\eta_t &= \eta_{t-1} \cdot \lambda(t)",), ((r"\lambda(t)", s.lr_lambda),)),
    "ReduceLROnPlateau": lambda s: Rule(
        (r"\eta_t &= \max(\gamma \eta_{t-1}, \eta_{\min}) \text{ after } p \text{ steps without improvement}",),
        ((r"\gamma", s.factor), (r"p", s.patience), (r"\eta_{\min}", s.min_lr))),
    "SequentialLR": lambda s: Rule((r"\eta_t &: \text{each scheduler in turn, switching at the milestones}",),
                                   ((r"M", tuple(s.milestones)),)),
    "ChainedScheduler": lambda s: Rule((r"\eta_t &= \eta_0 \prod_i \text{factor}_i(t)",)),
}


def schedule_rule(scheduler: Any) -> Rule:
    """The learning rate a scheduler gives update t + 1 (η_0: the optimizer's lr)."""
    if scheduler.name not in SCHEDULE_RULES:
        raise KeyError(f"no rule written for {scheduler.name}")
    return SCHEDULE_RULES[scheduler.name](scheduler)


# --- one update with its numbers ---------------------------------------------------------------

def show(value: Any) -> str:
    """A number as a worked step shows it: ``DIGITS`` significant digits."""
    return f"{float(value):.{DIGITS}g}"


@dataclass(frozen=True)
class Worked:
    """Update k with its numbers: ``rows`` of (LaTeX symbol, the value as shown: one string for
    a scalar, (x, y) strings for a vector), in the order the rule uses them; ``written`` False
    where the arithmetic is not written out (the rows then give θ_{k−1}, Δθ_k and θ_k)."""

    rows: tuple[tuple[str, Any], ...]
    written: bool = True
    keys: dict[str, str] = field(default_factory=dict)     # name -> symbol, for lookups

    def filled(self, name: str) -> tuple[str, ...]:
        """The rule at step k with the shown numbers in it, coordinate by coordinate (LaTeX
        lines "x:\\ b_k &= 0.9 \\cdot (-0.7) + (-0.63) = -1.26"), for the plain forms of
        SGD (with or without momentum), the textbook's Momentum and Adam; () for the others."""
        if not self.written or name not in _FILLED:
            return ()
        return tuple(line for i, axis in enumerate("xy")
                     for line in _FILLED[name](lambda key: _paren(self._part(key, i)), axis))

    def _part(self, key: str, i: int) -> str:
        value = self.value(key)
        return value if isinstance(value, str) else value[i]

    def value(self, name: str) -> Any:
        """The shown value of the row called ``name`` ("theta", "b", ...)."""
        symbol = self.keys[name]
        return next(v for s, v in self.rows if s == symbol)


def _paren(text: str) -> str:
    """A shown number inside a filled-in formula: negatives in parentheses, e-notation as 10^."""
    mantissa, e, exponent = text.partition("e")
    latex = rf"{mantissa} \cdot 10^{{{int(exponent)}}}" if e else text
    return f"({latex})" if text.startswith("-") or e else latex


def _fill_sgd(v: Callable[[str], str], axis: str) -> list[str]:
    return [rf"{axis}:\ \theta_k &= {v('theta0')} - {v('lr')} \cdot {v('grad')} = {v('theta')}"]


def _fill_momentum(v: Callable[[str], str], axis: str) -> list[str]:
    return [rf"{axis}:\ b_k &= {v('mu')} \cdot {v('b0')} + {v('grad')} = {v('b')}",
            rf"\theta_k &= {v('theta0')} - {v('lr')} \cdot {v('b')} = {v('theta')}"]


def _fill_book_momentum(v: Callable[[str], str], axis: str) -> list[str]:
    return [rf"{axis}:\ v_k &= {v('alpha')} \cdot {v('v0')} - {v('lr')} \cdot {v('grad')} = {v('v')}",
            rf"\theta_k &= {v('theta0')} + {v('v')} = {v('theta')}"]


def _fill_adam(v: Callable[[str], str], axis: str) -> list[str]:
    b1, b2 = v("beta1"), v("beta2")
    return [rf"{axis}:\ m_k &= {b1} \cdot {v('m0')} + (1 - {b1}) \cdot {v('grad')} = {v('m')}",
            rf"v_k &= {b2} \cdot {v('v0')} + (1 - {b2}) \cdot {v('grad')}^2 = {v('v')}",
            rf"\theta_k &= {v('theta0')} - {v('lr')} \cdot \frac{{{v('m')} / (1 - {b1}^{{{v('k')}}})}}"
            rf"{{\sqrt{{{v('v')} / (1 - {b2}^{{{v('k')}}})}} + {v('eps')}}} = {v('theta')}"]


_FILLED: dict[str, Callable[[Callable[[str], str], str], list[str]]] = {
    "sgd": _fill_sgd, "momentum": _fill_momentum, "book_momentum": _fill_book_momentum, "adam": _fill_adam}


def filled_form(optimizer: Any) -> str | None:
    """Which filled-in form (``Worked.filled``) ``optimizer`` has: only its plain cases (no
    weight decay, maximize, dampening or Nesterov; Adam without amsgrad), whose rows hold
    every number of the formula. None for the others."""
    p = optimizer.params
    if any(_nonzero(p.get(n, 0.0)) for n in ("weight_decay", "dampening")) or p.get("maximize") \
            or p.get("nesterov") or p.get("amsgrad"):
        return None
    if optimizer.name == "SGD":
        return "momentum" if _nonzero(p["momentum"]) else "sgd"
    return {"Adam": "adam", "Textbook.SGD": "sgd", "Textbook.Momentum": "book_momentum"}.get(optimizer.name)


def _vec(v: Any) -> tuple[str, str]:
    a = np.asarray(v, dtype=float).reshape(-1)
    return show(a[0]), show(a[1])


class _Rows:
    """Rows of a worked step, each under a short name for the tests and the page."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Any]] = []
        self.keys: dict[str, str] = {}

    def add(self, name: str, symbol: str, value: Any, vector: bool = True) -> None:
        self.keys[name] = symbol
        self.rows.append((symbol, _vec(value) if vector else show(value)))

    def param(self, opt: Any, key: str, symbol: str, name: str | None = None) -> None:
        """The optimizer's hyperparameter ``key`` as a row (under ``name``, default ``key``)."""
        self.add(name or key, symbol, _first(_p(opt, key)), vector=False)

    def done(self, written: bool = True) -> Worked:
        return Worked(tuple(self.rows), written, dict(self.keys))


def _first(value: Any) -> float:
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _common(r: _Rows, opt: Any, k: int, lr: float, theta: Any, grad: Any, point: str = r"\theta_{k-1}") -> None:
    r.add("k", "k", k, vector=False)
    r.add("lr", r"\eta", lr, vector=False)
    r.add("theta0", point, theta)
    r.add("grad", r"\nabla f(\theta_{k-1})", grad)
    wd = _first(_p(opt, "weight_decay", 0.0))
    if wd:
        r.add("wd", r"\lambda", wd, vector=False)


def _w_sgd(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    mu = _first(_p(opt, "momentum"))
    if mu:
        r.add("mu", r"\mu", mu, vector=False)
        if _first(_p(opt, "dampening")):
            r.param(opt, "dampening", r"\tau", name="tau")
        r.add("b0", r"b_{k-1}", before.momentum_buffer)
        r.add("b", r"b_k", after.momentum_buffer)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_adagrad(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    if _first(_p(opt, "lr_decay")):
        r.param(opt, "lr_decay", r"\gamma")
    r.param(opt, "eps", r"\epsilon")
    r.add("s0", r"s_{k-1}", before.sum)
    r.add("s", r"s_k", after.sum)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_rmsprop(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    r.param(opt, "alpha", r"\alpha")
    r.param(opt, "eps", r"\epsilon")
    r.add("v0", r"v_{k-1}", before.square_avg)
    r.add("v", r"v_k", after.square_avg)
    if _p(opt, "centered"):
        r.add("gbar0", r"\bar g_{k-1}", before.grad_avg)
        r.add("gbar", r"\bar g_k", after.grad_avg)
    if _first(_p(opt, "momentum")):
        r.param(opt, "momentum", r"\mu", name="mu")
        r.add("b0", r"b_{k-1}", before.momentum_buffer)
        r.add("b", r"b_k", after.momentum_buffer)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _adam_rows(opt, k, lr, theta, grad) -> _Rows:
    """The rows every Adam-like step starts with: k, lr, θ, g, then β₁, β₂ and ε."""
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    b1, b2 = (_first(b) for b in _p(opt, "betas"))
    r.add("beta1", r"\beta_1", b1, vector=False)
    r.add("beta2", r"\beta_2", b2, vector=False)
    r.param(opt, "eps", r"\epsilon")
    return r


def _w_adam(opt, before, after, theta, grad, lr, theta_after, k):
    r = _adam_rows(opt, k, lr, theta, grad)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("v0", r"v_{k-1}", before.exp_avg_sq)
    r.add("m", r"m_k", after.exp_avg)
    r.add("v", r"v_k", after.exp_avg_sq)
    if _p(opt, "amsgrad"):
        r.add("vmax0", r"v^{\max}_{k-1}", before.max_exp_avg_sq)
        r.add("vmax", r"v^{\max}_k", after.max_exp_avg_sq)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_adamax(opt, before, after, theta, grad, lr, theta_after, k):
    r = _adam_rows(opt, k, lr, theta, grad)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("u0", r"u_{k-1}", before.exp_inf)
    r.add("m", r"m_k", after.exp_avg)
    r.add("u", r"u_k", after.exp_inf)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_nadam(opt, before, after, theta, grad, lr, theta_after, k):
    r = _adam_rows(opt, k, lr, theta, grad)
    r.param(opt, "momentum_decay", r"\psi", name="psi")
    r.add("P0", r"\prod_{i < k} \mu_i", _first(before.mu_product), vector=False)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("v0", r"v_{k-1}", before.exp_avg_sq)
    r.add("m", r"m_k", after.exp_avg)
    r.add("v", r"v_k", after.exp_avg_sq)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_radam(opt, before, after, theta, grad, lr, theta_after, k):
    r = _adam_rows(opt, k, lr, theta, grad)
    b2 = _first(_p(opt, "betas")[1])
    rho_inf = 2 / (1 - b2) - 1
    r.add("rho_inf", r"\rho_\infty", rho_inf, vector=False)
    r.add("rho", r"\rho_k", rho_inf - 2 * k * b2 ** k / (1 - b2 ** k), vector=False)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("v0", r"v_{k-1}", before.exp_avg_sq)
    r.add("m", r"m_k", after.exp_avg)
    r.add("v", r"v_k", after.exp_avg_sq)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_rprop(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    (lo, hi), (smin, smax) = _p(opt, "etas"), _p(opt, "step_sizes")
    for name, symbol, value in (("eta_minus", r"\eta_-", lo), ("eta_plus", r"\eta_+", hi),
                                ("smin", r"s_{\min}", smin), ("smax", r"s_{\max}", smax)):
        r.add(name, symbol, _first(value), vector=False)
    r.add("prev", r"g_{k-1}", before.prev)
    r.add("s0", r"s_{k-1}", np.zeros_like(before.step_size) + lr if k == 1 else before.step_size)
    r.add("s", r"s_k", after.step_size)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_asgd(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    r.param(opt, "lambd", r"\lambda_d")
    r.param(opt, "alpha", r"\alpha")
    r.param(opt, "t0", r"t_0")
    first = k == 1
    r.add("eta", r"\eta_k", lr if first else _first(before.eta), vector=False)
    r.add("mu", r"\mu_k", 1.0 if first else _first(before.mu), vector=False)
    r.add("ax0", r"\bar\theta_{k-1}", before.ax)
    r.add("theta", r"\theta_k", theta_after)
    r.add("ax", r"\bar\theta_k", after.ax)
    return r.done()


def _w_adafactor(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    e1, e2 = (_first(e) for e in _p(opt, "eps"))
    for name, symbol, value in (("c", "c", _p(opt, "beta2_decay")), ("eps1", r"\epsilon_1", e1),
                                ("eps2", r"\epsilon_2", e2), ("d", "d", _p(opt, "d"))):
        r.add(name, symbol, _first(value), vector=False)
    r.add("v0", r"v_{k-1}", before.variance)
    r.add("v", r"v_k", after.variance)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_newton(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    r.param(opt, "damping", r"\lambda")
    inverse = r"[(\nabla^2 f(\theta_{k-1}) + \lambda I)^{-1}]_{"
    p = np.asarray(after.preconditioner, dtype=float).reshape(-1)
    for i, entry in enumerate(("xx", "xy", "yy")):
        r.add("p" + entry, inverse + entry + "}", p[i], vector=False)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_adadelta(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    r.param(opt, "rho", r"\rho")
    r.param(opt, "eps", r"\epsilon")
    r.add("v0", r"v_{k-1}", before.square_avg)
    r.add("u0", r"u_{k-1}", before.acc_delta)
    r.add("v", r"v_k", after.square_avg)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_book(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    r.add("k", "k", k, vector=False)
    r.add("lr", r"\eta", lr, vector=False)
    r.add("theta0", r"\theta_{k-1}", theta)
    r.add("grad", r"\nabla L_k", grad)
    name = opt.name.split(".")[1]
    if name in ("Momentum", "Nesterov"):
        r.param(opt, "momentum", r"\alpha", name="alpha")
        r.add("v0", r"v_{k-1}", before.v)
        r.add("v", r"v_k", after.v)
    elif name in ("AdaGrad", "RMSprop"):
        if name == "RMSprop":
            r.param(opt, "decay_rate", r"\rho", name="rho")
        r.add("h0", r"h_{k-1}", before.v)
        r.add("h", r"h_k", after.v)
    elif name == "Adam":
        r.param(opt, "beta1", r"\beta_1")
        r.param(opt, "beta2", r"\beta_2")
        r.add("m0", r"m_{k-1}", before.v)
        r.add("v0", r"v_{k-1}", before.h)
        r.add("m", r"m_k", after.v)
        r.add("v", r"v_k", after.h)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _scalar(r: _Rows, opt: Any, name: str, symbol: str, param: str | None = None) -> None:
    r.add(name, symbol, _first(_p(opt, param or name)), vector=False)


def _w_lion(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    if _p(opt, "decoupled_weight_decay") and "wd" in r.keys:
        _scalar(r, opt, "lr0", r"\eta_0", "lr")
    b1, b2 = (_first(b) for b in _p(opt, "betas"))
    r.add("beta1", r"\beta_1", b1, vector=False)
    r.add("beta2", r"\beta_2", b2, vector=False)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("m", r"m_k", after.exp_avg)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_adabelief(opt, before, after, theta, grad, lr, theta_after, k):
    r = _adam_rows(opt, k, lr, theta, grad)
    if _p(opt, "rectify"):
        b2 = _first(_p(opt, "betas")[1])
        rho_inf = 2 / (1 - b2) - 1
        r.add("rho_inf", r"\rho_\infty", rho_inf, vector=False)
        r.add("rho", r"\rho_k", rho_inf - 2 * k * b2 ** k / (1 - b2 ** k), vector=False)
        _scalar(r, opt, "rho_min", r"\rho_{\min}", "n_sma_threshold")
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("s0", r"s_{k-1}", before.exp_avg_var)
    if _p(opt, "ams_bound"):
        r.add("smax0", r"s^{\max}_{k-1}", before.max_exp_avg_var)
    r.add("m", r"m_k", after.exp_avg)
    r.add("s", r"s_k", after.exp_avg_var)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_adan(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    for i, b in enumerate(_p(opt, "betas")):
        r.add(f"beta{i + 1}", rf"\beta_{i + 1}", _first(b), vector=False)
    _scalar(r, opt, "eps", r"\epsilon")
    clip = opt._clip(np.asarray(grad, dtype=float).reshape(1, -1))
    if _nonzero(_p(opt, "max_grad_norm")):
        r.add("clip", r"\gamma_k", _first(clip), vector=False)
    gprev = np.asarray(grad, dtype=float).reshape(1, -1) * clip if k == 1 else -before.previous_grad
    r.add("gprev", r"g_{k-1}", gprev)
    r.add("m0", r"m_{k-1}", before.exp_avg)
    r.add("d0", r"d_{k-1}", before.exp_avg_diff)
    r.add("n0", r"n_{k-1}", before.exp_avg_sq)
    r.add("m", r"m_k", after.exp_avg)
    r.add("d", r"d_k", after.exp_avg_diff)
    r.add("n", r"n_k", after.exp_avg_sq)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_schedule_free(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad, r"\theta_{k-1} = y_k")
    lr_k, ckp1, _, _ = opt._schedule(before, lr)
    if opt.warmup_steps:
        r.add("lr_k", r"\eta_k", _first(lr_k), vector=False)
    if opt.name == "AdamWScheduleFree":
        b1, b2 = (_first(b) for b in _p(opt, "betas"))
        r.add("beta1", r"\beta_1", b1, vector=False)
        r.add("beta2", r"\beta_2", b2, vector=False)
        _scalar(r, opt, "eps", r"\epsilon")
        r.add("v0", r"v_{k-1}", before.exp_avg_sq)
        r.add("v", r"v_k", after.exp_avg_sq)
    else:
        _scalar(r, opt, "beta1", r"\beta", "momentum")
    r.add("c", r"c_k", _first(ckp1), vector=False)
    r.add("z0", r"z_{k-1}", before.z)
    r.add("x0", r"x_{k-1}", before.x)
    r.add("z", r"z_k", after.z)
    r.add("x", r"x_k", after.x)
    r.add("theta", r"\theta_k = y_{k+1}", theta_after)
    return r.done()


def _w_prodigy(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    b1, b2 = (_first(b) for b in _p(opt, "betas"))
    b3 = math.sqrt(b2) if _p(opt, "beta3") is None else _first(_p(opt, "beta3"))
    for name, symbol, value in (("beta1", r"\beta_1", b1), ("beta2", r"\beta_2", b2), ("beta3", r"\beta_3", b3),
                                ("dinit", r"d_0", _first(_p(opt, "d0"))),
                                ("kappa", r"\kappa", _first(_p(opt, "d_coef")))):
        r.add(name, symbol, value, vector=False)
    if _p(opt, "eps") is not None:
        _scalar(r, opt, "eps", r"\epsilon")
    r.add("diff", r"\theta_0 - \theta_{k-1}", np.asarray(before.p0, dtype=float) - np.asarray(theta, dtype=float))
    for state, tail, end in ((before, "0", "_{k-1}"), (after, "", "_k")):
        for name, field_ in (("r", "d_numerator"), ("s", "s"), ("m", "exp_avg"), ("v", "exp_avg_sq"), ("d", "d")):
            value, scalar = getattr(state, field_), name in "rd"
            r.add(name + tail, name + end, _first(value) if scalar else value, vector=not scalar)
    if math.isfinite(_first(_p(opt, "growth_rate"))):
        _scalar(r, opt, "gamma", r"\gamma", "growth_rate")
        r.add("dmax0", r"d^{\max}_{k-1}", _first(before.d_max), vector=False)
        r.add("dmax", r"d^{\max}_k", _first(after.d_max), vector=False)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _w_muon(opt, before, after, theta, grad, lr, theta_after, k):
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    _scalar(r, opt, "mu", r"\mu", "momentum")
    r.add("b0", r"b_{k-1}", before.momentum_buffer)
    r.add("b", r"b_k", after.momentum_buffer)
    if _p(opt, "nesterov"):
        r.add("bt", r"\tilde b_k", after.direction)
    _scalar(r, opt, "n", "n", "ns_steps")
    r.add("u", r"u_k = \mathrm{NS}^{\mathrm{bf16}}_{n}(" + (r"\tilde b_k)" if _p(opt, "nesterov") else "b_k)"),
          after.ortho)
    if _p(opt, "adjust_lr_fn") == "match_rms_adamw":
        r.add("c", "c", opt._lr_ratio(), vector=False)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _lbfgs_moves(before, after, theta, theta_after) -> tuple[list, bool] | None:
    """The moves α_j d_j of this step's iterations but the last (the pairs s it added to the
    history, less the one carried from the step before) and whether the last one moved θ; None
    where they do not add up to θ_k − θ_{k−1} (a pair dropped for y·s ≤ 1e-10, say)."""
    b, a = before.memory[0], after.memory[0]
    n = a.n_iter - b.n_iter
    count = max(n - 1, 0) + (1 if b.n_iter and n else 0)
    if len(a.old_stps) < count:
        return None
    moves = list(a.old_stps[len(a.old_stps) - count:])[1 if b.n_iter and n else 0:]
    delta = np.asarray(theta_after, dtype=float).reshape(-1) - np.asarray(theta, dtype=float).reshape(-1)
    done = np.sum(moves, axis=0) if moves else np.zeros(2)
    for last in ((np.asarray(a.d) * a.t,) if n else ()) + (np.zeros(2),):
        if np.allclose(done + last, delta, rtol=1e-9, atol=1e-12 * (1 + np.abs(theta_after).max())):
            return moves, bool(np.any(last))
    return None


def _w_lbfgs(opt, before, after, theta, grad, lr, theta_after, k):
    found = _lbfgs_moves(before, after, theta, theta_after)
    if found is None:
        return _unwritten(theta, grad, theta_after, k)
    moves, moved = found
    b, a = before.memory[0], after.memory[0]
    r = _Rows()
    _common(r, opt, k, lr, theta, grad)
    r.add("n", r"n_k", a.n_iter - b.n_iter, vector=False)
    r.add("evals", r"\# f", a.func_evals - b.func_evals, vector=False)
    for j, move in enumerate(moves, 1):
        r.add(f"s{j}", rf"\alpha_{{{j}}} d_{{{j}}}", move)
    if moved:
        j = len(moves) + 1
        r.add("d", rf"d_{{{j}}}", a.d)
        r.add("alpha", rf"\alpha_{{{j}}}", a.t, vector=False)
    r.add("theta", r"\theta_k", theta_after)
    return r.done()


def _rows_of(w: Worked, rename: dict[str, tuple[str, str]], at: str = "",
             insert: Callable[[_Rows], None] = lambda r: None) -> _Rows:
    """A worked step's rows to add to: ``rename`` maps a key to its (new key, new symbol);
    ``insert`` adds rows after the row ``at``."""
    r = _Rows()
    for key, symbol in w.keys.items():
        value = w.value(key)
        new, symbol = rename.get(key, (key, symbol))
        r.keys[new] = symbol
        r.rows.append((symbol, value))
        if key == at:
            insert(r)
    return r


def _w_lookahead(opt, before, after, theta, grad, lr, theta_after, k):
    inner = opt.optimizer
    if inner.name not in WORKED:
        return _unwritten(theta, grad, theta_after, k)
    if after.step % opt.k:
        return WORKED[inner.name](inner, before.inner, after.inner, theta, grad, lr, theta_after, k)
    fast, _ = inner.step(before.inner, np.reshape(theta, (1, -1)), np.reshape(grad, (1, -1)), lr)
    w = WORKED[inner.name](inner, before.inner, after.inner, theta, grad, lr, fast, k)
    r = _rows_of(w, {"theta": ("fast", r"\tilde\theta_k")})
    if r"\alpha" not in r.keys.values():
        _scalar(r, opt, "pull", r"\alpha", "alpha")
    r.add("phi0", r"\phi_{k-1}", before.slow)
    r.add("theta", r"\theta_k = \phi_k", theta_after)
    return r.done()


def _w_sam(opt, before, after, theta, grad, lr, theta_after, k):
    inner = opt.optimizer
    if inner.name not in WORKED:
        return _unwritten(theta, grad, theta_after, k)
    w = WORKED[inner.name](inner, before.inner, after.inner, theta, after.perturbed_grad, lr, theta_after, k)

    def perturbed(r: _Rows) -> None:
        r.add("grad_theta", r"\nabla f(\theta_{k-1})", grad)
        _scalar(r, opt, "rho", r"\rho")
        _scalar(r, opt, "perturb_eps", r"\epsilon_\rho")
        r.add("perturbed", r"\hat\theta_{k-1}", after.perturbed)
    return _rows_of(w, {"grad": ("grad", r"\nabla f(\hat\theta_{k-1})")}, "theta0", perturbed).done()


WORKED: dict[str, Callable[..., Worked]] = {
    "SGD": _w_sgd, "Adagrad": _w_adagrad, "RMSprop": _w_rmsprop, "Adam": _w_adam, "AdamW": _w_adam,
    "Adamax": _w_adamax, "Adadelta": _w_adadelta, "NAdam": _w_nadam,
    "RAdam": _w_radam, "Rprop": _w_rprop, "ASGD": _w_asgd,
    "Adafactor": _w_adafactor, "Newton": _w_newton, "Lion": _w_lion, "AdaBelief": _w_adabelief,
    "Adan": _w_adan, "SGDScheduleFree": _w_schedule_free, "AdamWScheduleFree": _w_schedule_free,
    "Prodigy": _w_prodigy, "Muon": _w_muon, "LBFGS": _w_lbfgs, "Lookahead": _w_lookahead, "SAM": _w_sam,
    **{name: _w_book for name in ("Textbook.SGD", "Textbook.Momentum", "Textbook.Nesterov",
                                  "Textbook.AdaGrad", "Textbook.RMSprop", "Textbook.Adam")},
}


def worked(optimizer: Any, before: Any, after: Any, theta: Any, grad: Any, lr: float,
           theta_after: Any, k: int) -> Worked:
    """Update ``k`` (1-based) with its numbers: the state ``before`` and ``after`` it, the point
    ``theta`` it left, the gradient ``grad`` the optimizer saw there, its learning rate ``lr``
    and the point ``theta_after`` it reached (one run: arrays of shape (2,) or (1, 2))."""
    if optimizer.name in WORKED:
        return WORKED[optimizer.name](optimizer, before, after, theta, grad, float(lr), theta_after, k)
    return _unwritten(theta, grad, theta_after, k)


def _unwritten(theta: Any, grad: Any, theta_after: Any, k: int) -> Worked:
    """θ_{k−1}, Δθ_k and θ_k: the step whose arithmetic is not written out."""
    r = _Rows()
    r.add("k", "k", k, vector=False)
    r.add("theta0", r"\theta_{k-1}", theta)
    r.add("grad", r"\nabla f(\theta_{k-1})", grad)
    r.add("delta", r"\Delta\theta_k", np.asarray(theta_after, dtype=float) - np.asarray(theta, dtype=float))
    r.add("theta", r"\theta_k", theta_after)
    return r.done(written=False)
