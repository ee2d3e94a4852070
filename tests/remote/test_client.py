"""The HTTP client against real servers on 127.0.0.1: tokens, 401 replay, final errors, reads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest

from selang.remote.errors import AuthError, GaveUp, RemoteError
from selang.remote.retry import RetryPolicy
from tests.remote.conftest import FAST, make_client
from tests.remote.servers import FakeCxone


def test_token_form_body_and_scope(cx: FakeCxone) -> None:
    """The token request is a form POST of grant type, scope and credentials, none in the URL."""
    cx.add_campaign("c1")
    with make_client(cx) as client:
        client.get_campaign("c1")
    token_req = next(s for s in cx.log if s.path.endswith("/oauth/token"))
    assert token_req.path == "/api/v2/oauth/token"
    assert token_req.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(token_req.body.decode())
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["outbound:campaign:write outbound:campaign:read webhooks:write"]
    assert form["client_id"] == [cx.client_id] and form["client_secret"] == [cx.client_secret]


def test_token_basic_auth_option(cx: FakeCxone) -> None:
    """With `basic_auth` the credentials go in an Authorization header, not the form."""
    cx.add_campaign("c1")
    with make_client(cx, basic_auth=True) as client:
        client.get_campaign("c1")
    token_req = next(s for s in cx.log if s.path.endswith("/oauth/token"))
    assert token_req.headers["authorization"].startswith("Basic ")
    assert "client_secret" not in parse_qs(token_req.body.decode())


def test_one_token_shared_by_concurrent_workers(cx: FakeCxone) -> None:
    """Sixteen threads reading at once cause exactly one token request."""
    for i in range(16):
        cx.add_campaign(f"c{i}")
    with make_client(cx) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(client.get_campaign, [f"c{i}" for i in range(16)]))
    assert cx.count("POST", "/oauth/token") == 1


def test_token_refreshed_before_expiry(cx: FakeCxone) -> None:
    """A token with a short life is replaced before it runs out, without a 401."""
    cx.token_ttl = 1
    cx.add_campaign("c1")
    with make_client(cx) as client:
        client.get_campaign("c1")
        time.sleep(1.0)
        client.get_campaign("c1")
    assert cx.count("POST", "/oauth/token") == 2
    assert all(s.status != 401 for s in cx.log)


def test_expired_token_mid_run_gets_one_refresh(cx: FakeCxone) -> None:
    """A token the server expires mid-run costs one 401, one new token and one replay."""
    cx.add_campaign("c1")
    with make_client(cx) as client:
        client.get_campaign("c1")
        cx.revoke_tokens()
        assert client.get_campaign("c1")["id"] == "c1"
    assert cx.count("POST", "/oauth/token") == 2
    assert [s.status for s in cx.log if s.method == "GET"] == [200, 401, 200]


def test_concurrent_401s_fetch_one_new_token(cx: FakeCxone) -> None:
    """Many workers hitting 401 on the same revoked token share one replacement token."""
    for i in range(8):
        cx.add_campaign(f"c{i}")
    with make_client(cx) as client:
        client.get_campaign("c0")
        cx.revoke_tokens()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(client.get_campaign, [f"c{i}" for i in range(8)]))
    assert cx.count("POST", "/oauth/token") == 2


def test_second_401_is_fatal(cx: FakeCxone) -> None:
    """When a fresh token is refused too, the client stops after exactly one replay."""
    cx.add_campaign("c1")
    cx.reject_all_tokens = True
    with make_client(cx) as client, pytest.raises(AuthError, match="401"):
        client.get_campaign("c1")
    assert cx.count("GET") == 2
    assert cx.count("POST", "/oauth/token") == 2


def test_bad_credentials_are_final(cx: FakeCxone) -> None:
    """A token endpoint refusing the credentials is reported once, not retried."""
    cx.add_campaign("c1")
    with make_client(cx) as client:
        cx.client_secret = "rotated"
        with pytest.raises(AuthError, match="invalid_client"):
            client.get_campaign("c1")
    assert cx.count("POST", "/oauth/token") == 1


@pytest.mark.parametrize(
    ("status", "words"),
    [(400, "rejected"), (403, "not allowed"), (404, "not found")],
)
def test_final_errors_carry_server_message(cx: FakeCxone, status: int, words: str) -> None:
    """400, 403 and 404 are final: one request, and the server's `message` in the error."""
    cx.add_campaign("c1")
    cx.fault("GET", "/campaigns/c1", status=status, body={"message": "the server says no"})
    with make_client(cx) as client, pytest.raises(RemoteError) as info:
        client.get_campaign("c1")
    assert info.value.status == status
    assert words in info.value.message and "the server says no" in info.value.message
    assert cx.count("GET") == 1


def test_get_retries_5xx_and_dropped_connections(cx: FakeCxone) -> None:
    """A GET survives 500, 502, 503 and a dropped connection, and comes back with the campaign."""
    cx.add_campaign("c1")
    cx.fault("GET", "/campaigns/c1", status=500, body={"message": "boom"})
    cx.fault("GET", "/campaigns/c1", status=502, body=None)
    cx.fault("GET", "/campaigns/c1", status=503, headers={"Retry-After": "1"}, body=None)
    cx.fault("GET", "/campaigns/c1", action="drop")
    with make_client(cx) as client:
        assert client.get_campaign("c1")["id"] == "c1"
        assert client.stats.retries == 4
    assert cx.count("GET") == 5


def test_get_gives_up_within_attempts(cx: FakeCxone) -> None:
    """A server that keeps failing is given up on after the configured number of attempts."""
    cx.add_campaign("c1")
    cx.fault("GET", "/campaigns/c1", status=503, body=None, times=100)
    policy = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.001)
    with make_client(cx, policy) as client, pytest.raises(GaveUp, match="4 attempts"):
        client.get_campaign("c1")
    assert cx.count("GET") == 4


def test_retry_after_is_honoured(cx: FakeCxone) -> None:
    """A 429's `Retry-After` sets the wait (clamped), rather than the much shorter backoff."""
    cx.add_campaign("c1")
    cx.fault("GET", "/campaigns/c1", status=429, headers={"Retry-After": "3"}, body=None)
    policy = RetryPolicy(base_delay=0.0001, max_delay=0.0001, max_retry_after=0.3)
    with make_client(cx, policy) as client:
        start = time.monotonic()
        client.get_campaign("c1")
        assert 0.3 <= time.monotonic() - start < 2.5


def test_read_timeout_is_enforced(cx: FakeCxone) -> None:
    """A stalled answer hits the read timeout and the GET is retried, not waited on forever."""
    cx.add_campaign("c1")
    cx.fault("GET", "/campaigns/c1", action="delay", delay=2.0)
    with make_client(cx, FAST, read_timeout=0.2) as client:
        start = time.monotonic()
        assert client.get_campaign("c1")["id"] == "c1"
        assert time.monotonic() - start < 1.5


def test_webhook_management(cx: FakeCxone) -> None:
    """Webhooks can be registered, listed and deleted through §5's endpoints."""
    with make_client(cx) as client:
        hook = client.create_webhook("https://crm.example/hook", ["campaign.updated"])
        assert [h["id"] for h in client.list_webhooks()] == [hook["id"]]
        client.delete_webhook(hook["id"])
        assert client.list_webhooks() == []
        with pytest.raises(RemoteError, match="not found"):
            client.delete_webhook(hook["id"])


def test_stats_are_thread_safe(cx: FakeCxone) -> None:
    """Request counts from many threads add up exactly."""
    cx.add_campaign("c1")
    with make_client(cx) as client:
        threads = [threading.Thread(target=client.get_campaign, args=("c1",)) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert client.stats.requests == 10
