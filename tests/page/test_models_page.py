"""Model surfaces on the page: the surface choice, the data view, the preset, the URL.

Expected lines come from the run's own points worked by hand (w·x + b) or from the shipped
dataset's file; the mini-batch steps themselves are checked against torch in test_models*.py.
"""
from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from apptest import array, chart, refresh, start

from gradscape import presets
from gradscape.experiment import simulate
from gradscape.page.form import read_config
from gradscape.page.keys import Key
from gradscape.page.url import decode_url
from gradscape.page.views import BY_ID
from surfaces import data


def open_fit(at: AppTest) -> AppTest:
    at.session_state[Key.VIEW] = BY_ID["fit"].label
    at.run()
    assert not at.exception, at.exception
    return at


def test_preset_shows_the_data_and_each_line_at_the_last_step():
    at = open_fit(start(preset="minibatch"))
    fig = chart(at)
    names = [t.get("name") for t in fig["data"]]
    assert names[0] == "data" and len(names) == 4
    rows = data.shipped("noisy_line", "linear")
    np.testing.assert_allclose(array(fig["data"][0]["x"]), rows.x)
    result = simulate(presets.get("minibatch"))
    for trace, run in zip(fig["data"][1:], result.runs):
        w, b = run.points[-1]
        x, y = array(trace["x"]), array(trace["y"])
        np.testing.assert_allclose(y, w * x + b, rtol=1e-9)      # the line at the last step


def test_the_step_slider_moves_the_lines_and_rings_the_batch():
    at = start(preset="minibatch")
    at.session_state[Key.UPTO] = 3
    at = open_fit(at)
    fig = chart(at)
    result = simulate(presets.get("minibatch"))
    w, b = result.runs[1].points[3]
    line = next(t for t in fig["data"] if t["name"] == "mini-batch 8 (step 3)")
    np.testing.assert_allclose(array(line["y"]), w * array(line["x"]) + b, rtol=1e-9)
    ring = next(t for t in fig["data"] if t["name"].startswith("batch of mini-batch 8"))
    assert len(array(ring["x"])) == 8


def test_choosing_a_model_surface_shows_its_inputs_and_a_valid_config():
    at = start()
    at.selectbox(key=Key.SURFACE).set_value("model:logistic").run()
    assert not at.exception, at.exception
    assert at.session_state[Key.DATA_SOURCE] == "two_clouds"
    doc = read_config(at.session_state, at.session_state[Key.LINES])
    assert doc["surface"] == {"model": "logistic", "l2": 0.0, "data": {"name": "two_clouds"}}
    at.number_input(key=Key.BATCH_SIZE).set_value(16).run()
    refresh(at)                          # a value reruns the chart first, then the rest
    decoded = decode_url({"s": at.query_params["s"][0] if isinstance(at.query_params["s"], list)
                          else at.query_params["s"]})
    assert decoded.warning is None and decoded.config.batch.size == 16


def test_fit_view_on_a_builtin_surface_explains_itself():
    at = open_fit(start())
    assert any("model on data" in i.value for i in at.info)
