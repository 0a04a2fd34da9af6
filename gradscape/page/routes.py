"""The app's own HTTP routes, served beside Streamlit's by ``server.py`` (``st.App``).

``GET /gradscape/paths?key=K&x=X&y=Y`` answers the live chart while its start marker is
dragged: the traces of the experiment the page opened under K (``views.paths.open_for_drag``),
started at (X, Y), as JSON. No script reruns, so the chart follows the pointer at the speed of
a simulation and a Plotly redraw.

``GET /gradscape/paths?key=K&typed=NAME:TEXT[&typed=...]`` answers it when a number input of
the sidebar is typed anew (NAME as the browser names the input, ``keys.css_key``): the traces
of that experiment with those values, drawn at once while the page reruns; or ``{"redraw":
why}`` when the page has to answer itself (the values cannot run, or change the surface).

Only experiments a page opened can run, only from a start inside their window; a bad request
gets a 4xx and a message saying what is wrong, a busy server a 503 (the limit of
``limits.HEAVY`` holds here too).

This module imports nothing of the page at import time: ``server.py`` imports it before
Streamlit's runtime exists, and the page's modules declare components, which must happen once
the runtime is there (a component declared earlier is never served). The handler imports the
paths view when it first runs.
"""
from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gradscape.i18n import _

from . import limits

ADDRESS = "gradscape/paths"    # relative to the app's address: the chart asks it while dragging
MAX_QUERY = 1000               # characters: a key and two numbers, or a few typed inputs


def drag_paths(request: Request) -> Response:
    """The chart's traces from a dragged start or typed inputs (a plain function: Starlette
    runs it in a thread)."""
    from .views import paths         # the page's modules: imported once the runtime runs

    query = request.query_params
    if len(str(request.url.query)) > MAX_QUERY:
        return _error(400, _("The query is too long."))
    typed = query.getlist("typed")
    try:
        if typed:
            body = paths.retyped(query.get("key") or "", inputs(typed, paths.MAX_TYPED))
        else:
            x, y = number(query.get("x"), "x"), number(query.get("y"), "y")
            body = paths.dragged(query.get("key") or "", x, y)
    except paths.Closed as exc:
        return _error(404, str(exc))
    except paths.Redraw as exc:                # nothing wrong with the request: nothing to draw
        return JSONResponse({"redraw": str(exc)}, headers={"Cache-Control": "no-store"})
    except ValueError as exc:
        return _error(400, str(exc))
    except limits.Busy as exc:
        return _error(503, str(exc))
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


def number(text: str | None, name: str) -> float:
    """``text`` as a finite float, or a ValueError naming the parameter."""
    try:
        value = float(text) if text is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(_("{name} must be a finite number, got {text!r}.").format(name=name, text=text))
    return value


def inputs(typed: list[str], most: int) -> dict[str, str]:
    """``["NAME:TEXT", ...]`` as {NAME: TEXT} (the last of a name wins), or a ValueError."""
    if len(typed) > most:
        raise ValueError(_("At most {n} typed inputs at once.").format(n=most))
    pairs = [item.partition(":") for item in typed]
    if any(not name or not sep for name, sep, _text in pairs):
        raise ValueError(_("A typed input is NAME:TEXT."))
    return {name: text for name, _sep, text in pairs}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


ROUTES = [Route("/" + ADDRESS, drag_paths, methods=["GET"])]
