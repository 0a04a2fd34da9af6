"""The page in each language, through AppTest: every view shows no English word but code names
(``i18n_text.CODE``), the URL keeps the language, a bad one falls back with a warning, and
switching language keeps the open view."""
from __future__ import annotations

import pytest

from apptest import start
from i18n_text import english_words, visible_text

from gradscape.i18n import translate
from gradscape.page.form import FORMULA_OPTION
from gradscape.page import lessons
from gradscape.page.keys import Key
from gradscape.page.text import md_escape
from gradscape.page.lang import initial
from gradscape.page.views import TABS

CHINESE = ("zh-Hans", "zh-Hant")


@pytest.mark.parametrize("lang", CHINESE)
def test_every_view_shows_no_english_but_code(lang):
    at = start(lang=lang)
    assert english_words(visible_text(at)) == set()
    for tab in TABS:
        at.session_state[Key.VIEW] = translate(tab.label, lang)
        at.run()
        assert not at.exception, at.exception
        assert english_words(visible_text(at)) == set(), tab.id


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("preset", ["minibatch", "schedules", "learning_rates", "rosenbrock"])
def test_the_presets_show_no_english_but_code(lang, preset):
    at = start(lang=lang, preset=preset)
    assert english_words(visible_text(at)) == set()
    if preset == "minibatch":
        at.session_state[Key.VIEW] = translate("Data and fit", lang)
        at.run()
        assert english_words(visible_text(at)) == set()


@pytest.mark.parametrize("lang", CHINESE)
def test_every_lessons_text_has_no_english_but_code(lang):
    """Each lesson file's texts in the reader's language (titles, steps, questions, choices,
    answers): the glossary's terms, not English words (formulas and `code` aside)."""
    english = {}
    for lesson in lessons.catalogue():
        texts = [lesson.title, lesson.summary]
        for step in lesson.steps:
            texts += [step.title, step.text]
            if step.question is not None:
                texts += [step.question.text, step.question.explain, *step.question.choices]
        found = english_words([text.get(lang) for text in texts])
        if found:
            english[lesson.id] = found
    assert english == {}


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("lesson, step", [("saddle", "2"), ("minibatch", "4"), ("schedules", "4")])
def test_a_lesson_step_shows_no_english_but_code(lang, lesson, step):
    """The lesson panel's text comes from the lesson's file in the reader's language, its buttons
    from the catalogue, the step's line labels (a preset's) are translated; so is the answer."""
    at = start(lang=lang, lesson=lesson, step=step)
    chosen = lessons.by_id(lesson).steps[int(step) - 1]
    texts = visible_text(at)
    assert f"#### {chosen.title.get(lang)}" in texts
    assert translate("Next", lang) in texts
    assert english_words(texts) == set()
    at.button(key=Key.LESSON_RUN).click().run()
    assert not at.exception, at.exception
    assert english_words(visible_text(at)) == set()


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("preset, notation", [("textbook", "torch"), ("textbook", "textbook"),
                                              ("textbook", "ema"), ("warmup", "torch")])
def test_presentation_mode_and_its_rules_show_no_english_but_code(lang, preset, notation):
    """``present=1``: the one-line header, the rule strip beside the panels, its notation switch,
    the correspondence of the notations, the rules' notes and the words in their LaTeX (the
    core's, ``i18n_core``)."""
    at = start(lang=lang, preset=preset, present="1")
    at.session_state[Key.NOTATION] = notation
    at.run()
    assert not at.exception, at.exception
    texts = visible_text(at)
    assert translate("Presentation mode", lang) in texts
    assert english_words(texts) == set()
    if notation == "textbook":         # SGD with momentum and Adam have a note in this notation
        note = "The textbook's velocity is v = −η·b, torch's buffer b times −η; α = μ."
        assert md_escape(translate(note, lang)) in texts
    if preset == "warmup":             # SequentialLR's rule says in words how it switches
        words = translate("each scheduler in turn, switching at the milestones", lang)
        assert any(words in text for text in texts if text)


def test_a_formula_error_is_told_in_chinese_with_its_column():
    at = start(lang="zh-Hans")
    at.selectbox(key=Key.SURFACE).set_value(FORMULA_OPTION).run()
    at.text_input(key=Key.FORMULA).set_value("x^2 + z").run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "未知的名字" in errors[0] and "第 7 列" in errors[0]
    assert english_words(visible_text(at)) == set()


@pytest.mark.parametrize("lang, word", [("en", "Optimizers"), ("zh-Hans", "优化器"), ("zh-Hant", "優化器")])
def test_the_url_keeps_the_language(lang, word):
    at = start(lang=lang)
    assert word in [s.value for s in at.sidebar.subheader]
    assert at.query_params["lang"] in (lang, [lang])
    shared = start(s=at.query_params["s"], lang=at.query_params["lang"])
    assert word in [s.value for s in shared.sidebar.subheader]


def test_a_bad_language_falls_back_with_a_warning():
    at = start(lang="klingon")
    assert [w.value for w in at.warning if "klingon" in w.value]
    assert "Optimizers" in [s.value for s in at.sidebar.subheader]
    assert at.query_params["lang"] in ("en", ["en"])


def test_the_selector_switches_the_language_and_keeps_the_view():
    at = start()
    at.session_state[Key.VIEW] = translate("Critical points", "en")
    at.run()
    at.session_state[Key.LANG] = "zh-Hant"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[Key.VIEW] == "臨界點"
    assert "優化器" in [s.value for s in at.sidebar.subheader]
    assert at.query_params["lang"] in ("zh-Hant", ["zh-Hant"])


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh-Hans"), ("zh-TW", "zh-Hant"), ("en-GB", "en")])
def test_a_first_visit_follows_the_browser_unless_the_link_says(locale, lang):
    assert initial(None, locale) == (lang, None)
    assert initial("en", locale) == ("en", None)
    assert initial("xx", locale) == (lang, "xx")
