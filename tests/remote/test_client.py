"""The HTTP client against the sandbox on 127.0.0.1: tokens, 401 replay, final errors, reads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest

from selang.remote.errors import AuthError, GaveUp, RemoteError
from selang.remote.retry import RetryPolicy
from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox
from tests.remote.conftest import FAST, count, make_client


def test_token_form_body_and_scope(sb: Sandbox) -> None:
    """The token request is a form POST of grant type, scope and credentials, none in the URL."""
    sb.seed_campaign("c1")
    with make_client(sb) as client:
        client.get_campaign("c1")
    token_req = next(s for s in sb.requests() if s.path.endswith("/oauth/token"))
    assert token_req.path == "/api/v2/oauth/token" and token_req.query == ""
    assert token_req.header("content-type") == "application/x-www-form-urlencoded"
    form = parse_qs(token_req.body)
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["outbound:campaign:write outbound:campaign:read webhooks:write"]
    # the log hides the secret's value; the sandbox granted the token, so it was the right one
    assert form["client_id"] == [sb.client_id] and form["client_secret"] == ["[redacted]"]
    assert token_req.status == 200


def test_token_basic_auth_option(sb: Sandbox) -> None:
    """With `basic_auth` the credentials go in an Authorization header, not the form."""
    sb.seed_campaign("c1")
    with make_client(sb, basic_auth=True) as client:
        client.get_campaign("c1")
    token_req = next(s for s in sb.requests() if s.path.endswith("/oauth/token"))
    assert token_req.header("authorization").startswith("Basic ")
    assert "client_secret" not in parse_qs(token_req.body) and token_req.status == 200


def test_one_token_shared_by_concurrent_workers(sb: Sandbox) -> None:
    """Sixteen threads reading at once cause exactly one token request."""
    for i in range(16):
        sb.seed_campaign(f"c{i}")
    with make_client(sb) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(client.get_campaign, [f"c{i}" for i in range(16)]))
    assert count(sb, "POST", "/oauth/token") == 1


def test_token_refreshed_before_expiry(tmp_path: Path) -> None:
    """A token with a short life is replaced before it runs out, without a 401."""
    with running(state_dir=tmp_path / "sandbox", token_ttl=1, campaigns=["c1"]) as sb:
        with make_client(sb) as client:
            client.get_campaign("c1")
            time.sleep(1.0)
            client.get_campaign("c1")
        assert count(sb, "POST", "/oauth/token") == 2
        assert all(s.status != 401 for s in sb.requests())


def test_expired_token_mid_run_gets_one_refresh(sb: Sandbox) -> None:
    """A token the server expires mid-run costs one 401, one new token and one replay."""
    sb.seed_campaign("c1")
    with make_client(sb) as client:
        client.get_campaign("c1")
        sb.revoke_tokens()
        assert client.get_campaign("c1")["id"] == "c1"
    assert count(sb, "POST", "/oauth/token") == 2
    assert [s.status for s in sb.requests() if s.method == "GET"] == [200, 401, 200]


def test_concurrent_401s_fetch_one_new_token(sb: Sandbox) -> None:
    """Many workers hitting 401 on the same revoked token share one replacement token."""
    for i in range(8):
        sb.seed_campaign(f"c{i}")
    with make_client(sb) as client:
        client.get_campaign("c0")
        sb.revoke_tokens()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(client.get_campaign, [f"c{i}" for i in range(8)]))
    assert count(sb, "POST", "/oauth/token") == 2


def test_second_401_is_fatal(sb: Sandbox) -> None:
    """When a fresh token is refused too, the client stops after exactly one replay."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*", status=401, count=100, message="invalid or expired token")
    with make_client(sb) as client, pytest.raises(AuthError, match="401"):
        client.get_campaign("c1")
    assert count(sb, "GET") == 2
    assert count(sb, "POST", "/oauth/token") == 2


def test_bad_credentials_are_final(sb: Sandbox) -> None:
    """A token endpoint refusing the credentials is reported once, not retried."""
    sb.seed_campaign("c1")
    rotated = SimpleNamespace(url=sb.url, client_id=sb.client_id, client_secret="rotated")
    with (
        make_client(rotated) as client,
        pytest.raises(AuthError, match="refused the client credentials"),
    ):
        client.get_campaign("c1")
    assert count(sb, "POST", "/oauth/token") == 1


@pytest.mark.parametrize(
    ("status", "words"),
    [(400, "rejected"), (403, "not allowed"), (404, "not found")],
)
def test_final_errors_carry_server_message(sb: Sandbox, status: int, words: str) -> None:
    """400, 403 and 404 are final: one request, and the server's `message` in the error."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*/campaigns/c1", status=status, message="the server says no")
    with make_client(sb) as client, pytest.raises(RemoteError) as info:
        client.get_campaign("c1")
    assert info.value.status == status
    assert words in info.value.message and "the server says no" in info.value.message
    assert count(sb, "GET") == 1


def test_get_retries_5xx_and_dropped_connections(sb: Sandbox) -> None:
    """A GET survives 500, 502, 503 and a dropped connection, and comes back with the campaign."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*/campaigns/c1", status=500, message="boom")
    sb.fail_next("GET", "*/campaigns/c1", status=502)
    sb.fail_next("GET", "*/campaigns/c1", status=503, retry_after=1)
    sb.fail_next("GET", "*/campaigns/c1", action="drop")
    with make_client(sb) as client:
        assert client.get_campaign("c1")["id"] == "c1"
        assert client.stats.retries == 4
    assert count(sb, "GET") == 5


def test_get_gives_up_within_attempts(sb: Sandbox) -> None:
    """A server that keeps failing is given up on after the configured number of attempts."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*/campaigns/c1", status=503, count=100)
    policy = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.001)
    with make_client(sb, policy) as client, pytest.raises(GaveUp, match="4 attempts"):
        client.get_campaign("c1")
    assert count(sb, "GET") == 4


def test_retry_after_is_honoured(sb: Sandbox) -> None:
    """A 429's `Retry-After` sets the wait (clamped), rather than the much shorter backoff."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*/campaigns/c1", status=429, retry_after=3)
    policy = RetryPolicy(base_delay=0.0001, max_delay=0.0001, max_retry_after=0.3)
    with make_client(sb, policy) as client:
        start = time.monotonic()
        client.get_campaign("c1")
        assert 0.3 <= time.monotonic() - start < 2.5


def test_read_timeout_is_enforced(sb: Sandbox) -> None:
    """A stalled answer hits the read timeout and the GET is retried, not waited on forever."""
    sb.seed_campaign("c1")
    sb.fail_next("GET", "*/campaigns/c1", action="slow", delay_ms=2000)
    with make_client(sb, FAST, read_timeout=0.2) as client:
        start = time.monotonic()
        assert client.get_campaign("c1")["id"] == "c1"
        assert time.monotonic() - start < 1.5


def test_webhook_management(sb: Sandbox) -> None:
    """Webhooks can be registered, listed and deleted through §5's endpoints."""
    with make_client(sb) as client:
        hook = client.create_webhook("https://crm.example/hook", ["campaign.updated"])
        assert [h["id"] for h in client.list_webhooks()] == [hook["id"]]
        client.delete_webhook(hook["id"])
        assert client.list_webhooks() == []
        with pytest.raises(RemoteError, match="not found"):
            client.delete_webhook(hook["id"])


def test_stats_are_thread_safe(sb: Sandbox) -> None:
    """Request counts from many threads add up exactly."""
    sb.seed_campaign("c1")
    with make_client(sb) as client:
        threads = [threading.Thread(target=client.get_campaign, args=("c1",)) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert client.stats.requests == 10
