"""Inside the optimizer: gradients, updates, momentum and effective learning rates, by hand.

On x²/20 + y² from (−7, 2) the first gradient is g₁ = (x/10, 2y) = (−0.7, 4).
"""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import make, make_scheduler
from optimizers.runner import run
from optimizers.stepwise import trace

ELLIPTIC, HIMMELBLAU = surfaces.get("elliptic"), surfaces.get("himmelblau")
G1 = np.array([-0.7, 4.0])


def grad(p):
    return np.array([p[0] / 10, 2 * p[1]])


def test_adam_first_steps_by_hand():
    lr, eps = 0.1, 1e-8
    tr = trace(ELLIPTIC, make("Adam", {"lr": lr}), (-7.0, 2.0), 2)
    # step 1: m = 0.1·g, v = 0.001·g², v̂ = v/(1 − 0.999) = g²: effective lr = lr/(|g| + eps)
    np.testing.assert_allclose(tr.grad[0], G1, rtol=1e-15)
    np.testing.assert_allclose(tr.momentum[0], 0.1 * G1, rtol=1e-15)
    np.testing.assert_allclose(tr.effective_lr[0], lr / (np.abs(G1) + eps), rtol=1e-13)
    np.testing.assert_allclose(tr.update[0], -lr * G1 / (np.abs(G1) + eps), rtol=1e-13)
    # step 2: m = 0.9·m₁ + 0.1·g₂, v = 0.999·v₁ + 0.001·g₂²; m̂ = m/(1 − 0.9²), v̂ = v/(1 − 0.999²)
    g2 = grad(tr.points[1])
    m = 0.9 * 0.1 * G1 + 0.1 * g2
    v = 0.999 * 0.001 * G1 ** 2 + 0.001 * g2 ** 2
    eff = lr / (np.sqrt(v / (1 - 0.999 ** 2)) + eps)
    np.testing.assert_allclose(tr.momentum[1], m, rtol=1e-14)
    np.testing.assert_allclose(tr.effective_lr[1], eff, rtol=1e-13)
    np.testing.assert_allclose(tr.update[1], -eff * m / (1 - 0.9 ** 2), rtol=1e-13)


def test_adagrad_first_steps_by_hand():
    tr = trace(ELLIPTIC, make("Adagrad", {"lr": 0.5, "lr_decay": 0.1}), (-7.0, 2.0), 2)
    assert tr.momentum is None
    # step 1: s = g₁², clr = 0.5: effective lr = 0.5/(|g₁| + 1e-10)
    np.testing.assert_allclose(tr.effective_lr[0], 0.5 / (np.abs(G1) + 1e-10), rtol=1e-14)
    # step 2: s = g₁² + g₂², clr = 0.5/(1 + 1·0.1)
    g2 = grad(tr.points[1])
    eff = 0.5 / 1.1 / (np.sqrt(G1 ** 2 + g2 ** 2) + 1e-10)
    np.testing.assert_allclose(tr.effective_lr[1], eff, rtol=1e-14)
    np.testing.assert_allclose(tr.update[1], -eff * g2, rtol=1e-13)


def test_sgd_momentum_buffer_by_hand():
    tr = trace(ELLIPTIC, make("SGD", {"lr": 0.1, "momentum": 0.9}), (-7.0, 2.0), 2)
    # b₁ = g₁ = (−0.7, 4); θ₁ = (−6.93, 1.6), g₂ = (−0.693, 3.2); b₂ = 0.9·b₁ + g₂ = (−1.323, 6.8)
    np.testing.assert_allclose(tr.momentum, [[-0.7, 4.0], [-1.323, 6.8]], rtol=1e-14)
    np.testing.assert_array_equal(tr.effective_lr, np.full((2, 2), 0.1))
    np.testing.assert_allclose(tr.update, [[0.07, -0.4], [0.1323, -0.68]], rtol=1e-13)
    assert trace(ELLIPTIC, make("SGD", {"lr": 0.1}), (-7.0, 2.0), 2).momentum is None


def test_rmsprop_and_adadelta_first_step_by_hand():
    tr = trace(ELLIPTIC, make("RMSprop", {"lr": 0.01, "alpha": 0.9}), (-7.0, 2.0), 1)
    # v = 0.1·g²: effective lr = 0.01/(√0.1·|g| + 1e-8)
    np.testing.assert_allclose(tr.effective_lr[0], 0.01 / (np.sqrt(0.1) * np.abs(G1) + 1e-8),
                               rtol=1e-13)
    tr = trace(ELLIPTIC, make("Adadelta", {"lr": 1.0, "rho": 0.9}), (-7.0, 2.0), 1)
    # u₀ = 0, v = 0.1·g²: effective lr = √(0 + 1e-6)/√(0.1·g² + 1e-6)
    np.testing.assert_allclose(tr.effective_lr[0], 1e-3 / np.sqrt(0.1 * G1 ** 2 + 1e-6), rtol=1e-13)


def test_newton_effective_lr_is_the_inverse_curvature():
    tr = trace(ELLIPTIC, make("Newton", {"lr": 0.5}), (-7.0, 2.0), 3)
    # H = diag(0.1, 2): lr·H⁻¹ = (5, 0.25) on the diagonal, and the update is −effective_lr ⊙ g.
    np.testing.assert_allclose(tr.effective_lr, [[5.0, 0.25]] * 3, rtol=1e-15)
    np.testing.assert_allclose(tr.update, -tr.effective_lr * tr.grad, rtol=1e-14)
    assert tr.momentum is None


def _mu(t, beta1=0.9, psi=4e-3):
    """NAdam's momentum schedule μₜ = β1·(1 − ½·0.96^(t·ψ)) (torch's documentation)."""
    return beta1 * (1 - 0.5 * 0.96 ** (t * psi))


def direction(name, tr, t, params):
    """What effective_lr multiplies in update t (1-based step t + 1), from the docs' formulas."""
    step = t + 1
    b1 = params.get("betas", (0.9, 0.999))[0]
    if name in ("Adam", "AdamW", "Adamax", "RAdam"):
        return tr.momentum[t] / (1 - b1 ** step)
    if name == "NAdam":
        mus = [_mu(k) for k in range(1, step + 2)]
        product = np.prod(mus[:step])
        return ((1 - mus[step - 1]) / (1 - product) * tr.grad[t]
                + mus[step] / (1 - product * mus[step]) * tr.momentum[t])
    if name == "SGD":
        return tr.momentum[t] if params.get("momentum") else tr.grad[t]
    return tr.grad[t]          # Adagrad, RMSprop without momentum, Adadelta


IDENTITY_CASES = [
    ("SGD", {"lr": 0.01}), ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("Adagrad", {"lr": 0.3, "lr_decay": 0.05}), ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}), ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True}), ("AdamW", {"lr": 0.05, "weight_decay": 0.0}),
    ("Adamax", {"lr": 0.05}), ("NAdam", {"lr": 0.05}), ("RAdam", {"lr": 0.05}),
    ("Adadelta", {"lr": 1.0}),
]


@pytest.mark.parametrize("name,params", IDENTITY_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(IDENTITY_CASES)])
def test_update_is_minus_effective_lr_times_direction(name, params):
    # 30 steps: RAdam switches from plain momentum (ρₜ ≤ 5) to its rectified adaptive step at t = 6.
    tr = trace(HIMMELBLAU, make(name, params), (0.5, -0.5), 30)
    assert tr.update.shape == tr.effective_lr.shape == tr.grad.shape == (30, 2)
    for t in range(30):
        np.testing.assert_allclose(tr.update[t], -tr.effective_lr[t] * direction(name, tr, t, params),
                                   rtol=1e-11, atol=1e-15, err_msg=f"update {t}")


def test_radam_effective_lr_is_lr_until_the_variance_is_tractable():
    tr = trace(HIMMELBLAU, make("RAdam", {"lr": 0.05}), (0.5, -0.5), 8)
    # ρ∞ = 2/(1 − 0.999) − 1 = 1999; ρₜ = ρ∞ − 2t·0.999ᵗ/(1 − 0.999ᵗ) is ≤ 5 for t ≤ 5
    rho = [1999 - 2 * t * 0.999 ** t / (1 - 0.999 ** t) for t in range(1, 9)]
    assert [r > 5 for r in rho] == [False] * 5 + [True] * 3
    np.testing.assert_array_equal(tr.effective_lr[:5], np.full((5, 2), 0.05))
    assert not np.allclose(tr.effective_lr[5:], 0.05)


def test_rmsprop_with_momentum_steps_by_its_buffer():
    tr = trace(HIMMELBLAU, make("RMSprop", {"lr": 0.01, "momentum": 0.5}), (0.5, -0.5), 10)
    np.testing.assert_allclose(tr.update, -0.01 * tr.momentum, rtol=1e-12)


def test_noise_is_replayed_as_the_runner_drew_it():
    opt = make("SGD", {"lr": 0.05, "momentum": 0.9})
    tr = trace(ELLIPTIC, opt, (-7.0, 2.0), 40, noise_std=2.0, seed=3)
    path = run(ELLIPTIC, opt, [(-7.0, 2.0)], 40, noise_std=2.0, seed=3)
    np.testing.assert_array_equal(tr.points, path.points[0])
    # with the same draws, the buffer the replay rebuilds is the one that moved the run
    np.testing.assert_allclose(tr.update, -0.05 * tr.momentum, rtol=1e-12, atol=1e-15)


def test_scheduler_lrs_and_divergence():
    tr = trace(ELLIPTIC, make("SGD", {"lr": 0.2}), (-7.0, 2.0), 6,
               scheduler=make_scheduler("StepLR", {"step_size": 2, "gamma": 0.5}))
    np.testing.assert_allclose(tr.lr, [0.2, 0.2, 0.1, 0.1, 0.05, 0.05], rtol=1e-15)
    np.testing.assert_array_equal(tr.effective_lr[:, 0], tr.lr)
    # lr = 1.5: y doubles in size each step and y² overflows at point 511 (see test_runner).
    tr = trace(ELLIPTIC, make("SGD", {"lr": 1.5}), (0.0, 2.0), 600)
    assert tr.diverged_at == 511
    assert tr.points.shape == (511, 2) and tr.update.shape == tr.grad.shape == (510, 2)
    assert tr.lr.shape == (510,) and tr.loss.shape == (511,)
    assert np.isfinite(tr.effective_lr).all()


def test_trace_follows_one_run_only():
    with pytest.raises(ValueError, match="one run"):
        trace(ELLIPTIC, make("SGD", {"lr": np.array([0.1, 0.2])}), (-7.0, 2.0), 5)
    with pytest.raises(ValueError, match="one point"):
        trace(ELLIPTIC, make("SGD"), [(-7.0, 2.0), (1.0, 1.0)], 5)
    tr = trace(ELLIPTIC, make("Adam"), (-7.0, 2.0), 0)
    assert tr.points.shape == (1, 2) and tr.update.shape == (0, 2) and tr.effective_lr.shape == (0, 2)


@pytest.mark.parametrize("name", list(optimizers.ALL_OPTIMIZERS))
def test_every_optimizer_explains_itself(name):
    # schedulefree's default lr 1.0 leaves Himmelblau within 5 steps; 0.01 stays
    params = {"lr": 0.01} if name == "SGDScheduleFree" else \
        {"optimizer": {"name": "Adam"}} if name in optimizers.WRAPPERS else {}
    tr = trace(HIMMELBLAU, make(name, params), (0.5, -0.5), 5)
    assert tr.effective_lr.shape == (5, 2) and np.isfinite(tr.effective_lr).all()
    if name != "Newton":
        assert (tr.effective_lr > 0).all()
    else:   # from (0.5, −0.5) Newton climbs to Himmelblau's maximum: H < 0, so lr·H⁻¹ < 0
        np.testing.assert_allclose(tr.points[-1], [-0.270845, -0.923039], atol=1e-6)
        assert (tr.effective_lr < 0).all()


def test_trace_keeps_the_extras_of_wrappers_and_lbfgs():
    """Lookahead's slow weights move on every k-th update only (and then equal the path's point,
    by its rule φ ← θ); SAM's perturbed point lies ρ from the path's point, along the gradient
    (a hand calculation: e = ρ·g/‖g‖); LBFGS's first evaluation of a step is its start."""
    tr = trace(HIMMELBLAU, make("Lookahead", {"k": 3, "optimizer": {"name": "Adam",
                                                                    "params": {"lr": 0.1}}}),
               (0.5, -0.5), 7)
    slow = tr.extras["slow weights"][:, 0]
    assert slow.shape == (7, 2)
    np.testing.assert_array_equal(slow[2], tr.points[3])
    np.testing.assert_array_equal(slow[5], tr.points[6])
    np.testing.assert_array_equal(slow[0], [0.5, -0.5])
    tr = trace(HIMMELBLAU, make("SAM", {"rho": 0.1, "optimizer": {"name": "SGD",
                                                                  "params": {"lr": 0.001}}}),
               (0.5, -0.5), 4)
    e = tr.extras["perturbed point"][:, 0] - tr.points[:4]
    g = tr.grad
    np.testing.assert_allclose(e, 0.1 * g / np.hypot(g[:, :1], g[:, 1:]), rtol=1e-6)
    tr = trace(HIMMELBLAU, make("LBFGS", {"line_search_fn": "strong_wolfe"}), (0.5, -0.5), 3)
    evaluations = tr.extras["evaluations"]
    np.testing.assert_array_equal(evaluations[:, 0], tr.points[:3])
    counts = np.isfinite(evaluations[:, :, 0]).sum(axis=1)
    # the first step does the work (17 evaluations, within max_eval 25); it ends near the
    # minimum (3, 2), where g·d (|g| ≈ 5e-5) is above −tolerance_change: torch's later steps
    # evaluate once and stop there without moving
    assert 2 <= counts[0] <= 25 and (counts[1:] == 1).all()
    np.testing.assert_allclose(tr.points[1:], [[3.0, 2.0]] * 3, atol=1e-5)
    assert (tr.update[1:] == 0).all()
