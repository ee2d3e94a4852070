"""Small client helpers for the sandbox tests: plain `requests` against the running server."""

from __future__ import annotations

from typing import Any

import requests

from selang.sandbox.inprocess import Sandbox

TOKEN = "/api/v2/oauth/token"
ALL_SCOPES = "outbound:campaign:write outbound:campaign:read webhooks:write"


def get_token(sb: Sandbox, scope: str | None = ALL_SCOPES) -> str:
    form = {"grant_type": "client_credentials", "client_id": sb.client_id}
    form["client_secret"] = sb.client_secret
    if scope is not None:
        form["scope"] = scope
    answer = requests.post(sb.url + TOKEN, data=form, timeout=5)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def campaign_url(sb: Sandbox, campaign_id: str = "campaign_xyz789") -> str:
    return f"{sb.url}/api/v2/outbound/campaigns/{campaign_id}"


def read(sb: Sandbox, token: str, campaign_id: str = "campaign_xyz789") -> dict[str, Any]:
    answer = requests.get(campaign_url(sb, campaign_id), headers=bearer(token), timeout=5)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def patch(
    sb: Sandbox,
    token: str,
    doc: dict[str, Any],
    version: int | None = None,
    campaign_id: str = "campaign_xyz789",
) -> requests.Response:
    version = doc["version"] if version is None else version
    headers = bearer(token, **{"If-Match": f"version={version}"})
    return requests.patch(campaign_url(sb, campaign_id), json=doc, headers=headers, timeout=5)
