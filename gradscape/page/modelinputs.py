"""The sidebar's inputs of a model surface: its data (shipped, generated or an uploaded CSV),
its L2 term and its mini-batches. Their keys are ``Key.DATA_*``, ``Key.L2``, ``Key.BATCH_*``.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from surfaces import data as model_data

from gradscape.i18n import _, in_this_language
from gradscape.i18n_core import core
from . import form, state
from .keys import Key
from .text import md_escape

ss = st.session_state


def draw(model: str) -> None:
    """The data source and its settings, λ, and the experiment's batch size."""
    sources = [n for n, info in model_data.SHIPPED.items() if model in info.models]
    sources += [form.GENERATE, form.ROWS]
    if ss.get(Key.DATA_SOURCE) not in sources:
        ss[Key.DATA_SOURCE] = form.GENERATE
    st.selectbox(_("Data"), sources, key=Key.DATA_SOURCE, on_change=state.on_value,
                 format_func=in_this_language(_source_label))
    source = ss[Key.DATA_SOURCE]
    if source in model_data.SHIPPED:
        info = model_data.SHIPPED[source]
        st.caption(_("{title}. {source} Licence: {licence}.").format(
            title=md_escape(core(info.title)), source=md_escape(core(info.source)), licence=core(info.licence)))
    elif source == form.GENERATE:
        _generator(model)
    else:
        _upload(model)
    st.number_input(_("L2 weight λ (adds λ/2·|θ|²)"), 0.0, 1e3, key=Key.L2, step=0.01, format="%g",
                    on_change=state.on_value)
    with st.expander(_("Mini-batches (as torch's DataLoader draws them)")):
        st.caption(_("Each update uses the gradient of one batch of rows; a new shuffled order "
                     "every epoch. Batch size 0 uses every row (batch gradient descent); an "
                     "optimizer's own batch size (under More settings) overrides this one."))
        size, seed = st.columns(2)
        with size:
            st.number_input(_("batch size"), 0, model_data.MAX_ROWS, key=Key.BATCH_SIZE, step=1,
                            on_change=state.on_value)
        with seed:
            st.number_input(_("seed"), 0, 2**32 - 1, key=Key.BATCH_SEED, step=1, on_change=state.on_value)
        st.checkbox(_("shuffle"), key=Key.BATCH_SHUFFLE, on_change=state.on_value)
        st.checkbox("drop_last", key=Key.BATCH_DROP_LAST, on_change=state.on_value)


def _source_label(source: str) -> str:
    if source == form.GENERATE:
        return _("Generated from a seed")
    if source == form.ROWS:
        rows = ss.get(Key.DATA_ROWS)
        return _("Your CSV") if rows is None else _("Your CSV ({n} rows)").format(n=rows.n)
    return core(model_data.SHIPPED[source].title)


def _generator(model: str) -> None:
    names = {"linear": ("w", "b"), "logistic": ("w₁", "w₂"), "tanh_unit": ("a", "w")}[model]
    n, noise, seed = st.columns(3)
    with n:
        st.number_input(_("rows n"), 1, model_data.MAX_ROWS, key=Key.DATA_N, step=10, on_change=state.on_value)
    with noise:
        st.number_input(_("noise"), 0.0, model_data.MAX_NOISE, key=Key.DATA_NOISE, step=0.1,
                        format="%g", on_change=state.on_value)
    with seed:
        st.number_input(_("seed"), 0, 2**32 - 1, key=Key.DATA_SEED, step=1, on_change=state.on_value)
    p, q = st.columns(2)
    with p:
        st.number_input(_("true {name}").format(name=names[0]), -model_data.MAX_TRUE, model_data.MAX_TRUE,
                        key=Key.DATA_TRUE_P, step=0.1, format="%g", on_change=state.on_value)
    with q:
        st.number_input(_("true {name}").format(name=names[1]), -model_data.MAX_TRUE, model_data.MAX_TRUE,
                        key=Key.DATA_TRUE_Q, step=0.1, format="%g", on_change=state.on_value)
    st.caption(_("surfaces/data.py `generate`: x drawn first, then the noise, from NumPy's "
                 "default_rng(seed)."))


def _upload(model: str) -> None:
    wanted = ", ".join(model_data.columns(model))
    st.file_uploader(_("A CSV file with the columns {columns} (at most {n} rows)").format(
                     columns=wanted, n=f"{model_data.MAX_ROWS:,}"), type=["csv"], key=Key.DATA_UPLOAD,
                     on_change=on_upload, args=(model,))
    if ss.get(Key.DATA_ROWS) is None:
        st.caption(_("No rows yet: the generated data is used until a file is loaded."))


def on_upload(model: str) -> None:
    """A CSV replaces the data (kept inline in the config, its URL and its export)."""
    file: Any = ss.get(Key.DATA_UPLOAD)
    if file is None:
        return
    try:
        ss[Key.DATA_ROWS] = model_data.parse_csv(file.getvalue(), model)
        ss[Key.NOTICE] = None
    except model_data.DataError as exc:
        ss[Key.NOTICE] = _("This file could not be used: {error}").format(error=core(str(exc)[:300]))
