"""Inside the optimizer: one update of one line, with its gradient, update, momentum buffer and
effective per-coordinate learning rate, drawn as arrows and listed as numbers."""
from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from gradscape.cache import memo
from gradscape.experiment import Config
from gradscape.figures.inside import inside_figure
from gradscape.i18n import N_, _
from gradscape.i18n_core import formula
from optimizers.rules import filled_form, rule, worked
from optimizers.stepwise import Trace, trace

from .. import compute, limits, ui
from ..context import Context, Tab
from ..keys import Key
from ..settings import Insights
from ..text import fmt, md_escape

# How each optimizer's effective per-coordinate learning rate η turns into its update.
RULES = {
    "SGD": N_("η = lr on both coordinates: the update is −lr·∇f, or −lr·b with momentum "
           "(b the momentum buffer)."),
    "Adagrad": N_("η = lr/(√s + eps), s the sum of every squared gradient so far (lr becomes "
               "lr/(1 + (t − 1)·lr_decay)): the update is −η ⊙ ∇f."),
    "RMSprop": N_("η = lr/(√v + eps), v the running average of squared gradients (√(v − ḡ²) when "
               "centered): the update is −η ⊙ ∇f; with momentum −lr·b, b the buffer of scaled steps."),
    "Adam": N_("η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η ⊙ m̂, m̂ = m/(1 − β1ᵗ)."),
    "AdamW": N_("η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η ⊙ m̂ − lr·λ·θ, "
             "m̂ = m/(1 − β1ᵗ)."),
    "Adamax": N_("η = lr/u, u the running maximum of |∇f|: the update is −η ⊙ m/(1 − β1ᵗ)."),
    "NAdam": N_("η = lr/(√v̂ + eps), v̂ = v/(1 − β2ᵗ): the update is −η times a Nesterov-style mix "
             "of ∇f and m."),
    "RAdam": N_("η = lr·r·√(1 − β2ᵗ)/(√v + eps) once the variance estimate is usable (ρₜ > 5), "
             "before that lr: the update is −η ⊙ m̂."),
    "Adadelta": N_("η = lr·√(u + eps)/√(v + eps), u and v running averages of squared updates and "
                "squared gradients: the update is −η ⊙ ∇f."),
    "LBFGS": N_("η = −Δθ/∇f per coordinate, read off the step: LBFGS moves by t·d with d = −H·∇f "
             "from its history (a full matrix H) over up to max_iter iterations; orange circles: "
             "every point f was evaluated at in this step, in order."),
    "Lookahead": N_("η is the wrapped optimizer's; every k-th update adds the pull (1 − α)·(φ − θ) "
                 "toward the slow weights φ (green diamond)."),
    "SAM": N_("η is the wrapped optimizer's, applied to ∇f at the perturbed point θ + ρ·g/‖g‖ "
           "(red cross), not at θ: the gradient arrow is the one at θ."),
    "Newton": N_("η = the diagonal of lr·(H + λI)⁻¹; the update is −lr·(H + λI)⁻¹·∇f, so η alone "
              "describes it only where the Hessian H is diagonal."),
}


# --- session state --------------------------------------------------------------------------



class Shown(NamedTuple):
    """The line and update shown, and how many updates that line's run made."""

    line: int
    step: int
    updates: int


@memo(16, by_language=False)
@limits.HEAVY
def trace_of(config: Config, line: int) -> Trace:
    """What line ``line``'s run saw and did at every update (the run the page draws)."""
    result = compute.result(config)
    optimizer, scheduler = config.lines[line].build()
    return trace(result.surface, optimizer, result.start, config.steps, scheduler,
                 config.noise_std, config.noise_seed)


@memo(32)
@limits.HEAVY
def figure(config: Config, line: int, step: int, contours: str) -> Any:
    """Update ``step`` of line ``line`` as arrows on the contours; shared: do not change it."""
    return inside_figure(compute.result(config), line, trace_of(config, line), step,
                         contours=contours)


def shown(config: Config, chosen: Insights) -> Shown | str:
    """The line and update to show (clamped to the experiment), or why there is none."""
    line = min(chosen.line, len(config.lines) - 1)
    updates = len(trace_of(config, line).update)
    if updates == 0:
        return _("{label} made no update to look inside: it has 0 steps, or its start is not a finite "
                 "point of the surface.").format(label=md_escape(config.lines[line].label))
    return Shown(line, min(chosen.step, updates), updates)


def inside_rows(tr: Trace, step: int) -> list[dict[str, Any]]:
    """The numbers of update ``step`` (1-based) of a Trace, per coordinate.

    Rows: the point the update left, the gradient there, the update, the momentum buffer after
    it (if the optimizer keeps one) and the effective per-coordinate learning rate.
    """
    t = step - 1
    if not 0 <= t < len(tr.update):
        raise ValueError(f"step must be from 1 to {len(tr.update)}, got {step}")
    rows = [(_("point θ (before)"), tr.points[t]), (_("gradient ∇f"), tr.grad[t]),
            (_("update Δθ"), tr.update[t])]
    if tr.momentum is not None:
        rows.append((_("momentum buffer"), tr.momentum[t]))
    rows.append((_("effective lr"), tr.effective_lr[t]))
    return [{_("quantity"): name, "x": float(v[0]), "y": float(v[1])} for name, v in rows]


def draw(context: Context) -> None:
    """One update of one optimizer: gradient, update, momentum and effective lr, drawn and listed."""
    config, chosen = context.config, context.view.insights
    s = shown(config, chosen)
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    with left:
        ui.line_select(context.result, min(chosen.line, len(config.lines) - 1),
                       _("The optimizer to look inside."))
    if isinstance(s, str):
        st.info(s, icon=":material/info:")
        return
    with right:
        if s.updates >= 2:
            ui.sync(Key.INSIGHT_STEP, s.step)
            st.slider(_("Update"), 1, s.updates, key=Key.INSIGHT_STEP,
                      help=_("Update k moves the point k − 1 to point k (torch's step count k)."))
        else:
            st.caption(_("The run made one update."))
    chart, numbers = st.columns([5, 2])
    with chart:
        ui.chart(figure(config, s.line, s.step, "raster"), Key.CHART_INSIDE)
    with numbers:
        _numbers(trace_of(config, s.line), s.step, config.lines[s.line].optimizer.name)
    _by_hand(trace_of(config, s.line), s.step, config.lines[s.line].build()[0])
    st.caption(_("Arrows start at the point the update left. Dashed grey: the plain gradient step "
                 "−lr·∇f; coloured: the update the optimizer made; purple: its momentum buffer as a "
                 "step −lr·m. Dotted ellipse: η ⊙ |∇f|, the step a gradient of this size would get "
                 "in each direction — a circle for SGD; stretched where an adaptive method scales "
                 "a coordinate up. Momentum smooths the zig-zag; adaptive methods undo anisotropy."))


def _numbers(tr: Trace, step: int, name: str) -> None:
    st.markdown("**{}**, lr = {}".format(_("Update {k}").format(k=step), fmt(float(tr.lr[step - 1]))))
    st.dataframe(inside_rows(tr, step), hide_index=True, width="stretch",
                 column_config={k: st.column_config.NumberColumn(format="%.4g") for k in "xy"})
    eta = tr.effective_lr[step - 1]
    if np.all(np.isfinite(eta)) and eta.min() > 0:
        st.caption(_("η_x / η_y = {ratio}: how much more the optimizer scales the x gradient than "
                     "the y gradient.").format(ratio=fmt(float(eta[0] / eta[1]))))
    st.caption(md_escape(_(RULES.get(name, ""))))


def at_step(latex: str) -> str:
    """A rule written for step t, written for step k: θ_t → θ_k, b_{t-1} → b_{k-1}, β^t → β^k,
    0.96^{tψ} → 0.96^{kψ}: every t standing alone (not in a word or a command, nor t_0)."""
    return re.sub(r"(?<![a-zA-Z\\])t(?![a-zA-Z]|_0)", "k", latex)


def tex(number: str) -> str:
    """A shown number in LaTeX: "1e-08" as 1 × 10^{-8}, "2.5e+03" as 2.5 × 10^{3}."""
    mantissa, e, exponent = number.partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if e else number


def worked_latex(w: Any) -> str:
    """A worked step's numbers as aligned LaTeX rows: "θ_{k−1} &= (−6.3, 1.6)"."""
    rows = []
    for symbol, value in w.rows:
        shown = tex(value) if isinstance(value, str) else rf"({tex(value[0])},\ {tex(value[1])})"
        rows.append(f"{symbol} &= {shown}")
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def _by_hand(tr: Trace, step: int, optimizer: Any) -> None:
    """Update ``step`` as a student checks it: the rule at step k, and every number it uses
    (6 significant digits: redo the step with them and you get θ_k to that precision)."""
    if len(tr.states) <= step or tr.seen is None:
        return
    w = worked(optimizer, tr.states[step - 1], tr.states[step], tr.points[step - 1],
               tr.seen[step - 1], float(tr.lr[step - 1]), tr.points[step], step)
    st.markdown(_("**Step {k} by hand**").format(k=step))
    left, right = st.columns(2)
    with left:
        st.latex(at_step(formula(rule(optimizer).latex())))
    with right:
        st.latex(worked_latex(w))
    filled = w.filled(filled_form(optimizer))
    if filled:
        st.latex(r"\begin{aligned}" + r" \\ ".join(filled) + r"\end{aligned}")
    if not w.written:
        st.caption(_("The arithmetic of this method is not written out number by number: θ_k = "
                     "θ_{k−1} + Δθ_k, the update it made."))
    else:
        st.caption(_("Every number the rule uses, to 6 significant digits (vectors as (x, y); "
                     "the state before the step is the one with index k − 1). With them, the rule "
                     "gives θ_k to the digits shown."))


def export_figure(context: Context) -> Any:
    s = shown(context.config, context.view.insights)
    if isinstance(s, str):
        return ui.note_figure(s.replace("\\", ""))
    return figure(context.config, s.line, s.step, "lines")


TAB = Tab("inside", N_("Inside a step"), draw, export_figure,
          keeps=(Key.INSIGHT_LINE, Key.INSIGHT_STEP))
