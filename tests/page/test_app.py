"""The page's logic through Streamlit's AppTest: defaults, presets, widgets -> figure, URLs.

Figures are read back from the chart's JSON (NumPy arrays arrive as base64 "bdata"). Expected
points are worked by hand on f = x²/20 + y² (∇f = (x/10, 2y)): one SGD step with learning rate
η maps (x, y) to (x·(1 − η/10), y·(1 − 2η)).
"""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest import array, chart, refresh, start

import surfaces
from gradscape import presets
from gradscape.experiment import MAX_LABEL
from gradscape.page.form import FORMULA_OPTION, canonical, read_config
from gradscape.page.keys import Key, line_key, param_key
from gradscape.page.settings import View
from gradscape.page.url import decode_url, encode_url
from gradscape.page.views import BY_ID

VIEW_LABELS = {tab_id: tab.label for tab_id, tab in BY_ID.items()}


def path(at: AppTest, label: str) -> np.ndarray:
    """The (x, y) points of the trajectory trace called ``label``."""
    trace = next(t for t in chart(at)["data"] if t.get("name") == label)
    return np.column_stack([array(trace["x"]), array(trace["y"])])


def panels(fig: dict) -> int:
    """How many panels have contours: the page draws them as one picture (layout image) each."""
    return sum(image.get("name") == "contour" for image in fig["layout"].get("images", []))


def number(at: AppTest, label: str, i: int = 0):
    return [w for w in at.number_input if w.label == label][i]


def lines(at: AppTest) -> list[int]:
    return at.session_state[Key.LINES]


def markdown_texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "warning", "error", "subheader", "title")
            for e in at.get(kind)]


# --- the landing page -----------------------------------------------------------------------

def test_landing_page_is_the_textbook_figure():
    at = start()
    assert at.subheader[0].value == presets.title("textbook")
    assert not at.warning and not at.error
    assert [at.session_state[line_key(u, "label")] for u in lines(at)] == \
        ["SGD", "Momentum", "AdaGrad", "Adam"]
    fig = chart(at)
    assert panels(fig) == 4                                               # 2x2 panels
    assert not [t for t in fig["data"] if t["type"] == "contour"]        # pictures, not traces
    sgd = path(at, "SGD")
    assert len(sgd) == 31
    assert sgd[1] == pytest.approx([-7 * 0.905, 2 * -0.9])              # η = 0.95
    momentum = path(at, "Momentum")
    assert momentum[1] == pytest.approx([-7 * 0.99, 2 * 0.8])           # first step: plain SGD, η = 0.1
    # second step: buffer b = 0.9·g0 + g1, θ2 = θ1 − 0.1·b
    g0, g1 = np.array([-0.7, 4.0]), np.array([-0.693, 3.2])
    assert momentum[2] == pytest.approx(momentum[1] - 0.1 * (0.9 * g0 + g1))


def test_a_new_tabs_first_run_draws_the_page_down_to_the_chart():
    """A browser's first run: the header, the tabs, playback and the chart, which asks to be
    told when it is drawn ("first"); in the sidebar only the language. Once the chart says so
    (``views.paths.on_drawn``), the whole page."""
    at = start(first_paint=True)
    live = json.loads(at.get("bidi_component")[-1].proto.json)
    assert live["notify"] == "first"
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.905, 2 * -0.9])
    assert at.subheader[0].value == presets.title("textbook")
    assert [s.label for s in at.sidebar.selectbox] == ["Language"]
    assert not at.sidebar.number_input and not at.get("download_button")
    at.session_state[Key.PAINTED] = True            # what on_drawn sets before it reruns the page
    refresh(at)
    assert json.loads(at.get("bidi_component")[-1].proto.json)["notify"] is None
    assert at.sidebar.number_input(key=Key.STEPS).value == 30 and at.get("download_button")


def test_other_views_are_drawn_whole_at_once():
    """Only the side-by-side chart is drawn first: another open view has nothing to wait for."""
    at = start(first_paint=True, s=encode_url(presets.get("textbook"), View("loss", preset="textbook")))
    assert at.session_state[Key.PAINTED]
    assert at.sidebar.number_input and at.get("download_button")


def test_the_formula_is_shown_in_latex():
    at = start()
    assert at.latex[0].value.strip("$\n") == r"f(x, y) = \frac{x^2}{20} + y^2"


def test_the_url_holds_the_state_from_the_start():
    at = start()
    decoded = decode_url({"s": at.query_params["s"]})
    assert decoded.warning is None and decoded.config == presets.get("textbook")


# --- presets --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_every_preset_opens(name):
    at = start()
    at.selectbox(key=Key.PRESET).set_value(name).run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == presets.title(name)
    config = presets.get(name)
    traces = [t["name"] for t in chart(at)["data"]]
    assert all(line.label in traces for line in config.lines)
    assert canonical(decode_url({"s": at.query_params["s"]}).config) == canonical(config)


# --- widgets -> figure ----------------------------------------------------------------------

def test_changing_lr_redraws_that_trajectory():
    at = start()
    number(at, "lr").set_value(0.5).run()
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.95, 0.0])         # 1 − 2·0.5 = 0
    refresh(at)                                                         # the rest follows
    assert "(modified)" in at.subheader[0].value
    decoded = decode_url({"s": at.query_params["s"]})
    assert dict(decoded.config.lines[0].optimizer.params)["lr"] == 0.5    # the URL follows


def test_a_value_change_reruns_only_the_chart_first():
    at = start()
    assert at.sidebar.number_input and at.title
    number(at, "lr").set_value(0.5).run()
    assert not at.exception, at.exception
    # only the chart's fragment ran: the new chart, and neither the sidebar, the title, nor the
    # headline (the browser asks for the rest of the results once it has drawn the chart)
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.95, 0.0])
    assert not at.sidebar.number_input and not at.title and not at.subheader
    refresh(at)
    assert number(at, "lr").value == 0.5 and at.title and "(modified)" in at.subheader[0].value


def test_on_another_tab_a_value_change_reruns_the_results():
    at = start()
    at.session_state[Key.VIEW] = VIEW_LABELS["loss"]
    refresh(at)
    number(at, "lr").set_value(0.5).run()
    assert not at.exception, at.exception
    assert "(modified)" in at.subheader[0].value and not at.sidebar.number_input
    sgd = next(t for t in chart(at)["data"] if t.get("name") == "SGD")
    assert array(sgd["y"])[1] == pytest.approx((-7 * 0.95) ** 2 / 20)     # loss at step 1: y = 0


def test_steps_and_start():
    at = start()
    refresh(at.number_input(key=Key.STEPS).set_value(5).run())
    refresh(at.number_input(key=Key.START_X).set_value(4.0).run())
    at.number_input(key=Key.START_Y).set_value(-1.0).run()
    sgd = path(at, "SGD")
    assert len(sgd) == 6 and sgd[0] == pytest.approx([4.0, -1.0])


def test_duplicate_rename_remove():
    at = start()
    first = lines(at)[0]
    at.button(key=line_key(first, "dup")).click().run()
    assert len(lines(at)) == 5
    copy = lines(at)[4]                                       # at the end: the order of creation
    assert at.session_state[line_key(copy, "label")] == "SGD (2)"
    refresh(at.text_input(key=line_key(copy, "label")).set_value("SGD fast").run())
    at.number_input(key=param_key(copy, "opt", "SGD", "lr")).set_value(0.5).run()
    assert path(at, "SGD fast")[1] == pytest.approx([-7 * 0.95, 0.0])
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.905, 2 * -0.9])  # the original is untouched
    assert panels(chart(at)) == 5
    refresh(at)
    at.button(key=line_key(first, "del")).click().run()
    assert len(lines(at)) == 4
    assert "SGD" not in [t["name"] for t in chart(at)["data"]]


def test_two_adams_side_by_side():
    at = start()
    adam = lines(at)[3]
    at.button(key=line_key(adam, "dup")).click().run()
    second = lines(at)[4]
    at.number_input(key=param_key(second, "opt", "Adam", "lr")).set_value(0.05).run()
    first_step = path(at, "Adam")[1] - path(at, "Adam")[0]
    second_step = path(at, "Adam lr=0.05")[1] - path(at, "Adam lr=0.05")[0]
    # Adam's first step is −lr·sign(g) (m̂/√v̂ = g/|g| up to eps): g0 = (−0.7, 4)
    assert first_step == pytest.approx([0.3, -0.3], rel=1e-6)
    assert second_step == pytest.approx([0.05, -0.05], rel=1e-6)


def test_copies_are_named_by_what_differs_until_renamed():
    """Duplicating gave "Adam", "Adam (3)", "Adam (2)": out of order, saying nothing of how
    they differ (issue 15, item 5)."""
    at = start()
    adam = lines(at)[3]
    at.button(key=line_key(adam, "dup")).click().run()
    at.button(key=line_key(adam, "dup")).click().run()
    first, second = lines(at)[4:]
    labels = lambda: [at.session_state[line_key(u, "label")] for u in lines(at)]   # noqa: E731
    assert labels() == ["SGD", "Momentum", "AdaGrad", "Adam", "Adam (2)", "Adam (3)"]
    refresh(at.number_input(key=param_key(first, "opt", "Adam", "lr")).set_value(0.01).run())
    refresh(at.number_input(key=param_key(second, "opt", "Adam", "betas", 0)).set_value(0.5).run())
    assert labels()[4:] == ["Adam lr=0.01", "Adam betas=(0.5, 0.999)"]
    assert "Adam lr=0.01" in [t["name"] for t in chart(at)["data"]]
    refresh(at.number_input(key=param_key(first, "opt", "Adam", "lr")).set_value(0.02).run())
    assert labels()[4] == "Adam lr=0.02"                      # follows the value
    refresh(at.text_input(key=line_key(first, "label")).set_value("slow Adam").run())
    refresh(at.number_input(key=param_key(first, "opt", "Adam", "lr")).set_value(0.03).run())
    assert labels()[4] == "slow Adam"                         # the visitor's name stays


def test_add_an_optimizer_with_torch_defaults():
    at = start()
    at.selectbox(key=Key.ADD_NAME).set_value("RMSprop").run()
    at.button(key=Key.ADD).click().run()
    assert len(lines(at)) == 5
    new = lines(at)[4]
    assert at.session_state[param_key(new, "opt", "RMSprop", "alpha")] == 0.99
    assert at.session_state[param_key(new, "opt", "RMSprop", "lr")] == 0.01
    assert "RMSprop" in [t["name"] for t in chart(at)["data"]]


def test_switching_the_optimizer_class_gives_its_inputs():
    at = start()
    first = lines(at)[0]
    at.selectbox(key=line_key(first, "name")).set_value("Adam").run()
    assert not at.exception
    labels = [w.label for w in at.number_input]
    assert "betas[0]" in labels and "eps" in labels
    assert at.session_state[param_key(first, "opt", "Adam", "lr")] == 1e-3


def test_a_scheduler_and_its_inputs():
    at = start()
    first = lines(at)[0]
    at.selectbox(key=line_key(first, "scheduler")).set_value("StepLR").run()
    refresh(at.number_input(key=param_key(first, "sched", "StepLR", "step_size")).set_value(2).run())
    at.number_input(key=param_key(first, "sched", "StepLR", "gamma")).set_value(0.5).run()
    doc = read_config(at.session_state, lines(at))
    assert doc["optimizers"][0]["scheduler"] == {"name": "StepLR", "params": {"step_size": 2, "gamma": 0.5}}
    sgd = path(at, "SGD")
    # lrs 0.95, 0.95, 0.475: y factors −0.9, −0.9, 0.05
    assert sgd[3][1] == pytest.approx(2 * 0.81 * 0.05)


def unescaped(markdown: str) -> str:
    """An error's text without the backslashes that escape Markdown."""
    return markdown.replace("\\", "")


def test_composite_formula_and_plateau_schedulers_have_inputs():
    """SequentialLR's schedulers are JSON text, LambdaLR's lr_lambda a formula, mode a choice."""
    at = start()
    first, third = lines(at)[0], lines(at)[2]
    at.selectbox(key=line_key(first, "scheduler")).set_value("SequentialLR").run()
    assert not at.exception and not at.error
    sgd = path(at, "SGD")       # warm-up: the first update uses 0.1·0.95; y factor 1 − 2·0.095
    assert sgd[1][1] == pytest.approx(2 * (1 - 2 * 0.095))
    key = param_key(first, "sched", "SequentialLR", "schedulers")
    refresh(at.text_area(key=key).set_value('[{"name": "LinearLR"}, {"name": "Foo"}]').run())
    assert not at.exception
    assert at.error and "schedulers[1].name: unknown 'Foo'" in unescaped(at.error[0].value)
    refresh(at.text_area(key=key).set_value('[{"name": "ConstantLR", "params": {"factor": 0.5}}, '
                                            '{"name": "ExponentialLR", "params": {"gamma": 0.9}}]').run())
    assert not at.error
    assert path(at, "SGD")[1][1] == pytest.approx(2 * (1 - 2 * 0.475))
    refresh(at.selectbox(key=line_key(first, "scheduler")).set_value("LambdaLR").run())
    refresh(at.text_input(key=param_key(first, "sched", "LambdaLR", "lr_lambda")).set_value("0.25").run())
    assert not at.error
    assert path(at, "SGD")[1][1] == pytest.approx(2 * (1 - 2 * 0.2375))
    refresh(at.text_input(key=param_key(first, "sched", "LambdaLR", "lr_lambda")).set_value("0.5*x").run())
    assert at.error and "unknown name 'x' at column 5" in unescaped(at.error[0].value)
    at.selectbox(key=line_key(first, "scheduler")).set_value("ReduceLROnPlateau").run()
    refresh(at.selectbox(key=param_key(first, "sched", "ReduceLROnPlateau", "mode")).set_value("max").run())
    assert not at.error
    # AdaGrad has no momentum: CyclicLR's default cycle_momentum is torch's error, in words
    refresh(at.selectbox(key=line_key(third, "scheduler")).set_value("CyclicLR").run())
    assert at.error and "cycle_momentum" in unescaped(at.error[0].value)
    at.checkbox(key=param_key(third, "sched", "CyclicLR", "cycle_momentum")).uncheck().run()
    assert not at.exception and not at.error


def test_surface_change_moves_the_start_to_its_default():
    at = start()
    at.selectbox(key=Key.SURFACE).set_value("himmelblau").run()
    assert not at.exception
    assert (at.session_state[Key.START_X], at.session_state[Key.START_Y]) == \
        tuple(map(float, surfaces.get("himmelblau").start))
    fig = chart(at)
    assert fig["layout"]["xaxis"]["range"] == [-5, 5]                   # Himmelblau's window
    assert "11" in at.latex[0].value and "7" in at.latex[0].value     # (x² + y − 11)² + (x + y² − 7)²


def test_a_typed_formula():
    at = start()
    at.selectbox(key=Key.SURFACE).set_value(FORMULA_OPTION).run()
    at.text_input(key=Key.FORMULA).set_value("x^2 + 3*y^2").run()
    assert not at.exception and not at.error
    refresh(at.number_input(key=Key.START_X).set_value(1.0).run())
    at.number_input(key=Key.START_Y).set_value(1.0).run()
    sgd = path(at, "SGD")
    assert sgd[1] == pytest.approx([1 - 0.95 * 2, 1 - 0.95 * 6])       # ∇f = (2x, 6y)


def test_an_invalid_value_is_explained_not_raised():
    at = start()
    first = lines(at)[0]
    refresh(at.checkbox(key=param_key(first, "opt", "SGD", "nesterov")).check().run())
    assert at.error and "Nesterov" in at.error[0].value
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.905, 2 * -0.9])  # the last valid experiment


def test_a_diverging_run_is_explained():
    at = start()
    refresh(number(at, "lr").set_value(1.5).run())
    refresh(at.number_input(key=Key.STEPS).set_value(600).run())
    notes = [w.value for w in at.warning]
    assert any("diverged at step 511" in n for n in notes)
    assert len(path(at, "SGD")) == 511                                 # up to the last finite point


def test_the_saddle_is_marked_on_every_panel_when_asked():
    at = start()
    at.selectbox(key=Key.PRESET).set_value("saddle").run()
    assert not [t for t in chart(at)["data"] if t["name"].startswith("critical")]
    at.toggle(key=Key.CRITICAL_MARKS).set_value(True).run()
    assert not at.exception, at.exception
    saddles = [t for t in chart(at)["data"] if t["name"] == "critical: saddle"]
    assert len(saddles) == panels(chart(at)) and len(saddles) == len(at.session_state[Key.LINES])
    assert all((array(t["x"])[0], array(t["y"])[0]) == pytest.approx((0, 0), abs=1e-9) for t in saddles)
    assert decode_url({"s": at.query_params["s"]}).view.critical is True


def test_overlay_puts_every_trajectory_in_one_panel():
    at = start()
    at.toggle(key=Key.OVERLAY).set_value(True).run()
    fig = chart(at)
    assert panels(fig) == 1
    assert {"SGD", "Momentum", "AdaGrad", "Adam"} <= {t["name"] for t in fig["data"]}
    assert decode_url({"s": at.query_params["s"]}).view.overlay is True


@pytest.mark.parametrize("tab", ["loss", "distance", "lr", "surface3d", "data"])
def test_every_view_opens(tab):
    at = start()
    at.session_state[Key.VIEW] = VIEW_LABELS[tab]
    at.run()
    assert not at.exception, at.exception
    if tab == "data":
        assert len(at.dataframe) == 2
    else:
        assert chart(at)["data"]
    assert decode_url({"s": at.query_params["s"]}).view.tab == tab


def test_playback_draws_part_of_the_path():
    at = start()
    at.slider(key=Key.UPTO).set_value(5).run()
    assert len(path(at, "SGD")) == 6


# --- the URL --------------------------------------------------------------------------------

def test_url_round_trip_reproduces_the_view():
    at = start()
    at.selectbox(key=Key.PRESET).set_value("himmelblau").run()
    refresh(number(at, "lr", 3).set_value(0.05).run())
    at.toggle(key=Key.OVERLAY).set_value(True).run()
    shared = at.query_params["s"]
    other = start(s=shared)
    assert not other.warning
    assert chart(other) == chart(at)
    assert other.subheader[0].value == at.subheader[0].value
    for key in (Key.START_X, Key.START_Y, Key.STEPS, Key.OVERLAY, Key.PRESET):
        assert other.session_state[key] == at.session_state[key]


def test_a_bad_url_gives_a_warning_and_the_defaults():
    at = start(s="not base64 at all <script>")
    assert at.warning and at.warning[0].value.startswith("This link could not be used")
    assert path(at, "SGD")[1] == pytest.approx([-7 * 0.905, 2 * -0.9])
    assert decode_url({"s": at.query_params["s"]}).warning is None  # and the URL is repaired


def test_a_hostile_label_is_only_text():
    hostile = "<img src=x onerror=alert(1)> [link](javascript:alert(1)) **b**"
    config = {"surface": "elliptic", "start": [-7, 2], "steps": 3,
              "optimizers": [{"name": "SGD", "params": {"lr": 0.1}, "label": hostile}]}
    doc = {"v": 1, "config": config, "view": {}}
    at = start(s=base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("="))
    assert not at.warning
    for element in at.get("markdown") + at.get("caption"):
        assert not element.proto.allow_html
    texts = [t for t in markdown_texts(at) if "img" in t]
    assert texts                                                        # the label is shown ...
    assert not any(re.search(r"(?<!\\)[<>\[\]()*]", t) for t in texts)    # ... every mark escaped
    fig = chart(at)
    names = json.dumps([a.get("text") for a in fig["layout"].get("annotations", [])])
    assert "<img" not in names                                          # subplot title escaped
    assert at.text_input(key=line_key(lines(at)[0], "label")).value == hostile[:MAX_LABEL]


# --- wrappers, LBFGS and pasted code --------------------------------------------------------

def test_a_wrapper_gets_its_optimizer_inputs_and_runs():
    at = start()
    at.selectbox(key=Key.ADD_NAME).set_value("Lookahead").run()
    at.button(key=Key.ADD).click().run()
    new = lines(at)[4]
    assert not at.exception
    assert at.session_state[param_key(new, "opt", "Lookahead", "optimizer")] == "Adam"
    refresh(at.number_input(key=param_key(new, "inner", "Adam", "lr")).set_value(0.3).run())
    at.selectbox(key=param_key(new, "opt", "Lookahead", "optimizer")).set_value("SGD").run()
    assert not at.exception
    assert at.session_state[param_key(new, "inner", "SGD", "momentum")] == 0.0
    doc = read_config(at.session_state, lines(at))
    assert doc["optimizers"][4]["params"] == {"optimizer": {"name": "SGD", "params": {}}}
    assert "Lookahead" in [t["name"] for t in chart(at)["data"]]


def test_a_pasted_line_sets_the_optimizer_and_a_bad_one_is_explained():
    at = start()
    first = lines(at)[0]
    at.text_input(key=line_key(first, "code")).input(
        "torch.optim.AdamW(model.parameters(), lr=0.3, betas=(0.9, 0.95), weight_decay=0.1)").run()
    assert not at.exception
    assert at.session_state[line_key(first, "name")] == "AdamW"
    assert at.session_state[param_key(first, "opt", "AdamW", "betas", 1)] == 0.95
    doc = read_config(at.session_state, lines(at))
    assert doc["optimizers"][0]["params"] == {"lr": 0.3, "betas": [0.9, 0.95], "weight_decay": 0.1}
    at.text_input(key=line_key(first, "code")).input(
        "lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=300)").run()
    assert at.session_state[line_key(first, "scheduler")] == "OneCycleLR"
    refresh(at.text_input(key=line_key(first, "code")).input("torch.optim.AdamW(p, lr=os.getcwd())").run())
    kind, note = at.session_state[line_key(first, "code_note")]
    assert kind == "error" and "'lr': a call is not allowed at column 25" in note
    assert any("a call is not allowed at column 25" in e.value for e in at.error)
    assert at.session_state[line_key(first, "name")] == "AdamW"          # unchanged


def test_lbfgs_runs_and_its_basin_map_says_why_not():
    at = start()
    first = lines(at)[0]
    at.selectbox(key=line_key(first, "name")).set_value("LBFGS").run()
    refresh(at.number_input(key=param_key(first, "opt", "LBFGS", "lr")).set_value(0.5).run())
    refresh(at.selectbox(key=param_key(first, "opt", "LBFGS", "line_search_fn"))
            .set_value("strong_wolfe").run())
    assert any("one run at a time" in t for t in markdown_texts(at))
    assert np.abs(path(at, "SGD")[-1]).max() < 1e-3      # strong Wolfe finds the bowl's minimum
    at.session_state[Key.VIEW] = VIEW_LABELS["basin"]
    at.run()
    assert not at.exception
    assert any("steps one run at a time" in e.value for e in at.info)


def test_the_book_switch_runs_the_landing_figure_in_the_books_classes():
    at = start()
    at.toggle(key=Key.BOOK_CLASSES).set_value(True).run()
    assert not at.exception
    assert [line.optimizer.name for line in decode_url({"s": at.query_params["s"]}).config.lines] == [
        "Textbook.SGD", "Textbook.Momentum", "Textbook.AdaGrad", "Textbook.Adam"]
    # the book's SGD is torch's (x <- 0.905 x, y <- -0.9 y, by hand); its Adam is not (1e-5 off)
    first = chart(at)["data"]
    sgd = next(t for t in first if t.get("name") == "SGD")
    assert array(sgd["x"])[1] == pytest.approx(-7 * 0.905, rel=1e-12)
    at.toggle(key=Key.BOOK_CLASSES).set_value(False).run()
    assert decode_url({"s": at.query_params["s"]}).config.lines[0].optimizer.name == "SGD"


def test_playback_moves_the_same_steps_per_frame_at_any_length_and_loops():
    """At 500 steps playback jumped 50–100 steps a frame; there was no speed and no loop
    (issue 15, item 12). At 12 steps a second and 4 frames a second a frame moves 3 steps."""
    from gradscape.page.views.paths import FRAME_SECONDS, next_frame
    assert FRAME_SECONDS == 0.25
    assert next_frame(0, 30, 12, loop=False) == (3, True)
    assert next_frame(0, 500, 12, loop=False) == (3, True)          # the same at 500 steps
    assert next_frame(498, 500, 12, loop=False) == (500, True)      # the last frame, whole
    assert next_frame(500, 500, 12, loop=False) == (500, False)     # then it stops
    assert next_frame(500, 500, 12, loop=True) == (0, True)         # or starts again
    assert next_frame(0, 500, 4, loop=False) == (1, True)           # slowest: a step a frame
    at = start()
    assert at.toggle(key=Key.PLAY_LOOP).label == "Loop"
    assert at.session_state[Key.PLAY_SPEED] == 12
