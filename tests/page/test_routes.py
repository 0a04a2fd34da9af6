"""routes: the trajectories from a dragged start, answered outside any script run.

The route is called as Starlette calls it (a Request in, a Response out); the browser test of
the drag (test_e2e.py) goes through the served app. The trajectories are compared with the
core's run from the same start (the core is golden-tested against torch) and, for the first
step, with a hand calculation.
"""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np
import pytest
from starlette.requests import Request

from gradscape import presets
from gradscape.experiment import simulate
from gradscape.page import limits, routes
from gradscape.page.views import paths

TEXTBOOK = presets.get("textbook")     # x²/20 + y², window [-10, 10] x [-5, 5]; SGD lr 0.95 first


def ask(query: dict | str) -> tuple[int, dict]:
    """The route's answer to ``GET /gradscape/paths?query``: (status, JSON body)."""
    text = query if isinstance(query, str) else urlencode(query)
    request = Request({"type": "http", "method": "GET", "path": "/" + routes.ADDRESS,
                       "query_string": text.encode(), "headers": []})
    response = routes.drag_paths(request)
    return response.status_code, json.loads(response.body)


def run_traces(data: list[dict]) -> dict[str, np.ndarray]:
    """Each run's path in the answer (the traces with a step number per point), by label."""
    return {t["name"]: np.column_stack([t["x"], t["y"]]) for t in data if "customdata" in t}


def test_a_dragged_start_gets_the_core_trajectories_from_there():
    key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False)
    status, answer = ask({"key": key, "x": 3, "y": 1})
    assert status == 200
    got = run_traces(answer["data"])
    expected = simulate(replace(TEXTBOOK, start=(3.0, 1.0)))
    assert sorted(got) == sorted(run.label for run in expected.runs)
    for run in expected.runs:
        np.testing.assert_allclose(got[run.label], run.points, rtol=1e-12, atol=1e-12)
    # SGD lr 0.95 on x²/20 + y² (gradient (x/10, 2y)), by hand: x·(1 − 0.095), y·(1 − 1.9)
    assert got["SGD"][1] == pytest.approx((3 * 0.905, -0.9))
    starts = [t for t in answer["data"] if t["name"] == "start"]
    assert len(starts) == 4 and all((t["x"], t["y"]) == ([3.0], [1.0]) for t in starts)
    assert [a["text"] for a in answer["annotations"]] == ["SGD", "Momentum", "AdaGrad", "Adam"]


def test_the_overlay_is_answered_as_drawn():
    key = paths.open_for_drag(TEXTBOOK, overlay=True, critical=False)
    status, answer = ask({"key": key, "x": -2.5, "y": 4})
    assert status == 200
    assert {t["xaxis"] for t in answer["data"]} == {"x"}              # one panel
    assert run_traces(answer["data"])["Adam"][0] == pytest.approx((-2.5, 4))


@pytest.mark.parametrize("query, status, message", [
    ({"key": "0123", "x": 1, "y": 1}, 404, "no longer open"),
    ({"x": 1, "y": 1}, 404, "no longer open"),
    ({"key": "K", "x": "nan", "y": 1}, 400, "x must be a finite number, got 'nan'"),
    ({"key": "K", "x": 1, "y": "1e999"}, 400, "y must be a finite number"),
    ({"key": "K", "x": "one", "y": 1}, 400, "x must be a finite number, got 'one'"),
    ({"key": "K", "y": 1}, 400, "x must be a finite number, got None"),
    ({"key": "K", "x": 10.5, "y": 0}, 400, "inside the window [-10, 10] × [-5, 5], got (10.5, 0)"),
    ({"key": "K", "x": 0, "y": -6}, 400, "inside the window"),
    ("key=K&x=1&y=" + "1" * 1000, 400, "too long"),
])
def test_a_bad_request_gets_a_4xx_saying_what_is_wrong(query, status, message):
    key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False)
    if isinstance(query, dict):
        query = {k: key if v == "K" else v for k, v in query.items()}
    got, answer = ask(query)
    assert got == status
    assert message in answer["error"]


def test_a_busy_server_says_so(monkeypatch):
    config = replace(TEXTBOOK, steps=29)                 # not computed yet by another test
    key = paths.open_for_drag(config, overlay=False, critical=False)
    taken, done = threading.Barrier(limits.HEAVY.slots + 1), threading.Event()

    def hold() -> None:                                  # another visitor's computation
        with limits.HEAVY.slot():
            taken.wait()
            done.wait()

    holders = [threading.Thread(target=hold) for _ in range(limits.HEAVY.slots)]
    for thread in holders:
        thread.start()
    taken.wait()                                         # every slot is taken
    monkeypatch.setattr(limits.HEAVY, "wait", 0.0)
    try:
        status, answer = ask({"key": key, "x": 1, "y": 1})
    finally:
        done.set()
        for thread in holders:
            thread.join()
    assert status == 503 and answer["error"] == limits.BUSY


def test_only_the_newest_experiments_stay_open(monkeypatch):
    monkeypatch.setattr(paths, "OPEN_MAX", 2)
    first = paths.open_for_drag(replace(TEXTBOOK, steps=5), False, False)
    paths.open_for_drag(replace(TEXTBOOK, steps=6), False, False)
    paths.open_for_drag(replace(TEXTBOOK, steps=7), False, False)
    assert ask({"key": first, "x": 1, "y": 1})[0] == 404
    assert paths.open_for_drag(TEXTBOOK, False, False) == paths.open_for_drag(TEXTBOOK, False, False)


def test_a_drag_answers_in_the_language_of_the_page_that_opened_it():
    """The route runs outside any session: the traces' names come in the language the page had
    when it opened the experiment, not in English (a drag in Chinese stays Chinese)."""
    from gradscape.i18n import speaking, translate
    with speaking("zh-Hans"):
        key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False)
    assert key != paths.open_for_drag(TEXTBOOK, overlay=False, critical=False)   # English: its own
    status, answer = ask({"key": key, "x": 3, "y": 1})
    assert status == 200
    start = translate("start", "zh-Hans")
    assert start != "start" and sum(t["name"] == start for t in answer["data"]) == 4
    status, answer = ask({"key": key, "x": 99, "y": 1})
    assert status == 400 and "窗口" in answer["error"]


# --- a number typed into the sidebar --------------------------------------------------------

LINES = (0, 1, 2, 3)                   # the textbook preset's optimizers, as the page keys them


def test_a_typed_lr_gets_the_core_trajectories_with_it():
    """SGD's lr typed as 0.5 (the input the browser names line0-opt-SGD-lr): the answer is the
    core's run with that lr, and its first step by hand."""
    key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False, lines=LINES)
    status, answer = ask([("key", key), ("typed", "line0-opt-SGD-lr:0.5")])
    assert status == 200
    got = run_traces(answer["data"])
    sgd = replace(TEXTBOOK.lines[0], optimizer=replace(TEXTBOOK.lines[0].optimizer, params=(("lr", 0.5),)))
    expected = simulate(replace(TEXTBOOK, lines=(sgd, *TEXTBOOK.lines[1:])))
    for run in expected.runs:
        np.testing.assert_allclose(got[run.label], run.points, rtol=1e-12, atol=1e-12)
    # from (-7, 2), gradient (x/10, 2y): x·(1 − 0.05), y·(1 − 1.0)
    assert got["SGD"][1] == pytest.approx((-7 * 0.95, 0.0))
    np.testing.assert_array_equal(got["Adam"], run_traces(ask({"key": key, "x": -7, "y": 2})[1]["data"])["Adam"])


def test_several_typed_inputs_at_once_the_start_and_steps_among_them():
    key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False, lines=LINES)
    status, answer = ask([("key", key), ("typed", "start_x:3"), ("typed", "start_y:1"), ("typed", "steps:5"),
                          ("typed", "line3-opt-Adam-betas-0:0.5")])
    assert status == 200
    got = run_traces(answer["data"])
    assert all(len(points) == 6 and tuple(points[0]) == (3.0, 1.0) for points in got.values())
    # SGD from (3, 1) as in the drag's test: its first step by hand
    assert got["SGD"][1] == pytest.approx((3 * 0.905, -0.9))
    # Adam's first step is lr·sign(g) whatever β₁: 0.3 against the gradient in each coordinate
    assert got["Adam"][1] == pytest.approx((3 - 0.3, 1 - 0.3))


@pytest.mark.parametrize("typed, status, message", [
    (["line9-opt-SGD-lr:0.5"], 400, "No number input 'line9-opt-SGD-lr'"),
    (["line0-name:0.5"], 400, "No number input"),                          # a text, not a number
    (["line0-opt-SGD-nesterov:1"], 400, "No number input"),                # a checkbox
    (["line0-opt-SGD-lr:fast"], 400, "must be a finite number, got 'fast'"),
    (["line0-opt-SGD-lr:inf"], 400, "must be a finite number"),
    (["line0-opt-SGD-lr"], 400, "NAME:TEXT"),
    ([f"steps:{i}" for i in range(9)], 400, "At most 8"),
])
def test_a_bad_typed_input_gets_a_4xx_saying_what_is_wrong(typed, status, message):
    key = paths.open_for_drag(TEXTBOOK, overlay=False, critical=False, lines=LINES)
    got, answer = ask([("key", key), *(("typed", t) for t in typed)])
    assert got == status
    assert message in answer["error"]


@pytest.mark.parametrize("typed, why", [
    ("line0-opt-SGD-lr:-1", "Invalid learning rate: -1.0"),                # torch's own check
    ("steps:12.5", "steps must be a whole number, got '12.5'"),
    ("xmax:20", "changes the surface"),                                   # the window: a new picture
])
def test_what_the_page_must_answer_itself_is_left_to_it(typed, why):
    """Values that cannot run (the page's rerun shows why) or change the contour picture: a
    200 with nothing to draw, so the browser logs no failed request while the page answers."""
    config = replace(TEXTBOOK, surface=("x^2/20 + y^2", ((-10.0, 10.0), (-5.0, 5.0))))
    key = paths.open_for_drag(config, overlay=False, critical=False, lines=LINES)
    assert ask([("key", key), ("typed", "line0-opt-SGD-lr:0.5")])[0] == 200
    status, answer = ask([("key", key), ("typed", typed)])
    assert status == 200 and "data" not in answer and why in answer["redraw"]


def test_the_chart_is_told_which_inputs_the_route_answers():
    names = paths.typable(TEXTBOOK, LINES)
    assert {"start_x", "start_y", "steps", "noise_std", "line0-opt-SGD-lr", "line3-opt-Adam-betas-1",
            "line2-opt-Adagrad-eps"} <= set(names)
    assert not {"line0-name", "line0-opt-SGD-nesterov", "surface"} & set(names)     # text, a checkbox
