"""Webhook management and signed, retried `campaign.updated` deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from sandbox_client import bearer, get_token, patch, read

from selang.sandbox.inprocess import Sandbox

HOOKS = "/api/v2/webhooks"


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records deliveries and fails the first `fail` ones."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.event = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                status = 500 if len(receiver.received) <= receiver.fail else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if status == 204:
                    receiver.event.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=1)
    yield r
    r.close()


def _eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _register(sb: Sandbox, token: str, url: str, **extra: Any) -> requests.Response:
    body = {"url": url, "events": ["campaign.updated"], **extra}
    return requests.post(sb.url + HOOKS, json=body, headers=bearer(token), timeout=5)


def test_register_list_and_delete(sb: Sandbox) -> None:
    """POST gives 201 with an id and a whsec_ secret; GET lists it; DELETE is 204, then 404."""
    token = get_token(sb)
    created = _register(sb, token, "http://127.0.0.1:9/hook")
    assert created.status_code == 201
    hook = created.json()
    assert hook["id"] and hook["secret"].startswith("whsec_")
    assert created.headers["Location"].endswith(hook["id"])
    listed = requests.get(sb.url + HOOKS, headers=bearer(token), timeout=5).json()
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    url = f"{sb.url}{HOOKS}/{hook['id']}"
    assert requests.delete(url, headers=bearer(token), timeout=5).status_code == 204
    gone = requests.delete(url, headers=bearer(token), timeout=5)
    assert gone.status_code == 404 and gone.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/x", "events": ["campaign.updated"]},
        {"url": "http://127.0.0.1/x", "events": []},
        {"url": "http://127.0.0.1/x", "events": ["campaign.deleted"]},
        {"url": "http://127.0.0.1/x", "events": ["campaign.updated"], "secret": "x"},
    ],
)
def test_bad_registrations_are_400(sb: Sandbox, body: dict[str, Any]) -> None:
    """A bad URL, no events, an unknown event or an unknown key is refused with 400."""
    answer = requests.post(sb.url + HOOKS, json=body, headers=bearer(get_token(sb)), timeout=5)
    assert answer.status_code == 400
    assert answer.json()["message"]


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification, written from the spec rather than the sandbox code."""
    key = base64.b64decode(secret[len("whsec_") :])
    lowered = {k.lower(): v for k, v in headers.items()}
    signed = f"{lowered['webhook-id']}.{lowered['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.partition(",")[2] for s in lowered["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, s) for s in offered)


def test_campaign_change_is_delivered_signed_after_a_retry(sb: Sandbox, receiver: Receiver) -> None:
    """A PATCH leads to a signed `campaign.updated` delivery, retried after a failed attempt."""
    token = get_token(sb)
    secret = _register(sb, token, receiver.url).json()["secret"]
    doc = read(sb, token)
    started = time.monotonic()
    assert patch(sb, token, doc).status_code == 200
    assert time.monotonic() - started < 1  # the API does not wait on the receiver
    assert receiver.event.wait(5), "no successful delivery"
    assert len(receiver.received) == 2
    (first_headers, first_body), (headers, body) = receiver.received
    assert first_body == body  # a retry resends the same message
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["webhook-id"] == {k.lower(): v for k, v in first_headers.items()}["webhook-id"]
    assert abs(int(lowered["webhook-timestamp"]) - time.time()) < 60
    assert _verify(secret, headers, body)
    assert not _verify("whsec_" + base64.b64encode(b"x" * 24).decode(), headers, body)
    event = json.loads(body)
    assert event["type"] == "campaign.updated"
    assert event["data"]["campaignId"] == "campaign_xyz789"
    assert event["data"]["version"] == 2
    assert _eventually(lambda: len(sb.deliveries()) == 2)
    attempts = [(a.attempt, a.delivered) for a in sb.deliveries()]
    assert attempts == [(1, False), (2, True)]


def test_out_of_band_edit_is_delivered_too(sb: Sandbox) -> None:
    """An admin edit counts as a change and is delivered to subscribers of that campaign only."""
    everything, only_other = Receiver(), Receiver()
    try:
        token = get_token(sb)
        _register(sb, token, everything.url)
        _register(sb, token, only_other.url, campaignIds=["campaign_reminders"])
        sb.edit_campaign("campaign_xyz789", status="paused")
        assert everything.event.wait(5)
        time.sleep(0.2)
        assert only_other.received == []
    finally:
        everything.close()
        only_other.close()


def test_delivery_attempts_are_bounded(tmp_path: Any) -> None:
    """A receiver that always fails gets the configured number of attempts and no more."""
    from selang.sandbox import running

    failing = Receiver(fail=100)
    try:
        with running(state_dir=tmp_path, webhook_attempts=3, webhook_backoff=0.05) as sb:
            token = get_token(sb)
            _register(sb, token, failing.url)
            assert patch(sb, token, read(sb, token)).status_code == 200
            assert _eventually(lambda: len(sb.deliveries()) >= 3)
            time.sleep(0.4)  # long enough for a fourth attempt, were there one
            assert [a.attempt for a in sb.deliveries()] == [1, 2, 3]
            assert len(failing.received) == 3
    finally:
        failing.close()
