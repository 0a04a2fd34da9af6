"""Write tests/golden/schedulers_more.json: torch 2.13's ReduceLROnPlateau, SequentialLR,
ChainedScheduler, LambdaLR, MultiplicativeLR, and CyclicLR/OneCycleLR with cycle_momentum.

Two kinds of case:
- "lrs": torch's lr for each of ``steps`` cycles of ``optimizer.step(); scheduler.step()`` from
  an SGD whose parameter has no gradient (as make_golden.py's lr_sequence). A lambda's case holds
  both the formula gradscape parses (``formula``) and the Python lambda torch ran (``python``).
- "runs": whole float64 trajectories of 150 updates, torch's loop
      loss = f(θ); θ.grad = ∇f(θ); optimizer.step(); scheduler.step()   (scheduler.step(loss)
      for ReduceLROnPlateau: the loss of the point the update left)
  recording every point, the lr of every update and, for cycled momentum, the momentum (or β1)
  of every update as torch's param_group held it. f and ∇f are computed in plain Python floats
  from the formulas below, which tests/test_schedulers_more.py evaluates identically in NumPy,
  so the comparison pins the schedulers and update rules, not autograd's rounding.

torch is not a gradscape dependency; run with a throwaway venv that has torch==2.13.0:
    /tmp/golden-venv/bin/python scripts/make_golden_schedulers.py
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from torch.optim import lr_scheduler as S

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "schedulers_more.json"
STEPS = 150


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2, (-2 * (1 - x) - 400 * x * (y - x ** 2),
                                                   200 * (y - x ** 2))


def himmelblau(x, y):
    return ((x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
            (4 * x * (x ** 2 + y - 11) + 2 * (x + y ** 2 - 7),
             2 * (x ** 2 + y - 11) + 4 * y * (x + y ** 2 - 7)))


def elliptic(x, y):
    return x ** 2 / 20 + y ** 2, (x / 10, 2 * y)


SURFACES = {"rosenbrock": (rosenbrock, [-1.2, 1.0]), "himmelblau": (himmelblau, [0.0, -1.5]),
            "elliptic": (elliptic, [-7.0, 2.0])}

# lr_lambda formulas: gradscape's text and the same function in Python
LAMBDAS = {
    "0.95^epoch": lambda epoch: 0.95 ** epoch,
    "1/(1 + 0.05*epoch)": lambda epoch: 1 / (1 + 0.05 * epoch),
    "0.5*(1 + cos(pi*epoch/50))": lambda epoch: 0.5 * (1 + math.cos(math.pi * epoch / 50)),
    "0.97": lambda epoch: 0.97,
    "1 - 0.002*epoch": lambda epoch: 1 - 0.002 * epoch,
    "exp(-0.01*epoch)": lambda epoch: math.exp(-0.01 * epoch),
}

WARMUP_COSINE = {"schedulers": [{"name": "LinearLR", "params": {"start_factor": 0.1, "total_iters": 10}},
                                {"name": "CosineAnnealingLR", "params": {"T_max": 90}}],
                 "milestones": [10]}


def sub(name, **params):
    return {"name": name, "params": params}


# (id, scheduler name, params, base_lr, steps)
LR_CASES = [
    ("lambdalr-exp", "LambdaLR", {"lr_lambda": "0.95^epoch"}, 0.1, 100),
    ("lambdalr-inverse", "LambdaLR", {"lr_lambda": "1/(1 + 0.05*epoch)"}, 0.3, 100),
    ("lambdalr-cosine", "LambdaLR", {"lr_lambda": "0.5*(1 + cos(pi*epoch/50))"}, 0.2, 120),
    ("multiplicative-constant", "MultiplicativeLR", {"lr_lambda": "0.97"}, 0.1, 100),
    ("multiplicative-linear", "MultiplicativeLR", {"lr_lambda": "1 - 0.002*epoch"}, 0.5, 200),
    ("sequential-warmup-cosine", "SequentialLR", WARMUP_COSINE, 0.1, 150),
    ("sequential-three", "SequentialLR",
     {"schedulers": [sub("ConstantLR", factor=0.5, total_iters=5), sub("ExponentialLR", gamma=0.9),
                     sub("StepLR", step_size=10, gamma=0.5)], "milestones": [5, 20]}, 0.2, 60),
    ("sequential-milestone-zero", "SequentialLR",
     {"schedulers": [sub("ExponentialLR", gamma=0.5), sub("LinearLR", start_factor=0.2, total_iters=8)],
      "milestones": [0]}, 0.1, 20),
    ("sequential-repeated-milestone", "SequentialLR",
     {"schedulers": [sub("ExponentialLR", gamma=0.9), sub("StepLR", step_size=2),
                     sub("PolynomialLR", total_iters=12, power=2.0)], "milestones": [6, 6]}, 0.1, 30),
    ("sequential-closed-forms", "SequentialLR",
     {"schedulers": [sub("MultiStepLR", milestones=[3, 6]), sub("MultiStepLR", milestones=[0, 0, 4], gamma=0.5),
                     sub("ConstantLR", factor=0.25, total_iters=3), sub("CosineAnnealingLR", T_max=7, eta_min=0.01),
                     sub("ExponentialLR", gamma=0.8)], "milestones": [8, 16, 25, 40]}, 0.3, 60),
    ("sequential-no-closed-form", "SequentialLR",
     {"schedulers": [sub("LinearLR", start_factor=0.5, total_iters=4),
                     sub("MultiplicativeLR", lr_lambda="0.95^epoch"),
                     sub("CosineAnnealingWarmRestarts", T_0=5, T_mult=2, eta_min=0.001),
                     sub("LambdaLR", lr_lambda="exp(-0.01*epoch)")], "milestones": [10, 20, 40]}, 0.1, 70),
    ("chained-constant-exponential", "ChainedScheduler",
     {"schedulers": [sub("ConstantLR", factor=0.1, total_iters=3), sub("ExponentialLR", gamma=0.9)]}, 1.0, 40),
    ("chained-linear-cosine", "ChainedScheduler",
     {"schedulers": [sub("LinearLR", start_factor=0.2, total_iters=10),
                     sub("CosineAnnealingLR", T_max=20, eta_min=0.001)]}, 0.1, 80),
    ("chained-restarts-step", "ChainedScheduler",
     {"schedulers": [sub("CosineAnnealingWarmRestarts", T_0=10), sub("StepLR", step_size=7, gamma=0.5)]},
     0.1, 60),
    ("chained-lambda-multiplicative", "ChainedScheduler",
     {"schedulers": [sub("MultiplicativeLR", lr_lambda="0.97"), sub("LambdaLR", lr_lambda="0.95^epoch"),
                     sub("PolynomialLR", total_iters=30)]}, 0.1, 50),
]

# (id, optimizer, kwargs, surface, scheduler, scheduler params)
RUN_CASES = [
    ("plateau-adam-rosenbrock", "Adam", {"lr": 0.05}, "rosenbrock",
     "ReduceLROnPlateau", {"factor": 0.5, "patience": 3}),
    ("plateau-sgd-himmelblau-abs-cooldown", "SGD", {"lr": 0.02, "momentum": 0.9}, "himmelblau",
     "ReduceLROnPlateau", {"threshold_mode": "abs", "threshold": 1e-3, "patience": 2, "cooldown": 3,
                           "min_lr": 0.002, "factor": 0.3}),
    ("plateau-rmsprop-elliptic-max", "RMSprop", {"lr": 0.1}, "elliptic",
     "ReduceLROnPlateau", {"mode": "max", "factor": 0.7, "patience": 4, "min_lr": 0.01, "eps": 1e-3}),
    ("plateau-nadam-himmelblau-max-abs", "NAdam", {"lr": 0.1}, "himmelblau",
     "ReduceLROnPlateau", {"mode": "max", "threshold_mode": "abs", "threshold": 0.5, "patience": 0,
                           "cooldown": 1, "factor": 0.9}),
    ("plateau-adam-himmelblau-default", "Adam", {"lr": 0.3}, "himmelblau", "ReduceLROnPlateau", {}),
    ("cyclic-momentum-sgd-elliptic", "SGD", {"lr": 0.1}, "elliptic",
     "CyclicLR", {"base_lr": 0.01, "max_lr": 0.3, "step_size_up": 20}),
    ("onecycle-momentum-sgd-nesterov-rosenbrock", "SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True},
     "rosenbrock", "OneCycleLR", {"max_lr": 0.002, "total_steps": 150}),
    ("cyclic-momentum-rmsprop-himmelblau", "RMSprop", {"lr": 0.01}, "himmelblau",
     "CyclicLR", {"base_lr": 0.001, "max_lr": 0.02, "step_size_up": 15, "step_size_down": 25,
                  "mode": "triangular2", "base_momentum": 0.5, "max_momentum": 0.95}),
    ("onecycle-beta1-adam-rosenbrock", "Adam", {"lr": 0.05}, "rosenbrock",
     "OneCycleLR", {"max_lr": 0.05, "total_steps": 150, "three_phase": True}),
    ("cyclic-beta1-adamw-himmelblau", "AdamW", {"lr": 0.05, "weight_decay": 0.1}, "himmelblau",
     "CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10, "mode": "exp_range", "gamma": 0.99}),
    ("onecycle-beta1-nadam-elliptic", "NAdam", {"lr": 0.1}, "elliptic",
     "OneCycleLR", {"max_lr": 0.5, "total_steps": 160, "anneal_strategy": "linear"}),
    ("onecycle-beta1-radam-rosenbrock", "RAdam", {"lr": 0.05}, "rosenbrock",
     "OneCycleLR", {"max_lr": 0.05, "total_steps": 150, "pct_start": 0.2}),
    ("cyclic-beta1-adamax-himmelblau", "Adamax", {"lr": 0.05}, "himmelblau",
     "CyclicLR", {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 25}),
    ("onecycle-momentum-muon-elliptic", "Muon", {"lr": 0.1}, "elliptic",
     "OneCycleLR", {"max_lr": 0.3, "total_steps": 150}),
    ("sequential-warmup-cosine-adam-rosenbrock", "Adam", {"lr": 0.05}, "rosenbrock",
     "SequentialLR", {"schedulers": [sub("LinearLR", start_factor=0.1, total_iters=10),
                                     sub("CosineAnnealingLR", T_max=140)], "milestones": [10]}),
    ("lambdalr-sgd-himmelblau", "SGD", {"lr": 0.01, "momentum": 0.5}, "himmelblau",
     "LambdaLR", {"lr_lambda": "1/(1 + 0.05*epoch)"}),
]


def make_scheduler(opt, name: str, params: dict):
    """torch's scheduler; nested items and formulas turned into torch's objects."""
    kw = dict(params)
    if "lr_lambda" in kw:
        kw["lr_lambda"] = LAMBDAS[kw["lr_lambda"]]
    if "schedulers" in kw:
        kw["schedulers"] = [make_scheduler(opt, s["name"], s["params"]) for s in kw["schedulers"]]
        if name == "SequentialLR":
            kw["optimizer"] = opt
        return getattr(S, name)(**kw)
    return getattr(S, name)(opt, **kw)


def lr_sequence(name: str, params: dict, base_lr: float, steps: int) -> list[float]:
    p = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(opt, name, params)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def trajectory(optimizer: str, kwargs: dict, surface: str, name: str, params: dict) -> dict:
    f, start = SURFACES[surface]
    shape = (1, 2) if optimizer == "Muon" else (2,)
    p = torch.tensor(start, dtype=torch.float64).reshape(shape).requires_grad_()
    kw = dict(kwargs)
    if optimizer != "Muon":
        kw["foreach"] = False
    opt = getattr(torch.optim, optimizer)([p], **kw)
    sched = make_scheduler(opt, name, params)
    group = opt.param_groups[0]
    points, lrs, momentum, losses = [list(start)], [], [], []
    for _ in range(STEPS):
        lrs.append(group["lr"])
        momentum.append(group["betas"][0] if "betas" in group else group.get("momentum"))
        x, y = (float(v) for v in p.detach().reshape(-1))
        loss, grad = f(x, y)
        losses.append(loss)
        p.grad = torch.tensor(grad, dtype=torch.float64).reshape(shape)
        opt.step()
        if name == "ReduceLROnPlateau":
            sched.step(loss)
        else:
            sched.step()
        points.append(p.detach().reshape(-1).tolist())
    if not all(math.isfinite(v) for pt in points for v in pt):
        raise RuntimeError(f"{optimizer} {kwargs} diverged on {surface}")
    out = {"optimizer": optimizer, "params": kwargs, "surface": surface, "start": list(start),
           "steps": STEPS, "scheduler": {"name": name, "params": params}, "lrs": lrs,
           "points": points, "losses": losses}
    if params.get("cycle_momentum", True) and name in ("CyclicLR", "OneCycleLR"):
        out["momentum"] = momentum
    return out


def main() -> None:
    torch.set_default_dtype(torch.float64)
    cases = [{"id": cid, "kind": "lrs", "scheduler": {"name": name, "params": params},
              "base_lr": base, "steps": steps, "lrs": lr_sequence(name, params, base, steps)}
             for cid, name, params, base, steps in LR_CASES]
    cases += [{"id": cid, "kind": "run", **trajectory(opt, kw, surface, name, params)}
              for cid, opt, kw, surface, name, params in RUN_CASES]
    lines = ",\n".join(json.dumps(case) for case in cases)
    OUT.write_text(f'{{"torch": "{torch.__version__}", "cases": [\n{lines}\n]}}\n')
    print(f"wrote {OUT.relative_to(OUT.parents[2])} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
