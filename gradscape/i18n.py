"""The reader's language: ``_("text")`` translates a message into the language of the current
session (English, 简体中文, 繁體中文).

A stub until the catalogues land: ``_`` returns its argument. Write every string a user sees as
``_("...")`` (or ``N_("...")`` where it is defined at import time and translated where shown),
with ``{name}`` placeholders filled by ``.format`` *after* translating:
``_("Step {k} of {n}").format(k=k, n=n)``.
"""
from __future__ import annotations

from contextvars import ContextVar

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
_current: ContextVar[str] = ContextVar("gradscape_language", default="en")


def language() -> str:
    """The language of this session's current run (or of this CLI call)."""
    return _current.get()


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else "en")


def _(message: str) -> str:
    return message


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it (module-level constants)."""
    return message
