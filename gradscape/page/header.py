"""Above the views: what is shown (the preset's title or "Your experiment", each run in one
line, the formula), what went wrong (a bad link, an invalid input, a diverged run) and the
switches of how it is shown (overlay, critical points, log scale)."""
from __future__ import annotations

import streamlit as st

from gradscape import presets
from gradscape.experiment import Result
from gradscape.figures.trajectory import stop_reason

from . import form
from .keys import Key
from .state import Current
from .text import divergence_note, headline, md_escape


def draw(now: Current, result: Result) -> None:
    head, formula = st.columns([3, 2], vertical_alignment="center")
    with head:
        st.subheader(_title(now), anchor=False)
        st.caption(md_escape(" · ".join(headline(run) for run in result.runs)))
    with formula:
        st.latex(f"f(x, y) = {result.surface.latex}")
    _problems(now, result)
    with st.container(horizontal=True, gap="large"):    # each switch as wide as its label
        st.toggle("Overlay all trajectories", key=Key.OVERLAY, width="content",
                  help="One plot with every trajectory instead of a panel per optimizer.")
        st.toggle("Critical points", key=Key.CRITICAL_MARKS, width="content",
                  help="Mark every point of the window where the gradient vanishes, by the Hessian's "
                       "verdict: minimum, maximum, saddle or degenerate (details: the Critical points tab).")
        st.toggle("Log scale", key=Key.LOG_Y, width="content",
                  help="Loss and distance on a logarithmic axis.")


def _title(now: Current) -> str:
    """The preset's title, "(modified)" once the inputs differ from it; else "Your experiment"."""
    if now.view.preset is None:
        return "Your experiment"
    modified = form.canonical(now.config) != form.canonical(presets.get(now.view.preset))
    return presets.title(now.view.preset) + (" (modified)" if modified else "")


def _problems(now: Current, result: Result) -> None:
    """A notice (a bad link or upload), an invalid input, and every run that stopped."""
    notice = st.session_state.get(Key.NOTICE)
    if notice:
        st.warning(md_escape(notice), icon=":material/warning:")
    if now.error is not None and now.formula_error is None:
        st.error(md_escape(now.error) + " — showing the last valid experiment.", icon=":material/error:")
    for run in result.runs:
        if run.diverged_at is not None:
            reason = stop_reason(result.surface, run)
            st.warning(md_escape(divergence_note(run.label, reason, run.diverged_at)),
                       icon=":material/trending_up:")
