"""Lessons: guided sequences of steps, each a short text, the state it sets and a question to
predict before the run. One TOML file per lesson in ``gradscape/lessons/`` (its README documents
the format for teachers), validated when loaded.

Plain data, no Streamlit. A step's state is said in the page's own words: a preset name
(``gradscape/presets.py``) and/or a config in the vocabulary of ``gradscape run`` and of the
URL (its top-level fields replace the preset's), and a view as the URL holds it (``url.read_view``).
Anything wrong raises ``LessonError`` naming the file and the field, e.g.
``lessons/momentum.toml: steps[2].preset: no preset named 'foo'``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from gradscape import presets
from gradscape.experiment import Config, ConfigError, load
from gradscape.i18n import LANGUAGES, _

from . import url
from .settings import View

FOLDER = Path(__file__).parents[1] / "lessons"
FILE_NAME = re.compile(r"\d+_([a-z0-9_]+)\.toml")   # 01_textbook.toml: the lesson "textbook"
MAX_STEPS = 20
MAX_TEXT = 4000            # characters of one text in one language
LESSON_FIELDS = {"title", "summary", "seeds", "steps"}
STEP_FIELDS = {"title", "text", "preset", "config", "view", "question"}
QUESTION_FIELDS = {"text", "choices", "answer", "explain"}
VIEW_FIELDS = {"tab", "overlay", "log_y", "critical", "insights"}


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Text:
    """One text in each language the file gives (English always): ``pairs`` of (language, text)."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, language: str) -> str:
        """The text in ``language``, else in English."""
        found = dict(self.pairs)
        return found.get(language) or found["en"]


@dataclass(frozen=True)
class Question:
    """What to predict before the run: choices and the right one's index (None: an open question),
    and the explanation shown after the run."""

    text: Text
    choices: tuple[Text, ...]
    answer: int | None
    explain: Text


@dataclass(frozen=True)
class Step:
    title: Text
    text: Text
    config: Config
    view: View
    question: Question | None


@dataclass(frozen=True)
class Lesson:
    id: str
    title: Text
    summary: Text
    seeds: tuple[str, ...]
    steps: tuple[Step, ...]


# --- loading ----------------------------------------------------------------------------------

def catalogue(folder: Path = FOLDER) -> tuple[Lesson, ...]:
    """Every valid lesson of ``folder``, in file-name order (``01_...``, ``02_...``); a file
    edited since is read again (no restart needed)."""
    return _load_all(folder, _stamp(folder))[0]


def problems(folder: Path = FOLDER) -> tuple[str, ...]:
    """What is wrong with the files left out of ``catalogue``, one message each."""
    return _load_all(folder, _stamp(folder))[1]


def _stamp(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple((path.name, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.toml")))


@cache
def _load_all(folder: Path, stamp: tuple[tuple[str, int], ...]) -> tuple[tuple[Lesson, ...], tuple[str, ...]]:
    good: dict[str, tuple[str, Lesson]] = {}
    bad = []
    for name, _mtime in stamp:
        try:
            lesson = load_file(folder / name)
        except LessonError as exc:
            bad.append(str(exc))
            continue
        if lesson.id in good:
            bad.append(f"lessons/{name}: the id '{lesson.id}' is taken by {good[lesson.id][0]}")
            continue
        good[lesson.id] = (name, lesson)
    return tuple(lesson for _name, lesson in good.values()), tuple(bad)


def by_id(lesson_id: str) -> Lesson | None:
    """The lesson of that id, or None."""
    return next((lesson for lesson in catalogue() if lesson.id == lesson_id), None)


def load_file(path: Path) -> Lesson:
    """One lesson file, validated; ``LessonError`` names the file and the field."""
    where = f"lessons/{path.name}"
    found = FILE_NAME.fullmatch(path.name)
    if found is None:
        raise LessonError(f"{where}: the file name must be a number, '_' and the lesson's id in "
                          f"lower case, e.g. 03_saddle.toml")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LessonError(f"{where}: not valid TOML ({exc})") from None
    try:
        return parse(found.group(1), doc)
    except LessonError as exc:
        raise LessonError(f"{where}: {exc}") from None


def parse(lesson_id: str, doc: dict[str, Any]) -> Lesson:
    """A lesson from its TOML document; ``LessonError`` names the field."""
    _fields(doc, LESSON_FIELDS, "", required={"title", "steps"})
    seeds = doc.get("seeds", [])
    if not isinstance(seeds, list) or not all(isinstance(s, str) for s in seeds):
        raise LessonError("seeds: must be a list of texts, e.g. [\"002\"]")
    steps = doc["steps"]
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise LessonError(f"steps: must be 1 to {MAX_STEPS} [[steps]] tables")
    return Lesson(lesson_id, _text(doc["title"], "title"),
                  _text(doc.get("summary", doc["title"]), "summary"), tuple(seeds),
                  tuple(_step(step, f"steps[{i}]") for i, step in enumerate(steps)))


def _fields(doc: Any, known: set[str], where: str, required: set[str] = frozenset()) -> None:
    """``doc`` is a table with no field outside ``known`` (a typo) and every ``required`` one."""
    prefix = f"{where}." if where else ""
    if not isinstance(doc, dict):
        raise LessonError(f"{where or 'lesson'}: must be a table")
    unknown, missing = sorted(set(doc) - known), sorted(required - set(doc))
    if unknown:
        raise LessonError(f"{prefix}{unknown[0]}: unknown field; known: {', '.join(sorted(known))}")
    if missing:
        raise LessonError(f"{prefix}{missing[0]}: missing")


def _text(value: Any, where: str) -> Text:
    """A text in each language: a table {en = "...", zh-Hans = "...", zh-Hant = "..."}."""
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        raise LessonError(f"{where}: must be a text or a table of texts by language "
                          f"({', '.join(LANGUAGES)})")
    for lang in value:
        if lang not in LANGUAGES:
            raise LessonError(f"{where}.{lang}: unknown language; known: {', '.join(LANGUAGES)}")
        if not isinstance(value[lang], str) or not value[lang].strip():
            raise LessonError(f"{where}.{lang}: must be a non-empty text")
        if len(value[lang]) > MAX_TEXT:
            raise LessonError(f"{where}.{lang}: longer than {MAX_TEXT} characters")
    if "en" not in value:
        raise LessonError(f"{where}.en: missing (English is the fallback of every text)")
    return Text(tuple((lang, value[lang].strip()) for lang in LANGUAGES if lang in value))


def _step(doc: Any, where: str) -> Step:
    _fields(doc, STEP_FIELDS, where, required={"title", "text"})
    config = _config(doc.get("preset"), doc.get("config"), where)
    pure = "config" not in doc            # the preset as it is: the header shows its title
    view = _view(doc.get("view", {}), doc.get("preset") if pure else None, f"{where}.view")
    question = _question(doc["question"], f"{where}.question") if "question" in doc else None
    return Step(_text(doc["title"], f"{where}.title"), _text(doc["text"], f"{where}.text"),
                config, view, question)


def _config(preset: Any, overrides: Any, where: str) -> Config:
    """The preset's config with the overrides' top-level fields replacing its own."""
    if preset is None and overrides is None:
        raise LessonError(f"{where}: give a preset, a config, or both")
    base: dict[str, Any] = {}
    if preset is not None:
        if not isinstance(preset, str) or preset not in presets.PRESETS:
            raise LessonError(f"{where}.preset: no preset named '{preset}'; known: "
                              f"{', '.join(presets.PRESETS)}")
        base = dict(presets.PRESETS[preset]["config"])
    if overrides is not None and not isinstance(overrides, dict):
        raise LessonError(f"{where}.config: must be a table (the fields of a config)")
    try:
        return load({**base, **(overrides or {})})
    except ConfigError as exc:
        raise LessonError(f"{where}.config.{exc}") from None


def _view(doc: Any, preset: str | None, where: str) -> View:
    """How the step shows its results, in the URL's words (``url.read_view``)."""
    _fields(doc, VIEW_FIELDS, where)
    try:
        return url.read_view({**doc, "preset": preset})
    except ValueError as exc:
        raise LessonError(f"{where}: {exc}") from None


def _question(doc: Any, where: str) -> Question:
    _fields(doc, QUESTION_FIELDS, where, required={"text", "explain"})
    choices = doc.get("choices", [])
    if not isinstance(choices, list) or len(choices) > 6:
        raise LessonError(f"{where}.choices: must be a list of at most 6 texts")
    answer = doc.get("answer")
    if choices and (isinstance(answer, bool) or not isinstance(answer, int)
                    or not 1 <= answer <= len(choices)):
        raise LessonError(f"{where}.answer: must be the number of the right choice, 1 to {len(choices)}")
    if not choices and answer is not None:
        raise LessonError(f"{where}.answer: only a question with choices has an answer number; "
                          f"say the answer in explain")
    return Question(_text(doc["text"], f"{where}.text"),
                    tuple(_text(c, f"{where}.choices[{i}]") for i, c in enumerate(choices)),
                    None if answer is None else answer - 1, _text(doc["explain"], f"{where}.explain"))


# --- the URL: lesson=<id or number>&step=<k> --------------------------------------------------

@dataclass(frozen=True)
class Place:
    """A step of a lesson: the lesson's id and the step's index (0-based; the URL's k is 1-based)."""

    lesson: str
    step: int

    def params(self) -> dict[str, str]:
        """The place as the URL's query parameters."""
        return {"lesson": self.lesson, "step": str(self.step + 1)}


def find(lesson: str, step: str | None) -> tuple[Place | None, str | None]:
    """The place a link names (``lesson`` an id or a 1-based number, ``step`` 1-based, default 1)
    and a warning; never raises. An unknown lesson: no place; a bad step: the lesson's first."""
    lessons = catalogue()
    chosen = by_id(lesson)
    if chosen is None and lesson.isdigit() and 1 <= int(lesson) <= len(lessons):
        chosen = lessons[int(lesson) - 1]
    if chosen is None:
        return None, _("there is no lesson '{lesson}'").format(lesson=lesson[:40])
    if step is None:
        return Place(chosen.id, 0), None
    if not step.isdigit() or not 1 <= int(step) <= len(chosen.steps):
        return Place(chosen.id, 0), _("lesson '{lesson}' has steps 1 to {n}, not '{step}'").format(
            lesson=chosen.id, n=len(chosen.steps), step=step[:20])
    return Place(chosen.id, int(step) - 1), None


def neighbour(place: Place, delta: int) -> Place | None:
    """The step after (``delta`` 1) or before (-1) ``place``, across lessons: after a lesson's
    last step comes the next lesson's first, so one link can carry a whole lecture. None at
    either end of the catalogue."""
    ids = [lesson.id for lesson in catalogue()]
    if place.lesson not in ids:
        return None
    at = ids.index(place.lesson)
    step = place.step + delta
    if 0 <= step < len(catalogue()[at].steps):
        return Place(place.lesson, step)
    at += delta
    if not 0 <= at < len(ids):
        return None
    return Place(ids[at], 0 if delta > 0 else len(catalogue()[at].steps) - 1)


def step_of(place: Place) -> Step:
    """The step a place names (it came from ``find`` or the page: it exists), its line labels
    in the reader's language as a preset's are (``presets.labelled``)."""
    lesson = by_id(place.lesson)
    assert lesson is not None, place
    step = lesson.steps[place.step]
    return replace(step, config=presets.labelled(step.config))
