"""Benchmark the basin map: Adam on Rosenbrock from a 200x200 grid of starts, 500 steps.

Prints, over several repetitions (best and median, since the CPU may be shared):
  * in-process seconds: ``grids.basin`` (one batched run) and making its JSON (as the CLI does:
    orjson when installed, else the json module);
  * whole-command wall time of ``python -m gradscape basin CONFIG --resolution 200 -o out.json``,
    Python start-up and imports included (the target is at most 1 s).
Usage: .venv/bin/python scripts/bench_basin.py [--repeat 5] [--resolution 200] [--steps 500]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402
import surfaces  # noqa: E402
from gradscape.cli import _json_bytes  # noqa: E402
from optimizers.grids import basin  # noqa: E402

LR = 0.01


def in_process(resolution: int, steps: int) -> tuple[float, float]:
    """Seconds for the batched basin run, and for turning it into JSON as the command does."""
    t0 = time.perf_counter()
    result = basin(surfaces.get("rosenbrock"), optimizers.make("Adam", {"lr": LR}), steps, resolution)
    t1 = time.perf_counter()
    _json_bytes(result.to_dict())
    return t1 - t0, time.perf_counter() - t1


def whole_command(config: Path, out: Path, resolution: int) -> float:
    """Wall seconds of the CLI command, start-up included."""
    cmd = [sys.executable, "-m", "gradscape", "basin", str(config), "--resolution", str(resolution),
           "-o", str(out)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - t0


def summary(name: str, times: list[float]) -> str:
    return f"{name:<28} best {min(times):.3f} s   median {statistics.median(times):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions")
    parser.add_argument("--resolution", type=int, default=200)
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args()
    n = args.resolution
    print(f"basin: Adam(lr={LR}) on rosenbrock, {n}x{n} = {n * n} starts x {args.steps} steps")
    try:
        import orjson  # noqa: F401
        print("JSON written by orjson")
    except ImportError:
        print("JSON written by the json module (pip install orjson: about 0.1 s faster)")
    runs, writes = zip(*(in_process(n, args.steps) for _ in range(args.repeat)))
    print(summary("in-process basin()", list(runs)))
    print(summary("in-process JSON text", list(writes)))
    with tempfile.TemporaryDirectory() as tmp:
        config, out = Path(tmp) / "config.json", Path(tmp) / "out.json"
        config.write_text(json.dumps({"surface": "rosenbrock", "steps": args.steps,
                                      "optimizers": [{"name": "Adam", "params": {"lr": LR}}]}))
        walls = [whole_command(config, out, n) for _ in range(args.repeat)]
        size = out.stat().st_size
    print(summary("whole command (wall)", walls) + f"   ({size / 1e6:.1f} MB of JSON)")
    print("command: python -m gradscape basin CONFIG --resolution "
          f"{n} -o out.json   with CONFIG = rosenbrock, {args.steps} steps, Adam lr={LR}")


if __name__ == "__main__":
    main()
