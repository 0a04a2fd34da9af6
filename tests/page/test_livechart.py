"""livechart: which plotly.js bundle the page gets, and what the live chart accepts."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from gradscape.page import livechart
from gradscape.page.livechart import FULL, bundle, version


def header(name: str, v: str) -> str:
    return f"/**\n* plotly.js ({name} - minified) v{v}\n* Copyright 2012-2026, Plotly, Inc.\n*/\n"


def test_the_full_bundle_names_its_version():
    assert version(FULL) is not None and version(FULL).count(".") == 2


def test_the_basic_bundle_only_when_it_is_the_same_plotly_js(tmp_path):
    same = tmp_path / "same.min.js"
    same.write_text(header("basic", version(FULL)))
    other = tmp_path / "other.min.js"
    other.write_text(header("basic", "0.0.1"))
    junk = tmp_path / "junk.min.js"
    junk.write_text("no header here")
    assert bundle(basic=same) == same
    assert bundle(basic=other) == FULL                  # another plotly.js: figures may differ
    assert bundle(basic=junk) == FULL
    assert bundle(basic=tmp_path / "missing.min.js") == FULL


def test_the_live_chart_refuses_what_the_basic_bundle_cannot_draw():
    with pytest.raises(ValueError, match="scatter"):
        livechart.live_chart(go.Figure(go.Surface(z=[[1, 2], [3, 4]])), key="k", config={})
