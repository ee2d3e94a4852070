"""A run's counters, shared by every worker and by the token provider: what the summary and
the metrics file report."""

from __future__ import annotations

import threading


class Stats:
    """Counters shared by all workers of a run. `retries`: every request sent again after a
    failed one (a read, a PATCH after a re-read, a token fetch, a 401 replay)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.retries = 0
        self.requests = 0

    def add(self, *, retries: int = 0, requests: int = 0) -> None:
        with self._lock:
            self.retries += retries
            self.requests += requests
