"""gradscape.cache.memo: one result per key, the most recent kept, each key computed once."""
from __future__ import annotations

import threading

import pytest

from gradscape.cache import memo


def test_a_key_is_computed_once_and_the_oldest_is_dropped():
    calls = []

    @memo(2)
    def square(x):
        calls.append(x)
        return x * x

    assert [square(2), square(2), square(3), square(2), square(4), square(3)] == [4, 4, 9, 4, 16, 9]
    assert calls == [2, 3, 4, 3]       # 3 was the least recently used when 4 came


def test_a_key_function_names_what_the_result_depends_on():
    @memo(4, key=lambda thing, n: n)
    def f(thing, n):
        return [thing, n]

    assert f(object(), 1) is f(object(), 1)


def test_an_exception_is_not_kept():
    outcomes = iter([ValueError("first"), 7])

    @memo(4)
    def flaky():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with pytest.raises(ValueError, match="first"):
        flaky()
    assert flaky() == 7


def test_threads_asking_for_the_same_key_wait_for_one_computation():
    started, release, calls = threading.Event(), threading.Event(), []

    @memo(4)
    def slow(x):
        calls.append(x)
        started.set()
        release.wait(10)
        return x + 1

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(1))) for _ in range(5)]
    threads[0].start()
    started.wait(10)
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(10)
    assert results == [2] * 5 and calls == [1]


def test_a_bad_size_is_refused():
    with pytest.raises(ValueError, match="size"):
        memo(0)
