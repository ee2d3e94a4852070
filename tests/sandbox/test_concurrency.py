"""Concurrent PATCHes: one winner per version, no lost write, versions strictly increasing."""

from __future__ import annotations

import threading
from typing import Any

import requests
from sandbox_client import bearer, campaign_url, get_token, read

from selang.sandbox.inprocess import Sandbox

WRITERS = 8


def test_same_version_has_exactly_one_winner(sb: Sandbox) -> None:
    """Writers racing on the same version: one gets 200, every other one gets 409."""
    token = get_token(sb)
    doc = read(sb, token)
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(n: int) -> None:
        mine = dict(doc, name=f"writer {n}")
        with requests.Session() as session:
            barrier.wait()
            answer = session.patch(
                campaign_url(sb),
                json=mine,
                headers=bearer(token, **{"If-Match": "version=1"}),
                timeout=10,
            )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * (WRITERS - 1)
    assert read(sb, token)["version"] == 2


def test_read_modify_write_loses_nothing(sb: Sandbox) -> None:
    """Writers that re-read on 409 all land their change, and every success has its own version."""
    token = get_token(sb)
    won: list[int] = []
    lock = threading.Lock()

    def add_rule(n: int) -> None:
        with requests.Session() as session:
            while True:
                doc: dict[str, Any] = session.get(
                    campaign_url(sb), headers=bearer(token), timeout=10
                ).json()
                doc["contactSelection"]["filterRules"].append(
                    {"field": f"writer_{n}", "operator": "is_null", "value": False}
                )
                answer = session.patch(
                    campaign_url(sb),
                    json=doc,
                    headers=bearer(token, **{"If-Match": f"version={doc['version']}"}),
                    timeout=10,
                )
                if answer.status_code == 200:
                    with lock:
                        won.append(answer.json()["version"])
                    return
                assert answer.status_code == 409, answer.text

    threads = [threading.Thread(target=add_rule, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = read(sb, token)
    fields = {r["field"] for r in final["contactSelection"]["filterRules"]}
    assert {f"writer_{n}" for n in range(WRITERS)} <= fields
    assert sorted(won) == list(range(2, WRITERS + 2))
    assert final["version"] == WRITERS + 1
    patches = [e for e in sb.requests() if e.method == "PATCH" and e.status == 200]
    assert len(patches) == WRITERS
