"""Holding under load and bad input: the process-wide limiter, the bounds on a request's work,
and formulas typed or shared in a URL (hostile ones refused with a warning).

The limiter tests count how many threads are inside at once (a counter, never the clock).
Expected trajectories are worked by hand: one SGD step with learning rate η on
f = x² + 3y² (∇f = (2x, 6y)) maps (x, y) to (x·(1 − 2η), y·(1 − 6η)).
"""
from __future__ import annotations

import base64
import json
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest import chart, charts, refresh, start

from gradscape.page.form import FORMULA_OPTION
from gradscape.page.url import decode_url
from gradscape.page.keys import Key, line_key
from gradscape.page import limits
from gradscape.experiment import MAX_OPTIMIZERS, MAX_UPDATES, ConfigError, load
from gradscape.page.limits import Busy, Limiter
from optimizers.runner import MAX_STEPS

ROOT = Path(__file__).resolve().parents[2]


# --- the limiter ----------------------------------------------------------------------------

def enters(limiter: Limiter) -> bool:
    """Whether another thread gets a slot at once (without waiting)."""
    got: list[bool] = []

    def attempt() -> None:
        try:
            with limiter.slot(wait=0):
                got.append(True)
        except Busy:
            got.append(False)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(10)
    return got == [True]


def test_never_more_than_slots_at_once():
    limiter = Limiter(slots=2, wait=30)
    lock, go = threading.Lock(), threading.Event()
    inside = most = done = 0
    pair = threading.Barrier(2)        # the two holders meet: two at once does happen

    @limiter
    def work() -> None:
        nonlocal inside, most, done
        with lock:
            inside += 1
            most = max(most, inside)
        pair.wait(timeout=10)
        with lock:
            inside -= 1
            done += 1

    threads = [threading.Thread(target=lambda: (go.wait(), work())) for _ in range(12)]
    for t in threads:
        t.start()
    go.set()                           # all twelve rush in together
    for t in threads:
        t.join(30)
    assert done == 12 and most == 2


def test_a_request_that_waits_too_long_is_told_the_server_is_busy():
    limiter = Limiter(slots=1, wait=0.05)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with limiter.slot():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    with pytest.raises(Busy, match="server is busy.*try again"):
        with limiter.slot():
            pass
    release.set()
    holder.join(10)
    assert enters(limiter)


def test_a_thread_holding_a_slot_enters_again_and_gives_it_back_once():
    limiter = Limiter(slots=1, wait=0)
    with limiter.slot():
        with limiter.slot():           # waiting for itself would raise Busy (wait=0)
            pass
        assert not enters(limiter)     # the inner exit did not free the slot
    assert enters(limiter)             # the outer one did (a second release would raise)


def test_an_exception_gives_the_slot_back():
    limiter = Limiter(slots=1, wait=0)
    with pytest.raises(ZeroDivisionError):
        with limiter.slot():
            1 / 0
    assert enters(limiter)


@pytest.mark.parametrize("slots, wait, message", [
    (0, 1.0, "slots must be an integer >= 1"),
    (1.5, 1.0, "slots must be an integer >= 1"),
    (True, 1.0, "slots must be an integer >= 1"),
    (1, -1.0, "wait must be a number of seconds"),
    (1, float("nan"), "wait must be a number of seconds"),
])
def test_bad_limiter_arguments(slots, wait, message):
    with pytest.raises(ValueError, match=message):
        Limiter(slots, wait)


# --- bounds on one request -------------------------------------------------------------------

def config(steps: int, n: int, surface: object = "elliptic") -> dict:
    return {"surface": surface, "steps": steps, "optimizers": [{"name": "SGD"}] * n}


def test_steps_are_bounded():
    assert load(config(MAX_STEPS, 1)).steps == MAX_STEPS
    with pytest.raises(ConfigError, match=f"^steps: must be from 0 to {MAX_STEPS}, got 10001"):
        load(config(MAX_STEPS + 1, 1))


def test_steps_times_optimizers_is_bounded():
    assert MAX_UPDATES == 40_000
    assert len(load(config(10_000, 4)).lines) == 4                       # exactly at the bound
    assert len(load(config(2_500, MAX_OPTIMIZERS)).lines) == MAX_OPTIMIZERS
    with pytest.raises(ConfigError) as err:
        load(config(10_000, 5))
    assert str(err.value) == ("steps: 5 optimizers x 10000 steps is 50,000 updates, more than the "
                              "40,000 one experiment may run; use fewer steps or fewer optimizers")


def test_uploads_are_bounded_by_the_server_and_the_app():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] <= 1                     # MB, checked by Streamlit
    assert "MAX_UPLOAD = 200_000" in (ROOT / "gradscape" / "page" / "state.py").read_text()      # bytes, checked by on_upload


# --- the app ---------------------------------------------------------------------------------

def url(config: dict) -> str:
    doc = {"v": 1, "config": config, "view": {}}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")






def first_step(at: AppTest, label: str = "SGD") -> list[float]:
    trace = next(t for t in chart(at)["data"] if t.get("name") == label)
    xs, ys = (np.asarray(t, dtype=float) if isinstance(t, list) else
              np.frombuffer(base64.b64decode(t["bdata"]), dtype=np.dtype(t["dtype"]))
              for t in (trace["x"], trace["y"]))
    return [float(xs[1]), float(ys[1])]


FORMULA_CONFIG = {"surface": {"expr": "x^2 + 3*y^2", "window": [[-2, 2], [-2, 2]]}, "start": [1, 1],
                  "steps": 12, "optimizers": [{"name": "SGD", "params": {"lr": 0.1}}]}


def test_a_bound_in_the_app_is_a_clear_message_and_the_last_experiment_stays():
    at = start()                                                          # 4 optimizers
    at.button(key=line_key(at.session_state[Key.LINES][0], "dup")).click().run()      # a fifth
    before = chart(at)
    refresh(at.number_input(key=Key.STEPS).set_value(MAX_STEPS).run())      # 50 000 updates
    assert [e.value.replace("\\", "") for e in at.error] == [
        "steps: 5 optimizers x 10000 steps is 50,000 updates, more than the 40,000 one experiment "
        "may run; use fewer steps or fewer optimizers — showing the last valid experiment."]
    assert chart(at) == before


def test_a_typed_formula_is_shown():
    at = start()
    at.selectbox(key=Key.SURFACE).set_value(FORMULA_OPTION).run()
    at.text_input(key=Key.FORMULA).set_value("x^2/20 + y^2").run()
    assert at.latex[0].value.replace("\n", "") == r"$$f(x, y) = \frac{x^{2}}{20} + y^{2}$$"
    assert not at.error and not at.warning


def test_a_bad_formula_is_one_message_beside_the_input_and_the_surface_stays():
    at = start(s=url(FORMULA_CONFIG))
    before, latex = chart(at), at.latex[0].value
    at.text_input(key=Key.FORMULA).set_value("x^2 + (3*y^2").run()
    assert not at.exception
    assert not at.main.error and not at.warning
    assert [e.value for e in at.sidebar.error] == [
        r"\'\(\' at column 7 is never closed — the last valid surface stays on screen."]
    assert at.latex[0].value == latex and chart(at) == before
    assert decode_url({"s": at.query_params["s"]}).config.surface[0] == "x^2 + 3*y^2"
    at.text_input(key=Key.FORMULA).set_value("x^2 + 3*y^2 + 1").run()     # fixed: the message goes
    assert not at.sidebar.error and "+ 1" in at.latex[0].value


def test_a_formula_in_a_shared_url_works():
    at = start(s=url(FORMULA_CONFIG))
    assert not at.warning and not at.error
    assert at.text_input(key=Key.FORMULA).value == "x^2 + 3*y^2"
    assert at.latex[0].value.replace("\n", "") == "$$f(x, y) = x^{2} + 3 y^{2}$$"
    assert first_step(at) == pytest.approx([1 - 2 * 0.1, 1 - 6 * 0.1])


@pytest.mark.parametrize("expr, why", [
    ("__import__('os').system('id')", "character"),
    ("().__class__.__bases__", "not allowed"),
    ("x.real", "attribute access not allowed"),
    ("lambda: 1", "character"),
    ("y if x else x", "not allowed"),
    ("open(x)", "open"),
    ("x" * 600, "formula too long"),
    ("(" * 40 + "x" + ")" * 40, "nested too deeply"),
    ("+".join(["x"] * 150), "nested too deeply"),
    ("9^9^9", "overflows"),
    ("ｘ^2", "character"),
])
def test_a_hostile_formula_in_the_url_is_refused_with_a_warning(expr, why):
    at = start(s=url({**FORMULA_CONFIG, "surface": {"expr": expr}}))
    assert len(at.warning) == 1
    text = at.warning[0].value.replace("\\", "")
    assert text.startswith("This link could not be used (invalid surface.expr: ") and why in text
    assert at.session_state[Key.PRESET] == "textbook"                       # the default figure
    assert first_step(at) == pytest.approx([-7 * 0.905, 2 * -0.9])


def test_the_app_says_busy_instead_of_piling_up(monkeypatch):
    monkeypatch.setattr(limits.HEAVY, "wait", 0.05)
    holding = [threading.Event() for _ in range(limits.HEAVY.slots)]
    release = threading.Event()

    def hold(held: threading.Event) -> None:      # other visitors' long computations, one per slot
        with limits.HEAVY.slot():
            held.set()
            release.wait(30)

    holders = [threading.Thread(target=hold, args=(held,)) for held in holding]
    for holder in holders:
        holder.start()
    try:
        assert all(held.wait(10) for held in holding)
        unseen = {**FORMULA_CONFIG, "steps": 13}                          # not in the cache yet
        at = start(s=url(unseen))
        assert [w.value for w in at.warning] == [limits.BUSY]
        assert not charts(at)
    finally:
        release.set()
        for holder in holders:
            holder.join(10)
    at.button(key=Key.BUSY_RETRY).click().run()
    assert not at.exception and not at.warning
    assert first_step(at) == pytest.approx([0.8, 0.4])


# --- in a real browser ------------------------------------------------------------------------

@pytest.mark.browser
def test_an_upload_over_the_bound_is_refused_with_a_message(app_url, chromium, tmp_path):
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**FORMULA_CONFIG, "pad": "x" * 300_000}))
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    try:
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
        notice = page.locator('[data-testid="stAlert"]', has_text="could not be loaded")
        notice.wait_for(timeout=30_000)
        assert "larger than 200 KB" in notice.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
