"""What the page writes: escaped user text, runs described, summaries and step tables.

Expected numbers are worked by hand on f = x²/20 + y² (∇f = (x/10, 2y)): plain SGD with
learning rate η multiplies x by (1 − η/10) and y by (1 − 2η) at every step.
"""
from __future__ import annotations

import json
import math
import re
import string

import pytest

from gradscape.page.views.data import step_columns, summary_rows
from gradscape.page.text import describe, divergence_note, fmt, headline, md_escape
from gradscape import presets
from gradscape.experiment import Config, load, simulate


# --- Markdown escaping ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["<b>x</b>", "[a](javascript:alert(1))", "**bold** _it_",
                                  "$\\frac{1}{0}$", ":material/home: :red[x]", "# head\n- item",
                                  "a\\b `code`", "plain words"])
def test_md_escape_escapes_every_markdown_character(text):
    shown = md_escape(text)
    # every ASCII punctuation character is preceded by a backslash ...
    assert re.fullmatch(r"(?:\\[" + re.escape(string.punctuation) + r"]|[^" +
                        re.escape(string.punctuation) + r"\n])*", shown)
    # ... and removing those backslashes gives the text back (on one line)
    assert re.sub(r"\\(.)", r"\1", shown) == " ".join(text.split())


# --- words and tables -----------------------------------------------------------------------

def test_describe_names_what_differs_from_torch():
    result = simulate(presets.get("textbook"))
    assert [describe(r) for r in result.runs] == [
        "SGD lr=0.95", "SGD lr=0.1, momentum=0.9", "Adagrad lr=1.5", "Adam lr=0.3"]
    scheduled = simulate(presets.get("schedules")).runs[1]
    assert describe(scheduled) == "SGD lr=0.2 + StepLR(step_size=50, gamma=0.5)"


def test_summary_of_sgd_on_the_textbook_bowl():
    result = simulate(presets.get("textbook"))
    row = summary_rows(result)[0]
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
    row = summary_rows(simulate(config))[0]
    assert row["steps to within 1e-06 of min"] == 144


def test_a_diverging_run_is_summarised_and_explained():
    # lr 1.5: y is multiplied by 1 − 3 = −2 each step, |y_t| = 2^(t+1), and y² = 2^(2t+2)
    # overflows float64 (max < 2^1024) first at t = 511.
    config = load({"surface": "elliptic", "start": [-7, 2], "steps": 600,
                   "optimizers": [{"name": "SGD", "params": {"lr": 1.5}}]})
    result = simulate(config)
    row = summary_rows(result)[0]
    assert row["diverged at step"] == 511 and row["steps drawn"] == 510
    note = divergence_note("SGD", "diverged at step 511", 511)
    assert "drawn up to step 510" in note and "smaller lr" in note


def test_step_columns():
    result = simulate(presets.get("textbook"))
    cols = step_columns(result)
    assert len(cols["step"]) == 4 * 31 and set(map(len, cols.values())) == {124}
    assert cols["label"][:2] == ["SGD", "SGD"]
    assert (cols["x"][1], cols["y"][1]) == pytest.approx((-6.335, -1.8))     # -7·0.905, 2·(−0.9)
    assert cols["grad_x"][0] == pytest.approx(-0.7) and cols["grad_y"][0] == pytest.approx(4.0)
    assert cols["lr"][0] == 0.95 and cols["lr"][30] is None                  # no update after the last


def test_fmt():
    assert fmt(None) == "—" and fmt(float("nan")) == "—" and fmt(0.123456) == "0.1235"


def test_config_is_what_gradscape_run_accepts():
    config = presets.get("textbook")
    assert isinstance(load(json.loads(json.dumps(config.to_dict()))), Config)


def test_headline_skips_a_label_that_is_the_class_name():
    result = simulate(presets.get("textbook"))
    assert [headline(r) for r in result.runs] == [
        "SGD lr=0.95", "Momentum: SGD lr=0.1, momentum=0.9", "AdaGrad: Adagrad lr=1.5", "Adam lr=0.3"]
