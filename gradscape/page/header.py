"""Above the views: what is shown (the preset's title, or the surface and start, each run in one
line, the formula), what went wrong (a bad link, an invalid input, a diverged run) and the
switches of how it is shown (overlay, critical points, log scale)."""
from __future__ import annotations

import streamlit as st

from gradscape import presets
from gradscape.experiment import Result
from gradscape.figures.trajectory import stop_reason

from gradscape.i18n import _
from gradscape.i18n_core import core

from . import form, present, state
from .keys import Key
from .state import Current
from .text import divergence_note, headline, md_escape


def draw(now: Current, result: Result) -> None:
    if present.presenting():
        _one_line(now, result)
        return
    head, formula = st.columns([3, 2], vertical_alignment="center")
    with head:
        st.subheader(title(now, result), anchor=False)
        st.caption(md_escape(" · ".join(headline(run) for run in result.runs)))
    with formula:
        st.latex(f"f(x, y) = {result.surface.latex}")
        present.toggle()
    _problems(now, result)
    with st.container(horizontal=True, gap="large"):    # each switch as wide as its label
        _switches(now)


def _one_line(now: Current, result: Result) -> None:
    """Presentation mode's header: the title and the formula, the switches in a popover (drawn,
    so that they keep their values), the way out of presentation mode."""
    with st.container(horizontal=True, vertical_alignment="center", gap="medium", key=Key.PRESENT_HEAD):
        st.markdown(f"**{title(now, result)}** &nbsp; $f(x, y) = {result.surface.latex}$",
                    width="stretch")
        with st.popover(_("Switches"), icon=":material/tune:", width="content"):
            _switches(now)
        present.toggle()
    _problems(now, result)


def _switches(now: Current) -> None:
    """How the results are shown: overlay, critical points, log scale (the book's classes)."""
    st.toggle(_("Overlay all trajectories"), key=Key.OVERLAY, width="content",
              help=_("One plot with every trajectory instead of a panel per optimizer."))
    st.toggle(_("Critical points"), key=Key.CRITICAL_MARKS, width="content",
              help=_("Mark every point of the window where the gradient vanishes, by the Hessian's "
                     "verdict: minimum, maximum, saddle or degenerate (details: the Critical points tab)."))
    st.toggle(_("Log scale"), key=Key.LOG_Y, width="content",
              help=_("Loss and distance on a logarithmic axis."))
    if now.view.preset in presets.BOOK:
        st.toggle(_("The book's own classes"), key=Key.BOOK_CLASSES, width="content",
                  on_change=state.on_book, help=_(presets.BOOK_HELP))


def title(now: Current, result: Result) -> str:
    """What is on screen: the preset's title while the surface and start are the preset's
    ("(modified)" once anything else differs), else the surface and the start,
    "Rosenbrock from (-1, 2)" (a typed formula, Markdown-escaped: "x^2 + y^2 from (-3, 2)")."""
    if now.view.preset is not None:
        shown, preset = form.canonical(now.config), form.canonical(presets.get(now.view.preset))
        if shown == preset:
            return presets.title(now.view.preset)
        if (shown["surface"], shown["start"]) == (preset["surface"], preset["start"]):
            return _("{title} (modified)").format(title=presets.title(now.view.preset))
    surface = result.surface
    formula = isinstance(now.config.surface, tuple)          # typed: shown as typed, escaped
    name = md_escape(now.config.surface[0]) if formula else core(surface.name)
    x, y = result.start
    return _("{surface} from ({x}, {y})").format(surface=name, x=f"{float(x):g}", y=f"{float(y):g}")


def _problems(now: Current, result: Result) -> None:
    """A notice (a bad link or upload), an invalid input, and every run that stopped."""
    for notice in (st.session_state.get(Key.LANG_NOTICE), st.session_state.get(Key.NOTICE)):
        if notice:
            st.warning(md_escape(notice), icon=":material/warning:")
    if now.error is not None and now.formula_error is None:
        st.error(_("{error} — showing the last valid experiment.").format(error=md_escape(core(now.error))),
                 icon=":material/error:")
    for run in result.runs:
        if run.diverged_at is not None:
            reason = stop_reason(result.surface, run)
            st.warning(md_escape(divergence_note(run.label, reason, run.diverged_at)),
                       icon=":material/trending_up:")
