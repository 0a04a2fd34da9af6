"""The sidebar's form as plain data: widget values <-> the experiment's Config. No Streamlit.

``widget_values`` fills every input from a Config (a preset, a URL, an upload); ``read_config``
reads the config dict back (``experiment.load``'s input), leaving out what equals torch's
defaults; ``current`` validates it, falling back to the last valid Config so that the page
always shows one. Keys come from ``keys``; an optimizer line is known by its uid.
"""
from __future__ import annotations

import math
import re
from typing import Any, Mapping, MutableMapping

import optimizers
import surfaces
from gradscape.experiment import (Config, ConfigError, Line, load, resolve_surface, simulate,
                                  unique_label)
from optimizers.base import Hyperparam

from .keys import Key, line_key, param_key

WINDOW = (Key.XMIN, Key.XMAX, Key.YMIN, Key.YMAX)
FORMULA_OPTION = "(formula)"   # the surface choice that reveals the formula input
NO_SCHEDULER = "(none)"


def widget_values(config: Config, uids: list[int]) -> dict[str, Any]:
    """Every widget value that shows ``config``, one line per uid (len(uids) == len(lines))."""
    surface = surfaces_window(config)
    start = config.start if config.start is not None else _resolved_start(config)
    values: dict[str, Any] = {
        Key.SURFACE: config.surface if isinstance(config.surface, str) else FORMULA_OPTION,
        Key.START_X: float(start[0]), Key.START_Y: float(start[1]),
        Key.STEPS: int(config.steps),
        Key.NOISE_STD: float(config.noise_std), Key.NOISE_SEED: int(config.noise_seed),
    }
    if not isinstance(config.surface, str):
        values[Key.FORMULA] = config.surface[0]
        values.update(zip(WINDOW, (float(v) for pair in surface for v in pair)))
    for uid, line in zip(uids, config.lines, strict=True):
        values.update(line_values(uid, line))
    return values


def line_values(uid: int, line: Line) -> dict[str, Any]:
    """The widget values of one optimizer line: name, label, every parameter, scheduler."""
    opt = line.optimizer
    values = {line_key(uid, "name"): opt.name, line_key(uid, "label"): line.label}
    values.update(part_values(uid, "opt", opt.name, dict(opt.params)))
    if line.scheduler is None:
        values[line_key(uid, "scheduler")] = NO_SCHEDULER
    else:
        values[line_key(uid, "scheduler")] = line.scheduler.name
        values.update(part_values(uid, "sched", line.scheduler.name, dict(line.scheduler.params)))
    return values


def part_values(uid: int, role: str, owner: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values of an optimizer's or scheduler's parameters: given ones, else defaults."""
    values = {}
    for h in hyperparams(role, owner):
        value = given.get(h.name, h.default)
        if h.kind in ("pair", "triple"):
            for part, member in enumerate(value):
                values[param_key(uid, role, owner, h.name, part)] = float(member)
        elif h.kind == "ints":
            values[param_key(uid, role, owner, h.name)] = ", ".join(str(int(v)) for v in value)
        elif h.kind == "bool":
            values[param_key(uid, role, owner, h.name)] = bool(value)
        elif h.kind == "int":
            values[param_key(uid, role, owner, h.name)] = int(value)
        else:   # an optional float may be None (an empty input): the package's "not set"
            values[param_key(uid, role, owner, h.name)] = None if value is None else float(value)
    return values


def hyperparams(role: str, owner: str) -> tuple[Hyperparam, ...]:
    """The hyperparameter descriptions of an optimizer ("opt") or scheduler ("sched")."""
    table = optimizers.ALL_OPTIMIZERS if role == "opt" else optimizers.SCHEDULERS
    return table[owner].hyperparams


def optimizer_label(name: str) -> str:
    """How an optimizer is listed: torch's class name, or e.g. "Newton (reference, not torch.optim)"."""
    return f"{name} (reference, not torch.optim)" if name in optimizers.REFERENCE else name


def read_config(state: Mapping[str, Any], uids: list[int]) -> dict[str, Any]:
    """The config dict (``experiment.load``'s input) the widgets show.

    Parameters equal to their default are left out, so the URL stays short and the JSON export
    reads like what the user typed. Raises ConfigError for text that is not a list of integers.
    """
    if state[Key.SURFACE] == FORMULA_OPTION:
        w = [state[k] for k in WINDOW]
        surface: Any = {"expr": state[Key.FORMULA], "window": [[w[0], w[1]], [w[2], w[3]]]}
    else:
        surface = state[Key.SURFACE]
    lines = []
    for i, uid in enumerate(uids):
        name = state[line_key(uid, "name")]
        line: dict[str, Any] = {"name": name, "label": state[line_key(uid, "label")],
                                "params": _read_params(state, uid, "opt", name, f"optimizers[{i}]")}
        sched = state.get(line_key(uid, "scheduler"), NO_SCHEDULER)
        if sched != NO_SCHEDULER:
            line["scheduler"] = {"name": sched, "params": _read_params(
                state, uid, "sched", sched, f"optimizers[{i}].scheduler")}
        lines.append(line)
    return {"surface": surface, "start": [state[Key.START_X], state[Key.START_Y]], "steps": state[Key.STEPS],
            "noise": {"std": state[Key.NOISE_STD], "seed": state[Key.NOISE_SEED]}, "optimizers": lines}


def _read_params(state: Mapping[str, Any], uid: int, role: str, owner: str,
                 where: str) -> dict[str, Any]:
    params = {}
    for h in hyperparams(role, owner):
        if h.kind in ("pair", "triple"):
            value: Any = [state[param_key(uid, role, owner, h.name, part)]
                          for part in range(len(h.default))]
            differs = tuple(value) != tuple(h.default)
        elif h.kind == "ints":
            value = parse_ints(state[param_key(uid, role, owner, h.name)], f"{where}.{h.name}")
            differs = value != list(h.default)
        else:
            value = state[param_key(uid, role, owner, h.name)]
            differs = value != h.default
        if differs:
            params[h.name] = value
    return params


def parse_ints(text: str, where: str) -> list[int]:
    """ "60, 150" -> [60, 150]; ConfigError naming the field for anything else."""
    items = [t for t in re.split(r"[,\s]+", str(text).strip()) if t]
    if len(items) > 1000 or not all(re.fullmatch(r"[+-]?\d{1,9}", t) for t in items):
        raise ConfigError(f"{where}: must be whole numbers separated by commas, e.g. 60, 150")
    return [int(t) for t in items]


def surfaces_window(config: Config) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plotting window of the config's surface (a formula's own, or the catalogue's)."""
    if isinstance(config.surface, str):
        return surfaces.get(config.surface).window
    expr, window = config.surface
    if window is not None:
        return window
    return resolve_surface(config).window


def _resolved_start(config: Config) -> tuple[float, float]:
    return resolve_surface(config).start


def canonical(config: Config) -> dict[str, Any]:
    """The config with every hyperparameter spelled out: equal for configs that run the same."""
    doc = config.to_dict()
    if doc.get("start") is None:
        doc["start"] = list(_resolved_start(config))
    for item in doc["optimizers"]:
        item["params"] = _plain(optimizers.make(item["name"], item["params"]).params)
        if "scheduler" in item:
            sched = item["scheduler"]
            sched["params"] = _plain(optimizers.make_scheduler(sched["name"], sched["params"]).params)
    return doc


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in params.items()}

def copy_line(state: Mapping[str, Any], uid: int, new: int, labels: list[str]) -> dict[str, Any]:
    """Widget values for line ``new``, a copy of line ``uid`` with a label not in ``labels``."""
    name = state[line_key(uid, "name")]
    sched = state.get(line_key(uid, "scheduler"), NO_SCHEDULER)
    values = {line_key(new, "name"): name, line_key(new, "scheduler"): sched,
              line_key(new, "label"): unique_label(state[line_key(uid, "label")], labels)}
    parts = [("opt", name)] + ([] if sched == NO_SCHEDULER else [("sched", sched)])
    for role, owner in parts:
        for key in part_values(uid, role, owner, {}):
            if key in state:
                values[key.replace(f"line{uid}.", f"line{new}.", 1)] = state[key]
    return values


START_CANDIDATES = ((0.2, 0.7), (0.3, 0.65), (0.4, 0.6), (0.45, 0.55))   # fractions of the window


def sensible_start(state: Mapping[str, Any], uids: list[int]) -> tuple[float, float]:
    """A start for a newly typed formula from which every line stays finite: the first of a
    few points off the axes of the window (a fifth in from the left, 70 % up, then closer to
    the middle) whose runs all stay finite; the first if none does or the inputs are invalid."""
    (x0, x1), (y0, y1) = ((state[Key.XMIN], state[Key.XMAX]), (state[Key.YMIN], state[Key.YMAX]))
    starts = [(round(x0 + fx * (x1 - x0), 2) + 0.0, round(y0 + fy * (y1 - y0), 2) + 0.0)
              for fx, fy in START_CANDIDATES]
    try:
        doc = read_config(state, uids)
        for start in starts:
            if all(run.diverged_at is None
                   for run in simulate(load({**doc, "start": list(start)})).runs):
                return start
    except (ConfigError, ValueError, TypeError):
        pass
    return starts[0]


def copy_label(state: Mapping[str, Any], source: int, uid: int, labels: list[str]) -> str | None:
    """A copy's label by what differs from its source: "Adam lr=0.01, betas=(0.8, 0.999)".

    The source's label and every hyperparameter of the copy that differs from the source's
    (a scheduler, and its parameters, when the copy has another); None when nothing differs
    (the copy keeps the label it was given). Made unique among ``labels`` (the other lines').
    """
    name = state[line_key(uid, "name")]
    if state[line_key(source, "name")] != name:
        differs = [name]
    else:
        differs = [f"{h.name}={_shown(_value(state, uid, name, h))}" for h in hyperparams("opt", name)
                   if _value(state, uid, name, h) != _value(state, source, name, h)]
    sched = state.get(line_key(uid, "scheduler"), NO_SCHEDULER)
    if sched != state.get(line_key(source, "scheduler"), NO_SCHEDULER):
        differs.append("no scheduler" if sched == NO_SCHEDULER else sched)
    if not differs:
        return None
    return unique_label(f"{state[line_key(source, 'label')]} {', '.join(differs)}", labels)


def _value(state: Mapping[str, Any], uid: int, name: str, h: Hyperparam) -> Any:
    if h.kind in ("pair", "triple"):
        return tuple(state.get(param_key(uid, "opt", name, h.name, part)) for part in range(len(h.default)))
    return state.get(param_key(uid, "opt", name, h.name))


def _shown(value: Any) -> str:
    """ "0.01", "(0.8, 0.999)", "True": a widget value in a label."""
    if isinstance(value, tuple):
        return "(" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)


def float_step(h: Hyperparam) -> float:
    """The +/- step of a float input: 0.01, or the power of ten of a tiny default such as eps.

    For a pair (betas) the smallest nonzero component decides.
    """
    values = h.default if isinstance(h.default, (list, tuple)) else (h.default,)
    default = min((abs(float(v)) for v in values if v), default=0.0)
    if default == 0 or default >= 1e-3:
        return 0.01
    return 10.0 ** math.floor(math.log10(default))

def missing_defaults(state: Mapping[str, Any], uids: list[int]) -> dict[str, Any]:
    """Defaults for the inputs a line shows but has no value for yet (it just changed class)."""
    values: dict[str, Any] = {}
    for uid in uids:
        name = state[line_key(uid, "name")]
        sched = state.get(line_key(uid, "scheduler"), NO_SCHEDULER)
        values[line_key(uid, "scheduler")] = sched
        values.update(part_values(uid, "opt", name, {}))
        if sched != NO_SCHEDULER:
            values.update(part_values(uid, "sched", sched, {}))
    return {k: v for k, v in values.items() if k not in state}




def current(state: MutableMapping[str, Any], uids: list[int]) -> tuple[Config, str | None]:
    """The experiment the widgets show and its error (None if valid).

    A config with an error is replaced by the last valid one (``Key.GOOD_CONFIG``), so the page
    always shows one; a valid one becomes the last valid one.
    """
    try:
        config = load(read_config(state, uids))
    except ConfigError as exc:
        return state[Key.GOOD_CONFIG], str(exc)
    state[Key.GOOD_CONFIG] = config
    return config, None
