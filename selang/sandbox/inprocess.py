"""`running()`: a sandbox on an ephemeral port in a background thread, with a Python handle
for the admin operations, for tests and for the CLI's `--sandbox`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from selang.sandbox.core import SandboxCore
from selang.sandbox.faults import SETTABLE
from selang.sandbox.options import FailAction, FailRule, FaultSettings, Options
from selang.sandbox.requestlog import LoggedRequest
from selang.sandbox.server import Running
from selang.sandbox.store import Document
from selang.sandbox.webhooks import Attempt


class Sandbox:
    """A running sandbox: where it is, how to log in, and its admin operations in Python.

    The methods act on the live state directly; they are what the `/_sandbox/` endpoints do.
    """

    def __init__(self, running: Running) -> None:
        self._running = running
        self._core = running.core

    @property
    def url(self) -> str:
        return self._running.url

    @property
    def port(self) -> int:
        return int(self._running.httpd.server_address[1])

    @property
    def client_id(self) -> str:
        return self._core.options.client_id

    @property
    def client_secret(self) -> str:
        return self._core.options.client_secret

    @property
    def state_dir(self) -> Path:
        return self._core.state_dir

    @property
    def connections(self) -> int:
        """Connections accepted since the start (keep-alive reuse keeps this low)."""
        return self._running.httpd.accepted

    def faults(self, **changes: Any) -> dict[str, Any]:
        """Change standing faults (`latency_ms`, `error_rate`, `rate_limit`, ...); returns all."""
        unknown = set(changes) - set(SETTABLE)
        if unknown:
            raise TypeError(f"unknown fault {sorted(unknown)[0]!r}")
        if "error_statuses" in changes:
            changes["error_statuses"] = tuple(changes["error_statuses"])
        self._core.faults.update(**changes)
        return self._core.faults.to_json()

    def fail_next(
        self,
        method: str = "*",
        path: str = "*",
        status: int = 503,
        count: int = 1,
        retry_after: int | None = None,
        *,
        message: str | None = None,
        action: FailAction = "answer",
        delay_ms: int = 0,
        edit: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer the next `count` API requests matching METHOD and the path glob with `status`
        (or `message`), or drop them, serve them slowly, or let another writer `edit` the
        campaign first; see `FailRule`."""
        changes = None if edit is None else dict(edit)
        rule = FailRule(
            method.upper(), path, status, count, retry_after, message, action, delay_ms, changes
        )
        self._core.faults.fail_next(rule)

    def drop_next_patch(self, count: int = 1) -> None:
        """Apply the next `count` PATCHes but close their connections without answering."""
        self._core.faults.drop_next_patches(count)

    def clear_faults(self) -> None:
        self._core.faults.clear()

    def revoke_tokens(self) -> int:
        return self._core.tokens.revoke_all()

    def reset(self, seed: bool = True) -> None:
        self._core.reset(seed=seed)

    def seed_campaign(self, campaign: str | Mapping[str, Any]) -> Document:
        return self._core.seed_campaign(campaign)

    def campaign(self, campaign_id: str) -> Document | None:
        return self._core.campaigns.get(campaign_id)

    def edit_campaign(
        self, campaign_id: str, changes: Mapping[str, Any] | None = None, **fields: Any
    ) -> Document:
        """Another writer changes the campaign (fields merged over it); the version goes up."""
        return self._core.edit_campaign(campaign_id, {**(changes or {}), **fields})

    def requests(self, since: int = 0) -> list[LoggedRequest]:
        return self._core.log.entries(since)

    def clear_requests(self) -> None:
        self._core.log.clear()

    def deliveries(self) -> list[Attempt]:
        return self._core.deliverer.log()

    def stop(self) -> None:
        self._running.stop()


def start(options: Options) -> Sandbox:
    """Start a sandbox in a background thread; the caller must `stop()` it."""
    core = SandboxCore(options, options.resolved_state_dir())
    try:
        running = Running(core).start()
    except BaseException:
        core.close()
        raise
    return Sandbox(running)


@contextlib.contextmanager
def running(
    state_dir: str | Path | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    **options: Any,
) -> Iterator[Sandbox]:
    """A sandbox for the duration of the block.

    `options` are the fields of `Options` (`client_id`, `token_ttl`, `campaigns`, ...) and of
    `FaultSettings` (`latency_ms`, `error_rate`, `rate_limit`, ...), by name.
    """
    fault_names = {f.name for f in attrs.fields(FaultSettings)}
    faults = {k: options.pop(k) for k in list(options) if k in fault_names}
    if "error_statuses" in faults:
        faults["error_statuses"] = tuple(faults["error_statuses"])
    if "campaigns" in options:
        options["campaigns"] = tuple(options["campaigns"])
    settings = Options(
        host=host,
        port=port,
        state_dir=None if state_dir is None else Path(state_dir),
        faults=FaultSettings(**faults),
        **options,
    )
    sandbox = start(settings)
    try:
        yield sandbox
    finally:
        sandbox.stop()
