"""gradscape: the page, as a table of contents. Widgets -> Config -> simulate -> figures -> page.

    state.begin()       the URL on a session's first run; every input's value, before drawing
    results()           a fragment: the open lesson's step, header, the open view, share and
                        export (and the URL)
    inputs()            a fragment in the sidebar: the experiment's inputs (``sidebar.draw``)

Everything lives in ``gradscape/page/``: one module per view in ``views/`` (their registry is
``views/__init__.py``), every session-state key in ``keys.py``. The results are drawn before
the sidebar so that the chart reaches the browser first; a new tab's first run draws nothing
after the chart, the rest comes once the browser has drawn it (``views.paths.deferred``).
"""
import streamlit as st

from gradscape.i18n import _
from gradscape.page import lang
from gradscape.page.livechart import preload

lang.begin()     # the session's language, before any text
st.set_page_config(page_title=_("gradscape: optimizers on loss surfaces"), page_icon="🧭",
                   layout="wide", initial_sidebar_state="expanded")
preload()        # first of all: the browser loads plotly.js while the rest below is imported and run

from gradscape.page import (compute, header, lessonpanel, limits, present, share, sidebar,  # noqa: E402
                            state, ui, views)
from gradscape.page.context import Context  # noqa: E402
from gradscape.page.keys import Key  # noqa: E402

state.begin()
ui.style()
present.page()         # presentation mode: the sidebar folded, the header one line, large type


@st.fragment(key=Key.RESULTS)
def results() -> None:
    """Everything that shows the experiment. A fragment: an input that changes only values (lr,
    start, steps, ...) reruns just this, not the sidebar's ~100 inputs (``state.on_value``)."""
    lessonpanel.follow()
    views.prepare()
    now = state.current()
    st.session_state[Key.RESULTS_FOR] = now.config
    state.write_url(now)
    try:
        result = compute.result(now.config)
    except limits.Busy as exc:
        views.paths.painted()           # no chart to wait for (views.paths.deferred)
        ui.busy(exc)
        return
    context = Context(result, now.view)
    if views.open_tab() is not views.paths.TAB:
        views.paths.painted()           # only the side-by-side chart is drawn first
    lessonpanel.draw(now)
    header.draw(now, result)
    views.draw(context)
    if not (present.presenting() or views.paths.deferred()):
        share.draw(context)


@st.fragment(key=Key.INPUTS)
def inputs() -> None:
    """The sidebar's inputs. A fragment, so that an input that changes only values reruns
    neither the page nor the sidebar but just the results (``state.on_value`` names them):
    the browser then redraws only what changed. Any other change (its callback names no
    fragment, or it has none) reruns this fragment alone, which reruns the whole page."""
    if state.rerunning_alone():
        st.rerun()
    lang.selector()
    sidebar.draw(state.current())


if not (lessonpanel.is_open() or present.presenting()):
    st.title("gradscape", anchor=False, help=_("torch.optim's update rules, step by step, on 2-D loss surfaces."))
results()
with st.sidebar:
    if views.paths.deferred():
        lang.selector()     # the sidebar there from the start: the chart is drawn at its final width
    else:
        inputs()
