"""An experiment: a validated configuration in, trajectories out, JSON both ways.

The one description of "what to run" shared by the CLI, the app, its URLs and its exports:

    {"surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 300,
     "noise": {"std": 0.0, "seed": 0},
     "optimizers": [{"name": "Adam", "params": {"lr": 0.05}, "label": "Adam",
                     "scheduler": {"name": "StepLR", "params": {"step_size": 10}}}]}

``surface`` is a built-in id or ``{"expr": "x^2 + y^2", "window": [[-5, 5], [-5, 5]]}``.
An optimizer line (or its scheduler) may instead be a pasted line of code, read and never run
(``code_line``): ``{"from_code": "torch.optim.AdamW(model.parameters(), lr=3e-4)"}``. A wrapper
(Lookahead, SAM) nests its optimizer: ``{"name": "SAM", "params": {"rho": 0.05, "optimizer":
{"name": "SGD", "params": {"lr": 0.1}}}}``; in a Config the nested one is a Part too (hashable).
Everything but ``surface`` and ``optimizers`` is optional. Invalid input raises ``ConfigError``
whose message starts with the field it is about.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

import optimizers
import surfaces
from gradscape import code_line
from optimizers.runner import MAX_STEPS, Paths, run_many
from surfaces import Surface

MAX_OPTIMIZERS = 16
MAX_UPDATES = 40_000    # steps x optimizers: 16 x 2 500 or 4 x 10 000; seconds of CPU, not minutes
MAX_LABEL = 60
DEFAULT_STEPS = 100


class ConfigError(ValueError):
    """A configuration that cannot run; the message names the field."""


@dataclass(frozen=True)
class Part:
    """A named optimizer or scheduler with the keyword arguments the user gave."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": {k: _plain(v) for k, v in self.params}}

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments for ``optimizers.make``: a nested Part as its dict."""
        return {k: v.to_dict() if isinstance(v, Part) else v for k, v in self.params}


@dataclass(frozen=True)
class Line:
    """One optimizer of the experiment: its label and optional scheduler."""

    optimizer: Part
    label: str
    scheduler: Part | None = None

    def build(self) -> tuple[optimizers.Optimizer, optimizers.Scheduler | None]:
        """The optimizer and (optional) scheduler this line describes, ready to run."""
        optimizer = optimizers.make(self.optimizer.name, self.optimizer.kwargs())
        scheduler = None if self.scheduler is None else optimizers.make_scheduler(
            self.scheduler.name, self.scheduler.kwargs())
        return optimizer, scheduler

    def to_dict(self) -> dict[str, Any]:
        out = {**self.optimizer.to_dict(), "label": self.label}
        if self.scheduler is not None:
            out["scheduler"] = self.scheduler.to_dict()
        return out


@dataclass(frozen=True)
class Config:
    """A whole experiment, hashable, in canonical form."""

    surface: str | tuple[str, tuple[tuple[float, float], tuple[float, float]] | None]
    lines: tuple[Line, ...]
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    noise_std: float = 0.0
    noise_seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        if isinstance(self.surface, str):
            surface: Any = self.surface
        else:
            expr, window = self.surface
            surface = {"expr": expr} if window is None else {"expr": expr, "window": [list(w) for w in window]}
        out: dict[str, Any] = {"surface": surface}
        if self.start is not None:
            out["start"] = list(self.start)
        out["steps"] = self.steps
        out["noise"] = {"std": self.noise_std, "seed": self.noise_seed}
        out["optimizers"] = [line.to_dict() for line in self.lines]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))


@dataclass(frozen=True, eq=False)
class Run:
    """One line's trajectory, cut before its first non-finite point.

    points (K+1, 2) with the start first, loss (K+1,), grad (K+1, 2): f and ∇f at each point;
    lr (K,): ``lr[t]`` moved ``points[t]`` to ``points[t+1]``. ``diverged_at`` is the index of
    the first point whose coordinates, loss or gradient was not finite (not recorded), or None.
    ``optimizer`` and ``scheduler`` carry every keyword argument the run used, defaults included.
    """

    label: str
    optimizer: Part
    scheduler: Part | None
    points: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    lr: np.ndarray
    diverged_at: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "optimizer": self.optimizer.to_dict(),
                "scheduler": None if self.scheduler is None else self.scheduler.to_dict(),
                "points": self.points.tolist(), "loss": self.loss.tolist(),
                "grad": self.grad.tolist(), "lr": self.lr.tolist(), "diverged_at": self.diverged_at}


@dataclass(frozen=True, eq=False)
class Result:
    """The runs of an experiment, one per line, in the config's order."""

    config: Config
    surface: Surface
    start: tuple[float, float]
    runs: tuple[Run, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"surface": self.config.to_dict()["surface"], "start": list(self.start),
                "steps": self.config.steps, "runs": [r.to_dict() for r in self.runs]}


# --- parsing -------------------------------------------------------------------------------

def load(data: Any) -> Config:
    """Validate a JSON-like dict (or JSON text) into a Config; ConfigError names the field."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"config: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError("config: must be a JSON object")
    unknown = set(data) - {"surface", "start", "steps", "noise", "optimizers"}
    if unknown:
        raise ConfigError(f"config: unknown field '{sorted(unknown)[0]}'")
    surface = _surface(data.get("surface"))
    start = None if data.get("start") is None else _point(data["start"], "start")
    steps = _int(data.get("steps", DEFAULT_STEPS), "steps", 0, MAX_STEPS)
    noise = data.get("noise") or {}
    if not isinstance(noise, dict) or set(noise) - {"std", "seed"}:
        raise ConfigError("noise: must be an object {\"std\": number, \"seed\": integer}")
    std = _float(noise.get("std", 0.0), "noise.std", 0.0, 1e6)
    seed = _int(noise.get("seed", 0), "noise.seed", 0, 2**32 - 1)
    lines = _lines(data.get("optimizers"))
    if steps * len(lines) > MAX_UPDATES:
        raise ConfigError(f"steps: {len(lines)} optimizers x {steps} steps is {len(lines) * steps:,} "
                          f"updates, more than the {MAX_UPDATES:,} one experiment may run; "
                          f"use fewer steps or fewer optimizers")
    config = Config(surface, lines, start, steps, std, seed)
    resolve_surface(config)    # a formula or window that cannot be used fails here, not later
    return config


def _surface(value: Any) -> Any:
    if isinstance(value, str):
        if value not in surfaces.names():
            raise ConfigError(f"surface: unknown surface '{value}'; known: {', '.join(surfaces.names())}")
        return value
    if isinstance(value, dict):
        if set(value) - {"expr", "window"} or not isinstance(value.get("expr"), str):
            raise ConfigError('surface: must be a built-in id or {"expr": "...", "window": [[xmin, xmax], [ymin, ymax]]}')
        window = value.get("window")
        if window is not None:
            if not isinstance(window, (list, tuple)) or len(window) != 2:
                raise ConfigError("surface.window: must be [[xmin, xmax], [ymin, ymax]]")
            window = (_point(window[0], "surface.window[0]"), _point(window[1], "surface.window[1]"))
            for i, (lo, hi) in enumerate(window):
                if not lo < hi:
                    raise ConfigError(f"surface.window[{i}]: min must be less than max")
        return (value["expr"], window)
    raise ConfigError("surface: missing; give a built-in id such as 'elliptic' or {\"expr\": ...}")


def _lines(value: Any) -> tuple[Line, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("optimizers: must be a non-empty list")
    if len(value) > MAX_OPTIMIZERS:
        raise ConfigError(f"optimizers: at most {MAX_OPTIMIZERS}, got {len(value)}")
    lines: list[Line] = []
    labels: list[str] = []
    for i, item in enumerate(value):
        where = f"optimizers[{i}]"
        if not isinstance(item, dict) or set(item) - {"name", "params", "label", "scheduler",
                                                      "from_code"}:
            raise ConfigError(f"{where}: must be an object with name, params, label, scheduler "
                              "(or from_code instead of name and params)")
        opt = _part(_from_code(item, where, "optimizer"), where, optimizers.ALL_OPTIMIZERS,
                    optimizers.make)
        sched = None
        if item.get("scheduler") is not None:
            sched = _part(_from_code(item["scheduler"], f"{where}.scheduler", "scheduler"),
                          f"{where}.scheduler", optimizers.SCHEDULERS, optimizers.make_scheduler)
        label = item.get("label") or opt.name
        if not isinstance(label, str):
            raise ConfigError(f"{where}.label: must be text")
        label = unique_label(" ".join(label.split())[:MAX_LABEL] or opt.name, labels)
        labels.append(label)
        lines.append(Line(opt, label, sched))
    return tuple(lines)


def unique_label(label: str, taken: list[str]) -> str:
    """``label``, or ``label (2)``, ``label (3)``... the first not in ``taken``."""
    base = re.sub(r" \(\d+\)$", "", label) or label
    candidate, k = label, 2
    while candidate in taken:
        candidate, k = f"{base} ({k})", k + 1
    return candidate


def _from_code(item: Any, where: str, kind: str) -> Any:
    """``item`` with its "from_code" line read into name and params (``code_line.parse``)."""
    if not isinstance(item, dict) or "from_code" not in item:
        return item
    if "name" in item or "params" in item:
        raise ConfigError(f"{where}: give from_code or name and params, not both")
    try:
        found, part = code_line.parse(item["from_code"])
    except code_line.CodeLineError as exc:
        raise ConfigError(f"{where}.from_code: {exc}") from None
    if found != kind:
        article = "an" if kind == "optimizer" else "a"
        raise ConfigError(f"{where}.from_code: {part['name']} is a {found}, not {article} {kind}"
                          + (' (give it as "scheduler": {"from_code": ...})' if found == "scheduler" else ""))
    return {**{k: v for k, v in item.items() if k != "from_code"}, **part}


def _part(item: Any, where: str, known: dict, make: Any) -> Part:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ConfigError(f"{where}.name: missing")
    name = item["name"]
    if name not in known:
        raise ConfigError(f"{where}.name: unknown '{name[:40]}'; known: {', '.join(known)}")
    params = item.get("params") or {}
    if not isinstance(params, dict):
        raise ConfigError(f"{where}.params: must be an object")
    try:
        made = make(name, params)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}.params: {exc}") from None
    given = tuple((k, _part(params[k], f"{where}.params.{k}", optimizers.ALL_OPTIMIZERS, make)
                   if isinstance(made.params[k], optimizers.Optimizer) and isinstance(params[k], dict)
                   else _hashable(made.params[k])) for k in params)
    return Part(name, given)


def _point(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ConfigError(f"{where}: must be a pair of numbers [x, y]")
    return (_float(value[0], where, -1e6, 1e6), _float(value[1], where, -1e6, 1e6))


def _no_constant(name: str) -> None:
    """JSON's NaN, Infinity and -Infinity are not numbers a config may hold."""
    raise ValueError(f"{name} is not allowed")


def _float(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: must be a number, got {value!r:.40}")
    try:
        number = float(value)
    except OverflowError:           # an integer with hundreds of digits
        number = math.inf
    if not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(f"{where}: must be a finite number from {low:g} to {high:g}, got {number:g}")
    return number


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not math.isfinite(value)) or value != int(value):
        raise ConfigError(f"{where}: must be an integer, got {value!r:.40}")
    if not low <= value <= high:
        raise ConfigError(f"{where}: must be from {low} to {high}, got {value!r:.40}")
    return int(value)


def _hashable(value: Any) -> Any:
    if isinstance(value, optimizers.Optimizer):      # a wrapper's optimizer
        return _used(value)
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _plain(value: Any) -> Any:
    """JSON-ready: arrays to lists, tuples to lists, NumPy scalars to Python numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Part):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- running -------------------------------------------------------------------------------

def resolve_surface(config: Config) -> Surface:
    """The Surface a config names: a built-in, or a parsed formula."""
    if isinstance(config.surface, str):
        return surfaces.get(config.surface)
    expr, window = config.surface
    try:
        return surfaces.from_formula(expr, window=window)
    except ValueError as exc:
        raise ConfigError(f"surface.expr: {exc}") from None


def simulate(config: Config) -> Result:
    """Run every optimizer line of the config from its start point."""
    surface = resolve_surface(config)
    start = config.start if config.start is not None else surface.start
    built = [line.build() for line in config.lines]
    # in lockstep: one evaluation of the surface per step for every line (a long formula costs
    # once, not once per optimizer); each line's path is the one it has alone
    every: list[Paths] = run_many(surface, built, np.array([start]), config.steps,
                                  noise_std=config.noise_std, seed=config.noise_seed)
    runs = [Run(line.label, _used(optimizer), None if scheduler is None else _used(scheduler),
                **paths.run(0))
            for line, (optimizer, scheduler), paths in zip(config.lines, built, every)]
    return Result(config, surface, tuple(start), tuple(runs))


def _used(made: optimizers.Optimizer | optimizers.Scheduler) -> Part:
    """Every keyword argument of a built optimizer or scheduler, defaults included."""
    return Part(made.name, tuple((k, _hashable(v)) for k, v in made.params.items()))
