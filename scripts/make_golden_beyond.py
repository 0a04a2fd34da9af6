"""Write tests/golden/<name>.json for the optimizers beyond torch.optim and the textbook's classes.

Beyond torch: each case runs the reference implementation in float64 (default dtype float64,
gradients from autograd, one 2-element parameter tensor) on one of three surfaces for 150 steps
of torch's cycle (record the lr, zero_grad, backward, step, scheduler step), as
scripts/make_golden.py does:
    Lion                                 lion-pytorch  (lion_pytorch.Lion)
    AdamWScheduleFree, SGDScheduleFree   schedulefree  (train mode; also records x and z)
    Adan, AdaBelief, Prodigy             pytorch-optimizer (pytorch_optimizer.*)
Each case is also run through the package's other code path (foreach on/off) and the largest
difference between the two is printed: how far the reference disagrees with itself.

Textbook: the book's classes, copied verbatim below from the seeds, run on plain Python floats
as the seed's landing-figure script does (x²/20 + y² from (-7, 2), 30 steps) and on Himmelblau;
the landing cases also record torch.optim's counterpart and print how far the two are apart.

These packages are not gradscape dependencies; run this with a throwaway venv:
    python3 -m venv /tmp/golden-venv
    /tmp/golden-venv/bin/pip install torch numpy lion-pytorch schedulefree pytorch-optimizer
    /tmp/golden-venv/bin/python scripts/make_golden_beyond.py
"""
from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path

import numpy as np
import torch
from lion_pytorch import Lion
from pytorch_optimizer import AdaBelief, Adan, Prodigy
from schedulefree import AdamWScheduleFree, SGDScheduleFree

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden"
STEPS = 150

from make_golden import SURFACES, elliptic, himmelblau, rosenbrock  # noqa: E402,F401  (the same surfaces)
R, H, E = "rosenbrock", "himmelblau", "elliptic"

# name: (class, package, path switch {kwarg: [default, other]}, cases (id, kwargs, surface[, scheduler]))
BEYOND = {
    "Lion": (Lion, "lion-pytorch", None, [
        ("plain-rosenbrock", {"lr": 0.01}, R),
        ("plain-himmelblau", {"lr": 0.02}, H),
        ("betas-elliptic", {"lr": 0.05, "betas": [0.95, 0.98]}, E),
        ("beta1-one-himmelblau", {"lr": 0.02, "betas": [1.0, 0.9]}, H),
        ("weight_decay-himmelblau", {"lr": 0.02, "weight_decay": 0.5}, H),
        ("decoupled-rosenbrock", {"lr": 0.01, "weight_decay": 0.3, "decoupled_weight_decay": True}, R),
        ("decoupled-exponentiallr-himmelblau",
         {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, H,
         ("ExponentialLR", {"gamma": 0.98})),
    ]),
    "SGDScheduleFree": (SGDScheduleFree, "schedulefree", {"foreach": [True, False]}, [
        ("plain-rosenbrock", {"lr": 1e-3}, R),
        ("plain-himmelblau", {"lr": 0.01}, H),
        ("momentum-elliptic", {"lr": 0.5, "momentum": 0.5}, E),
        ("warmup-himmelblau", {"lr": 0.01, "warmup_steps": 20}, H),
        ("r-power-warmup-rosenbrock",
         {"lr": 1e-3, "r": 1.0, "weight_lr_power": 1.0, "warmup_steps": 10}, R),
        ("weight_decay-elliptic", {"lr": 0.3, "weight_decay": 0.2}, E),
    ]),
    "AdamWScheduleFree": (AdamWScheduleFree, "schedulefree", {"foreach": [True, False]}, [
        ("plain-rosenbrock", {"lr": 0.02}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("betas-eps-elliptic", {"lr": 0.3, "betas": [0.8, 0.99], "eps": 1e-3}, E),
        ("warmup-rosenbrock", {"lr": 0.02, "warmup_steps": 30}, R),
        ("r-power-warmup-himmelblau", {"lr": 0.1, "r": 0.5, "weight_lr_power": 0.0, "warmup_steps": 5}, H),
        ("weight_decay-elliptic", {"lr": 0.3, "weight_decay": 0.1}, E),
    ]),
    "Adan": (Adan, "pytorch-optimizer", {"foreach": [None, False]}, [
        ("plain-rosenbrock", {"lr": 0.02}, R),
        ("plain-himmelblau", {"lr": 0.05}, H),
        ("betas-eps-elliptic", {"lr": 0.3, "betas": [0.9, 0.9, 0.999], "eps": 1e-3}, E),
        ("weight_decay-himmelblau", {"lr": 0.05, "weight_decay": 0.5}, H),
        ("weight_decouple-rosenbrock", {"lr": 0.02, "weight_decay": 0.5, "weight_decouple": True}, R),
        ("max_grad_norm-himmelblau", {"lr": 0.05, "max_grad_norm": 1.0}, H),
        ("max_grad_norm-rosenbrock", {"lr": 0.02, "max_grad_norm": 5.0}, R),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ]),
    "AdaBelief": (AdaBelief, "pytorch-optimizer", {"foreach": [None, False]}, [
        ("plain-rosenbrock", {"lr": 0.05}, R),
        ("plain-himmelblau", {"lr": 0.1}, H),
        ("betas-eps-elliptic", {"lr": 0.3, "betas": [0.8, 0.99], "eps": 1e-8}, E),
        ("coupled-himmelblau", {"lr": 0.1, "weight_decay": 0.5, "weight_decouple": False}, H),
        ("decoupled-rosenbrock", {"lr": 0.05, "weight_decay": 0.5}, R),
        ("fixed_decay-elliptic", {"lr": 0.3, "weight_decay": 0.01, "fixed_decay": True}, E),
        ("rectify-elliptic", {"lr": 0.05, "rectify": True}, E),
        ("rectify-no-sgd-himmelblau",
         {"lr": 0.1, "rectify": True, "degenerated_to_sgd": False, "n_sma_threshold": 6}, H),
        ("ams_bound-himmelblau", {"lr": 0.1, "ams_bound": True}, H),
        ("maximize-elliptic", {"lr": 0.05, "maximize": True}, E),
    ]),
    "Prodigy": (Prodigy, "pytorch-optimizer", {"foreach": [None, True]}, [
        ("plain-rosenbrock", {}, R),
        ("plain-himmelblau", {}, H),
        ("d0-elliptic", {"d0": 1e-3}, E),
        ("beta3-d_coef-elliptic", {"beta3": 0.9, "d_coef": 0.5}, E),
        ("betas-rosenbrock", {"betas": [0.95, 0.99], "lr": 0.5}, R),
        ("growth_rate-himmelblau", {"growth_rate": 1.05}, H),
        ("weight_decay-himmelblau", {"weight_decay": 0.1}, H),
        ("coupled-weight_decay-rosenbrock", {"weight_decay": 0.1, "weight_decouple": False}, R),
        ("fixed_decay-elliptic", {"weight_decay": 0.01, "fixed_decay": True}, E),
        ("bias_correction-rosenbrock", {"bias_correction": True}, R),
        ("safeguard_warmup-himmelblau", {"safeguard_warmup": True}, H),
        ("eps-none-elliptic", {"eps": None}, E),
        ("maximize-elliptic", {"maximize": True, "lr": 0.1}, E),
    ]),
}

SCHEDULE_FREE = {"SGDScheduleFree": "momentum", "AdamWScheduleFree": "betas"}


def _kwargs(kwargs: dict) -> dict:
    return {k: tuple(v) if k == "betas" else v for k, v in kwargs.items()}


def trajectory(name: str, kwargs: dict, surface: str, scheduler: tuple | None = None,
               switch: dict | None = None) -> dict:
    """Run the reference for STEPS updates; the case's config, start, points and lrs."""
    cls = BEYOND[name][0]
    f, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = cls([p], **_kwargs(kwargs), **(switch or {}))
    sched = (getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
             if scheduler else None)
    schedule_free = name in SCHEDULE_FREE
    if schedule_free:
        opt.train()
    points, lrs, xs, zs = [list(start)], [], [list(start)], [list(start)]
    for _ in range(STEPS):
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        f(p[0], p[1]).backward()
        opt.step()
        if sched:
            sched.step()
        points.append(p.detach().tolist())
        if schedule_free:   # x as the package's eval mode computes it, on a copy (p stays y)
            z = opt.state[p]["z"]
            beta = opt.param_groups[0]["momentum"] if name == "SGDScheduleFree" \
                else opt.param_groups[0]["betas"][0]
            xs.append(p.detach().clone().lerp_(z, 1 - 1 / beta).tolist())
            zs.append(z.tolist())
    if not all(math.isfinite(v) for pt in points for v in pt):
        raise RuntimeError(f"{name} {kwargs} diverged on {surface}")
    case = {"optimizer": name, "params": kwargs, "surface": surface, "start": list(start),
            "steps": STEPS, "scheduler": None if scheduler is None else
            {"name": scheduler[0], "params": scheduler[1]}, "lrs": lrs, "points": points}
    if schedule_free:
        case["x"], case["z"] = xs, zs
    return case


# ---- the textbook's classes, verbatim ------------------------------------------------------
# Copied from /work/shared/reference/seeds/003_d5262e92c3b262d3.txt (the book's
# common/optimizer.py as the post quotes it; its line breaks restored); SGD, Momentum, AdaGrad
# are also in seeds/000_5eae9ab48a4c2c5b.txt with the same bodies.

class SGD:
    """隨機梯度下降法(Stochastic Gradient Descent)"""
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    """Momentum SGD"""
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            self.v[key] = self.momentum*self.v[key] - self.lr*grads[key]
            params[key] += self.v[key]


class Nesterov:
    """Nesterov's Accelerated Gradient (http://arxiv.org/abs/1212.0901)"""
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class AdaGrad:
    """AdaGrad"""
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    """RMSprop"""
    def __init__(self, lr=0.01, decay_rate = 0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    """Adam (http://arxiv.org/abs/1412.6980v8)"""
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)

# ---- end of the book's code ----------------------------------------------------------------


def df_elliptic(x, y):          # the seed's df
    return x / 10.0, 2.0*y


def df_himmelblau(x, y):
    return (4 * x * (x ** 2 + y - 11) + 2 * (x + y ** 2 - 7),
            2 * (x ** 2 + y - 11) + 4 * y * (x + y ** 2 - 7))


BOOK = {"SGD": SGD, "Momentum": Momentum, "Nesterov": Nesterov, "AdaGrad": AdaGrad,
        "RMSprop": RMSprop, "Adam": Adam}
LANDING = 30   # the seed's figure: 30 updates (it plots the 30 points before each update)
# class: (landing kwargs (the seed's, RMSprop: not in the figure), torch counterpart, Himmelblau kwargs)
TEXTBOOK = {
    "SGD": ({"lr": 0.95}, ("SGD", {"lr": 0.95}), {"lr": 0.01}),
    "Momentum": ({"lr": 0.1}, ("SGD", {"lr": 0.1, "momentum": 0.9}), {"lr": 0.005, "momentum": 0.8}),
    "Nesterov": ({"lr": 0.1}, ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
                 {"lr": 0.004, "momentum": 0.8}),
    "AdaGrad": ({"lr": 1.5}, ("Adagrad", {"lr": 1.5}), {"lr": 0.5}),
    "RMSprop": ({"lr": 0.1}, ("RMSprop", {"lr": 0.1, "alpha": 0.99}), {"lr": 0.02, "decay_rate": 0.9}),
    "Adam": ({"lr": 0.3}, ("Adam", {"lr": 0.3}), {"lr": 0.1, "beta1": 0.8, "beta2": 0.99}),
}


def book_trajectory(cls_name: str, kwargs: dict, surface: str, steps: int) -> list[list[float]]:
    """The seed's loop: params as Python floats, grads from df, optimizer.update(params, grads)."""
    df = df_elliptic if surface == E else df_himmelblau
    start = SURFACES[surface][1]
    optimizer = BOOK[cls_name](**kwargs)
    params, grads = {"x": start[0], "y": start[1]}, {"x": 0, "y": 0}
    points = [list(start)]
    for _ in range(steps):
        grads["x"], grads["y"] = df(params["x"], params["y"])
        optimizer.update(params, grads)
        points.append([float(params["x"]), float(params["y"])])
    return points


def torch_trajectory(name: str, kwargs: dict, surface: str, steps: int) -> list[list[float]]:
    f, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], foreach=False, **kwargs)
    points = [list(start)]
    for _ in range(steps):
        opt.zero_grad()
        f(p[0], p[1]).backward()
        opt.step()
        points.append(p.detach().tolist())
    return points


def _write(path: Path, cases: list[dict], source: str) -> None:
    """One case per line: readable diffs, exact floats (json writes repr)."""
    lines = ",\n".join(json.dumps(case) for case in cases)
    path.write_text(f'{{"torch": "{torch.__version__}", "reference": "{source}", "cases": [\n{lines}\n]}}\n')
    print(f"wrote {path.relative_to(OUT.parents[1])} ({len(cases)} cases)")


def _max_rel(a: list, b: list) -> float:
    a, b = np.array(a), np.array(b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def main() -> None:
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (_, package, switch, cases) in BEYOND.items():
        out = []
        for cid, kwargs, surface, *sched in cases:
            case = trajectory(name, kwargs, surface, sched[0] if sched else None)
            if switch:   # the package's other code path (foreach on/off): same rule, other rounding
                (key, (default, other)), = switch.items()
                alt = trajectory(name, kwargs, surface, sched[0] if sched else None, {key: other})
                print(f"  {name} {cid}: {key}={other} vs {default}: max |Δ| = "
                      f"{np.max(np.abs(np.array(alt['points']) - case['points'])):.3g}")
            out.append({"id": cid, **case})
        _write(OUT / f"{name.lower()}.json", out, f"{package} {version(package)}")
    for cls_name, (landing, (tname, tkw), himmelblau_kw) in TEXTBOOK.items():
        name = f"Textbook.{cls_name}"
        book = book_trajectory(cls_name, landing, E, LANDING)
        torch_points = torch_trajectory(tname, tkw, E, LANDING)
        gap = float(np.max(np.abs(np.array(book) - torch_points)))
        print(f"  {name} {landing} vs torch.optim.{tname}{tkw}: landing figure max |Δ| = {gap:.3g}")
        out = [
            {"id": "landing-elliptic", "optimizer": name, "params": landing, "surface": E,
             "start": SURFACES[E][1], "steps": LANDING, "scheduler": None,
             "lrs": [landing["lr"]] * LANDING, "points": book,
             "torch": {"optimizer": tname, "params": tkw, "points": torch_points}},
            {"id": "himmelblau", "optimizer": name, "params": himmelblau_kw, "surface": H,
             "start": SURFACES[H][1], "steps": STEPS, "scheduler": None,
             "lrs": [himmelblau_kw["lr"]] * STEPS,
             "points": book_trajectory(cls_name, himmelblau_kw, H, STEPS)},
        ]
        _write(OUT / f"{name.lower()}.json", out,
               "the textbook's classes (seeds/003_d5262e92c3b262d3.txt), numpy " + np.__version__)


if __name__ == "__main__":
    main()
