"""Write the two datasets shipped in surfaces/datasets/ (synthetic, CC0): run by hand.

Neither holds real measurements: both are drawn here from NumPy's default_rng with fixed seeds
and rounded to 3 decimals, so that the files are small and readable.

- noisy_line.csv (x, y), 50 rows: x ~ U(0, 4) sorted and shifted by −2 (x in [−2, 2]),
  y = 1.5·x + 0.5 + 0.6·ε with ε ~ N(0, 1); seed 2024. For linear regression (and the tanh
  unit).
- two_clouds.csv (x1, x2, y), 80 rows: 40 points around (1, 0.5) labelled +1 and 40 around
  (−1, −0.5) labelled −1, each N(centre, 0.9²·I); seed 2025. Overlapping: the logistic loss
  has a minimum without l2.

    .venv/bin/python scripts/make_datasets.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "surfaces" / "datasets"


def noisy_line() -> str:
    rng = np.random.default_rng(2024)
    x = np.sort(rng.uniform(0, 4, 50)) - 2
    y = 1.5 * x + 0.5 + 0.6 * rng.standard_normal(50)
    return "x,y\n" + "".join(f"{a:.3f},{b:.3f}\n" for a, b in zip(x, y))


def two_clouds() -> str:
    rng = np.random.default_rng(2025)
    pos = rng.normal((1.0, 0.5), 0.9, (40, 2))
    neg = rng.normal((-1.0, -0.5), 0.9, (40, 2))
    rows = [(a, b, 1) for a, b in pos] + [(a, b, -1) for a, b in neg]
    order = rng.permutation(len(rows))
    return "x1,x2,y\n" + "".join(f"{rows[i][0]:.3f},{rows[i][1]:.3f},{rows[i][2]}\n" for i in order)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    (OUT / "noisy_line.csv").write_text(noisy_line())
    (OUT / "two_clouds.csv").write_text(two_clouds())
    print("wrote", *sorted(p.name for p in OUT.glob("*.csv")))
