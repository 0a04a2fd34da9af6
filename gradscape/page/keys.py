"""Every session-state key of the page, declared once: a typo is an AttributeError, not a new widget.

The page's state is Streamlit's session state, one flat mapping. Its fixed keys are the members
of ``Key``, grouped by the module that owns them; the keys of one optimizer line (its widgets
and buttons) come from ``line_key`` and ``param_key``. The string values are part of what a
browser sees (Streamlit gives each keyed element the CSS class ``st-key-<key>``): keep them.
"""
from __future__ import annotations

import re
from enum import StrEnum, unique


@unique
class Key(StrEnum):
    # state.py: the experiment as a whole
    PRESET = "preset"
    LINES = "lines"                    # the line ids, in order (not a widget)
    NEXT_UID = "next_uid"              # the next line id (not a widget)
    COPIES = "copies"                  # {copy's uid: its source's uid} while named by what differs
    GOOD_CONFIG = "good_config"        # the last valid Config, shown while the inputs hold an error
    NOTICE = "notice"                  # a warning for the next run (a bad URL, a bad upload)
    RESULTS = "results"                # the fragment that shows the experiment
    INPUTS = "inputs"                  # the sidebar's inputs: a fragment
    PAINTED = "painted"                # this session's first chart is drawn: the whole page follows
    RESULTS_FOR = "results_for"        # the Config the results fragment last showed
    BUSY_RETRY = "busy_retry"
    # lang.py: the session's language (the selector) and a warning about the link's
    LANG = "lang"
    LANG_NOTICE = "lang_notice"
    # lessonpanel.py: a lesson's step above the views, driven by buttons or keys
    LESSON = "lesson"                  # the open step, a lessons.Place, or None (not a widget)
    LESSON_PICK = "lesson.pick"        # the sidebar's lesson menu: a lesson's id, or "" for none
    LESSON_REVEALED = "lesson.revealed"    # the step's run was started: its answer shows once done
    LESSON_HIDE = "lesson.hide"        # a step was just opened: its run starts hidden (at step 0)
    LESSON_RERUN = "lesson.rerun"      # a key or button changed the step: the whole page reruns
    LESSON_PREV, LESSON_NEXT = "lesson.prev", "lesson.next"
    LESSON_RUN, LESSON_CLOSE = "lesson.run", "lesson.close"
    LESSON_KEYS = "lesson.keys"        # the component that hears PageUp, PageDown and R
    LESSON_PANEL = "lesson.panel"
    # sidebar.py
    SURFACE = "surface"
    FORMULA = "formula"
    XMIN, XMAX, YMIN, YMAX = "xmin", "xmax", "ymin", "ymax"
    START_X, START_Y = "start_x", "start_y"
    STEPS = "steps"
    NOISE_STD, NOISE_SEED = "noise_std", "noise_seed"
    # modelinputs.py: a model surface's data, L2 term and mini-batches
    DATA_SOURCE = "data_source"        # "generate", a shipped dataset's name, or "rows"
    DATA_N, DATA_NOISE, DATA_SEED = "data_n", "data_noise", "data_seed"
    DATA_TRUE_P, DATA_TRUE_Q = "data_true_p", "data_true_q"
    DATA_ROWS = "data_rows"            # the uploaded or inline rows, a Dataset (not a widget)
    DATA_UPLOAD = "data_upload"
    L2 = "l2"
    BATCH_SIZE = "batch_size"          # 0: every row in every update
    BATCH_SHUFFLE, BATCH_SEED, BATCH_DROP_LAST = "batch_shuffle", "batch_seed", "batch_drop_last"
    ADD_NAME, ADD = "add_name", "add"
    UPLOAD = "upload"
    # header.py and views/__init__.py: how the results are shown
    VIEW = "view"                      # the open tab (its label)
    OVERLAY = "overlay"
    LOG_Y = "log_y"
    CRITICAL_MARKS = "critical_marks"
    BOOK_CLASSES = "book_classes"      # the landing figure in the book's own classes
    PRESENT = "present"                # presentation mode (the URL's present=1, not in the state)
    PRESENT_SHOWN = "present_shown"    # the mode the page was last laid out in (not a widget)
    PRESENT_HEAD = "present_head"      # presentation mode's one-line header (a container)
    PRESENT_RULES = "present_rules"    # the update rules beside the panels (a container)
    NOTATION = "notation"              # the update rules' notation: "torch", "textbook" or "ema"
    # livechart.py
    PRELOAD = "plotly_preload"         # the element that starts loading plotly.js (hidden by CSS)
    SENT_IMAGES = "livechart.sent"     # per chart key: the pictures this session's browser has
    # views/paths.py
    PATHS = "paths"                    # playback and the chart: a fragment
    PANELS = "panels"                  # the chart alone: a fragment inside it
    CHART = "chart"
    PLAY, PLAYING = "play", "playing"
    PLAY_SPEED, PLAY_LOOP = "play_speed", "play_loop"
    UPTO, UPTO_FOR = "upto", "upto_for"
    RERUN_APP = "rerun_app"            # a click moved the start: the sidebar must follow
    PRESENT_KEY = "present_key"        # the last key pressed in presentation mode (its sequence)
    # views/curves.py, views/surface3d.py
    CHART_LOSS, CHART_DISTANCE, CHART_LR = "chart_loss", "chart_distance", "chart_lr"
    CHART_3D = "chart_surface3d"
    # views/fit.py
    CHART_FIT = "chart_fit"
    # views/inside.py, basin.py, sweep.py: the optimizer line they follow
    INSIGHT_LINE = "insight.line"
    # views/inside.py
    INSIGHT_STEP = "insight.step"
    CHART_INSIDE = "chart_inside"
    # views/critical.py
    CRITICAL_POINT = "insight.point"
    CHART_CRITICAL = "chart_critical"
    # views/basin.py
    BASIN_RESOLUTION = "insight.resolution"
    CHART_BASIN = "chart_basin"
    # views/sweep.py (an axis has five widgets: axis_key)
    SWEEP_X, SWEEP_Y = "insight.sweep_x", "insight.sweep_y"
    SWEEP_PICK = "insight.pick"        # a clicked cell, applied before any widget is drawn
    SWEEP_NOTE = "insight.note"        # what the last click did
    CHART_SWEEP = "chart_sweep"
    # share.py
    DOWNLOAD = "dl"                    # + "_" + the file's extension: one key per button
    EXPORT_SIZE = "export.size"        # the slide look of every export (settings.Look, in the URL)
    EXPORT_FONT_SCALE = "export.font_scale"
    EXPORT_THEME = "export.theme"
    EXPORT_TRANSPARENT = "export.transparent"
    ANIMATION_FORMAT = "animation.format"
    ANIMATION_FPS = "animation.fps"
    ANIMATION_HOLD = "animation.hold"
    ANIMATION_MAKE = "animation.make"
    ANIMATION_FILE = "animation.file"  # the last animation made: (Config, View, format, bytes)


LINE_FIELDS = ("name", "label", "scheduler", "dup", "del", "box", "more", "batch",
               "code", "code_note")     # the pasted line of code, and what reading it said
AXIS_FIELDS = ("name", "low", "high", "num", "log")


def line_key(uid: int, field: str) -> str:
    """Key of a per-line element: field is one of ``LINE_FIELDS``."""
    if field not in LINE_FIELDS:
        raise KeyError(field)
    return f"line{uid}.{field}"


def param_key(uid: int, role: str, owner: str, param: str, part: int | None = None) -> str:
    """Key of one hyperparameter input; role "opt", "sched" or "inner" (a wrapper's optimizer),
    owner the class name.

    The owner is part of the key, so switching a line from Adam to SGD and back never feeds
    Adam's betas into SGD's inputs. A pair (betas) has two inputs, part 0 and 1.
    """
    key = f"line{uid}.{role}.{owner}.{param}"
    return key if part is None else f"{key}.{part}"


def css_key(key: str) -> str:
    """What Streamlit makes of an element's key in its CSS class (``st-key-`` + this): every
    character but letters, digits, ``_`` and ``-`` becomes ``-`` ("line3.opt.SGD.lr" ->
    "line3-opt-SGD-lr"). The browser names an input by it."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def axis_key(axis: Key, field: str) -> str:
    """Key of one of the five widgets of a sweep axis (``Key.SWEEP_X`` or ``Key.SWEEP_Y``)."""
    if field not in AXIS_FIELDS:
        raise KeyError(field)
    return f"{axis}.{field}"
