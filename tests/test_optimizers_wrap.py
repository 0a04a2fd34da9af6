"""LBFGS (torch.optim), Lookahead and SAM (pytorch-optimizer) against their reference code.

tests/golden/{lbfgs,lookahead,sam}.json were written by scripts/make_golden_wrap.py: float64,
autograd gradients, every option, torch.optim (and lion-pytorch) optimizers inside the
wrappers, Lookahead around SAM, schedulers; with LBFGS's evaluation points per step, Lookahead's
slow weights and SAM's perturbed points (the extras the inside view shows).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import surfaces
from optimizers import make, make_scheduler
from optimizers.runner import closure, run
from conftest import assert_same_run

GOLDEN = Path(__file__).parent / "golden"
RTOL, ATOL = 1e-9, 1e-12
# Looser, and why: torch's p.add_(d, alpha=t) is one fused multiply-add (one rounding; 8 302 of
# 20 000 random cases differ from x + t·d rounded twice), which Python 3.11 cannot do fast. With
# lr = 1 and no line search, LBFGS on Rosenbrock evaluates points as far as x ≈ 29, which amplifies
# those 1-ulp differences to 1.3e-8 (path) and 6e-8 (evaluations). With an exact fma in their
# place and autograd's gradients, every case here matches torch bit for bit (strong_wolfe-
# rosenbrock: 3e-13): the rule is torch's; only its rounding is not.
LOOSER = {("LBFGS", "plain-rosenbrock"): 1e-7, ("LBFGS", "history-max_iter-rosenbrock"): 1e-7}
NAMES = ["LBFGS", "Lookahead", "SAM"]


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / f"{name.lower()}.json").read_text())["cases"]


CASES = [(name, case) for name in NAMES for case in load(name)]


def replay(case: dict):
    """Our optimizer through the golden case's lrs, with a closure on the same surface."""
    opt = make(case["optimizer"], case["params"])
    lrs = case["lrs"]
    if case["scheduler"]:
        sched = make_scheduler(case["scheduler"]["name"], case["scheduler"]["params"])
        lrs = [float(v) for v in sched.lrs(opt.base_lr, case["steps"])]
        np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-15)
    surface = surfaces.get(case["surface"])
    evaluate = closure(surface, None)
    theta = np.array(case["start"], dtype=float).reshape(1, 2)
    state = opt.init(theta)
    points, extras = [theta[0]], []
    for lr in lrs:
        _, g = evaluate(theta)
        more = {"closure": evaluate} if opt.needs_closure else {}
        theta, state = opt.step(state, theta, g, lr, **more)
        points.append(theta[0])
        extras.append({k: v[0] for k, v in opt.extras(state).items()})
    return np.array(points), extras


def test_golden_covers_every_option():
    for name in NAMES:
        cls = make(name, load(name)[0]["params"])
        seen = set()
        for case in load(name):
            defaults = make(name, {k: v for k, v in case["params"].items() if k == "optimizer"}).params
            seen |= {k for k, v in make(name, case["params"]).params.items()
                     if k != "optimizer" and v != defaults[k]}
        own = {h.name for h in cls.hyperparams} - {"optimizer", "max_eval"}
        assert own <= seen | ({"max_eval"} & own), (name, own - seen)
    assert any("max_eval" in c["params"] for c in load("LBFGS"))


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}-{c['id']}" for n, c in CASES])
def test_matches_reference_trajectory(name, case):
    expected = np.array(case["points"])
    assert np.ptp(expected, axis=0).max() > 0.1, "a golden path that barely moves tests little"
    got, extras = replay(case)
    rtol = LOOSER.get((name, case["id"]), RTOL)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=ATOL)
    if "evaluations" in case:        # LBFGS: every closure call of every step, in order
        for step, (mine, theirs) in enumerate(zip(extras, case["evaluations"])):
            points = mine["evaluations"]
            points = points[~np.isnan(points[:, 0])]
            assert len(points) == len(theirs), step
            np.testing.assert_allclose(points, theirs, rtol=rtol, atol=ATOL)
    if "slow" in case:
        np.testing.assert_allclose([e["slow weights"][0] for e in extras], case["slow"],
                                   rtol=RTOL, atol=ATOL)
    if "perturbed" in case:
        np.testing.assert_allclose([e["perturbed point"][0] for e in extras], case["perturbed"],
                                   rtol=RTOL, atol=ATOL)


# ---- LBFGS's and the wrappers' generic properties (test_optimizers.py steps without a closure) --

def test_lbfgs_has_torchs_defaults_and_bounds():
    """torch 2.13's LBFGS defaults (max_eval: max_iter·5//4 at construction); torch checks only
    lr; the other bounds are gradscape's limits and say so."""
    assert make("LBFGS").params == {"lr": 1.0, "max_iter": 20, "max_eval": 25, "tolerance_grad": 1e-7,
                                    "tolerance_change": 1e-9, "history_size": 100,
                                    "line_search_fn": None}
    assert make("LBFGS", {"max_iter": 9}).max_eval == 11
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -1.0$"):
        make("LBFGS", {"lr": -1.0})
    for key in ("max_iter", "max_eval", "history_size"):
        h = next(h for h in make("LBFGS").hyperparams if h.name == key)
        assert h.low is None and "gradscape limit, not torch's" in h.error


def test_lbfgs_batch_and_sweep_equal_separate_runs():
    """One run at a time inside: a batch of starts, or a sweep of lr, gives each run the path it
    has alone (its own history)."""
    surface = surfaces.get("himmelblau")
    starts = [[0.5, -0.5], [-3.0, 3.0], [2.0, 1.0]]
    opt = make("LBFGS", {"lr": 0.5, "history_size": 4})
    together = run(surface, opt, starts, 15)
    for i, start in enumerate(starts):
        np.testing.assert_array_equal(together.points[i], run(surface, opt, [start], 15).points[0])
    lrs = np.array([0.1, 0.5, 1.0])
    swept = run(surface, make("LBFGS", {"lr": lrs}), [[0.5, -0.5]], 15)
    for i, lr in enumerate(lrs):
        alone = run(surface, make("LBFGS", {"lr": float(lr)}), [[0.5, -0.5]], 15)
        np.testing.assert_array_equal(swept.points[i], alone.points[0])


@pytest.mark.parametrize("name,params", [
    ("Lookahead", {"alpha": np.array([0.2, 0.5, 0.8]), "optimizer": {"name": "Adam", "params": {"lr": 0.05}}}),
    ("Lookahead", {"optimizer": {"name": "Adam", "params": {"lr": np.array([0.01, 0.05, 0.1])}}}),
    ("SAM", {"rho": np.array([0.01, 0.1, 0.5]), "optimizer": {"name": "SGD", "params": {"lr": 0.01}}}),
    ("SAM", {"adaptive": True, "optimizer": {"name": "SGD", "params": {"lr": np.array([0.001, 0.01, 0.02])}}}),
])
def test_wrapper_sweeps_equal_separate_runs(name, params):
    """A sweep of the wrapper's own or its optimizer's hyperparameter: each run as alone."""
    surface = surfaces.get("himmelblau")
    swept = run(surface, make(name, params), [[0.5, -0.5]], 40)
    for i in range(3):
        alone = json.loads(json.dumps(params, default=lambda a: float(a[i])))
        one = run(surface, make(name, alone), [[0.5, -0.5]], 40)
        assert_same_run(swept.points[i], one.points[0])


def test_steps_are_pure_and_silent_on_overflow():
    """A step changes neither its inputs nor its state; overflow stays silent (the runner's
    business), as every optimizer's."""
    surface = surfaces.get("himmelblau")
    for name, params in [("LBFGS", {}), ("LBFGS", {"line_search_fn": "strong_wolfe"}),
                         ("Lookahead", {"k": 1, "optimizer": {"name": "Adam"}}),
                         ("SAM", {"optimizer": {"name": "Adam"}})]:
        opt = make(name, params)
        theta = np.array([[0.5, -0.5], [1.0, 2.0]])
        evaluate = closure(surface, None)
        state = opt.init(theta)
        theta2, state2 = opt.step(state, theta, evaluate(theta)[1], 0.01, closure=evaluate) \
            if opt.needs_closure else opt.step(state, theta, evaluate(theta)[1], 0.01)
        before = repr(state2)
        more = {"closure": evaluate} if opt.needs_closure else {}
        opt.step(state2, theta2, evaluate(theta2)[1], 0.01, **more)
        np.testing.assert_array_equal(theta, [[0.5, -0.5], [1.0, 2.0]])
        assert repr(state2) == before and state.step == 0 and state2.step == 1
        huge = np.array([[1e308, -1e308], [1e200, 1e200]])
        state = opt.init(huge)
        for _ in range(2):
            huge, state = opt.step(state, huge, evaluate(huge)[1], 1e10, **more)
