"""Injected faults: rate limiting with both Retry-After forms, 5xx answers, dropped PATCHes,
latency, and their admin endpoints."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
import requests
from sandbox_client import bearer, campaign_url, get_token, patch, read

from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox


def _burst(sb: Sandbox, token: str, count: int) -> list[requests.Response]:
    with requests.Session() as session:
        return [
            session.get(campaign_url(sb), headers=bearer(token), timeout=5) for _ in range(count)
        ]


def test_rate_limit_answers_429_with_retry_after_seconds(tmp_path: Path) -> None:
    """Above the rate limit the sandbox answers 429 with a whole number of seconds to wait."""
    with running(state_dir=tmp_path, rate_limit=1) as sb:
        token = get_token(sb)
        answers = _burst(sb, token, 6)
        limited = [a for a in answers if a.status_code == 429]
        assert limited, [a.status_code for a in answers]
        assert int(limited[0].headers["Retry-After"]) >= 1
        assert limited[0].json()["message"] == "rate limit exceeded"
        assert sb.requests()[-1].fault == "rate_limit"


def test_rate_limit_answers_429_with_retry_after_http_date(tmp_path: Path) -> None:
    """With the http-date form, Retry-After is an IMF-fixdate that is not in the past."""
    with running(state_dir=tmp_path, rate_limit=1, retry_after_form="http-date") as sb:
        token = get_token(sb)
        limited = [a for a in _burst(sb, token, 6) if a.status_code == 429]
        assert limited
        header = limited[0].headers["Retry-After"]
        assert header.endswith(" GMT")
        when = email.utils.parsedate_to_datetime(header)
        assert when.timestamp() >= time.time() - 1


def test_fail_next_is_deterministic_and_matches_method_and_path(sb: Sandbox) -> None:
    """`fail_next` fails exactly the next N matching requests and leaves others alone."""
    token = get_token(sb)
    answer = requests.post(
        sb.url + "/_sandbox/faults/fail-next",
        json={"method": "GET", "path": "/api/v2/outbound/campaigns/*", "status": 503, "count": 2},
        timeout=5,
    )
    assert answer.status_code == 200
    assert answer.json()["fail_next"][0]["count"] == 2
    hooks = requests.get(sb.url + "/api/v2/webhooks", headers=bearer(token), timeout=5)
    assert hooks.status_code == 200
    statuses = [a.status_code for a in _burst(sb, token, 3)]
    assert statuses == [503, 503, 200]


def test_fail_next_429_carries_retry_after(sb: Sandbox) -> None:
    """A deterministic 429 says when to come back, in the configured form."""
    sb.faults(retry_after_form="http-date")
    sb.fail_next("POST", "/api/v2/oauth/token", status=429, retry_after=3)
    answer = requests.post(sb.url + "/api/v2/oauth/token", data={}, timeout=5)
    assert answer.status_code == 429
    when = email.utils.parsedate_to_datetime(answer.headers["Retry-After"])
    assert when.timestamp() >= time.time() + 1


def test_error_rate_with_seed_repeats(tmp_path: Path) -> None:
    """The random share of 5xx answers is repeatable under the same seed, and only 500/503."""
    runs = []
    for attempt in range(2):
        with running(state_dir=tmp_path / str(attempt), seed=42) as sb:
            token = get_token(sb)
            sb.faults(error_rate=0.5, seed=7)
            runs.append([a.status_code for a in _burst(sb, token, 20)])
    assert runs[0] == runs[1]
    assert set(runs[0]) <= {200, 500, 503}
    assert {500, 503} & set(runs[0]) and 200 in runs[0]


def test_dropped_patch_is_applied_but_not_answered(sb: Sandbox) -> None:
    """A dropped PATCH raises a connection error on the client, yet the write happened."""
    token = get_token(sb)
    doc = read(sb, token)
    doc["name"] = "Written before the drop"
    sb.drop_next_patch()
    with pytest.raises(requests.ConnectionError):
        patch(sb, token, doc)
    after = read(sb, token)
    assert after["version"] == 2
    assert after["name"] == "Written before the drop"
    logged = [e for e in sb.requests() if e.method == "PATCH"]
    assert logged[-1].dropped and logged[-1].status is None


def test_latency_delays_answers(sb: Sandbox) -> None:
    """With latency set at run time, an API answer takes at least that long."""
    token = get_token(sb)
    requests.post(sb.url + "/_sandbox/faults", json={"latency_ms": 500}, timeout=5)
    started = time.monotonic()
    read(sb, token)
    assert time.monotonic() - started >= 0.5
    requests.delete(sb.url + "/_sandbox/faults", timeout=5)
    started = time.monotonic()
    read(sb, token)
    assert time.monotonic() - started < 0.5


def test_fault_settings_are_validated(sb: Sandbox) -> None:
    """Out-of-range or unknown fault settings are refused with a JSON 400."""
    for body in ({"error_rate": 2}, {"nope": 1}, {"retry_after_form": "minutes"}):
        answer = requests.post(sb.url + "/_sandbox/faults", json=body, timeout=5)
        assert answer.status_code == 400
        assert answer.json()["message"]


def test_fail_next_answers_with_its_own_message(sb: Sandbox) -> None:
    """A fail-next rule with a `message` answers it as the body's `message`."""
    token = get_token(sb)
    sb.fail_next("GET", "/api/v2/outbound/campaigns/*", status=400, message="the server says no")
    answer = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
    assert (answer.status_code, answer.json()) == (400, {"message": "the server says no"})


def test_fail_next_drop_closes_without_serving(sb: Sandbox) -> None:
    """`drop` closes the connection unanswered and does not serve the request; the next is."""
    token = get_token(sb)
    answer = requests.post(
        sb.url + "/_sandbox/faults/fail-next",
        json={"method": "PATCH", "path": "/api/v2/outbound/campaigns/*", "action": "drop"},
        timeout=5,
    )
    assert answer.json()["fail_next"][0]["action"] == "drop"
    doc = read(sb, token)
    with pytest.raises(requests.ConnectionError):
        patch(sb, token, doc)
    assert sb.campaign("campaign_xyz789")["version"] == doc["version"]  # not applied
    entry = sb.requests()[-1]
    assert (entry.method, entry.status, entry.dropped, entry.fault) == (
        "PATCH", None, True, "fail_next",
    )  # fmt: skip
    assert patch(sb, token, doc).status_code == 200


def test_fail_next_slow_serves_late(sb: Sandbox) -> None:
    """`slow` waits `delay_ms`, then serves the request as usual."""
    token = get_token(sb)
    sb.fail_next("GET", "/api/v2/outbound/campaigns/*", action="slow", delay_ms=300)
    start = time.monotonic()
    answer = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
    assert answer.status_code == 200 and time.monotonic() - start >= 0.3
    with pytest.raises(requests.Timeout):
        sb.fail_next("GET", "/api/v2/outbound/campaigns/*", action="slow", delay_ms=1000)
        requests.get(campaign_url(sb), headers=bearer(token), timeout=(2, 0.2))


def test_fail_next_flag_takes_drop_and_slow() -> None:
    """`--fail-next` reads `drop` and `slow=MS` where a status would stand."""
    from selang.sandbox.cli import _fail_rule

    assert _fail_rule("GET:*:drop:2").action == "drop"
    slow = _fail_rule("PATCH:/api/*:slow=250")
    assert (slow.action, slow.delay_ms, slow.count) == ("slow", 250, 1)
    with pytest.raises(Exception, match="STATUS a code"):
        _fail_rule("GET:*:slow=x")


def test_fail_next_edit_lands_before_the_request(sb: Sandbox) -> None:
    """`edit` has another writer change the campaign just before the request: a PATCH made
    against the version read before it is refused with 409, and the edit is kept."""
    token = get_token(sb)
    doc = read(sb, token)
    sb.fail_next("PATCH", "/api/v2/outbound/campaigns/*", action="edit", edit={"name": "theirs"})
    assert patch(sb, token, doc).status_code == 409
    live = sb.campaign("campaign_xyz789")
    assert live["name"] == "theirs" and live["version"] == doc["version"] + 1
    with pytest.raises(Exception, match="goes with action `edit`"):
        sb.fail_next("PATCH", "*", action="edit")
