"""The session's language: chosen first in every run, before anything is drawn.

On a session's first run it comes from the URL (``?lang=en|zh-Hans|zh-Hant``, so a shared link
opens in the sharer's language), else from the browser's language (``st.context.locale``:
``zh-CN`` -> 简体中文, ``zh-TW`` -> 繁體中文, anything else English). After that it is the
selector's (top of the sidebar), and the URL follows it (``state.write_url``). A bad ``lang``
falls back to the browser's language with a warning.
"""
from __future__ import annotations

import streamlit as st

from streamlit.runtime.scriptrunner import get_script_run_ctx

from gradscape.i18n import LANGUAGES, NAMES, _, follow, from_browser, set_language, translate

from .keys import Key

LANG_PARAM = "lang"
ss = st.session_state


def session_language() -> str | None:
    """The language this session chose, in any run of it (a fragment's, a callback's), or
    None outside a session's run."""
    return ss.get(Key.LANG) if get_script_run_ctx(suppress_warning=True) is not None else None


follow(session_language)


def begin() -> None:
    """First in every run: this session's language into the ContextVar ``_`` reads."""
    if ss.get(Key.LANG) not in LANGUAGES:
        lang, bad = initial(st.query_params.get(LANG_PARAM), _browser_locale())
        ss[Key.LANG] = lang
        set_language(lang)
        ss[Key.LANG_NOTICE] = (_("The link's language “{value}” is not one of {known}; showing "
                                 "{name}.").format(value=bad, known=", ".join(LANGUAGES), name=NAMES[lang])
                               if bad is not None else None)
    set_language(ss[Key.LANG])
    _follow_tab()


def initial(param: str | None, locale: str | None) -> tuple[str, str | None]:
    """The language of a first visit and the bad URL value, if any (then the browser's)."""
    if param in LANGUAGES:
        return param, None
    return from_browser(locale), param


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:           # no browser (a bare run): English
        return None


def selector() -> None:
    """The language selector, at the top of the sidebar: each language named in its own script,
    one line however narrow the sidebar."""
    st.selectbox(_("Language"), LANGUAGES, key=Key.LANG, format_func=NAMES.get,
                 label_visibility="collapsed", on_change=_on_language)


def _on_language() -> None:
    ss[Key.LANG_NOTICE] = None


def _follow_tab() -> None:
    """The open tab is held by its label (``Key.VIEW``): after a language switch, the label of
    the same tab in the new language."""
    from . import views
    label = ss.get(Key.VIEW)
    if label is None or label in views.by_label():
        return
    for tab in views.TABS:
        if any(label == translate(tab.label, lang) for lang in LANGUAGES):
            ss[Key.VIEW] = _(tab.label)
            return
