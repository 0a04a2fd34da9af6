"""The sidebar: the experiment's inputs. Preset, surface (or a typed formula and its window),
start and steps, gradient noise, the list of optimizer lines, and loading a configuration.

Inputs that change only values (lr, start, steps, ...) rerun only the results
(``state.on_value``); inputs that change which inputs exist (an optimizer's class, a scheduler,
the surface) rerun the page. Every input's value was set before the run (``state.begin``).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

import optimizers
import surfaces
from gradscape import code_line, presets
from gradscape.experiment import MAX_OPTIMIZERS, unique_label
from gradscape.i18n import _, in_this_language, language
from gradscape.i18n_core import core
from optimizers.base import Hyperparam
from optimizers.runner import MAX_STEPS

from surfaces.models import NAMES

from . import form, lessonpanel, lessons, modelinputs, state
from .keys import Key, line_key, param_key
from .text import md_escape

ss = st.session_state


def draw(now: state.Current) -> None:
    st.selectbox(_("Lesson"), ["", *(lesson.id for lesson in lessons.catalogue())], key=Key.LESSON_PICK,
                 on_change=lessonpanel.on_pick, format_func=in_this_language(_lesson_name),
                 help=_("A guided sequence of steps: each sets an experiment and asks what will "
                        "happen before it runs. Keys: PageDown, PageUp, R."))
    for problem in lessons.problems():        # a lesson file with a mistake: left out, and why
        st.error(md_escape(problem), icon=":material/error:")
    st.selectbox(_("Preset"), [*presets.PRESETS, state.CUSTOM], key=Key.PRESET, on_change=state.on_preset,
                 format_func=in_this_language(lambda n: presets.short_name(n) if n != state.CUSTOM else "—"))
    _surface(now.formula_error)
    _start()
    st.subheader(_("Optimizers"))
    uids = ss[Key.LINES]
    for uid in uids:
        _line(uid, len(uids))
    add, button = st.columns([3, 2], vertical_alignment="bottom")
    with add:
        st.selectbox(_("Add an optimizer"), list(optimizers.ALL_OPTIMIZERS), key=Key.ADD_NAME,
                     format_func=in_this_language(form.optimizer_label))
    with button:
        st.button(_("Add"), key=Key.ADD, icon=":material/add:", on_click=on_add, width="stretch",
                  disabled=len(uids) >= MAX_OPTIMIZERS)
    st.subheader(_("Load a configuration"))
    st.file_uploader(_("A JSON file exported from here (or for `gradscape run`)"), type=["json"],
                     key=Key.UPLOAD, on_change=state.on_upload)


def _lesson_name(lesson_id: str) -> str:
    """A lesson as the menu lists it: "2. Learning rate: too small, right, too large"."""
    if not lesson_id:
        return "—"
    ids = [lesson.id for lesson in lessons.catalogue()]
    return f"{ids.index(lesson_id) + 1}. {lessons.by_id(lesson_id).title.get(language())}"


# --- the optimizer list -----------------------------------------------------------------------

def on_add() -> None:
    uid = _new_uid()
    name = ss[Key.ADD_NAME]
    labels = [ss[line_key(u, "label")] for u in ss[Key.LINES]]
    ss.update({line_key(uid, "name"): name, line_key(uid, "label"): unique_label(name, labels),
               line_key(uid, "scheduler"): form.NO_SCHEDULER, **form.part_values(uid, "opt", name, {})})
    ss[Key.LINES] = [*ss[Key.LINES], uid]


def on_duplicate(uid: int) -> None:
    """A copy of line ``uid`` at the end of the list (the order of creation), named by what
    differs from its source until the visitor renames it (``state.name_copies``)."""
    new = _new_uid()
    labels = [ss[line_key(u, "label")] for u in ss[Key.LINES]]
    ss.update(form.copy_line(ss, uid, new, labels))
    ss[Key.LINES] = [*ss[Key.LINES], new]
    ss[Key.COPIES] = {**ss.get(Key.COPIES, {}), new: uid}


def on_rename(uid: int) -> None:
    """The visitor typed a label: it is theirs, no longer named by what differs."""
    ss[Key.COPIES] = {k: v for k, v in ss.get(Key.COPIES, {}).items() if k != uid}
    state.on_value()


def on_remove(uid: int) -> None:
    if len(ss[Key.LINES]) > 1:
        ss[Key.LINES] = [u for u in ss[Key.LINES] if u != uid]


def on_code(uid: int) -> None:
    """A pasted line of code: read it (never run) and give the line its class and settings."""
    note = line_key(uid, "code_note")
    try:
        kind, part = code_line.parse(ss[line_key(uid, "code")])
        if kind == "optimizer":
            optimizers.make(part["name"], part["params"])            # torch's checks
            values = {line_key(uid, "name"): part["name"],
                      **form.part_values(uid, "opt", part["name"], part["params"])}
        else:
            optimizers.make_scheduler(part["name"], part["params"])
            values = {line_key(uid, "scheduler"): part["name"],
                      **form.part_values(uid, "sched", part["name"], part["params"])}
    except ValueError as exc:
        ss[note] = ("error", _("That line could not be used: {error}").format(error=core(str(exc))))
        return
    ss.update(values)
    given = ", ".join(f"{k}={v!r}" for k, v in part["params"].items() if k != "optimizer")
    read = _("Read optimizer {call}.") if kind == "optimizer" else _("Read scheduler {call}.")
    ss[note] = ("success", read.format(call=f"{part['name']}({given})"))


def _new_uid() -> int:
    uid = ss[Key.NEXT_UID]
    ss[Key.NEXT_UID] = uid + 1
    return uid


# --- inputs -----------------------------------------------------------------------------------

def number(label: str, key: str, h: Hyperparam | None = None, **kwargs: Any) -> None:
    """A number input; with a Hyperparam h its bounds, step and tooltip come from the core."""
    real = h is None or h.kind in ("float", "pair", "triple")
    if h is not None:
        kind = float if real else int
        if h.low is not None and not h.low_open:
            kwargs.setdefault("min_value", kind(h.low))
        if h.high is not None and not h.high_open:
            kwargs.setdefault("max_value", kind(h.high))
        kwargs.setdefault("help", core(h.help) if h.help else None)
        kwargs.setdefault("step", form.float_step(h) if real else 1)
    if real:
        kwargs.setdefault("format", "%g")
    st.number_input(label, key=key, **kwargs)


def _surface(formula_error: str | None) -> None:
    st.subheader(_("Surface"))
    st.selectbox(_("Surface"), [*surfaces.names(), *form.MODEL_OPTIONS, form.FORMULA_OPTION],
                 key=Key.SURFACE, on_change=state.on_surface, label_visibility="collapsed",
                 format_func=in_this_language(_surface_label))
    if ss[Key.SURFACE] in form.MODEL_OPTIONS:
        modelinputs.draw(form.MODEL_OPTIONS[ss[Key.SURFACE]])
        return
    if ss[Key.SURFACE] != form.FORMULA_OPTION:
        return
    st.text_input("f(x, y)", key=Key.FORMULA, max_chars=300,
                  help=_("Operators + - * / ^, functions sin cos exp log sqrt abs ...; x and y."))
    if formula_error is not None:
        problem = core(formula_error.removeprefix("surface.expr: "))
        st.error(_("{problem} — the last valid surface stays on screen.").format(problem=md_escape(problem)),
                 icon=":material/error:")
    cx, cy = st.columns(2)
    with cx:
        number(_("x from"), Key.XMIN)
        number(_("x to"), Key.XMAX)
    with cy:
        number(_("y from"), Key.YMIN)
        number(_("y to"), Key.YMAX)


def _surface_label(choice: str) -> str:
    if choice == form.FORMULA_OPTION:
        return _("Your formula…")
    if choice in form.MODEL_OPTIONS:
        return _("Model on data: {model}").format(model=core(NAMES[form.MODEL_OPTIONS[choice]]).lower())
    return core(surfaces.get(choice).name)


def _start() -> None:
    st.subheader(_("Start and steps"))
    cx, cy, cs = st.columns(3)
    with cx:
        number("x", Key.START_X, help=_("Or click a panel of the plot."), on_change=state.on_value)
    with cy:
        number("y", Key.START_Y, help=_("Or click a panel of the plot."), on_change=state.on_value)
    with cs:
        st.number_input(_("steps"), 0, MAX_STEPS, key=Key.STEPS, step=10, on_change=state.on_value)
    with st.expander(_("Gradient noise (mini-batch view)")):
        st.caption(_("Each update sees ∇f + σ·ξ, ξ standard normal: what a mini-batch gradient "
                     "looks like. The drawn loss is the true one."))
        cn, cs = st.columns(2)
        with cn:
            number(_("std σ"), Key.NOISE_STD, min_value=0.0, max_value=1e6, step=0.1,
                   on_change=state.on_value)
        with cs:
            st.number_input(_("seed"), 0, 2**32 - 1, key=Key.NOISE_SEED, step=1, on_change=state.on_value)


def _line(uid: int, n_lines: int) -> None:
    """One optimizer of the list: label, class and lr; the rest and a scheduler in a popover."""
    name_key, sched_key = line_key(uid, "name"), line_key(uid, "scheduler")
    with st.container(border=True, key=line_key(uid, "box")):
        label, dup, rem = st.columns([5, 1, 1], vertical_alignment="center", gap="small")
        with label:
            st.text_input(_("Label"), key=line_key(uid, "label"), max_chars=60,
                          label_visibility="collapsed", placeholder=_("label"),
                          help=_("The name shown in legends and tables."), on_change=on_rename,
                          args=(uid,))
        with dup:
            st.button("", key=line_key(uid, "dup"), icon=":material/content_copy:", help=_("Duplicate"),
                      type="tertiary", on_click=on_duplicate, args=(uid,),
                      disabled=n_lines >= MAX_OPTIMIZERS)
        with rem:
            st.button("", key=line_key(uid, "del"), icon=":material/delete:", help=_("Remove"),
                      type="tertiary", on_click=on_remove, args=(uid,), disabled=n_lines <= 1)
        left, right = st.columns([3, 2])
        with left:
            summary = optimizers.ALL_OPTIMIZERS[ss[name_key]].summary
            st.selectbox(_("Optimizer"), list(optimizers.ALL_OPTIMIZERS), key=name_key,
                         format_func=in_this_language(form.optimizer_label), help=core(summary) if summary else None)
        name = ss[name_key]
        wrapper = name in optimizers.WRAPPERS
        inner = ss.get(form.inner_key(uid, name), form.DEFAULT_INNER.get(name)) if wrapper else None
        with right:
            lr = next(h for h in form.hyperparams("inner" if wrapper else "opt", inner or name)
                      if h.name == "lr")
            more = ({"help": _("{inner}'s learning rate (the optimizer {name} wraps).").format(inner=inner, name=name)}
                    if wrapper else {})
            number("lr", form.lr_key(uid, name, ss), lr, on_change=state.on_value, **more)
        st.text_input(_("Paste a line of your code"), key=line_key(uid, "code"), max_chars=1000,
                      label_visibility="collapsed", on_change=on_code, args=(uid,),
                      placeholder=_("paste a line of your code: torch.optim.AdamW(…, lr=3e-4)"),
                      help=_("An optimizer's or scheduler's line from your training script, e.g. "
                             "torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95)) or "
                             "lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=300). It is read, "
                             "never run: the class and its literal keyword values."))
        note = ss.get(line_key(uid, "code_note"))
        if note:
            (st.error if note[0] == "error" else st.caption)(md_escape(note[1]))
        if not optimizers.ALL_OPTIMIZERS[name].batched:
            st.caption(_("Steps one run at a time (its iterations branch on each run's values): "
                         "no basin map or sweep for it."))
        with st.popover(_("More settings"), icon=":material/tune:", width="stretch",
                        key=line_key(uid, "more"),
                        help=_("Every other hyperparameter, and a learning-rate scheduler.")):
            _hyperparams(uid, "opt", name, skip=("lr",))
            if ss[Key.SURFACE] in form.MODEL_OPTIONS:
                st.number_input(_("batch size (0: the experiment's)"), 0, 10_000,
                                key=line_key(uid, "batch"), on_change=state.on_value,
                                help=_("This optimizer's own mini-batches, e.g. 1 for single-sample SGD."))
            if wrapper:
                st.caption(_("{inner}'s settings (lr above). The page wraps one optimizer; a "
                             "wrapper around a wrapper runs from a config file.").format(inner=inner))
                _hyperparams(uid, "inner", inner, skip=("lr",))
            st.selectbox(_("Scheduler"), [form.NO_SCHEDULER, *optimizers.SCHEDULERS], key=sched_key,
                         format_func=in_this_language(lambda s: _(s) if s == form.NO_SCHEDULER else s),
                         help=_("torch.optim.lr_scheduler: how lr changes from step to step."))
            if ss[sched_key] != form.NO_SCHEDULER:
                _hyperparams(uid, "sched", ss[sched_key])


def _hyperparams(uid: int, role: str, owner: str, skip: tuple[str, ...] = ()) -> None:
    """One input per hyperparameter, labelled with torch's keyword, in two columns."""
    params = [h for h in form.hyperparams(role, owner) if h.name not in skip]
    for h in [h for h in params if h.kind == "schedulers"]:   # a composite's JSON: full width
        st.text_area(h.name, key=param_key(uid, role, owner, h.name), height=120,
                     help=core(h.help) if h.help else None, on_change=state.on_value)
    params = [h for h in params if h.kind != "schedulers"]
    cols = st.columns(2)
    for i, h in enumerate(params):
        key = param_key(uid, role, owner, h.name)
        with cols[i % 2]:
            if h.kind == "optimizer":      # a wrapper's optimizer: which one (its inputs follow)
                st.selectbox("optimizer", form.INNER_CHOICES, key=key, help=core(h.help) if h.help else None,
                             format_func=in_this_language(form.optimizer_label))
            elif h.kind == "choice":
                st.selectbox(h.name, list(h.choices), key=key, help=core(h.help) if h.help else None,
                             format_func=repr, on_change=state.on_value)
            elif h.kind == "bool":
                st.checkbox(h.name, key=key, help=core(h.help) if h.help else None, on_change=state.on_value)
            elif h.kind in ("ints", "formula"):
                st.text_input(h.name, key=key, help=core(h.help) if h.help else None, on_change=state.on_value)
            elif h.kind == "choice":
                st.selectbox(h.name, h.choices, key=key, help=core(h.help) if h.help else None,
                             on_change=state.on_value)
            elif h.kind in ("pair", "triple"):
                for part in range(len(h.default)):
                    number(f"{h.name}[{part}]", param_key(uid, role, owner, h.name, part), h,
                           on_change=state.on_value)
            else:
                number(h.name, key, h, on_change=state.on_value)
