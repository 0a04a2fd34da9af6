"""Lessons: the loader's checks (one per kind of mistake, each message naming file and field),
every shipped lesson loading and running, the numbers their answers state, and a lesson walked
through in the real app (AppTest): next, previous, run and reveal, close, the sidebar's menu.

The numbers are worked by hand where the update is a closed form (SGD on a parabola: one step
maps x to (1 − lr·f'')·x), else read against the run the step shows.
"""
from __future__ import annotations

import numpy as np
import pytest

from apptest import start

from gradscape.experiment import simulate
from gradscape.i18n import LANGUAGES
from gradscape.page import lessons
from gradscape.page.keys import Key
from gradscape.page.url import decode_url
from gradscape.page.views import BY_ID

LESSON = '''
title.en = "A lesson"
[[steps]]
title.en = "One"
text.en = "Text"
preset = "textbook"
'''


def load_text(tmp_path, text: str, name: str = "01_demo.toml") -> lessons.Lesson:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lessons.load_file(path)


# --- the loader's checks --------------------------------------------------------------------

def test_a_minimal_lesson_loads(tmp_path):
    lesson = load_text(tmp_path, LESSON)
    assert lesson.id == "demo" and lesson.title.get("zh-Hans") == "A lesson"    # English fallback
    step = lesson.steps[0]
    assert step.view.preset == "textbook" and step.view.tab == "paths" and step.question is None


@pytest.mark.parametrize("text, message", [
    ("title = [", "lessons/01_demo.toml: not valid TOML"),
    ('steps = []', "lessons/01_demo.toml: title: missing"),
    ('colour = "red"\n' + LESSON, "lessons/01_demo.toml: colour: unknown field"),
    ('title.en = "A"\nsteps = []', "lessons/01_demo.toml: steps: must be 1 to 20"),
    ('title.fr = "Une leçon"\n' + LESSON.replace('title.en = "A lesson"', ''),
     "lessons/01_demo.toml: title.fr: unknown language; known: en, zh-Hans, zh-Hant"),
    ('title.zh-Hans = "课"\n[[steps]]\ntitle.en = "1"\ntext.en = "t"\npreset = "textbook"',
     "lessons/01_demo.toml: title.en: missing (English is the fallback"),
    (LESSON.replace('text.en = "Text"', 'text.en = " "'), "lessons/01_demo.toml: steps[0].text.en: must be a non-empty text"),
    (LESSON.replace('text.en = "Text"', 'titel = "x"\ntext.en = "Text"'),
     "lessons/01_demo.toml: steps[0].titel: unknown field"),
    (LESSON.replace('text.en = "Text"', ''), "lessons/01_demo.toml: steps[0].text: missing"),
    (LESSON.replace('preset = "textbook"', ''), "lessons/01_demo.toml: steps[0]: give a preset, a config, or both"),
    (LESSON.replace('"textbook"', '"foo"'), "lessons/01_demo.toml: steps[0].preset: no preset named 'foo'"),
    (LESSON + 'config = { optimizers = [{ name = "SGD", params = { lr = -1.0 } }] }',
     "lessons/01_demo.toml: steps[0].config.optimizers[0]"),
    (LESSON + 'config = { stepz = 3 }', "lessons/01_demo.toml: steps[0].config.config: unknown field 'stepz'"),
    (LESSON + 'config = 3', "lessons/01_demo.toml: steps[0].config: must be a table"),
    (LESSON + 'view = { tab = "nowhere" }', "lessons/01_demo.toml: steps[0].view: unknown view"),
    (LESSON + 'view = { preset = "saddle" }', "lessons/01_demo.toml: steps[0].view.preset: unknown field"),
    (LESSON + 'view = { insights = { step = 0 } }',
     "lessons/01_demo.toml: steps[0].view: insight setting step must be a whole number from 1"),
    (LESSON + 'question.text.en = "?"', "lessons/01_demo.toml: steps[0].question.explain: missing"),
    (LESSON + 'question.text.en = "?"\nquestion.explain.en = "!"\nquestion.choices = ["a", "b"]\n'
              'question.answer = 3',
     "lessons/01_demo.toml: steps[0].question.answer: must be the number of the right choice, 1 to 2"),
    (LESSON + 'question.text.en = "?"\nquestion.explain.en = "!"\nquestion.answer = 1',
     "lessons/01_demo.toml: steps[0].question.answer: only a question with choices has an answer"),
    (LESSON + 'question.text.en = "?"\nquestion.explain.en = "!"\nquestion.choices = [{ de = "a" }]\n'
              'question.answer = 1',
     "lessons/01_demo.toml: steps[0].question.choices[0].de: unknown language"),
])
def test_each_mistake_is_named_with_its_file_and_field(tmp_path, text, message):
    with pytest.raises(lessons.LessonError) as err:
        load_text(tmp_path, text)
    assert str(err.value).startswith(message), str(err.value)


def test_a_file_name_without_its_number_is_refused(tmp_path):
    with pytest.raises(lessons.LessonError, match=r"^lessons/momentum.toml: the file name must be"):
        load_text(tmp_path, LESSON, name="momentum.toml")


# --- the shipped lessons --------------------------------------------------------------------

CATALOGUE = lessons.catalogue()
STEPS = [(lesson.id, i) for lesson in CATALOGUE for i in range(len(lesson.steps))]


def test_the_seven_lessons_of_the_issue_in_order():
    assert [lesson.id for lesson in CATALOGUE] == ["textbook", "learning_rate", "saddle", "minibatch",
                                                  "momentum", "adaptive", "schedules"]
    assert all(3 <= len(lesson.steps) <= 6 for lesson in CATALOGUE)


def texts(lesson: lessons.Lesson):
    yield lesson.title
    for step in lesson.steps:
        yield from (step.title, step.text)
        if step.question is not None:
            yield from (step.question.text, *step.question.choices, step.question.explain)


@pytest.mark.parametrize("lesson", CATALOGUE, ids=lambda lesson: lesson.id)
def test_every_text_is_written_in_the_three_languages(lesson):
    for text in texts(lesson):
        assert [lang for lang, _ in text.pairs] == list(LANGUAGES), text


@pytest.mark.parametrize("lesson_id, index", STEPS)
def test_every_step_runs(lesson_id, index):
    step = lessons.by_id(lesson_id).steps[index]
    result = simulate(step.config)
    assert result.runs and step.view.tab in BY_ID
    if step.question is not None and step.question.choices:
        assert step.question.answer is not None


def run_of(lesson_id: str, index: int, label: str):
    result = simulate(lessons.by_id(lesson_id).steps[index].config)
    return next(run for run in result.runs if run.label == label)


def test_the_learning_rate_answers_by_hand():
    # y = 4x², x0 = 2: x_t = 2·(1 − 8·lr)^t
    assert run_of("learning_rate", 0, "lr 0.01").points[20, 0] == pytest.approx(2 * 0.92 ** 20)
    assert 2 * 0.92 ** 20 == pytest.approx(0.38, abs=0.005)
    assert run_of("learning_rate", 1, "lr 0.125").points[1, 0] == 0.0
    assert run_of("learning_rate", 2, "lr 0.2").points[:4, 0] == pytest.approx([2, -1.2, 0.72, -0.432])
    assert run_of("learning_rate", 3, "lr 0.3").points[20, 0] == pytest.approx(2 * 1.4 ** 20)
    assert 2 * 1.4 ** 20 == pytest.approx(1673, abs=1)


def test_the_saddle_answers():
    for label in ("SGD", "Momentum", "Adam"):                   # on the ridge: y stays exactly 0
        assert not run_of("saddle", 0, label).points[:, 1].any()
    assert run_of("saddle", 2, "SGD").points[1] == pytest.approx([0.5 * 0.9, 0])          # 1 − 2·0.05
    assert run_of("saddle", 3, "SGD").points[40, 1] == pytest.approx(0.05 * 1.1 ** 40)    # 1 + 2·0.05
    assert 0.05 * 1.1 ** 40 == pytest.approx(2.26, abs=0.005)
    escaped = {label: abs(run_of("saddle", 4, label).points[-1, 1])
               for label in ("SGD", "Momentum", "AdaGrad", "Adam")}
    assert min(escaped, key=escaped.get) == "SGD" and escaped["SGD"] == pytest.approx(0.001 * 1.1 ** 60)
    assert run_of("saddle", 5, "Newton").points[1] == pytest.approx([0, 0])             # −H⁻¹∇f: the saddle


def nearest(lesson_id: str, index: int, target=(0.0, 0.0)) -> dict[str, float]:
    result = simulate(lessons.by_id(lesson_id).steps[index].config)
    return {run.label: float(np.hypot(*(run.points[-1] - target))) for run in result.runs}


def test_the_answers_that_compare_distances():
    textbook = nearest("textbook", 4)
    assert min(textbook, key=textbook.get) == "AdaGrad"
    assert [round(textbook[k], 2) for k in ("AdaGrad", "Adam", "SGD", "Momentum")] == [0.12, 0.35, 0.36, 0.90]
    adagrad_first = run_of("textbook", 2, "AdaGrad").points[1]
    assert adagrad_first == pytest.approx([-5.5, 0.5], abs=1e-6)              # 1.5·g/|g|, eps aside
    adam_first = run_of("adaptive", 1, "Adam").points[1] - [-7, 2]
    assert adam_first == pytest.approx([0.3, -0.3], abs=1e-6)                # 0.3·g/|g|
    momentum = nearest("momentum", 0)
    assert momentum["Momentum 0.9"] < 0.08 and run_of("momentum", 0, "SGD").points[-1, 0] == pytest.approx(-3.8, abs=0.05)
    betas = nearest("momentum", 1)
    assert max(betas, key=betas.get) == "momentum 0.99" and betas["momentum 0.99"] == pytest.approx(5, abs=0.1)
    rms = nearest("adaptive", 2)
    assert rms["RMSprop lr 0.03"] == pytest.approx(0.60, abs=0.005) and rms["AdaGrad lr 0.3"] == pytest.approx(1.2, abs=0.02)
    valley = nearest("adaptive", 3, target=(1.0, 1.0))
    assert [round(valley[k], 2) for k in ("Nesterov", "Adam")] == [0.09, 0.65] and min(valley, key=valley.get) == "Nesterov"
    schedules = nearest("schedules", 2)
    assert max(schedules, key=schedules.get) == "constant" and schedules["constant"] == pytest.approx(1.0, abs=0.02)
    assert all(d < 0.1 for label, d in schedules.items() if label != "constant")
    warmup = nearest("schedules", 4)
    assert [round(warmup[k], 2) for k in ("warm-up to 0.05", "warm-up, cosine", "lr 0.005")] == [0.23, 0.31, 0.69]


def test_the_momentum_valleys_and_the_warm_up_divergence():
    ends = {label: run_of("momentum", 2, label).points[-1, 0]
            for label in ("SGD", "momentum 0.5", "momentum 0.9", "momentum 0.95")}
    assert [label for label, x in ends.items() if x < 0] == ["momentum 0.9"]
    losses = {label: run_of("momentum", 3, label).loss for label in ("SGD", "momentum 0.9")}
    assert (np.diff(losses["SGD"]) <= 0).all() and (np.diff(losses["momentum 0.9"]) > 0).any()
    runs = {label: run_of("schedules", 3, label).diverged_at for label in ("lr 0.005", "lr 0.05", "warm-up to 0.05")}
    assert runs == {"lr 0.005": None, "lr 0.05": 6, "warm-up to 0.05": None}


def test_an_epoch_of_fifty_rows_in_batches_of_eight_is_seven_updates():
    result = simulate(lessons.by_id("minibatch").steps[3].config)
    run = next(run for run in result.runs if run.label == "mini-batch 8")
    sizes = [len(rows) for rows in result.run_batches(run)[:7]]
    assert sizes == [8, 8, 8, 8, 8, 8, 2]


# --- the page -------------------------------------------------------------------------------

def panel_texts(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_lesson_link_opens_its_step_with_the_run_hidden():
    at = start(lesson="learning_rate", step="3")
    assert at.session_state[Key.LESSON] == lessons.Place("learning_rate", 2)
    assert "#### A bit large: lr = 0.2" in panel_texts(at)
    assert at.session_state[Key.UPTO] == 0 and not at.session_state[Key.PLAYING]
    assert not at.success                                        # no answer before the run
    assert dict(at.query_params) == {"lesson": "learning_rate", "step": "3", "lang": "en"}
    assert at.sidebar.selectbox(key=Key.LESSON_PICK).value == "learning_rate"


def test_walking_a_lesson_next_previous_run_and_close():
    at = start(lesson="saddle")
    assert "#### Stuck where the gradient vanishes" in panel_texts(at)
    at.button(key=Key.LESSON_NEXT).click().run()
    assert not at.exception, at.exception
    assert at.session_state[Key.LESSON] == lessons.Place("saddle", 1)
    assert at.session_state[Key.VIEW] == BY_ID["critical"].label and at.session_state[Key.CRITICAL_MARKS]
    assert dict(at.query_params) == {"lesson": "saddle", "step": "2", "lang": "en"}
    at.button(key=Key.LESSON_RUN).click().run()               # no playback here: the answer at once
    assert "a saddle" in at.success[0].value and "**B.**" in at.success[0].value
    at.button(key=Key.LESSON_NEXT).click().run()
    assert at.session_state[Key.LESSON] == lessons.Place("saddle", 2) and not at.success
    assert at.session_state[Key.VIEW] == BY_ID["paths"].label
    at.button(key=Key.LESSON_RUN).click().run()               # the trajectories play from the start
    assert at.session_state[Key.PLAYING] and at.session_state[Key.LESSON_REVEALED] and not at.success
    at.button(key=Key.LESSON_RUN).click().run()               # again: to the end, and the answer
    assert not at.session_state[Key.PLAYING] and at.session_state[Key.UPTO] == 40
    assert at.success[0].value.startswith("**A.** Along (1, 0)")
    at.button(key=Key.LESSON_PREV).click().run()
    assert at.session_state[Key.LESSON] == lessons.Place("saddle", 1)
    at.button(key=Key.LESSON_CLOSE).click().run()
    assert not at.exception, at.exception
    assert at.session_state[Key.LESSON] is None and "lesson" not in at.query_params
    assert decode_url(dict(at.query_params)).config == lessons.by_id("saddle").steps[1].config


def test_the_sidebar_menu_opens_a_lesson():
    at = start()
    at.sidebar.selectbox(key=Key.LESSON_PICK).set_value("momentum").run()
    assert not at.exception, at.exception
    assert at.session_state[Key.LESSON] == lessons.Place("momentum", 0)
    assert dict(at.query_params) == {"lesson": "momentum", "step": "1", "lang": "en"}
    labels = [at.session_state[f"line{uid}.label"] for uid in at.session_state[Key.LINES]]
    assert labels == ["SGD", "Momentum 0.9"]


def test_a_changed_step_keeps_the_lesson_in_the_link():
    at = start(lesson="textbook", step="1")
    at.session_state[Key.STEPS] = 12
    at.run()
    params = dict(at.query_params)
    assert params["lesson"] == "textbook" and params["step"] == "1" and "s" in params
    decoded = decode_url(params)
    assert decoded.config.steps == 12 and decoded.lesson == lessons.Place("textbook", 0)


def test_a_broken_file_is_left_out_and_named_and_an_edit_is_read_again(tmp_path):
    (tmp_path / "01_good.toml").write_text(LESSON, encoding="utf-8")
    broken = tmp_path / "02_broken.toml"
    broken.write_text(LESSON.replace('"textbook"', '"foo"'), encoding="utf-8")
    (tmp_path / "03_good.toml").write_text(LESSON, encoding="utf-8")
    assert [lesson.id for lesson in lessons.catalogue(tmp_path)] == ["good"]
    assert lessons.problems(tmp_path) == (
        "lessons/02_broken.toml: steps[0].preset: no preset named 'foo'; known: "
        + ", ".join(lessons.presets.PRESETS),
        "lessons/03_good.toml: the id 'good' is taken by 01_good.toml")
    broken.write_text(LESSON, encoding="utf-8")
    import os
    os.utime(broken, ns=(0, broken.stat().st_mtime_ns + 10**9))      # a later edit
    assert [lesson.id for lesson in lessons.catalogue(tmp_path)] == ["good", "broken"]


def test_the_shipped_lessons_have_no_problems():
    assert lessons.problems() == ()


def test_the_lessons_readme_lists_every_lesson_and_step():
    readme = (lessons.FOLDER / "README.md").read_text(encoding="utf-8")
    for number, lesson in enumerate(CATALOGUE, 1):
        row = next(line for line in readme.splitlines() if line.startswith(f"| {number} | `{lesson.id}` |"))
        assert row.split(" | ")[2] == " · ".join(step.title.get("en") for step in lesson.steps), lesson.id


def test_next_and_previous_cross_from_lesson_to_lesson():
    last = lessons.Place("textbook", len(lessons.by_id("textbook").steps) - 1)
    assert lessons.neighbour(last, 1) == lessons.Place("learning_rate", 0)
    assert lessons.neighbour(lessons.Place("learning_rate", 0), -1) == last
    assert lessons.neighbour(lessons.Place("textbook", 0), -1) is None
    end = lessons.Place("schedules", len(lessons.by_id("schedules").steps) - 1)
    assert lessons.neighbour(end, 1) is None
    total, place = 1, lessons.Place("textbook", 0)                 # one link, the whole lecture
    while (place := lessons.neighbour(place, 1)) is not None:
        total += 1
    assert total == sum(len(lesson.steps) for lesson in CATALOGUE) == 34
