"""The page's whole state in its URL, one query parameter, and the only door for URL input:

    ?s=<URL-safe base64 of {"v": 1, "config": Config.to_dict(), "view": View.to_dict()}>

``decode_url`` never raises: anything tampered, garbled, too long, non-finite or unknown gives
the landing page and a warning in plain words. ``?preset=name`` opens a preset;
``?lesson=<id or number>&step=<k>`` a lesson's step (with ``s`` too: that step's panel over the
state ``s`` holds, the step's state changed by the visitor). ``&present=1`` beside any of them
(or alone) opens the page in presentation mode: how this screen shows the page, not part of the
state, so a bookmark adds it by hand and a shared state link never forces it. No Streamlit here.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from gradscape import presets
from gradscape.experiment import Config, ConfigError, load
from gradscape.figures.look import Look
from gradscape.i18n import _
from gradscape.i18n_core import core

from . import lessons, views
from .settings import Insights, View, normal_axis, sweep_axis

URL_VERSION = 1
URL_PARAM = "s"
PRESENT_PARAM = "present"      # ?present=1: presentation mode
MAX_URL_CHARS = 12_000         # 16 optimizers with every parameter spelled out fit in ~6 000


@dataclass(frozen=True)
class Decoded:
    """What a URL held, validated: a Config, a View and a warning (None if all was well)."""

    config: Config
    view: View
    warning: str | None = None
    lesson: lessons.Place | None = None
    present: bool = False


def encode_url(config: Config, view: View) -> str:
    """The value of the ``s`` query parameter for this state (URL-safe base64, no padding)."""
    doc = {"v": URL_VERSION, "config": config.to_dict(), "view": view.to_dict()}
    raw = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def url_params(config: Config, view: View, lesson: lessons.Place | None = None,
               present: bool = False) -> dict[str, str]:
    """The query parameters of this state: ``s``, or in a lesson ``lesson`` and ``step`` (and
    ``s`` too once the state is no longer the step's own); ``present=1`` in presentation mode."""
    params = {URL_PARAM: encode_url(config, view)}
    if lesson is not None:
        step = lessons.step_of(lesson)
        if (step.config, step.view) == (config, view):
            del params[URL_PARAM]
        params.update(lesson.params())
    if present:
        params[PRESENT_PARAM] = "1"
    return params


def present_flag(params: Mapping[str, Any]) -> bool:
    """Whether the query parameters ask for presentation mode (``present=1``; also true, yes)."""
    try:
        return _first(params.get(PRESENT_PARAM, "")).strip().lower() in ("1", "true", "yes")
    except _BadURL:
        return False


def default_state() -> Decoded:
    """The landing page: the default preset."""
    return Decoded(presets.get(presets.DEFAULT), View())


def decode_url(params: Mapping[str, Any]) -> Decoded:
    """Validate query parameters into a state; never raises.

    ``?s=...`` is a full state (see ``encode_url``); ``?preset=name`` opens a preset;
    ``?lesson=..&step=..`` a lesson's step (``lessons.find``: a bad step opens the lesson's
    first, with a warning). No parameter: the landing page. Anything else: the landing page
    and a warning.
    """
    present = present_flag(params)
    try:
        if "lesson" in params:
            return replace(_lesson(params), present=present)
        return replace(_decode(params), present=present)
    except _BadURL as exc:
        return replace(default_state(), present=present,
                       warning=_("This link could not be used ({reason}); showing the "
                                 "default figure instead.").format(reason=exc))


class _BadURL(ValueError):
    pass


def _lesson(params: Mapping[str, Any]) -> Decoded:
    step = _first(params["step"]) if "step" in params else None
    place, warning = lessons.find(_first(params["lesson"]), step)
    if place is None:
        raise _BadURL(warning)
    if URL_PARAM in params:
        decoded = _decode({URL_PARAM: params[URL_PARAM]})
    else:
        found = lessons.step_of(place)
        decoded = Decoded(found.config, found.view)
    if warning is not None:
        warning = _("This link could not be used as it was ({reason}); showing the lesson's first "
                    "step.").format(reason=warning)
    return replace(decoded, lesson=place, warning=warning)


def _first(value: Any) -> str:
    """A query parameter's value as one string (Streamlit may hand a list of repeats)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    if not isinstance(value, str):
        raise _BadURL(_("a parameter is not text"))
    return value


def _decode(params: Mapping[str, Any]) -> Decoded:
    if URL_PARAM in params:
        text = _first(params[URL_PARAM])
        if len(text) > MAX_URL_CHARS:
            raise _BadURL(_("the state is longer than {n} characters").format(n=MAX_URL_CHARS))
        doc = _json_object(text)
        if doc.get("v") != URL_VERSION or set(doc) - {"v", "config", "view"}:
            raise _BadURL(_("unknown format; expected version {v}").format(v=URL_VERSION))
        try:
            config = load(doc.get("config"))
        except ConfigError as exc:
            raise _BadURL(_("invalid {error}").format(error=core(str(exc)[:200]))) from None
        except (ValueError, TypeError, OverflowError, RecursionError):
            raise _BadURL(_("invalid configuration")) from None
        return Decoded(config, _view(doc.get("view", {})))
    if "preset" in params:
        name = _first(params["preset"])
        if name not in presets.PRESETS:
            raise _BadURL(_("unknown preset"))
        return Decoded(presets.get(name), View(preset=name))
    return default_state()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _json_object(text: str) -> dict[str, Any]:
    """Decode URL-safe base64 of a JSON object; NaN and Infinity are refused."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise _BadURL(_("the state is not URL-safe base64"))
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise _BadURL(_("the state is not valid base64-encoded JSON")) from None
    if not isinstance(doc, dict):
        raise _BadURL(_("the state is not a JSON object"))
    return doc


def read_view(doc: Any) -> View:
    """A view from its JSON data (``View.to_dict``), validated; ValueError says what is wrong."""
    return _view(doc)


def _view(doc: Any) -> View:
    if not isinstance(doc, dict) or set(doc) - {"tab", "overlay", "log_y", "preset", "insights", "critical",
                                                "look"}:
        raise _BadURL(_("invalid view"))
    try:
        look = Look.from_dict(doc.get("look", {}))
    except (ValueError, TypeError) as exc:
        raise _BadURL(_("invalid export look: {problem}").format(problem=str(exc)[:120])) from None
    view = View(**{**doc, "insights": _insights(doc.get("insights", {})), "look": look})
    if not isinstance(view.tab, str) or view.tab not in views.BY_ID:
        raise _BadURL(_("unknown view"))
    if not all(isinstance(v, bool) for v in (view.overlay, view.log_y, view.critical)):
        raise _BadURL(_("invalid view switches"))
    if view.preset is not None and (not isinstance(view.preset, str)
                                    or view.preset not in presets.PRESETS):
        raise _BadURL(_("unknown preset"))
    return view


def _insights(doc: Any) -> Insights:
    """Validate the insight settings of a URL (whole numbers in range, parseable sweep axes)."""
    names = set(Insights.__dataclass_fields__)
    if not isinstance(doc, dict) or set(doc) - names:
        raise _BadURL(_("invalid insight settings"))
    settings = Insights(**doc)
    for name, (low, high) in Insights.RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _BadURL(_("insight setting {name} must be a whole number from {low} to {high}")
                          .format(name=name, low=low, high=high))
    for name in ("sweep_x", "sweep_y"):
        value = getattr(settings, name)
        if value is not None:
            try:
                settings = replace(settings, **{name: normal_axis(value)})
            except (ValueError, TypeError) as exc:
                raise _BadURL(_("invalid {name}: {problem}").format(name=name, problem=str(exc)[:120])) from None
    if settings.sweep_x is not None and settings.sweep_y is not None \
            and sweep_axis(settings.sweep_x).name == sweep_axis(settings.sweep_y).name:
        raise _BadURL(_("the sweep's two axes must be different hyperparameters"))
    return settings
