"""Our optimizers against real torch.optim trajectories, a hand calculation, and torch's checks.

tests/golden/*.json were written by scripts/make_golden.py with torch in float64: every
optimizer and flag, 150 steps on Rosenbrock, Himmelblau and x²/20 + y². Gradients here come
from the plain formulas below (not from surfaces/), so these tests pin the update rules alone.
"""
from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
from optimizers import OPTIMIZERS, SCHEDULERS, Hyperparam, Optimizer, make, make_scheduler
from conftest import assert_same_run

GOLDEN = Path(__file__).parent / "golden"
RTOL, ATOL = 1e-10, 1e-12


def rosenbrock_grad(x, y):
    """∇[(1−x)² + 100(y−x²)²]."""
    return -2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)


def himmelblau_grad(x, y):
    """∇[(x²+y−11)² + (x+y²−7)²]."""
    return (4 * x * (x ** 2 + y - 11) + 2 * (x + y ** 2 - 7),
            2 * (x ** 2 + y - 11) + 4 * y * (x + y ** 2 - 7))


def elliptic_grad(x, y):
    """∇[x²/20 + y²]."""
    return x / 10, 2 * y


GRADS = {"rosenbrock": rosenbrock_grad, "himmelblau": himmelblau_grad, "elliptic": elliptic_grad}


def grad_of(surface: str, theta: np.ndarray) -> np.ndarray:
    gx, gy = GRADS[surface](theta[:, 0], theta[:, 1])
    return np.stack([gx, gy], axis=1)


def replay(optimizer: Optimizer, surface: str, starts, lrs, runs: int = 1) -> np.ndarray:
    """Points (N, steps + 1, 2) of ``optimizer`` from ``starts`` with the given per-update lrs.

    One start is shared by all ``runs`` (a hyperparameter sweep); else N = len(starts).
    """
    theta = np.array(starts, dtype=float).reshape(-1, 2)
    theta = np.repeat(theta, runs, axis=0) if len(theta) == 1 else theta
    state = optimizer.init(theta)
    points = [theta]
    for lr in lrs:
        theta, state = optimizer.step(state, theta, grad_of(surface, theta), lr)
        points.append(theta)
    return np.stack(points, axis=1)


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["cases"]


# LBFGS evaluates f at points of its own (a closure): tests/test_optimizers_wrap.py replays it
STEPPED = {name: cls for name, cls in OPTIMIZERS.items() if not cls.needs_closure}
OPTIMIZER_CASES = [(name, case) for name in STEPPED for case in load(name.lower())]


def test_golden_covers_every_optimizer_and_flag():
    seen = {name: set() for name in STEPPED}
    for name, case in OPTIMIZER_CASES:
        assert case["steps"] >= 100 and len(case["points"]) == case["steps"] + 1
        seen[name] |= {k for k, v in case["params"].items() if v not in (False, 0, 0.0)}
    for name, cls in STEPPED.items():     # (Muon's cases also set keywords the app has no input for)
        assert {h.name for h in cls.hyperparams} <= seen[name], name
    assert {case["surface"] for _, case in OPTIMIZER_CASES} == set(GRADS)


@pytest.mark.parametrize("name,case", OPTIMIZER_CASES,
                         ids=[f"{n}-{c['id']}" for n, c in OPTIMIZER_CASES])
def test_matches_torch_trajectory(name, case):
    opt = make(name, case["params"])
    expected = np.array(case["points"])
    assert np.ptp(expected, axis=0).max() > 0.1, "a golden path that barely moves tests little"
    assert all(lr == opt.lr for lr in case["lrs"])
    got = replay(opt, case["surface"], case["start"], [opt.lr] * case["steps"])[0]
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_textbook_sgd_by_hand():
    """SGD lr=0.95 on x²/20 + y² from (-7, 2): x ← x − 0.95·x/10 = 0.905x, y ← y − 1.9y = −0.9y."""
    points = replay(make("SGD", {"lr": 0.95}), "elliptic", [-7.0, 2.0], [0.95] * 30)[0]
    np.testing.assert_allclose(points[1], [-6.335, -1.8], rtol=1e-15)
    np.testing.assert_allclose(points[2], [-5.733175, 1.62], rtol=1e-15)
    np.testing.assert_allclose(points[3], [-5.188523375, -1.458], rtol=1e-15)
    k = np.arange(31)
    np.testing.assert_allclose(points, np.column_stack([-7 * 0.905 ** k, 2 * (-0.9) ** k]),
                               rtol=1e-13)


def test_textbook_momentum_by_hand():
    """SGD(lr=0.1, momentum=0.9) on x²/20 + y²: b₁ = g₁, b₂ = 0.9·b₁ + g₂ (torch's buffer)."""
    points = replay(make("SGD", {"lr": 0.1, "momentum": 0.9}), "elliptic", [-7.0, 2.0], [0.1] * 2)[0]
    # step 1: g = (-0.7, 4), θ = (-7 + 0.07, 2 - 0.4) = (-6.93, 1.6)
    # step 2: g = (-0.693, 3.2), b = (0.9·-0.7 - 0.693, 0.9·4 + 3.2) = (-1.323, 6.8)
    np.testing.assert_allclose(points[1:], [[-6.93, 1.6], [-6.93 + 0.1323, 1.6 - 0.68]], rtol=1e-15)


# ---- batching and sweeps -------------------------------------------------------------------

BATCH_CASES = [
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", {"lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.02}),
    ("Adadelta", {"lr": 2.0, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.5)}),
    ("ASGD", {"lr": 0.01, "lambd": 0.1, "t0": 20.0, "weight_decay": 0.1}),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1, "d": 1.5}),
    ("Muon", {"lr": 0.05, "nesterov": False, "ns_steps": 3}),
    # beyond torch.optim, and the textbook's classes
    ("Lion", {"lr": 0.02, "weight_decay": 0.1}),
    ("SGDScheduleFree", {"lr": 0.005, "warmup_steps": 10}),
    ("AdamWScheduleFree", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adan", {"lr": 0.05, "max_grad_norm": 1.0}),
    ("AdaBelief", {"lr": 0.05, "rectify": True}),
    ("Prodigy", {"lr": 0.5}),
    ("Textbook.Nesterov", {"lr": 0.002}),
    ("Textbook.Adam", {"lr": 0.05}),
]
STARTS = [[-1.5, 2.0], [0.5, -0.5], [2.0, 1.0], [-3.0, 3.0]]


@pytest.mark.parametrize("name,params", BATCH_CASES, ids=[n for n, _ in BATCH_CASES])
def test_batch_equals_one_at_a_time(name, params):
    opt = make(name, params)
    together = replay(opt, "himmelblau", STARTS, [opt.lr] * 60)
    for i, start in enumerate(STARTS):
        alone = replay(opt, "himmelblau", start, [opt.lr] * 60)[0]
        np.testing.assert_array_equal(together[i], alone)


SWEEPS = [
    ("SGD", {"lr": 0.005}, "momentum", [0.0, 0.5, 0.9]),
    ("SGD", {"lr": 0.02, "momentum": 0.5}, "dampening", [0.0, 0.3, 1.0]),
    ("SGD", {"lr": 0.02}, "weight_decay", [0.0, 0.1, 1.0]),
    ("Adagrad", {"lr": 0.5}, "lr_decay", [0.0, 0.1, 1.0]),
    ("Adagrad", {"lr": 0.5}, "initial_accumulator_value", [0.0, 0.5, 5.0]),
    ("Adagrad", {"lr": 0.5}, "eps", [1e-10, 1e-3, 1.0]),
    ("RMSprop", {"lr": 0.01}, "alpha", [0.5, 0.9, 0.99]),
    ("RMSprop", {"lr": 0.01}, "momentum", [0.0, 0.5, 0.9]),
    ("RMSprop", {"lr": 0.01, "centered": True}, "momentum", [0.0, 0.5]),
    ("Adam", {"lr": 0.05}, "eps", [1e-8, 1e-2, 1.0]),
    ("Adam", {"lr": 0.05}, "weight_decay", [0.0, 0.1, 1.0]),
    ("AdamW", {"lr": 0.05}, "weight_decay", [0.0, 0.1, 1.0]),
    ("Adamax", {"lr": 0.05}, "weight_decay", [0.0, 0.5]),
    ("NAdam", {"lr": 0.05}, "momentum_decay", [0.0, 4e-3, 0.1]),
    ("NAdam", {"lr": 0.05, "decoupled_weight_decay": True}, "weight_decay", [0.0, 0.3]),
    ("RAdam", {"lr": 0.05}, "weight_decay", [0.0, 0.5]),
    ("Adadelta", {"lr": 2.0}, "rho", [0.0, 0.5, 0.9, 0.99]),
    ("Adadelta", {"lr": 2.0}, "eps", [1e-6, 1e-3]),
    ("Rprop", {"lr": 0.05}, "etas", [(0.5, 1.2), (0.2, 1.01), (0.9, 3.0)]),
    ("Rprop", {"lr": 0.05}, "step_sizes", [(1e-6, 50.0), (1e-3, 0.1), (0.01, 0.02)]),
    ("ASGD", {"lr": 0.01}, "lambd", [0.0, 1e-4, 0.5]),
    ("ASGD", {"lr": 0.01, "lambd": 0.1}, "alpha", [0.5, 0.75, 1.0]),
    ("ASGD", {"lr": 0.01}, "t0", [1e6, 10.0, 0.0]),
    ("ASGD", {"lr": 0.01}, "weight_decay", [0.0, 0.3]),
    ("Adafactor", {"lr": 0.05}, "beta2_decay", [-0.8, -0.5, 0.0]),
    ("Adafactor", {"lr": 0.05}, "eps", [(1e-30, 1e-3), (1e-3, 1e-2), (0.1, 1.0)]),
    ("Adafactor", {"lr": 0.05}, "d", [1.0, 1.5, 10.0]),
    ("Adafactor", {"lr": 0.05}, "weight_decay", [0.0, 0.5]),
    ("Muon", {"lr": 0.05}, "momentum", [0.0, 0.5, 0.95]),
    ("Muon", {"lr": 0.05}, "weight_decay", [0.0, 0.1, 1.0]),
    ("Muon", {"lr": 0.05}, "eps", [1e-7, 1.0]),
]


@pytest.mark.parametrize("name,base,key,values", SWEEPS,
                         ids=[f"{n}-{k}" for n, _, k, _ in SWEEPS])
def test_hyperparameter_sweep_equals_separate_runs(name, base, key, values):
    """A 1-D array of values (for a pair, an array per member) runs like each value alone."""
    sweep = (tuple(np.array(member) for member in zip(*values)) if isinstance(values[0], tuple)
             else np.array(values))
    swept = make(name, {**base, key: sweep})
    together = replay(swept, "himmelblau", [0.5, -0.5], [swept.lr] * 60, runs=len(values))
    assert together.shape == (len(values), 61, 2) and np.isfinite(together).all()
    for i, value in enumerate(values):
        alone = replay(make(name, {**base, key: value}), "himmelblau", [0.5, -0.5],
                       [swept.lr] * 60)[0]
        assert_same_run(together[i], alone)


@pytest.mark.parametrize("betas", [
    (np.array([0.0, 0.5, 0.9]), 0.999),
    (0.9, np.array([0.0, 0.9, 0.99])),    # β2 = 0 and 0.9: RAdam keeps ρₜ ≤ 5 for good
])
@pytest.mark.parametrize("name", ["Adam", "Adamax", "NAdam", "RAdam"])
def test_betas_sweep_equals_separate_runs(name, betas):
    swept = make(name, {"lr": 0.05, "betas": betas})
    together = replay(swept, "himmelblau", [0.5, -0.5], [0.05] * 40, runs=3)
    for i in range(3):
        one = tuple(float(b[i]) if isinstance(b, np.ndarray) else b for b in betas)
        alone = replay(make(name, {"lr": 0.05, "betas": one}), "himmelblau", [0.5, -0.5],
                       [0.05] * 40)[0]
        assert_same_run(together[i], alone)


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_lr_sweep_equals_separate_runs(name):
    lrs = np.array([0.001, 0.005, 0.02])
    opt = make(name, {})
    together = replay(opt, "himmelblau", [0.5, -0.5], [lrs[:, None]] * 40, runs=3)
    for i, lr in enumerate(lrs):
        alone = replay(opt, "himmelblau", [0.5, -0.5], [float(lr)] * 40)[0]
        assert_same_run(together[i], alone)


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_step_is_pure(name):
    opt = make(name, {})
    theta = np.array([[0.5, -0.5], [1.0, 2.0]])
    state = opt.init(theta)
    theta2, state2 = opt.step(state, theta, grad_of("himmelblau", theta), 0.01)
    theta_copy, state2_copy = theta2.copy(), [np.copy(a) for a in state2]
    opt.step(state2, theta2, grad_of("himmelblau", theta2), 0.01)
    np.testing.assert_array_equal(theta, [[0.5, -0.5], [1.0, 2.0]])
    np.testing.assert_array_equal(theta2, theta_copy)
    for a, b in zip(state2, state2_copy):
        np.testing.assert_array_equal(a, b)
    assert state.step == 0 and state2.step == 1


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_diverging_steps_raise_no_warning(name):
    """Overflow is the runner's business: steps stay silent (pytest turns warnings into errors)."""
    opt = make(name, {})
    theta = np.array([[1e308, -1e308], [np.inf, np.nan]])
    grad = np.array([[1e300, -1e300], [np.inf, 1.0]])
    state = opt.init(theta)
    for _ in range(3):
        theta, state = opt.step(state, theta, grad, 1e10)
    assert not np.isfinite(theta).all()


# ---- validation ----------------------------------------------------------------------------

TORCH_MESSAGES = [
    ("SGD", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("SGD", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("SGD", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    ("Adagrad", {"lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value value: -1.0"),
    ("Adagrad", {"eps": -1e-10}, "Invalid epsilon value: -1e-10"),
    ("RMSprop", {"alpha": -0.1}, "Invalid alpha value: -0.1"),
    ("RMSprop", {"momentum": -0.1}, "Invalid momentum value: -0.1"),
    ("RMSprop", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"lr": -0.001}, "Invalid learning rate: -0.001"),
    ("AdamW", {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
    ("Adamax", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
    ("NAdam", {"momentum_decay": -0.004}, "Invalid momentum_decay value: -0.004"),
    ("RAdam", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    ("Adadelta", {"rho": 1.1}, "Invalid rho value: 1.1"),
    ("Adadelta", {"rho": -0.1}, "Invalid rho value: -0.1"),
]


@pytest.mark.parametrize("name,params,message", TORCH_MESSAGES,
                         ids=[m for _, _, m in TORCH_MESSAGES])
def test_torch_messages(name, params, message):
    with pytest.raises(ValueError) as err:
        make(name, params)
    assert str(err.value) == message


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_negative_lr_rejected_everywhere(name):
    """In torch's words: "Invalid learning rate", but Adafactor and Muon word it their way."""
    words = {"Adafactor": "Learning rate should be >= 0 but is",
             "Muon": "Learning rate should be >= 0 but is"}.get(name, "Invalid learning rate")
    with pytest.raises(ValueError) as err:
        make(name, {"lr": -0.5})
    assert str(err.value) == f"{words}: -0.5"


@pytest.mark.parametrize("params", [
    {"momentum": 0.0, "nesterov": True},
    {"momentum": 0.9, "dampening": 0.1, "nesterov": True},
    {"momentum": np.array([0.9, 0.0]), "nesterov": True},
])
def test_nesterov_needs_momentum_and_zero_dampening(params):
    with pytest.raises(ValueError, match="^Nesterov momentum requires a momentum and zero dampening$"):
        make("SGD", params)


def test_torch_accepts_what_it_accepts():
    """Values torch lets through (it checks no upper bound on momentum or alpha, nor dampening)
    are taken, and step by torch's rules (torch-optim-rules.md), worked by hand for g = (1, −2)."""
    g, zero = np.array([[1.0, -2.0]]), np.zeros((1, 2))

    def two_steps(opt, lr):
        state, theta, path = opt.init(zero), zero, []
        for _ in range(2):
            theta, state = opt.step(state, theta, g, lr)
            path.append(theta[0])
        return np.array(path)

    # b₁ = g, θ₁ = −0.1·g; b₂ = 1.5·b₁ + (1 − (−1))·g = 3.5·g, θ₂ = θ₁ − 0.35·g = −0.45·g
    sgd = make("SGD", {"momentum": 1.5, "dampening": -1.0})
    assert (sgd.momentum, sgd.dampening) == (1.5, -1.0)
    np.testing.assert_allclose(two_steps(sgd, 0.1), [[-0.1, 0.2], [-0.45, 0.9]], rtol=1e-15)
    # v₁ = 1.5·0 + (1 − 1.5)·g² = −0.5·g² < 0: its square root, and so the step, is NaN
    assert np.isnan(two_steps(make("RMSprop", {"alpha": 1.5}), 0.01)).all()
    # ρ = 1: v and u stay 0, Δ = √eps/√eps·g = g, so each step is −lr·g
    np.testing.assert_array_equal(two_steps(make("Adadelta", {"rho": 1.0}), 1.0),
                                  [[-1.0, 2.0], [-2.0, 4.0]])
    # β = (0, 0), eps = 0: m = g, v = g², no bias correction, θ moves by −lr·sign(g); lr = 0 stays
    adam = make("Adam", {"betas": (0.0, 0.0), "lr": 0.0, "eps": 0.0})
    np.testing.assert_array_equal(two_steps(adam, 0.0), [[0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(two_steps(adam, 0.1), [[-0.1, 0.1], [-0.2, 0.2]], rtol=1e-15)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_nan_and_inf_rejected(name, value):
    with pytest.raises(ValueError, match="finite"):
        make(name, {"lr": value})
    other = next(h for h in OPTIMIZERS[name].hyperparams if h.kind in ("float", "pair") and h.name != "lr")
    swept = np.array([0.1, value])
    with pytest.raises(ValueError, match="finite"):
        make(name, {other.name: (swept, other.default[1]) if other.kind == "pair" else swept})


def test_nan_in_betas_rejected():
    with pytest.raises(ValueError, match="finite"):
        make("Adam", {"betas": (float("nan"), 0.999)})


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_unknown_key_rejected(name):
    with pytest.raises(ValueError, match=f"unknown parameter 'learning_rate' for {name}"):
        make(name, {"learning_rate": 0.1})


def test_adamw_takes_no_decoupled_flag():
    """torch's AdamW has no decoupled_weight_decay argument: it is always decoupled."""
    with pytest.raises(ValueError, match="unknown parameter 'decoupled_weight_decay'"):
        make("AdamW", {"decoupled_weight_decay": False})


def test_sweep_values_checked_element_by_element():
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0.2$"):
        make("Adam", {"lr": np.array([0.1, -0.2, 0.3, -0.4])})
    with pytest.raises(ValueError, match=r"^Invalid beta parameter at index 0: 1.0$"):
        make("NAdam", {"betas": (np.array([0.5, 1.0]), 0.999)})
    with pytest.raises(ValueError, match=r"^Invalid rho value: 2.0$"):
        make("Adadelta", {"rho": np.array([0.5, 2.0])})


# ---- bounds: one description drives validation -----------------------------------------------

# torch's checks (/work/shared/reference/torch-optim-rules.md, "Validation torch performs", and
# torch/optim/*.py): keyword -> (low, low_open, high, high_open, the message's start).
TORCH_BOUNDS = {
    "lr": (0.0, False, None, False, "Invalid learning rate"),
    "momentum": (0.0, False, None, False, "Invalid momentum value"),
    "weight_decay": (0.0, False, None, False, "Invalid weight_decay value"),
    "eps": (0.0, False, None, False, "Invalid epsilon value"),
    "betas": (0.0, False, 1.0, True, "Invalid beta parameter at index {index}"),
    "alpha": (0.0, False, None, False, "Invalid alpha value"),
    "rho": (0.0, False, 1.0, False, "Invalid rho value"),
    "lr_decay": (0.0, False, None, False, "Invalid lr_decay value"),
    "initial_accumulator_value": (0.0, False, None, False, "Invalid initial_accumulator_value value"),
    "momentum_decay": (0.0, False, None, False, "Invalid momentum_decay value"),
}
# Optimizers whose checks are worded or chosen differently (torch/optim/rprop.py, asgd.py,
# _adafactor.py, _muon.py): all their bounded keywords. Checks no bound can state (Rprop's
# etas, Adafactor's eps, Muon's ns_steps) are in test_optimizers_more.py.
TORCH_BOUNDS_OF = {
    "Rprop": {"lr": TORCH_BOUNDS["lr"]},
    "ASGD": {"lr": TORCH_BOUNDS["lr"], "weight_decay": TORCH_BOUNDS["weight_decay"]},
    "Adafactor": {"lr": (0.0, False, None, False, "Learning rate should be >= 0 but is"),
                  "beta2_decay": (None, False, 0.0, False, "beta2_decay should be <= 0 but is"),
                  "d": (1.0, False, None, False, "Clipping threshold d should be >= 1 but is"),
                  "weight_decay": (0.0, False, None, False, "weight_decay should be >= 0 but is")},
    "Muon": {"lr": (0.0, False, None, False, "Learning rate should be >= 0 but is"),
             "momentum": (0.0, False, None, False, "momentum should be >= 0 but is"),
             "weight_decay": (0.0, False, None, False, "weight decay should be >= 0 but is")},
}
# torch.optim.lr_scheduler.LinearLR's two checks (the other schedulers' arguments are unchecked
# by torch; their bounds are ours).
TORCH_LINEAR_LR = {
    "start_factor": (0.0, True, 1.0, False, "Starting multiplicative factor expected to be "
                                            "greater than 0 and less or equal to 1."),
    "end_factor": (0.0, False, 1.0, False, "Ending multiplicative factor expected to be between "
                                           "0 and 1."),
}


def declared(h: Hyperparam) -> tuple:
    return (h.low, h.low_open, h.high, h.high_open, h.error)


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_declared_bounds_are_torchs(name):
    """Every keyword torch checks is bounded as torch bounds it, with torch's words; the rest
    (dampening, the flags) are unchecked, as in torch."""
    bounds = TORCH_BOUNDS_OF.get(name, TORCH_BOUNDS)
    for h in OPTIMIZERS[name].hyperparams:
        if h.name in bounds:
            assert declared(h) == bounds[h.name], (name, h.name)
        else:
            assert not h.bounded, (name, h.name)


def test_linear_lr_bounds_are_torchs():
    for h in SCHEDULERS["LinearLR"].hyperparams:
        if h.name in TORCH_LINEAR_LR:
            assert declared(h) == TORCH_LINEAR_LR[h.name] and not h.show_value, h.name


def edges(h: Hyperparam) -> list[tuple[float, float]]:
    """(just inside, just outside) at each stated bound: the bound or its nearest neighbour
    (the next float, or the next integer for integer kinds)."""
    if h.kind in ("int", "ints"):
        def step(v, d): return int(v) + d
    else:
        def step(v, d): return float(np.nextafter(v, d * np.inf))
    out = []
    if h.low is not None:
        out.append((step(h.low, +1), h.low) if h.low_open else (h.low, step(h.low, -1)))
    if h.high is not None:
        out.append((step(h.high, -1), h.high) if h.high_open else (h.high, step(h.high, +1)))
    return out


def wrapping(name, params):
    """A wrapper (Lookahead, SAM) around SGD, with ``params`` for the wrapper itself."""
    return make(name, {"optimizer": {"name": "SGD"}, **params})


def bounded_keywords():
    """(registry, class name, Hyperparam, pair index) for every bounded keyword."""
    for registry, factory in ((optimizers.ALL_OPTIMIZERS, make), (SCHEDULERS, make_scheduler)):
        for name, cls in registry.items():
            build = wrapping if name in optimizers.WRAPPERS else factory
            for h in cls.hyperparams:
                if h.bounded:
                    for index in ((0, 1) if h.kind == "pair" else (None,)):
                        yield pytest.param(build, name, h, index,
                                           id=f"{name}-{h.name}{'' if index is None else index}")


def with_value(h: Hyperparam, index, value):
    """The keyword argument setting ``value`` (in member ``index`` of a pair, in a list)."""
    if h.kind == "pair":
        pair = list(h.default)
        pair[index] = value
        return {h.name: tuple(pair)}
    return {h.name: [value] if h.kind == "ints" else value}


def expected_message(h: Hyperparam, index, value) -> str:
    """The message the description promises, spelled out from its parts."""
    error = h.error
    if index is not None:     # pytorch-optimizer counts its betas from 1: "beta{number} ..."
        error = error.replace("{index}", str(index)).replace("{number}", str(index + 1))
    if "{value}" in error:    # pytorch-optimizer's "learning rate must be positive. (-1.0 > 0)"
        return error.replace("{value}", str(value))
    if not h.show_value:
        return h.error if index is None else error
    shown = [value] if h.kind == "ints" else value
    return f"{error}: {shown}"


@pytest.mark.parametrize("factory,name,h,index", list(bounded_keywords()))
def test_stated_bounds_are_what_validation_enforces(factory, name, h, index):
    assert h.bounds_text() and h.error
    for inside, outside in edges(h):
        factory(name, with_value(h, index, inside))
        with pytest.raises(ValueError) as err:
            factory(name, with_value(h, index, outside))
        message = str(err.value)
        if h.kind in ("int", "ints") and h.show_value:   # ours: the requirement follows in parentheses
            assert message.startswith(expected_message(h, index, outside) + " (must be "), message
        else:
            assert message == expected_message(h, index, outside)
        if h.kind in ("float", "pair"):     # a sweep is checked element by element
            factory(name, with_value(h, index, np.array([inside, inside])))
            with pytest.raises(ValueError) as err:
                factory(name, with_value(h, index, np.array([inside, outside, outside])))
            assert str(err.value) == expected_message(h, index, outside)


@pytest.mark.parametrize("name,params,message", [
    ("SGD", {"momentum": -1.0, "weight_decay": -1.0}, "Invalid momentum value: -1.0"),
    ("Adagrad", {"eps": -1.0, "lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
    ("RMSprop", {"alpha": -1.0, "eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("RMSprop", {"alpha": -1.0, "weight_decay": -2.0}, "Invalid weight_decay value: -2.0"),
    ("RMSprop", {"weight_decay": -1.0, "momentum": -2.0}, "Invalid momentum value: -2.0"),
    ("Adam", {"betas": (1.0, 0.999), "eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("Adam", {"betas": (1.0, 2.0), "weight_decay": -1.0}, "Invalid beta parameter at index 0: 1.0"),
    ("NAdam", {"momentum_decay": -1.0, "weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("Adadelta", {"eps": -1.0, "rho": 2.0}, "Invalid rho value: 2.0"),
])
def test_several_bad_values_fail_in_torchs_order(name, params, message):
    """torch/optim/*.py check in their own order (RMSprop: lr, eps, momentum, weight_decay,
    alpha; the Adam family: lr, eps, betas, weight_decay, momentum_decay)."""
    with pytest.raises(ValueError) as err:
        make(name, params)
    assert str(err.value) == message


def test_sweeps_must_be_one_dimensional_and_agree_in_length():
    with pytest.raises(ValueError, match="different lengths"):
        make("Adam", {"lr": np.array([0.1, 0.2]), "eps": np.array([1e-8, 1e-6, 1e-4])})
    with pytest.raises(ValueError, match="1-D"):
        make("SGD", {"momentum": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="1-D"):
        make("SGD", {"momentum": np.array([])})


def test_bad_types_rejected():
    with pytest.raises(ValueError, match="true or false"):
        make("SGD", {"nesterov": "yes"})
    with pytest.raises(ValueError, match="a number"):
        make("SGD", {"lr": "fast"})
    with pytest.raises(ValueError, match="a pair"):
        make("Adam", {"betas": (0.9,)})


# ---- registry and descriptions -------------------------------------------------------------

def test_registry_order_and_names():
    assert list(OPTIMIZERS) == ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam",
                                "RAdam", "Adadelta", "Rprop", "ASGD", "Adafactor", "Muon", "LBFGS"]
    assert list(SCHEDULERS) == ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                "LinearLR", "ConstantLR", "PolynomialLR",
                                "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "LambdaLR",
                                "MultiplicativeLR", "ReduceLROnPlateau", "SequentialLR",
                                "ChainedScheduler"]
    assert optimizers.Hyperparam is Hyperparam


def test_unknown_names():
    with pytest.raises(ValueError, match=r"^unknown optimizer 'Foo'; known: SGD, Adagrad, "):
        make("Foo", {})
    with pytest.raises(ValueError, match=r"^unknown scheduler 'Foo'; known: StepLR, "):
        make_scheduler("Foo", {})


# torch 2.13's defaults, read from torch/optim/*.py.
TORCH_DEFAULTS = {
    "SGD": {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False,
            "maximize": False},
    "Adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0,
                "eps": 1e-10, "maximize": False},
    "RMSprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0,
                "centered": False, "maximize": False},
    "Adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
             "maximize": False, "decoupled_weight_decay": False},
    "AdamW": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2,
              "amsgrad": False, "maximize": False},
    "Adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
               "maximize": False},
    "NAdam": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
              "momentum_decay": 4e-3, "decoupled_weight_decay": False, "maximize": False},
    "RAdam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
              "decoupled_weight_decay": False, "maximize": False},
    "Adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0, "maximize": False},
    "Rprop": {"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50), "maximize": False},
    "ASGD": {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0,
             "maximize": False},
    # eps1=None: float64's machine epsilon (torch.finfo(torch.float64).eps)
    "Adafactor": {"lr": 1e-2, "beta2_decay": -0.8, "eps": (2.220446049250313e-16, 1e-3), "d": 1.0,
                  "weight_decay": 0.0, "maximize": False},
    "Muon": {"lr": 1e-3, "weight_decay": 0.1, "momentum": 0.95, "nesterov": True, "eps": 1e-7,
             "ns_steps": 5, "ns_coefficients": (3.4445, -4.7750, 2.0315), "adjust_lr_fn": None},
}


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_torch_defaults_and_descriptions(name):
    cls = OPTIMIZERS[name]
    assert cls.name == name and cls.summary and "\n" not in cls.summary
    assert make(name, {}).params == TORCH_DEFAULTS[name]
    for h in cls.hyperparams:
        assert h.help and "\n" not in h.help
        assert h.kind in {"float", "bool", "pair", "int"}
        if h.kind != "bool":
            default = h.default if h.kind == "pair" else (h.default,)
            for d in default:          # every default lies in the declared range
                assert h.low is None or d > h.low or (d == h.low and not h.low_open)
                assert h.high is None or d < h.high or (d == h.high and not h.high_open)


# ---- abilities declared on the base ----------------------------------------------------------

def test_abilities_are_declared_on_the_base():
    assert Optimizer.needs_hessian is False and Optimizer.reference is False
    assert Optimizer.needs_closure is False and Optimizer.batched is True
    assert [n for n, cls in optimizers.ALL_OPTIMIZERS.items() if cls.needs_closure] == ["LBFGS", "SAM"]
    assert [n for n, cls in optimizers.ALL_OPTIMIZERS.items() if not cls.batched] == ["LBFGS"]
    with pytest.raises(NotImplementedError):
        Optimizer.explain(make("SGD"), None, None, 0.1)
    assert [n for n, cls in optimizers.ALL_OPTIMIZERS.items() if cls.needs_hessian] == ["Newton"]
    assert {n for n, cls in optimizers.ALL_OPTIMIZERS.items() if cls.reference} == {
        "Newton", *optimizers.BEYOND, *optimizers.WRAPPERS, *optimizers.TEXTBOOK}
    assert all(not cls.reference for cls in OPTIMIZERS.values())


@pytest.mark.parametrize("name", list(STEPPED))   # LBFGS: test_optimizers_wrap.py
def test_step_takes_a_hessian_keyword_and_ignores_it(name):
    """Callers may always pass hessian=...; only an optimizer that needs_hessian reads it."""
    parameter = inspect.signature(OPTIMIZERS[name].step).parameters["hessian"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None
    opt = make(name, {"lr": 0.1})
    theta = np.array([[1.0, -2.0], [0.5, 0.25]])
    g = grad_of("rosenbrock", theta)
    plain, _ = opt.step(opt.init(theta), theta, g, 0.1)
    given, _ = opt.step(opt.init(theta), theta, g, 0.1, hessian=(np.ones(2), np.zeros(2), np.ones(2)))
    np.testing.assert_array_equal(plain, given)
