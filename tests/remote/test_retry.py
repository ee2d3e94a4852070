"""The retry policy's decisions, without any network."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

from selang.remote.ratelimit import RateLimiter
from selang.remote.retry import RetryPolicy, SystemClock, parse_retry_after

NOW = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


def test_retry_after_seconds() -> None:
    """A delta-seconds `Retry-After` is read as seconds."""
    assert parse_retry_after("7", NOW) == 7.0


def test_retry_after_http_date() -> None:
    """An HTTP-date `Retry-After` is the time left until that date, never negative."""
    assert parse_retry_after("Sun, 01 Mar 2026 12:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", NOW) == 0.0


def test_retry_after_garbage_is_ignored() -> None:
    """An unreadable `Retry-After` falls back to backoff instead of failing."""
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_retry_after_is_clamped() -> None:
    """A server asking for an hour gets at most the configured maximum."""
    policy = RetryPolicy(max_retry_after=5)
    assert policy.delay(0, "3600", NOW) == 5
    assert policy.delay(0, "2", NOW) == 2


def test_backoff_full_jitter_within_ceiling() -> None:
    """Backoff is uniform in [0, min(cap, base * 2**n)]: it grows, is capped, and varies."""
    policy = RetryPolicy(base_delay=1, max_delay=8)
    rng = random.Random(1)
    for attempt in range(8):
        ceiling = min(8, 2**attempt)
        samples = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling * 0.8
    assert len({policy.backoff(3, rng) for _ in range(10)}) > 1


def test_budget_bounds_attempts() -> None:
    """A budget allows max_attempts tries in all, then says stop."""
    budget = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0).start(SystemClock())
    assert budget.next_wait() is not None
    assert budget.next_wait() is not None
    assert budget.next_wait() is None


def test_budget_bounds_total_time() -> None:
    """A wait that would overrun the overall deadline is refused."""
    budget = RetryPolicy(max_attempts=100, deadline=1.0, max_retry_after=60).start(SystemClock())
    assert budget.next_wait("0.5") is not None
    assert budget.next_wait("5") is None


def test_limiter_holds_every_worker() -> None:
    """After one worker's 429, every worker waits out the shared pause."""
    limiter = RateLimiter(SystemClock())
    limiter.pause(0.15)
    waited: list[float] = []

    def worker() -> None:
        start = time.monotonic()
        limiter.wait()
        waited.append(time.monotonic() - start)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(waited) == 4 and min(waited) >= 0.1
