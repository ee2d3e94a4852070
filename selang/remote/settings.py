"""Connection settings from the environment and flags; the secret only from env or a file."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from selang.core.errors import ConfigError
from selang.core.signing import signing_key
from selang.remote.retry import RetryPolicy

SCOPE = "outbound:campaign:write outbound:campaign:read webhooks:write"


@attrs.frozen
class CxoneSettings:
    instance_url: str
    client_id: str
    client_secret: str = attrs.field(repr=False)
    basic_auth: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    scope: str = SCOPE
    rate_limit: float | None = None  # requests per second to pace at from the start
    exchange_timeout: float = 30.0  # one whole request and its answer, however it trickles
    run_timeout: float | None = 120.0  # the whole command (`--timeout`)

    @property
    def timeouts(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


@attrs.frozen
class CrmSettings:
    webhook_url: str | None
    sync_token: str | None = attrs.field(default=None, repr=False)
    signing_secret: str | None = attrs.field(default=None, repr=False)
    connect_timeout: float = 3.0
    read_timeout: float = 10.0

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url)


def state_dir(flag: str | None, env: Mapping[str, str], cwd: Path | None = None) -> Path:
    """`--state-dir`, else `SELANG_STATE_DIR`, else `.selang/` of the working directory."""
    chosen = flag or env.get("SELANG_STATE_DIR")
    return Path(chosen) if chosen else (cwd or Path.cwd()) / ".selang"


def cxone_from(
    env: Mapping[str, str],
    *,
    instance_url: str | None = None,
    client_id: str | None = None,
    client_secret_file: str | None = None,
    basic_auth: bool = False,
    rate_limit: float | None = None,
) -> CxoneSettings:
    """Flags win over the environment; raises ConfigError naming what is missing."""
    url = instance_url or env.get("CXONE_INSTANCE_URL")
    if not url:
        raise ConfigError(
            "no CXone instance configured: set `CXONE_INSTANCE_URL` (or `--instance-url`), "
            "or use `--sandbox` to run against the embedded sandbox"
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"instance url `{url}` must start with `https://` or `http://`")
    cid = client_id or env.get("CXONE_CLIENT_ID")
    if not cid:
        raise ConfigError("no client id: set `CXONE_CLIENT_ID` or pass `--client-id`")
    if client_secret_file:
        try:
            secret = Path(client_secret_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigError(
                f"cannot read client secret file `{client_secret_file}`: {exc.strerror}"
            ) from None
    else:
        secret = env.get("CXONE_CLIENT_SECRET", "")
    if not secret:
        raise ConfigError(
            "no client secret: set `CXONE_CLIENT_SECRET` or pass `--client-secret-file`"
        )
    settings = CxoneSettings(
        url.rstrip("/"),
        cid,
        secret,
        basic_auth=basic_auth,
        rate_limit=rate_limit if rate_limit is not None else rate_limit_from(env),
    )
    return with_timeouts(settings, env)


def rate_limit_from(env: Mapping[str, str]) -> float | None:
    """`SELANG_RATE_LIMIT`: requests per second to pace at from the start (none by default)."""
    raw = env.get("SELANG_RATE_LIMIT")
    if not raw:
        return None
    return env_number("SELANG_RATE_LIMIT", raw, unit=" of requests per second")


def env_number(var: str, raw: str, *, unit: str = "", zero: bool = False) -> float:
    """A setting's number: finite and positive (or zero, where `zero` allows it). `nan`, `inf`
    and negative values are refused, never passed on to a timeout or a wait."""
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(f"`{var}` must be a number{unit}, not `{raw}`") from None
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero):
        least = "0 or more" if zero else "more than 0"
        raise ConfigError(f"`{var}` must be a finite number{unit}, {least}, not `{raw}`")
    return number


def crm_from(env: Mapping[str, str]) -> CrmSettings:
    """The CRM delivery settings; a `CRM_SIGNING_SECRET` that is no Standard Webhooks secret
    raises ConfigError (naming the variable, never quoting its value)."""
    secret = env.get("CRM_SIGNING_SECRET") or None
    if secret is not None:
        try:
            signing_key(secret)
        except ValueError as exc:
            raise ConfigError(
                f"`CRM_SIGNING_SECRET` is not a Standard Webhooks secret: {exc} "
                "(as `selang webhook register` prints it)"
            ) from None
    return CrmSettings(
        env.get("CRM_WEBHOOK_URL") or None,
        env.get("CRM_SYNC_TOKEN") or None,
        secret,
    )


def environ() -> Mapping[str, str]:
    return os.environ


def retry_policy_from(env: Mapping[str, str]) -> RetryPolicy:
    """`SELANG_RETRY_*` tune the bounds (CI on a slow link, or tests that must not sleep)."""
    default = RetryPolicy()
    names = {
        "SELANG_RETRY_ATTEMPTS": "max_attempts",
        "SELANG_RETRY_BASE_DELAY": "base_delay",
        "SELANG_RETRY_MAX_DELAY": "max_delay",
        "SELANG_RETRY_AFTER_MAX": "max_retry_after",
        "SELANG_RETRY_DEADLINE": "deadline",
    }
    values: dict[str, Any] = {}  # field name -> number, typed as the field's default
    for var, field in names.items():
        raw = env.get(var)
        if not raw:
            continue
        number = env_number(var, raw, zero=True)
        values[field] = int(number) if isinstance(getattr(default, field), int) else number
    return attrs.evolve(default, **values)


def timeouts_from(env: Mapping[str, str]) -> dict[str, float]:
    """The time bounds the environment sets (seconds; see docs/apply.md)."""
    out = {}
    for var, field in (
        ("SELANG_CONNECT_TIMEOUT", "connect_timeout"),
        ("SELANG_READ_TIMEOUT", "read_timeout"),
        ("SELANG_EXCHANGE_TIMEOUT", "exchange_timeout"),
        ("SELANG_TIMEOUT", "run_timeout"),
    ):
        raw = env.get(var)
        if raw:
            out[field] = env_number(var, raw, unit=" of seconds")
    return out


def with_timeouts(settings: CxoneSettings, env: Mapping[str, str]) -> CxoneSettings:
    """`settings` with the time bounds the environment sets in place of its own."""
    given = timeouts_from(env)
    return attrs.evolve(
        settings,
        connect_timeout=given.get("connect_timeout", settings.connect_timeout),
        read_timeout=given.get("read_timeout", settings.read_timeout),
        exchange_timeout=given.get("exchange_timeout", settings.exchange_timeout),
        run_timeout=given.get("run_timeout", settings.run_timeout),
    )
