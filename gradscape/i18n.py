"""The reader's language: ``_("text")`` translates a message into the language of the current
session (English, 简体中文, 繁體中文).

Write every string a user sees as ``_("...")`` (or ``N_("...")`` where it is defined at import
time and translated where shown), with ``{name}`` placeholders filled by ``.format`` *after*
translating: ``_("Step {k} of {n}").format(k=k, n=n)``.

The catalogues are gettext's: ``gradscape/locale/<zh_Hans|zh_Hant>/LC_MESSAGES/gradscape.po``,
extracted and updated by ``scripts/messages.py`` (``make messages``). A ``.po`` file is compiled
in memory with Babel the first time its language is asked for (a few milliseconds, once per
process), so there is no ``.mo`` build step that an editable install or a fresh clone could miss,
and no compiled file in git that could disagree with its source.

The language is per session: Streamlit runs each session's script in its own thread, and the
page sets this ContextVar at the start of every run (``gradscape.page.lang``); the CLI sets it
from ``--lang``.
"""
from __future__ import annotations

import gettext
import io
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
NAMES = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}   # each in its own language
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "gradscape"
_current: ContextVar[str | None] = ContextVar("gradscape_language", default=None)
_fallback: Callable[[], str | None] = lambda: None      # noqa: E731


def language() -> str:
    """The language of this session's current run (or of this CLI call): the one set in this
    context, else the one ``follow`` reads (the page: the session's), else English."""
    return _current.get() or _fallback() or "en"


def follow(source: Callable[[], str | None]) -> None:
    """Where ``language()`` looks when nothing was set in this context: the page reads its
    session's choice, since Streamlit starts every run (a fragment's and the callbacks before
    it too) in a fresh thread, where a ContextVar set by an earlier run is not seen."""
    global _fallback
    _fallback = source


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else "en")


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of a translated language (``zh-Hans`` lives in ``zh_Hans``)."""
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language, read once per process (English: no catalogue)."""
    if lang == "en" or not catalogue_path(lang).exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)          # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """``message`` in the current language (itself if the catalogue lacks it)."""
    return translate(message, language())


def translate(message: str, lang: str) -> str:
    """``message`` in the language ``lang`` (itself if the catalogue lacks it)."""
    return message if lang == "en" or not message else translations(lang).gettext(message)


def in_this_language(fn: Callable[..., str]) -> Callable[..., str]:
    """``fn`` bound to the current language: for a widget's ``format_func``, which Streamlit may
    call outside the run that drew the widget (AppTest does, from its own thread)."""
    lang = language()

    def call(*args: Any, **kwargs: Any) -> str:
        with speaking(lang):
            return fn(*args, **kwargs)
    return call


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Within it, the language is ``lang``: for work that no session's run holds (a route's
    request, a format_func called later)."""
    token = _current.set(lang if lang in LANGUAGES else "en")
    try:
        yield
    finally:
        _current.reset(token)


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it (module-level constants)."""
    return message


def from_browser(locale: str | None) -> str:
    """The language for a browser's locale (``navigator.language``, e.g. ``zh-TW``):
    Traditional for Taiwan, Hong Kong and Macau (and an explicit ``Hant`` script), Simplified
    for any other Chinese, English for everything else."""
    parts = (locale or "").replace("_", "-").lower().split("-")
    if parts[0] != "zh":
        return "en"
    if "hant" in parts or any(region in parts[1:] for region in ("tw", "hk", "mo")):
        return "zh-Hant"
    return "zh-Hans"
