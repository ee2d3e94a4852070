"""Kept-alive connections: reused for every request, answered without per-request stalls, and
writes to one campaign never hold up another's."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import requests
from sandbox_client import bearer, campaign_url, get_token

from selang.sandbox.inprocess import Sandbox
from selang.sandbox.store import CampaignStore


def test_one_session_uses_one_connection(sb: Sandbox) -> None:
    """Token, reads and writes over one `requests.Session` all travel on one TCP connection."""
    before = sb.connections
    with requests.Session() as session:
        form = {"grant_type": "client_credentials", "client_id": sb.client_id}
        form["client_secret"] = sb.client_secret
        token = session.post(sb.url + "/api/v2/oauth/token", data=form, timeout=5).json()
        headers = bearer(token["access_token"])
        for _ in range(10):
            doc = session.get(campaign_url(sb), headers=headers, timeout=5)
            assert doc.status_code == 200 and doc.headers["Content-Length"]
            doc = doc.json()
            answer = session.patch(
                campaign_url(sb),
                json=dict(doc, name="renamed"),
                headers={**headers, "If-Match": f"version={doc['version']}"},
                timeout=5,
            )
            assert answer.status_code == 200
    assert sb.connections - before == 1


def test_kept_alive_answers_do_not_stall(sb: Sandbox) -> None:
    """Requests on a reused connection take milliseconds, not a delayed-ACK wait (~40 ms) each."""
    token = get_token(sb)
    with requests.Session() as session:
        session.get(campaign_url(sb), headers=bearer(token), timeout=5)  # open the connection
        took = []
        for _ in range(15):
            start = time.perf_counter()
            assert session.get(campaign_url(sb), headers=bearer(token), timeout=5).ok
            took.append(time.perf_counter() - start)
    assert statistics.median(took) < 0.025


def test_a_slow_write_does_not_hold_up_other_campaigns(tmp_path: Path) -> None:
    """While one campaign's write is in progress, another campaign is written and both read."""
    store = CampaignStore(tmp_path)
    for cid in ("a", "b"):
        store.put({"id": cid, "version": 1})
    inside, release = threading.Event(), threading.Event()

    def slow(current: dict) -> dict:
        inside.set()
        release.wait(5)
        return dict(current, version=current["version"] + 1)

    writer = threading.Thread(target=store.replace, args=("a", slow, 1))
    writer.start()
    try:
        assert inside.wait(5)
        store.replace("b", lambda cur: dict(cur, version=2), expected_version=1)
        assert store.get("b")["version"] == 2
        assert store.get("a")["version"] == 1  # not visible before it is written
    finally:
        release.set()
        writer.join(5)
    assert store.get("a")["version"] == 2
