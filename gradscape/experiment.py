"""An experiment: a validated configuration in, trajectories out, JSON both ways.

The one description of "what to run" shared by the CLI, the app, its URLs and its exports:

    {"surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 300,
     "noise": {"std": 0.0, "seed": 0},
     "optimizers": [{"name": "Adam", "params": {"lr": 0.05}, "label": "Adam",
                     "scheduler": {"name": "StepLR", "params": {"step_size": 10}}}]}

``surface`` is a built-in id, ``{"expr": "x^2 + y^2", "window": [[-5, 5], [-5, 5]]}``, or a
model's loss over data, ``{"model": "linear" | "logistic" | "tanh_unit", "l2": 0.0, "data": D}``
with D ``{"x": [...], "y": [...]}``, ``{"name": "noisy_line"}`` or ``{"generate": {"n": 100,
"noise": 0.5, "seed": 0, "true": [1.5, 0.5]}}`` (surfaces/data.py). A model surface may add
``"batch": {"size": 16, "shuffle": true, "seed": 0, "drop_last": false}``: each update then
uses the gradient of the batch torch's DataLoader would give (surfaces.data.loader_batches).
An optimizer line may give its own ``"batch"`` (``{"size": 1}``: single-sample SGD beside a
mini-batch line); each distinct batching is its own DataLoader.
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
from surfaces import Surface, data, models
from surfaces.data import Batching, DataError
from surfaces.models import ModelSpec, ModelSurface

MAX_OPTIMIZERS = 16
MAX_UPDATES = 40_000    # steps x optimizers: 16 x 2 500 or 4 x 10 000; seconds of CPU, not minutes
MAX_LABEL = 60
DEFAULT_STEPS = 100


class ConfigError(ValueError):
    """A configuration that cannot run; the message names the field."""


@dataclass(frozen=True)
class Part:
    """A named optimizer or scheduler with the keyword arguments the user gave.

    A composite scheduler's ``schedulers`` is a tuple of Parts (hashable, like the rest)."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": {k: _plain(v) for k, v in self.params}}

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments to build it with (nested Parts as {"name", "params"} dicts)."""
        return {k: v.to_dict() if isinstance(v, Part) else [p.to_dict() for p in v] if _is_parts(v)
                else v for k, v in self.params}


def _is_parts(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, Part) for v in value)


@dataclass(frozen=True)
class Line:
    """One optimizer of the experiment: its label and optional scheduler."""

    optimizer: Part
    label: str
    scheduler: Part | None = None
    batch: Batching | None = None     # this line's own mini-batches (else the config's)

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
        if self.batch is not None:
            out["batch"] = self.batch.to_dict()
        return out


@dataclass(frozen=True)
class Config:
    """A whole experiment, hashable, in canonical form."""

    surface: str | tuple[str, tuple[tuple[float, float], tuple[float, float]] | None] | ModelSpec
    lines: tuple[Line, ...]
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    noise_std: float = 0.0
    noise_seed: int = 0
    batch: Batching | None = None     # mini-batches: only with a model surface

    def to_dict(self) -> dict[str, Any]:
        if isinstance(self.surface, str):
            surface: Any = self.surface
        elif isinstance(self.surface, ModelSpec):
            surface = self.surface.to_dict()
        else:
            expr, window = self.surface
            surface = {"expr": expr} if window is None else {"expr": expr, "window": [list(w) for w in window]}
        out: dict[str, Any] = {"surface": surface}
        if self.start is not None:
            out["start"] = list(self.start)
        out["steps"] = self.steps
        out["noise"] = {"std": self.noise_std, "seed": self.noise_seed}
        if self.batch is not None:
            out["batch"] = self.batch.to_dict()
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
    momentum (K,): the momentum or β1 of each update where the scheduler cycles it (CyclicLR,
    OneCycleLR with cycle_momentum), else None (and absent from ``to_dict``).
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
    momentum: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.label, "optimizer": self.optimizer.to_dict(),
               "scheduler": None if self.scheduler is None else self.scheduler.to_dict(),
               "points": self.points.tolist(), "loss": self.loss.tolist(),
               "grad": self.grad.tolist(), "lr": self.lr.tolist()}
        if self.momentum is not None:
            out["momentum"] = self.momentum.tolist()
        out["diverged_at"] = self.diverged_at
        return out


@dataclass(frozen=True, eq=False)
class Result:
    """The runs of an experiment, one per line, in the config's order.

    ``batches``: per run, the rows of each update's mini-batch (lines with the same batching
    draw the same ones, as one DataLoader shared by those optimizers): update t of run i used
    ``batches[i][t]``; None for a run whose every update used every row.
    """

    config: Config
    surface: Surface
    start: tuple[float, float]
    runs: tuple[Run, ...] = ()
    batches: tuple[tuple[np.ndarray, ...] | None, ...] = ()

    def run_batches(self, run: Run) -> list[list[int]] | None:
        """The row indices of each update of ``run`` (as many as its lr), or None (all rows)."""
        rows = self.batches[self.runs.index(run)] if self.batches else None
        return None if rows is None else [b.tolist() for b in rows[:len(run.lr)]]

    def batching(self, run: Run) -> Batching | None:
        """The mini-batches ``run`` used (its line's, else the config's), None for full batch."""
        line = self.config.lines[self.runs.index(run)]
        return line.batch if line.batch is not None else self.config.batch

    def to_dict(self) -> dict[str, Any]:
        out = {"surface": self.config.to_dict()["surface"], "start": list(self.start),
               "steps": self.config.steps, "runs": [r.to_dict() for r in self.runs]}
        if isinstance(self.surface, ModelSurface):   # the data and the batches: recompute any step
            out["data"] = {"x": self.surface.inputs.tolist(), "y": self.surface.targets.tolist()}
            for run, listed in zip(self.runs, out["runs"]):
                listed["batches"] = self.run_batches(run)
        return out


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
    unknown = set(data) - {"surface", "start", "steps", "noise", "batch", "optimizers"}
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
    lines = _lines(data.get("optimizers"), surface)
    if steps * len(lines) > MAX_UPDATES:
        raise ConfigError(f"steps: {len(lines)} optimizers x {steps} steps is {len(lines) * steps:,} "
                          f"updates, more than the {MAX_UPDATES:,} one experiment may run; "
                          f"use fewer steps or fewer optimizers")
    batch = _batch(data.get("batch"), surface)
    config = Config(surface, lines, start, steps, std, seed, batch)
    resolved = resolve_surface(config)   # a formula, window or dataset that cannot be used fails here
    for where, given in [("batch", batch)] + [(f"optimizers[{i}].batch", line.batch)
                                             for i, line in enumerate(lines)]:
        if given is not None and given.per_epoch(resolved.n) == 0:
            raise ConfigError(f"{where}.size: {given.size} is more than the data's {resolved.n} "
                              f"rows and drop_last is true: no batch at all")
    return config


def _surface(value: Any) -> Any:
    if isinstance(value, str):
        if value not in surfaces.names():
            raise ConfigError(f"surface: unknown surface '{value}'; known: {', '.join(surfaces.names())}")
        return value
    if isinstance(value, dict) and "model" in value:
        return _model(value)
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


def _model(value: dict) -> ModelSpec:
    """``{"model": ..., "l2": λ, "data": D}`` as a ModelSpec; the data is checked here."""
    if set(value) - {"model", "l2", "data"}:
        raise ConfigError(f"surface: unknown field '{sorted(set(value) - {'model', 'l2', 'data'})[0]}'"
                          f"; a model surface is {{\"model\": ..., \"l2\": 0.0, \"data\": ...}}")
    model = value["model"]
    if model not in data.MODELS:
        raise ConfigError(f"surface.model: unknown model '{str(model)[:40]}'; known: "
                          f"{', '.join(data.MODELS)}")
    l2 = _float(value.get("l2", 0.0), "surface.l2", 0.0, 1e3)
    if "data" not in value:
        raise ConfigError("surface.data: missing; give {\"x\": [...], \"y\": [...]}, "
                          "{\"name\": \"...\"} or {\"generate\": {...}}")
    try:
        return ModelSpec(model, data.parse_source(value["data"], model), l2)
    except DataError as exc:
        raise _data_error(exc) from None


def _data_error(exc: DataError) -> ConfigError:
    """``x[3]: ...`` as ``surface.data.x[3]: ...``; a message without a field after ``surface.data:``."""
    text = str(exc)
    named = re.match(r"[A-Za-z_][\w.\[\]]*: ", text)
    return ConfigError(f"surface.data.{text}" if named else f"surface.data: {text}")


def _batch(value: Any, surface: Any, where: str = "batch") -> Batching | None:
    """``{"size": 16, "shuffle": true, "seed": 0, "drop_last": false}`` as a Batching."""
    if value is None:
        return None
    if not isinstance(surface, ModelSpec):
        raise ConfigError(f"{where}: mini-batches need a model surface ({{\"model\": ..., \"data\": ...}})")
    if not isinstance(value, dict) or set(value) - {"size", "shuffle", "seed", "drop_last"}:
        raise ConfigError(f'{where}: must be {{"size": rows, "shuffle": true, "seed": 0, "drop_last": false}}')
    if "size" not in value:
        raise ConfigError(f"{where}.size: missing")
    size = _int(value["size"], f"{where}.size", 1, data.MAX_ROWS)
    flags = {}
    for name, default in (("shuffle", True), ("drop_last", False)):
        flags[name] = value.get(name, default)
        if not isinstance(flags[name], bool):
            raise ConfigError(f"{where}.{name}: must be true or false, got {flags[name]!r:.40}")
    seed = _int(value.get("seed", 0), f"{where}.seed", 0, 2**32 - 1)
    return Batching(size, flags["shuffle"], seed, flags["drop_last"])


def _lines(value: Any, surface: Any = None) -> tuple[Line, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("optimizers: must be a non-empty list")
    if len(value) > MAX_OPTIMIZERS:
        raise ConfigError(f"optimizers: at most {MAX_OPTIMIZERS}, got {len(value)}")
    lines: list[Line] = []
    labels: list[str] = []
    for i, item in enumerate(value):
        where = f"optimizers[{i}]"
        if not isinstance(item, dict) or set(item) - {"name", "params", "label", "scheduler", "batch",
                                                      "from_code"}:
            raise ConfigError(f"{where}: must be an object with name, params, label, scheduler"
                              f"{', batch' if isinstance(surface, ModelSpec) else ''} "
                              "(or from_code instead of name and params)")
        opt = _part(_from_code(item, where, "optimizer"), where, optimizers.ALL_OPTIMIZERS,
                    optimizers.make)
        sched = None
        if item.get("scheduler") is not None:
            sched = _part(_from_code(item["scheduler"], f"{where}.scheduler", "scheduler"),
                          f"{where}.scheduler", optimizers.SCHEDULERS, optimizers.make_scheduler)
            _check_pair(Line(opt, opt.name, sched), f"{where}.scheduler")
        label = item.get("label") or opt.name
        if not isinstance(label, str):
            raise ConfigError(f"{where}.label: must be text")
        label = unique_label(" ".join(label.split())[:MAX_LABEL] or opt.name, labels)
        labels.append(label)
        lines.append(Line(opt, label, sched, _batch(item.get("batch"), surface, f"{where}.batch")))
    return tuple(lines)


def _check_pair(line: Line, where: str) -> None:
    """What only the optimizer and scheduler together decide: a scheduler that cycles the
    momentum needs an optimizer with momentum or betas (torch's error)."""
    optimizer, scheduler = line.build()
    if scheduler.momentums(0) is not None:
        try:
            optimizers.momentum_slot(optimizer)
        except ValueError as exc:
            raise ConfigError(f"{where}.params.cycle_momentum: {exc} ({optimizer.name} has "
                              "neither; set cycle_momentum to false)") from None


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
    nested = {}
    for h in known[name].hyperparams:           # a composite scheduler's own schedulers first
        if h.kind == "schedulers" and isinstance(params.get(h.name), list):
            nested[h.name] = tuple(_part(sub, f"{where}.params.{h.name}[{j}]", known, make)
                                   for j, sub in enumerate(params[h.name]))
    try:
        made = make(name, {**params, **{k: [p.to_dict() for p in v] for k, v in nested.items()}})
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}.params: {exc}") from None
    given = tuple((k, nested[k] if k in nested else
                   _part(params[k], f"{where}.params.{k}", optimizers.ALL_OPTIMIZERS, make)
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
    """JSON-ready: arrays to lists, tuples to lists, NumPy scalars to Python numbers, Parts
    (and built schedulers, nested in a composite's) to {"name", "params"}."""
    if isinstance(value, Part):
        return value.to_dict()
    if isinstance(value, optimizers.Scheduler):
        return _used(value).to_dict()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- running -------------------------------------------------------------------------------

def resolve_surface(config: Config) -> Surface:
    """The Surface a config names: a built-in, a parsed formula, or a model over its data."""
    if isinstance(config.surface, str):
        return surfaces.get(config.surface)
    if isinstance(config.surface, ModelSpec):
        try:
            return models.build(config.surface)
        except DataError as exc:
            raise _data_error(exc) from None
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
    chosen = [line.batch if line.batch is not None else config.batch for line in config.lines]
    every: list[Paths | None] = [None] * len(built)
    drawn: dict[Batching | None, tuple | None] = {}
    # in lockstep: one evaluation of the surface per step for every line of one batching (a
    # long formula costs once, not once per optimizer); each line's path is the one it has alone
    for batching in dict.fromkeys(chosen):
        members = [i for i, b in enumerate(chosen) if b == batching]
        drawn[batching] = (None if batching is None else
                           tuple(data.loader_batches(surface.n, batching, config.steps)))
        paths = run_many(surface, [built[i] for i in members], np.array([start]), config.steps,
                         noise_std=config.noise_std, seed=config.noise_seed,
                         batches=drawn[batching])
        for i, p in zip(members, paths):
            every[i] = p
    runs = [Run(line.label, _used(optimizer), None if scheduler is None else _used(scheduler),
                **paths.run(0))
            for line, (optimizer, scheduler), paths in zip(config.lines, built, every)]
    return Result(config, surface, tuple(start), tuple(runs), tuple(drawn[b] for b in chosen))


def spelled_out(made: optimizers.Optimizer | optimizers.Scheduler) -> dict[str, Any]:
    """Every keyword argument of a built optimizer or scheduler as JSON-ready data."""
    return _used(made).to_dict()["params"]


def _used(made: optimizers.Optimizer | optimizers.Scheduler) -> Part:
    """Every keyword argument of a built optimizer or scheduler, defaults included (a
    composite's schedulers each with theirs)."""
    return Part(made.name, tuple(
        (k, tuple(_used(s) for s in v) if k == "schedulers" else _hashable(v))
        for k, v in made.params.items()))
