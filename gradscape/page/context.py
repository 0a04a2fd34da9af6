"""What a view is given and what it must provide.

A view is one module of ``views/`` that builds a ``Tab``: its id (in the URL), its label, how
to draw it into the open tab, and the figure a file export of it holds. ``views/__init__.py``
lists the tabs in order: adding a view is one new module and one line there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from gradscape.experiment import Config, Result

from .settings import View


@dataclass(frozen=True, eq=False)
class Context:
    """One run of the results: the experiment shown, its result and how it is shown."""

    result: Result
    view: View

    @property
    def config(self) -> Config:
        return self.result.config


@dataclass(frozen=True)
class Tab:
    """A view of the results.

    id: its name in the URL ("paths", "sweep", ...). label: the tab's title.
    draw(context): fills the open tab (only the open one is drawn).
    figure(context): the view's figure for a file, with vector contours (PNG, SVG, PDF, HTML).
    keeps: session-state keys of the view's settings, kept while the tab is closed (Streamlit
        forgets the value of a widget that a run does not draw).
    prepare(): runs before any widget of a run is drawn (e.g. applies a clicked sweep cell).
    """

    id: str
    label: str
    draw: Callable[[Context], None]
    figure: Callable[[Context], Any]
    keeps: tuple[str, ...] = ()
    prepare: Callable[[], None] | None = None
