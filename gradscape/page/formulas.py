"""The update rules on the page: each line's rule as torch applies it, in LaTeX with its
hyperparameter values (``optimizers.rules``), in the notation chosen (torch's, the textbook's,
or an average with (1 − β)); a scheduler's lr formula under its optimizer's rule.

Under the trajectory panels (beside them in presentation mode), visible without a click.
"""
from __future__ import annotations

import streamlit as st

from gradscape.experiment import Config
from gradscape.i18n import N_, _, in_this_language
from gradscape.i18n_core import formula
from optimizers.rules import NOTATIONS, rule, schedule_rule

from .keys import Key
from .text import md_escape

ss = st.session_state
NOTATION_LABELS = {"torch": N_("torch"), "textbook": N_("Textbook"), "ema": N_("Average (1 − β)")}
CORRESPONDENCE = N_(
    "Three ways to write momentum, one path (for a constant lr): torch's b ← μb + g, θ ← θ − ηb; "
    "the textbook's v ← αv − η∇L, θ ← θ + v, with α = μ and v = −ηb; the average "
    "m ← βm + (1 − β)g, θ ← θ − η′m, with β = μ and η′ = η/(1 − β). The Adam family is written "
    "as an average in torch already.")


def notation_switch() -> str:
    """The notation the rules are written in (``Key.NOTATION``)."""
    ss.setdefault(Key.NOTATION, "torch")
    st.segmented_control(_("Notation"), NOTATIONS, key=Key.NOTATION, width="content",
                         format_func=in_this_language(lambda n: _(NOTATION_LABELS[n])),
                         help=_(CORRESPONDENCE))
    return ss.get(Key.NOTATION) or "torch"


def strip(config: Config, per_row: int = 4) -> None:
    """Each line's update rule, ``per_row`` side by side, under the notation switch."""
    notation = notation_switch()
    lines = config.lines
    for first in range(0, len(lines), per_row):
        for line, column in zip(lines[first:first + per_row], st.columns(per_row)):
            with column:
                one(line, notation)
    if notation != "torch":
        st.caption(_(CORRESPONDENCE))


def one(line, notation: str) -> None:
    """One line's rule: its label, the rule, its scheduler's formula, a note in words."""
    optimizer, scheduler = line.build()
    try:
        written = rule(optimizer, notation)
    except KeyError:
        st.caption(_("{label}: no rule written for {name}.").format(label=md_escape(line.label),
                                                                    name=optimizer.name))
        return
    st.markdown(md_escape(line.label))
    st.latex(formula(written.latex()))
    if scheduler is not None:
        try:
            st.latex(r"\eta \to \eta_t:\ " + formula(schedule_rule(scheduler).latex()))
        except KeyError:
            pass
    if written.note:
        st.caption(md_escape(_(written.note)))
