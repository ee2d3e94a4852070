"""Outbound webhook delivery, signed per the Standard Webhooks spec, retried in the background.

`Deliverer.submit` only queues: the API never waits on a receiver. Each message is tried at most
`attempts` times, the delay doubling from `backoff` seconds (capped at a minute).
"""

from __future__ import annotations

import concurrent.futures
import heapq
import itertools
import secrets
import threading
import time
from typing import Any

import attrs

from selang.core import jsonio
from selang.core.signing import sign
from selang.sandbox.documents import now_text
from selang.sandbox.store import Subscription

EVENTS = ("campaign.updated",)
MAX_BACKOFF = 60.0


@attrs.frozen
class Attempt:
    """One try at delivering one message to one subscription."""

    webhook_id: str
    message_id: str
    url: str
    attempt: int
    at: str
    status: int | None
    error: str | None
    delivered: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "webhookId": self.webhook_id,
            "messageId": self.message_id,
            "url": self.url,
            "attempt": self.attempt,
            "at": self.at,
            "status": self.status,
            "error": self.error,
            "delivered": self.delivered,
        }


@attrs.frozen
class _Job:
    subscription: Subscription
    message_id: str
    body: bytes
    attempt: int = 1


class Deliverer:
    def __init__(self, attempts: int, backoff: float, timeout: float) -> None:
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, _Job]] = []
        self._order = itertools.count()
        self._log: list[Attempt] = []
        self._stopping = False
        self._pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="sandbox-hook")
        self._thread = threading.Thread(target=self._run, name="sandbox-hooks", daemon=True)
        self._thread.start()

    def submit(self, subscription: Subscription, event: str, data: dict[str, Any]) -> str:
        message_id = "msg_" + secrets.token_hex(12)
        payload = {"type": event, "timestamp": now_text(), "data": data}
        body = jsonio.dumps(payload).encode("utf-8")
        self._schedule(_Job(subscription, message_id, body), delay=0.0)
        return message_id

    def log(self) -> list[Attempt]:
        with self._cond:
            return list(self._log)

    def clear(self) -> None:
        with self._cond:
            self._log.clear()
            self._queue.clear()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _schedule(self, job: _Job, delay: float) -> None:
        with self._cond:
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), job))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    now = time.monotonic()
                    if self._queue and self._queue[0][0] <= now:
                        break
                    wait = self._queue[0][0] - now if self._queue else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                _, _, job = heapq.heappop(self._queue)
            try:
                self._pool.submit(self._deliver, job)
            except RuntimeError:
                return  # the pool is shutting down with the sandbox

    def _deliver(self, job: _Job) -> None:
        import requests  # only deliveries need it; keeps `import selang.sandbox` light

        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "selang-sandbox-webhooks",
            "webhook-id": job.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(job.subscription.secret, job.message_id, timestamp, job.body),
        }
        status: int | None = None
        error: str | None = None
        try:
            answer = requests.post(
                job.subscription.url,
                data=job.body,
                headers=headers,
                timeout=(2.0, self.timeout),
                allow_redirects=False,
            )
            status = answer.status_code
            answer.close()
        except requests.RequestException as exc:
            error = type(exc).__name__
        delivered = status is not None and 200 <= status < 300
        with self._cond:
            self._log.append(
                Attempt(
                    job.subscription.id,
                    job.message_id,
                    job.subscription.url,
                    job.attempt,
                    now_text(),
                    status,
                    error,
                    delivered,
                )
            )
        if not delivered and job.attempt < self.attempts:
            delay = min(MAX_BACKOFF, self.backoff * 2 ** (job.attempt - 1))
            self._schedule(attrs.evolve(job, attempt=job.attempt + 1), delay)
