"""Helpers for AppTest tests of the real app.py: start it, read its chart as a figure dict."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from gradscape.page.keys import Key

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def start(first_paint: bool = False, **query: str) -> AppTest:
    """Run app.py with these URL query parameters; fail on any exception on the page.

    A browser's first run draws the page down to the chart, and the rest once the chart says
    it is drawn (``views.paths.deferred``), which AppTest cannot say: unless ``first_paint``, the
    session starts as if it had said so.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    if not first_paint:
        at.session_state[Key.PAINTED] = True
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def refresh(at: AppTest) -> AppTest:
    """A full rerun, as the next structural change would make (or the browser's request for the
    rest of the results once it has drawn the chart).

    A value input (lr, start, steps...) reruns only the chart's fragment (``state.on_value``); the
    browser keeps the rest of the page, but AppTest's element tree then holds the fragment's
    elements only.
    """
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    """The page's figures as JSON dicts: the live chart (side by side), then Plotly charts."""
    data = [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.json]
    live = [json.loads(d["figure"]) for d in data if "figure" in d]
    return live + [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def chart(at: AppTest, i: int = 0) -> dict:
    """The i-th figure on the page (``charts``)."""
    return charts(at)[i]


def array(value) -> np.ndarray:
    """A figure's array: a plain list, or Plotly's {"dtype", "bdata", "shape"} encoding."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)
