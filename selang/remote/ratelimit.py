"""The request budget all workers of a run share: pauses after a 429, and pacing.

The client asks `wait()` before each request and reports each answer. A 429 pauses everyone
for its wait; it also sets a pace (the rate the server granted since the last pause, the pause
included), which then creeps up while no 429 comes, so the pace follows the server's limit
rather than running into it. A configured rate is where pacing starts and its ceiling.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selang.remote.retry import Clock

GROWTH = 0.05  # the pace rises by this share per second of traffic without a 429
FLOOR = 0.1  # requests per second: the slowest pace, however badly things go
IDLE = 1.0  # seconds without a request after which the learning window starts afresh
HORIZON = 10.0  # seconds of accepted answers before a 429 that the pace is learned from


class RateLimiter:
    def __init__(self, clock: Clock, rate: float | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._ceiling = rate
        self._rate = rate
        self._resume_at = 0.0
        self._next_slot = 0.0
        self._last_send: float | None = None
        self._grown_at: float | None = None
        # Learning: when recent accepted answers came. A 429 closes the window and the pace is
        # set when its pause is over, so answers still in flight at the 429 are counted too.
        self._accepted_at: deque[float] = deque()
        self._busy_since = 0.0
        self._learned_at = 0.0
        self._closed_at: float | None = None

    @property
    def rate(self) -> float | None:
        """The current pace in requests per second; None while there is none."""
        with self._lock:
            return self._rate

    def pause(self, seconds: float) -> None:
        """Hold every worker for `seconds` from now (a backoff; 429s come through `throttled`)."""
        with self._lock:
            self._pause(self._clock.monotonic() + seconds)

    def wait(self) -> float:
        """Block until the shared pause is over and this request's slot has come; the wait."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock.monotonic()
                self._learn(now)
                self._grow(now)
                if now < self._resume_at:
                    # sit out the pause, then queue for a slot at the pace learned from it
                    at, slot = self._resume_at, False
                else:
                    at, slot = now, True
                    if self._rate:
                        at = max(at, self._next_slot)
                        self._next_slot = at + 1.0 / self._rate
                    self._last_send = at
            if at > now:
                self._clock.sleep(at - now)
                waited += at - now
            if slot:
                with self._lock:
                    # a pause that began while this worker slept applies to it too
                    if self._clock.monotonic() >= self._resume_at:
                        return waited

    def accepted(self) -> None:
        """The server answered a request without throttling it."""
        with self._lock:
            now = self._clock.monotonic()
            self._accepted_at.append(now)
            while self._accepted_at and self._accepted_at[0] < now - HORIZON - 1.0:
                self._accepted_at.popleft()

    def throttled(self, seconds: float, sent_at: float) -> None:
        """A request sent at `sent_at` got a 429 asking for `seconds`: everyone pauses."""
        with self._lock:
            now = self._clock.monotonic()
            # a 429 for a request sent before the last lesson tells nothing new
            if self._closed_at is None and sent_at >= self._learned_at:
                self._closed_at = now
            self._pause(now + seconds)

    def _learn(self, now: float) -> None:
        if self._closed_at is None:
            if self._last_send is None or now - self._last_send > IDLE:
                # time nobody was sending (a prompt, say) is not time the server held us back
                self._busy_since = now
            return
        if now < self._resume_at:
            return
        # what the server granted over the recent busy stretch and the pause it asked for
        start = max(self._busy_since, self._closed_at - HORIZON)
        granted = sum(1 for t in self._accepted_at if t >= start)
        if granted and self._resume_at > start:
            rate = granted / (self._resume_at - start)
            if self._ceiling is not None:
                rate = min(rate, self._ceiling)
            self._rate = max(rate, FLOOR)
            self._grown_at = None
        self._closed_at = None
        self._learned_at = now

    def _pause(self, until: float) -> None:
        self._resume_at = max(self._resume_at, until)
        self._next_slot = max(self._next_slot, self._resume_at)

    def _grow(self, now: float) -> None:
        if self._rate is None or (self._ceiling is not None and self._rate >= self._ceiling):
            return
        if self._grown_at is not None and now > self._grown_at:
            # paused or idle time does not count: only traffic shows the pace is safe
            elapsed = min(now - self._grown_at, 1.0)
            self._rate *= (1.0 + GROWTH) ** elapsed
            if self._ceiling is not None:
                self._rate = min(self._rate, self._ceiling)
        self._grown_at = max(now, self._resume_at)
