"""The app's state as plain data: URL <-> (Config, View), widget values <-> config.

The page is one flat mapping of widget keys to values (Streamlit's session state). This module
names those keys, fills them from a Config, reads a config dict back from them, and carries the
whole state in the URL as one query parameter:

    ?s=<URL-safe base64 of {"v": 1, "config": Config.to_dict(), "view": View.to_dict()}>

``decode_url`` is the only door for URL input: it never raises; anything tampered, garbled,
too long, non-finite or unknown gives the defaults and a warning in plain words. Text that came
from a user (labels, names) goes through ``md_escape`` before the page shows it as Markdown.

No streamlit import here, so all of it is unit-tested without a browser.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
import string
from dataclasses import asdict, dataclass, replace
from typing import Any, Mapping

import numpy as np

import optimizers
import presets
import surfaces
from experiment import MAX_OPTIMIZERS, Config, ConfigError, Line, load, resolve_surface, unique_label
from optimizers.base import Hyperparam
from optimizers.grids import MIN_RESOLUTION, Axis, parse_axis, sweepable
from optimizers.runner import MAX_STEPS

URL_VERSION = 1
URL_PARAM = "s"
MAX_URL_CHARS = 12_000         # 16 optimizers with every parameter spelled out fit in ~6 000

# The views, in tab order: id -> tab label.
VIEWS: dict[str, str] = {
    "paths": "Side by side",
    "loss": "Loss",
    "distance": "Distance to minimum",
    "lr": "Learning rate",
    "surface3d": "3D surface",
    "inside": "Inside the optimizer",
    "critical": "Critical points",
    "basin": "Basin map",
    "sweep": "Hyperparameter sweep",
    "data": "Data",
}

# Widget keys of the page (per-line keys come from line_key / param_key).
PRESET = "preset"
SURFACE = "surface"
FORMULA = "formula"
WINDOW = ("xmin", "xmax", "ymin", "ymax")
START_X, START_Y = "start_x", "start_y"
STEPS = "steps"
NOISE_STD, NOISE_SEED = "noise_std", "noise_seed"
VIEW, OVERLAY, LOG_Y, CRITICAL_MARKS = "view", "overlay", "log_y", "critical_marks"
LINES = "lines"                # list of line ids (not a widget)

FORMULA_OPTION = "(formula)"   # the surface choice that reveals the formula input
NO_SCHEDULER = "(none)"

# Widget keys of the insight views (a sweep axis has five: AXIS_FIELDS after its prefix).
INSIGHT_LINE, INSIGHT_STEP = "insight.line", "insight.step"
BASIN_RESOLUTION, CRITICAL_POINT = "insight.resolution", "insight.point"
SWEEP_X, SWEEP_Y = "insight.sweep_x", "insight.sweep_y"
AXIS_FIELDS = ("name", "low", "high", "num", "log")
MAX_MAP_RESOLUTION = 200       # basin maps in the app: at most 200 x 200 starts
MAX_SWEEP_VALUES = 200         # sweeps in the app: at most 200 values per axis
MAX_POINTS = 500               # critical points listed (critical_points' max_points)


@dataclass(frozen=True)
class Insights:
    """Settings of the insight views.

    line: index of the optimizer line the inside, basin and sweep views follow.
    step: the update the inside view shows, 1-based like torch's step count (update k moves
        point k − 1 to point k).
    resolution: starts per side of the basin map.
    point: index of the chosen critical point (in ``critical_points``' order).
    sweep_x, sweep_y: the sweep's axes as ``NAME:LOW:HIGH:NUM[:log]`` (``grids.parse_axis``),
        or None for the defaults of the line's optimizer (``default_axes``).
    """

    line: int = 0
    step: int = 1
    resolution: int = 100
    point: int = 0
    sweep_x: str | None = None
    sweep_y: str | None = None


@dataclass(frozen=True)
class View:
    """How the results are shown: the tab, overlay toggle, loss scale, the preset named, the
    insight tabs' settings, and whether the contour panels mark the critical points."""

    tab: str = "paths"
    overlay: bool = False
    log_y: bool = True
    preset: str | None = presets.DEFAULT
    insights: Insights = Insights()
    critical: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON data; the insight settings and the critical-point marks only when
        they are not the defaults."""
        doc = asdict(self)
        if self.insights == Insights():
            del doc["insights"]
        if not self.critical:
            del doc["critical"]
        return doc


@dataclass(frozen=True)
class Decoded:
    """What a URL held, validated: a Config, a View and a warning (None if all was well)."""

    config: Config
    view: View
    warning: str | None = None


# --- URL ------------------------------------------------------------------------------------

def encode_url(config: Config, view: View) -> str:
    """The value of the ``s`` query parameter for this state (URL-safe base64, no padding)."""
    doc = {"v": URL_VERSION, "config": config.to_dict(), "view": view.to_dict()}
    raw = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def default_state() -> Decoded:
    """The landing page: the default preset."""
    return Decoded(presets.get(presets.DEFAULT), View())


def decode_url(params: Mapping[str, Any]) -> Decoded:
    """Validate query parameters into a state; never raises.

    ``?s=...`` is a full state (see ``encode_url``); ``?preset=name`` opens a preset. No
    parameter: the landing page. Anything else: the landing page and a warning.
    """
    try:
        return _decode(params)
    except _BadURL as exc:
        return replace(default_state(), warning=f"This link could not be used ({exc}); "
                                                "showing the default figure instead.")


class _BadURL(Exception):
    pass


def _first(value: Any) -> str:
    """A query parameter's value as one string (Streamlit may hand a list of repeats)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    if not isinstance(value, str):
        raise _BadURL("a parameter is not text")
    return value


def _decode(params: Mapping[str, Any]) -> Decoded:
    if URL_PARAM in params:
        text = _first(params[URL_PARAM])
        if len(text) > MAX_URL_CHARS:
            raise _BadURL(f"the state is longer than {MAX_URL_CHARS} characters")
        doc = _json_object(text)
        if doc.get("v") != URL_VERSION or set(doc) - {"v", "config", "view"}:
            raise _BadURL(f"unknown format; expected version {URL_VERSION}")
        try:
            config = load(doc.get("config"))
        except ConfigError as exc:
            raise _BadURL(f"invalid {str(exc)[:200]}") from None
        except (ValueError, TypeError, OverflowError, RecursionError):
            raise _BadURL("invalid configuration") from None
        return Decoded(config, _view(doc.get("view", {})))
    if "preset" in params:
        name = _first(params["preset"])
        if name not in presets.PRESETS:
            raise _BadURL("unknown preset")
        return Decoded(presets.get(name), View(preset=name))
    return default_state()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _json_object(text: str) -> dict[str, Any]:
    """Decode URL-safe base64 of a JSON object; NaN and Infinity are refused."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise _BadURL("the state is not URL-safe base64")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise _BadURL("the state is not valid base64-encoded JSON") from None
    if not isinstance(doc, dict):
        raise _BadURL("the state is not a JSON object")
    return doc


def _view(doc: Any) -> View:
    if not isinstance(doc, dict) or set(doc) - {"tab", "overlay", "log_y", "preset", "insights", "critical"}:
        raise _BadURL("invalid view")
    view = View(**{**doc, "insights": _insights(doc.get("insights", {}))})
    if not isinstance(view.tab, str) or view.tab not in VIEWS:
        raise _BadURL("unknown view")
    if not all(isinstance(v, bool) for v in (view.overlay, view.log_y, view.critical)):
        raise _BadURL("invalid view switches")
    if view.preset is not None and (not isinstance(view.preset, str)
                                    or view.preset not in presets.PRESETS):
        raise _BadURL("unknown preset")
    return view


def _insights(doc: Any) -> Insights:
    """Validate the insight settings of a URL (whole numbers in range, parseable sweep axes)."""
    names = set(Insights.__dataclass_fields__)
    if not isinstance(doc, dict) or set(doc) - names:
        raise _BadURL("invalid insight settings")
    settings = Insights(**doc)
    for name, low, high in (("line", 0, MAX_OPTIMIZERS - 1), ("step", 1, MAX_STEPS),
                            ("resolution", MIN_RESOLUTION, MAX_MAP_RESOLUTION),
                            ("point", 0, MAX_POINTS - 1)):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _BadURL(f"insight setting {name} must be a whole number from {low} to {high}")
    for name in ("sweep_x", "sweep_y"):
        value = getattr(settings, name)
        if value is not None:
            try:
                settings = replace(settings, **{name: normal_axis(value)})
            except (ValueError, TypeError) as exc:
                raise _BadURL(f"invalid {name}: {str(exc)[:120]}") from None
    if settings.sweep_x is not None and settings.sweep_y is not None \
            and sweep_axis(settings.sweep_x).name == sweep_axis(settings.sweep_y).name:
        raise _BadURL("the sweep's two axes must be different hyperparameters")
    return settings


# --- widgets <-> config ---------------------------------------------------------------------

def line_key(uid: int, field: str) -> str:
    """Key of a per-line widget: field is "name", "label" or "scheduler"."""
    return f"line{uid}.{field}"


def param_key(uid: int, role: str, owner: str, param: str, part: int | None = None) -> str:
    """Key of one hyperparameter input; role "opt" or "sched", owner the class name.

    The owner is part of the key, so switching a line from Adam to SGD and back never feeds
    Adam's betas into SGD's inputs. A pair (betas) has two inputs, part 0 and 1.
    """
    key = f"line{uid}.{role}.{owner}.{param}"
    return key if part is None else f"{key}.{part}"


def widget_values(config: Config, uids: list[int]) -> dict[str, Any]:
    """Every widget value that shows ``config``, one line per uid (len(uids) == len(lines))."""
    surface = surfaces_window(config)
    start = config.start if config.start is not None else _resolved_start(config)
    values: dict[str, Any] = {
        SURFACE: config.surface if isinstance(config.surface, str) else FORMULA_OPTION,
        START_X: float(start[0]), START_Y: float(start[1]),
        STEPS: int(config.steps),
        NOISE_STD: float(config.noise_std), NOISE_SEED: int(config.noise_seed),
    }
    if not isinstance(config.surface, str):
        values[FORMULA] = config.surface[0]
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
    if state[SURFACE] == FORMULA_OPTION:
        w = [state[k] for k in WINDOW]
        surface: Any = {"expr": state[FORMULA], "window": [[w[0], w[1]], [w[2], w[3]]]}
    else:
        surface = state[SURFACE]
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
    return {"surface": surface, "start": [state[START_X], state[START_Y]], "steps": state[STEPS],
            "noise": {"std": state[NOISE_STD], "seed": state[NOISE_SEED]}, "optimizers": lines}


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


# --- text -----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def md_escape(text: str) -> str:
    """Text shown literally by Markdown: every ASCII punctuation backslash-escaped, one line.

    Streamlit renders labels, captions and messages as Markdown (never as HTML unless asked);
    escaping also disarms links, images, emphasis, LaTeX ($) and :material/icons:.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fmt(value: float | None) -> str:
    """A number for tables and captions: 4 significant digits, "—" for None or non-finite."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.4g}"


# --- the optimizer list ---------------------------------------------------------------------

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


def float_step(h: Hyperparam) -> float:
    """The +/- step of a float input: 0.01, or the power of ten of a tiny default such as eps.

    For a pair (betas) the smallest nonzero component decides.
    """
    values = h.default if isinstance(h.default, (list, tuple)) else (h.default,)
    default = min((abs(float(v)) for v in values if v), default=0.0)
    if default == 0 or default >= 1e-3:
        return 0.01
    return 10.0 ** math.floor(math.log10(default))


def describe(run: Mapping[str, Any]) -> str:
    """ "SGD lr=0.1, momentum=0.9 + StepLR(step_size=50)": the settings that differ from torch's."""
    def args(role: str, part: Mapping[str, Any]) -> str:
        defaults = {h.name: h.default for h in hyperparams(role, part["name"])}
        shown = [f"{k}={_short(v)}" for k, v in part["params"].items()
                 if k == "lr" or _plain({k: v})[k] != _plain({k: defaults.get(k)})[k]]
        return ", ".join(shown)
    text = f"{run['optimizer']['name']} {args('opt', run['optimizer'])}".strip()
    if run.get("scheduler"):
        text += f" + {run['scheduler']['name']}({args('sched', run['scheduler'])})"
    return text


def headline(run: Mapping[str, Any]) -> str:
    """ "Momentum: SGD lr=0.1, momentum=0.9", or "SGD lr=0.95" when the label is the class."""
    text = describe(run)
    return text if text.split(" ")[0] == run["label"] else f"{run['label']}: {text}"


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)


def divergence_note(label: str, reason: str, k: int) -> str:
    """Words for a run that stopped: what happened, what is drawn, what usually helps."""
    drawn = ("it has no finite point to draw" if k == 0 else
             f"it is drawn up to step {k - 1}, its last finite point, marked ×")
    return (f"{label}: {reason}. Its position, loss or gradient stopped being a finite number; "
            f"{drawn}. A smaller lr usually keeps it on the surface.")


# --- tables ---------------------------------------------------------------------------------

TOLERANCE = 1e-6


def summary_rows(result: Any) -> list[dict[str, Any]]:
    """One row per run: final point and loss, steps until within 1e-6 of the minimum, divergence."""
    surface = result.surface
    rows = []
    for run in result.runs:
        points, loss = run["points"], run["loss"]
        last = len(points) - 1
        reached = None
        if surface.min_value is not None and len(loss):
            close = (loss - surface.min_value) <= TOLERANCE
            reached = int(close.argmax()) if close.any() else None
        dist = None
        if surface.minima and len(points):
            dist = min(math.hypot(points[-1][0] - mx, points[-1][1] - my) for mx, my in surface.minima)
        rows.append({
            "label": run["label"],
            "optimizer": describe(run),
            "final x": float(points[-1][0]) if len(points) else None,
            "final y": float(points[-1][1]) if len(points) else None,
            "final loss": float(loss[-1]) if len(loss) else None,
            "distance to minimum": dist,
            f"steps to within {TOLERANCE:g} of min": reached,
            "diverged at step": run["diverged_at"],
            "steps drawn": max(last, 0),
        })
    return rows


def step_columns(result: Any) -> dict[str, list[Any]]:
    """Every recorded step of every run, as columns: label, step, x, y, loss, grad, lr.

    ``lr`` on row t is the learning rate of the update that leaves point t (empty on the last).
    """
    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("label", "step", "x", "y", "loss", "grad_x", "grad_y", "lr")}
    for run in result.runs:
        n = len(run["points"])
        lr = list(map(float, run["lr"][:n])) + [None] * max(0, n - len(run["lr"]))
        cols["label"] += [run["label"]] * n
        cols["step"] += list(range(n))
        cols["x"] += run["points"][:, 0].tolist()
        cols["y"] += run["points"][:, 1].tolist()
        cols["loss"] += run["loss"].tolist()
        cols["grad_x"] += run["grad"][:, 0].tolist()
        cols["grad_y"] += run["grad"][:, 1].tolist()
        cols["lr"] += lr[:n]
    return cols


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


# --- the insight views ----------------------------------------------------------------------

MAX_AXIS_CHARS = 100
SECOND_AXES = (("momentum", 0.0, 0.99), ("betas[0]", 0.0, 0.99), ("rho", 0.0, 0.99),
               ("lr_decay", 0.0, 0.1), ("damping", 0.0, 10.0))
SWEEP_VALUES = 30              # values per axis of a default sweep


def sweep_axis(text: str) -> Axis:
    """A sweep axis of the app from ``NAME:LOW:HIGH:NUM[:log]`` (``grids.parse_axis``).

    Besides parse_axis' checks: at most 100 characters, LOW < HIGH (or NUM = 1 and LOW = HIGH),
    at most ``MAX_SWEEP_VALUES`` values. Raises ValueError saying what is wrong.
    """
    if not isinstance(text, str) or len(text) > MAX_AXIS_CHARS:
        raise ValueError(f"a sweep axis is text NAME:LOW:HIGH:NUM[:log] of at most "
                         f"{MAX_AXIS_CHARS} characters")
    axis = parse_axis(text)
    if axis.values.size > MAX_SWEEP_VALUES:
        raise ValueError(f"{axis.name}: at most {MAX_SWEEP_VALUES} values, got {axis.values.size}")
    low, high = axis.values[0], axis.values[-1]
    if not (low < high or (axis.values.size == 1 and low == high)):
        raise ValueError(f"{axis.name}: the range must go from low to high, got {low:g} to {high:g}")
    return axis


def default_axes(name: str, lr: float) -> tuple[str, str]:
    """The sweep to try first for optimizer ``name`` whose current learning rate is ``lr``.

    Across: lr, 30 log-spaced values from lr/100 to 10·lr. Up: the method's second knob,
    30 values: momentum 0–0.99 (SGD, RMSprop), β1 0–0.99 (the Adam family), ρ 0–0.99
    (Adadelta), lr_decay 0–0.1 (Adagrad), damping 0–10 (Newton).
    """
    allowed = sweepable(optimizers.ALL_OPTIMIZERS[name])
    lr = lr if isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0 else 0.01
    x = f"lr:{lr / 100:.3g}:{lr * 10:.3g}:{SWEEP_VALUES}:log"
    y = next((f"{n}:{lo:g}:{hi:g}:{SWEEP_VALUES}" for n, lo, hi in SECOND_AXES if n in allowed),
             f"{allowed[-1]}:0:1:{SWEEP_VALUES}")
    return normal_axis(x), normal_axis(y)


def axis_values(prefix: str, spec: str) -> dict[str, Any]:
    """The five widget values (name, low, high, num, log) that show the sweep axis ``spec``."""
    axis = sweep_axis(spec)
    fields = (axis.name, float(axis.values[0]), float(axis.values[-1]), int(axis.values.size),
              bool(axis.log))
    return {f"{prefix}.{k}": v for k, v in zip(AXIS_FIELDS, fields)}


def axis_spec(state: Mapping[str, Any], prefix: str) -> str:
    """The ``NAME:LOW:HIGH:NUM[:log]`` the five widgets of an axis show; ValueError if invalid."""
    try:
        name, low, high, num, log = (state[f"{prefix}.{k}"] for k in AXIS_FIELDS)
    except KeyError:
        raise ValueError("the sweep axis is not set") from None
    if isinstance(num, bool) or not isinstance(num, (int, float)) or not math.isfinite(num) \
            or num != int(num):
        raise ValueError(f"{name}: the number of values must be a whole number")
    spec = _axis_text(name, low, high, num, log)
    sweep_axis(spec)
    return spec


def normal_axis(spec: str) -> str:
    """``spec`` written as the widgets write it ("lr:1e-3:1:20:log" -> "lr:0.001:1.0:20:log")."""
    axis = sweep_axis(spec)
    return _axis_text(axis.name, axis.values[0], axis.values[-1], axis.values.size, axis.log)


def _axis_text(name: str, low: float, high: float, num: int, log: bool) -> str:
    return f"{name}:{float(low)!r}:{float(high)!r}:{int(num)}" + (":log" if log else "")


def insight_values(settings: Insights) -> dict[str, Any]:
    """Every widget value that shows the insight settings (sweep axes only when set)."""
    values: dict[str, Any] = {INSIGHT_LINE: settings.line, INSIGHT_STEP: settings.step,
                              BASIN_RESOLUTION: settings.resolution, CRITICAL_POINT: settings.point}
    for prefix, spec in ((SWEEP_X, settings.sweep_x), (SWEEP_Y, settings.sweep_y)):
        if spec is not None:
            values.update(axis_values(prefix, spec))
    return values


def read_insights(state: Mapping[str, Any]) -> Insights:
    """The insight settings the widgets hold, always valid: out-of-range numbers are clamped,
    an invalid sweep axis (or a second axis repeating the first) reads as None."""
    d = Insights()

    def whole(key: str, default: int, low: int, high: int) -> int:
        value = state.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return default
        return min(max(int(value), low), high)

    axes = []
    for prefix in (SWEEP_X, SWEEP_Y):
        try:
            axes.append(axis_spec(state, prefix))
        except ValueError:
            axes.append(None)
    if axes[0] is not None and axes[1] is not None \
            and sweep_axis(axes[0]).name == sweep_axis(axes[1]).name:
        axes[1] = None
    return Insights(line=whole(INSIGHT_LINE, d.line, 0, MAX_OPTIMIZERS - 1),
                    step=whole(INSIGHT_STEP, d.step, 1, MAX_STEPS),
                    resolution=whole(BASIN_RESOLUTION, d.resolution, MIN_RESOLUTION,
                                     MAX_MAP_RESOLUTION),
                    point=whole(CRITICAL_POINT, d.point, 0, MAX_POINTS - 1),
                    sweep_x=axes[0], sweep_y=axes[1])


def nearest_value(axis: Axis, value: float) -> float:
    """The value of ``axis`` nearest ``value`` (in log space on a log axis): a clicked cell."""
    values = np.asarray(axis.values, dtype=float)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (axis.log and value <= 0):
        raise ValueError(f"{axis.name}: not a value of the sweep: {value!r:.40}")
    distance = np.abs(np.log(values) - math.log(value)) if axis.log else np.abs(values - value)
    return float(values[int(np.argmin(distance))])


def sweep_choice(uid: int, name: str, x: Axis, y: Axis, px: float, py: float) -> dict[str, float]:
    """Widget values giving line ``uid`` (optimizer ``name``) the sweep cell nearest (px, py).

    ``betas[0]`` sets the first of the pair's two inputs. ValueError for a point off the axes.
    """
    values = {}
    for axis, value in ((x, px), (y, py)):
        if axis.name.endswith("]"):
            key = param_key(uid, "opt", name, axis.name[:-3], int(axis.name[-2]))
        else:
            key = param_key(uid, "opt", name, axis.name)
        values[key] = nearest_value(axis, value)
    return values


def inside_rows(trace: Any, step: int) -> list[dict[str, Any]]:
    """The numbers of update ``step`` (1-based) of an ``optimizers.inspect.Trace``, per coordinate.

    Rows: the point the update left, the gradient there, the update, the momentum buffer after
    it (if the optimizer keeps one) and the effective per-coordinate learning rate.
    """
    t = step - 1
    if not 0 <= t < len(trace.update):
        raise ValueError(f"step must be from 1 to {len(trace.update)}, got {step}")
    rows = [("point θ (before)", trace.points[t]), ("gradient ∇f", trace.grad[t]),
            ("update Δθ", trace.update[t])]
    if trace.momentum is not None:
        rows.append(("momentum buffer", trace.momentum[t]))
    rows.append(("effective lr", trace.effective_lr[t]))
    return [{"quantity": name, "x": float(v[0]), "y": float(v[1])} for name, v in rows]


def critical_rows(points: list[Any]) -> list[dict[str, Any]]:
    """One row per critical point: index, kind, position, value and the Hessian's eigenvalues."""
    return [{"#": i, "kind": p.kind, "x": p.x, "y": p.y, "f": p.value,
             "λ₁": p.eigenvalues[0], "λ₂": p.eigenvalues[1]} for i, p in enumerate(points)]


def point_label(i: int, point: Any) -> str:
    """ "2: saddle at (−0.271, −0.923)": a critical point in a list."""
    return f"{i}: {point.kind} at ({point.x:.4g}, {point.y:.4g})"
