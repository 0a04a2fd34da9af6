"""One cache for the whole product: a thread-safe LRU keyed by a call's (hashable) arguments.

Streamlit serves every browser tab from one process, a thread per tab, so a result worth
keeping (a simulated experiment, a contour grid, a figure) is kept once per process and shared:

    @memo(64)
    def result(config: Config) -> Result: ...

Arguments are the key, compared by equality: a frozen ``Config`` keys its own results (no JSON
string in between). Each key is computed once: a second thread asking for a key that is being
computed waits for it instead of computing it again. Values are shared between callers, which
must not change them.

A value may hold text (a figure's titles), so by default the key includes the session's language
(``gradscape.i18n.language``); a cache of text-free values (arrays, simulated runs) says
``by_language=False`` and is shared by every language.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any, Callable, TypeVar

from gradscape.i18n import language

F = TypeVar("F", bound=Callable[..., Any])


def memo(size: int, key: Callable[..., Any] | None = None, by_language: bool = True) -> Callable[[F], F]:
    """Decorator: keep the results of the ``size`` most recent distinct calls.

    ``key(*args, **kwargs)`` makes the key where an argument is not hashable itself (a Surface
    is known by its id, formula and window); by default the arguments are the key.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be an integer >= 1, got {size!r}")

    def decorate(fn: F) -> F:
        kept: OrderedDict[Any, Any] = OrderedDict()
        pending: dict[Any, threading.Lock] = {}
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(*args: Any, **kwargs: Any) -> Any:
            k = key(*args, **kwargs) if key else (args, tuple(sorted(kwargs.items())))
            if by_language:
                k = (language(), k)
            with lock:
                if k in kept:
                    kept.move_to_end(k)
                    return kept[k]
                computing = pending.setdefault(k, threading.Lock())
            with computing:              # one thread computes; the others wait here
                with lock:
                    if k in kept:
                        return kept[k]
                try:
                    value = fn(*args, **kwargs)
                except BaseException:
                    with lock:
                        pending.pop(k, None)
                    raise
                with lock:
                    kept[k] = value
                    while len(kept) > size:
                        kept.popitem(last=False)
                    pending.pop(k, None)
                return value

        cached.cache_clear = kept.clear          # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]

    return decorate
