"""Share and export: the URL holds the state; the open view's figure as PNG, SVG, PDF (kaleido,
with the system's Chromium) or HTML, the trajectories as CSV or JSON, the config as JSON, and
the playback of the trajectory panels as an animated GIF or MP4.

Every file is made only when its button is clicked (and under ``limits.HEAVY``): a static
export takes a second or more, an animation a few. The slide look (size preset, font scale,
theme, transparency: ``View.look``, in the URL) applies to every figure and animation.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable

import streamlit as st

from gradscape.figures import animation, export
from gradscape.figures.look import FONT_SCALES, SIZE_LABELS, SIZES, THEMES, Look
from gradscape.i18n import _, in_this_language, language

from . import limits, views
from .context import Context
from .keys import Key
from .views.data import step_columns

FIGURE_FORMATS = (("PNG", "png", "image/png", True), ("SVG", "svg", "image/svg+xml", True),
                  ("PDF", "pdf", "application/pdf", True), ("HTML", "html", "text/html", False))


def draw(context: Context) -> None:
    st.subheader(_("Share and export"), anchor=False)
    st.caption(_("The address in your browser holds the whole experiment: copy it to share exactly this view."))
    if not export.has_cjk_font() and language() != "en":
        st.warning(_("No Chinese font is installed on this server: exported images would show boxes "
                     "instead of Chinese characters. Install one (Debian: apt-get install fonts-noto-cjk)."),
                   icon=":material/font_download_off:")
    has_browser = export.find_browser() is not None
    tab = views.BY_ID[context.view.tab]
    with st.expander(_("Slide look and animation")):
        _look_inputs()
        _animation(context, has_browser)
    with st.container(horizontal=True):   # one element, not eight columns: fewer messages per rerun
        for label, ext, mime, needs_browser in FIGURE_FORMATS:
            disabled = needs_browser and not has_browser
            _button(label, ext, mime, f"gradscape-{tab.id}", _figure_bytes(context, ext),
                    _(export.NO_BROWSER) if disabled else _("The current figure as {format}").format(format=label),
                    disabled)
        _button("CSV", "csv", "text/csv", "trajectories", lambda: trajectories_csv(context),
                _("Every step of every run as CSV"))
        _button("JSON", "json", "application/json", "trajectories",
                lambda: json.dumps(context.result.to_dict()).encode(), _("Every step of every run as JSON"))
        st.download_button(_("Config"), data=lambda: json.dumps(context.config.to_dict(), indent=2).encode(),
                           file_name="gradscape-config.json", mime="application/json",
                           key=f"{Key.DOWNLOAD}_config", on_click="ignore", icon=":material/download:",
                           width="stretch",
                           help=_("Load it back above, or run it: gradscape run gradscape-config.json"))


def _button(label: str, ext: str, mime: str, name: str, data: Callable[[], bytes], help: str,
            disabled: bool = False) -> None:
    st.download_button(label, data=limits.HEAVY(data), file_name=f"{name}.{ext}", mime=mime,
                       key=f"{Key.DOWNLOAD}_{ext}", on_click="ignore", disabled=disabled,
                       icon=":material/download:", width="stretch", help=help)


def _figure_bytes(context: Context, fmt: str) -> Callable[[], bytes]:
    """The open view's figure for a file (vector contours) in the chosen look, drawn only when
    asked for (a transparent background for PNG and SVG only)."""
    look = context.view.look
    if look.transparent and fmt not in ("png", "svg"):
        look = Look(look.size, look.font_scale, look.theme)
    return lambda: export.to_bytes(views.BY_ID[context.view.tab].figure(context), fmt, look=look)


def _look_inputs() -> None:
    """Size preset, font scale, theme and transparency of every export (kept in the URL)."""
    with st.container(horizontal=True):
        st.selectbox(_("Size"), list(SIZES), format_func=in_this_language(lambda s: _(SIZE_LABELS[s])), key=Key.EXPORT_SIZE)
        st.number_input(_("Font scale"), min_value=FONT_SCALES[0], max_value=FONT_SCALES[1], step=0.25,
                        key=Key.EXPORT_FONT_SCALE)
        st.selectbox(_("Theme"), list(THEMES), format_func=in_this_language(lambda t: _(t.capitalize())), key=Key.EXPORT_THEME)
        st.checkbox(_("Transparent background (PNG, SVG)"), key=Key.EXPORT_TRANSPARENT)


def _animation(context: Context, has_browser: bool) -> None:
    """The trajectory panels (side by side or overlaid, as shown) growing step by step: made on
    a click with a progress bar, then offered for download until the experiment changes."""
    frames = animation.frame_count(context.config.steps, int(st.session_state.get(Key.ANIMATION_HOLD, 10)))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        fmt = st.selectbox(_("Animation"), ["gif", "mp4"], format_func=str.upper, key=Key.ANIMATION_FORMAT)
        fps = st.number_input(_("Frames per second"), min_value=animation.FPS[0], max_value=animation.FPS[1],
                              value=animation.DEFAULT_FPS, key=Key.ANIMATION_FPS)
        hold = st.number_input(_("Hold the last frame (frames)"), min_value=0, max_value=animation.MAX_FRAMES,
                               value=animation.DEFAULT_HOLD, key=Key.ANIMATION_HOLD)
        make = st.button(_("Make animation"), key=Key.ANIMATION_MAKE, disabled=not has_browser,
                         help=_(export.NO_BROWSER) if not has_browser else
                         _("{frames} frames: one per step, the start and the hold").format(frames=frames))
    look = context.view.look
    width, height = look.dimensions(*animation.DEFAULT_SIZE)
    wanted = (context.config, context.view, fmt, fps, hold)
    if make:
        bar = st.progress(0.0, text=_("Drawing the frames ..."))
        try:
            with limits.HEAVY.slot():
                data = animation.animate(
                    context.result, fmt, overlay=context.view.overlay, width=width, height=height,
                    fps=int(fps), hold=int(hold), look=look,
                    progress=lambda done, total: bar.progress(done / total, text=_("Frame {done} of {total}").format(
                        done=done, total=total)))
        except (ValueError, export.ExportError, limits.Busy) as exc:
            bar.empty()
            st.error(str(exc))
            return
        bar.empty()
        st.session_state[Key.ANIMATION_FILE] = (wanted, data)
    made = st.session_state.get(Key.ANIMATION_FILE)
    if made is not None and made[0] == wanted:
        st.download_button(_("Download the {format} ({size} MB)").format(format=fmt.upper(),
                                                                         size=f"{len(made[1]) / 1e6:.1f}"), data=made[1],
                           file_name=f"gradscape.{fmt}", mime="image/gif" if fmt == "gif" else "video/mp4",
                           key=f"{Key.DOWNLOAD}_{fmt}", on_click="ignore", icon=":material/download:")


def trajectories_csv(context: Context) -> bytes:
    """Every step of every run; a label starting with = + - @ is quoted (a spreadsheet would
    take it for a formula)."""
    columns = step_columns(context.result)
    columns["label"] = ["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in columns["label"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*columns.values()))
    return out.getvalue().encode()
