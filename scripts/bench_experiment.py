"""Benchmark whole experiments at the app's bounds: 16 optimizer lines x 2 500 steps (40 000
updates, the most one experiment may run), on a built-in surface and on a long typed formula.

An experiment's lines are stepped in lockstep (``runner.run_many``): one evaluation of the
surface per step serves every line, which is what makes a long formula affordable. Prints the
seconds of ``experiment.simulate`` for each case (best of ``--repeat``).
Usage: .venv/bin/python scripts/bench_experiment.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradscape import presets  # noqa: E402
from gradscape.experiment import load, simulate  # noqa: E402

FORMULA = "+".join(f"sin({i}*x+y)*cos(x-{i}*y)" for i in range(1, 12))     # 245 characters
LINES, STEPS = 16, 2_500


def config(surface: object, optimizer: dict) -> str:
    return json.dumps({"surface": surface, "start": [1, 1], "steps": STEPS, "optimizers": [optimizer] * LINES})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    formula = {"expr": FORMULA, "window": [[-3, 3], [-3, 3]]}
    cases = [("textbook preset (4 lines x 30 steps)", presets.get("textbook")),
             # what a dragged start recomputes per pointer position: the core's per-step Python
             ("rosenbrock preset (4 lines x 500 steps)", presets.get("rosenbrock")),
             (f"rosenbrock, {LINES} Adam x {STEPS}", load(config("rosenbrock", {"name": "Adam", "params": {"lr": 0.01}}))),
             (f"{len(FORMULA)}-char formula, {LINES} Adam x {STEPS}", load(config(formula, {"name": "Adam", "params": {"lr": 0.01}}))),
             (f"{len(FORMULA)}-char formula, {LINES} Newton x {STEPS}", load(config(formula, {"name": "Newton"})))]
    for name, cfg in cases:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            simulate(cfg)
            times.append(time.perf_counter() - started)
        print(f"{name:45s} best {min(times):7.3f} s")


if __name__ == "__main__":
    main()
