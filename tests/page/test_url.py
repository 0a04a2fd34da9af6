"""The URL, the only door for outside input: round trips, and hostile links give the defaults.

Expected trajectories are worked by hand on f = x²/20 + y² (∇f = (x/10, 2y)).
"""
from __future__ import annotations

import base64
import json
import re
import time

import pytest

from gradscape.experiment import load
from gradscape.page.settings import Insights, View
from gradscape.page.text import md_escape
from gradscape.page.url import decode_url, encode_url
from gradscape import presets


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def state_of(config: dict, view: dict | None = None) -> dict[str, str]:
    doc = {"v": 1, "config": config, "view": view or {}}
    return {"s": b64(json.dumps(doc))}


TEXTBOOK = presets.PRESETS["textbook"]["config"]


# --- URL ------------------------------------------------------------------------------------

def test_no_parameters_is_the_landing_page():
    decoded = decode_url({})
    assert decoded.warning is None
    assert decoded.config == presets.get("textbook")
    assert decoded.view == View(tab="paths", overlay=False, log_y=True, preset="textbook")


@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_every_preset_round_trips_through_the_url(name):
    config = presets.get(name)
    view = View(tab="loss", overlay=True, log_y=False, preset=name)
    decoded = decode_url({"s": encode_url(config, view)})
    assert decoded.warning is None
    assert decoded.config == config and decoded.view == view


def test_the_critical_point_marks_round_trip_and_are_left_out_when_off():
    view = View(preset="saddle", critical=True)
    decoded = decode_url({"s": encode_url(presets.get("saddle"), view)})
    assert decoded.warning is None and decoded.view.critical is True
    assert "critical" not in View().to_dict()               # the links made before still read the same


def test_the_url_is_plain_url_safe_text():
    encoded = encode_url(presets.get("schedules"), View())
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encoded)
    assert len(encoded) < 2000


def test_a_preset_by_name():
    decoded = decode_url({"preset": "himmelblau"})
    assert decoded.warning is None
    assert decoded.config == presets.get("himmelblau") and decoded.view.preset == "himmelblau"


def test_repeated_parameter_uses_the_last_value():
    good = encode_url(presets.get("saddle"), View(preset="saddle"))
    decoded = decode_url({"s": ["garbage!", good]})
    assert decoded.warning is None and decoded.config == presets.get("saddle")


BAD_URLS = {
    "not base64": {"s": "%%%<>!!"},
    "base64 of binary": {"s": base64.urlsafe_b64encode(bytes(range(256))).decode()},
    "base64 of non-JSON": {"s": b64("hello")},
    "JSON array": {"s": b64("[1, 2]")},
    "wrong version": state_of(TEXTBOOK) | {"s": b64(json.dumps({"v": 99, "config": TEXTBOOK}))},
    "extra top-level field": {"s": b64(json.dumps({"v": 1, "config": TEXTBOOK, "x": 1}))},
    "NaN start": {"s": b64('{"v": 1, "config": {"surface": "elliptic", "start": [NaN, 1], '
                            '"optimizers": [{"name": "SGD"}]}}')},
    "Infinity lr": {"s": b64('{"v": 1, "config": {"surface": "elliptic", '
                              '"optimizers": [{"name": "SGD", "params": {"lr": Infinity}}]}}')},
    "overflowing number": {"s": b64('{"v": 1, "config": {"surface": "elliptic", "start": [1e999, 0], '
                                     '"optimizers": [{"name": "SGD"}]}}')},
    "steps as text": state_of({**TEXTBOOK, "steps": "30"}),
    "too many steps": state_of({**TEXTBOOK, "steps": 10**9}),
    "negative lr": state_of({"surface": "elliptic", "optimizers": [{"name": "SGD", "params": {"lr": -1}}]}),
    "unknown optimizer": state_of({"surface": "elliptic", "optimizers": [{"name": "NoSuchOptimizer"}]}),
    "unknown surface": state_of({"surface": "../../etc/passwd", "optimizers": [{"name": "SGD"}]}),
    "unknown parameter": state_of({"surface": "elliptic",
                                   "optimizers": [{"name": "SGD", "params": {"__class__": 1}}]}),
    "optimizers not a list": state_of({"surface": "elliptic", "optimizers": "SGD"}),
    "unknown tab": state_of(TEXTBOOK, {"tab": "<script>"}),
    "overlay as text": state_of(TEXTBOOK, {"overlay": "yes"}),
    "critical marks as a number": state_of(TEXTBOOK, {"critical": 1}),
    "unknown preset in view": state_of(TEXTBOOK, {"preset": "nope"}),
    "preset as list": state_of(TEXTBOOK, {"preset": ["textbook"]}),
    "unknown view field": state_of(TEXTBOOK, {"html": "<b>"}),
    "view as list": state_of(TEXTBOOK, ["paths"]),
    "unknown preset": {"preset": "nope"},
    "deep nesting": {"s": b64("[" * 5000 + "]" * 5000)},
}


@pytest.mark.parametrize("params", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_a_bad_url_gives_the_defaults_and_a_warning(params):
    decoded = decode_url(params)
    assert decoded.config == presets.get("textbook")
    assert decoded.view == View()
    assert decoded.warning.startswith("This link could not be used")


def test_a_huge_url_is_refused_before_decoding():
    params = {"s": "A" * 5_000_000}
    start = time.perf_counter()
    decoded = decode_url(params)
    assert time.perf_counter() - start < 0.5      # generous: the length check comes first
    assert "longer than" in decoded.warning


def test_the_warning_names_what_was_wrong():
    assert "optimizers[0].name" in decode_url(BAD_URLS["unknown optimizer"]).warning
    assert "Invalid learning rate" in decode_url(BAD_URLS["negative lr"]).warning


def test_script_in_a_label_is_kept_as_text():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) **b** $x$"
    decoded = decode_url(state_of({"surface": "elliptic",
                                     "optimizers": [{"name": "SGD", "label": hostile}]}))
    assert decoded.warning is None
    assert decoded.config.lines[0].label == hostile       # data is kept; showing it is escaped
    shown = md_escape(decoded.config.lines[0].label)
    assert "<script>" not in shown and "](" not in shown


# A link made by the version before the page was rebuilt (commit 8a9dabd): a typed formula with
# noise, a scheduler, Newton and a hostile-looking label, opened on the sweep with every setting.
OLD_LINK = ("eyJ2IjoxLCJjb25maWciOnsic3VyZmFjZSI6eyJleHByIjoic2luKHgpKnleMiArIDAuMSp4XjIiLCJ3aW5kb3ciOl"
            "tbLTMuMCwzLjBdLFstMi4wLDIuMF1dfSwic3RhcnQiOlsxLjAsMS41XSwic3RlcHMiOjQwLCJub2lzZSI6eyJzdGQi"
            "OjAuMywic2VlZCI6N30sIm9wdGltaXplcnMiOlt7Im5hbWUiOiJSTVNwcm9wIiwicGFyYW1zIjp7ImxyIjowLjA1LC"
            "JjZW50ZXJlZCI6dHJ1ZSwibW9tZW50dW0iOjAuNX0sImxhYmVsIjoiUk1TcHJvcCIsInNjaGVkdWxlciI6eyJuYW1l"
            "IjoiU3RlcExSIiwicGFyYW1zIjp7InN0ZXBfc2l6ZSI6MTAsImdhbW1hIjowLjV9fX0seyJuYW1lIjoiTmV3dG9uIi"
            "wicGFyYW1zIjp7ImxyIjowLjUsImRhbXBpbmciOjEuMH0sImxhYmVsIjoiTmV3dG9uIn0seyJuYW1lIjoiTkFkYW0i"
            "LCJwYXJhbXMiOnsibHIiOjAuMSwiYmV0YXMiOlswLjgsMC45OV19LCJsYWJlbCI6Ij1jbWQiLCJzY2hlZHVsZXIiOn"
            "sibmFtZSI6IkxpbmVhckxSIiwicGFyYW1zIjp7fX19XX0sInZpZXciOnsidGFiIjoic3dlZXAiLCJvdmVybGF5Ijp0"
            "cnVlLCJsb2dfeSI6ZmFsc2UsInByZXNldCI6bnVsbCwiaW5zaWdodHMiOnsibGluZSI6MSwic3RlcCI6MywicmVzb2"
            "x1dGlvbiI6NDAsInBvaW50IjoyLCJzd2VlcF94IjoibHI6MC4wMDE6MS4wOjc6bG9nIiwic3dlZXBfeSI6ImRhbXBp"
            "bmc6MC4wOjEwLjA6NSJ9LCJjcml0aWNhbCI6dHJ1ZX19"
)


def test_a_link_made_before_the_rebuild_opens_the_same_state():
    decoded = decode_url({"s": OLD_LINK})
    assert decoded.warning is None
    assert decoded.config == load({
        "surface": {"expr": "sin(x)*y^2 + 0.1*x^2", "window": [[-3, 3], [-2, 2]]},
        "start": [1.0, 1.5], "steps": 40, "noise": {"std": 0.3, "seed": 7},
        "optimizers": [{"name": "RMSprop", "params": {"lr": 0.05, "centered": True, "momentum": 0.5},
                        "scheduler": {"name": "StepLR", "params": {"step_size": 10, "gamma": 0.5}}},
                       {"name": "Newton", "params": {"lr": 0.5, "damping": 1.0}},
                       {"name": "NAdam", "label": "=cmd", "params": {"lr": 0.1, "betas": [0.8, 0.99]},
                        "scheduler": {"name": "LinearLR", "params": {}}}]})
    assert decoded.view == View(tab="sweep", overlay=True, log_y=False, preset=None, critical=True,
                                insights=Insights(line=1, step=3, resolution=40, point=2,
                                                  sweep_x="lr:0.001:1.0:7:log",
                                                  sweep_y="damping:0.0:10.0:5"))
    assert encode_url(decoded.config, decoded.view) == OLD_LINK     # and it is written the same way


# --- lessons: ?lesson=<id or number>&step=<k> ---------------------------------------------------

def test_a_lesson_link_opens_that_step():
    from gradscape.page import lessons
    decoded = decode_url({"lesson": "saddle", "step": "2"})
    step = lessons.by_id("saddle").steps[1]
    assert decoded.warning is None and decoded.lesson == lessons.Place("saddle", 1)
    assert (decoded.config, decoded.view) == (step.config, step.view)
    assert decode_url({"lesson": "3", "step": "2"}) == decoded           # the third lesson, by number
    assert decode_url({"lesson": "saddle"}).lesson == lessons.Place("saddle", 0)


@pytest.mark.parametrize("step", ["0", "99", "two", "-1"])
def test_a_bad_step_opens_the_lesson_at_its_first_step_with_a_warning(step):
    from gradscape.page import lessons
    decoded = decode_url({"lesson": "saddle", "step": step})
    assert decoded.lesson == lessons.Place("saddle", 0)
    assert decoded.config == lessons.by_id("saddle").steps[0].config
    assert "has steps 1 to 6" in decoded.warning and "first step" in decoded.warning


@pytest.mark.parametrize("lesson", ["nope", "0", "99", "<script>"])
def test_an_unknown_lesson_gives_the_landing_page_and_a_warning(lesson):
    decoded = decode_url({"lesson": lesson, "step": "1"})
    assert decoded.lesson is None and decoded.config == presets.get("textbook")
    assert "there is no lesson" in decoded.warning


def test_a_lesson_link_round_trips_as_its_step_or_with_the_changed_state():
    from dataclasses import replace
    from gradscape.page import lessons
    from gradscape.page.url import url_params
    place = lessons.Place("momentum", 2)
    step = lessons.step_of(place)
    assert url_params(step.config, step.view, place) == {"lesson": "momentum", "step": "3"}
    changed = replace(step.config, steps=50)
    params = url_params(changed, step.view, place)
    assert params["lesson"] == "momentum" and params["step"] == "3"
    decoded = decode_url(params)
    assert decoded.warning is None and decoded.lesson == place and decoded.config == changed
    assert set(url_params(changed, step.view)) == {"s"}                  # no lesson: the state alone


# --- presentation mode: present=1 beside the state ------------------------------------------

@pytest.mark.parametrize("present", [False, True])
def test_presentation_mode_round_trips_beside_the_state(present):
    from gradscape.page.url import url_params
    config, view = presets.get("textbook"), View(preset="textbook")
    params = url_params(config, view, present=present)
    assert ("present" in params) is present                 # a state link never forces it
    decoded = decode_url(params)
    assert decoded.warning is None
    assert (decoded.config, decoded.view, decoded.present) == (config, view, present)


@pytest.mark.parametrize("params, present", [
    ({"present": "1"}, True), ({"preset": "saddle", "present": "1"}, True),
    ({"present": ["0", "1"]}, True), ({"present": "0"}, False), ({"present": "yes please"}, False),
    ({"present": {"a": 1}}, False), ({}, False)])
def test_the_present_flag_alone_or_beside_a_preset(params, present):
    decoded = decode_url(params)
    assert decoded.present is present and decoded.warning is None
    if "preset" in params:
        assert decoded.view.preset == "saddle"


def test_a_bad_state_link_in_presentation_mode_keeps_the_mode():
    decoded = decode_url({"s": "!!!", "present": "1"})
    assert decoded.present is True and decoded.warning is not None
