"""The sidebar's form as plain data: widget values <-> the experiment's Config. No Streamlit.

``widget_values`` fills every input from a Config (a preset, a URL, an upload); ``read_config``
reads the config dict back (``experiment.load``'s input), leaving out what equals torch's
defaults; ``current`` validates it, falling back to the last valid Config so that the page
always shows one. Keys come from ``keys``; an optimizer line is known by its uid.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping, MutableMapping

import optimizers
import surfaces
from gradscape.experiment import (Config, ConfigError, Line, Part, load, resolve_surface,
                                  simulate, spelled_out, unique_label)
from gradscape.i18n import N_, _
from optimizers.base import Hyperparam
from surfaces import data as model_data
from surfaces.models import ModelSpec

from .keys import Key, line_key, param_key

WINDOW = (Key.XMIN, Key.XMAX, Key.YMIN, Key.YMAX)
FORMULA_OPTION = "(formula)"   # the surface choice that reveals the formula input
NO_SCHEDULER = N_("(none)")      # a value; shown translated
MODEL_OPTIONS = {f"model:{m}": m for m in model_data.MODELS}   # surface choices: a model over data
GENERATE, ROWS = "generate", "rows"      # data sources beside the shipped datasets' names
# A wrapper's optimizer in the page: one level, chosen from every optimizer but the wrappers
# (deeper nesting runs from a config file or a pasted line; the page says so).
DEFAULT_INNER = {"Lookahead": "Adam", "SAM": "SGD"}
INNER_CHOICES = [n for n in optimizers.ALL_OPTIMIZERS if n not in optimizers.WRAPPERS]


def inner_key(uid: int, wrapper: str) -> str:
    """Key of the selectbox naming the optimizer that line ``uid``'s ``wrapper`` wraps."""
    return param_key(uid, "opt", wrapper, "optimizer")


def lr_key(uid: int, name: str, state: Mapping[str, Any]) -> str:
    """Key of the lr input a line shows first: its optimizer's, or its wrapped optimizer's."""
    if name in optimizers.WRAPPERS:
        return param_key(uid, "inner", state.get(inner_key(uid, name), DEFAULT_INNER[name]), "lr")
    return param_key(uid, "opt", name, "lr")


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
    if isinstance(config.surface, ModelSpec):
        values.update(model_values(config))
    elif not isinstance(config.surface, str):
        values[Key.FORMULA] = config.surface[0]
        values.update(zip(WINDOW, (float(v) for pair in surface for v in pair)))
    for uid, line in zip(uids, config.lines, strict=True):
        values.update(line_values(uid, line))
        values[line_key(uid, "batch")] = 0 if line.batch is None else line.batch.size
    return values


def model_values(config: Config) -> dict[str, Any]:
    """The model inputs' values: the surface choice, data source, generator, λ, mini-batches."""
    spec: ModelSpec = config.surface
    source = spec.data
    model = spec.model
    gen = model_data.GENERATE_DEFAULTS[model]
    values: dict[str, Any] = {Key.SURFACE: f"model:{model}", Key.L2: float(spec.l2),
                              Key.DATA_N: gen["n"], Key.DATA_NOISE: float(gen["noise"]),
                              Key.DATA_SEED: gen["seed"], Key.DATA_TRUE_P: float(gen["true"][0]),
                              Key.DATA_TRUE_Q: float(gen["true"][1]), Key.DATA_ROWS: None}
    if isinstance(source, model_data.Generated):
        values.update({Key.DATA_SOURCE: GENERATE, Key.DATA_N: source.n,
                       Key.DATA_NOISE: source.noise, Key.DATA_SEED: source.seed,
                       Key.DATA_TRUE_P: source.true[0], Key.DATA_TRUE_Q: source.true[1]})
    elif isinstance(source, model_data.Named):
        values[Key.DATA_SOURCE] = source.name
    else:
        values[Key.DATA_SOURCE], values[Key.DATA_ROWS] = ROWS, source.dataset
    batch = config.batch
    values.update({Key.BATCH_SIZE: 0 if batch is None else batch.size,
                   Key.BATCH_SHUFFLE: True if batch is None else batch.shuffle,
                   Key.BATCH_SEED: 0 if batch is None else batch.seed,
                   Key.BATCH_DROP_LAST: False if batch is None else batch.drop_last})
    return values


def model_defaults(model: str) -> dict[str, Any]:
    """The model inputs of a newly chosen model: its shipped dataset (else generated data with
    the generator's defaults), no L2 term, full batch, and the surface's own start."""
    shipped = [n for n, info in model_data.SHIPPED.items() if info.models[0] == model]
    gen = model_data.GENERATE_DEFAULTS[model]
    data = {"name": shipped[0]} if shipped else {"generate": dict(gen)}
    config = load({"surface": {"model": model, "data": data}, "optimizers": [{"name": "SGD"}]})
    start = resolve_surface(config).start
    return {**model_values(config), Key.START_X: float(start[0]), Key.START_Y: float(start[1])}


def read_model(state: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The model surface's config dict and the experiment's batch (None: full batch)."""
    model = MODEL_OPTIONS[state[Key.SURFACE]]
    source = state.get(Key.DATA_SOURCE, GENERATE)
    if source == ROWS and state.get(Key.DATA_ROWS) is not None:
        data: dict[str, Any] = state[Key.DATA_ROWS].to_dict()
    elif source in model_data.SHIPPED and model in model_data.SHIPPED[source].models:
        data = {"name": source}
    else:
        data = {"generate": {"n": state[Key.DATA_N], "noise": state[Key.DATA_NOISE],
                             "seed": state[Key.DATA_SEED],
                             "true": [state[Key.DATA_TRUE_P], state[Key.DATA_TRUE_Q]]}}
    surface = {"model": model, "l2": state.get(Key.L2, 0.0), "data": data}
    size = state.get(Key.BATCH_SIZE, 0)
    batch = None if not size else {"size": size, "shuffle": state[Key.BATCH_SHUFFLE],
                                   "seed": state[Key.BATCH_SEED],
                                   "drop_last": state[Key.BATCH_DROP_LAST]}
    return surface, batch


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
        if h.kind == "optimizer":       # the wrapped optimizer: its name, and its own inputs
            inner = value if isinstance(value, Mapping) else \
                value.to_dict() if hasattr(value, "to_dict") else {"name": DEFAULT_INNER[owner]}
            if inner["name"] not in INNER_CHOICES:
                raise ConfigError(f"{owner} wraps {inner['name']}: the page shows one level of "
                                  "wrapping; run this configuration with `gradscape run`")
            values[param_key(uid, role, owner, h.name)] = inner["name"]
            values.update(part_values(uid, "inner", inner["name"], dict(inner.get("params", {}))))
        elif h.kind == "choice":
            values[param_key(uid, role, owner, h.name)] = value
        elif h.kind in ("pair", "triple"):
            for part, member in enumerate(value):
                values[param_key(uid, role, owner, h.name, part)] = float(member)
        elif h.kind == "ints":
            values[param_key(uid, role, owner, h.name)] = ", ".join(str(int(v)) for v in value)
        elif h.kind == "bool":
            values[param_key(uid, role, owner, h.name)] = bool(value)
        elif h.kind in ("choice", "formula"):
            values[param_key(uid, role, owner, h.name)] = str(value)
        elif h.kind == "schedulers":   # nested schedulers: their JSON, edited as text
            values[param_key(uid, role, owner, h.name)] = schedulers_text(value)
        elif h.kind == "int":
            values[param_key(uid, role, owner, h.name)] = None if value is None else int(value)
        else:   # an optional float may be None (an empty input): the package's "not set"
            values[param_key(uid, role, owner, h.name)] = None if value is None else float(value)
    return values


def hyperparams(role: str, owner: str) -> tuple[Hyperparam, ...]:
    """The hyperparameter descriptions of an optimizer ("opt", "inner") or scheduler ("sched")."""
    table = optimizers.SCHEDULERS if role == "sched" else optimizers.ALL_OPTIMIZERS
    return table[owner].hyperparams


def optimizer_label(name: str) -> str:
    """How an optimizer is listed: torch's class name, or e.g. "Newton (reference, not torch.optim)"."""
    return _("{name} (reference, not torch.optim)").format(name=name) if name in optimizers.REFERENCE else name


def read_config(state: Mapping[str, Any], uids: list[int]) -> dict[str, Any]:
    """The config dict (``experiment.load``'s input) the widgets show.

    Parameters equal to their default are left out, so the URL stays short and the JSON export
    reads like what the user typed. Raises ConfigError for text that is not a list of integers.
    """
    batch = None
    if state[Key.SURFACE] == FORMULA_OPTION:
        w = [state[k] for k in WINDOW]
        surface: Any = {"expr": state[Key.FORMULA], "window": [[w[0], w[1]], [w[2], w[3]]]}
    elif state[Key.SURFACE] in MODEL_OPTIONS:
        surface, batch = read_model(state)
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
        own = state.get(line_key(uid, "batch"), 0)
        if own and state[Key.SURFACE] in MODEL_OPTIONS:   # this line's own mini-batches
            line["batch"] = {"size": own, "shuffle": state[Key.BATCH_SHUFFLE],
                             "seed": state[Key.BATCH_SEED], "drop_last": state[Key.BATCH_DROP_LAST]}
        lines.append(line)
    out = {"surface": surface, "start": [state[Key.START_X], state[Key.START_Y]], "steps": state[Key.STEPS],
           "noise": {"std": state[Key.NOISE_STD], "seed": state[Key.NOISE_SEED]}, "optimizers": lines}
    if batch is not None:
        out["batch"] = batch
    return out


def _read_params(state: Mapping[str, Any], uid: int, role: str, owner: str,
                 where: str) -> dict[str, Any]:
    params = {}
    for h in hyperparams(role, owner):
        if h.kind == "optimizer":       # always given: the package requires it
            inner = state[param_key(uid, role, owner, h.name)]
            params[h.name] = {"name": inner, "params": _read_params(
                state, uid, "inner", inner, f"{where}.params.{h.name}")}
            continue
        if h.kind in ("pair", "triple"):
            value: Any = [state[param_key(uid, role, owner, h.name, part)]
                          for part in range(len(h.default))]
            differs = tuple(value) != tuple(h.default)
        elif h.kind == "ints":
            value = parse_ints(state[param_key(uid, role, owner, h.name)], f"{where}.{h.name}")
            differs = value != list(h.default)
        elif h.kind == "schedulers":
            value = parse_schedulers(state[param_key(uid, role, owner, h.name)],
                                     f"{where}.params.{h.name}")
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


def schedulers_text(value: Any) -> str:
    """Nested schedulers (Parts from a Config, or the default's dicts) as one JSON line each."""
    items = [v.to_dict() if isinstance(v, Part) else v for v in value]
    return "[" + ",\n ".join(json.dumps(item) for item in items) + "]"


def parse_schedulers(text: str, where: str) -> list[Any]:
    """The JSON list a composite scheduler's text input holds; ConfigError naming the field.

    Only parsed as JSON here (json.loads builds data, runs nothing); ``experiment.load``
    validates each item and names its path."""
    try:
        value = json.loads(str(text), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{where}: not valid JSON ({exc}); write a list such as "
                          '[{"name": "LinearLR", "params": {"total_iters": 10}}]') from None
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be a JSON list of schedulers, "
                          '[{"name": ..., "params": {...}}, ...]')
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def surfaces_window(config: Config) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plotting window of the config's surface (a formula's own, or the catalogue's)."""
    if isinstance(config.surface, str):
        return surfaces.get(config.surface).window
    if isinstance(config.surface, ModelSpec):
        return resolve_surface(config).window
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
        item["params"] = optimizers.make(item["name"], item["params"]).to_dict()["params"]
        if "scheduler" in item:
            sched = item["scheduler"]
            sched["params"] = spelled_out(optimizers.make_scheduler(sched["name"], sched["params"]))
    return doc


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in params.items()}

def copy_line(state: Mapping[str, Any], uid: int, new: int, labels: list[str]) -> dict[str, Any]:
    """Widget values for line ``new``, a copy of line ``uid`` with a label not in ``labels``."""
    name = state[line_key(uid, "name")]
    sched = state.get(line_key(uid, "scheduler"), NO_SCHEDULER)
    values = {line_key(new, "name"): name, line_key(new, "scheduler"): sched,
              line_key(new, "label"): unique_label(state[line_key(uid, "label")], labels),
              line_key(new, "batch"): state.get(line_key(uid, "batch"), 0)}
    parts = [("opt", name)] + ([] if sched == NO_SCHEDULER else [("sched", sched)])
    if name in optimizers.WRAPPERS:
        parts.append(("inner", state.get(inner_key(uid, name), DEFAULT_INNER[name])))
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
        values[line_key(uid, "batch")] = 0
        values.update(part_values(uid, "opt", name, {}))
        if name in optimizers.WRAPPERS and inner_key(uid, name) in state:   # its class changed
            values.update(part_values(uid, "inner", state[inner_key(uid, name)], {}))
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
