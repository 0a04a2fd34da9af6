"""The textbook animation (31 frames, 1280x720) against one static PNG export of the same figure.

Measured side by side in one process with a warm Chromium, interleaved, REPEAT times each;
prints the medians, the ratio animation / static PNG and the files' sizes.

    .venv/bin/python scripts/bench_animation.py [--repeat 5]

The static PNG is ``to_bytes(figure, "png", width=1280, height=720)`` at scale 1 (the same
pixels as the animation's frames) and at scale 2 (the page's PNG button: 2560x1440).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradscape import presets  # noqa: E402
from gradscape.experiment import simulate  # noqa: E402
from gradscape.figures import animation, export  # noqa: E402

WIDTH, HEIGHT = 1280, 720


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = simulate(presets.get("textbook"))
    frames = animation.frame_count(result.config.steps, 0)

    def static(scale: float):
        return lambda: export.to_bytes(animation.figure(result, height=HEIGHT), "png",
                                       width=WIDTH, height=HEIGHT, scale=scale)

    jobs = {"static PNG, scale 1": static(1), "static PNG, scale 2": static(2),
            "GIF": lambda: animation.animate(result, "gif", width=WIDTH, height=HEIGHT, hold=0),
            "MP4": lambda: animation.animate(result, "mp4", width=WIDTH, height=HEIGHT, hold=0)}
    static(1)()                       # start Chromium: not part of any measurement
    times: dict[str, list[float]] = {name: [] for name in jobs}
    sizes: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, job in jobs.items():
            began = time.perf_counter()
            data = job()
            times[name].append(time.perf_counter() - began)
            sizes[name] = len(data)
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"textbook preset, {frames} frames of {WIDTH}x{HEIGHT}, median of {args.repeat} interleaved runs")
    for name in jobs:
        print(f"  {name:<20} {median[name]:6.2f} s  (min {min(times[name]):.2f})  {sizes[name] / 1024:8.0f} KiB")
    for name in ("GIF", "MP4"):
        print(f"  {name} / static PNG: {median[name] / median['static PNG, scale 1']:.2f}x at scale 1, "
              f"{median[name] / median['static PNG, scale 2']:.2f}x at scale 2")


if __name__ == "__main__":
    main()
