"""Write tests/golden/models.json: the model surfaces and DataLoader batches, from real torch.

1. Surfaces: for each case (a model, its rows, λ) and a handful of parameter points, the loss
   L = mean over rows (+ λ/2·|θ|²) written in torch as the issue defines it, with its gradient
   (``torch.autograd.grad``) and Hessian (``torch.autograd.functional.hessian``), float64.
   Logistic uses ``torch.nn.functional.softplus(-m)`` = log(1 + e^(−m)).
2. Batches: the row indices ``torch.utils.data.DataLoader(TensorDataset(arange(n)), batch_size,
   shuffle, drop_last, generator=torch.Generator().manual_seed(seed))`` yields over several
   epochs (each epoch a new ``iter(loader)``, as ``for batch in loader`` does).
3. Steps: SGD(lr=0.1, momentum=0.9) and Adam(lr=0.05) on a linear model with mini-batches of 8
   from that DataLoader: each step's parameters, so the runner's mini-batch path is checked
   against torch.optim end to end.

The rows come from gradscape's own generator (the data is input, not output, of what is
checked), passed here as lists. torch is not a gradscape dependency; run with
    /tmp/golden-venv/bin/python scripts/make_golden_models.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from surfaces import data  # noqa: E402  (NumPy only: the generator that makes the rows)

torch.set_default_dtype(torch.float64)


def loss(model: str, x: torch.Tensor, y: torch.Tensor, l2: float, theta: torch.Tensor):
    p, q = theta[0], theta[1]
    if model == "linear":
        out = ((p * x + q - y) ** 2).mean()
    elif model == "logistic":
        out = torch.nn.functional.softplus(-(y * (p * x[:, 0] + q * x[:, 1]))).mean()
    else:
        out = ((p * torch.tanh(q * x) - y) ** 2).mean()
    return out + l2 / 2 * (theta ** 2).sum()


CASES = [("linear", {"n": 40, "noise": 0.5, "seed": 1, "true": [1.5, 0.5]}, 0.0),
         ("linear", {"n": 7, "noise": 2.0, "seed": 2, "true": [-3.0, 2.0]}, 0.3),
         ("logistic", {"n": 60, "noise": 1.0, "seed": 3, "true": [1.5, -1.0]}, 0.0),
         ("logistic", {"n": 30, "noise": 0.0, "seed": 4, "true": [2.0, 1.0]}, 0.1),
         ("tanh_unit", {"n": 50, "noise": 0.1, "seed": 5, "true": [1.0, 2.0]}, 0.0),
         ("tanh_unit", {"n": 20, "noise": 0.3, "seed": 6, "true": [-2.0, 0.5]}, 0.05)]
POINTS = [[0.0, 0.0], [0.3, -1.2], [-2.0, 1.5], [1.0, 2.0], [4.0, -3.0], [-0.7, -0.2]]


def surfaces() -> list[dict]:
    out = []
    for model, gen, l2 in CASES:
        rows = data.generate(model, gen["n"], gen["noise"], gen["seed"], tuple(gen["true"]))
        x, y = torch.tensor(rows.x), torch.tensor(rows.y)
        evaluated = []
        for point in POINTS:
            theta = torch.tensor(point, requires_grad=True)
            value = loss(model, x, y, l2, theta)
            (grad,) = torch.autograd.grad(value, theta)
            hess = torch.autograd.functional.hessian(lambda t: loss(model, x, y, l2, t),
                                                     torch.tensor(point))
            evaluated.append({"point": point, "value": value.item(), "grad": grad.tolist(),
                              "hessian": hess.tolist()})
        out.append({"model": model, "l2": l2, "data": rows.to_dict(), "generate": gen,
                    "points": evaluated})
    return out


BATCH_CASES = [(10, 4, True, 3, False), (10, 4, True, 3, True), (12, 4, True, 0, False),
               (12, 5, True, 7, True), (100, 32, True, 42, False), (10_000, 32, True, 0, False),
               (9, 1, True, 11, False), (10, 4, False, 0, False), (5, 8, True, 1, False)]


def batches() -> list[dict]:
    out = []
    for n, size, shuffle, seed, drop_last in BATCH_CASES:
        g = torch.Generator()
        g.manual_seed(seed)
        loader = DataLoader(TensorDataset(torch.arange(n)), batch_size=size, shuffle=shuffle,
                            drop_last=drop_last, generator=g)
        want = 400 if n >= 1000 else 40    # 313 batches an epoch at n = 10 000
        got: list[list[int]] = []
        while len(got) < want:
            got.extend(b[0].tolist() for b in loader)
        out.append({"n": n, "size": size, "shuffle": shuffle, "seed": seed,
                    "drop_last": drop_last, "batches": got[:want]})
    return out


def steps() -> list[dict]:
    gen = {"n": 50, "noise": 0.5, "seed": 8, "true": [1.5, 0.5]}
    rows = data.generate("linear", gen["n"], gen["noise"], gen["seed"], tuple(gen["true"]))
    x, y = torch.tensor(rows.x), torch.tensor(rows.y)
    out = []
    for name, make in (("SGD", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                       ("Adam", lambda p: torch.optim.Adam(p, lr=0.05))):
        theta = torch.tensor([-2.0, 2.0], requires_grad=True)
        opt = make([theta])
        g = torch.Generator()
        g.manual_seed(5)
        loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, generator=g)
        points = [theta.tolist()]
        while len(points) < 31:
            for xb, yb in loader:
                opt.zero_grad()
                ((theta[0] * xb + theta[1] - yb) ** 2).mean().backward()
                opt.step()
                points.append(theta.tolist())
                if len(points) == 31:
                    break
        out.append({"optimizer": name, "points": points})
    return [{"generate": gen, "batch": {"size": 8, "shuffle": True, "seed": 5},
             "start": [-2.0, 2.0], "runs": out}]


if __name__ == "__main__":
    golden = {"torch": torch.__version__, "surfaces": surfaces(), "batches": batches(),
              "steps": steps()}
    path = ROOT / "tests" / "golden" / "models.json"
    path.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
