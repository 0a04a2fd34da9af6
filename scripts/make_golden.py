"""Write tests/golden/*.json: trajectories of real torch.optim optimizers and schedulers.

Each case runs torch in float64 (``torch.set_default_dtype(torch.float64)``, so torch's scalar
state such as NAdam's μ-product is float64 too; ``foreach=False``: the single-tensor code path)
on one of three surfaces, with gradients from autograd, for 150 steps of torch's cycle:
record the lr, ``zero_grad``, ``loss.backward()``, ``optimizer.step()``, ``scheduler.step()``.
It records the config, the start, every point (steps + 1) and the lr of every update.
Scheduler-only cases record torch's lr sequence over a longer horizon.

torch is not a gradscape dependency; run this with a throwaway venv outside the repo:
    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    /tmp/torchvenv/bin/python scripts/make_golden.py
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch

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
]

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
]


def _make_optimizer(name: str, kwargs: dict, params: list) -> torch.optim.Optimizer:
    kw = dict(kwargs)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    return getattr(torch.optim, name)(params, foreach=False, **kw)


def trajectory(optimizer: str, kwargs: dict, surface: str, scheduler: tuple | None = None) -> dict:
    """Run torch for STEPS updates; the case's config, start, points and lrs."""
    f, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = _make_optimizer(optimizer, kwargs, [p])
    sched = (getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
             if scheduler else None)
    points, lrs = [list(start)], []
    for _ in range(STEPS):
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        f(p[0], p[1]).backward()
        opt.step()
        if sched:
            sched.step()
        points.append(p.detach().tolist())
    if not all(math.isfinite(v) for pt in points for v in pt):
        raise RuntimeError(f"{optimizer} {kwargs} diverged on {surface}")
    return {"optimizer": optimizer, "params": kwargs, "surface": surface, "start": list(start),
            "steps": STEPS, "scheduler": None if scheduler is None else
            {"name": scheduler[0], "params": scheduler[1]}, "lrs": lrs, "points": points}


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
    _write(OUT / "lr_schedules.json",
           [{"id": cid, "scheduler": {"name": name, "params": kw}, "base_lr": base, "steps": steps,
             "lrs": lr_sequence(name, kw, base, steps)} for cid, name, kw, base, steps in LR_CASES])


if __name__ == "__main__":
    main()
