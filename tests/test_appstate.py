"""The app's state without a browser: URL decoding (hostile input), widgets <-> config, tables.

Expected trajectories are worked by hand on f = x²/20 + y² (∇f = (x/10, 2y)): plain SGD with
learning rate η multiplies x by (1 − η/10) and y by (1 − 2η) at every step.
"""
from __future__ import annotations

import base64
import json
import math
import re
import string
import time

import pytest

import appstate as A
import presets
from experiment import Config, ConfigError, load, simulate


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def state_of(config: dict, view: dict | None = None) -> dict[str, str]:
    doc = {"v": 1, "config": config, "view": view or {}}
    return {"s": b64(json.dumps(doc))}


TEXTBOOK = presets.PRESETS["textbook"]["config"]


# --- URL ------------------------------------------------------------------------------------

def test_no_parameters_is_the_landing_page():
    decoded = A.decode_url({})
    assert decoded.warning is None
    assert decoded.config == presets.get("textbook")
    assert decoded.view == A.View(tab="paths", overlay=False, log_y=True, preset="textbook")


@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_every_preset_round_trips_through_the_url(name):
    config = presets.get(name)
    view = A.View(tab="loss", overlay=True, log_y=False, preset=name)
    decoded = A.decode_url({"s": A.encode_url(config, view)})
    assert decoded.warning is None
    assert decoded.config == config and decoded.view == view


def test_the_critical_point_marks_round_trip_and_are_left_out_when_off():
    view = A.View(preset="saddle", critical=True)
    decoded = A.decode_url({"s": A.encode_url(presets.get("saddle"), view)})
    assert decoded.warning is None and decoded.view.critical is True
    assert "critical" not in A.View().to_dict()               # the links made before still read the same


def test_the_url_is_plain_url_safe_text():
    encoded = A.encode_url(presets.get("schedules"), A.View())
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encoded)
    assert len(encoded) < 2000


def test_a_preset_by_name():
    decoded = A.decode_url({"preset": "himmelblau"})
    assert decoded.warning is None
    assert decoded.config == presets.get("himmelblau") and decoded.view.preset == "himmelblau"


def test_repeated_parameter_uses_the_last_value():
    good = A.encode_url(presets.get("saddle"), A.View(preset="saddle"))
    decoded = A.decode_url({"s": ["garbage!", good]})
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
    decoded = A.decode_url(params)
    assert decoded.config == presets.get("textbook")
    assert decoded.view == A.View()
    assert decoded.warning.startswith("This link could not be used")


def test_a_huge_url_is_refused_before_decoding():
    params = {"s": "A" * 5_000_000}
    start = time.perf_counter()
    decoded = A.decode_url(params)
    assert time.perf_counter() - start < 0.5      # generous: the length check comes first
    assert "longer than" in decoded.warning


def test_the_warning_names_what_was_wrong():
    assert "optimizers[0].name" in A.decode_url(BAD_URLS["unknown optimizer"]).warning
    assert "Invalid learning rate" in A.decode_url(BAD_URLS["negative lr"]).warning


def test_script_in_a_label_is_kept_as_text():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) **b** $x$"
    decoded = A.decode_url(state_of({"surface": "elliptic",
                                     "optimizers": [{"name": "SGD", "label": hostile}]}))
    assert decoded.warning is None
    assert decoded.config.lines[0].label == hostile       # data is kept; showing it is escaped
    shown = A.md_escape(decoded.config.lines[0].label)
    assert "<script>" not in shown and "](" not in shown


# --- Markdown escaping ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["<b>x</b>", "[a](javascript:alert(1))", "**bold** _it_",
                                  "$\\frac{1}{0}$", ":material/home: :red[x]", "# head\n- item",
                                  "a\\b `code`", "plain words"])
def test_md_escape_escapes_every_markdown_character(text):
    shown = A.md_escape(text)
    # every ASCII punctuation character is preceded by a backslash ...
    assert re.fullmatch(r"(?:\\[" + re.escape(string.punctuation) + r"]|[^" +
                        re.escape(string.punctuation) + r"\n])*", shown)
    # ... and removing those backslashes gives the text back (on one line)
    assert re.sub(r"\\(.)", r"\1", shown) == " ".join(text.split())


# --- widgets <-> config ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_widgets_show_exactly_the_config(name):
    config = presets.get(name)
    uids = [10 + 3 * i for i in range(len(config.lines))]
    state = A.widget_values(config, uids)
    back = load(A.read_config(state, uids))
    assert A.canonical(back) == A.canonical(config)
    assert [line.label for line in back.lines] == [line.label for line in config.lines]


def test_widget_values_of_the_textbook_momentum_line():
    state = A.widget_values(presets.get("textbook"), [0, 1, 2, 3])
    assert state[A.line_key(1, "name")] == "SGD" and state[A.line_key(1, "label")] == "Momentum"
    assert state[A.param_key(1, "opt", "SGD", "lr")] == 0.1
    assert state[A.param_key(1, "opt", "SGD", "momentum")] == 0.9
    assert state[A.param_key(1, "opt", "SGD", "nesterov")] is False
    assert state[A.param_key(3, "opt", "Adam", "betas", 0)] == 0.9       # torch's default betas
    assert state[A.param_key(3, "opt", "Adam", "betas", 1)] == 0.999
    assert (state[A.START_X], state[A.START_Y], state[A.STEPS]) == (-7.0, 2.0, 30)


def test_read_config_leaves_out_defaults():
    state = A.widget_values(presets.get("textbook"), [0, 1, 2, 3])
    doc = A.read_config(state, [0, 1, 2, 3])
    assert doc["optimizers"][1] == {"name": "SGD", "label": "Momentum",
                                    "params": {"lr": 0.1, "momentum": 0.9}}
    assert doc["optimizers"][3]["params"] == {"lr": 0.3}


def test_milestones_are_typed_as_text():
    config = presets.get("schedules")
    uids = [0, 1, 2, 3]
    state = A.widget_values(config, uids)
    key = A.param_key(2, "sched", "MultiStepLR", "milestones")
    assert state[key] == "60, 150"
    state[key] = "10 20,30"
    assert A.read_config(state, uids)["optimizers"][2]["scheduler"]["params"]["milestones"] == [10, 20, 30]
    state[key] = "10, twenty"
    with pytest.raises(ConfigError, match=r"optimizers\[2\]\.scheduler\.milestones"):
        A.read_config(state, uids)


def test_parse_ints():
    assert A.parse_ints(" 60, 150 ", "m") == [60, 150]
    assert A.parse_ints("", "m") == []
    for bad in ("1.5", "1e3", "0x10", "9" * 20):
        with pytest.raises(ConfigError):
            A.parse_ints(bad, "m")


def test_unique_label():
    assert A.unique_label("Adam", ["SGD"]) == "Adam"
    assert A.unique_label("Adam", ["Adam"]) == "Adam (2)"
    assert A.unique_label("Adam (2)", ["Adam", "Adam (2)"]) == "Adam (3)"


def test_copy_line_copies_every_parameter_under_a_new_label():
    state = A.widget_values(presets.get("schedules"), [0, 1, 2, 3])
    copy = A.copy_line(state, 1, 7, ["constant", "StepLR", "MultiStepLR", "ExponentialLR"])
    assert copy[A.line_key(7, "label")] == "StepLR (2)"
    assert copy[A.line_key(7, "scheduler")] == "StepLR"
    assert copy[A.param_key(7, "sched", "StepLR", "step_size")] == 50
    assert copy[A.param_key(7, "opt", "Adam", "lr")] == 0.1
    assert all(k.startswith("line7.") for k in copy)


def test_missing_defaults_fill_a_line_that_changed_class():
    state = A.widget_values(presets.get("textbook"), [0, 1, 2, 3])
    state[A.line_key(0, "name")] = "RMSprop"
    missing = A.missing_defaults(state, [0, 1, 2, 3])
    assert missing[A.param_key(0, "opt", "RMSprop", "alpha")] == 0.99     # torch's default
    assert missing[A.param_key(0, "opt", "RMSprop", "lr")] == 0.01
    assert not any(k.startswith("line1.") for k in missing)


def test_float_step():
    sgd = {h.name: h for h in A.hyperparams("opt", "SGD")}
    adam = {h.name: h for h in A.hyperparams("opt", "Adam")}
    assert A.float_step(sgd["lr"]) == 0.01 and A.float_step(sgd["momentum"]) == 0.01
    assert A.float_step(adam["eps"]) == pytest.approx(1e-8)


# --- words and tables -----------------------------------------------------------------------

def test_describe_names_what_differs_from_torch():
    result = simulate(presets.get("textbook"))
    assert [A.describe(r) for r in result.runs] == [
        "SGD lr=0.95", "SGD lr=0.1, momentum=0.9", "Adagrad lr=1.5", "Adam lr=0.3"]
    scheduled = simulate(presets.get("schedules")).runs[1]
    assert A.describe(scheduled) == "Adam lr=0.1 + StepLR(step_size=50, gamma=0.5)"


def test_summary_of_sgd_on_the_textbook_bowl():
    result = simulate(presets.get("textbook"))
    row = A.summary_rows(result)[0]
    x, y = -7 * 0.905 ** 30, 2 * 0.9 ** 30           # factors 1 − 0.95/10 and |1 − 2·0.95|
    assert row["final x"] == pytest.approx(x, rel=1e-12)
    assert row["final y"] == pytest.approx(y, rel=1e-12)
    assert row["final loss"] == pytest.approx(x * x / 20 + y * y, rel=1e-12)
    assert row["distance to minimum"] == pytest.approx(math.hypot(x, y), rel=1e-12)
    assert row["diverged at step"] is None


def test_steps_until_within_tolerance_of_the_minimum():
    # lr 0.5: y is 0 after one step, x shrinks by 0.95; x²/20 <= 1e-6 first at
    # t = ceil(ln(sqrt(2e-5) / 7) / ln 0.95) = ceil(143.4) = 144.
    config = load({"surface": "elliptic", "start": [-7, 2], "steps": 200,
                   "optimizers": [{"name": "SGD", "params": {"lr": 0.5}}]})
    row = A.summary_rows(simulate(config))[0]
    assert row["steps to within 1e-06 of min"] == 144


def test_a_diverging_run_is_summarised_and_explained():
    # lr 1.5: y is multiplied by 1 − 3 = −2 each step, |y_t| = 2^(t+1), and y² = 2^(2t+2)
    # overflows float64 (max < 2^1024) first at t = 511.
    config = load({"surface": "elliptic", "start": [-7, 2], "steps": 600,
                   "optimizers": [{"name": "SGD", "params": {"lr": 1.5}}]})
    result = simulate(config)
    row = A.summary_rows(result)[0]
    assert row["diverged at step"] == 511 and row["steps drawn"] == 510
    note = A.divergence_note("SGD", "diverged at step 511", 511)
    assert "drawn up to step 510" in note and "smaller lr" in note


def test_step_columns():
    result = simulate(presets.get("textbook"))
    cols = A.step_columns(result)
    assert len(cols["step"]) == 4 * 31 and set(map(len, cols.values())) == {124}
    assert cols["label"][:2] == ["SGD", "SGD"]
    assert (cols["x"][1], cols["y"][1]) == pytest.approx((-6.335, -1.8))     # -7·0.905, 2·(−0.9)
    assert cols["grad_x"][0] == pytest.approx(-0.7) and cols["grad_y"][0] == pytest.approx(4.0)
    assert cols["lr"][0] == 0.95 and cols["lr"][30] is None                  # no update after the last


def test_fmt():
    assert A.fmt(None) == "—" and A.fmt(float("nan")) == "—" and A.fmt(0.123456) == "0.1235"


def test_config_is_what_gradscape_run_accepts():
    config = presets.get("textbook")
    assert isinstance(load(json.loads(json.dumps(config.to_dict()))), Config)


def test_headline_skips_a_label_that_is_the_class_name():
    result = simulate(presets.get("textbook"))
    assert [A.headline(r) for r in result.runs] == [
        "SGD lr=0.95", "Momentum: SGD lr=0.1, momentum=0.9", "AdaGrad: Adagrad lr=1.5", "Adam lr=0.3"]
