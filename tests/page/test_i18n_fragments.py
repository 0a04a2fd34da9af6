"""A fragment's rerun speaks the session's language (real Chromium).

Streamlit starts every run, a fragment's too, in a fresh thread: the language set by the page's
first run is not there. ``i18n.language`` falls back to the session's choice (``lang.py``), so a
tab opened in 简体中文 (a rerun of the results fragment alone) stays in 简体中文.
"""
import pytest

from conftest import PAGE_SETTLED

pytestmark = pytest.mark.browser

SELECTED = """(label) => [...document.querySelectorAll('[role=tab][aria-selected=true]')]
  .some(t => t.innerText.includes(label))"""


def test_a_tab_opened_in_chinese_stays_in_chinese(chromium, app_url):
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/?lang=zh-Hans&preset=textbook")
    page.wait_for_function(PAGE_SETTLED, timeout=90_000)
    page.get_by_role("tab", name="一步之内").click()
    page.wait_for_function(SELECTED, arg="一步之内", timeout=60_000)
    page.wait_for_function(PAGE_SETTLED, timeout=60_000)
    tabs = page.locator("[role=tab]").all_inner_texts()
    assert "并排" in tabs and "Side by side" not in tabs
    assert page.get_by_text("教科书中的图", exact=False).first.is_visible()
    page.close()
