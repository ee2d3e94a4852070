"""The retry policy: when to wait, how long, and when to give up.

Pure decisions; the client asks, this module answers. Whether a request may be re-sent at
all (a PATCH never blindly) is decided by the caller; the shared pauses and pacing are in
`ratelimit`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from typing import Protocol

import attrs


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...
    def now(self) -> dt.datetime: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@attrs.frozen
class RetryPolicy:
    """Bounds for one operation (one GET, or one campaign's read-patch loop)."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    deadline: float = 120.0
    max_conflicts: int = 5

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full jitter: uniform over [0, min(max_delay, base * 2**attempt)], attempt from 0."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** min(attempt, 30)))
        return (rng or _rng).uniform(0.0, ceiling)

    def delay(
        self,
        attempt: int,
        retry_after: str | None,
        now: dt.datetime,
        rng: random.Random | None = None,
    ) -> float:
        """The wait before the next try: the server's `Retry-After` when it gave one."""
        asked = parse_retry_after(retry_after, now)
        if asked is not None:
            return min(asked, self.max_retry_after)
        return self.backoff(attempt, rng)

    def start(self, clock: Clock) -> Budget:
        return Budget(self, clock, clock.monotonic())


_rng = random.Random()


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@attrs.define
class Budget:
    """Attempts and wall time left for one operation."""

    policy: RetryPolicy
    clock: Clock
    started: float
    attempts: int = 0

    def next_wait(self, retry_after: str | None = None) -> float | None:
        """Count a failed attempt; the wait before the next, or None when out of budget."""
        self.attempts += 1
        if self.attempts >= self.policy.max_attempts:
            return None
        wait = self.policy.delay(self.attempts - 1, retry_after, self.clock.now())
        if self.clock.monotonic() + wait - self.started > self.policy.deadline:
            return None
        return wait

    def remaining(self) -> float:
        return max(0.0, self.policy.deadline - (self.clock.monotonic() - self.started))
