"""Write tests/golden/{lbfgs,lookahead,sam}.json: LBFGS from torch, Lookahead and SAM from
pytorch-optimizer, each wrapping real torch.optim (or lion-pytorch) optimizers.

Float64 (default dtype), gradients from autograd, one 2-element parameter tensor, torch's
cycle per recorded point: record the lr, then
    LBFGS       opt.step(closure)                       (the closure: zero_grad, f, backward)
    Lookahead   zero_grad, backward, opt.step()          (opt.step(closure) around SAM)
    SAM         closure(); opt.step(closure)             (the package's documented use)
then the scheduler's step. Besides the points, each case records what the inside view shows:
LBFGS's points of every closure call per step ("evaluations"), Lookahead's slow weights after
each step ("slow"), SAM's point of the second gradient ("perturbed").

Not gradscape dependencies; run with the throwaway venv:
    /tmp/golden-venv/bin/python scripts/make_golden_wrap.py
"""
from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path

import torch
from lion_pytorch import Lion
from pytorch_optimizer import SAM, Lookahead

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden"

from make_golden import SURFACES, elliptic, himmelblau, rosenbrock  # noqa: E402,F401  (the same surfaces)
R, H, E = "rosenbrock", "himmelblau", "elliptic"
INNER = {"Lion": Lion}        # beyond torch.optim; the rest are torch.optim's own


def inner(spec: dict, params: list):
    """A torch.optim (or lion-pytorch) optimizer from our config's nested {"name", "params"}."""
    cls = INNER.get(spec["name"]) or getattr(torch.optim, spec["name"])
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.get("params", {}).items()}
    if cls is not Lion:
        kwargs["foreach"] = False
    return cls, kwargs


LBFGS_CASES = [
    ("plain-rosenbrock", {}, R),
    ("strong_wolfe-rosenbrock", {"line_search_fn": "strong_wolfe"}, R),
    ("lr-himmelblau", {"lr": 0.1}, H),
    ("history-max_iter-rosenbrock", {"history_size": 3, "max_iter": 5, "lr": 0.5}, R),
    ("max_eval-strong_wolfe-himmelblau", {"max_eval": 4, "line_search_fn": "strong_wolfe"}, H),
    ("tolerances-elliptic", {"tolerance_grad": 1e-3, "tolerance_change": 1e-4, "lr": 0.5}, E),
    ("max_iter-1-elliptic", {"max_iter": 1, "lr": 0.3}, E),
    ("exponentiallr-rosenbrock", {"lr": 0.5, "max_iter": 4}, R, ("ExponentialLR", {"gamma": 0.9})),
]
LOOKAHEAD_CASES = [
    ("adam-rosenbrock", {"optimizer": {"name": "Adam", "params": {"lr": 0.05}}}, R),
    ("sgd-momentum-himmelblau", {"k": 10, "alpha": 0.8,
                                 "optimizer": {"name": "SGD", "params": {"lr": 0.01, "momentum": 0.9}}}, H),
    ("alpha-zero-elliptic", {"k": 3, "alpha": 0.0, "optimizer": {"name": "SGD", "params": {"lr": 0.5}}}, E),
    ("k1-rmsprop-himmelblau", {"k": 1, "alpha": 0.3,
                               "optimizer": {"name": "RMSprop", "params": {"lr": 0.05}}}, H),
    ("lion-rosenbrock", {"k": 6, "alpha": 0.6, "optimizer": {"name": "Lion", "params": {"lr": 0.01}}}, R),
    ("steplr-adam-elliptic", {"k": 4, "optimizer": {"name": "Adam", "params": {"lr": 0.3}}}, E,
     ("StepLR", {"step_size": 30, "gamma": 0.5})),
    ("sam-inside-himmelblau", {"k": 5, "optimizer": {"name": "SAM", "params": {
        "rho": 0.1, "optimizer": {"name": "SGD", "params": {"lr": 0.01}}}}}, H),
]
SAM_CASES = [
    ("sgd-rosenbrock", {"optimizer": {"name": "SGD", "params": {"lr": 1e-3}}}, R),
    ("adam-himmelblau", {"rho": 0.1, "optimizer": {"name": "Adam", "params": {"lr": 0.05}}}, H),
    ("adaptive-elliptic", {"rho": 0.5, "adaptive": True,
                           "optimizer": {"name": "SGD", "params": {"lr": 0.3}}}, E),
    ("adaptive-rosenbrock", {"rho": 0.05, "adaptive": True,
                             "optimizer": {"name": "Adam", "params": {"lr": 0.02}}}, R),
    ("perturb_eps-himmelblau", {"rho": 0.2, "perturb_eps": 0.5,
                                "optimizer": {"name": "SGD", "params": {"lr": 0.01, "momentum": 0.5}}}, H),
    ("cosine-adamw-rosenbrock", {"rho": 0.02, "optimizer": {"name": "AdamW", "params": {"lr": 0.05}}}, R,
     ("CosineAnnealingLR", {"T_max": 100})),
]
STEPS = {"LBFGS": 40, "Lookahead": 150, "SAM": 150}


def build(name: str, kwargs: dict, p: torch.Tensor):
    """The reference optimizer for our config (name, kwargs)."""
    if name == "LBFGS":
        return torch.optim.LBFGS([p], **kwargs)
    spec, rest = kwargs["optimizer"], {k: v for k, v in kwargs.items() if k != "optimizer"}
    if name == "SAM":
        cls, inner_kwargs = inner(spec, [p])
        return SAM([p], base_optimizer=cls, **rest, **inner_kwargs)
    wrapped = build(spec["name"], spec["params"], p) if spec["name"] == "SAM" else None
    if wrapped is None:
        cls, inner_kwargs = inner(spec, [p])
        wrapped = cls([p], **inner_kwargs)
    return Lookahead(wrapped, **rest)


def trajectory(name: str, kwargs: dict, surface: str, scheduler: tuple | None) -> dict:
    f, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = build(name, kwargs, p)
    sched = getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1]) if scheduler else None
    calls: list[list[float]] = []

    def closure():
        opt.zero_grad()
        loss = f(p[0], p[1])
        loss.backward()
        calls.append(p.detach().tolist())
        return loss

    uses_sam = name == "SAM" or kwargs.get("optimizer", {}).get("name") == "SAM"
    points, lrs, extra = [list(start)], [], []
    for _ in range(STEPS[name]):
        lrs.append(opt.param_groups[0]["lr"])
        calls.clear()
        if name == "LBFGS":
            opt.step(closure)
            extra.append(list(calls))
        elif uses_sam:
            closure()
            opt.step(closure)
            extra.append(calls[1])            # the second call: at the perturbed point
        else:
            closure()
            opt.step()
        if name == "Lookahead":
            extra.append(opt.state[p]["slow_params"].tolist())
        if sched:
            sched.step()
        points.append(p.detach().tolist())
    if not all(math.isfinite(v) for pt in points for v in pt):
        raise RuntimeError(f"{name} {kwargs} diverged on {surface}")
    case = {"optimizer": name, "params": kwargs, "surface": surface, "start": list(start),
            "steps": STEPS[name], "scheduler": None if scheduler is None else
            {"name": scheduler[0], "params": scheduler[1]}, "lrs": lrs, "points": points}
    if name == "LBFGS":
        case["evaluations"] = extra
    elif name == "SAM":
        case["perturbed"] = extra
    else:   # Lookahead: slow weights, and SAM's perturbed points when it wraps SAM
        case["slow"] = extra[1::2] if uses_sam else extra
        if uses_sam:
            case["perturbed"] = extra[0::2]
    return case


def _write(path: Path, cases: list[dict], source: str) -> None:
    lines = ",\n".join(json.dumps(case) for case in cases)
    path.write_text(f'{{"torch": "{torch.__version__}", "reference": "{source}", "cases": [\n{lines}\n]}}\n')
    print(f"wrote {path.relative_to(OUT.parents[1])} ({len(cases)} cases)")


def main() -> None:
    torch.set_default_dtype(torch.float64)
    for name, cases, source in [("LBFGS", LBFGS_CASES, f"torch {torch.__version__}"),
                                ("Lookahead", LOOKAHEAD_CASES,
                                 f"pytorch-optimizer {version('pytorch-optimizer')}"),
                                ("SAM", SAM_CASES, f"pytorch-optimizer {version('pytorch-optimizer')}")]:
        out = [{"id": cid, **trajectory(name, kwargs, surface, sched[0] if sched else None)}
               for cid, kwargs, surface, *sched in cases]
        _write(OUT / f"{name.lower()}.json", out, source)


if __name__ == "__main__":
    main()
