"""Mini-batch runs on a model surface against the same work in torch: prints both times.

The work: n = 10 000 generated rows, four optimizers (SGD, SGD with momentum 0.9, Adam,
RMSprop) x 1 000 steps, batch 32 shuffled (DataLoader order, seed 0), each step's full-data
loss recorded (what `gradscape run` reports as loss[t]), for the linear and the logistic model.

gradscape: `experiment.simulate` (the batches drawn, four lines stepped in lockstep).
torch: one DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True, generator seeded 0)
shared by four 2-element parameter tensors and their torch.optim optimizers; per batch, each
optimizer's loss, backward and step; timed with and without the full-data loss per step.
Run with the interpreter that has torch (torch is not a gradscape dependency):

    .venv/bin/python scripts/bench_models.py [--torch /tmp/golden-venv/bin/python]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradscape.experiment import load, simulate  # noqa: E402
from surfaces import data  # noqa: E402

N, STEPS, BATCH, REPEATS = 10_000, 1_000, 32, 3
LINES = [{"name": "SGD", "params": {"lr": 0.05}}, {"name": "SGD", "params": {"lr": 0.05, "momentum": 0.9}},
         {"name": "Adam", "params": {"lr": 0.05}}, {"name": "RMSprop", "params": {"lr": 0.01}}]

TORCH = r'''
import sys, time, json, torch
from torch.utils.data import DataLoader, TensorDataset
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
model, steps, batch, repeats, record = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
rows = json.load(sys.stdin)
x, y = torch.tensor(rows["x"]), torch.tensor(rows["y"])
def loss(t, xb, yb):
    if model == "linear":
        return ((t[0] * xb + t[1] - yb) ** 2).mean()
    return torch.nn.functional.softplus(-(yb * (t[0] * xb[:, 0] + t[1] * xb[:, 1]))).mean()
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    params = [torch.tensor([-2.0, 2.0], requires_grad=True) for _ in range(4)]
    opts = [torch.optim.SGD([params[0]], lr=0.05), torch.optim.SGD([params[1]], lr=0.05, momentum=0.9),
            torch.optim.Adam([params[2]], lr=0.05), torch.optim.RMSprop([params[3]], lr=0.01)]
    g = torch.Generator(); g.manual_seed(0)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=True, generator=g)
    done, full = 0, []
    while done < steps:
        for xb, yb in loader:
            for p, o in zip(params, opts):
                if record:
                    with torch.no_grad():
                        full.append(loss(p, x, y).item())
                o.zero_grad()
                loss(p, xb, yb).backward()
                o.step()
            done += 1
            if done == steps:
                break
    best = min(best, time.perf_counter() - t0)
print(best)
'''


def ours(model: str) -> float:
    gen = {"n": N, "seed": 0, "noise": data.GENERATE_DEFAULTS[model]["noise"],
           "true": list(data.GENERATE_DEFAULTS[model]["true"])}
    config = load({"surface": {"model": model, "data": {"generate": gen}}, "start": [-2.0, 2.0],
                   "steps": STEPS, "batch": {"size": BATCH, "shuffle": True, "seed": 0},
                   "optimizers": LINES})
    from surfaces import models
    models.build(config.surface)             # the dataset and its minimum: not the stepping
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        simulate(config)
        best = min(best, time.perf_counter() - t0)
    return best


def theirs(python: str, model: str, record: bool) -> float | None:
    gen = data.GENERATE_DEFAULTS[model]
    rows = data.generate(model, N, gen["noise"], 0, gen["true"])
    import json
    out = subprocess.run([python, "-c", TORCH, model, str(STEPS), str(BATCH), str(REPEATS),
                          "1" if record else "0"], input=json.dumps(rows.to_dict()),
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr.strip().splitlines()[-1] if out.stderr else "torch failed", file=sys.stderr)
        return None
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torch", default="/tmp/golden-venv/bin/python",
                        help="a Python with torch (default /tmp/golden-venv/bin/python)")
    args = parser.parse_args()
    print(f"n = {N:,} rows, 4 optimizers x {STEPS:,} steps, batch {BATCH}; best of {REPEATS}")
    for model in ("linear", "logistic"):
        mine = ours(model)
        print(f"{model:9s} gradscape (batches + lockstep, full-data loss each step): {mine:7.3f} s")
        for record in (True, False):
            t = theirs(args.torch, model, record)
            what = "with full-data loss each step" if record else "batch losses only        "
            if t is not None:
                print(f"{model:9s} torch DataLoader + 4 optimizers, {what}: {t:7.3f} s"
                      f"  ({t / mine:.1f}x gradscape's time)")


if __name__ == "__main__":
    main()
