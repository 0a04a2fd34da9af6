"""One process-wide limit on heavy work: at most ``SLOTS`` computations at once, the rest wait.

Streamlit serves every browser tab from one process, running each tab's script in a thread of
its own. Simulating an experiment, building a figure and drawing a static export cost from tens
of milliseconds to seconds of CPU each; without a limit, many tabs at once would start them all
together, slow every one of them down and pile up. ``HEAVY`` admits ``SLOTS`` of them at a
time (one per core); the others wait their turn, and one that waits longer than ``WAIT``
seconds gets `Busy`, whose message asks the visitor to try again, instead of queueing forever.

    with limits.HEAVY.slot():           # or decorate: @limits.HEAVY
        result = simulate(config)

The limiter lives in an imported module, not in ``app.py``: Streamlit re-executes ``app.py``
on every rerun, so a lock made there would be a new lock each time and limit nothing.

A thread that already holds a slot enters again without waiting (a figure that needs the
simulation takes one slot, not two), so nested heavy calls cannot deadlock against themselves.
"""
from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from gradscape.i18n import N_

F = TypeVar("F", bound=Callable[..., Any])

SLOTS = max(1, min(8, os.cpu_count() or 1))   # computations at once: one per core
WAIT = 15.0                                    # seconds a request waits for a slot
BUSY = N_("The server is busy with other visitors' computations right now. "
        "Please try again in a few seconds.")


class Busy(RuntimeError):
    """No slot became free within the wait; the message is meant for the visitor."""


class Limiter:
    """At most ``slots`` threads inside at once; re-entrant within a thread.

    Args:
        slots: how many computations may run at the same time (at least 1).
        wait: seconds to wait for a free slot before raising `Busy` (0: do not wait).
    """

    def __init__(self, slots: int = SLOTS, wait: float = WAIT) -> None:
        if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
            raise ValueError(f"slots must be an integer >= 1, got {slots!r}")
        if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not 0 <= wait < 3600:
            raise ValueError(f"wait must be a number of seconds from 0 to 3600, got {wait!r}")
        self.slots, self.wait = slots, float(wait)
        self._semaphore = threading.BoundedSemaphore(slots)
        self._depth = threading.local()     # slots held by the current thread: 0 or nesting depth

    @contextmanager
    def slot(self, wait: float | None = None) -> Iterator[None]:
        """Hold a slot for the ``with`` block; raise `Busy` if none frees within ``wait`` s."""
        depth = getattr(self._depth, "n", 0)
        if depth == 0 and not self._semaphore.acquire(timeout=self.wait if wait is None else wait):
            raise Busy(BUSY)
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if depth == 0:
                self._semaphore.release()

    def __call__(self, fn: F) -> F:
        """Decorator: every call of ``fn`` holds a slot."""
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            with self.slot():
                return fn(*args, **kwargs)
        return guarded  # type: ignore[return-value]


HEAVY = Limiter()
