"""The update rules written out (issue 11): every optimizer and scheduler has one, in every
notation; the three notations of momentum give one path; and a worked step's shown numbers,
redone by hand with plain float arithmetic following the written rule, give the shown θ_k.

The hand calculations here follow torch's documented pseudo-code (and the textbook's code),
never the optimizers' own step functions.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import make
from optimizers.rules import DIGITS, NOTATIONS, Rule, rule, schedule_rule, worked
from optimizers.runner import run
from optimizers.stepwise import trace

ELLIPTIC = surfaces.get("elliptic")          # x²/20 + y², ∇f = (x/10, 2y)
INNER = {"name": "SGD", "params": {"lr": 0.1, "momentum": 0.9}}


def built(name: str, params: dict | None = None):
    params = dict(params or {})
    if name in optimizers.WRAPPERS:
        params.setdefault("optimizer", INNER)
    return make(name, params)


def balanced(latex: str) -> bool:
    depth = 0
    for i, c in enumerate(latex):
        if c in "{}" and i and latex[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\begin{") == latex.count(r"\end{")


@pytest.mark.parametrize("name", list(optimizers.ALL_OPTIMIZERS))
@pytest.mark.parametrize("notation", NOTATIONS)
def test_every_optimizer_has_its_rule(name, notation):
    r = rule(built(name), notation)
    assert isinstance(r, Rule) and r.lines and all("&" in line for line in r.lines)
    assert balanced(r.latex())
    assert r"\theta_t" in r.latex() or "x_t" in r.latex()


@pytest.mark.parametrize("name", list(optimizers.SCHEDULERS))
def test_every_scheduler_has_its_lr_formula(name):
    r = schedule_rule(optimizers.SCHEDULERS[name]())
    assert r.lines and balanced(r.latex()) and r"\eta_t" in r.latex()


def test_the_options_in_use_change_the_rule():
    plain = rule(make("SGD", {"lr": 0.1})).latex()
    assert "b_t" not in plain and r"\eta = 0.1" in plain
    momentum = rule(make("SGD", {"lr": 0.1, "momentum": 0.9})).latex()
    assert r"b_t &= \mu b_{t-1} + g_t" in momentum and r"\mu = 0.9" in momentum
    nesterov = rule(make("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True})).latex()
    assert r"g_t + \mu b_t" in nesterov
    decay = rule(make("SGD", {"lr": 0.1, "weight_decay": 0.01, "maximize": True})).latex()
    assert r"-\nabla f" in decay and r"\lambda \theta_{t-1}" in decay
    assert r"v^{\max}" in rule(make("Adam", {"amsgrad": True})).latex()
    assert r"1 - \eta \lambda" in rule(make("AdamW")).latex()
    assert r"\bar g_t" in rule(make("RMSprop", {"centered": True})).latex()
    assert r"\epsilon = 10^{-8}" in rule(make("Adam")).latex()


# --- notations: the same path --------------------------------------------------------------

def test_the_three_notations_of_momentum_give_one_path():
    """torch's b ← μb + g, θ ← θ − ηb; the book's v ← αv − η∇L, θ ← θ + v (α = μ); the average
    m ← βm + (1 − β)g, θ ← θ − η′m (β = μ, η′ = η/(1 − β)): each by hand, against the core."""
    lr, mu, steps = 0.1, 0.9, 40
    core = run(ELLIPTIC, make("SGD", {"lr": lr, "momentum": mu}), np.array([[-7.0, 2.0]]), steps).run(0)["points"]
    book = run(ELLIPTIC, make("Textbook.Momentum", {"lr": lr, "momentum": mu}),
               np.array([[-7.0, 2.0]]), steps).run(0)["points"]

    def grad(p):
        return [p[0] / 10, 2 * p[1]]

    torch_path, book_path, ema_path = [[-7.0, 2.0]], [[-7.0, 2.0]], [[-7.0, 2.0]]
    b, v, m = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for t in range(steps):
        g = grad(torch_path[-1])
        b = [gi if t == 0 else mu * bi + gi for bi, gi in zip(b, g)]
        torch_path.append([p - lr * bi for p, bi in zip(torch_path[-1], b)])
        g = grad(book_path[-1])
        v = [mu * vi - lr * gi for vi, gi in zip(v, g)]
        book_path.append([p + vi for p, vi in zip(book_path[-1], v)])
        g = grad(ema_path[-1])
        m = [mu * mi + (1 - mu) * gi for mi, gi in zip(m, g)]
        ema_path.append([p - lr / (1 - mu) * mi for p, mi in zip(ema_path[-1], m)])
    np.testing.assert_allclose(core, torch_path, rtol=0, atol=1e-12)
    np.testing.assert_allclose(book, book_path, rtol=0, atol=1e-12)
    np.testing.assert_allclose(torch_path, book_path, rtol=0, atol=1e-12)
    np.testing.assert_allclose(torch_path, ema_path, rtol=0, atol=1e-12)
    ema = rule(make("SGD", {"lr": lr, "momentum": mu}), "ema")
    assert dict(ema.values)[r"\eta'"] == pytest.approx(lr / (1 - mu))
    assert dict(rule(make("SGD", {"lr": lr, "momentum": mu}), "textbook").values)[r"\alpha"] == mu


# --- a worked step, redone by hand from the shown numbers ------------------------------------

CASES = [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "maximize": True}),
    ("Adagrad", {"lr": 1.5}), ("Adagrad", {"lr": 0.5, "lr_decay": 0.1, "weight_decay": 0.05}),
    ("RMSprop", {"lr": 0.05}), ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.3}), ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.1}), ("Adamax", {"lr": 0.2}), ("Adadelta", {"lr": 1.0}),
    ("NAdam", {"lr": 0.2}), ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True,
                                       "momentum_decay": 0.05}),
    ("RAdam", {"lr": 0.2}), ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "betas": (0.8, 0.99)}),
    ("Rprop", {"lr": 1.5}), ("Rprop", {"lr": 0.3, "etas": (0.3, 1.5), "step_sizes": (0.1, 0.4)}),
    ("ASGD", {"lr": 0.2}), ("ASGD", {"lr": 0.3, "lambd": 0.5, "alpha": 0.5, "t0": 0.0, "weight_decay": 0.1}),
    ("Newton", {"lr": 0.5}), ("Newton", {"lr": 0.8, "damping": 0.5}),
    ("Adafactor", {"lr": 0.05}), ("Adafactor", {"lr": 0.8, "weight_decay": 0.1, "d": 1.5, "eps": (1.0, 1e-3)}),
    ("Textbook.SGD", {"lr": 0.95}), ("Textbook.Momentum", {"lr": 0.1}),
    ("Textbook.Nesterov", {"lr": 0.1}), ("Textbook.AdaGrad", {"lr": 1.5}),
    ("Textbook.RMSprop", {"lr": 0.1}), ("Textbook.Adam", {"lr": 0.3}),
    ("Lion", {"lr": 0.1}), ("Lion", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdaBelief", {"lr": 0.3}), ("AdaBelief", {"lr": 0.1, "weight_decay": 0.1, "ams_bound": True}),
    ("AdaBelief", {"lr": 0.1, "weight_decay": 0.1, "weight_decouple": False, "maximize": True}),
    ("Adan", {"lr": 0.3}), ("Adan", {"lr": 0.1, "weight_decay": 0.1, "max_grad_norm": 1.0}),
    ("Adan", {"lr": 0.1, "weight_decay": 0.1, "weight_decouple": True, "maximize": True}),
    ("SGDScheduleFree", {"lr": 0.5}), ("SGDScheduleFree", {"lr": 0.2, "weight_decay": 0.1, "warmup_steps": 2}),
    ("AdamWScheduleFree", {"lr": 0.3}),
    ("AdamWScheduleFree", {"lr": 0.2, "weight_decay": 0.1, "warmup_steps": 2, "r": 1.0}),
    ("Prodigy", {"d0": 0.1}), ("Prodigy", {"d0": 0.05, "eps": None, "maximize": True}),
    ("Prodigy", {"lr": 0.5, "d0": 0.05, "d_coef": 2.0, "weight_decay": 0.1, "bias_correction": True,
                 "safeguard_warmup": True}),
    ("Prodigy", {"d0": 0.1, "growth_rate": 1.5}), ("Prodigy", {"d0": 1e-3, "growth_rate": 1.02, "eps": None}),
    ("Lookahead", {"k": 3, "optimizer": {"name": "Adam", "params": {"lr": 0.3}}}),
    ("Lookahead", {"k": 1, "alpha": 0.3, "optimizer": {"name": "RMSprop", "params": {"lr": 0.05, "momentum": 0.5}}}),
    ("SAM", {"rho": 0.1, "optimizer": {"name": "SGD", "params": {"lr": 0.1, "momentum": 0.9}}}),
    ("SAM", {"rho": 0.2, "adaptive": True, "optimizer": {"name": "Adam", "params": {"lr": 0.3}}}),
    ("Muon", {"lr": 0.1}), ("Muon", {"lr": 0.2, "weight_decay": 0.0, "nesterov": False, "ns_steps": 3}),
    ("Muon", {"lr": 0.1, "momentum": 0.5, "adjust_lr_fn": "match_rms_adamw"}),
    ("AdaBelief", {"lr": 0.3, "rectify": True}),
    ("AdaBelief", {"lr": 0.3, "rectify": True, "degenerated_to_sgd": False, "weight_decay": 0.1}),
    ("LBFGS", {"max_iter": 1}), ("LBFGS", {"lr": 0.5, "max_iter": 3}), ("LBFGS", {}),
    ("LBFGS", {"line_search_fn": "strong_wolfe", "max_iter": 1}),
    ("LBFGS", {"line_search_fn": "strong_wolfe", "max_iter": 4}),
]
# their branch applies λ (and the sign) itself
OWN_DECAY = {"Lion", "AdaBelief", "Adan", "SGDScheduleFree", "AdamWScheduleFree", "Prodigy", "Muon"}
WRITTEN = {name for name, _ in CASES}
OTHERS = [(name, {}) for name in optimizers.ALL_OPTIMIZERS if name not in WRITTEN]


def f(text):
    return float(text)


def by_hand(name, p, w):
    """θ_k from the worked step's shown strings, following the written rule coordinate by
    coordinate with plain floats; also the state it implies (to check the shown one)."""
    if not w.written:                                     # θ_k = θ_{k−1} + Δθ_k
        return [f(a) + f(b) for a, b in zip(w.value("theta0"), w.value("delta"))]
    if name in ("Lookahead", "SAM"):                      # the inner rule (at θ̂ for SAM), then the pull
        inner = p["optimizer"]
        fast = by_hand(inner["name"], inner.get("params", {}), w)
        if name == "SAM" or "phi0" not in w.keys:
            return fast
        alpha = f(w.value("pull")) if "pull" in w.keys else p.get("alpha", 0.5)
        return [f(phi) + alpha * (x - f(phi)) for phi, x in zip(w.value("phi0"), fast)]
    k, lr = int(w.value("k")), f(w.value("lr"))
    theta0, grad = [f(s) for s in w.value("theta0")], [f(s) for s in w.value("grad")]
    wd = f(w.value("wd")) if "wd" in w.keys else 0.0
    out = []
    if name == "Prodigy":
        return prodigy_by_hand(p, w, k, lr, wd, theta0, grad)
    if name == "LBFGS":
        return lbfgs_by_hand(p, w, k, lr, theta0, grad)
    for i in range(2):
        th, gr = theta0[i], grad[i]
        get = lambda key: f(w.value(key)[i])              # noqa: E731
        g = (-gr if p.get("maximize") else gr)
        decoupled = name == "AdamW" or p.get("decoupled_weight_decay")
        if name.startswith("Textbook.") or name in OWN_DECAY:
            g = gr
        elif decoupled:
            th = th * (1 - lr * wd)
        else:
            g = g + wd * th
        if name == "SGD":
            mu = p.get("momentum", 0.0)
            if mu:
                tau = p.get("dampening", 0.0)
                b = g if k == 1 else mu * get("b0") + (1 - tau) * g
                d = g + mu * b if p.get("nesterov") else b
            else:
                d = g
            out.append(th - lr * d)
        elif name == "Adagrad":
            clr = lr / (1 + (k - 1) * p.get("lr_decay", 0.0))
            s = get("s0") + g * g
            out.append(th - clr * g / (math.sqrt(s) + f(w.value("eps"))))
        elif name == "RMSprop":
            a, eps = f(w.value("alpha")), f(w.value("eps"))
            v = a * get("v0") + (1 - a) * g * g
            if p.get("centered"):
                gbar = a * get("gbar0") + (1 - a) * g
                d = math.sqrt(v - gbar * gbar) + eps
            else:
                d = math.sqrt(v) + eps
            if p.get("momentum"):
                b = p["momentum"] * get("b0") + g / d
                out.append(th - lr * b)
            else:
                out.append(th - lr * g / d)
        elif name in ("Adam", "AdamW"):
            b1, b2, eps = f(w.value("beta1")), f(w.value("beta2")), f(w.value("eps"))
            m = b1 * get("m0") + (1 - b1) * g
            v = b2 * get("v0") + (1 - b2) * g * g
            if p.get("amsgrad"):
                v = max(get("vmax0"), v)
            out.append(th - lr * (m / (1 - b1 ** k)) / (math.sqrt(v / (1 - b2 ** k)) + eps))
        elif name == "Adamax":
            b1, b2, eps = f(w.value("beta1")), f(w.value("beta2")), f(w.value("eps"))
            m = b1 * get("m0") + (1 - b1) * g
            u = max(b2 * get("u0"), abs(g) + eps)
            out.append(th - lr / (1 - b1 ** k) * m / u)
        elif name == "NAdam":
            b1, b2, eps, psi = (f(w.value(key)) for key in ("beta1", "beta2", "eps", "psi"))
            mu, mu_next = (b1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in (k, k + 1))
            prod = f(w.value("P0")) * mu
            m = b1 * get("m0") + (1 - b1) * g
            v = b2 * get("v0") + (1 - b2) * g * g
            step = (1 - mu) * g / (1 - prod) + mu_next * m / (1 - prod * mu_next)
            out.append(th - lr * step / (math.sqrt(v / (1 - b2 ** k)) + eps))
        elif name == "RAdam":
            b1, b2, eps = f(w.value("beta1")), f(w.value("beta2")), f(w.value("eps"))
            m = b1 * get("m0") + (1 - b1) * g
            v = b2 * get("v0") + (1 - b2) * g * g
            rho_inf = 2 / (1 - b2) - 1
            rho = rho_inf - 2 * k * b2 ** k / (1 - b2 ** k)
            factor = 1.0
            if rho > 5:
                r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
                factor = r * math.sqrt(1 - b2 ** k) / (math.sqrt(v) + eps)
            out.append(th - lr * m / (1 - b1 ** k) * factor)
        elif name == "Rprop":
            s0, prev = get("s0"), get("prev")
            if g * prev > 0:
                s = min(f(w.value("eta_plus")) * s0, f(w.value("smax")))
            elif g * prev < 0:
                s, g = max(f(w.value("eta_minus")) * s0, f(w.value("smin"))), 0.0
            else:
                s = s0
            out.append(th - s * ((g > 0) - (g < 0)))
            assert agree(s, w.value("s")[i], s)
        elif name == "ASGD":
            ld, a, t0 = f(w.value("lambd")), f(w.value("alpha")), f(w.value("t0"))
            eta = lr if k == 1 else lr / (1 + ld * lr * (k - 1)) ** a     # η_k (a constant η)
            mu = 1.0 if k == 1 else 1 / max(1.0, k - 1 - t0)
            assert agree(eta, w.value("eta"), eta) and agree(mu, w.value("mu"), mu)
            out.append(th * (1 - ld * eta) - eta * g)
            ax = get("ax0") + mu * (out[-1] - get("ax0"))
            assert agree(ax, w.value("ax")[i], max(abs(ax), abs(get("ax0"))))
        elif name == "Adafactor":
            # both coordinates at once: RMS(θ_{k−1}) and RMS(u_k) mix them
            if i == 0:
                out += adafactor_by_hand(w, k, lr, wd, theta0, [-x for x in grad] if p.get("maximize") else grad)
        elif name == "Newton":                            # row i of (H + λI)⁻¹ times g
            row = [f(w.value("pxx")), f(w.value("pxy"))] if i == 0 else [f(w.value("pxy")), f(w.value("pyy"))]
            out.append(th - lr * (row[0] * grad[0] + row[1] * grad[1]))
            hessian = (0.1, 2.0)[i] + p.get("damping", 0.0)       # ELLIPTIC's ∇²f = diag(0.1, 2)
            assert agree(1 / hessian, w.value(("pxx", "pyy")[i]), 1 / hessian) and f(w.value("pxy")) == 0
        elif name == "Adadelta":
            rho, eps = f(w.value("rho")), f(w.value("eps"))
            v = rho * get("v0") + (1 - rho) * g * g
            delta = math.sqrt(get("u0") + eps) / math.sqrt(v + eps) * g
            out.append(th - lr * delta)
        elif name == "Textbook.SGD":
            out.append(th - lr * g)
        elif name in ("Textbook.Momentum", "Textbook.Nesterov"):
            a = f(w.value("alpha"))
            v = a * get("v0") - lr * g
            out.append(th + v if name.endswith("Momentum") else th + a * a * v - (1 + a) * lr * g)
        elif name == "Textbook.AdaGrad":
            h = get("h0") + g * g
            out.append(th - lr * g / (math.sqrt(h) + 1e-7))
        elif name == "Textbook.RMSprop":
            rho = f(w.value("rho"))
            h = rho * get("h0") + (1 - rho) * g * g
            out.append(th - lr * g / (math.sqrt(h) + 1e-7))
        elif name == "Textbook.Adam":
            b1, b2 = f(w.value("beta1")), f(w.value("beta2"))
            lr_t = lr * math.sqrt(1 - b2 ** k) / (1 - b1 ** k)
            m = get("m0") + (1 - b1) * (g - get("m0"))
            v = get("v0") + (1 - b2) * (g * g - get("v0"))
            out.append(th - lr_t * m / (math.sqrt(v) + 1e-7))
        elif name == "Lion":
            lam = wd / f(w.value("lr0")) if "lr0" in w.keys else wd
            b1, b2 = f(w.value("beta1")), f(w.value("beta2"))
            c = b1 * get("m0") + (1 - b1) * g
            out.append(th * (1 - lr * lam) - lr * (c > 0) + lr * (c < 0))
        elif name == "AdaBelief":
            g = -g if p.get("maximize") else g
            if p.get("weight_decouple", True):
                th = th * (1 - (1 if p.get("fixed_decay") else lr) * wd)
            else:
                g = g + wd * th
            b1, b2, eps = f(w.value("beta1")), f(w.value("beta2")), f(w.value("eps"))
            m = b1 * get("m0") + (1 - b1) * g
            s = b2 * get("s0") + (1 - b2) * (g - m) ** 2 + eps
            if p.get("ams_bound"):
                s = max(get("smax0"), s)
            if not p.get("rectify"):
                out.append(th - lr * (m / (1 - b1 ** k)) / (math.sqrt(s / (1 - b2 ** k)) + eps))
                continue
            rho_inf = 2 / (1 - b2) - 1                    # RAdam's ρ, r_k (written in the rule)
            rho = rho_inf - 2 * k * b2 ** k / (1 - b2 ** k)
            assert agree(rho, w.value("rho"), rho) and agree(rho_inf, w.value("rho_inf"), rho_inf)
            if rho >= f(w.value("rho_min")):
                r = math.sqrt((1 - b2 ** k) * (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
                factor = r / (math.sqrt(s) + eps)
            else:
                factor = 1.0 if p.get("degenerated_to_sgd", True) else 0.0
            out.append(th - lr * m / (1 - b1 ** k) * factor)
        elif name == "Adan":
            g = (-g if p.get("maximize") else g) * (f(w.value("clip")) if "clip" in w.keys else 1.0)
            gprev = get("gprev") if k > 1 else (-g if p.get("maximize") else g)      # g_0 = ∓g_1
            b1, b2, b3 = (f(w.value(f"beta{j}")) for j in (1, 2, 3))
            eps = f(w.value("eps"))
            if p.get("weight_decouple"):
                th = th * (1 - lr * wd)
            m = b1 * get("m0") + (1 - b1) * g
            d = b2 * get("d0") + (1 - b2) * (g - gprev)
            n = b3 * get("n0") + (1 - b3) * (g + b2 * (g - gprev)) ** 2
            th = th - lr * (m / (1 - b1 ** k) + b2 * d / (1 - b2 ** k)) / (math.sqrt(n / (1 - b3 ** k)) + eps)
            out.append(th if p.get("weight_decouple") else th / (1 + lr * wd))
        elif name.endswith("ScheduleFree"):
            lr_k = f(w.value("lr_k")) if "lr_k" in w.keys else lr
            beta, c = f(w.value("beta1")), f(w.value("c"))
            if name.startswith("AdamW"):
                b2, eps = f(w.value("beta2")), f(w.value("eps"))
                v = b2 * get("v0") + (1 - b2) * g * g
                g = g / (math.sqrt(v / (1 - b2 ** k)) + eps)
            z = get("z0") - lr_k * (g + wd * th)
            x = (1 - c) * get("x0") + c * z
            out.append((1 - beta) * z + beta * x)
        elif name == "Muon":                              # u_k = NS(b̃_k) is shown: bfloat16, not by hand
            mu = f(w.value("mu"))
            b = mu * get("b0") + (1 - mu) * g
            assert agree(b, w.value("b")[i], max(abs(b), abs(g)))
            if p.get("nesterov", True):
                bt = (1 - mu) * g + mu * b
                assert agree(bt, w.value("bt")[i], max(abs(bt), abs(g)))
            c = f(w.value("c")) if "c" in w.keys else 1.0
            out.append(th * (1 - lr * wd) - lr * c * get("u"))
    return out


def prodigy_by_hand(p, w, k, lr, wd, theta0, grad):
    """Prodigy's written rule: r and d are scalars over both coordinates (the dot, ‖s‖₁)."""
    val = lambda key: f(w.value(key))                     # noqa: E731
    vec = lambda key: [f(s) for s in w.value(key)]        # noqa: E731
    b1, b2, b3, d, d0 = val("beta1"), val("beta2"), val("beta3"), val("d0"), val("dinit")
    g = [-x for x in grad] if p.get("maximize") else grad
    eta = lr * d * (math.sqrt(1 - b2 ** k) / (1 - b1 ** k) if p.get("bias_correction") else 1.0)
    r = b3 * val("r0") + d / d0 * eta * sum(gi * di for gi, di in zip(g, vec("diff")))
    into = d if p.get("safeguard_warmup") else eta
    s = [b3 * si + d / d0 * into * gi for si, gi in zip(vec("s0"), g)]
    m = [b1 * mi + (1 - b1) * d * gi for mi, gi in zip(vec("m0"), g)]
    v = [b2 * vi + (1 - b2) * d * d * gi * gi for vi, gi in zip(vec("v0"), g)]
    estimate = val("kappa") * r / sum(abs(si) for si in s)
    d_new = max(d, estimate)
    if "gamma" in w.keys:                                 # a finite growth rate γ
        d_max = max(val("dmax0"), estimate)
        d_new = min(d_max, val("gamma") * (max(d, estimate) if d == d0 else d))
        assert agree(d_max, w.value("dmax"), d_max) and agree(d_new, w.value("d"), d_new)
    out = []
    for th, mi, vi in zip(theta0, m, v):
        th = th * (1 - (1 if p.get("fixed_decay") else eta) * wd)
        step = math.atan2(mi, math.sqrt(vi)) if "eps" not in w.keys else mi / (math.sqrt(vi) + d_new * val("eps"))
        out.append(th - eta * step)
    return out


def lbfgs_by_hand(p, w, k, lr, theta0, grad):
    """θ_k = θ_{k−1} + Σ_j α_j d_j over the step's iterations (d_j from the two-loop recursion,
    shown); the first iteration of the run has d_1 = −g and, without a line search,
    α_1 = min(1, 1/‖g‖₁)·η, every later one α = η."""
    moves = [[f(x) for x in w.value(key)] for key in w.keys if key.startswith("s") and key[1:].isdigit()]
    if "d" in w.keys:
        alpha, d = f(w.value("alpha")), [f(x) for x in w.value("d")]
        if not p.get("line_search_fn"):
            first = k == 1 and not moves
            expected = min(1.0, 1 / (abs(grad[0]) + abs(grad[1]))) * lr if first else lr
            assert agree(expected, w.value("alpha"), expected)
        if k == 1 and not moves:
            assert all(agree(-gi, di, gi) for gi, di in zip(grad, w.value("d")))
        moves.append([alpha * di for di in d])
    assert int(w.value("n")) >= len(moves) and int(w.value("evals")) >= 1
    return [t + sum(m[i] for m in moves) for i, t in enumerate(theta0)]


def adafactor_by_hand(w, k, lr, wd, theta0, g):
    """Adafactor's θ_k, whose step size and clipping take the RMS over both coordinates."""
    c, e1, e2, d = (f(w.value(key)) for key in ("c", "eps1", "eps2", "d"))
    beta = 1 - k ** c
    rho = min(lr, 1 / math.sqrt(k))
    alpha = rho * max(e2, math.sqrt((theta0[0] ** 2 + theta0[1] ** 2) / 2))
    v = [beta * f(v0) + (1 - beta) * gi * gi for v0, gi in zip(w.value("v0"), g)]
    u = [gi / math.sqrt(max(vi, e1 * e1)) for gi, vi in zip(g, v)]
    clip = max(1.0, math.sqrt((u[0] ** 2 + u[1] ** 2) / 2) / d)
    return [th * (1 - lr * wd) - alpha * ui / clip for th, ui in zip(theta0, u)]


def agree(computed: float, shown: str, scale: float) -> bool:
    """Equal at the shown precision: within a few units of the last shown digit of the
    numbers the step combines (``scale``: the largest of them)."""
    unit = 10.0 ** (math.floor(math.log10(max(abs(scale), abs(float(shown)), 1e-300))) - (DIGITS - 1))
    return abs(computed - float(shown)) <= 5 * unit


@pytest.mark.parametrize("name, params", CASES + OTHERS, ids=lambda v: str(v))
@pytest.mark.parametrize("k", [1, 3])
def test_a_worked_step_redone_by_hand_gives_the_shown_point(name, params, k):
    redone_by_hand(name, params, k)


LATE = [("RAdam", {"lr": 0.2}, 8), ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "betas": (0.8, 0.99)}, 7),
        ("AdaBelief", {"lr": 0.3, "rectify": True}, 8),
        ("AdaBelief", {"lr": 0.1, "rectify": True, "ams_bound": True, "betas": (0.8, 0.99)}, 7)]


@pytest.mark.parametrize("name, params, k", LATE, ids=lambda v: str(v))
def test_a_late_worked_step_redone_by_hand(name, params, k):
    """Steps the first three do not reach: RAdam's rectified branch (ρ_k > 5)."""
    redone_by_hand(name, params, k)


def redone_by_hand(name, params, k):
    opt = built(name, params)
    surface = ELLIPTIC
    tr = trace(surface, opt, (-7.0, 2.0), max(4, k))
    assert len(tr.update) >= k
    w = worked(opt, tr.states[k - 1], tr.states[k], tr.points[k - 1], tr.seen[k - 1], float(tr.lr[k - 1]),
               tr.points[k], k)
    assert w.written is (name in WRITTEN)
    shown = [float(s) for s in w.value("theta")]
    np.testing.assert_allclose(shown, tr.points[k], rtol=10.0 ** (1 - DIGITS))   # shown is the run's point
    computed = by_hand(name, params, w)
    theta0 = [float(s) for s in w.value("theta0")]
    if name == "SAM":                                     # θ̂ by hand too, from the shown g at θ
        g, rho = [float(s) for s in w.value("grad_theta")], float(w.value("rho"))
        scale = [t * t for t in theta0] if params.get("adaptive") else [1.0, 1.0]
        norm = math.hypot(*[gi * abs(t) if params.get("adaptive") else gi for gi, t in zip(g, theta0)])
        for i in range(2):
            hat = theta0[i] + rho * scale[i] * g[i] / (norm + float(w.value("perturb_eps")))
            assert agree(hat, w.value("perturbed")[i], abs(theta0[i])), (name, k, i, hat)
    for i in range(2):
        assert agree(computed[i], w.value("theta")[i], max(abs(theta0[i]), abs(shown[i]))), \
            (name, k, i, computed[i], w.value("theta")[i])


def test_step_two_of_momentum_filled_in_by_hand():
    """SGD(lr=0.1, momentum=0.9) on x²/20 + y² from (−7, 2), by hand: g₁ = (−0.7, 4), b₁ = g₁,
    θ₁ = (−6.93, 1.6); g₂ = (−0.693, 3.2), b₂ = 0.9·b₁ + g₂ = (−1.323, 6.8),
    θ₂ = θ₁ − 0.1·b₂ = (−6.7977, 0.92)."""
    from optimizers.rules import filled_form
    opt = make("SGD", {"lr": 0.1, "momentum": 0.9})
    tr = trace(ELLIPTIC, opt, (-7.0, 2.0), 2)
    w = worked(opt, tr.states[1], tr.states[2], tr.points[1], tr.seen[1], float(tr.lr[1]), tr.points[2], 2)
    assert w.filled(filled_form(opt)) == (
        r"x:\ b_k &= 0.9 \cdot (-0.7) + (-0.693) = (-1.323)",
        r"\theta_k &= (-6.93) - 0.1 \cdot (-1.323) = (-6.7977)",
        r"y:\ b_k &= 0.9 \cdot 4 + 3.2 = 6.8",
        r"\theta_k &= 1.6 - 0.1 \cdot 6.8 = 0.92")
    assert filled_form(make("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True})) is None
    assert filled_form(make("Adam", {"lr": 0.3})) == "adam"
