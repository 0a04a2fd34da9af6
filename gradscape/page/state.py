"""The page's session state: read once from the URL, made complete before anything is drawn,
written back to the URL, and the callbacks that change it as a whole.

``begin()`` runs first in every run of the page: on a session's first run it reads the URL,
then it gives every input its value (an optimizer line that just changed class gets torch's
defaults), so the results and the sidebar may be drawn in either order. ``current()`` is what
the inputs show: the Config (or the last valid one and the error) and the View.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gradscape import presets
from gradscape.experiment import Config, ConfigError, load
import surfaces

from gradscape.i18n import _, language
from gradscape.i18n_core import core

from . import form, lessons, views
from .lang import LANG_PARAM
from .keys import Key, line_key
from .settings import View, insight_values, look_values, read_insights, read_look
from .url import MAX_URL_CHARS, URL_PARAM, decode_url, url_params

ss = st.session_state
CUSTOM = "(custom)"            # the preset choice once the experiment is the visitor's own
MAX_UPLOAD = 200_000           # bytes of an uploaded configuration


@dataclass(frozen=True)
class Current:
    """What the inputs show: the experiment (the last valid one if ``error``) and the view."""

    config: Config
    view: View
    error: str | None

    @property
    def formula_error(self) -> str | None:
        """The error, when it is the typed formula's or its window's (shown beside the input)."""
        formula = ss.get(Key.SURFACE) == form.FORMULA_OPTION
        return self.error if formula and (self.error or "").startswith("surface") else None


def begin() -> None:
    """First in every run: the URL on a session's first run, then a value for every input."""
    if Key.LINES not in ss:
        decoded = decode_url(st.query_params.to_dict())
        apply_state(decoded.config, decoded.view)
        ss[Key.NOTICE] = decoded.warning
        open_lesson(decoded.lesson)
        ss[Key.PRESENT] = decoded.present
    for key, value in form.missing_defaults(ss, ss[Key.LINES]).items():
        ss[key] = value
    name_copies()


def current() -> Current:
    config, error = form.current(ss, ss[Key.LINES])
    return Current(config, current_view(), error)


def current_view() -> View:
    preset = ss.get(Key.PRESET)
    return View(views.open_tab().id, bool(ss.get(Key.OVERLAY)), bool(ss.get(Key.LOG_Y, True)),
                preset if preset in presets.PRESETS else None, read_insights(ss),
                bool(ss.get(Key.CRITICAL_MARKS)), read_look(ss))


def write_url(now: Current) -> None:
    """The URL holds the whole state, written back after every change (a valid one only), and
    ``present=1`` in presentation mode (a teacher bookmarks it)."""
    if now.error is None:
        params = url_params(now.config, now.view, ss.get(Key.LESSON), presenting())
        if len(params.get(URL_PARAM, "")) > MAX_URL_CHARS:   # e.g. a large uploaded dataset: export it
            del params[URL_PARAM]
        params[LANG_PARAM] = language()                      # a shared link opens in the sharer's language
        if st.query_params.to_dict() != params:
            st.query_params.from_dict(params)


def presenting() -> bool:
    """Whether the page is in presentation mode (``Key.PRESENT``)."""
    return bool(ss.get(Key.PRESENT))


def apply_state(config: Config, view: View) -> None:
    """Show a whole state: put it into every input (preset, URL or uploaded file)."""
    first = ss.get(Key.NEXT_UID, 0)
    uids = list(range(first, first + len(config.lines)))
    try:
        values = form.widget_values(config, uids)
    except ConfigError as exc:     # runs, but has no inputs (a wrapper around a wrapper)
        ss[Key.NOTICE] = _("This configuration cannot be shown here: {error}").format(error=core(str(exc)[:300]))
        config = presets.get(presets.DEFAULT)
        view = replace(view, preset=presets.DEFAULT)
        uids = list(range(first, first + len(config.lines)))
        values = form.widget_values(config, uids)
    ss[Key.NEXT_UID] = first + len(uids)
    ss[Key.LINES] = uids
    ss[Key.COPIES] = {}
    ss.update(values)
    ss[Key.VIEW] = _(views.BY_ID[view.tab].label)
    ss[Key.OVERLAY], ss[Key.LOG_Y], ss[Key.CRITICAL_MARKS] = view.overlay, view.log_y, view.critical
    ss[Key.PRESET] = view.preset or CUSTOM
    ss[Key.BOOK_CLASSES] = view.preset == "textbook_book"
    ss.update(insight_values(view.insights))
    ss.update(look_values(view.look))
    ss[Key.GOOD_CONFIG] = config


def open_lesson(place: lessons.Place | None) -> None:
    """Show a lesson's step (the state it sets is already shown) with its run hidden until the
    step is run (``lessonpanel``), or no lesson."""
    ss[Key.LESSON] = place
    ss[Key.LESSON_PICK] = place.lesson if place is not None else ""
    ss[Key.LESSON_REVEALED] = False
    ss[Key.LESSON_HIDE] = place is not None


def go_to(place: lessons.Place) -> None:
    """Open a lesson's step: its state, then its panel."""
    step = lessons.step_of(place)
    apply_state(step.config, step.view)
    ss[Key.NOTICE] = None
    open_lesson(place)


def rerunning_alone() -> bool:
    """True in a fragment's run of its own (not part of the whole page's)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


# --- callbacks --------------------------------------------------------------------------------

def on_value() -> None:
    """A value changed that decides only the results, not which inputs exist: rerun just them,
    the chart alone first when it is shown (it then reruns the rest: ``views.paths.on_drawn``).
    When the change renames a copy (``name_copies``) the whole page reruns, sidebar included."""
    if not name_copies():
        st.rerun(Key.PANELS if views.open_tab() is views.paths.TAB else Key.RESULTS)


def name_copies() -> bool:
    """Name every copy the visitor has not renamed by what differs from its source
    ("Adam lr=0.01", ``form.copy_label``); True if a label changed."""
    copies = {k: v for k, v in ss.get(Key.COPIES, {}).items() if k in ss[Key.LINES] and v in ss[Key.LINES]}
    ss[Key.COPIES] = copies
    changed = False
    for uid, source in copies.items():
        key = line_key(uid, "label")
        others = [ss[line_key(u, "label")] for u in ss[Key.LINES] if u != uid]
        label = form.copy_label(ss, source, uid, others)
        if label is not None and label != ss.get(key):
            ss[key], changed = label, True
    return changed


def on_preset() -> None:
    name = ss[Key.PRESET]
    if name in presets.PRESETS:
        view = current_view()
        apply_state(presets.get(name), View(view.tab, view.overlay, view.log_y, name,
                                            critical=view.critical, look=view.look))


def on_book() -> None:
    """The landing figure in the book's own classes, or back in torch.optim's."""
    ss[Key.PRESET] = "textbook_book" if ss[Key.BOOK_CLASSES] else "textbook"
    on_preset()


def on_surface() -> None:
    """A new surface starts from its own default start point; a typed formula from a point
    off its axes where every line stays finite (``form.sensible_start``)."""
    if ss[Key.SURFACE] == form.FORMULA_OPTION:
        for key, value in ((Key.FORMULA, "x^2 + y^2"), (Key.XMIN, -5.0), (Key.XMAX, 5.0),
                           (Key.YMIN, -5.0), (Key.YMAX, 5.0)):
            ss.setdefault(key, value)
        ss[Key.START_X], ss[Key.START_Y] = form.sensible_start(ss, ss[Key.LINES])
    elif ss[Key.SURFACE] in form.MODEL_OPTIONS:
        ss.update(form.model_defaults(form.MODEL_OPTIONS[ss[Key.SURFACE]]))
    else:
        ss[Key.START_X], ss[Key.START_Y] = map(float, surfaces.get(ss[Key.SURFACE]).start)


def on_upload() -> None:
    """A configuration file (Config.to_dict() JSON, as exported) replaces the experiment."""
    file: Any = ss.get(Key.UPLOAD)
    if file is None:
        return
    try:
        raw = file.getvalue()
        if len(raw) > MAX_UPLOAD:
            raise ConfigError(_("config: the file is larger than {n} KB").format(n=MAX_UPLOAD // 1000))
        config = load(raw.decode("utf-8"))
    except (ConfigError, UnicodeDecodeError) as exc:
        ss[Key.NOTICE] = _("This file could not be loaded: {error}").format(error=core(str(exc)[:300]))
        return
    view = current_view()
    ss[Key.NOTICE] = None
    apply_state(config, View(view.tab, view.overlay, view.log_y, None, critical=view.critical,
                             look=view.look))
