"""The open lesson's step, above the views: where we are, the step's text, the question to
predict and, once the step has run, the answer. Driven by its buttons or by the keyboard alone
(PageDown / PageUp: next / previous step, as a presentation clicker sends; R: run the step).
After a lesson's last step comes the next lesson's first: one link carries a whole lecture.

Predict, then run: a step opens with its trajectories hidden (playback at step 0, only the
start points on the panels) and the question asked. Run plays the trajectories from the start
and the answer appears when the playback ends (at once on a view without playback); run again
while it plays to skip to the end.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from gradscape.i18n import _, language

from . import lessons, state, views
from .keys import Key
from .state import Current
from .text import md_escape

ss = st.session_state
LETTERS = "ABCDEF"
_keys = st.components.v2.component(
    "gradscape.lessonkeys", js=Path(__file__).with_name("lessonkeys.js").read_text(encoding="utf-8"))


# --- moving through a lesson --------------------------------------------------------------------

def on_pick() -> None:
    """The sidebar's lesson menu: a lesson's first step, or no lesson."""
    chosen = ss[Key.LESSON_PICK]
    if chosen:
        state.go_to(lessons.Place(chosen, 0))
    else:
        state.open_lesson(None)


def step_by(delta: int) -> None:
    """The next (``delta`` 1) or previous (-1) step, on into the next or previous lesson."""
    place = ss.get(Key.LESSON)
    there = lessons.neighbour(place, delta) if place is not None else None
    if there is None:
        return
    state.go_to(there)
    ss[Key.LESSON_RERUN] = True          # the sidebar shows the new state: the whole page reruns


def run() -> None:
    """Run the step: play its trajectories from the start (the answer shows once they end);
    while they play, jump to the end."""
    ss[Key.LESSON_REVEALED] = True
    if views.open_tab() is not views.paths.TAB:
        return
    if ss.get(Key.PLAYING):
        ss[Key.PLAYING], ss[Key.UPTO] = False, ss[Key.UPTO_FOR].steps
    else:
        ss[Key.PLAYING], ss[Key.UPTO] = True, 0


def close() -> None:
    state.open_lesson(None)
    ss[Key.LESSON_RERUN] = True


def on_key() -> None:
    """A key heard on the page (``lessonkeys.js``)."""
    action = (ss.get(Key.LESSON_KEYS) or {}).get("action")
    if action == "next":
        step_by(1)
    elif action == "previous":
        step_by(-1)
    elif action == "run":
        run()


def follow() -> None:
    """First in the results: after a step changed from inside them, rerun the whole page."""
    if ss.pop(Key.LESSON_RERUN, False):
        st.rerun()


def answered() -> bool:
    """The step ran and its playback (if any) is over: the answer may show."""
    return bool(ss.get(Key.LESSON_REVEALED)) and not ss.get(Key.PLAYING)


# --- drawing ------------------------------------------------------------------------------------

def draw(now: Current) -> None:
    """The panel of the open step (nothing without a lesson)."""
    place = ss.get(Key.LESSON)
    lesson = lessons.by_id(place.lesson) if place is not None else None
    if lesson is None:
        return
    if ss.pop(Key.LESSON_HIDE, False):   # a step just opened: its run waits for the prediction
        ss[Key.PLAYING], ss[Key.UPTO], ss[Key.UPTO_FOR] = False, 0, now.config
    step, lang = lesson.steps[place.step], language()
    _keys(key=Key.LESSON_KEYS, on_action_change=on_key, height=0)
    with st.container(border=True, key=Key.LESSON_PANEL):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"#### {step.title.get(lang)}", width="stretch")
            st.button(_("Previous"), key=Key.LESSON_PREV, icon=":material/arrow_back:",
                      on_click=step_by, args=(-1,), disabled=lessons.neighbour(place, -1) is None,
                      width="content", help=_("The previous step (PageUp)"))
            st.button(_("Next"), key=Key.LESSON_NEXT, icon=":material/arrow_forward:",
                      on_click=step_by, args=(1,), disabled=lessons.neighbour(place, 1) is None,
                      width="content", help=_("The next step (PageDown)"))
            st.button(_("Close"), key=Key.LESSON_CLOSE, icon=":material/close:", on_click=close,
                      width="content", help=_("Leave the lesson; the experiment stays as it is"))
        text, question = st.columns([3, 2], gap="large")    # side by side: the chart stays in view
        with text:
            st.caption(_("{title} · step {k} of {n}").format(
                title=md_escape(lesson.title.get(lang)), k=place.step + 1, n=len(lesson.steps)))
            st.markdown(step.text.get(lang))
        with question:
            _question(step.question, lang)


def is_open() -> bool:
    """A lesson is open (the page then leaves out its own title: room for the chart)."""
    return ss.get(Key.LESSON) is not None


def _question(question: lessons.Question | None, lang: str) -> None:
    """The question and its choices; the run button; the answer once the run is over."""
    done = answered()
    if question is not None:
        lines = [_("**Predict:** {question}").format(question=question.text.get(lang))]
        for i, choice in enumerate(question.choices):
            line = f"**{LETTERS[i]}.** {choice.get(lang)}"
            lines.append(f":green[{line} :material/check_circle:]" if done and i == question.answer else line)
        st.markdown("  \n".join(lines))              # one block, a line each: compact on a projector
    label = _("Run again") if done else _("Run and show the answer") if question else _("Run")
    st.button(label, key=Key.LESSON_RUN, icon=":material/play_arrow:", on_click=run, type="primary",
              help=_("Play the trajectories from the start; the answer shows when they end (R)"))
    if done and question is not None:
        right = f"**{LETTERS[question.answer]}.** " if question.answer is not None else ""
        st.success(f"{right}{question.explain.get(lang)}", icon=":material/lightbulb:")
    st.caption(_("Keys: PageDown next step, PageUp previous, R run"))
