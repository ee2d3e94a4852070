"""Fixtures for the remote tests: the sandbox, a CRM receiver, fast retry bounds, CLI env."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from selang.remote.client import CxoneClient
from selang.remote.retry import RetryPolicy
from selang.remote.settings import CxoneSettings
from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox
from tests.remote.receiver import FakeCrm

# tiny waits so the whole suite runs in seconds; the bounds are what is under test
FAST = RetryPolicy(
    max_attempts=8, base_delay=0.001, max_delay=0.01, max_retry_after=0.02, deadline=10
)

SEL = {
    "targetListIds": ["list_a", "list_b"],
    "exclusionListIds": ["list_dnc"],
    "filterRules": [{"field": "status", "operator": "eq", "value": "active"}],
    "priorityOrder": ["high", "default"],
}

SOURCE = """campaign "{cid}" {{
  target "list_a", "list_b"
  exclude "list_dnc"
  where status == "active"
  priority high, default
}}
"""


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox of its own on an ephemeral port of 127.0.0.1."""
    with running(state_dir=tmp_path / "sandbox") as sandbox:
        yield sandbox


def add_campaign(
    sb: Sandbox, cid: str, selection: dict[str, Any] | None = None, **fields: Any
) -> None:
    """A campaign document with `fields` (`version` default 1) and `selection` (default empty)."""
    empty = {"targetListIds": [], "exclusionListIds": [], "filterRules": [], "priorityOrder": []}
    sb.seed_campaign(
        {
            "id": cid,
            "name": fields.pop("name", f"campaign {cid}"),
            "version": fields.pop("version", 1),
            **fields,
            "contactSelection": selection or empty,
        }
    )


def applied_patches(sb: Sandbox) -> int:
    """PATCHes the sandbox applied: answered 200, or applied and then dropped."""
    return sum(
        1
        for r in sb.requests()
        if r.method == "PATCH" and (r.status == 200 or r.fault == "drop_patch")
    )


def count(sb: Sandbox, method: str, path: str = "") -> int:
    """How many requests with `method` and `path` in their path the sandbox received."""
    return sum(1 for r in sb.requests() if r.method == method and path in r.path)


@pytest.fixture
def crm() -> Iterator[FakeCrm]:
    with FakeCrm() as server:
        yield server


def make_client(server: Any, policy: RetryPolicy = FAST, **kw: Any) -> CxoneClient:
    workers = kw.pop("workers", 1)
    settings = CxoneSettings(
        server.url,
        server.client_id,
        server.client_secret,
        connect_timeout=kw.pop("connect_timeout", 2.0),
        read_timeout=kw.pop("read_timeout", 2.0),
        **kw,
    )
    return CxoneClient(settings, policy=policy, workers=workers)


def write_sel(folder: Path, cid: str, text: str | None = None) -> str:
    path = folder / f"{cid}.sel"
    path.write_text(text if text is not None else SOURCE.format(cid=cid), encoding="utf-8")
    return str(path)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sb: Sandbox, crm: FakeCrm) -> Path:
    """Environment for `selang.cli.main.main`: the sandbox, the CRM receiver, fast retries."""
    state = tmp_path / "state"
    for var, value in {
        "CXONE_INSTANCE_URL": sb.url,
        "CXONE_CLIENT_ID": sb.client_id,
        "CXONE_CLIENT_SECRET": sb.client_secret,
        "CRM_WEBHOOK_URL": crm.url,
        "CRM_SYNC_TOKEN": "sync-token-1",
        "SELANG_STATE_DIR": str(state),
        "SELANG_RETRY_BASE_DELAY": "0.001",
        "SELANG_RETRY_MAX_DELAY": "0.01",
        "SELANG_RETRY_AFTER_MAX": "0.02",
        "SELANG_RETRY_DEADLINE": "10",
        "SELANG_READ_TIMEOUT": "2",
    }.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("CRM_SIGNING_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    return state


def landed(sb: Sandbox) -> list[tuple[str, int, str]]:
    """The server's version history of our writes: each applied PATCH (answered 200, or
    applied and dropped) as (campaign, version it was sent at, digest of its selection)."""
    from selang.remote import plan as planning

    return [
        (r.path.rsplit("/", 1)[1], r.json["version"], planning.digest(r.json["contactSelection"]))
        for r in sb.requests()
        if r.method == "PATCH" and (r.status == 200 or r.fault == "drop_patch")
    ]


def until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Wait for `condition` (polling every 10 ms) up to `seconds`; whether it came."""
    ends = time.monotonic() + seconds
    while not condition() and time.monotonic() < ends:
        time.sleep(0.01)
    return condition()
