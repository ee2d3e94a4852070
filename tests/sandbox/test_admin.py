"""The `/_sandbox/` admin endpoints: out-of-band edits, the request log, seeding and reset."""

from __future__ import annotations

import requests
from sandbox_client import bearer, campaign_url, get_token, patch, read

from selang.sandbox.inprocess import Sandbox


def test_out_of_band_edit_bumps_the_version(sb: Sandbox) -> None:
    """Another writer's change through the admin endpoint is visible with a new version."""
    answer = requests.patch(
        sb.url + "/_sandbox/campaigns/campaign_xyz789", json={"status": "paused"}, timeout=5
    )
    assert answer.status_code == 200
    assert answer.json()["version"] == 2
    doc = read(sb, get_token(sb))
    assert doc["status"] == "paused" and doc["version"] == 2


def test_out_of_band_edit_is_validated(sb: Sandbox) -> None:
    """An admin edit cannot leave an invalid selection behind."""
    answer = requests.patch(
        sb.url + "/_sandbox/campaigns/campaign_xyz789",
        json={"contactSelection": {"targetListIds": []}},
        timeout=5,
    )
    assert answer.status_code == 400
    assert read(sb, get_token(sb))["version"] == 1


def test_request_log_records_what_the_client_sent(sb: Sandbox) -> None:
    """The log keeps method, path, headers, body and status, with credentials redacted."""
    token = get_token(sb)
    doc = read(sb, token)
    requests.get(sb.url + "/_sandbox/health", timeout=5)  # admin calls are not logged
    patch(sb, token, doc)
    log = requests.get(sb.url + "/_sandbox/requests", timeout=5).json()
    assert [(e["method"], e["status"]) for e in log] == [
        ("POST", 200),
        ("GET", 200),
        ("PATCH", 200),
    ]
    token_call, _, write = log
    assert "client_secret=[redacted]" in token_call["body"]
    assert sb.client_secret not in token_call["body"]
    assert write["headers"]["If-Match"] == "version=1"
    assert write["headers"]["Authorization"] == "Bearer [redacted]"
    assert token not in str(write)
    assert write["auth_scheme"] == "Bearer"
    assert write["json"] == doc
    entries = sb.requests(since=log[1]["seq"])
    assert [e.method for e in entries] == ["PATCH"]
    assert entries[0].header("if-match") == "version=1"


def test_clearing_the_request_log(sb: Sandbox) -> None:
    """DELETE on the log empties it; later requests are logged afresh."""
    get_token(sb)
    assert requests.delete(sb.url + "/_sandbox/requests", timeout=5).status_code == 204
    assert requests.get(sb.url + "/_sandbox/requests", timeout=5).json() == []
    get_token(sb)
    assert len(sb.requests()) == 1


def test_seeding_and_reset(sb: Sandbox) -> None:
    """A seeded campaign appears at version 1; reset brings back only the default seeds."""
    created = requests.post(sb.url + "/_sandbox/campaigns", json={"id": "campaign_new"}, timeout=5)
    assert created.status_code == 201
    token = get_token(sb)
    assert read(sb, token, "campaign_new")["version"] == 1
    sb.edit_campaign("campaign_xyz789", name="Changed")
    answer = requests.post(sb.url + "/_sandbox/reset", timeout=5)
    assert answer.json()["campaigns"] == [
        "campaign_collections",
        "campaign_reminders",
        "campaign_xyz789",
    ]
    token = get_token(sb)  # reset revokes tokens
    assert read(sb, token)["version"] == 1
    missing = requests.get(campaign_url(sb, "campaign_new"), headers=bearer(token), timeout=5)
    assert missing.status_code == 404


def test_seeding_a_full_document(sb: Sandbox) -> None:
    """A full document can be seeded as is, and a bad one is refused with 400."""
    doc = dict(read(sb, get_token(sb)), id="campaign_copy", version=5)
    assert sb.seed_campaign(doc)["version"] == 5
    bad = {"id": "campaign_bad", "contactSelection": {}}
    answer = requests.post(sb.url + "/_sandbox/campaigns", json=bad, timeout=5)
    assert answer.status_code == 400


def test_unknown_admin_endpoint_is_json_404(sb: Sandbox) -> None:
    """An unknown admin path answers 404 in JSON."""
    answer = requests.get(sb.url + "/_sandbox/nothing", timeout=5)
    assert answer.status_code == 404
    assert answer.json()["message"]
