"""The insight views: inside the optimizer, critical points, basin map, sweep; Newton in the app.

The page is run through AppTest (it cannot click a chart: a click on a sweep cell is simulated
by the session-state entry its callback writes). Expected numbers are worked by hand on
f = x²/20 + y² from (−7, 2), where g0 = ∇f = (x/10, 2y) = (−0.7, 4): Adam(lr=0.3)'s first
update has η = lr/(|g0| + eps) and moves by −lr·sign(g0); Newton's η is lr·diag(H⁻¹) with
H = diag(0.1, 2). Himmelblau's critical points are the published ones (Himmelblau 1972).
"""
from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

import optimizers
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from apptest import start, chart, array

from gradscape.page.form import FORMULA_OPTION
from gradscape.page.settings import Insights, View, axis_values, default_axes, read_insights, sweep_axis
from gradscape.page.views.sweep import sweep_choice
from gradscape.page.url import Decoded, decode_url, encode_url
from gradscape.page.keys import Key, line_key, param_key
from gradscape.page.views import basin, sweep
from gradscape.page.views import BY_ID

VIEW_LABELS = {tab_id: tab.label for tab_id, tab in BY_ID.items()}
from gradscape import presets
from gradscape.experiment import load

G0 = np.array([-0.7, 4.0])
TABS = ["inside", "critical", "basin", "sweep"]




def open_tab(at: AppTest, tab: str, **settings) -> AppTest:
    at.session_state[Key.VIEW] = VIEW_LABELS[tab]
    for key, value in settings.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at






def rows(at: AppTest, i: int = 0) -> dict[str, np.ndarray]:
    """The inside view's table: quantity -> (x, y)."""
    frame = at.dataframe[i].value
    return {q: np.array([x, y]) for q, x, y in zip(frame["quantity"], frame["x"], frame["y"])}


def url_state(at: AppTest) -> Decoded:
    return decode_url({"s": at.query_params["s"]})


def lines(at: AppTest) -> list[int]:
    return at.session_state[Key.LINES]


def formula(at: AppTest, text: str) -> AppTest:
    at.selectbox(key=Key.SURFACE).set_value(FORMULA_OPTION).run()
    at.text_input(key=Key.FORMULA).set_value(text).run()
    assert not at.exception and not at.error
    return at


# --- every view opens -----------------------------------------------------------------------

@pytest.mark.parametrize("tab", TABS)
def test_each_view_opens_on_the_textbook_figure(tab):
    at = open_tab(start(), tab)
    assert not at.warning
    assert chart(at)["data"]
    assert url_state(at).view.tab == tab


@pytest.mark.parametrize("tab", TABS)
def test_each_view_opens_for_a_typed_formula(tab):
    at = formula(start(), "x^3 - 3*x + y^2")
    open_tab(at, tab)
    assert chart(at)["data"]
    assert url_state(at).view.tab == tab


# --- inside the optimizer -------------------------------------------------------------------

def test_adam_first_update_numbers_are_the_hand_calculation():
    at = open_tab(start(), "inside", **{Key.INSIGHT_LINE: 3, Key.INSIGHT_STEP: 1})
    got = rows(at)
    assert got["point θ (before)"] == pytest.approx([-7.0, 2.0])
    assert got["gradient ∇f"] == pytest.approx(G0)
    # v̂ = g0² at t = 1, so √v̂ = |g0|: η = lr/(|g0| + eps)
    assert got["effective lr"] == pytest.approx(0.3 / (np.abs(G0) + 1e-8), rel=1e-12)
    assert got["update Δθ"] == pytest.approx([0.3, -0.3], rel=1e-6)
    assert got["momentum buffer"] == pytest.approx(0.1 * G0)          # m = (1 − β1)·g0
    fig = chart(at)
    assert fig["layout"]["title"]["text"] == "Adam: update 1 of 30"
    assert any(t.get("name", "").startswith("update Δθ") for t in fig["data"])


def test_the_step_slider_moves_to_a_later_update():
    at = open_tab(start(), "inside", **{Key.INSIGHT_LINE: 0})
    at.slider(key=Key.INSIGHT_STEP).set_value(2).run()
    got = rows(at)
    # SGD lr = 0.95: (x, y) ↦ (0.905·x, −0.9·y); update 2 leaves (−6.335, −1.8)
    assert got["point θ (before)"] == pytest.approx([-7 * 0.905, -1.8])
    assert got["gradient ∇f"] == pytest.approx([-0.6335, -3.6])
    assert got["effective lr"] == pytest.approx([0.95, 0.95])
    assert "momentum buffer" not in got                                # plain SGD keeps none


def test_a_step_past_the_end_shows_the_last_update():
    at = open_tab(start(), "inside", **{Key.INSIGHT_LINE: 1, Key.INSIGHT_STEP: 500})
    assert at.slider(key=Key.INSIGHT_STEP).value == 30
    assert chart(at)["layout"]["title"]["text"] == "Momentum: update 30 of 30"


def test_zero_steps_is_explained():
    at = start()
    at.number_input(key=Key.STEPS).set_value(0).run()
    open_tab(at, "inside")
    assert at.info and "no update" in at.info[0].value


# --- critical points ------------------------------------------------------------------------

HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]


def test_himmelblau_lists_its_nine_critical_points():
    at = start()
    at.selectbox(key=Key.PRESET).set_value("himmelblau").run()
    open_tab(at, "critical")
    table = at.dataframe[0].value
    assert len(table) == 9
    assert table["kind"].value_counts().to_dict() == {"minimum": 4, "saddle": 4, "maximum": 1}
    minima = table[table["kind"] == "minimum"]
    for x, y in HIMMELBLAU_MINIMA:
        assert np.hypot(minima["x"] - x, minima["y"] - y).min() < 1e-5
    top = table[table["kind"] == "maximum"].iloc[0]
    assert (top["x"], top["y"], top["f"]) == pytest.approx((-0.270845, -0.923039, 181.617), abs=1e-3)
    assert "9 critical points" in at.markdown[0].value and "4 minima" in at.markdown[0].value
    marked = [t for t in chart(at)["data"] if t.get("meta", {}).get("kind")]
    assert sorted(len(t["x"]) for t in marked) == [1, 4, 4]


def test_choosing_a_point_shows_its_hessian():
    at = start()
    at.selectbox(key=Key.PRESET).set_value("himmelblau").run()
    open_tab(at, "critical")
    at.selectbox(key=Key.CRITICAL_POINT).set_value(8).run()              # the maximum, highest f
    assert not at.exception
    tex = " ".join(e.value for e in at.latex)
    assert "181.6" in tex and r"\nabla f" in tex and "pmatrix" in tex
    assert any("maximum" in c.value for c in at.caption)
    assert url_state(at).view.insights.point == 8


def test_a_typed_formula_has_its_critical_points_classified():
    # f = x³ − 3x + y²: ∇f = (3x² − 3, 2y) vanishes at (±1, 0); H = diag(6x, 2)
    at = formula(start(), "x^3 - 3*x + y^2")
    open_tab(at, "critical")
    table = at.dataframe[0].value
    found = {(k, round(x, 6), round(y, 6)) for k, x, y in zip(table["kind"], table["x"], table["y"])}
    assert found == {("minimum", 1.0, 0.0), ("saddle", -1.0, 0.0)}
    assert sorted(table["λ₁"]) == pytest.approx([-6.0, 2.0])


# --- basin map ------------------------------------------------------------------------------

def test_basin_map_at_the_chosen_resolution():
    at = start()
    at.selectbox(key=Key.PRESET).set_value("himmelblau").run()
    open_tab(at, "basin", **{Key.BASIN_RESOLUTION: 20})
    heat = [t for t in chart(at)["data"] if t["type"] == "heatmap"]
    assert len(heat) == 3
    assert array(heat[0]["x"]) == pytest.approx(np.linspace(-5, 5, 20))     # Himmelblau's window
    assert all(array(h["z"]).shape == (20, 20) for h in heat)
    assert any("400 starts" in c.value for c in at.caption)
    assert url_state(at).view.insights.resolution == 20


def test_basin_resolution_is_bounded_by_the_work():
    config = load({**presets.get("textbook").to_dict(), "steps": 2000})
    shown = basin.shown(config, Insights(resolution=150))
    assert shown.resolution == 100                       # 100² · 2000 = 2·10⁷ run-steps
    assert shown.note.startswith("Showing 100 × 100 starts")
    shown = basin.shown(config, Insights(resolution=80))
    assert shown.resolution == 80 and shown.note is None


# --- hyperparameter sweep -------------------------------------------------------------------

def test_sweep_axes_follow_the_lines_optimizer():
    at = open_tab(start(), "sweep", **{Key.INSIGHT_LINE: 1})              # Momentum: SGD lr 0.1
    assert at.session_state[f"{Key.SWEEP_X}.name"] == "lr"
    assert at.session_state[f"{Key.SWEEP_Y}.name"] == "momentum"
    assert (at.session_state[f"{Key.SWEEP_X}.low"], at.session_state[f"{Key.SWEEP_X}.high"]) == \
        pytest.approx((1e-3, 1.0))
    at.selectbox(key=Key.INSIGHT_LINE).set_value(3).run()                # Adam: β1 instead
    assert not at.exception
    assert at.session_state[f"{Key.SWEEP_Y}.name"] == "betas[0]"
    titles = [a["text"] for a in chart(at)["layout"]["annotations"]]
    assert "Final loss" in titles


def test_clicking_a_sweep_cell_sets_the_hyperparameters():
    at = open_tab(start(), "sweep", **{Key.INSIGHT_LINE: 1})
    # the click's callback stores the clicked point; the next run applies it
    at.session_state[Key.SWEEP_PICK] = {"x": 0.0105, "y": 0.5}
    at.run()
    assert not at.exception
    uid = lines(at)[1]
    # the default lr axis of lr = 0.1 is 10^(k/10 − 3), k = 0..30, to 3 digits: 0.01 (k = 10)
    # is log-nearest 0.0105; momentum 0, 0.03, ..., 0.99: 0.51 is nearest 0.5. Round values,
    # not 0.010826367338740546 (issue 15, item 6)
    lr, momentum = 0.01, 0.51
    assert at.session_state[param_key(uid, "opt", "SGD", "lr")] == lr
    assert at.session_state[param_key(uid, "opt", "SGD", "momentum")] == momentum
    assert at.success and "Momentum now runs with" in at.success[0].value
    params = dict(url_state(at).config.lines[1].optimizer.params)
    assert params["lr"] == pytest.approx(lr) and params["momentum"] == pytest.approx(momentum)


def test_clicking_an_adam_cell_sets_beta1():
    at = open_tab(start(), "sweep", **{Key.INSIGHT_LINE: 3})
    at.session_state[Key.SWEEP_PICK] = {"x": 0.3, "y": 0.0}
    at.run()
    uid = lines(at)[3]
    assert at.session_state[param_key(uid, "opt", "Adam", "betas", 0)] == 0.0
    assert at.session_state[param_key(uid, "opt", "Adam", "betas", 1)] == 0.999   # untouched


def test_bad_sweep_values_give_a_warning_not_an_exception():
    at = open_tab(start(), "sweep", **{Key.INSIGHT_LINE: 1})
    at.number_input(key=f"{Key.SWEEP_X}.low").set_value(5.0).run()       # from 5 to 1
    assert not at.exception
    assert at.warning and "This sweep cannot run" in at.warning[0].value
    at.number_input(key=f"{Key.SWEEP_X}.low").set_value(1e-3).run()
    at.selectbox(key=f"{Key.SWEEP_Y}.name").set_value("lr").run()         # lr twice
    assert at.warning and "two different" in at.warning[0].value
    at.selectbox(key=f"{Key.SWEEP_Y}.name").set_value("dampening").run()
    assert not at.warning and chart(at)["data"]


def test_a_sweep_failing_torchs_checks_is_explained():
    at = start()
    first = lines(at)[0]
    open_tab(at, "sweep", **{Key.INSIGHT_LINE: 0, param_key(first, "opt", "SGD", "momentum"): 0.5,
                             param_key(first, "opt", "SGD", "nesterov"): True})
    assert not at.error                                       # the experiment itself is valid ...
    assert at.warning and "Nesterov" in at.warning[0].value  # ... the sweep's momentum 0 is not


# --- URL ------------------------------------------------------------------------------------

def test_url_round_trip_of_the_insight_settings():
    at = open_tab(start(), "inside", **{Key.INSIGHT_LINE: 3})
    at.slider(key=Key.INSIGHT_STEP).set_value(5).run()
    at.run()                                                   # the URL is written at the top
    shared = url_state(at)
    assert shared.view.tab == "inside"
    assert (shared.view.insights.line, shared.view.insights.step) == (3, 5)
    other = start(s=at.query_params["s"])
    assert not other.warning
    assert (other.session_state[Key.INSIGHT_LINE], other.session_state[Key.INSIGHT_STEP]) == (3, 5)
    assert chart(other) == chart(at)


def test_url_round_trip_of_the_sweep_axes():
    at = open_tab(start(), "sweep", **{Key.INSIGHT_LINE: 1})
    at.number_input(key=f"{Key.SWEEP_X}.num").set_value(12).run()
    at.run()
    spec = url_state(at).view.insights.sweep_x
    assert spec == "lr:0.001:1.0:12:log"
    other = start(s=at.query_params["s"])
    assert other.session_state[f"{Key.SWEEP_X}.num"] == 12
    assert chart(other) == chart(at)


def url_with(insight: dict) -> str:
    doc = {"v": 1, "config": presets.get("textbook").to_dict(), "view": {"tab": "basin", "insights": insight}}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


@pytest.mark.parametrize("insight", [
    {"step": 0}, {"step": "3"}, {"line": 16}, {"resolution": 201}, {"resolution": True},
    {"point": -1}, {"sweep_x": "lr:1:0.1:5"}, {"sweep_x": "lr:0:1:5:log"},
    {"sweep_x": "lr:0.1:1:201"}, {"sweep_x": "lr:0.1:1:5", "sweep_y": "lr:0.1:1:5"},
    {"zoom": 2}, ["not", "an", "object"],
])
def test_bad_insight_settings_in_a_url_give_a_warning(insight):
    decoded = decode_url({"s": url_with(insight)})
    assert decoded.warning and decoded.warning.startswith("This link could not be used")
    assert decoded.view == View()


def test_a_bad_insight_url_opens_the_default_page_with_a_warning():
    at = start(s=url_with({"resolution": 10_000}))
    assert at.warning and at.warning[0].value.startswith("This link could not be used")


def test_default_insight_settings_stay_out_of_the_url():
    assert "insights" not in View(tab="inside").to_dict()
    assert View(insights=Insights(step=2)).to_dict()["insights"]["step"] == 2


# --- the settings' pure helpers -----------------------------------------------------------------

def test_read_insights_is_always_valid():
    state = {Key.INSIGHT_LINE: 99, Key.INSIGHT_STEP: -4, Key.BASIN_RESOLUTION: 5000,
             Key.CRITICAL_POINT: float("nan"), **axis_values(Key.SWEEP_X, "lr:0.1:1:5"),
             f"{Key.SWEEP_Y}.name": "momentum", f"{Key.SWEEP_Y}.low": 1.0, f"{Key.SWEEP_Y}.high": 0.0,
             f"{Key.SWEEP_Y}.num": 5, f"{Key.SWEEP_Y}.log": False}
    got = read_insights(state)
    assert got == Insights(line=15, step=1, resolution=200, point=0,
                             sweep_x="lr:0.1:1.0:5", sweep_y=None)
    assert decode_url({"s": encode_url(presets.get("textbook"), View(insights=got))}).warning is None


@pytest.mark.parametrize("name", list(optimizers.ALL_OPTIMIZERS))
def test_the_default_sweep_runs_for_every_optimizer(name):
    inner = {"optimizer": {"name": "Adam", "params": {"lr": 0.1}}} if name in optimizers.WRAPPERS else {}
    config = load({"surface": "rosenbrock", "steps": 5, "optimizers": [{"name": name, "params": inner}]})
    shown = sweep.shown(config, Insights())
    optimizer = config.lines[0].build()[0]
    if not optimizer.batched:            # LBFGS: one run at a time, no sweep (the view says so)
        assert "one run at a time" in shown
        return
    tunable = [h for h in optimizer.hyperparams if h.kind in ("float", "pair", "optimizer")
               and h.name != "lr"]
    if not tunable:                      # nothing but lr: the view says it needs two
        assert shown == "Choose two different hyperparameters to sweep."
        return
    assert sweep_axis(shown.x).name in ("lr", "optimizer.lr") and sweep_axis(shown.x).log
    y = sweep_axis(shown.y)
    assert y.name != sweep_axis(shown.x).name and y.values.size in (21, 30, 34)
    result = sweep.sweep_of(config, 0, shown.x, shown.y)          # every cell passes its checks
    assert result.final_loss.shape == (y.values.size, sweep_axis(shown.x).values.size)


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam",
                                  "RAdam", "Adadelta", "Newton"])
def test_default_sweep_axes_are_valid_for_every_optimizer(name):
    x, y = default_axes(name, 0.1)
    assert x == "lr:0.001:1.0:31:log"
    assert 0.1 in sweep_axis(x).values                 # the line's own lr is on the grid
    assert sweep_axis(y).name != "lr" and sweep_axis(y).values.size in (21, 30, 34)


@pytest.mark.parametrize("lr", [0.95, 0.1, 0.001, 0.0025, 3e-4])
def test_default_lr_axis_holds_round_values_and_the_lines_lr(lr):
    """A sweep cell set lr = 0.04175318936560404; the default lr range left out the line's
    own lr (issue 15, items 6 and 8)."""
    values = sweep_axis(default_axes("Adam", lr)[0]).values
    assert lr in values
    assert all(float(f"{v:.3g}") == v for v in values)     # 3 significant digits at most
    momentum = sweep_axis(default_axes("SGD", lr)[1]).values
    np.testing.assert_array_equal(momentum, [round(0.03 * k, 2) for k in range(34)])


def test_sweep_choice_snaps_to_the_nearest_cell():
    x, y = sweep_axis("lr:0.001:1:4:log"), sweep_axis("betas[0]:0:0.9:4")
    values = sweep_choice(7, "Adam", x, y, 0.02, 0.55)
    assert values == {param_key(7, "opt", "Adam", "lr"): 0.01,       # log-nearest of 1e-3..1
                      param_key(7, "opt", "Adam", "betas", 0): 0.6}
    with pytest.raises(ValueError):
        sweep_choice(7, "Adam", x, y, -1.0, 0.5)                     # not on a log axis
    with pytest.raises(ValueError):
        sweep_choice(7, "Adam", x, y, 0.1, math.inf)


# --- Newton in the app ----------------------------------------------------------------------

def test_newton_is_offered_and_marked_as_not_torch():
    at = start()
    first = lines(at)[0]
    box = at.selectbox(key=line_key(first, "name"))
    assert "Newton (reference, not torch.optim)" in box.options
    box.set_value("Newton").run()
    assert not at.exception and not at.error
    trace = next(t for t in chart(at)["data"] if t.get("name") == "SGD")   # the line keeps its label
    # lr = 1 on a quadratic: one step to the minimum
    assert [array(trace["x"])[1], array(trace["y"])[1]] == pytest.approx([0.0, 0.0], abs=1e-12)
    assert dict(url_state(at).config.lines[0].optimizer.params) == {}
    assert url_state(at).config.lines[0].optimizer.name == "Newton"
    open_tab(at, "inside", **{Key.INSIGHT_LINE: 0})
    assert rows(at)["effective lr"] == pytest.approx([10.0, 0.5])          # lr·diag(H⁻¹)


# --- export ---------------------------------------------------------------------------------

def test_the_html_export_is_the_open_views_figure(monkeypatch):
    exports = {}
    add = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        exports[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    at = open_tab(start(), "inside", **{Key.INSIGHT_LINE: 3, Key.INSIGHT_STEP: 4})
    html = exports["gradscape-inside.html"]().decode()     # run as a click would: outside the script
    assert "Adam: update 4 of 30" in html and "update Δθ" in html
    open_tab(at, "critical")
    assert "Critical points of" in exports["gradscape-critical.html"]().decode()


def test_critical_points_are_shown_at_the_precision_of_the_window():
    """The saddle of x² − y² was listed at (−3.17e−21, −4.92e−21) (issue 15, item 3): on the
    window [-2, 2]² (a millionth of it: 1e-6) it is the origin, f = 0, ∇f = 0; H = diag(2, −2)
    by hand."""
    at = open_tab(start(preset="saddle"), "critical")
    formulas = [e.value.strip("$\n") for e in at.get("latex")]
    assert r"(x, y) = (0,\ 0)" in formulas
    assert any(f.startswith(r"f = 0,\quad \nabla f = \begin{pmatrix}0 \\ 0\end{pmatrix}") for f in formulas)
    assert r"H = \begin{pmatrix}2 & 0 \\ 0 & -2\end{pmatrix}" in formulas
    rows = at.dataframe[0].value
    assert list(rows["x"]) == [0.0] and list(rows["y"]) == [0.0] and list(rows["f"]) == [0.0]
    assert at.selectbox(key=Key.CRITICAL_POINT).options == ["0: saddle at (0, 0)"]


def test_the_headline_describes_what_is_on_screen():
    """After switching the surface to a typed formula the headline still named the textbook's
    x²/20 + y² from (−7, 2) (issue 15, item 7); the new formula's start made SGD and Momentum
    diverge (item 9)."""
    at = start()
    assert at.subheader[0].value.startswith("The textbook figure")
    at.selectbox(key=Key.SURFACE).set_value(FORMULA_OPTION).run()
    assert not at.exception
    # x^2 + y^2 on [-5, 5]²: a fifth in from the left, 70 % up is (-3, 2)
    assert (at.session_state[Key.START_X], at.session_state[Key.START_Y]) == (-3.0, 2.0)
    assert at.subheader[0].value == r"x\^2 \+ y\^2 from (-3, 2)"
    assert not at.warning                                  # no run diverged
    at.text_input(key=Key.FORMULA).set_value("x^2 + 30*y^2").run()
    assert at.subheader[0].value == r"x\^2 \+ 30\*y\^2 from (-3, 2)"
