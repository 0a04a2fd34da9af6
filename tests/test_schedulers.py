"""Our lr schedulers against real torch.optim.lr_scheduler sequences and scheduled runs.

tests/golden/lr_schedules.json holds torch's lr per update for each scheduler (edge cases
included: repeated and unsorted milestones, a milestone at 0, cosine past T_max, LinearLR
with total_iters 0); tests/golden/scheduled.json holds whole torch runs driven by a scheduler
(written by scripts/make_golden.py).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from optimizers import OPTIMIZERS, SCHEDULERS, make, make_scheduler
from test_optimizers import replay

GOLDEN = Path(__file__).parent / "golden"


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["cases"]


LR_CASES = load("lr_schedules")
SCHEDULED = load("scheduled")


@pytest.mark.parametrize("case", LR_CASES, ids=[c["id"] for c in LR_CASES])
def test_lrs_equal_torch_to_the_bit(case):
    sched = make_scheduler(case["scheduler"]["name"], case["scheduler"]["params"])
    got = sched.lrs(case["base_lr"], case["steps"])
    assert got.shape == (case["steps"],)
    np.testing.assert_array_equal(got, case["lrs"])


@pytest.mark.parametrize("case", SCHEDULED, ids=[c["id"] for c in SCHEDULED])
def test_scheduled_run_matches_torch(case):
    opt = make(case["optimizer"], case["params"])
    sched = make_scheduler(case["scheduler"]["name"], case["scheduler"]["params"])
    lrs = sched.lrs(opt.lr, case["steps"])
    np.testing.assert_array_equal(lrs, case["lrs"])
    changes = 1 if case["scheduler"]["name"] == "ConstantLR" else 2   # ConstantLR has two values
    assert len(set(case["lrs"])) > changes, "the schedule should change the lr several times"
    got = replay(opt, case["surface"], case["start"], [float(lr) for lr in lrs])[0]
    np.testing.assert_allclose(got, np.array(case["points"]), rtol=1e-10, atol=1e-12)


# checked in test_schedulers_more.py against tests/golden/schedulers_more.json
MORE = {"LambdaLR", "MultiplicativeLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"}


def test_golden_covers_every_scheduler():
    assert {c["scheduler"]["name"] for c in SCHEDULED} == set(SCHEDULERS) - MORE
    assert {c["scheduler"]["name"] for c in LR_CASES} == set(SCHEDULERS) - MORE
    assert all(c["steps"] >= 100 for c in SCHEDULED)
    assert {c["optimizer"] for c in SCHEDULED} <= set(OPTIMIZERS)


def test_closed_forms_from_torch_docs():
    """Within rounding, the recursions equal the closed forms torch documents."""
    t = np.arange(400)
    base = 0.3
    np.testing.assert_allclose(make_scheduler("StepLR", {"step_size": 7, "gamma": 0.5}).lrs(base, 400),
                               base * 0.5 ** (t // 7), rtol=1e-13)
    np.testing.assert_allclose(make_scheduler("ExponentialLR", {"gamma": 0.99}).lrs(base, 400),
                               base * 0.99 ** t, rtol=1e-12)
    np.testing.assert_allclose(
        make_scheduler("MultiStepLR", {"milestones": [300, 100, 100]}).lrs(base, 400),
        base * 0.1 ** ((t >= 100) * 2 + (t >= 300)), rtol=1e-13)
    np.testing.assert_allclose(
        make_scheduler("CosineAnnealingLR", {"T_max": 60, "eta_min": 0.01}).lrs(base, 400),
        0.01 + (base - 0.01) * (1 + np.cos(np.pi * t / 60)) / 2, rtol=1e-11)
    np.testing.assert_allclose(
        make_scheduler("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 50}
                       ).lrs(base, 400),
        base * (0.2 + 0.7 * np.minimum(t, 50) / 50), rtol=1e-13)


def test_first_update_uses_base_lr():
    """Construction leaves lr unchanged (LinearLR's start factor is its own η(0))."""
    for name in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR"]:
        assert make_scheduler(name, {}).lrs(0.25, 3)[0] == 0.25
    assert make_scheduler("LinearLR", {"start_factor": 0.5}).lrs(0.25, 3)[0] == 0.125


def test_per_run_base_lrs_and_swept_arguments():
    base = np.array([0.1, 0.2, 0.4])
    sched = make_scheduler("ExponentialLR", {"gamma": 0.9})
    got = sched.lrs(base, 30)
    assert got.shape == (30, 3)
    for i, b in enumerate(base):
        np.testing.assert_array_equal(got[:, i], sched.lrs(float(b), 30))
    gammas = np.array([0.5, 0.9, 0.99])
    swept = make_scheduler("StepLR", {"step_size": 4, "gamma": gammas}).lrs(base, 30)
    assert swept.shape == (30, 3)
    for i, (b, g) in enumerate(zip(base, gammas)):
        alone = make_scheduler("StepLR", {"step_size": 4, "gamma": float(g)}).lrs(float(b), 30)
        np.testing.assert_array_equal(swept[:, i], alone)
    swept = make_scheduler("LinearLR", {"start_factor": np.array([0.1, 0.5]),
                                        "end_factor": np.array([1.0, 0.2])}).lrs(1.0, 8)
    np.testing.assert_allclose(swept[:, 0], [0.1, 0.28, 0.46, 0.64, 0.82, 1, 1, 1], rtol=1e-14)
    np.testing.assert_allclose(swept[:, 1], [0.5, 0.44, 0.38, 0.32, 0.26, 0.2, 0.2, 0.2],
                               rtol=1e-14)
    assert make_scheduler("CosineAnnealingLR", {"eta_min": np.array([0.0, 0.1])}).lrs(1.0, 5).shape \
        == (5, 2)


def test_zero_steps():
    assert make_scheduler("StepLR", {}).lrs(0.1, 0).shape == (0,)
    assert make_scheduler("StepLR", {}).lrs(np.array([0.1, 0.2]), 0).shape == (0, 2)


# torch's defaults; torch requires step_size, milestones, gamma (ExponentialLR), T_max, T_0,
# base_lr and max_lr (CyclicLR), max_lr and total_steps (OneCycleLR), lr_lambda (LambdaLR,
# MultiplicativeLR), schedulers (and milestones: SequentialLR).
TORCH_DEFAULTS = {"StepLR": {"gamma": 0.1}, "MultiStepLR": {"gamma": 0.1},
                  "CosineAnnealingLR": {"eta_min": 0.0},
                  "LinearLR": {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5},
                  "ConstantLR": {"factor": 1.0 / 3, "total_iters": 5},
                  "PolynomialLR": {"total_iters": 5, "power": 1.0},
                  "CosineAnnealingWarmRestarts": {"T_mult": 1, "eta_min": 0.0},
                  "CyclicLR": {"step_size_up": 2000, "step_size_down": None, "mode": "triangular",
                               "gamma": 1.0, "cycle_momentum": True, "base_momentum": 0.8,
                               "max_momentum": 0.9},
                  "OneCycleLR": {"pct_start": 0.3, "anneal_strategy": "cos", "div_factor": 25.0,
                                 "final_div_factor": 1e4, "three_phase": False,
                                 "cycle_momentum": True, "base_momentum": 0.85, "max_momentum": 0.95},
                  "ReduceLROnPlateau": {"mode": "min", "factor": 0.1, "patience": 10,
                                        "threshold": 1e-4, "threshold_mode": "rel", "cooldown": 0,
                                        "min_lr": 0, "eps": 1e-8}}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_defaults_and_descriptions(name):
    cls = SCHEDULERS[name]
    assert cls.name == name and cls.summary and "\n" not in cls.summary
    params = make_scheduler(name, {}).params
    for key, value in TORCH_DEFAULTS.get(name, {}).items():
        assert params[key] == value
    for h in cls.hyperparams:
        assert h.help and h.kind in {"float", "int", "ints", "bool", "choice", "formula",
                                     "schedulers"}


BAD = [
    ("LinearLR", {"start_factor": 0.0},
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR", {"start_factor": 1.5},
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR", {"end_factor": -0.1}, "Ending multiplicative factor expected to be between 0 and 1."),
    ("LinearLR", {"end_factor": np.array([0.5, 1.1])},
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("LinearLR", {"total_iters": -1}, "Invalid total_iters value: -1 (must be non-negative)"),
    ("StepLR", {"step_size": 0}, "Invalid step_size value: 0 (must be at least 1)"),
    ("StepLR", {"gamma": -0.5}, "Invalid gamma value: -0.5"),
    ("MultiStepLR", {"milestones": [10, -1]}, "Invalid milestones value: [10, -1] (must be non-negative)"),
    ("ExponentialLR", {"gamma": np.array([0.9, -1.0])}, "Invalid gamma value: -1.0"),
    ("CosineAnnealingLR", {"T_max": 0}, "Invalid T_max value: 0 (must be at least 1)"),
    ("CosineAnnealingLR", {"eta_min": -0.1}, "Invalid eta_min value: -0.1"),
]


@pytest.mark.parametrize("name,params,message", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments(name, params, message):
    with pytest.raises(ValueError) as err:
        make_scheduler(name, params)
    assert str(err.value) == message


@pytest.mark.parametrize("params,match", [
    ({"gamma": float("nan")}, "finite"),
    ({"gamma": float("inf")}, "finite"),
    ({"step_size": 2.5}, "an integer"),
    ({"step_size": True}, "an integer"),
    ({"stepsize": 3}, "unknown parameter 'stepsize' for StepLR"),
    ({"gamma": np.array([0.5, 0.6]), "step_size": 3.0}, None),
])
def test_types_nan_and_unknown_keys(params, match):
    if match is None:
        assert make_scheduler("StepLR", params).step_size == 3
        return
    with pytest.raises(ValueError, match=match):
        make_scheduler("StepLR", params)


def test_milestones_must_be_integers():
    with pytest.raises(ValueError, match="a list of integers"):
        make_scheduler("MultiStepLR", {"milestones": [10, 2.5]})
    with pytest.raises(ValueError, match="a list of integers"):
        make_scheduler("MultiStepLR", {"milestones": "10"})


@pytest.mark.parametrize("steps", [-1, 2.5, True])
def test_bad_step_counts(steps):
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        make_scheduler("ExponentialLR", {}).lrs(0.1, steps)


def test_cosine_recursion_has_no_warning_at_the_period_end():
    """Where torch's ratio would be 0/0 (t = T_max + 1 + 2k·T_max) it switches formula."""
    lrs = make_scheduler("CosineAnnealingLR", {"T_max": 3}).lrs(1.0, 20)
    assert np.isfinite(lrs).all()
    np.testing.assert_allclose(lrs, (1 + np.cos(math.pi * np.arange(20) / 3)) / 2, atol=1e-15)
