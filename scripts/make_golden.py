"""Write tests/golden/*.json: trajectories of real torch.optim optimizers and schedulers.

Each case runs torch in float64 (``torch.set_default_dtype(torch.float64)``, so torch's scalar
state such as NAdam's μ-product is float64 too; ``foreach=False``: the single-tensor code path)
on one of three surfaces, with gradients from autograd, for 150 steps of torch's cycle:
record the lr, ``zero_grad``, ``loss.backward()``, ``optimizer.step()``, ``scheduler.step()``.
It records the config, the start, every point (steps + 1) and the lr of every update
(ASGD also its running average ``ax`` after every update). Muon, which takes 2-D parameters
only, runs on the 1×2 matrix [[x, y]] (it has no foreach argument: one code path).
Scheduler-only cases record torch's lr sequence over a longer horizon, and
muon_newton_schulz.json holds torch's bfloat16 Newton–Schulz result for random 1×2 inputs.

torch is not a gradscape dependency; run this with a throwaway venv outside the repo:
    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    /tmp/torchvenv/bin/python scripts/make_golden.py
"""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import torch
from torch.optim._muon import _zeropower_via_newtonschulz

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden"
STEPS = 150


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def himmelblau(x, y):
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


def elliptic(x, y):
    return x ** 2 / 20 + y ** 2


SURFACES = {"rosenbrock": (rosenbrock, [-1.2, 1.0]),
            "himmelblau": (himmelblau, [0.0, -1.5]),
            "elliptic": (elliptic, [-7.0, 2.0])}

# (id, optimizer, kwargs, surface, scheduler or None as (name, kwargs)); None start: surface's.
R, H, E = "rosenbrock", "himmelblau", "elliptic"
OPTIMIZER_CASES = {
    "SGD": [
        ("plain-rosenbrock", {"lr": 1e-3}, R),
        ("plain-himmelblau", {"lr": 0.01}, H),
        ("textbook-elliptic", {"lr": 0.95}, E),
        ("momentum-rosenbrock", {"lr": 2e-4, "momentum": 0.9}, R),
        ("momentum-elliptic", {"lr": 0.1, "momentum": 0.9}, E),
        ("dampening-himmelblau", {"lr": 0.005, "momentum": 0.9, "dampening": 0.5}, H),
        ("nesterov-rosenbrock", {"lr": 2e-4, "momentum": 0.9, "nesterov": True}, R),
        ("nesterov-himmelblau", {"lr": 0.004, "momentum": 0.8, "nesterov": True}, H),
        ("weight_decay-himmelblau", {"lr": 0.01, "weight_decay": 0.5}, H),
        ("weight_decay-momentum-elliptic", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1}, E),
        ("maximize-elliptic", {"lr": 0.01, "momentum": 0.5, "maximize": True}, E),
    ],
    "Adagrad": [
        ("plain-rosenbrock", {"lr": 0.5}, R),
        ("plain-himmelblau", {"lr": 0.5}, H),
        ("textbook-elliptic", {"lr": 1.5}, E),
        ("lr_decay-rosenbrock", {"lr": 0.5, "lr_decay": 0.01}, R),
        ("initial_accumulator-himmelblau", {"lr": 0.5, "initial_accumulator_value": 10.0}, H),
        ("weight_decay-eps-elliptic", {"lr": 1.0, "weight_decay": 0.2, "eps": 1e-3}, E),
        ("maximize-elliptic", {"lr": 0.1, "maximize": True}, E),
    ],
    "RMSprop": [
        ("plain-rosenbrock", {"lr": 0.01}, R),
        ("plain-himmelblau", {"lr": 0.02}, H),
        ("alpha-eps-elliptic", {"lr": 0.05, "alpha": 0.9, "eps": 0.01}, E),
        ("centered-rosenbrock", {"lr": 0.005, "centered": True}, R),
        ("momentum-himmelblau", {"lr": 0.005, "momentum": 0.5}, H),
        ("centered-momentum-elliptic", {"lr": 0.01, "centered": True, "momentum": 0.7}, E),
        ("weight_decay-himmelblau", {"lr": 0.02, "weight_decay": 0.3}, H),
        ("maximize-elliptic", {"lr": 0.01, "maximize": True}, E),
    ],
    "Adam": [
        ("plain-rosenbrock", {"lr": 0.05}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("textbook-elliptic", {"lr": 0.3}, E),
        ("betas-rosenbrock", {"lr": 0.02, "betas": [0.8, 0.99]}, R),
        ("amsgrad-himmelblau", {"lr": 0.1, "amsgrad": True}, H),
        ("amsgrad-rosenbrock", {"lr": 0.05, "amsgrad": True}, R),
        ("weight_decay-elliptic", {"lr": 0.3, "weight_decay": 0.5}, E),
        ("decoupled-himmelblau", {"lr": 0.1, "weight_decay": 0.5, "decoupled_weight_decay": True}, H),
        ("eps-elliptic", {"lr": 0.3, "eps": 0.1}, E),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ],
    "AdamW": [
        ("plain-rosenbrock", {"lr": 0.05}, R),
        ("weight_decay-himmelblau", {"lr": 0.1, "weight_decay": 0.5}, H),
        ("amsgrad-betas-eps-elliptic",
         {"lr": 0.3, "betas": [0.85, 0.995], "eps": 1e-3, "weight_decay": 0.1, "amsgrad": True}, E),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ],
    "Adamax": [
        ("plain-rosenbrock", {"lr": 0.05}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("betas-eps-elliptic", {"lr": 0.3, "betas": [0.8, 0.99], "eps": 0.01}, E),
        ("weight_decay-himmelblau", {"lr": 0.1, "weight_decay": 0.5}, H),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ],
    "NAdam": [
        ("plain-rosenbrock", {"lr": 0.05}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("momentum_decay-betas-eps-elliptic",
         {"lr": 0.3, "betas": [0.95, 0.99], "eps": 1e-3, "momentum_decay": 0.05}, E),
        ("weight_decay-himmelblau", {"lr": 0.1, "weight_decay": 0.5}, H),
        ("decoupled-rosenbrock", {"lr": 0.05, "weight_decay": 0.5, "decoupled_weight_decay": True}, R),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ],
    "RAdam": [
        ("plain-rosenbrock", {"lr": 0.005}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("betas-eps-elliptic", {"lr": 0.3, "betas": [0.9, 0.99], "eps": 1e-3}, E),
        ("weight_decay-himmelblau", {"lr": 0.1, "weight_decay": 0.5}, H),
        ("decoupled-rosenbrock", {"lr": 0.005, "weight_decay": 0.5, "decoupled_weight_decay": True}, R),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ],
    "Adadelta": [
        ("plain-rosenbrock", {"lr": 1.0}, R),
        ("plain-himmelblau", {"lr": 5.0}, H),
        ("rho-eps-elliptic", {"lr": 2.0, "rho": 0.95, "eps": 1e-3}, E),
        ("weight_decay-himmelblau", {"lr": 5.0, "weight_decay": 0.5}, H),
        ("maximize-elliptic", {"lr": 1.0, "maximize": True}, E),
    ],
    "Rprop": [
        ("plain-rosenbrock", {"lr": 0.01}, R),
        ("plain-himmelblau", {"lr": 0.05}, H),
        ("etas-elliptic", {"lr": 0.1, "etas": [0.3, 1.5]}, E),
        ("step_sizes-rosenbrock", {"lr": 0.01, "step_sizes": [1e-4, 0.05]}, R),
        ("maximize-elliptic", {"lr": 0.01, "maximize": True}, E),
    ],
    "ASGD": [
        ("plain-rosenbrock", {"lr": 1e-3}, R),
        ("plain-himmelblau", {"lr": 0.01}, H),
        ("lambd-alpha-elliptic", {"lr": 0.5, "lambd": 0.5, "alpha": 0.5}, E),
        ("t0-himmelblau", {"lr": 0.01, "t0": 20.0}, H),
        ("t0-lambd-rosenbrock", {"lr": 1e-3, "t0": 50.0, "lambd": 0.1}, R),
        ("weight_decay-elliptic", {"lr": 0.1, "weight_decay": 0.5}, E),
        ("maximize-elliptic", {"lr": 0.01, "maximize": True}, E),
    ],
    "Adafactor": [
        ("plain-rosenbrock", {"lr": 0.01}, R),
        ("plain-himmelblau", {"lr": 0.05}, H),
        ("beta2_decay-eps-elliptic", {"lr": 0.1, "beta2_decay": -0.5, "eps": [1e-3, 1e-2]}, E),
        ("eps1-none-himmelblau", {"lr": 0.05, "eps": [None, 0.05]}, H),
        ("d-weight_decay-himmelblau", {"lr": 0.05, "d": 2.0, "weight_decay": 0.1}, H),
        ("maximize-elliptic", {"lr": 0.01, "maximize": True}, E),
    ],
    "Muon": [
        ("plain-rosenbrock", {"lr": 0.01}, R),
        ("plain-himmelblau", {"lr": 0.05}, H),
        ("nesterov-himmelblau", {"lr": 0.05, "nesterov": True, "momentum": 0.8, "weight_decay": 0.0}, H),
        ("no-nesterov-elliptic", {"lr": 0.1, "nesterov": False, "momentum": 0.9}, E),
        ("eps-ns_steps-rosenbrock", {"lr": 0.01, "eps": 1e-3, "ns_steps": 3}, R),
        ("coefficients-adjust-elliptic",
         {"lr": 0.1, "ns_coefficients": [2.0, -1.5, 0.5], "adjust_lr_fn": "match_rms_adamw"}, E),
        ("weight_decay-elliptic", {"lr": 0.1, "weight_decay": 0.5}, E),
    ],
}

# (id, optimizer, kwargs, surface, scheduler name, scheduler kwargs): the scheduler drives a run.
SCHEDULED_CASES = [
    ("steplr-sgd-himmelblau", "SGD", {"lr": 0.01, "momentum": 0.5}, H,
     "StepLR", {"step_size": 30, "gamma": 0.5}),
    ("multisteplr-adam-rosenbrock", "Adam", {"lr": 0.05}, R,
     "MultiStepLR", {"milestones": [40, 100, 100], "gamma": 0.5}),
    ("exponentiallr-rmsprop-elliptic", "RMSprop", {"lr": 0.1}, E, "ExponentialLR", {"gamma": 0.98}),
    ("cosine-adam-himmelblau", "Adam", {"lr": 0.1}, H,
     "CosineAnnealingLR", {"T_max": 50, "eta_min": 0.001}),
    ("linearlr-nadam-rosenbrock", "NAdam", {"lr": 0.05}, R,
     "LinearLR", {"start_factor": 0.25, "total_iters": 40}),
    ("linearlr-down-sgd-elliptic", "SGD", {"lr": 0.5, "momentum": 0.5}, E,
     "LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 100}),
    ("exponentiallr-adamw-rosenbrock", "AdamW", {"lr": 0.05, "weight_decay": 0.5}, R,
     "ExponentialLR", {"gamma": 0.99}),
    ("steplr-radam-himmelblau", "RAdam", {"lr": 0.2}, H, "StepLR", {"step_size": 40}),
    ("cosine-adagrad-rosenbrock", "Adagrad", {"lr": 0.5, "lr_decay": 0.01}, R,
     "CosineAnnealingLR", {"T_max": 70}),
    ("constantlr-sgd-himmelblau", "SGD", {"lr": 0.01, "momentum": 0.5}, H,
     "ConstantLR", {"factor": 0.25, "total_iters": 40}),
    ("polynomiallr-adam-rosenbrock", "Adam", {"lr": 0.05}, R,
     "PolynomialLR", {"total_iters": 120, "power": 2.0}),
    ("warmrestarts-adam-himmelblau", "Adam", {"lr": 0.1}, H,
     "CosineAnnealingWarmRestarts", {"T_0": 20, "T_mult": 2, "eta_min": 0.001}),
    ("cycliclr-sgd-elliptic", "SGD", {"lr": 0.1}, E,
     "CyclicLR", {"base_lr": 0.01, "max_lr": 0.5, "step_size_up": 20, "step_size_down": 30,
                  "mode": "triangular2", "cycle_momentum": False}),
    ("onecycle-adamw-rosenbrock", "AdamW", {"lr": 0.05}, R,
     "OneCycleLR", {"max_lr": 0.05, "total_steps": 150, "pct_start": 0.25, "cycle_momentum": False}),
    ("steplr-asgd-himmelblau", "ASGD", {"lr": 0.01, "lambd": 0.01}, H,
     "StepLR", {"step_size": 30, "gamma": 0.5}),
    ("exponentiallr-adafactor-rosenbrock", "Adafactor", {"lr": 0.05}, R,
     "ExponentialLR", {"gamma": 0.98}),
    ("cosine-muon-himmelblau", "Muon", {"lr": 0.05}, H, "CosineAnnealingLR", {"T_max": 100}),
    ("steplr-rprop-elliptic", "Rprop", {"lr": 0.1}, E, "StepLR", {"step_size": 10}),
]

# (cycle_momentum=True, torch's default, is checked by make_golden_schedulers.py's cases.)

# (id, scheduler, kwargs, base_lr, steps): torch's lr sequence alone.
LR_CASES = [
    ("steplr-default-gamma", "StepLR", {"step_size": 7}, 0.1, 60),
    ("steplr-step1", "StepLR", {"step_size": 1, "gamma": 0.9}, 1.0, 200),
    ("multisteplr-repeated-unsorted", "MultiStepLR", {"milestones": [30, 10, 30, 45], "gamma": 0.3},
     0.5, 60),
    ("multisteplr-zero", "MultiStepLR", {"milestones": [0, 5]}, 0.1, 20),
    ("exponentiallr", "ExponentialLR", {"gamma": 0.95}, 0.1, 500),
    ("cosine-two-periods", "CosineAnnealingLR", {"T_max": 7}, 0.1, 60),
    ("cosine-eta_min", "CosineAnnealingLR", {"T_max": 100, "eta_min": 0.01}, 0.3, 450),
    ("cosine-eta_min-above-base", "CosineAnnealingLR", {"T_max": 20, "eta_min": 0.5}, 0.1, 90),
    ("cosine-tmax1", "CosineAnnealingLR", {"T_max": 1, "eta_min": 0.02}, 0.2, 9),
    ("linearlr-default", "LinearLR", {}, 0.1, 20),
    ("linearlr-down", "LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 30},
     0.3, 50),
    ("linearlr-zero-iters", "LinearLR", {"start_factor": 0.5, "total_iters": 0}, 0.3, 10),
    ("constantlr-default", "ConstantLR", {}, 0.1, 20),
    ("constantlr-zero-iters", "ConstantLR", {"factor": 0.5, "total_iters": 0}, 0.3, 10),
    ("constantlr-factor", "ConstantLR", {"factor": 0.1, "total_iters": 40}, 0.3, 60),
    ("polynomiallr-default", "PolynomialLR", {}, 0.1, 10),
    ("polynomiallr-power", "PolynomialLR", {"total_iters": 100, "power": 0.9}, 0.3, 150),
    ("warmrestarts-t0", "CosineAnnealingWarmRestarts", {"T_0": 10}, 0.1, 60),
    ("warmrestarts-tmult", "CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 3, "eta_min": 0.01},
     0.2, 200),
    ("warmrestarts-eta_min-above-base", "CosineAnnealingWarmRestarts", {"T_0": 7, "eta_min": 0.5},
     0.1, 30),
    ("cycliclr-triangular", "CyclicLR", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 10},
     0.5, 100),
    ("cycliclr-triangular2-down", "CyclicLR",
     {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 7, "step_size_down": 3, "mode": "triangular2"},
     0.1, 100),
    ("cycliclr-exp_range", "CyclicLR",
     {"base_lr": 0.01, "max_lr": 0.3, "step_size_up": 12, "mode": "exp_range", "gamma": 0.97},
     0.1, 150),
    ("onecycle", "OneCycleLR", {"max_lr": 0.1, "total_steps": 100}, 0.1, 100),
    ("onecycle-linear-three-phase", "OneCycleLR",
     {"max_lr": 0.3, "total_steps": 200, "anneal_strategy": "linear", "three_phase": True,
      "pct_start": 0.2}, 0.1, 200),
    ("onecycle-cos-three-phase", "OneCycleLR",
     {"max_lr": 1.0, "total_steps": 57, "three_phase": True, "div_factor": 10.0,
      "final_div_factor": 100.0, "pct_start": 0.4}, 0.1, 57),
]


def _make_optimizer(name: str, kwargs: dict, params: list) -> torch.optim.Optimizer:
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}   # betas, etas, ...
    if name != "Muon":                          # Muon has one code path and no foreach argument
        kw["foreach"] = False
    return getattr(torch.optim, name)(params, **kw)


def trajectory(optimizer: str, kwargs: dict, surface: str, scheduler: tuple | None = None) -> dict:
    """Run torch for STEPS updates; the case's config, start, points and lrs."""
    f, start = SURFACES[surface]
    shape = (1, 2) if optimizer == "Muon" else (2,)      # Muon: the point as the matrix [[x, y]]
    p = torch.tensor(start, dtype=torch.float64).reshape(shape).requires_grad_()
    opt = _make_optimizer(optimizer, kwargs, [p])
    sched = (getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
             if scheduler else None)
    points, lrs, ax = [list(start)], [], []
    for _ in range(STEPS):
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        x, y = p.reshape(-1)
        f(x, y).backward()
        opt.step()
        if sched:
            sched.step()
        points.append(p.detach().reshape(-1).tolist())
        if optimizer == "ASGD":
            ax.append(opt.state[p]["ax"].tolist())
    if not all(math.isfinite(v) for pt in points for v in pt):
        raise RuntimeError(f"{optimizer} {kwargs} diverged on {surface}")
    out = {"optimizer": optimizer, "params": kwargs, "surface": surface, "start": list(start),
           "steps": STEPS, "scheduler": None if scheduler is None else
           {"name": scheduler[0], "params": scheduler[1]}, "lrs": lrs, "points": points}
    if ax:
        out["ax"] = ax
    return out


def newton_schulz_cases(n: int = 400) -> list[dict]:
    """torch's bfloat16 Newton–Schulz of random 1×2 matrices over 24 orders of magnitude."""
    rng = random.Random(0)
    defaults = ((3.4445, -4.7750, 2.0315), 5, 1e-7)
    settings = [defaults] * 6 + [((2.0, -1.5, 0.5), 5, 1e-7), (defaults[0], 3, 1e-3),
                                 (defaults[0], 12, 1e-7), (defaults[0], 0, 1e-7)]
    special = [[0.0, 0.0], [1e-9, -2e-9], [0.0, 3.0], [-5.0, 0.0], [1.0, 1.0], [1e-30, 1e-30]]
    cases = []
    for i in range(n):
        coefficients, steps, eps = settings[i % len(settings)]
        if i < len(special):
            direction = special[i]
        else:
            direction = [rng.gauss(0, 1) * 10 ** rng.uniform(-12, 12) for _ in range(2)]
        g = torch.tensor([direction], dtype=torch.float64)
        out = _zeropower_via_newtonschulz(g, coefficients, steps, eps)
        cases.append({"direction": direction, "ns_coefficients": list(coefficients),
                      "ns_steps": steps, "eps": eps, "ortho": out.double().reshape(-1).tolist()})
    return cases


def lr_sequence(name: str, kwargs: dict, base_lr: float, steps: int) -> list[float]:
    """torch's lr for each of ``steps`` cycles of optimizer.step(), scheduler.step()."""
    p = torch.zeros(2, requires_grad=True)          # no grad: optimizer.step() leaves it alone
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def _write(path: Path, cases: list[dict]) -> None:
    """One case per line: readable diffs, exact floats (json writes repr)."""
    lines = ",\n".join(json.dumps(case) for case in cases)
    path.write_text(f'{{"torch": "{torch.__version__}", "cases": [\n{lines}\n]}}\n')
    print(f"wrote {path.relative_to(OUT.parents[1])} ({len(cases)} cases)")


def main() -> None:
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    for optimizer, cases in OPTIMIZER_CASES.items():
        _write(OUT / f"{optimizer.lower()}.json",
               [{"id": cid, **trajectory(optimizer, kw, surface)} for cid, kw, surface in cases])
    _write(OUT / "scheduled.json",
           [{"id": cid, **trajectory(opt, kw, surface, (sname, skw))}
            for cid, opt, kw, surface, sname, skw in SCHEDULED_CASES])
    _write(OUT / "muon_newton_schulz.json", newton_schulz_cases())
    _write(OUT / "lr_schedules.json",
           [{"id": cid, "scheduler": {"name": name, "params": kw}, "base_lr": base, "steps": steps,
             "lrs": lr_sequence(name, kw, base, steps)} for cid, name, kw, base, steps in LR_CASES])


if __name__ == "__main__":
    main()
