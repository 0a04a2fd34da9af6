"""ReduceLROnPlateau, SequentialLR, ChainedScheduler, LambdaLR, MultiplicativeLR and the
momentum cycling of CyclicLR and OneCycleLR, against real torch 2.13 (float64).

tests/golden/schedulers_more.json (scripts/make_golden_schedulers.py) holds torch's lr sequences
and whole torch runs. The runs' f and ∇f come from the formulas below, the same expressions the
script evaluated in Python floats, so the comparison pins the schedulers and the runner's
feeding of lr, loss and momentum, not autograd's rounding: every case within 1e-12 relative.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from optimizers import SCHEDULERS, make, make_scheduler
from optimizers.runner import run
from optimizers.schedulers import MOMENTUM_ERROR

GOLDEN = json.loads((Path(__file__).parent / "golden" / "schedulers_more.json").read_text())["cases"]
LR_CASES = [c for c in GOLDEN if c["kind"] == "lrs"]
RUN_CASES = [c for c in GOLDEN if c["kind"] == "run"]
RTOL = 1e-12


def _surface(value, grad):
    return SimpleNamespace(value=value, grad=grad, hessian=None)


SURFACES = {
    "rosenbrock": _surface(lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
                           lambda x, y: (-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2))),
    "himmelblau": _surface(lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
                           lambda x, y: (4 * x * (x ** 2 + y - 11) + 2 * (x + y ** 2 - 7),
                                         2 * (x ** 2 + y - 11) + 4 * y * (x + y ** 2 - 7))),
    "elliptic": _surface(lambda x, y: x ** 2 / 20 + y ** 2, lambda x, y: (x / 10, 2 * y)),
}


def rel(got, expected, floor: float = 1e-300) -> float:
    """The largest |got − expected| / max(|expected|, floor)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return float(np.max(np.abs(got - expected) / np.maximum(np.abs(expected), floor)))


@pytest.mark.parametrize("case", LR_CASES, ids=[c["id"] for c in LR_CASES])
def test_lrs_match_torch(case):
    sched = make_scheduler(case["scheduler"]["name"], case["scheduler"]["params"])
    got = sched.lrs(case["base_lr"], case["steps"])
    assert got.shape == (case["steps"],)
    assert rel(got, case["lrs"]) <= RTOL


@pytest.mark.parametrize("case", RUN_CASES, ids=[c["id"] for c in RUN_CASES])
def test_runs_match_torch(case):
    opt = make(case["optimizer"], case["params"])
    sched = make_scheduler(case["scheduler"]["name"], case["scheduler"]["params"])
    paths = run(SURFACES[case["surface"]], opt, [case["start"]], case["steps"], sched)
    assert paths.diverged_at[0] == -1
    assert rel(paths.lr[0], case["lrs"]) <= RTOL
    assert rel(paths.points[0], case["points"]) <= RTOL
    # a loss near a minimum's 0 is a difference of nearby numbers: relative to max(|f|, 1)
    assert rel(paths.loss[0, :-1], case["losses"], floor=1.0) <= RTOL
    if "momentum" in case:
        assert paths.momentum is not None and rel(paths.momentum[0], case["momentum"]) <= RTOL
    else:
        assert paths.momentum is None


def test_golden_covers_the_new_schedulers_and_every_keyword():
    names = {c["scheduler"]["name"] for c in GOLDEN}
    assert {"ReduceLROnPlateau", "SequentialLR", "ChainedScheduler", "LambdaLR",
            "MultiplicativeLR", "CyclicLR", "OneCycleLR"} <= names
    plateau = {k for c in GOLDEN if c["scheduler"]["name"] == "ReduceLROnPlateau"
               for k in c["scheduler"]["params"]}
    assert plateau == {h.name for h in SCHEDULERS["ReduceLROnPlateau"].hyperparams}
    plateau_runs = [c for c in RUN_CASES if c["scheduler"]["name"] == "ReduceLROnPlateau"]
    assert all(len(set(c["lrs"])) >= 3 for c in plateau_runs), "each plateau case reduces"
    cycled = {c["optimizer"] for c in RUN_CASES if "momentum" in c}
    assert cycled == {"SGD", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "Muon"}


def test_plateau_batched_runs_keep_their_own_state():
    """A grid of starts: each run's lrs are the ones it gets alone."""
    surface, opt = SURFACES["himmelblau"], make("Adam", {"lr": 0.3})
    sched = make_scheduler("ReduceLROnPlateau", {"patience": 2, "factor": 0.5})
    starts = np.array([[0.0, -1.5], [1.0, 1.0], [-4.0, 4.0]])
    together = run(surface, opt, starts, 60, sched)
    for i, start in enumerate(starts):
        alone = run(surface, opt, [start], 60, sched)
        np.testing.assert_array_equal(together.lr[i], alone.lr[0])
        np.testing.assert_array_equal(together.points[i], alone.points[0])
    assert len({tuple(r) for r in together.lr}) == 3


def test_cycle_momentum_needs_momentum_or_betas():
    """torch: CyclicLR(Adagrad) with its default cycle_momentum=True raises this."""
    for name in ["Adagrad", "Adadelta", "ASGD", "Rprop", "Textbook.Momentum"]:
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
            run(SURFACES["elliptic"], make(name, {}), [[1.0, 1.0]], 3,
                make_scheduler("CyclicLR", {}))
    assert MOMENTUM_ERROR == ("optimizer must support momentum or beta1 with `cycle_momentum` "
                              "option enabled")
    paths = run(SURFACES["elliptic"], make("Adagrad", {}), [[1.0, 1.0]], 3,
                make_scheduler("CyclicLR", {"cycle_momentum": False}))
    assert paths.momentum is None


@pytest.mark.parametrize("params,message", [
    ({"schedulers": [{"name": "Foo"}], "milestones": []}, "schedulers[0].name: unknown 'Foo'"),
    ({"schedulers": [{"name": "LinearLR"}, {"name": "ReduceLROnPlateau"}], "milestones": [3]},
     "SequentialLR does not support `ReduceLROnPlateau` scheduler"),
    ({"schedulers": [{"name": "OneCycleLR"}], "milestones": []},
     "schedulers[0].name: OneCycleLR cannot be nested here"),
    ({"schedulers": [{"name": "SequentialLR"}], "milestones": []},
     "schedulers[0].name: SequentialLR cannot be nested here"),
    ({"schedulers": [{"name": "StepLR", "params": {"step_size": 0}}], "milestones": []},
     "schedulers[0].params: Invalid step_size value: 0 (must be at least 1)"),
    ({"schedulers": [{"name": "LinearLR"}], "milestones": [3]},
     "Sequential Schedulers expects number of schedulers provided to be one more"),
    ({"schedulers": [], "milestones": []},
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    ({"schedulers": [{"name": "LinearLR"}] * 3, "milestones": [5, 2]}, "must not decrease"),
    ({"schedulers": "LinearLR", "milestones": []}, "must be a list of schedulers"),
])
def test_sequential_errors(params, message):
    with pytest.raises(ValueError) as err:
        make_scheduler("SequentialLR", params)
    assert message in str(err.value)


@pytest.mark.parametrize("name,params,message", [
    ("LambdaLR", {"lr_lambda": "0.95^x"}, "LambdaLR: 'lr_lambda': unknown name 'x' at column 6 "
                                          "(use epoch, pi, e)"),
    ("MultiplicativeLR", {"lr_lambda": "__import__('os')"}, "at column"),
    ("LambdaLR", {"lr_lambda": 0.95}, "must be a formula in epoch"),
    ("ReduceLROnPlateau", {"factor": 1.0}, "Factor should be < 1.0."),
    ("ReduceLROnPlateau", {"mode": "low"}, "mode low is unknown!"),
    ("ReduceLROnPlateau", {"threshold_mode": "relative"}, "threshold mode relative is unknown!"),
    ("ReduceLROnPlateau", {"mode": "low", "factor": 2.0}, "Factor should be < 1.0."),  # torch's order
])
def test_errors_in_torch_words(name, params, message):
    with pytest.raises(ValueError) as err:
        make_scheduler(name, params)
    assert message in str(err.value)


def test_lambda_failing_at_an_epoch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"lr_lambda '1/epoch' fails at epoch 0"):
        make_scheduler("LambdaLR", {"lr_lambda": "1/epoch"}).lrs(0.1, 3)


def test_warmup_then_cosine_by_hand():
    """The seed 001 schedule: 10 linear warm-up steps from 0.1·base, then a cosine over 90."""
    lrs = make_scheduler("SequentialLR", {}).lrs(1.0, 100)
    t = np.arange(100)
    expected = np.where(t < 10, 0.1 + 0.9 * t / 10, (1 + np.cos(np.pi * (t - 10) / 90)) / 2)
    np.testing.assert_allclose(lrs, expected, rtol=1e-12, atol=1e-15)


def test_sgd_with_a_cycled_momentum_of_zero_is_refused():
    """torch's SGD skips its buffer while μ = 0, which our single buffer does not model."""
    with pytest.raises(ValueError, match="cycled momentum of exactly 0 with SGD"):
        run(SURFACES["elliptic"], make("SGD", {"lr": 0.1}), [[1.0, 1.0]], 10,
            make_scheduler("CyclicLR", {"base_momentum": 0.0, "step_size_up": 2}))
