"""The OAuth client-credentials endpoint and bearer-token checks on the API."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from urllib.parse import quote_plus

import requests
from sandbox_client import ALL_SCOPES, TOKEN, bearer, campaign_url, get_token, read

from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox


def _form(sb: Sandbox, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        **extra,
    }


def test_token_from_form_body(sb: Sandbox) -> None:
    """Credentials in the form body give a bearer token with the documented answer shape."""
    answer = requests.post(sb.url + TOKEN, data=_form(sb), timeout=5)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert body["scope"] == ALL_SCOPES
    assert answer.headers["Cache-Control"] == "no-store"


def test_token_from_basic_with_form_encoded_credentials(tmp_path: Path) -> None:
    """HTTP Basic credentials are form-urldecoded before comparison (RFC 6749 §2.3.1)."""
    secret = "s3cr:et+/ é&="
    with running(state_dir=tmp_path, client_id="my client", client_secret=secret) as sb:
        pair = f"{quote_plus('my client')}:{quote_plus(secret)}"
        header = "Basic " + base64.b64encode(pair.encode()).decode()
        answer = requests.post(
            sb.url + TOKEN,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": header},
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        assert sb.requests()[-1].auth_scheme == "Basic"


def test_credentials_in_query_string_are_refused(sb: Sandbox) -> None:
    """Credentials in the URL get 400 even when the form body is otherwise complete."""
    answer = requests.post(
        sb.url + TOKEN,
        params={"client_id": sb.client_id, "client_secret": sb.client_secret},
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert answer.status_code == 400
    assert "URL" in answer.json()["message"]


def test_wrong_or_missing_credentials_get_401(sb: Sandbox) -> None:
    """A wrong secret, a wrong id, and no credentials at all are each refused with 401."""
    for form in (
        _form(sb, client_secret="nope"),
        _form(sb, client_id="someone"),
        {"grant_type": "client_credentials"},
    ):
        answer = requests.post(sb.url + TOKEN, data=form, timeout=5)
        assert answer.status_code == 401
        assert answer.json()["error"] == "invalid_client"


def test_bad_token_requests_get_400(sb: Sandbox) -> None:
    """Wrong grant type, unknown scope, JSON body and both auth methods at once are 400s."""
    basic = "Basic " + base64.b64encode(f"{sb.client_id}:{sb.client_secret}".encode()).decode()
    cases = [
        {"data": _form(sb, grant_type="password")},
        {"data": _form(sb, scope="outbound:campaign:delete")},
        {"json": _form(sb)},
        {"data": _form(sb), "headers": {"Authorization": basic}},
    ]
    for case in cases:
        answer = requests.post(sb.url + TOKEN, timeout=5, **case)  # type: ignore[arg-type]
        assert answer.status_code == 400, case
        assert answer.json()["message"]


def test_token_expires_after_ttl(tmp_path: Path) -> None:
    """A token works until its TTL passes, then gets 401 with `WWW-Authenticate: Bearer`."""
    with running(state_dir=tmp_path, token_ttl=0.4) as sb:
        token = get_token(sb)
        read(sb, token)
        time.sleep(0.5)
        answer = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "expired" in answer.json()["message"]


def test_missing_and_unknown_tokens_get_401(sb: Sandbox) -> None:
    """No Authorization header or an unknown token is 401 with a Bearer challenge."""
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic abc"}):
        answer = requests.get(campaign_url(sb), headers=headers, timeout=5)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_scopes_are_granted_and_checked(sb: Sandbox) -> None:
    """A read-only token reads but gets 403 on PATCH and on webhook management."""
    token = get_token(sb, scope="outbound:campaign:read")
    doc = read(sb, token)
    answer = requests.patch(
        campaign_url(sb),
        json=doc,
        headers=bearer(token, **{"If-Match": "version=1"}),
        timeout=5,
    )
    assert answer.status_code == 403
    assert "outbound:campaign:write" in answer.json()["message"]
    hooks = requests.get(sb.url + "/api/v2/webhooks", headers=bearer(token), timeout=5)
    assert hooks.status_code == 403
    write_only = get_token(sb, scope="outbound:campaign:write")
    assert requests.get(campaign_url(sb), headers=bearer(write_only), timeout=5).status_code == 403


def test_revoking_tokens_makes_them_fail(sb: Sandbox) -> None:
    """After revocation through the admin endpoint, an earlier token gets 401."""
    token = get_token(sb)
    read(sb, token)
    answer = requests.post(sb.url + "/_sandbox/tokens/revoke", timeout=5)
    assert answer.json() == {"revoked": 1}
    again = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
    assert again.status_code == 401
    assert again.headers["WWW-Authenticate"].startswith("Bearer")
    read(sb, get_token(sb))
