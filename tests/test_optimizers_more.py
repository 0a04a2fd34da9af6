"""Rprop, ASGD, Adafactor, Muon and the ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts,
CyclicLR and OneCycleLR schedules: what test_optimizers.py and test_schedulers.py do not cover.

Their golden trajectories and lr sequences (tests/golden/{rprop,asgd,adafactor,muon}.json,
scheduled.json, lr_schedules.json, by scripts/make_golden.py from torch 2.13 in float64) are
checked there, with the other optimizers', to 1e-10 relative; the lr sequences bit for bit.
Muon's bfloat16 Newton–Schulz is reproduced bit for bit (muon_newton_schulz.json below), so its
trajectories meet the same bound. Here: torch's bfloat16 results, ASGD's average, what the
docstrings claim of torch's behaviour, torch's messages, sweeps of the schedulers' arguments,
and the identities each ``explain`` states.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from optimizers import OPTIMIZERS, make, make_scheduler
from optimizers.muon import newton_schulz
from optimizers.runner import run
from test_optimizers import grad_of, replay
from conftest import assert_same_run

GOLDEN = Path(__file__).parent / "golden"


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["cases"]


# ---- Muon: torch's bfloat16 Newton–Schulz ------------------------------------------------------

NS_CASES = load("muon_newton_schulz")


def test_newton_schulz_equals_torchs_bfloat16_bit_for_bit():
    """400 random 1×2 matrices over 24 orders of magnitude, zero and tiny ones, four settings."""
    for case in NS_CASES:
        got = newton_schulz(np.array([case["direction"]]), tuple(case["ns_coefficients"]),
                            case["ns_steps"], case["eps"])
        np.testing.assert_array_equal(got[0], case["ortho"], err_msg=str(case))


def test_newton_schulz_batched_equals_one_at_a_time():
    default = [c for c in NS_CASES if c["ns_steps"] == 5 and c["ns_coefficients"][0] == 3.4445]
    directions = np.array([c["direction"] for c in default])
    together = newton_schulz(directions, (3.4445, -4.7750, 2.0315), 5, 1e-7)
    np.testing.assert_array_equal(together, [c["ortho"] for c in default])


def test_muon_on_a_point_is_normalized_momentum():
    """What the docstring says, read off torch's own trajectories: without weight decay every
    step has length ≈ 0.70·lr, whatever the gradient's size."""
    for case in load("muon"):
        if case["params"].get("weight_decay") == 0.0 and "ns_steps" not in case["params"]:
            steps = np.linalg.norm(np.diff(np.array(case["points"]), axis=0), axis=1)
            ratio = steps / case["params"]["lr"]
            assert 0.68 < ratio.min() and ratio.max() < 0.72, ratio
            break
    else:
        pytest.fail("no Muon case without weight decay")
    assert "1×2" in OPTIMIZERS["Muon"].summary or "1×2" in OPTIMIZERS["Muon"].__doc__


# ---- ASGD's average, Rprop's one-time lr -------------------------------------------------------

@pytest.mark.parametrize("case", load("asgd"), ids=lambda c: c["id"])
def test_asgd_average_matches_torch(case):
    opt = make("ASGD", case["params"])
    theta = np.array([case["start"]])
    state = opt.init(theta)
    for expected in case["ax"]:
        theta, state = opt.step(state, theta, grad_of(case["surface"], theta), opt.lr)
        np.testing.assert_allclose(state.ax[0], expected, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(opt.extras(state)["averaged point ax"][0, 0], expected,
                                   rtol=1e-10, atol=1e-12)      # as the inside view shows it
    if case["params"].get("t0", 1e6) < case["steps"]:      # averaging started: ax is not θ
        assert not np.allclose(case["ax"][-1], case["points"][-1])


def test_rprop_reads_lr_once():
    """torch's Rprop takes lr as the initial step size only (the scheduled golden case with
    StepLR shows the same in torch's own run)."""
    opt = make("Rprop", {"lr": 0.1})
    lrs = make_scheduler("StepLR", {"step_size": 10}).lrs(0.1, 40)
    assert len(set(lrs)) == 4
    scheduled = replay(opt, "elliptic", [-7.0, 2.0], [float(lr) for lr in lrs])
    constant = replay(opt, "elliptic", [-7.0, 2.0], [0.1] * 40)
    np.testing.assert_array_equal(scheduled, constant)


# ---- torch's messages and what torch accepts ---------------------------------------------------

# Copied from torch 2.13's torch/optim/rprop.py, asgd.py, _adafactor.py, _muon.py and
# lr_scheduler.py.
TORCH_MESSAGES = [
    (make, "Rprop", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    (make, "Rprop", {"etas": (1.0, 1.2)}, "Invalid eta values: 1.0, 1.2"),
    (make, "Rprop", {"etas": (0.0, 1.2)}, "Invalid eta values: 0.0, 1.2"),
    (make, "Rprop", {"etas": (0.5, 1.0)}, "Invalid eta values: 0.5, 1.0"),
    (make, "Rprop", {"etas": (np.array([0.5, 0.7, 0.2]), np.array([1.2, 0.9, 0.5]))},
     "Invalid eta values: 0.7, 0.9"),
    (make, "ASGD", {"lr": -0.01}, "Invalid learning rate: -0.01"),
    (make, "ASGD", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    (make, "Adafactor", {"lr": -1.0}, "Learning rate should be >= 0 but is: -1.0"),
    (make, "Adafactor", {"beta2_decay": 0.5}, "beta2_decay should be <= 0 but is: 0.5"),
    (make, "Adafactor", {"eps": (-1.0, 1e-3)}, "epsilon1 should be >= 0 but is: -1.0"),
    (make, "Adafactor", {"eps": (None, -1e-3)}, "epsilon2 should be >= 0 but is: -0.001"),
    (make, "Adafactor", {"d": 0.5}, "Clipping threshold d should be >= 1 but is: 0.5"),
    (make, "Adafactor", {"weight_decay": -0.1}, "weight_decay should be >= 0 but is: -0.1"),
    (make, "Muon", {"lr": -1.0}, "Learning rate should be >= 0 but is: -1.0"),
    (make, "Muon", {"momentum": -0.5}, "momentum should be >= 0 but is: -0.5"),
    (make, "Muon", {"weight_decay": -0.1}, "weight decay should be >= 0 but is: -0.1"),
    (make, "Muon", {"momentum": -0.5, "weight_decay": -0.1}, "momentum should be >= 0 but is: -0.5"),
    (make, "Muon", {"adjust_lr_fn": "sqrt"}, "Adjust learning rate function sqrt is not supported"),
    (make, "Muon", {"ns_steps": 100}, "Number of steps must be less than 100 for computational efficiency"),
    (make, "Muon", {"ns_coefficients": (1.0, 2.0)}, "Coefficients must be a tuple of exactly 3 values"),
    (make_scheduler, "ConstantLR", {"factor": 1.5},
     "Constant multiplicative factor expected to be between 0 and 1."),
    (make_scheduler, "ConstantLR", {"factor": np.array([0.5, -0.1])},
     "Constant multiplicative factor expected to be between 0 and 1."),
    (make_scheduler, "CosineAnnealingWarmRestarts", {"T_0": 0}, "Expected positive integer T_0, but got 0"),
    (make_scheduler, "CosineAnnealingWarmRestarts", {"T_mult": 0},
     "Expected integer T_mult >= 1, but got 0"),
    (make_scheduler, "CyclicLR", {"mode": "triangle"}, "mode is invalid and scale_fn is None"),
    (make_scheduler, "OneCycleLR", {"total_steps": 0}, "Expected positive integer total_steps, but got 0"),
    (make_scheduler, "OneCycleLR", {"pct_start": 1.5},
     "Expected float between 0 and 1 pct_start, but got 1.5"),
    (make_scheduler, "OneCycleLR", {"anneal_strategy": "exp"},
     "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    # ours, where torch would divide by zero
    (make_scheduler, "CyclicLR", {"step_size_up": 0}, "Invalid step_size_up value: 0 (must be at least 1)"),
]


@pytest.mark.parametrize("factory,name,params,message", TORCH_MESSAGES,
                         ids=[m for _, _, _, m in TORCH_MESSAGES])
def test_torch_messages(factory, name, params, message):
    with pytest.raises(ValueError) as err:
        factory(name, params)
    assert str(err.value) == message


def test_torch_accepts_what_it_accepts():
    """torch checks nothing else: step_sizes, lambd, alpha, t0, Muon's eps, PolynomialLR."""
    make("Rprop", {"step_sizes": (1.0, 0.5), "etas": (0.01, 100.0)})
    make("ASGD", {"lambd": -1.0, "alpha": -2.0, "t0": -5.0})
    make("Muon", {"eps": -1.0, "ns_steps": 99, "nesterov": False, "adjust_lr_fn": "original"})
    make("Adafactor", {"beta2_decay": 0.0, "d": 1.0, "eps": (0.0, 0.0), "lr": 0.0})
    make_scheduler("PolynomialLR", {"total_iters": -3, "power": -1.0})
    make_scheduler("CosineAnnealingWarmRestarts", {"eta_min": -0.5})
    make_scheduler("OneCycleLR", {"pct_start": 0.0, "div_factor": -1.0})


def test_adafactor_eps1_none_is_float64_machine_epsilon():
    assert make("Adafactor", {"eps": (None, 1e-3)}).eps == (np.finfo(np.float64).eps, 1e-3)
    assert make("Adafactor", {"eps": [None, 0.01]}).eps == (np.finfo(np.float64).eps, 0.01)


def test_keywords_without_an_input_are_still_checked_and_kept():
    muon = make("Muon", {"ns_coefficients": [2, -1.5, 0.5], "adjust_lr_fn": "match_rms_adamw"})
    assert muon.params["ns_coefficients"] == (2.0, -1.5, 0.5)
    with pytest.raises(ValueError, match="finite"):
        make("Muon", {"ns_coefficients": (1.0, float("nan"), 2.0)})
    with pytest.raises(ValueError, match="unknown parameter 'scale_fn' for CyclicLR"):
        make_scheduler("CyclicLR", {"scale_fn": "lambda x: 1"})
    with pytest.raises(ValueError, match="an integer"):
        make_scheduler("CyclicLR", {"step_size_down": 2.5})
    assert make_scheduler("CyclicLR", {"step_size_down": 3.0}).step_size_down == 3


# ---- schedules ---------------------------------------------------------------------------------

def test_cyclic_and_one_cycle_replace_the_optimizers_lr():
    """As in torch (CyclicLR sets lr to base_lr, OneCycleLR to max_lr/div_factor); the shape
    still follows the optimizer's lr."""
    cyclic = make_scheduler("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4})
    np.testing.assert_array_equal(cyclic.lrs(0.5, 9), cyclic.lrs(7.0, 9))
    assert cyclic.lrs(0.5, 9)[0] == 0.01 and cyclic.lrs(0.5, 9)[4] == 0.1
    assert cyclic.lrs(np.array([0.1, 0.2]), 9).shape == (9, 2)
    one = make_scheduler("OneCycleLR", {"max_lr": 1.0, "total_steps": 20})
    assert one.lrs(0.3, 20)[0] == pytest.approx(1.0 / 25, rel=1e-15)


def test_one_cycle_has_at_most_total_steps_updates():
    """torch raises at scheduler step total_steps + 1, which a loop of that many updates makes."""
    sched = make_scheduler("OneCycleLR", {"total_steps": 30})
    assert sched.lrs(0.1, 30).shape == (30,)
    with pytest.raises(ValueError, match=r"^Tried to step 31 times. The specified number of "
                                         r"total steps is 30$"):
        sched.lrs(0.1, 31)
    with pytest.raises(ValueError, match="phase of zero length"):   # pct_start·T − 1 = 0
        make_scheduler("OneCycleLR", {"total_steps": 100, "pct_start": 0.01}).lrs(0.1, 5)


def test_constant_lr_quirks():
    """total_iters = 0 never undoes the factor (torch's first step checks t = 0 first);
    factor 0 cannot be undone (torch divides by zero at total_iters)."""
    np.testing.assert_array_equal(make_scheduler("ConstantLR", {"factor": 0.5, "total_iters": 0}
                                                 ).lrs(0.2, 5), [0.1] * 5)
    assert make_scheduler("ConstantLR", {"factor": 0.0, "total_iters": 3}).lrs(0.2, 3).tolist() \
        == [0.0] * 3
    with pytest.raises(ValueError, match="factor 0 cannot be undone"):
        make_scheduler("ConstantLR", {"factor": 0.0, "total_iters": 3}).lrs(0.2, 4)


SCHEDULE_SWEEPS = [
    ("ConstantLR", {"total_iters": 7}, "factor", [0.1, 0.5, 1.0]),
    ("PolynomialLR", {"total_iters": 30}, "power", [0.5, 1.0, 2.0]),
    ("CosineAnnealingWarmRestarts", {"T_0": 6, "T_mult": 2}, "eta_min", [0.0, 0.01, 0.5]),
    ("CyclicLR", {"step_size_up": 5, "mode": "exp_range", "gamma": 0.9}, "max_lr", [0.1, 0.5, 1.0]),
    ("CyclicLR", {"step_size_up": 5, "mode": "exp_range"}, "gamma", [0.5, 0.9, 1.0]),
    ("CyclicLR", {"step_size_up": 5, "mode": "triangular2"}, "base_lr", [0.0, 0.001, 0.005]),
    ("OneCycleLR", {"total_steps": 50}, "pct_start", [0.1, 0.3, 0.9]),
    ("OneCycleLR", {"total_steps": 50, "three_phase": True}, "pct_start", [0.1, 0.3, 0.45]),
    ("OneCycleLR", {"total_steps": 50, "anneal_strategy": "linear"}, "div_factor", [2.0, 25.0, 1e3]),
    ("OneCycleLR", {"total_steps": 50}, "final_div_factor", [1.0, 1e4]),
]


@pytest.mark.parametrize("name,base,key,values", SCHEDULE_SWEEPS,
                         ids=[f"{n}-{k}" for n, _, k, _ in SCHEDULE_SWEEPS])
def test_scheduler_sweep_equals_separate_schedules(name, base, key, values):
    base_lrs = np.array([0.1, 0.2, 0.3, 0.4][:len(values)])
    swept = make_scheduler(name, {**base, key: np.array(values)}).lrs(base_lrs, 50)
    assert swept.shape == (50, len(values))
    for i, value in enumerate(values):
        alone = make_scheduler(name, {**base, key: value}).lrs(float(base_lrs[i]), 50)
        assert_same_run(swept[:, i], alone)


def test_warm_restarts_closed_form():
    """Within rounding, torch's documented formula with T_i = T_0·T_mult^i."""
    got = make_scheduler("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 2, "eta_min": 0.1}
                         ).lrs(0.5, 28)
    t_cur = np.array([*range(4), *range(8), *range(16)])
    t_i = np.array([4] * 4 + [8] * 8 + [16] * 16)
    np.testing.assert_allclose(got, 0.1 + 0.4 * (1 + np.cos(np.pi * t_cur / t_i)) / 2, rtol=1e-14)


# ---- explain: the identity each docstring states ------------------------------------------------

def steps(name: str, params: dict, n: int = 25):
    """(before, after, θ before, θ after, gradient, lr) of n updates from two starts."""
    opt = make(name, params)
    theta = np.array([[0.5, -0.5], [-2.0, 2.5]])
    state = opt.init(theta)
    for _ in range(n):
        g = grad_of("himmelblau", theta)
        new, after = opt.step(state, theta, g, opt.lr)
        yield opt, state, after, theta, new, g
        theta, state = new, after


def test_explain_rprop():
    for opt, before, after, theta, new, g in steps("Rprop", {"lr": 0.05}):
        info = opt.explain(before, after, opt.lr)
        assert set(info) == {"effective_lr"}
        np.testing.assert_allclose(new - theta, -info["effective_lr"] * np.sign(after.prev),
                                   rtol=1e-13, atol=1e-15)


def test_explain_asgd():
    for opt, before, after, theta, new, g in steps("ASGD", {"lr": 0.01, "lambd": 0.5}):
        eta = opt.explain(before, after, opt.lr)["effective_lr"]
        np.testing.assert_allclose(new, theta * (1 - 0.5 * eta) - eta * g, rtol=1e-14, atol=1e-15)


def test_explain_adafactor():
    for opt, before, after, theta, new, g in steps("Adafactor", {"lr": 0.05}):
        eff = opt.explain(before, after, opt.lr)["effective_lr"]
        np.testing.assert_allclose(new - theta, -eff * g, rtol=1e-12, atol=1e-15)


def test_explain_muon():
    """The update is −effective_lr ⊙ B̃ up to the bfloat16 rounding of O's direction (~0.4%)."""
    for opt, before, after, theta, new, g in steps("Muon", {"lr": 0.05, "weight_decay": 0.0}):
        info = opt.explain(before, after, opt.lr)
        np.testing.assert_array_equal(info["momentum"], after.momentum_buffer)
        assert np.all(np.abs(info["effective_lr"] * np.linalg.norm(after.direction, axis=1,
                                                                    keepdims=True) / 0.05 - 0.7) < 0.02)
        np.testing.assert_allclose(new - theta, -info["effective_lr"] * after.direction,
                                   rtol=0, atol=0.05 * 0.7 * 2 ** -7)


@pytest.mark.parametrize("name", ["Rprop", "ASGD", "Adafactor", "Muon"])
def test_runner_runs_them_with_a_scheduler(name):
    """Through the batched runner (as the app does), the same path as the plain replay."""
    from surfaces import get
    opt = make(name, {"lr": 0.01 if name == "ASGD" else 0.05})
    sched = make_scheduler("CosineAnnealingWarmRestarts", {"T_0": 10})
    paths = run(get("himmelblau"), opt, np.array([[0.5, -0.5]]), 30, sched)
    lrs = sched.lrs(opt.lr, 30)
    assert paths.diverged_at[0] == -1
    expected = replay(opt, "himmelblau", [0.5, -0.5], [float(lr) for lr in lrs])[0]
    np.testing.assert_allclose(paths.points[0], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(paths.lr[0], lrs)
