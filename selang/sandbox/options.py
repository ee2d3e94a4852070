"""Start-up settings of a sandbox: where it listens, its credentials, its faults, its state."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import attrs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_TOKEN_TTL = 3600.0
DEFAULT_CAMPAIGNS = ("campaign_xyz789", "campaign_collections", "campaign_reminders")

RetryAfterForm = Literal["seconds", "http-date"]
FailAction = Literal["answer", "drop", "slow", "edit"]


@attrs.frozen
class FailRule:
    """What to do to the next `count` requests matching `method` and the `path` glob.

    `answer` (the default) answers `status` with `message` (else the status's phrase) instead
    of serving the request; `drop` closes the connection without serving or answering; `slow`
    serves the request as usual; `edit` has another writer merge `edit` into the campaign in the
    request's path first (its version goes up), then serves the request. All first wait
    `delay_ms`.
    """

    method: str = "*"
    path: str = "*"
    status: int = 503
    count: int = 1
    retry_after: int | None = None
    message: str | None = None
    action: FailAction = "answer"
    delay_ms: int = 0
    edit: dict[str, Any] | None = attrs.field(default=None, hash=False)

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "count": self.count,
            "retry_after": self.retry_after,
            "message": self.message,
            "action": self.action,
            "delay_ms": self.delay_ms,
            "edit": self.edit,
        }


@attrs.frozen
class FaultSettings:
    """The standing faults; `seed` makes the random ones repeatable."""

    latency_ms: int = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503)
    rate_limit: float | None = None
    retry_after_form: RetryAfterForm = "seconds"
    drop_patch_rate: float = 0.0
    seed: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "error_statuses": list(self.error_statuses),
            "rate_limit": self.rate_limit,
            "retry_after_form": self.retry_after_form,
            "drop_patch_rate": self.drop_patch_rate,
            "seed": self.seed,
        }


@attrs.frozen
class Options:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    state_dir: Path | None = None
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    campaigns: tuple[str, ...] = ()
    token_ttl: float = DEFAULT_TOKEN_TTL
    faults: FaultSettings = FaultSettings()
    fail_next: tuple[FailRule, ...] = ()
    drop_next_patches: int = 0
    webhook_attempts: int = 5
    webhook_backoff: float = 1.0
    webhook_timeout: float = 5.0
    request_log_size: int = 1000
    access_log: bool = False

    def resolved_state_dir(self) -> Path:
        return self.state_dir if self.state_dir is not None else default_state_dir()


def default_state_dir() -> Path:
    """`$SELANG_STATE_DIR/sandbox`, else `.selang/sandbox` under the working directory."""
    base = os.environ.get("SELANG_STATE_DIR")
    return Path(base) / "sandbox" if base else Path.cwd() / ".selang" / "sandbox"
