"""Injected trouble: latency, rate limiting, error answers, slow or dropped requests and dropped
PATCH answers.

The server asks `Faults.before()` on every API request and `Faults.drop_patch()` after a PATCH
was applied; all state sits behind one lock so run-time changes are safe mid-traffic.
"""

from __future__ import annotations

import fnmatch
import math
import random
import threading
import time
from email.utils import formatdate
from typing import Any

import attrs

from selang.sandbox.options import FailRule, FaultSettings

# Keys a client may change at run time, with the type each must have.
SETTABLE = {
    "latency_ms": int,
    "error_rate": float,
    "error_statuses": tuple,
    "rate_limit": float,
    "retry_after_form": str,
    "drop_patch_rate": float,
    "seed": int,
}


@attrs.frozen
class Injected:
    """An answer the fault layer gives instead of the API."""

    status: int
    message: str
    retry_after: str | None
    kind: str
    action: str = "answer"  # or "drop" (close without answering), "slow", "edit"; see FailRule
    delay: float = 0.0
    edit: dict[str, object] | None = attrs.field(default=None, hash=False)


@attrs.define
class _Pending:
    rule: FailRule
    left: int


class FaultError(ValueError):
    """A fault setting is out of range; the message is safe to show."""


def check_settings(settings: FaultSettings) -> FaultSettings:
    if settings.latency_ms < 0:
        raise FaultError("latency_ms must be >= 0")
    for name in ("error_rate", "drop_patch_rate"):
        share = getattr(settings, name)
        if not 0.0 <= share <= 1.0:
            raise FaultError(f"{name} must be between 0 and 1")
    if not settings.error_statuses or any(not 400 <= s <= 599 for s in settings.error_statuses):
        raise FaultError("error_statuses must be a non-empty list of 4xx/5xx codes")
    if settings.rate_limit is not None and settings.rate_limit <= 0:
        raise FaultError("rate_limit must be > 0 requests per second, or null for none")
    if settings.retry_after_form not in ("seconds", "http-date"):
        raise FaultError("retry_after_form must be `seconds` or `http-date`")
    return settings


def check_rule(rule: FailRule) -> FailRule:
    if not 400 <= rule.status <= 599:
        raise FaultError("status must be a 4xx or 5xx code")
    if rule.count < 1:
        raise FaultError("count must be >= 1")
    if rule.retry_after is not None and rule.retry_after < 0:
        raise FaultError("retry_after must be >= 0")
    if rule.action not in ("answer", "drop", "slow", "edit"):
        raise FaultError("action must be `answer`, `drop`, `slow` or `edit`")
    if (rule.action == "edit") != isinstance(rule.edit, dict):
        raise FaultError("`edit` (an object of fields) goes with action `edit`, and only there")
    if rule.delay_ms < 0:
        raise FaultError("delay_ms must be >= 0")
    return rule


class Faults:
    def __init__(
        self,
        settings: FaultSettings,
        fail_next: tuple[FailRule, ...] = (),
        drop_next_patches: int = 0,
    ) -> None:
        self._lock = threading.Lock()
        self._settings = check_settings(settings)
        self._random = random.Random(settings.seed)
        self._rules = [_Pending(check_rule(r), r.count) for r in fail_next]
        self._drop_next = drop_next_patches
        self._bucket = settings.rate_limit or 0.0
        self._bucket_at = time.monotonic()

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def update(self, **changes: Any) -> FaultSettings:
        """Change some settings; a new `seed` restarts the random sequence."""
        with self._lock:
            new = check_settings(attrs.evolve(self._settings, **changes))
            if "seed" in changes:
                self._random = random.Random(new.seed)
            if new.rate_limit != self._settings.rate_limit:
                self._bucket = new.rate_limit or 0.0
                self._bucket_at = time.monotonic()
            self._settings = new
            return new

    def fail_next(self, rule: FailRule) -> None:
        with self._lock:
            self._rules.append(_Pending(check_rule(rule), rule.count))

    def drop_next_patches(self, count: int) -> None:
        if count < 0:
            raise FaultError("count must be >= 0")
        with self._lock:
            self._drop_next += count

    def clear(self) -> None:
        """No faults at all, whatever the start flags said."""
        with self._lock:
            self._settings = FaultSettings(seed=self._settings.seed)
            self._rules.clear()
            self._drop_next = 0

    def to_json(self) -> dict[str, object]:
        with self._lock:
            out = self._settings.to_json()
            out["fail_next"] = [attrs.evolve(p.rule, count=p.left).to_json() for p in self._rules]
            out["drop_next_patches"] = self._drop_next
            return out

    def latency(self) -> float:
        return self._settings.latency_ms / 1000.0

    def before(self, method: str, path: str) -> Injected | None:
        """The fault to answer with instead of serving this request, if any."""
        with self._lock:
            limited = self._take_rate_token()
            if limited is not None:
                return limited
            for pending in self._rules:
                rule = pending.rule
                if _matches(rule, method, path):
                    pending.left -= 1
                    if pending.left <= 0:
                        self._rules.remove(pending)
                    after = rule.retry_after
                    if after is None and rule.status == 429:
                        after = 1
                    return Injected(
                        rule.status,
                        _reason(rule.status) if rule.message is None else rule.message,
                        None if after is None else self._retry_after(after),
                        "fail_next",
                        rule.action,
                        rule.delay_ms / 1000.0,
                        rule.edit,
                    )
            settings = self._settings
            if settings.error_rate and self._random.random() < settings.error_rate:
                status = self._random.choice(settings.error_statuses)
                return Injected(status, _reason(status), None, "error_rate")
            return None

    def drop_patch(self) -> bool:
        """Whether to close the connection instead of answering an applied PATCH."""
        with self._lock:
            if self._drop_next > 0:
                self._drop_next -= 1
                return True
            rate = self._settings.drop_patch_rate
            return bool(rate) and self._random.random() < rate

    def _take_rate_token(self) -> Injected | None:
        # A token bucket holding one second's worth of requests: short bursts pass, a
        # sustained rate above the limit gets 429 with the wait until the next token.
        rate = self._settings.rate_limit
        if rate is None:
            return None
        now = time.monotonic()
        self._bucket = min(max(rate, 1.0), self._bucket + (now - self._bucket_at) * rate)
        self._bucket_at = now
        if self._bucket >= 1.0:
            self._bucket -= 1.0
            return None
        wait = max(1, math.ceil((1.0 - self._bucket) / rate))
        return Injected(429, "rate limit exceeded", self._retry_after(wait), "rate_limit")

    def _retry_after(self, seconds: int) -> str:
        if self._settings.retry_after_form == "http-date":
            # HTTP-dates have whole seconds; round up so the client never retries early.
            return formatdate(math.ceil(time.time()) + seconds, usegmt=True)
        return str(seconds)


def _matches(rule: FailRule, method: str, path: str) -> bool:
    return (rule.method == "*" or rule.method.upper() == method) and fnmatch.fnmatchcase(
        path, rule.path
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"injected fault: {HTTPStatus(status).phrase.lower()}"
    except ValueError:
        return f"injected fault: status {status}"
