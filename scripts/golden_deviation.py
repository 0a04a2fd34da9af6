"""Print, per optimizer, the largest deviation of our trajectories from tests/golden's.

    python scripts/golden_deviation.py [name ...]     (default: every BEYOND and TEXTBOOK one)

For each case: the largest relative difference max |ours − ref| / max(|ref|, 1e-12) over all
points (x and z too for the schedule-free methods), and the largest absolute one; per optimizer
the worst case. Uses the update rules only (gradients from tests/test_optimizers.py's formulas).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import optimizers  # noqa: E402
from test_optimizers_beyond import _replay_case, load  # noqa: E402


def deviation(case: dict) -> tuple[float, float]:
    _, got, states = _replay_case(case)
    pairs = [(got, np.array(case["points"]))]
    if "x" in case:
        pairs += [(np.array([s.x[0] for s in states]), np.array(case["x"])),
                  (np.array([s.z[0] for s in states]), np.array(case["z"]))]
    rel = max(float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))) for a, b in pairs)
    return rel, max(float(np.max(np.abs(a - b))) for a, b in pairs)


def main(names: list[str]) -> None:
    for name in names or [*optimizers.BEYOND, *optimizers.TEXTBOOK]:
        worst = max((deviation(case) + (case["id"],) for case in load(name)), key=lambda r: r[0])
        print(f"{name:20s} max rel {worst[0]:.2e}  max abs {worst[1]:.2e}  ({worst[2]})")


if __name__ == "__main__":
    main(sys.argv[1:])
