"""The app's own HTTP routes, served beside Streamlit's by ``server.py`` (``st.App``).

``GET /gradscape/paths?key=K&x=X&y=Y`` answers the live chart while its start marker is
dragged: the traces of the experiment the page opened under K (``views.paths.open_for_drag``),
started at (X, Y), as JSON. No script reruns, so the chart follows the pointer at the speed of
a simulation and a Plotly redraw. Only experiments a page opened can run, only from a start
inside their window; a bad request gets a 4xx and a message saying what is wrong, a busy
server a 503 (the limit of ``limits.HEAVY`` holds here too).

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
MAX_QUERY = 200                # characters: a key and two numbers


def drag_paths(request: Request) -> Response:
    """The chart's traces from a dragged start (a plain function: Starlette runs it in a thread)."""
    from .views import paths         # the page's modules: imported once the runtime runs

    query = request.query_params
    if len(str(request.url.query)) > MAX_QUERY:
        return _error(400, _("The query is too long."))
    try:
        x, y = number(query.get("x"), "x"), number(query.get("y"), "y")
        body = paths.dragged(query.get("key") or "", x, y)
    except paths.Closed as exc:
        return _error(404, str(exc))
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


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


ROUTES = [Route("/" + ADDRESS, drag_paths, methods=["GET"])]
