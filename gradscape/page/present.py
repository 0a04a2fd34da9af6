"""Presentation mode: the page on a projector, run from the keyboard (the URL's ``present=1``).

The sidebar collapsed, the header one line, the open view as tall as the window (the live
chart fits itself: ``livechart``'s ``fit``), type large enough for the back of a room
(``figures.look.presentation``). On the trajectory panels → and ← step one update forward and
back, Space plays and pauses, Home and End jump to the start and the last step (``stepped``).
"""
from __future__ import annotations

import streamlit as st

from gradscape.i18n import _

from .keys import Key

ss = st.session_state

# Streamlit's padding and the app's own title give way to the view; Streamlit's header (the
# button that opens the sidebar) floats, transparent, left of the one-line header; the tab bar
# stays (a teacher may switch views), tighter.
STYLE = f"""<style>
[data-testid="stMainBlockContainer"] {{ padding: 0.6rem 1.25rem 0.25rem 1.25rem; }}
[data-testid="stHeader"] {{ background: transparent; pointer-events: none; }}
[data-testid="stHeader"] button, [data-testid="stHeader"] a {{ pointer-events: auto; }}
.st-key-{Key.PRESENT_HEAD} {{ padding-left: 2.75rem; }}
.st-key-{Key.PRESENT_RULES} {{ max-height: calc(100vh - 12rem); overflow-y: auto; }}
[data-testid="stMain"] [data-testid="stTabs"] [role="tab"] {{ height: 2rem; }}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{ row-gap: 0.5rem; }}
</style>"""

KEYS = ("ArrowRight", "ArrowLeft", " ", "Home", "End")


def presenting() -> bool:
    """Whether the page is in presentation mode."""
    return bool(ss.get(Key.PRESENT))


def page() -> None:
    """At the top of every run: the sidebar collapsed on entering presentation mode and open
    again on leaving it (only on a change: a sidebar the visitor moved stays put), and the
    mode's style."""
    now = presenting()
    if ss.get(Key.PRESENT_SHOWN, False) != now:
        st.set_page_config(initial_sidebar_state="collapsed" if now else "expanded")
        ss[Key.PRESENT_SHOWN] = now
    if now:
        st.html(STYLE)


def toggle() -> None:
    """The switch in and out of presentation mode. The page around the results (title,
    sidebar) changes too: a change reruns the whole app, not only the results' fragment."""
    on = st.toggle(_("Presentation mode"), key=Key.PRESENT, width="content",
                   help=_("For a projector: the sidebar folded away, large type, the panels filling "
                          "the screen; on the panels → ← step one update, Space plays and pauses, "
                          "Home and End go to the first and the last step. Bookmark the address: "
                          "it ends in `present=1`."))
    if on != ss.get(Key.PRESENT_SHOWN, False):
        st.rerun()


def stepped(key: str, upto: int, steps: int, playing: bool) -> tuple[int, bool]:
    """The step shown and whether playback runs after ``key`` (one of ``KEYS``): → and ← one
    update forward or back (pausing), Space play/pause (play from the start when at the end),
    Home the start, End the last step. An unknown key changes nothing."""
    if key == " ":
        return (0 if not playing and upto >= steps else upto), not playing
    moves = {"ArrowRight": upto + 1, "ArrowLeft": upto - 1, "Home": 0, "End": steps}
    if key not in moves:
        return upto, playing
    return min(max(moves[key], 0), steps), False
