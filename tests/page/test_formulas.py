"""The update rules on the page (issue 11): on the landing page under the panels, each line's
rule with its values; the notation switch rewrites momentum; Inside a step shows step k by hand.
"""
from __future__ import annotations

from apptest import start
from gradscape import presets
from gradscape.page.keys import Key
from gradscape.page.settings import Insights, View
from gradscape.page.url import encode_url
from gradscape.page.views.inside import at_step, tex


def latex(at) -> list[str]:
    return [e.value for e in at.latex]


def test_the_landing_page_shows_every_lines_rule_with_its_values():
    at = start()
    shown = latex(at)
    momentum = next(t for t in shown if r"b_t &= \mu b_{t-1} + g_t" in t)
    assert r"\mu = 0.9" in momentum and r"\eta = 0.1" in momentum
    assert any(r"\eta = 0.95" in t and "b_t" not in t for t in shown)              # plain SGD
    assert any(r"s_t &= s_{t-1} + g_t^2" in t and r"\eta = 1.5" in t for t in shown)  # Adagrad
    assert any(r"\hat m_t" in t and r"\eta = 0.3" in t for t in shown)              # Adam


def test_the_notation_switch_rewrites_momentum():
    at = start()
    at.segmented_control(key=Key.NOTATION).set_value("textbook").run()
    assert any(r"v_t &= \alpha v_{t-1} - \eta \nabla L_t" in t and r"\alpha = 0.9" in t for t in latex(at))
    at.segmented_control(key=Key.NOTATION).set_value("ema").run()
    ema = next(t for t in latex(at) if r"m_t &= \beta m_{t-1} + (1 - \beta) g_t" in t)
    assert r"\eta' = 1" in ema and r"\beta = 0.9" in ema          # η′ = 0.1/(1 − 0.9)


def test_inside_a_step_shows_the_step_by_hand():
    view = View("inside", preset="textbook", insights=Insights(line=1, step=3))
    at = start(s=encode_url(presets.get("textbook"), view))
    shown = latex(at)
    assert any(r"b_k &= \mu b_{k-1} + g_k" in t for t in shown)
    numbers = next(t for t in shown if r"\theta_{k-1} &=" in t)
    assert "k &= 3" in numbers and r"\mu &= 0.9" in numbers and r"b_{k-1} &=" in numbers


def test_rules_read_at_step_k_and_numbers_in_latex():
    assert at_step(r"\theta_t &= \theta_{t-1} - \eta b_t") == r"\theta_k &= \theta_{k-1} - \eta b_k"
    assert at_step(r"m_t / (1 - \beta_1^t)") == r"m_k / (1 - \beta_1^k)"
    assert at_step(r"\frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t}") == r"\frac{\eta}{1 - \beta_1^k} \frac{m_k}{u_k}"
    assert at_step(r"0.96^{t \psi}, \prod_{i \le t+1}, \max(1, t - t_0), \text{else}") == \
        r"0.96^{k \psi}, \prod_{i \le k+1}, \max(1, k - t_0), \text{else}"
    assert tex("1e-08") == r"1 \times 10^{-8}" and tex("-0.25") == "-0.25"
